/**
 * Modules and kernels of the emulated device: loading (image → PTX → engine → variables in
 * device memory → instance), lookups, function attributes and occupancy.
 *
 * Register counts: the engine reports the registers a kernel's PTX declares. Like ptxas, the
 * emulated JIT caps them at 255, at the CU_JIT_MAX_REGISTERS option, and at what `.maxntid` /
 * `.reqntid` require for the declared block size to be launchable; the result drives
 * CU_FUNC_ATTRIBUTE_NUM_REGS, the register-limited MAX_THREADS_PER_BLOCK, launch checks and
 * occupancy.
 * @module
 */
import type { EmuEngine, CompiledModule, KernelInfo, LaunchOptions, ModuleInstance, ModuleVariable } from '../../emu/engine.js';
import { CudaError, DriverError, PtxSyntaxError } from '../../errors.js';
import type { DevicePointer, FunctionHandle, JitOptions, LoadedModule, ModuleHandle, ParamSlot } from '../types.js';
import { SM90 } from './attributes.js';
import { CUfunction_attribute as FA, CUresult } from '../../raw/driver-types.js';
import { fail } from '../driver-error.js';
import type { ContextManager, ContextState } from './contexts.js';
import { HANDLE_TAG, HandleTable } from './handles.js';
import { ptxFromImage } from './image.js';
import { maxPotentialBlockSize, occupancy, type OccupancyFunction } from './occupancy.js';

/** A module-scope variable placed in device memory. */
interface PlacedVariable {
  readonly variable: ModuleVariable;
  /** Its device address. */
  readonly address: number;
  /** Start of the allocation holding it (differs from `address` only for alignments above 256). */
  readonly allocation: number;
}

/** One loaded module. */
export class ModuleRecord {
  alive = true;
  readonly functions = new Map<string, FunctionRecord>();

  constructor(
    readonly handle: bigint,
    readonly context: ContextState,
    readonly compiled: CompiledModule,
    readonly instance: ModuleInstance,
    readonly variables: ReadonlyMap<string, PlacedVariable>,
    /** PTX ISA version as CU_FUNC_ATTRIBUTE_PTX_VERSION has it (major · 10 + minor). */
    readonly ptxVersion: number,
    /** Bytes of `.const` variables (CU_FUNC_ATTRIBUTE_CONST_SIZE_BYTES). */
    readonly constBytes: number,
  ) {}
}

/**
 * The engine request of one kernel, allocated once and refilled by every launch (the launch path
 * allocates nothing).
 */
export interface ReusableLaunchRequest {
  readonly kernel: string;
  readonly grid: [number, number, number];
  readonly block: [number, number, number];
  cluster: readonly [number, number, number];
  dynamicSharedBytes: number;
  params: Uint8Array;
  readonly options: LaunchOptions;
}

/** One kernel of a loaded module, with its settable attributes. */
export class FunctionRecord implements OccupancyFunction {
  readonly numRegs: number;
  readonly staticSharedBytes: number;
  readonly maxThreadsPerBlock: number;
  /** Whether MAX_THREADS_PER_BLOCK is bounded by `.maxntid` / `.reqntid` rather than by registers. */
  readonly limitedByDirective: boolean;
  maxDynamicSharedBytes: number;
  carveout = -1;
  nonPortableClusterSizeAllowed = 0;
  clusterSchedulingPolicy = 0;
  readonly requiredCluster: [number, number, number] = [0, 0, 0];
  /** Refilled by every launch of this kernel. */
  readonly request: ReusableLaunchRequest;

