/**
 * {@link EmulatedBackend}: the {@link Backend} seam implemented by an emulated device that
 * executes PTX on the CPU. It composes the pieces of this folder:
 *
 * - `contexts.ts`  context stack, primary and created contexts, sticky faults;
 * - `memory.ts`    device / managed / pinned / registered memory, copies, memset;
 * - `modules.ts`   module load (`image.ts`, `fatbin.ts`), functions, attributes, occupancy;
 * - `launch.ts`    launch checks and execution in the injected {@link EmuEngine};
 * - `streams.ts`   streams and events (eager, in-order execution: see there);
 * - `printf.ts`    device printf output, buffered per context until a synchronize point;
 * - `attributes.ts` the H100-like device description.
 *
 * Every method names its driver call (`cuMemAlloc`, `cuLaunchKernel` …) in the errors it throws.
 * @module
 */
import type { EmuEngine, LaunchOptions } from '../../emu/engine.js';
import { deviceBase, deviceOfAddress, MAX_EMULATED_DEVICES } from '../../emu/mem/layout.js';
import type {
  Backend, ContextHandle, DeviceOrdinal, DevicePointer, EventHandle, FunctionHandle, HostPointer, JitOptions,
  LaunchAttributes, LaunchDims, LoadedModule, ManagedAllocation, MemoryInfo, ModuleHandle, ParamBlock, ParamSlot,
  PinnedAllocation, PrimaryContextState, StreamHandle,
} from '../types.js';
import { EMULATED_DEVICE_NAME, EMULATED_DRIVER_VERSION, deviceAttributeValue, emulatedDeviceUuid } from './attributes.js';
import { ContextManager, ContextState } from './contexts.js';
import { CUresult } from '../../raw/driver-types.js';
import { fail } from '../driver-error.js';
import { checkCooperative, checkLaunch, clusterOf, execute } from './launch.js';
import { MemoryService } from './memory.js';
import { FunctionRecord, ModuleService } from './modules.js';
import { PrintfBuffer } from './printf.js';
import { StreamRecord, StreamService } from './streams.js';

/** Construction options of an {@link EmulatedBackend}. */
export interface EmulatedBackendOptions {
  /** Receives device printf output at each flush. Default: `process.stdout.write`. */
  readonly stdout?: (text: string) => void;
  /** Limits passed to the engine with every launch. Default: none (no budget, no timeout, JIT). */
  readonly launch?: Omit<LaunchOptions, 'printf'>;
  /** Global memory per device, bytes (a multiple of 1 MiB). Default: the largest the JS engine allows (4 GiB on Node 20). */
  readonly memoryBytes?: number;
  /** Capacity of each context's printf buffer, bytes. Default: 1 MiB (the GPU's default FIFO). */
  readonly printfBufferBytes?: number;
}

const GiB = 2 ** 30;

/** The emulated device(s), behind the same interface as the GPU backend. */
export class EmulatedBackend implements Backend {
  readonly kind = 'emu' as const;
  readonly description: string;
  readonly #deviceCount: number;
  readonly #contexts: ContextManager;
  readonly #memory: MemoryService;
  readonly #streams: StreamService;
  readonly #modules: ModuleService;

