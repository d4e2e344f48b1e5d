/**
 * The {@link Backend} over libcuda: each operation is one or two calls of the generated driver
 * bindings, with out-parameters in preallocated {@link Scratch} arrays and failures thrown as
 * `DriverError`s named after the call.
 *
 * `cuInit(0)` runs once, on the first operation that needs the driver initialized; a machine with
 * the driver but no device reports `deviceCount() === 0` instead of throwing.
 * @module
 */
import koffi from 'koffi';
import { check, driverError } from '../driver-error.js';
import { DRIVER_FUNCTIONS, driverApi, driverLibrary, driverStructs, type DriverApi } from '../../raw/driver.js';
import { bindFunction } from '../../raw/binder.js';
import { CUmemAttach_flags, CUresult } from '../../raw/driver-types.js';
import type {
  Backend, ContextHandle, DeviceOrdinal, DevicePointer, EventHandle, FunctionHandle, HostPointer, JitOptions,
  LaunchAttributes, LaunchDims, LoadedModule, ManagedAllocation, MemoryInfo, ModuleHandle, ParamBlock, ParamSlot,
  PinnedAllocation, PrimaryContextState, StreamHandle,
} from '../types.js';
import { driverImage, JitOptionArrays } from './jit.js';
import { LaunchConfigWriter } from './launch-config.js';
import { NativeParamBlock } from './param-block.js';
import { Scratch } from './scratch.js';

const { CUDA_SUCCESS, CUDA_ERROR_NOT_READY, CUDA_ERROR_NO_DEVICE, CUDA_ERROR_INVALID_VALUE } = CUresult;
const decoder = new TextDecoder();

/** Creates a backend over libcuda. @throws LibraryNotFoundError when libcuda cannot be loaded. */
export function createNativeBackend(): Backend {
  return new NativeBackend();
}

class NativeBackend implements Backend {
  readonly kind = 'gpu' as const;
  readonly description: string;

  private readonly api: DriverApi;
  private readonly s = new Scratch();
  private initStatus: number | undefined;
  private readonly devices: number[] = [];
  private launchConfig: LaunchConfigWriter | undefined;

  // The functions of the hot paths, read once from the lazily bound API.
  /**
   * cuLaunchKernelEx bound with integer pointers: `(config, f, kernelParams, extra)` as numbers.
   * Four number arguments cross koffi in ~110 ns on the H100 host against ~235 ns for
   * cuLaunchKernel's eleven with bigint pointers (measured 2026-11-24); inside the driver both
   * take the same path (C++: 3.3–4.6 µs either way).
   */
  private readonly launchKernelEx: (config: number, f: number, kernelParams: number, extra: number) => number;
  private readonly cuMemcpyHtoD: DriverApi['cuMemcpyHtoD'];
  private readonly cuMemcpyHtoDAsync: DriverApi['cuMemcpyHtoDAsync'];
  private readonly cuMemcpyDtoH: DriverApi['cuMemcpyDtoH'];
  private readonly cuMemcpyDtoHAsync: DriverApi['cuMemcpyDtoHAsync'];
  private readonly cuStreamQuery: DriverApi['cuStreamQuery'];
  private readonly cuEventQuery: DriverApi['cuEventQuery'];
  private readonly cuEventRecord: DriverApi['cuEventRecord'];

  constructor() {
    this.api = driverApi();
    const api = this.api;
    const exSpec = DRIVER_FUNCTIONS.find((spec) => spec[0] === 'cuLaunchKernelEx')!;
    this.launchKernelEx = bindFunction(exSpec, {
      library: driverLibrary(), result: 'int32', perThread: false, structs: driverStructs, generatedFrom: 'cuda.h', pointersAsIntegers: true,
    }) as unknown as (config: number, f: number, kernelParams: number, extra: number) => number;
    this.cuMemcpyHtoD = api.cuMemcpyHtoD;
    this.cuMemcpyHtoDAsync = api.cuMemcpyHtoDAsync;
    this.cuMemcpyDtoH = api.cuMemcpyDtoH;
    this.cuMemcpyDtoHAsync = api.cuMemcpyDtoHAsync;
    this.cuStreamQuery = api.cuStreamQuery;
    this.cuEventQuery = api.cuEventQuery;
    this.cuEventRecord = api.cuEventRecord;
    const version = this.driverVersion();
    const lib = driverLibrary();
    this.description = `libcuda (${lib.path}, found by ${lib.foundBy}), driver API ${Math.floor(version / 1000)}.${Math.floor((version % 1000) / 10)}`;
  }

