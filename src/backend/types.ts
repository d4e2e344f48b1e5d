/**
 * The seam between the object layer (`src/core`) and a device implementation.
 *
 * A {@link Backend} is a small, driver-API-shaped interface: the same operations, the same
 * per-thread current-context semantics, the same CUresult codes on failure (thrown as
 * `DriverError`). Two implementations exist and must behave identically:
 *
 * - `native`: koffi over libcuda, a thin layer over the generated raw bindings;
 * - `emulated`: a device implemented in TypeScript that executes PTX on the CPU.
 *
 * Contract, for both:
 * - Every operation that the driver API performs "in the current context" does so here too
 *   (allocation, module load, stream and event creation, synchronize, memGetInfo). The object layer
 *   makes the right context current; backends never guess.
 * - Handles are branded `bigint`s. Zero means "none" (for streams: the legacy default stream).
 * - Failures throw `DriverError` (via `driverError(code, call)`), with the CUresult the real
 *   driver would return. Backends do not validate what the object layer already validated.
 * - No operation allocates on the launch path: {@link Backend.launch} takes a {@link ParamBlock}
 *   created once per kernel.
 * @module
 */

/** A nominal type: a `T` that only code which made one can produce. */
export type Brand<T, Name extends string> = T & { readonly __brand: Name };

/** A device ordinal (CUdevice): 0 … deviceCount() − 1. */
export type DeviceOrdinal = number;
/** A context handle (CUcontext). */
export type ContextHandle = Brand<bigint, 'CUcontext'>;
/** A loaded module (CUmodule). */
export type ModuleHandle = Brand<bigint, 'CUmodule'>;
/** A kernel inside a loaded module (CUfunction). */
export type FunctionHandle = Brand<bigint, 'CUfunction'>;
/** A stream (CUstream); `0n` is the legacy default stream. */
export type StreamHandle = Brand<bigint, 'CUstream'>;
/** An event (CUevent). */
export type EventHandle = Brand<bigint, 'CUevent'>;
/** A device address (CUdeviceptr). */
export type DevicePointer = Brand<bigint, 'CUdeviceptr'>;
/** A host address of pinned (page-locked) or registered memory. */
export type HostPointer = Brand<bigint, 'host pointer'>;

/** The legacy default stream. */
export const DEFAULT_STREAM = 0n as StreamHandle;

/** Options for the JIT that turns PTX into machine code when a module loads (CUjit_option). */
export interface JitOptions {
  /** Upper bound on registers per thread (CU_JIT_MAX_REGISTERS). Default: no bound. */
  readonly maxRegisters?: number;
  /** PTX optimization level 0–4 (CU_JIT_OPTIMIZATION_LEVEL). Default: 4. */
  readonly optimizationLevel?: number;
  /** Generate debug information (CU_JIT_GENERATE_DEBUG_INFO). Default: false. */
  readonly generateDebugInfo?: boolean;
  /** Generate line-number information (CU_JIT_GENERATE_LINE_INFO). Default: false. */
  readonly generateLineInfo?: boolean;
  /** Verbose info log (CU_JIT_LOG_VERBOSE). Default: false. */
  readonly logVerbose?: boolean;
  /** Size of each log buffer in bytes. Default: 16 KiB. */
  readonly logBufferBytes?: number;
}

/** A successfully loaded module and what the JIT said about it. */
export interface LoadedModule {
  readonly module: ModuleHandle;
  /** The JIT's information log (may be empty). */
  readonly infoLog: string;
}

/** Where one kernel parameter sits in the packed parameter buffer (cuFuncGetParamInfo). */
export interface ParamSlot {
  /** Byte offset of the parameter inside the packed buffer. */
  readonly offset: number;
  /** Size of the parameter in bytes. */
  readonly size: number;
}

/**
 * A kernel's parameter storage, created once per kernel by {@link Backend.createParamBlock} and
 * reused by every launch. The object layer writes argument values into `view` (little-endian, at
 * each slot's offset) and then calls {@link Backend.launch}: nothing is allocated per launch.
 */