  constructor(readonly handle: bigint, readonly module: ModuleRecord, readonly info: KernelInfo, maxRegistersOption: number | undefined) {
    const directive = directiveLimit(info);
    const declared = info.maxThreadsPerBlock > 0 || info.requiredBlock !== undefined;
    this.numRegs = registersFor(info.registerCount, declared ? directive : 0, maxRegistersOption);
    this.staticSharedBytes = info.staticSharedBytes;
    const byRegisters = threadsByRegisters(this.numRegs);
    this.maxThreadsPerBlock = Math.min(SM90.maxThreadsPerBlock, directive, byRegisters);
    this.limitedByDirective = directive <= byRegisters && directive < SM90.maxThreadsPerBlock;
    this.maxDynamicSharedBytes = Math.max(0, SM90.sharedMemPerBlock - info.staticSharedBytes);
    this.request = {
      kernel: info.name, grid: [1, 1, 1], block: [1, 1, 1], cluster: [1, 1, 1],
      dynamicSharedBytes: 0, params: new Uint8Array(0), options: module.context.launchOptions,
    };
  }

  /** The kernel's entry name. */
  get name(): string {
    return this.info.name;
  }

  /** The context it lives in. */
  get context(): ContextState {
    return this.module.context;
  }
}

/** Threads a block may have under `.maxntid` / `.reqntid` (1024 when neither is declared). */
function directiveLimit(info: KernelInfo): number {
  let limit: number = SM90.maxThreadsPerBlock;
  if (info.maxThreadsPerBlock > 0) limit = Math.min(limit, info.maxThreadsPerBlock);
  if (info.requiredBlock) limit = Math.min(limit, info.requiredBlock[0] * info.requiredBlock[1] * info.requiredBlock[2]);
  return limit;
}

/** Registers per warp as allocated (units of 256). */
const regsPerWarp = (regs: number): number => Math.ceil((regs * SM90.warpSize) / SM90.regAllocationUnit) * SM90.regAllocationUnit;

/** The largest block a kernel with `regs` registers per thread can launch with (a multiple of 128 threads). */
function threadsByRegisters(regs: number): number {
  const perWarp = regsPerWarp(regs);
  if (perWarp === 0) return SM90.maxThreadsPerBlock;
  const warps = Math.floor(SM90.regsPerBlock / perWarp / SM90.subPartitions) * SM90.subPartitions;
  return Math.min(SM90.maxThreadsPerBlock, warps * SM90.warpSize);
}

/**
 * The register count the emulated JIT assigns (see the module comment); `directive` is the block
 * size `.maxntid` / `.reqntid` promise, 0 when neither is declared.
 */
function registersFor(declared: number, directive: number, maxRegistersOption: number | undefined): number {
  let regs = Math.min(Math.max(0, declared), SM90.maxRegsPerThread);
  if (maxRegistersOption !== undefined && maxRegistersOption > 0) regs = Math.min(regs, maxRegistersOption);
  if (directive === 0) return regs;
  const warps = Math.ceil(directive / SM90.warpSize);
  const perWarpBudget = SM90.regsPerBlock / (Math.ceil(warps / SM90.subPartitions) * SM90.subPartitions);
  const fit = Math.floor(perWarpBudget / SM90.regAllocationUnit) * (SM90.regAllocationUnit / SM90.warpSize);
  return Math.min(regs, fit);
}

const VARIABLE_LABEL = { global: 'module global', const: 'module constant' } as const;

/** Modules and functions of every context of one backend. */
export class ModuleService {
  readonly #modules = new HandleTable<ModuleRecord>(HANDLE_TAG.module);
  readonly #functions = new HandleTable<FunctionRecord>(HANDLE_TAG.function);

  constructor(private readonly contexts: ContextManager, private readonly engine: EmuEngine) {}