  /** Runs cuInit(0) the first time; throws its error every time if it failed (other than "no device"). */
  private init(): void {
    if (this.initStatus === CUDA_SUCCESS) return;
    this.initStatus ??= this.api.cuInit(0);
    check(this.initStatus, 'cuInit');
  }

  /** The CUdevice of an ordinal (cuDeviceGet, cached). */
  private dev(ordinal: DeviceOrdinal): number {
    const known = this.devices[ordinal];
    if (known !== undefined) return known;
    this.init();
    check(this.api.cuDeviceGet(this.s.i32, ordinal), 'cuDeviceGet');
    return (this.devices[ordinal] = this.s.i32[0]!);
  }

  private ordinalOf(device: number): DeviceOrdinal {
    const k = this.devices.indexOf(device);
    return k >= 0 ? k : device;
  }

  private outU64(rc: number, call: string): bigint {
    check(rc, call);
    return this.s.u64[0]!;
  }

  private outI32(rc: number, call: string): number {
    check(rc, call);
    return this.s.i32[0]!;
  }

  // --- Initialization and devices -------------------------------------------------------------

  driverVersion(): number {
    return this.outI32(this.api.cuDriverGetVersion(this.s.i32), 'cuDriverGetVersion');
  }

  deviceCount(): number {
    this.initStatus ??= this.api.cuInit(0);
    if (this.initStatus === CUDA_ERROR_NO_DEVICE) return 0;
    check(this.initStatus, 'cuInit');
    return this.outI32(this.api.cuDeviceGetCount(this.s.i32), 'cuDeviceGetCount');
  }

  deviceName(device: DeviceOrdinal): string {
    const name = this.s.name;
    check(this.api.cuDeviceGetName(name, name.length, this.dev(device)), 'cuDeviceGetName');
    const end = name.indexOf(0);
    return decoder.decode(name.subarray(0, end < 0 ? name.length : end));
  }

  deviceUuid(device: DeviceOrdinal): Uint8Array {
    const uuid = new Uint8Array(16);
    check(this.api.cuDeviceGetUuid(uuid, this.dev(device)), 'cuDeviceGetUuid');
    return uuid;
  }

  deviceAttribute(device: DeviceOrdinal, attribute: number): number {
    return this.outI32(this.api.cuDeviceGetAttribute(this.s.i32, attribute, this.dev(device)), 'cuDeviceGetAttribute');
  }

  deviceTotalMemory(device: DeviceOrdinal): number {
    return Number(this.outU64(this.api.cuDeviceTotalMem(this.s.u64, this.dev(device)), 'cuDeviceTotalMem'));
  }

  deviceCanAccessPeer(device: DeviceOrdinal, peer: DeviceOrdinal): boolean {
    return this.outI32(this.api.cuDeviceCanAccessPeer(this.s.i32, this.dev(device), this.dev(peer)), 'cuDeviceCanAccessPeer') !== 0;
  }

  // --- Primary contexts -----------------------------------------------------------------------

  primaryContextRetain(device: DeviceOrdinal): ContextHandle {
    return this.outU64(this.api.cuDevicePrimaryCtxRetain(this.s.u64, this.dev(device)), 'cuDevicePrimaryCtxRetain') as ContextHandle;
  }

  primaryContextRelease(device: DeviceOrdinal): void {
    check(this.api.cuDevicePrimaryCtxRelease(this.dev(device)), 'cuDevicePrimaryCtxRelease');
  }

  primaryContextState(device: DeviceOrdinal): PrimaryContextState {
    check(this.api.cuDevicePrimaryCtxGetState(this.dev(device), this.s.u32, this.s.i32), 'cuDevicePrimaryCtxGetState');
    return { flags: this.s.u32[0]!, active: this.s.i32[0] !== 0 };
  }

  primaryContextSetFlags(device: DeviceOrdinal, flags: number): void {
    check(this.api.cuDevicePrimaryCtxSetFlags(this.dev(device), flags), 'cuDevicePrimaryCtxSetFlags');
  }

  primaryContextReset(device: DeviceOrdinal): void {
    check(this.api.cuDevicePrimaryCtxReset(this.dev(device)), 'cuDevicePrimaryCtxReset');
  }

  // --- Contexts -------------------------------------------------------------------------------

  contextCreate(device: DeviceOrdinal, flags: number): ContextHandle {
    return this.outU64(this.api.cuCtxCreate(this.s.u64, null, flags, this.dev(device)), 'cuCtxCreate') as ContextHandle;
  }

  contextDestroy(context: ContextHandle): void {
    check(this.api.cuCtxDestroy(context), 'cuCtxDestroy');
  }