export interface ParamBlock {
  /** Writable view of the packed parameter bytes. */
  readonly view: DataView;
  /** The same bytes. */
  readonly bytes: Uint8Array;
  /** The slots this block was created for. */
  readonly slots: readonly ParamSlot[];
}

/** Grid and block dimensions plus the rest of a launch's execution configuration. */
export interface LaunchDims {
  readonly gridX: number; readonly gridY: number; readonly gridZ: number;
  readonly blockX: number; readonly blockY: number; readonly blockZ: number;
  /** Dynamic shared memory per block, bytes. */
  readonly sharedMemBytes: number;
}

/** Launch attributes for {@link Backend.launchEx} (cuLaunchKernelEx). */
export interface LaunchAttributes {
  /** Launch as a cooperative kernel (grid-wide sync allowed). */
  readonly cooperative?: boolean;
  /** Thread-block cluster dimensions (sm_90+). */
  readonly clusterDim?: readonly [number, number, number];
  /** Programmatic stream serialization (PDL). */
  readonly programmaticStreamSerialization?: boolean;
  /** Priority of this launch inside its stream. */
  readonly priority?: number;
}

/** Free and total memory of the current context's device, bytes. */
export interface MemoryInfo {
  readonly free: number;
  readonly total: number;
}

/** A pinned host allocation: its address and a view of its bytes. */
export interface PinnedAllocation {
  readonly pointer: HostPointer;
  /** The allocation's bytes, readable and writable from JavaScript. */
  readonly bytes: Uint8Array;
}

/** A managed (unified) allocation: its device address and a host view of the same bytes. */
export interface ManagedAllocation {
  readonly pointer: DevicePointer;
  /** Host view of the allocation; valid for host access only while no kernel uses it. */
  readonly bytes: Uint8Array;
}

/** State of a device's primary context (cuDevicePrimaryCtxGetState). */
export interface PrimaryContextState {
  readonly flags: number;
  readonly active: boolean;
}

/** Which implementation a backend is. */
export type BackendKind = 'gpu' | 'emu';

/**
 * A device implementation: the driver API's operations that cudajs needs, with identical
 * semantics on every backend. See the module comment for the contract.
 */
export interface Backend {
  /** `gpu` for libcuda, `emu` for the emulated device. */
  readonly kind: BackendKind;
  /** One line that says what this backend is (library path and driver version, or "emulated"). */
  readonly description: string;

  // --- Initialization and devices -------------------------------------------------------------
  /** The driver's CUDA version, e.g. 13000 (cuDriverGetVersion). */
  driverVersion(): number;
  /** Number of devices (cuDeviceGetCount). */
  deviceCount(): number;
  /** The device's name (cuDeviceGetName). */
  deviceName(device: DeviceOrdinal): string;
  /** The device's 16-byte UUID (cuDeviceGetUuid). */
  deviceUuid(device: DeviceOrdinal): Uint8Array;
  /** One CUdevice_attribute value (cuDeviceGetAttribute). */
  deviceAttribute(device: DeviceOrdinal, attribute: number): number;
  /** Total memory in bytes (cuDeviceTotalMem). */
  deviceTotalMemory(device: DeviceOrdinal): number;
  /** Whether `device` can access memory of `peer` directly (cuDeviceCanAccessPeer). */
  deviceCanAccessPeer(device: DeviceOrdinal, peer: DeviceOrdinal): boolean;

  // --- Primary contexts -----------------------------------------------------------------------
  /** Retains the device's primary context, creating it if needed (cuDevicePrimaryCtxRetain). */
  primaryContextRetain(device: DeviceOrdinal): ContextHandle;
  /** Releases one reference (cuDevicePrimaryCtxRelease). */
  primaryContextRelease(device: DeviceOrdinal): void;
  /** Flags and whether it is active (cuDevicePrimaryCtxGetState). */
  primaryContextState(device: DeviceOrdinal): PrimaryContextState;
  /** Sets the flags used when it is next created (cuDevicePrimaryCtxSetFlags). */
  primaryContextSetFlags(device: DeviceOrdinal, flags: number): void;
  /** Destroys its resources and resets it, whatever its reference count (cuDevicePrimaryCtxReset). */
  primaryContextReset(device: DeviceOrdinal): void;