  /**
   * @param engine the PTX execution engine that compiles modules and runs kernels.
   * @param deviceCount number of emulated devices, 1 … 64 (default 1); they can all access each
   *   other's memory as peers.
   */
  constructor(engine: EmuEngine, deviceCount = 1, options: EmulatedBackendOptions = {}) {
    if (!Number.isInteger(deviceCount) || deviceCount < 1 || deviceCount > MAX_EMULATED_DEVICES) {
      throw new RangeError(`deviceCount must be an integer from 1 to ${MAX_EMULATED_DEVICES}, got ${deviceCount}`);
    }
    this.#deviceCount = deviceCount;
    const sink = options.stdout ?? ((text: string): void => void process.stdout.write(text));
    this.#memory = new MemoryService(deviceCount, options.memoryBytes);
    this.#contexts = new ContextManager(deviceCount, {
      create: (device, flags, fault) => {
        const printf = new PrintfBuffer(sink, options.printfBufferBytes);
        return new ContextState(device, flags, this.#memory.device(device), fault, printf, { ...options.launch, printf: printf.push },
          (context) => this.#streams.defaultStreamOf(context));
      },
      destroy: (state) => this.#teardown(state),
    });
    this.#streams = new StreamService(this.#contexts);
    this.#modules = new ModuleService(this.#contexts, engine);
    this.description = `cudajs emulated device: ${deviceCount} × sm_90 (H100-like), PTX executed on the CPU, ` +
      `${this.#memory.totalBytes() / GiB} GiB each from 0x${deviceBase(0).toString(16)}`;
  }

  // --- Initialization and devices -------------------------------------------------------------

  driverVersion(): number {
    return EMULATED_DRIVER_VERSION;
  }

  deviceCount(): number {
    return this.#deviceCount;
  }

  deviceName(device: DeviceOrdinal): string {
    this.#contexts.checkDevice(device, 'cuDeviceGetName');
    return EMULATED_DEVICE_NAME;
  }

  deviceUuid(device: DeviceOrdinal): Uint8Array {
    this.#contexts.checkDevice(device, 'cuDeviceGetUuid');
    return emulatedDeviceUuid(device);
  }

  deviceAttribute(device: DeviceOrdinal, attribute: number): number {
    this.#contexts.checkDevice(device, 'cuDeviceGetAttribute');
    const value = deviceAttributeValue(device, attribute);
    if (value === undefined) fail(CUresult.CUDA_ERROR_INVALID_VALUE, 'cuDeviceGetAttribute', `unknown device attribute ${attribute}`);
    return value;
  }

  deviceTotalMemory(device: DeviceOrdinal): number {
    this.#contexts.checkDevice(device, 'cuDeviceTotalMem');
    return this.#memory.totalBytes();
  }

  deviceCanAccessPeer(device: DeviceOrdinal, peer: DeviceOrdinal): boolean {
    this.#contexts.checkDevice(device, 'cuDeviceCanAccessPeer');
    this.#contexts.checkDevice(peer, 'cuDeviceCanAccessPeer');
    return device !== peer;
  }

  // --- Primary contexts -----------------------------------------------------------------------

  primaryContextRetain(device: DeviceOrdinal): ContextHandle {
    return this.#contexts.primaryRetain(device, 'cuDevicePrimaryCtxRetain') as ContextHandle;
  }

  primaryContextRelease(device: DeviceOrdinal): void {
    this.#contexts.primaryRelease(device, 'cuDevicePrimaryCtxRelease');
  }

  primaryContextState(device: DeviceOrdinal): PrimaryContextState {
    return this.#contexts.primaryState(device, 'cuDevicePrimaryCtxGetState');
  }

  primaryContextSetFlags(device: DeviceOrdinal, flags: number): void {
    this.#contexts.primarySetFlags(device, flags, 'cuDevicePrimaryCtxSetFlags');
  }

  primaryContextReset(device: DeviceOrdinal): void {
    this.#contexts.primaryReset(device, 'cuDevicePrimaryCtxReset');
  }

  // --- Contexts -------------------------------------------------------------------------------

  contextCreate(device: DeviceOrdinal, flags: number): ContextHandle {
    return this.#contexts.create(device, flags, 'cuCtxCreate') as ContextHandle;
  }

  contextDestroy(context: ContextHandle): void {
    this.#contexts.destroy(context, 'cuCtxDestroy');
  }

  contextPush(context: ContextHandle): void {
    this.#contexts.push(context, 'cuCtxPushCurrent');
  }

  contextPop(): ContextHandle {
    return this.#contexts.pop('cuCtxPopCurrent') as ContextHandle;
  }

  contextSetCurrent(context: ContextHandle | null): void {
    this.#contexts.setCurrent(context, 'cuCtxSetCurrent');
  }

  contextGetCurrent(): ContextHandle | null {
    return this.#contexts.getCurrent() as ContextHandle | null;
  }

  contextGetDevice(): DeviceOrdinal {
    return this.#contexts.current('cuCtxGetDevice').device;
  }

  contextGetId(context: ContextHandle): bigint {
    return this.#contexts.state(context, 'cuCtxGetId').id;
  }

  contextSynchronize(): void {
    this.#contexts.current('cuCtxSynchronize').printf.flush();
  }

  memoryInfo(): MemoryInfo {
    return this.#memory.info(this.#contexts.current('cuMemGetInfo'));
  }

  // --- Modules and kernels ----------------------------------------------------------------------

  moduleLoad(image: Uint8Array, options: JitOptions): LoadedModule {
    return this.#modules.load(image, options, 'cuModuleLoadDataEx');
  }

  moduleUnload(module: ModuleHandle): void {
    this.#modules.unload(module, 'cuModuleUnload');
  }

  moduleFunction(module: ModuleHandle, name: string): FunctionHandle {
    return this.#modules.function(module, name, 'cuModuleGetFunction');
  }

  moduleFunctionNames(module: ModuleHandle): string[] {
    return this.#modules.functionNames(module, 'cuModuleEnumerateFunctions');
  }

  moduleGlobal(module: ModuleHandle, name: string): { readonly pointer: DevicePointer; readonly bytes: number } {
    return this.#modules.global(module, name, 'cuModuleGetGlobal');
  }

  functionAttribute(fn: FunctionHandle, attribute: number): number {
    return this.#modules.attribute(fn, attribute, 'cuFuncGetAttribute');
  }

  functionSetAttribute(fn: FunctionHandle, attribute: number, value: number): void {
    this.#modules.setAttribute(fn, attribute, value, 'cuFuncSetAttribute');
  }

  functionParamInfo(fn: FunctionHandle, index: number): ParamSlot | null {
    return this.#modules.paramInfo(fn, index, 'cuFuncGetParamInfo');
  }

  occupancyMaxActiveBlocks(fn: FunctionHandle, blockSize: number, dynamicSharedBytes: number): number {
    return this.#modules.maxActiveBlocks(fn, blockSize, dynamicSharedBytes, 'cuOccupancyMaxActiveBlocksPerMultiprocessor');
  }

  occupancyMaxPotentialBlockSize(fn: FunctionHandle, dynamicSharedBytes: number, blockSizeLimit: number): { readonly minGridSize: number; readonly blockSize: number } {
    return this.#modules.maxPotentialBlockSize(fn, dynamicSharedBytes, blockSizeLimit, 'cuOccupancyMaxPotentialBlockSize');
  }

  // --- Launch -------------------------------------------------------------------------------------

  createParamBlock(slots: readonly ParamSlot[]): ParamBlock {
    let size = 0;
    for (const s of slots) {
      if (!Number.isSafeInteger(s.offset) || !Number.isSafeInteger(s.size) || s.offset < 0 || s.size < 0) {
        fail(CUresult.CUDA_ERROR_INVALID_VALUE, 'createParamBlock', `invalid parameter slot { offset: ${s.offset}, size: ${s.size} }`);
      }
      size = Math.max(size, s.offset + s.size);
    }
    const bytes = new Uint8Array(size);
    return { view: new DataView(bytes.buffer), bytes, slots: [...slots] };
  }

  launch(fn: FunctionHandle, dims: LaunchDims, params: ParamBlock, stream: StreamHandle): void {
    const call = 'cuLaunchKernel';
    const f = this.#modules.fn(fn, call);
    const s = this.#launchStream(f, stream, call);
    checkLaunch(f, dims, params, call);
    execute(f, s, dims, params, clusterOf(f, dims, undefined, call), call);
  }

  launchEx(fn: FunctionHandle, dims: LaunchDims, params: ParamBlock, stream: StreamHandle, attributes: LaunchAttributes): void {
    const call = 'cuLaunchKernelEx';
    const f = this.#modules.fn(fn, call);
    const s = this.#launchStream(f, stream, call);
    checkLaunch(f, dims, params, call);
    if (attributes.priority !== undefined && !Number.isInteger(attributes.priority)) fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `launch priority ${attributes.priority} is not an integer`);
    const cluster = clusterOf(f, dims, attributes.clusterDim, call);
    if (attributes.cooperative) checkCooperative(f, dims, call);
    execute(f, s, dims, params, cluster, call);
  }

  // --- Memory ---------------------------------------------------------------------------------------

  memAlloc(bytes: number): DevicePointer {
    return BigInt(this.#memory.alloc(this.#contexts.current('cuMemAlloc'), bytes, 'cuMemAlloc')) as DevicePointer;
  }

  memFree(pointer: DevicePointer): void {
    this.#contexts.current('cuMemFree');
    this.#memory.free(pointer, 'cuMemFree');
  }

  memAllocManaged(bytes: number): ManagedAllocation {
    return this.#memory.allocManaged(this.#contexts.current('cuMemAllocManaged'), bytes, 'cuMemAllocManaged');
  }

  memAllocHost(bytes: number, flags: number): PinnedAllocation {
    return this.#memory.allocHost(this.#contexts.current('cuMemHostAlloc'), bytes, flags, 'cuMemHostAlloc');
  }

  memFreeHost(pointer: HostPointer): void {
    this.#contexts.current('cuMemFreeHost');
    this.#memory.freeHost(pointer, 'cuMemFreeHost');
  }

  memHostRegister(bytes: Uint8Array, flags: number): HostPointer {
    return this.#memory.register(this.#contexts.current('cuMemHostRegister'), bytes, flags, 'cuMemHostRegister');
  }

  memHostUnregister(pointer: HostPointer): void {
    this.#contexts.current('cuMemHostUnregister');
    this.#memory.unregister(pointer, 'cuMemHostUnregister');
  }

  memcpyHtoD(dst: DevicePointer, src: Uint8Array, stream?: StreamHandle): void {
    this.#onStream(stream, 'cuMemcpyHtoD', (call) => this.#memory.htod(dst, src, call));
  }

  memcpyDtoH(dst: Uint8Array, src: DevicePointer, stream?: StreamHandle): void {
    this.#onStream(stream, 'cuMemcpyDtoH', (call) => this.#memory.dtoh(dst, src, call));
  }

  memcpyDtoD(dst: DevicePointer, src: DevicePointer, bytes: number, stream?: StreamHandle): void {
    this.#onStream(stream, 'cuMemcpyDtoD', (call) => this.#memory.dtod(dst, src, bytes, call));
  }

  memcpyPeer(dst: DevicePointer, dstContext: ContextHandle, src: DevicePointer, srcContext: ContextHandle, bytes: number, stream?: StreamHandle): void {
    const base = 'cuMemcpyPeer';
    const call = stream === undefined ? base : `${base}Async`;
    const d = this.#contexts.state(dstContext, call);
    const s = this.#contexts.state(srcContext, call);
    d.checkSticky(call);
    s.checkSticky(call);
    for (const [pointer, context, role] of [[dst, d, 'destination'], [src, s, 'source']] as const) {
      if (deviceOfAddress(Number(pointer)) !== context.device) {
        fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `the ${role} 0x${pointer.toString(16)} is not memory of the ${role} context's device ${context.device}`);
      }
    }
    if (stream !== undefined) {
      this.#onStream(stream, base, (c) => this.#memory.dtod(dst, src, bytes, c));
      return;
    }
    this.#memory.dtod(dst, src, bytes, call);
    d.printf.flush();
    s.printf.flush();
  }

  memset(dst: DevicePointer, value: number, elementBytes: 1 | 2 | 4, count: number, stream?: StreamHandle): void {
    if (elementBytes !== 1 && elementBytes !== 2 && elementBytes !== 4) fail(CUresult.CUDA_ERROR_INVALID_VALUE, 'cuMemset', `element size ${elementBytes} is not 1, 2 or 4`);
    this.#onStream(stream, `cuMemsetD${elementBytes * 8}`, (call) => this.#memory.memset(dst, value, elementBytes, count, call));
  }

  // --- Peer access ----------------------------------------------------------------------------------

  contextEnablePeerAccess(peer: ContextHandle): void {
    const call = 'cuCtxEnablePeerAccess';
    const current = this.#contexts.current(call);
    const other = this.#contexts.state(peer, call);
    if (other.device === current.device) fail(CUresult.CUDA_ERROR_PEER_ACCESS_UNSUPPORTED, call, `both contexts are on device ${current.device}: peer access is between different devices`);
    if (current.peers.has(other)) fail(CUresult.CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED, call, `access from device ${current.device} to the peer context on device ${other.device} is already enabled`);
    current.peers.add(other);
    other.peeredBy.add(current);
    current.memory.linkPeer(other.memory);
  }

  contextDisablePeerAccess(peer: ContextHandle): void {
    const call = 'cuCtxDisablePeerAccess';
    const current = this.#contexts.current(call);
    const other = this.#contexts.state(peer, call);
    if (!current.peers.has(other)) fail(CUresult.CUDA_ERROR_PEER_ACCESS_NOT_ENABLED, call, `access from device ${current.device} to that context on device ${other.device} is not enabled`);
    this.#unpeer(current, other);
  }

  // --- Streams and events -----------------------------------------------------------------------------

  streamCreate(flags: number, priority: number): StreamHandle {
    return this.#streams.create(flags, priority, 'cuStreamCreateWithPriority') as StreamHandle;
  }

  streamDestroy(stream: StreamHandle): void {
    this.#streams.destroy(stream, 'cuStreamDestroy');
  }

  streamSynchronize(stream: StreamHandle): void {
    this.#streams.synchronize(stream, 'cuStreamSynchronize');
  }

  streamQuery(stream: StreamHandle): boolean {
    return this.#streams.query(stream, 'cuStreamQuery');
  }

  streamWaitEvent(stream: StreamHandle, event: EventHandle): void {
    this.#streams.waitEvent(stream, event, 'cuStreamWaitEvent');
  }

  streamPriorityRange(): { readonly least: number; readonly greatest: number } {
    return this.#streams.priorityRange('cuCtxGetStreamPriorityRange');
  }

  eventCreate(flags: number): EventHandle {
    return this.#streams.createEvent(flags, 'cuEventCreate') as EventHandle;
  }

  eventDestroy(event: EventHandle): void {
    this.#streams.destroyEvent(event, 'cuEventDestroy');
  }

  eventRecord(event: EventHandle, stream: StreamHandle): void {
    this.#streams.record(event, stream, 'cuEventRecord');
  }

  eventQuery(event: EventHandle): boolean {
    return this.#streams.queryEvent(event, 'cuEventQuery');
  }

  eventSynchronize(event: EventHandle): void {
    this.#streams.synchronizeEvent(event, 'cuEventSynchronize');
  }

  eventElapsedTime(start: EventHandle, end: EventHandle): number {
    return this.#streams.elapsed(start, end, 'cuEventElapsedTime');
  }

  // --- Internals -------------------------------------------------------------------------------------

  /** The stream of a launch of `f`, which must be in `f`'s context. */
  #launchStream(f: FunctionRecord, stream: StreamHandle, call: string): StreamRecord {
    const s = this.#streams.resolve(stream, call);
    if (s.context !== f.context) {
      fail(CUresult.CUDA_ERROR_INVALID_HANDLE, call, `kernel ${f.name} belongs to another context than the stream (${stream === 0n ? 'the current context\'s default stream' : 'a stream'}); make the kernel's context current`);
    }
    return s;
  }

  /**
   * Runs a copy or memset on `stream` (the synchronous call's name is `base`, the asynchronous
   * one's `${base}Async`). A synchronous (blocking) copy flushes printf output.
   */
  #onStream(stream: StreamHandle | undefined, base: string, op: (call: string) => void): void {
    const call = stream === undefined ? base : `${base}Async`;
    const s = this.#streams.resolve(stream ?? (0n as StreamHandle), call);
    op(call);
    s.completed();
    if (stream === undefined) s.context.printf.flush();
  }

  #unpeer(from: ContextState, to: ContextState): void {
    from.peers.delete(to);
    to.peeredBy.delete(from);
    from.memory.unlinkPeer(to.memory);
  }

  /** Destroys everything in a context incarnation (cuCtxDestroy, primary release to 0, reset). */
  #teardown(state: ContextState): void {
    state.printf.flush();
    this.#modules.forgetContext(state);
    this.#streams.forgetContext(state);
    this.#memory.freeAll(state);
    this.#memory.forgetHost(state);
    for (const peer of [...state.peers]) this.#unpeer(state, peer);
    for (const other of [...state.peeredBy]) this.#unpeer(other, state);
    state.memory.trim();
  }
}
