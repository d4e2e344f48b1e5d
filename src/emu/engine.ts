/**
 * The seam between the emulated device (`src/backend/emulated`: contexts, memory, streams, events)
 * and the PTX execution engine (`src/emu/ptx`, `src/emu/ir`, `src/emu/exec`).
 *
 * The backend hands PTX text to {@link EmuEngine.compile}, places the module's variables in
 * device memory, then {@link CompiledModule.instantiate}s it against that memory and launches
 * kernels through the instance. Errors: `PtxSyntaxError` from compile (malformed or unsupported
 * PTX, naming line and token), `KernelFaultError` from launch (out-of-bounds or misaligned access,
 * trap, assert, barrier deadlock, instruction budget exceeded).
 * @module
 */
import type { GlobalMemory } from './mem/types.js';

/** A PTX scalar type as written after the dot, e.g. `u32`, `f32`, `b8`, `pred`. */
export type PtxScalarType =
  | 'u8' | 'u16' | 'u32' | 'u64' | 's8' | 's16' | 's32' | 's64'
  | 'b8' | 'b16' | 'b32' | 'b64' | 'b128' | 'f16' | 'f16x2' | 'bf16' | 'bf16x2' | 'f32' | 'f64' | 'pred';

/** One `.param` of a kernel entry. */
export interface EntryParam {
  /** The parameter's PTX name, e.g. `_Z5saxpyifPKfPf_param_0`. */
  readonly name: string;
  /** Element type. */
  readonly type: PtxScalarType;
  /** Array length for `.b8 name[12]` style (struct) parameters; 0 for scalars. */
  readonly arrayLength: number;
  /** `.align` value, or the natural alignment of `type`. */
  readonly align: number;
  /** Size in bytes. */
  readonly size: number;
  /** Offset inside the packed parameter buffer (each param aligned to `align`). */
  readonly offset: number;
  /** True when declared `.ptr` (pointer to global/shared/const/local). */
  readonly isPointer: boolean;
}

/** What the engine knows about one `.entry`. */
export interface KernelInfo {
  readonly name: string;
  readonly params: readonly EntryParam[];
  /** Bytes of the packed parameter buffer. */
  readonly paramBytes: number;
  /** Bytes of statically declared `.shared` memory the kernel uses (its own and its callees'). */
  readonly staticSharedBytes: number;
  /** Bytes of `.local` memory per thread (`__local_depot` and friends). */
  readonly localBytesPerThread: number;
  /** Registers declared (a plausible stand-in for the GPU's register count). */
  readonly registerCount: number;
  /** `.maxntid` product, or 0 when absent. */
  readonly maxThreadsPerBlock: number;
  /** `.reqntid` if declared. */
  readonly requiredBlock?: readonly [number, number, number];
  /** Whether the kernel uses dynamic shared memory (`.extern .shared`). */
  readonly usesDynamicShared: boolean;
}

/** A module-scope variable that the backend must place in device memory before instantiation. */
export interface ModuleVariable {
  readonly name: string;
  /** `global` for `__device__`, `const` for `__constant__`. */
  readonly space: 'global' | 'const';
  readonly bytes: number;
  readonly align: number;
  /** Initial bytes (from the initializer), or `null` for zero-filled. */
  readonly init: Uint8Array | null;
  /** Whether the variable is visible to the host (`.visible` / `.extern`), i.e. cuModuleGetGlobal finds it. */
  readonly visible: boolean;
}

/** A parsed and prepared PTX module, independent of any device. */
export interface CompiledModule {
  /** `.version`, e.g. `9.0`. */
  readonly version: string;
  /** `.target`, e.g. `sm_90`. */
  readonly target: string;
  /** Kernels by entry name, in declaration order. */
  readonly kernels: ReadonlyMap<string, KernelInfo>;
  /** Module-scope `.global` and `.const` variables (including string literals for printf). */
  readonly variables: readonly ModuleVariable[];
  /**
   * Binds the module to one device's memory. `addressOf(name)` gives the device address where the
   * backend placed each of {@link variables}.
   */
  instantiate(memory: GlobalMemory, addressOf: (variable: string) => number): ModuleInstance;
}

/** Limits and hooks of one launch. */
export interface LaunchOptions {
  /** Stop with a fault after this many warp-instructions in total (runaway kernels). Default: unlimited. */
  readonly instructionBudget?: number;
  /** Stop with a fault after this many milliseconds. Default: unlimited. */
  readonly timeoutMs?: number;
  /** Receives each `printf` line's text, in the order the GPU would flush them at synchronize. */
  readonly printf?: (text: string) => void;
  /** Force the reference interpreter instead of the JIT. Default: false. */
  readonly interpret?: boolean;
}

/** One kernel launch. */
export interface LaunchRequest {
  readonly kernel: string;
  readonly grid: readonly [number, number, number];
  readonly block: readonly [number, number, number];
  /** Cluster dimensions (sm_90 thread-block clusters); default (1,1,1). */
  readonly cluster?: readonly [number, number, number];
  readonly dynamicSharedBytes: number;
  /** The packed parameter buffer, laid out as {@link KernelInfo.params} says. */
  readonly params: Uint8Array;
  readonly options?: LaunchOptions;
}

/** What one launch did. */
export interface LaunchStats {
  /** Thread-instructions executed (lanes active × instructions). */
  readonly threadInstructions: number;
  /** Warp-instructions executed. */
  readonly warpInstructions: number;
}

/** A module bound to one device's memory. */
export interface ModuleInstance {
  readonly module: CompiledModule;
  /** Runs a kernel to completion. Throws `KernelFaultError` on a fault. */
  launch(request: LaunchRequest): LaunchStats;
}

/** The PTX execution engine. */
export interface EmuEngine {
  /** Parses, checks and prepares PTX. Throws `PtxSyntaxError` naming the line and token. */
  compile(ptx: string, call: string): CompiledModule;
}