  contextPush(context: ContextHandle): void {
    this.init();
    check(this.api.cuCtxPushCurrent(context), 'cuCtxPushCurrent');
  }

  contextPop(): ContextHandle {
    this.init();
    return this.outU64(this.api.cuCtxPopCurrent(this.s.u64), 'cuCtxPopCurrent') as ContextHandle;
  }

  contextSetCurrent(context: ContextHandle | null): void {
    this.init();
    check(this.api.cuCtxSetCurrent(context ?? 0n), 'cuCtxSetCurrent');
  }

  contextGetCurrent(): ContextHandle | null {
    this.init();
    const ctx = this.outU64(this.api.cuCtxGetCurrent(this.s.u64), 'cuCtxGetCurrent');
    return ctx === 0n ? null : (ctx as ContextHandle);
  }

  contextGetDevice(): DeviceOrdinal {
    return this.ordinalOf(this.outI32(this.api.cuCtxGetDevice(this.s.i32), 'cuCtxGetDevice'));
  }

  contextGetId(context: ContextHandle): bigint {
    return this.outU64(this.api.cuCtxGetId(context, this.s.u64), 'cuCtxGetId');
  }

  contextSynchronize(): void {
    check(this.api.cuCtxSynchronize(), 'cuCtxSynchronize');
  }

  memoryInfo(): MemoryInfo {
    check(this.api.cuMemGetInfo(this.s.u64, this.s.u64b), 'cuMemGetInfo');
    return { free: Number(this.s.u64[0]), total: Number(this.s.u64b[0]) };
  }

  // --- Modules and kernels ----------------------------------------------------------------------

  moduleLoad(image: Uint8Array, options: JitOptions): LoadedModule {
    const jit = new JitOptionArrays(options);
    const rc = this.api.cuModuleLoadDataEx(this.s.u64, driverImage(image), jit.count, jit.options, jit.values);
    if (rc !== CUDA_SUCCESS) {
      const log = jit.error() || jit.info();
      throw driverError(rc, 'cuModuleLoadDataEx', log === '' ? undefined : `JIT log:\n${log}`);
    }
    return { module: this.s.u64[0]! as ModuleHandle, infoLog: jit.info() };
  }

  moduleUnload(module: ModuleHandle): void {
    check(this.api.cuModuleUnload(module), 'cuModuleUnload');
  }

  moduleFunction(module: ModuleHandle, name: string): FunctionHandle {
    return this.outU64(this.api.cuModuleGetFunction(this.s.u64, module, name), 'cuModuleGetFunction') as FunctionHandle;
  }

  moduleFunctionNames(module: ModuleHandle): string[] {
    check(this.api.cuModuleGetFunctionCount(this.s.u32, module), 'cuModuleGetFunctionCount');
    const count = this.s.u32[0]!;
    if (count === 0) return [];
    const functions = new BigUint64Array(count);
    check(this.api.cuModuleEnumerateFunctions(functions, count, module), 'cuModuleEnumerateFunctions');
    return Array.from(functions, (fn) => koffi.decode.string(this.outU64(this.api.cuFuncGetName(this.s.u64, fn), 'cuFuncGetName')));
  }

  moduleGlobal(module: ModuleHandle, name: string): { readonly pointer: DevicePointer; readonly bytes: number } {
    check(this.api.cuModuleGetGlobal(this.s.u64, this.s.u64b, module, name), 'cuModuleGetGlobal');
    return { pointer: this.s.u64[0]! as DevicePointer, bytes: Number(this.s.u64b[0]) };
  }

  functionAttribute(fn: FunctionHandle, attribute: number): number {
    return this.outI32(this.api.cuFuncGetAttribute(this.s.i32, attribute, fn), 'cuFuncGetAttribute');
  }

  functionSetAttribute(fn: FunctionHandle, attribute: number, value: number): void {
    check(this.api.cuFuncSetAttribute(fn, attribute, value), 'cuFuncSetAttribute');
  }

  functionParamInfo(fn: FunctionHandle, index: number): ParamSlot | null {
    const rc = this.api.cuFuncGetParamInfo(fn, index, this.s.u64, this.s.u64b);
    // Documented: an index past the last parameter is CUDA_ERROR_INVALID_VALUE.
    if (rc === CUDA_ERROR_INVALID_VALUE) return null;
    check(rc, 'cuFuncGetParamInfo');
    return { offset: Number(this.s.u64[0]), size: Number(this.s.u64b[0]) };
  }

  occupancyMaxActiveBlocks(fn: FunctionHandle, blockSize: number, dynamicSharedBytes: number): number {
    return this.outI32(this.api.cuOccupancyMaxActiveBlocksPerMultiprocessor(this.s.i32, fn, blockSize, dynamicSharedBytes), 'cuOccupancyMaxActiveBlocksPerMultiprocessor');
  }

