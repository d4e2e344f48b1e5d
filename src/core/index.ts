/**
 * The object layer: devices, contexts, modules, kernels, memory, streams and events, over
 * whichever backend the process uses (the GPU through libcuda, or the emulated device).
 * @module
 */
export { Device, type ComputeCapability, type DeviceAttributeName, type DeviceLimits } from './device.js';
export { Context, type ContextKind, type ContextOptions, type SchedulingPolicy } from './context.js';
export { Module, type ModuleFormat, type ModuleLoadOptions, type ModuleSource } from './module.js';
export { Kernel, type KernelAttributeName, type KernelOptions, type SuggestedLaunch } from './kernel.js';
export type { Dim3, LaunchConfig } from './launch-config.js';
export type { KernelArgument } from './marshal.js';
export { array, bytes, struct, type ArrayType, type BytesType, type ParamSpec, type ParamType, type ScalarTypeName, type StructField, type StructType } from './param-types.js';
export {
  DeviceBuffer, HostBuffer, ManagedBuffer,
  type FillType, type HostAllocationOptions, type HostRegistrationOptions, type TransferOptions, type TypedArrayConstructor,
} from './memory.js';
export { Stream, type StreamOptions } from './stream.js';
export { Event, type EventOptions } from './event.js';
export { backend } from './backend.js';
