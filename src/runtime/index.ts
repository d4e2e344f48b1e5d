/**
 * The runtime API's semantics (`import { runtime } from 'cudajs'`): see `./api.ts` for the
 * functions, `./scope.ts` for plug-in isolation, `./registry.ts` for registered kernels, and
 * docs/isolation.md for the trade-offs.
 * @module
 */
export {
  getDeviceCount, setDevice, getDevice, context,
  malloc, upload, mallocManaged, mallocHost, hostRegister, createStream, createEvent, memGetInfo,
  deviceSynchronize, deviceReset, recover,
  registerModule, registerModuleFile,
  scope, currentScope, primaryContextHolders, type PrimaryContextHolders,
} from './api.js';
export { Scope, type Isolation, type ResetOptions, type ScopeOptions, type ScopeStats } from './scope.js';
export { RegisteredKernel, RegisteredModule, type LaunchFunction, type RegisteredImage, type RegisterOptions } from './registry.js';
export type { ResourceCounts } from './tracker.js';