  // --- Contexts (all act on the calling thread's context stack) ---------------------------------
  /** Creates a context and makes it current (cuCtxCreate). */
  contextCreate(device: DeviceOrdinal, flags: number): ContextHandle;
  /** Destroys a created context (cuCtxDestroy). */
  contextDestroy(context: ContextHandle): void;
  /** Pushes onto the thread's stack (cuCtxPushCurrent). */
  contextPush(context: ContextHandle): void;
  /** Pops the thread's current context and returns it (cuCtxPopCurrent). */
  contextPop(): ContextHandle;
  /** Replaces the top of the thread's stack; `null` pops it (cuCtxSetCurrent). */
  contextSetCurrent(context: ContextHandle | null): void;
  /** The thread's current context, or `null` (cuCtxGetCurrent). */
  contextGetCurrent(): ContextHandle | null;
  /** The current context's device (cuCtxGetDevice). */
  contextGetDevice(): DeviceOrdinal;
  /** A process-unique id of a context, different for a re-created primary context (cuCtxGetId). */
  contextGetId(context: ContextHandle): bigint;
  /** Waits for all work in the current context (cuCtxSynchronize). */
  contextSynchronize(): void;
  /** Free and total device memory, seen from the current context (cuMemGetInfo). */
  memoryInfo(): MemoryInfo;

  // --- Modules and kernels ---------------------------------------------------------------------
  /**
   * Loads a cubin, PTX (NUL-terminated or not) or fatbin image into the current context
   * (cuModuleLoadDataEx). On a JIT failure the thrown DriverError's explanation includes the log.
   */
  moduleLoad(image: Uint8Array, options: JitOptions): LoadedModule;
  /** Unloads a module (cuModuleUnload). */
  moduleUnload(module: ModuleHandle): void;
  /** A kernel by its (mangled) name (cuModuleGetFunction). */
  moduleFunction(module: ModuleHandle, name: string): FunctionHandle;
  /** Names of every kernel in the module (cuModuleEnumerateFunctions + cuFuncGetName). */
  moduleFunctionNames(module: ModuleHandle): string[];
  /** A `__device__`/`__constant__` variable's address and size (cuModuleGetGlobal). */
  moduleGlobal(module: ModuleHandle, name: string): { readonly pointer: DevicePointer; readonly bytes: number };
  /** One CUfunction_attribute (cuFuncGetAttribute). */
  functionAttribute(fn: FunctionHandle, attribute: number): number;
  /** Sets one CUfunction_attribute (cuFuncSetAttribute). */
  functionSetAttribute(fn: FunctionHandle, attribute: number, value: number): void;
  /** The slot of parameter `index`, or `null` past the last one (cuFuncGetParamInfo). */
  functionParamInfo(fn: FunctionHandle, index: number): ParamSlot | null;
  /** cuOccupancyMaxActiveBlocksPerMultiprocessor. */
  occupancyMaxActiveBlocks(fn: FunctionHandle, blockSize: number, dynamicSharedBytes: number): number;
  /** cuOccupancyMaxPotentialBlockSize with a constant dynamic shared memory size. */
  occupancyMaxPotentialBlockSize(fn: FunctionHandle, dynamicSharedBytes: number, blockSizeLimit: number): { readonly minGridSize: number; readonly blockSize: number };

  // --- Launch ------------------------------------------------------------------------------------
  /** Allocates the reusable parameter storage of one kernel (see {@link ParamBlock}). */
  createParamBlock(slots: readonly ParamSlot[]): ParamBlock;
  /** Launches on a stream (cuLaunchKernel). The hot path: no allocation, no validation. */
  launch(fn: FunctionHandle, dims: LaunchDims, params: ParamBlock, stream: StreamHandle): void;
  /** Launches with attributes (cuLaunchKernelEx). */
  launchEx(fn: FunctionHandle, dims: LaunchDims, params: ParamBlock, stream: StreamHandle, attributes: LaunchAttributes): void;