  occupancyMaxPotentialBlockSize(fn: FunctionHandle, dynamicSharedBytes: number, blockSizeLimit: number): { readonly minGridSize: number; readonly blockSize: number } {
    check(this.api.cuOccupancyMaxPotentialBlockSize(this.s.i32, this.s.i32b, fn, null, dynamicSharedBytes, blockSizeLimit), 'cuOccupancyMaxPotentialBlockSize');
    return { minGridSize: this.s.i32[0]!, blockSize: this.s.i32b[0]! };
  }

  // --- Launch -------------------------------------------------------------------------------------

  createParamBlock(slots: readonly ParamSlot[]): ParamBlock {
    return new NativeParamBlock(slots);
  }

  launch(fn: FunctionHandle, dims: LaunchDims, params: ParamBlock, stream: StreamHandle): void {
    const config = (this.launchConfig ??= new LaunchConfigWriter(driverStructs()));
    config.writePlain(dims, stream);
    const rc = this.launchKernelEx(config.addressNumber, Number(fn), (params as NativeParamBlock).kernelParamsNumber, 0);
    if (rc !== CUDA_SUCCESS) throw driverError(rc, 'cuLaunchKernelEx');
  }

  launchEx(fn: FunctionHandle, dims: LaunchDims, params: ParamBlock, stream: StreamHandle, attributes: LaunchAttributes): void {
    const config = (this.launchConfig ??= new LaunchConfigWriter(driverStructs()));
    config.write(dims, stream, attributes);
    check(this.launchKernelEx(config.addressNumber, Number(fn), (params as NativeParamBlock).kernelParamsNumber, 0), 'cuLaunchKernelEx');
  }

  // --- Memory -------------------------------------------------------------------------------------

  memAlloc(bytes: number): DevicePointer {
    return this.outU64(this.api.cuMemAlloc(this.s.u64, bytes), 'cuMemAlloc') as DevicePointer;
  }

  memFree(pointer: DevicePointer): void {
    check(this.api.cuMemFree(pointer), 'cuMemFree');
  }

  memAllocManaged(bytes: number): ManagedAllocation {
    const pointer = this.outU64(this.api.cuMemAllocManaged(this.s.u64, bytes, CUmemAttach_flags.CU_MEM_ATTACH_GLOBAL), 'cuMemAllocManaged');
    return { pointer: pointer as DevicePointer, bytes: new Uint8Array(koffi.view(pointer, bytes)) };
  }

  memAllocHost(bytes: number, flags: number): PinnedAllocation {
    const pointer = this.outU64(this.api.cuMemHostAlloc(this.s.u64, bytes, flags), 'cuMemHostAlloc');
    return { pointer: pointer as HostPointer, bytes: new Uint8Array(koffi.view(pointer, bytes)) };
  }

  memFreeHost(pointer: HostPointer): void {
    check(this.api.cuMemFreeHost(pointer), 'cuMemFreeHost');
  }

  memHostRegister(bytes: Uint8Array, flags: number): HostPointer {
    const pointer = koffi.address(bytes) as bigint;
    check(this.api.cuMemHostRegister(pointer, bytes.byteLength, flags), 'cuMemHostRegister');
    return pointer as HostPointer;
  }

  memHostUnregister(pointer: HostPointer): void {
    check(this.api.cuMemHostUnregister(pointer), 'cuMemHostUnregister');
  }

  memcpyHtoD(dst: DevicePointer, src: Uint8Array, stream?: StreamHandle): void {
    const rc = stream === undefined
      ? this.cuMemcpyHtoD(dst, src, src.byteLength)
      : this.cuMemcpyHtoDAsync(dst, src, src.byteLength, stream);
    if (rc !== CUDA_SUCCESS) throw driverError(rc, stream === undefined ? 'cuMemcpyHtoD' : 'cuMemcpyHtoDAsync');
  }

  memcpyDtoH(dst: Uint8Array, src: DevicePointer, stream?: StreamHandle): void {
    const rc = stream === undefined
      ? this.cuMemcpyDtoH(dst, src, dst.byteLength)
      : this.cuMemcpyDtoHAsync(dst, src, dst.byteLength, stream);
    if (rc !== CUDA_SUCCESS) throw driverError(rc, stream === undefined ? 'cuMemcpyDtoH' : 'cuMemcpyDtoHAsync');
  }