  /** cuModuleLoadDataEx into the current context. */
  load(image: Uint8Array, options: JitOptions, call: string): LoadedModule {
    const context = this.contexts.current(call);
    context.printf.flush();
    const { ptx } = ptxFromImage(image, SM90.arch, call);
    const compiled = this.#compile(ptx, call);
    const constBytes = compiled.variables.filter((v) => v.space === 'const').reduce((n, v) => n + v.bytes, 0);
    if (constBytes > SM90.totalConstantMemory) {
      fail(CUresult.CUDA_ERROR_INVALID_PTX, call, `PTX JIT compilation failed — error log: the module declares ${constBytes} bytes of .const data, more than the device's ${SM90.totalConstantMemory}`);
    }
    const variables = this.#placeVariables(context, compiled.variables, call);
    let instance: ModuleInstance;
    try {
      instance = compiled.instantiate(context.memory, (name) => {
        const placed = variables.get(name);
        if (!placed) throw new RangeError(`the module has no variable named '${name}'`);
        return placed.address;
      });
    } catch (e) {
      this.#freeVariables(context, variables);
      throw e;
    }
    const [major = 0, minor = 0] = compiled.version.split('.').map(Number);
    const record = this.#modules.issue((handle) => new ModuleRecord(handle, context, compiled, instance, variables, major * 10 + minor, constBytes));
    for (const info of compiled.kernels.values()) {
      record.functions.set(info.name, this.#functions.issue((handle) => new FunctionRecord(handle, record, info, options.maxRegisters)));
    }
    context.modules.add(record);
    return { module: record.handle as ModuleHandle, infoLog: options.logVerbose ? this.#infoLog(record) : '' };
  }

  /** cuModuleUnload: frees its variables; its function handles become invalid. */
  unload(handle: ModuleHandle, call: string): void {
    const record = this.module(handle, call);
    record.context.printf.flush();
    this.#forget(record);
  }

  /** cuModuleGetFunction. */
  function(handle: ModuleHandle, name: string, call: string): FunctionHandle {
    const fn = this.module(handle, call).functions.get(name);
    if (!fn) fail(CUresult.CUDA_ERROR_NOT_FOUND, call, `the module has no kernel named '${name}'`);
    return fn.handle as FunctionHandle;
  }

  /** Every kernel name, in declaration order. */
  functionNames(handle: ModuleHandle, call: string): string[] {
    return [...this.module(handle, call).functions.keys()];
  }

  /**
   * cuModuleGetGlobal: any module-scope `.global` / `.const` variable by name. Like the driver,
   * this includes variables without `.visible`: nvcc's whole-program PTX declares `__device__`
   * and `__constant__` variables without it, and cudaMemcpyToSymbol finds them this way.
   */
  global(handle: ModuleHandle, name: string, call: string): { pointer: DevicePointer; bytes: number } {
    const placed = this.module(handle, call).variables.get(name);
    if (!placed) fail(CUresult.CUDA_ERROR_NOT_FOUND, call, `the module has no variable named '${name}'`);
    return { pointer: BigInt(placed.address) as DevicePointer, bytes: placed.variable.bytes };
  }

  /** cuFuncGetAttribute. */
  attribute(handle: FunctionHandle, attribute: number, call: string): number {
    const f = this.fn(handle, call);
    switch (attribute) {
      case FA.CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK: return f.maxThreadsPerBlock;
      case FA.CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES: return f.staticSharedBytes;
      case FA.CU_FUNC_ATTRIBUTE_CONST_SIZE_BYTES: return f.module.constBytes;
      case FA.CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES: return f.info.localBytesPerThread;
      case FA.CU_FUNC_ATTRIBUTE_NUM_REGS: return f.numRegs;
      case FA.CU_FUNC_ATTRIBUTE_PTX_VERSION: return f.module.ptxVersion;
      case FA.CU_FUNC_ATTRIBUTE_BINARY_VERSION: return SM90.arch;
      case FA.CU_FUNC_ATTRIBUTE_CACHE_MODE_CA: return 0;
      case FA.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES: return f.maxDynamicSharedBytes;
      case FA.CU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT: return f.carveout;
      case FA.CU_FUNC_ATTRIBUTE_CLUSTER_SIZE_MUST_BE_SET: return 0;
      case FA.CU_FUNC_ATTRIBUTE_REQUIRED_CLUSTER_WIDTH: return f.requiredCluster[0];
      case FA.CU_FUNC_ATTRIBUTE_REQUIRED_CLUSTER_HEIGHT: return f.requiredCluster[1];
      case FA.CU_FUNC_ATTRIBUTE_REQUIRED_CLUSTER_DEPTH: return f.requiredCluster[2];
      case FA.CU_FUNC_ATTRIBUTE_NON_PORTABLE_CLUSTER_SIZE_ALLOWED: return f.nonPortableClusterSizeAllowed;
      case FA.CU_FUNC_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE: return f.clusterSchedulingPolicy;
      default: return fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `unknown function attribute ${attribute}`);
    }
  }

  /** cuFuncSetAttribute: the settable attributes, with the driver's range checks. */
  setAttribute(handle: FunctionHandle, attribute: number, value: number, call: string): void {
    const f = this.fn(handle, call);
    const check = (ok: boolean, what: string): void => {
      if (!Number.isInteger(value) || !ok) fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `${value} is not a valid ${what}`);
    };
    switch (attribute) {
      case FA.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES:
        check(value >= 0 && f.staticSharedBytes + value <= SM90.sharedMemPerBlockOptin,
          `maximum dynamic shared memory size: static ${f.staticSharedBytes} + dynamic must not exceed ${SM90.sharedMemPerBlockOptin} bytes`);
        f.maxDynamicSharedBytes = value;
        return;
      case FA.CU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT:
        check(value >= -1 && value <= 100, 'shared memory carveout (−1 or 0–100 percent)');
        f.carveout = value;
        return;
      case FA.CU_FUNC_ATTRIBUTE_REQUIRED_CLUSTER_WIDTH:
      case FA.CU_FUNC_ATTRIBUTE_REQUIRED_CLUSTER_HEIGHT:
      case FA.CU_FUNC_ATTRIBUTE_REQUIRED_CLUSTER_DEPTH:
        check(value >= 0 && value <= SM90.nonPortableClusterSize, 'cluster dimension');
        f.requiredCluster[attribute - FA.CU_FUNC_ATTRIBUTE_REQUIRED_CLUSTER_WIDTH] = value;
        return;
      case FA.CU_FUNC_ATTRIBUTE_NON_PORTABLE_CLUSTER_SIZE_ALLOWED:
        check(value === 0 || value === 1, 'flag (0 or 1)');
        f.nonPortableClusterSizeAllowed = value;
        return;
      case FA.CU_FUNC_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE:
        check(value >= 0 && value <= 2, 'CUclusterSchedulingPolicy');
        f.clusterSchedulingPolicy = value;
        return;
      default:
        fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `function attribute ${attribute} cannot be set`);
    }
  }

  /** cuFuncGetParamInfo: the slot of parameter `index`, or `null` past the last. */
  paramInfo(handle: FunctionHandle, index: number, call: string): ParamSlot | null {
    const f = this.fn(handle, call);
    if (!Number.isInteger(index) || index < 0) fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `invalid parameter index ${index}`);
    const p = f.info.params[index];
    return p ? { offset: p.offset, size: p.size } : null;
  }

  /** cuOccupancyMaxActiveBlocksPerMultiprocessor. */
  maxActiveBlocks(handle: FunctionHandle, blockSize: number, dynamicSharedBytes: number, call: string): number {
    const f = this.fn(handle, call);
    if (!Number.isInteger(blockSize) || blockSize <= 0) fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `invalid block size ${blockSize}`);
    if (!Number.isInteger(dynamicSharedBytes) || dynamicSharedBytes < 0) fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `invalid dynamic shared memory size ${dynamicSharedBytes}`);
    return occupancy(f, blockSize, dynamicSharedBytes).activeBlocks;
  }

  /** cuOccupancyMaxPotentialBlockSize with a constant dynamic shared memory size. */
  maxPotentialBlockSize(handle: FunctionHandle, dynamicSharedBytes: number, blockSizeLimit: number, call: string): { minGridSize: number; blockSize: number } {
    const f = this.fn(handle, call);
    if (!Number.isInteger(dynamicSharedBytes) || dynamicSharedBytes < 0) fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `invalid dynamic shared memory size ${dynamicSharedBytes}`);
    if (!Number.isInteger(blockSizeLimit) || blockSizeLimit < 0) fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `invalid block size limit ${blockSizeLimit}`);
    return maxPotentialBlockSize(f, dynamicSharedBytes, blockSizeLimit);
  }

  /** The live module behind `handle`, its context checked for a sticky fault. */
  module(handle: bigint, call: string): ModuleRecord {
    const record = this.#modules.get(handle);
    if (!record) fail(CUresult.CUDA_ERROR_INVALID_HANDLE, call, `0x${handle.toString(16)} is not a loaded module (unloaded, its context destroyed or reset, or never a module)`);
    record.context.checkSticky(call);
    return record;
  }

  /** The live function behind `handle`, its context checked for a sticky fault. */
  fn(handle: bigint, call: string): FunctionRecord {
    const record = this.#functions.get(handle);
    if (!record) fail(CUresult.CUDA_ERROR_INVALID_HANDLE, call, `0x${handle.toString(16)} is not a function of a loaded module (unloaded, its context destroyed or reset, or never a function)`);
    record.context.checkSticky(call);
    return record;
  }

  /** Unloads every module of a dying context. */
  forgetContext(context: ContextState): void {
    for (const record of context.modules) this.#forget(record);
  }

  #forget(record: ModuleRecord): void {
    record.alive = false;
    for (const f of record.functions.values()) this.#functions.delete(f.handle);
    this.#modules.delete(record.handle);
    record.context.modules.delete(record);
    this.#freeVariables(record.context, record.variables);
  }

  #compile(ptx: string, call: string): CompiledModule {
    try {
      return this.engine.compile(ptx, call);
    } catch (e) {
      if (e instanceof PtxSyntaxError) fail(e.code ?? CUresult.CUDA_ERROR_INVALID_PTX, call, `PTX JIT compilation failed — error log: ${e.explanation}`, e);
      if (e instanceof DriverError) throw e;
      if (e instanceof CudaError) fail(CUresult.CUDA_ERROR_INVALID_PTX, call, `PTX JIT compilation failed — error log: ${e.explanation}`, e);
      fail(CUresult.CUDA_ERROR_UNKNOWN, call, `internal error in the PTX engine: ${(e as Error)?.message ?? String(e)}`, e);
    }
  }

  #placeVariables(context: ContextState, variables: readonly ModuleVariable[], call: string): Map<string, PlacedVariable> {
    const placed = new Map<string, PlacedVariable>();
    const memory = context.memory;
    try {
      for (const v of variables) {
        const align = Math.max(1, v.align);
        const pad = align > 256 ? align : 0;
        const allocation = memory.alloc(Math.max(1, v.bytes) + pad, `${VARIABLE_LABEL[v.space]} ${v.name}`, call);
        const address = pad ? Math.ceil(allocation / align) * align : allocation;
        const off = address - memory.base;
        memory.bytes.fill(0, off, off + v.bytes);
        if (v.init) memory.bytes.set(v.init.subarray(0, v.bytes), off);
        placed.set(v.name, { variable: v, address, allocation });
      }
    } catch (e) {
      this.#freeVariables(context, placed);
      throw e;
    }
    return placed;
  }

  #freeVariables(context: ContextState, variables: ReadonlyMap<string, PlacedVariable>): void {
    for (const v of variables.values()) context.memory.free(v.allocation);
  }

  #infoLog(record: ModuleRecord): string {
    const lines = [`cudajs emulated JIT: PTX ISA ${record.compiled.version}, target ${record.compiled.target}, compiled for emulation on sm_90`];
    for (const f of record.functions.values()) {
      lines.push(`Function properties for ${f.name}: ${f.numRegs} registers, ${f.staticSharedBytes} bytes smem, ${f.info.localBytesPerThread} bytes lmem, ${f.module.constBytes} bytes cmem[3]`);
    }
    return lines.join('\n');
  }
}