  // --- Memory --------------------------------------------------------------------------------------
  /** Allocates device memory in the current context (cuMemAlloc). */
  memAlloc(bytes: number): DevicePointer;
  /** Frees device or managed memory (cuMemFree). */
  memFree(pointer: DevicePointer): void;
  /** Allocates managed memory (cuMemAllocManaged, CU_MEM_ATTACH_GLOBAL). */
  memAllocManaged(bytes: number): ManagedAllocation;
  /** Allocates pinned host memory (cuMemHostAlloc with `flags`). */
  memAllocHost(bytes: number, flags: number): PinnedAllocation;
  /** Frees pinned host memory (cuMemFreeHost). */
  memFreeHost(pointer: HostPointer): void;
  /** Page-locks existing host memory (cuMemHostRegister); returns its host address. */
  memHostRegister(bytes: Uint8Array, flags: number): HostPointer;
  /** Undoes {@link memHostRegister} (cuMemHostUnregister). */
  memHostUnregister(pointer: HostPointer): void;
  /**
   * Host → device copy. With a stream, asynchronous (cuMemcpyHtoDAsync): the caller keeps `src`
   * alive and unchanged until the stream reaches the copy.
   */
  memcpyHtoD(dst: DevicePointer, src: Uint8Array, stream?: StreamHandle): void;
  /** Device → host copy; asynchronous with a stream (cuMemcpyDtoHAsync). */
  memcpyDtoH(dst: Uint8Array, src: DevicePointer, stream?: StreamHandle): void;
  /** Device → device copy (cuMemcpyDtoD / cuMemcpyDtoDAsync). */
  memcpyDtoD(dst: DevicePointer, src: DevicePointer, bytes: number, stream?: StreamHandle): void;
  /** Copy between contexts on different devices (cuMemcpyPeer / cuMemcpyPeerAsync). */
  memcpyPeer(dst: DevicePointer, dstContext: ContextHandle, src: DevicePointer, srcContext: ContextHandle, bytes: number, stream?: StreamHandle): void;
  /** Fills `count` elements of `elementBytes` (1, 2 or 4) with `value` (cuMemsetD8/16/32[Async]). */
  memset(dst: DevicePointer, value: number, elementBytes: 1 | 2 | 4, count: number, stream?: StreamHandle): void;

  // --- Peer access -----------------------------------------------------------------------------------
  /** Lets the current context access memory of `peer`'s device (cuCtxEnablePeerAccess). */
  contextEnablePeerAccess(peer: ContextHandle): void;
  /** cuCtxDisablePeerAccess. */
  contextDisablePeerAccess(peer: ContextHandle): void;

  // --- Streams and events ------------------------------------------------------------------------------
  /** Creates a stream in the current context (cuStreamCreateWithPriority). */
  streamCreate(flags: number, priority: number): StreamHandle;
  /** cuStreamDestroy. */
  streamDestroy(stream: StreamHandle): void;
  /** Blocks until the stream is idle (cuStreamSynchronize). */
  streamSynchronize(stream: StreamHandle): void;
  /** True when all work on the stream has completed (cuStreamQuery; CUDA_ERROR_NOT_READY → false). */
  streamQuery(stream: StreamHandle): boolean;
  /** Makes future work on `stream` wait for `event` (cuStreamWaitEvent). */
  streamWaitEvent(stream: StreamHandle, event: EventHandle): void;
  /** Least and greatest stream priorities of the current context (cuCtxGetStreamPriorityRange). */
  streamPriorityRange(): { readonly least: number; readonly greatest: number };
  /** Creates an event in the current context (cuEventCreate). */
  eventCreate(flags: number): EventHandle;
  /** cuEventDestroy. */
  eventDestroy(event: EventHandle): void;
  /** cuEventRecord. */
  eventRecord(event: EventHandle, stream: StreamHandle): void;
  /** True when the event has completed (cuEventQuery; CUDA_ERROR_NOT_READY → false). */
  eventQuery(event: EventHandle): boolean;
  /** Blocks until the event completes (cuEventSynchronize). */
  eventSynchronize(event: EventHandle): void;
  /** Milliseconds between two recorded events (cuEventElapsedTime). */
  eventElapsedTime(start: EventHandle, end: EventHandle): number;
}
