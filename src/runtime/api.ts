/**
 * The runtime API's semantics in TypeScript: implicit initialization, a current device per thread,
 * the context libcudart would use, registered kernels, device synchronize and reset — over either
 * backend, and shared safely between the components of a process through scopes.
 *
 * Which context a runtime call uses — exactly libcudart's rule: the driver-API context current on
 * this thread if there is one (inside `scope.run()`, the scope's); otherwise the current device's
 * primary context, retained once by the runtime on first use and made current on the thread.
 * Which scope tracks what it creates: the innermost scope whose `run()` is executing, else the
 * runtime's own scope.
 *
 * @example
 * ```ts
 * import { runtime } from 'cudajs';
 *
 * runtime.setDevice(0);
 * const saxpy = runtime.registerModule(ptx).kernel('saxpy');
 * using x = runtime.upload(new Float32Array([1, 2, 3]));
 * using y = runtime.upload(new Float32Array([10, 20, 30]));
 * saxpy.launch({ grid: 1, block: 32 }, 3, 2.0, x, y, y);
 * runtime.deviceSynchronize();
 * console.log(y.toArray(Float32Array)); // Float32Array [12, 24, 36]
 * ```
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import {
  Context, Device,
  type DeviceBuffer, type Event, type EventOptions, type HostAllocationOptions, type HostBuffer, type HostRegistrationOptions,
  type ManagedBuffer, type ModuleSource, type Stream, type StreamOptions,
} from '../core/index.js';
import { backend } from '../core/backend.js';
import type { DeviceOrdinal, MemoryInfo } from '../backend/types.js';
import { realm } from './realm.js';
import { activeScope, Scope, type ResetOptions, type ScopeOptions } from './scope.js';
import { readModuleFile, RegisteredModule, type RegisteredImage, type RegisterOptions } from './registry.js';

// --- Devices ---------------------------------------------------------------------------------------

/** Number of devices (cudaGetDeviceCount). */
export function getDeviceCount(): number {
  return Device.count();
}

/**
 * Makes `device` this thread's current device (cudaSetDevice). As libcudart has done since CUDA
 * 12, it also initializes the device's primary context (retained once by the runtime) and makes
 * it current on the thread. Inside `scope.run()`, only the scope's own device may be set (the
 * scope's context stays current).
 * @throws InvalidArgumentError for an ordinal out of range, or another device inside a scope.
 */
export function setDevice(device: number): void {
  const call = 'runtime.setDevice';
  const d = Device.get(device);
  const scope = activeScope();
  if (!scope.isRuntimeScope) {
    if (scope.device.ordinal !== d.ordinal) throw new InvalidArgumentError(call, `${scope.toString()} is bound to device ${scope.device.ordinal}; use a scope on device ${d.ordinal} instead`);
    return;
  }
  realm.device = d.ordinal;
  const primary = scope.ownContext(call, d.ordinal);
  if (backend().contextGetCurrent() !== primary.handle) backend().contextSetCurrent(primary.handle);
}

/**
 * This thread's current device (cudaGetDevice): the device of the context current on the thread
 * if there is one, else the device last set (default 0).
 */
export function getDevice(): DeviceOrdinal {
  const b = backend();
  return b.contextGetCurrent() === null ? realm.device : b.contextGetDevice();
}

/**
 * The context runtime calls use now on this thread (see the module comment), as a borrowed
 * reference: disposing it does nothing.
 */
export function context(): Context {
  return Context.fromHandle(activeScope().contextFor('runtime.context', 'runtime').handle);
}

// --- Memory, streams, events --------------------------------------------------------------------------

/** Allocates device memory (cudaMalloc), tracked by the active scope. Its content is undefined until written. */
export function malloc(bytes: number): DeviceBuffer {
  return activeScope().create('runtime.malloc', 'runtime', (ctx) => ctx.allocate(bytes));
}

/** Allocates device memory holding a copy of `data` (cudaMalloc + cudaMemcpy). */
export function upload(data: ArrayBufferView | ArrayBuffer): DeviceBuffer {
  return activeScope().create('runtime.upload', 'runtime', (ctx) => ctx.upload(data));
}

/** Allocates managed memory (cudaMallocManaged). */
export function mallocManaged(bytes: number): ManagedBuffer {
  return activeScope().create('runtime.mallocManaged', 'runtime', (ctx) => ctx.allocateManaged(bytes));
}

/** Allocates pinned host memory (cudaHostAlloc). */
export function mallocHost(bytes: number, options: HostAllocationOptions = {}): HostBuffer {
  return activeScope().create('runtime.mallocHost', 'runtime', (ctx) => ctx.allocateHost(bytes, options));
}