  memcpyDtoD(dst: DevicePointer, src: DevicePointer, bytes: number, stream?: StreamHandle): void {
    if (stream === undefined) check(this.api.cuMemcpyDtoD(dst, src, bytes), 'cuMemcpyDtoD');
    else check(this.api.cuMemcpyDtoDAsync(dst, src, bytes, stream), 'cuMemcpyDtoDAsync');
  }

  memcpyPeer(dst: DevicePointer, dstContext: ContextHandle, src: DevicePointer, srcContext: ContextHandle, bytes: number, stream?: StreamHandle): void {
    if (stream === undefined) check(this.api.cuMemcpyPeer(dst, dstContext, src, srcContext, bytes), 'cuMemcpyPeer');
    else check(this.api.cuMemcpyPeerAsync(dst, dstContext, src, srcContext, bytes, stream), 'cuMemcpyPeerAsync');
  }

  memset(dst: DevicePointer, value: number, elementBytes: 1 | 2 | 4, count: number, stream?: StreamHandle): void {
    const api = this.api;
    if (stream === undefined) {
      if (elementBytes === 1) check(api.cuMemsetD8(dst, value, count), 'cuMemsetD8');
      else if (elementBytes === 2) check(api.cuMemsetD16(dst, value, count), 'cuMemsetD16');
      else check(api.cuMemsetD32(dst, value, count), 'cuMemsetD32');
    } else if (elementBytes === 1) check(api.cuMemsetD8Async(dst, value, count, stream), 'cuMemsetD8Async');
    else if (elementBytes === 2) check(api.cuMemsetD16Async(dst, value, count, stream), 'cuMemsetD16Async');
    else check(api.cuMemsetD32Async(dst, value, count, stream), 'cuMemsetD32Async');
  }

  // --- Peer access ----------------------------------------------------------------------------------

  contextEnablePeerAccess(peer: ContextHandle): void {
    check(this.api.cuCtxEnablePeerAccess(peer, 0), 'cuCtxEnablePeerAccess');
  }

  contextDisablePeerAccess(peer: ContextHandle): void {
    check(this.api.cuCtxDisablePeerAccess(peer), 'cuCtxDisablePeerAccess');
  }

  // --- Streams and events ---------------------------------------------------------------------------

  streamCreate(flags: number, priority: number): StreamHandle {
    return this.outU64(this.api.cuStreamCreateWithPriority(this.s.u64, flags, priority), 'cuStreamCreateWithPriority') as StreamHandle;
  }

  streamDestroy(stream: StreamHandle): void {
    check(this.api.cuStreamDestroy(stream), 'cuStreamDestroy');
  }

  streamSynchronize(stream: StreamHandle): void {
    check(this.api.cuStreamSynchronize(stream), 'cuStreamSynchronize');
  }

  streamQuery(stream: StreamHandle): boolean {
    const rc = this.cuStreamQuery(stream);
    if (rc === CUDA_ERROR_NOT_READY) return false;
    if (rc !== CUDA_SUCCESS) throw driverError(rc, 'cuStreamQuery');
    return true;
  }

  streamWaitEvent(stream: StreamHandle, event: EventHandle): void {
    check(this.api.cuStreamWaitEvent(stream, event, 0), 'cuStreamWaitEvent');
  }

  streamPriorityRange(): { readonly least: number; readonly greatest: number } {
    check(this.api.cuCtxGetStreamPriorityRange(this.s.i32, this.s.i32b), 'cuCtxGetStreamPriorityRange');
    return { least: this.s.i32[0]!, greatest: this.s.i32b[0]! };
  }

  eventCreate(flags: number): EventHandle {
    return this.outU64(this.api.cuEventCreate(this.s.u64, flags), 'cuEventCreate') as EventHandle;
  }

  eventDestroy(event: EventHandle): void {
    check(this.api.cuEventDestroy(event), 'cuEventDestroy');
  }

  eventRecord(event: EventHandle, stream: StreamHandle): void {
    const rc = this.cuEventRecord(event, stream);
    if (rc !== CUDA_SUCCESS) throw driverError(rc, 'cuEventRecord');
  }

  eventQuery(event: EventHandle): boolean {
    const rc = this.cuEventQuery(event);
    if (rc === CUDA_ERROR_NOT_READY) return false;
    if (rc !== CUDA_SUCCESS) throw driverError(rc, 'cuEventQuery');
    return true;
  }

  eventSynchronize(event: EventHandle): void {
    check(this.api.cuEventSynchronize(event), 'cuEventSynchronize');
  }

  eventElapsedTime(start: EventHandle, end: EventHandle): number {
    check(this.api.cuEventElapsedTime(this.s.f32, start, end), 'cuEventElapsedTime');
    return this.s.f32[0]!;
  }
}