/** Page-locks existing host memory (cudaHostRegister). */
export function hostRegister(memory: ArrayBufferView | ArrayBuffer, options: HostRegistrationOptions = {}): HostBuffer {
  return activeScope().create('runtime.hostRegister', 'runtime', (ctx) => ctx.registerHost(memory, options));
}

/** Creates a stream (cudaStreamCreateWithPriority). */
export function createStream(options: StreamOptions = {}): Stream {
  return activeScope().create('runtime.createStream', 'runtime', (ctx) => ctx.createStream(options));
}

/** Creates an event (cudaEventCreateWithFlags). */
export function createEvent(options: EventOptions = {}): Event {
  return activeScope().create('runtime.createEvent', 'runtime', (ctx) => ctx.createEvent(options));
}

/** Free and total device memory, seen from the runtime's context (cudaMemGetInfo). */
export function memGetInfo(): MemoryInfo {
  return activeScope().contextFor('runtime.memGetInfo', 'runtime').memoryInfo();
}

// --- Device-wide ------------------------------------------------------------------------------------

/** Waits for all work in the runtime's context (cudaDeviceSynchronize). */
export function deviceSynchronize(): void {
  activeScope().contextFor('runtime.deviceSynchronize', 'runtime').synchronize();
}

/**
 * cudaDeviceReset, made safe: resets the device for the active scope (see `Scope.resetDevice`).
 * Outside any scope, the current device's primary context is reset — refused with a
 * `ResetRefusedError` while scopes or other cudajs references hold it, unless `force` is set.
 * Inside a `dedicated` scope's `run()`, only the scope's own context is reset.
 */
export function deviceReset(options: ResetOptions = {}): void {
  activeScope().resetDevice(options);
}

/**
 * After a `ContextResetError` from a runtime call: makes the active scope usable again (see
 * `Scope.recover`).
 */
export function recover(): void {
  activeScope().recover();
}

// --- Kernels ------------------------------------------------------------------------------------------

/**
 * Registers a module once: PTX text, PTX / cubin / fatbin bytes, or a function producing one on
 * first use. Its kernels load into each context (for each scope) on their first launch and stay.
 *
 * @example
 * ```ts
 * const saxpy = runtime.registerModule(ptx, { name: 'blas1' }).kernel('saxpy');
 * saxpy.launch({ grid: Math.ceil(n / 256), block: 256 }, n, 2.0, x, y, out);
 * ```
 */
export function registerModule(source: RegisteredImage, options: RegisterOptions = {}): RegisteredModule {
  return new RegisteredModule(source, options);
}

/** Registers a `.ptx`, `.cubin` or `.fatbin` file (read now). */
export function registerModuleFile(path: string, options: RegisterOptions = {}): RegisteredModule {
  const bytes: ModuleSource = readModuleFile(path);
  return new RegisteredModule(bytes, { name: path.split('/').pop()!, ...options });
}

// --- Scopes ---------------------------------------------------------------------------------------------

/**
 * A new scope named `name` for one component of the process (see `Scope`). Names are unique among
 * this thread's live scopes.
 *
 * @example
 * ```ts
 * using plugin = runtime.scope('untrusted-plugin', { isolation: 'dedicated' });
 * const result = plugin.run(() => thirdPartyFilter(image)); // its runtime calls use its own context
 * ```
 * @throws InvalidArgumentError for an empty or taken name, an unknown isolation or a bad device.
 */
export function scope(name: string, options: ScopeOptions = {}): Scope {
  return Scope.create(name, options);
}

/** The scope runtime calls use now: the innermost running scope, else the runtime's own. */
export function currentScope(): Scope {
  return activeScope();
}

/** Who holds a device's primary context, as far as this thread's cudajs can see. */
export interface PrimaryContextHolders {
  readonly device: DeviceOrdinal;
  /** Whether the primary context exists now (cuDevicePrimaryCtxGetState). */
  readonly active: boolean;
  /** Undisposed cudajs references in this thread (scopes' included). */
  readonly cudajsReferences: number;
  /** This thread's scopes holding a live reference (the runtime scope as `runtime`). */
  readonly scopes: readonly string[];
}

/**
 * Who holds the primary context of `device` (default: the current device). References held
 * outside cudajs (libcudart, other native libraries) and by other threads are not visible.
 */
export function primaryContextHolders(device: number = getDevice()): PrimaryContextHolders {
  const d = Device.get(device);
  const scopes = [...realm.scopes.values()];
  if (realm.runtimeScope) scopes.push(realm.runtimeScope);
  return {
    device: d.ordinal,
    active: backend().primaryContextState(d.ordinal).active,
    cudajsReferences: d.primaryContextState().retainedByCudajs,
    scopes: scopes.filter((s) => s.holdsPrimary(d.ordinal)).map((s) => s.name),
  };
}
