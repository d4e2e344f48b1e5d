/**
 * The execution-ready IR that `lowerModule` produces from the PTX AST: what an execution engine
 * (block JIT or interpreter) consumes.
 *
 * Registers live in typed slots: each register of a function has a storage class
 * ({@link RegClass}) and a dense slot index within that class, so an engine can keep one typed
 * array per class and per lane. Instructions are grouped into basic blocks with successors,
 * predecessors and immediate post-dominators (reconvergence points for divergent branches).
 * Operands are resolved: registers to slots, literals to typed immediates, names to symbols with
 * known layout, labels to block indices.
 * @module
 */
import type { EntryParam, KernelInfo, ModuleVariable } from '../engine.js';
import type { DecodedInstruction, OperandRole } from '../ptx/instruction.js';
import type { Linkage, PerformanceDirectives } from '../ptx/ast.js';
import type { PtxType } from '../ptx/types.js';

/**
 * Storage class of a register:
 * - `pred`: predicates (0/1), e.g. a `Uint8Array`;
 * - `r16`: 16-bit registers (`.b16/.u16/.s16/.f16/.bf16`, and `.b8/.u8/.s8` widened), as bit
 *   patterns, e.g. `Uint16Array` + `Int16Array` views of one buffer;
 * - `r32`: 32-bit registers of every type (`.b32/.u32/.s32/.f32/.f16x2/.bf16x2`), as bit
 *   patterns, e.g. `Int32Array` + `Uint32Array` + `Float32Array` views of one buffer — PTX lets
 *   any same-size instruction type use a `.b32` register, so one bank with several views makes
 *   reinterpretation free and NaN payloads bit-exact;
 * - `r64`: 64-bit registers holding bit patterns: `.f64` and 64-bit integers that are not
 *   addresses, e.g. `Float64Array` + `BigInt64Array` views of one buffer;
 * - `addr`: 64-bit integer registers classified as address-like (see `address-class.ts`),
 *   holding the *signed* 64-bit value as a JS number (exact below 2^53), e.g. a `Float64Array`
 *   used as plain numbers.
 */
export type RegClass = 'pred' | 'r16' | 'r32' | 'r64' | 'addr';

/** All register classes, in slot-table order. */
export const REG_CLASSES: readonly RegClass[] = ['pred', 'r16', 'r32', 'r64', 'addr'];

/** One declared register (each name of a `%r<N>` range is one register). */
export interface IrRegister {
  readonly kind: 'register';
  /** The name as written (`%r12`, `__$temp3`); names shadowed in inner `{ }` scopes are distinct registers. */
  readonly name: string;
  /** The declared type. */
  readonly type: PtxType;
  readonly cls: RegClass;
  /** Dense index within {@link cls} for this function. */
  readonly slot: number;
  /** Dense index over all registers of this function (declaration order). */
  readonly id: number;
  /** PTX line of the declaration. */
  readonly line: number;
}

/** A module-scope `.global` or `.const` variable (what the backend places in device memory). */
export interface IrModuleVariable extends ModuleVariable {
  readonly kind: 'variable';
  /** Element type as declared (`.b8` for byte arrays). */
  readonly type: PtxType;
  /** Index in {@link IrModule.variables}. */
  readonly index: number;
  /**
   * Places in {@link ModuleVariable.init} that hold the address of another variable or of a
   * function (`= generic(counter)`, `= {_Z4addfff, …}`); the bytes there are zero and must be
   * patched once addresses are known.
   */
  readonly relocations: readonly IrRelocation[];
  /** PTX line of the declaration. */
  readonly line: number;
}

/** An address stored in a variable's initial bytes. */
export interface IrRelocation {
  /** Byte offset in the variable. */
  readonly offset: number;
  /** 4 or 8 bytes, little-endian. */
  readonly size: 4 | 8;
  /** The addressed variable or function. */
  readonly target: IrModuleVariable | IrFunctionSymbol;
  /** Bytes added to the address. */
  readonly addend: number;
  /** `generic(name)`: the generic address (for global variables the same as the global one). */
  readonly generic: boolean;
}

/** A `.shared` variable: module scope, or declared (demoted) inside a function. */
export interface IrSharedVariable {
  readonly kind: 'shared';
  /** Index in {@link IrModule.sharedVariables}; kernels map it to an offset (see {@link IrKernel.sharedOffsets}). */
  readonly id: number;
  readonly name: string;
  readonly type: PtxType;
  /** Size in bytes (0 for `.extern` dynamic shared arrays). */
  readonly bytes: number;
  readonly align: number;
  /** `.extern .shared … name[]`: dynamic shared memory, placed after the static variables. */
  readonly dynamic: boolean;
  /** Index of the declaring function, or -1 for module scope. */
  readonly owner: number;
  readonly line: number;
}

/** A `.local` variable of a function (e.g. `__local_depot0`), at a fixed offset of its frame. */
export interface IrLocalVariable {
  readonly kind: 'local';
  readonly name: string;
  readonly type: PtxType;
  readonly bytes: number;
  readonly align: number;
  /** Offset in the function's local frame ({@link IrFunction.localBytes} per activation). */
  readonly offset: number;
  readonly line: number;
}

/**
 * A `.param` variable: a kernel parameter (`region: 'entry'`, in the launch's parameter buffer),
 * or a parameter, return value or call-site argument of a function (`region: 'frame'`, in the
 * per-activation parameter frame of {@link IrFunction.paramFrameBytes} bytes).
 */
export interface IrParam {
  readonly kind: 'param';
  readonly name: string;
  readonly region: 'entry' | 'frame';
  readonly type: PtxType;
  /** Array length for `.b8 name[16]`, 0 for scalars. */
  readonly arrayLength: number;
  readonly bytes: number;
  readonly align: number;
  readonly offset: number;
  /** Declared with `.ptr`. */
  readonly isPointer: boolean;
  readonly line: number;
}

/** A function used as a value (its address: `mov.u64 %rd, f`, `= {f, g}`). */
export interface IrFunctionSymbol {
  readonly kind: 'function';
  readonly name: string;
  /** Index in {@link IrModule.functions}. */
  readonly index: number;
}

/** Anything a name can denote besides a register or a label. */
export type IrSymbol = IrModuleVariable | IrSharedVariable | IrLocalVariable | IrParam | IrFunctionSymbol;

/** Special registers (`%tid`, `%laneid` …) by name without `%`. */
export type SpecialRegisterName =
  | 'tid' | 'ntid' | 'ctaid' | 'nctaid' | 'laneid' | 'warpid' | 'nwarpid' | 'smid' | 'nsmid' | 'gridid'
  | 'lanemask_eq' | 'lanemask_le' | 'lanemask_lt' | 'lanemask_ge' | 'lanemask_gt'
  | 'clock' | 'clock_hi' | 'clock64' | 'globaltimer' | 'globaltimer_lo' | 'globaltimer_hi'
  | 'dynamic_smem_size' | 'total_smem_size' | 'aggr_smem_size'
  | 'cluster_ctarank' | 'cluster_nctarank' | 'cluster_ctaid' | 'cluster_nctaid' | 'clusterid' | 'nclusterid'
  | 'is_explicit_cluster';

/** A register operand. */
export interface IrRegOperand {
  readonly kind: 'reg';
  readonly reg: IrRegister;
  /** `!%p` (predicate sources only). */
  readonly negate: boolean;
}

/**
 * An immediate, typed by its operand role. `value` is what the instruction sees:
 * - predicates: 0 or 1;
 * - integer and bit types up to 32 bits (and packed `u16x2`, `f16`, `bf16`, … bit patterns):
 *   a number, wrapped to the width, signed for `.sN` types, unsigned otherwise;
 * - 64-bit integer and bit types: a bigint, signed for `.s64`, unsigned otherwise;
 * - `f32`: the f32 value (exactly representable); `f64`: the value.
 */
export interface IrImmOperand {
  readonly kind: 'imm';
  readonly type: PtxType;
  readonly value: number | bigint;
  /** The bit pattern in the type's width (unsigned). */
  readonly bits: bigint;
}

/** A special register; `component` 0–3 for `.x/.y/.z/.w`. */
export interface IrSpecialOperand {
  readonly kind: 'sreg';
  readonly name: SpecialRegisterName;
  readonly component: 0 | 1 | 2 | 3 | null;
  /** `u32`, or `u64` for `%clock64` / `%globaltimer`. */
  readonly type: PtxType;
}

/** The address of a symbol used as a value (`mov.u64 %rd, coeffs`, `cvta.global.u64 %rd, $str`). */
export interface IrSymbolOperand {
  readonly kind: 'sym';
  readonly symbol: IrSymbol;
}

/** A memory operand `[base+offset]`; `base` is a register, a symbol or `null` (absolute address). */
export interface IrAddressOperand {
  readonly kind: 'addr';
  readonly base: IrRegister | IrSymbol | null;
  readonly offset: number;
}

/** `{a, b, …}`: elements of a vector ld/st or of a mov pack/unpack. */
export interface IrVectorOperand {
  readonly kind: 'vec';
  readonly elements: readonly (IrRegOperand | IrImmOperand | IrSinkOperand)[];
}

/** `d|p`: a destination and a second (predicate) destination; either may be a sink. */
export interface IrPairOperand {
  readonly kind: 'pair';
  readonly first: IrRegOperand | IrSinkOperand;
  readonly second: IrRegOperand | IrSinkOperand;
}

/** A branch target: block index in the function. */
export interface IrLabelOperand {
  readonly kind: 'label';
  readonly name: string;
  readonly block: number;
}

/** The jump table of `brx.idx`: block index per table entry. */
export interface IrTargetsOperand {
  readonly kind: 'targets';
  readonly name: string;
  readonly blocks: readonly number[];
}

/** `_`: a discarded result. */
export interface IrSinkOperand {
  readonly kind: 'sink';
}

/** Any resolved operand. */
export type IrOperand =
  | IrRegOperand | IrImmOperand | IrSpecialOperand | IrSymbolOperand | IrAddressOperand | IrVectorOperand
  | IrPairOperand | IrLabelOperand | IrTargetsOperand | IrSinkOperand;

/** The parameter layout of a call's callee (a `.func` or a `.callprototype`). */
export interface IrSignature {
  readonly params: readonly IrParam[];
  readonly returns: readonly IrParam[];
}

/**
 * A resolved `call`. Calling convention: the engine creates the callee's parameter frame
 * (`callee.paramFrameBytes`), copies each argument variable of the caller's frame into the
 * callee's {@link IrFunction.params} slot, runs the callee, then copies the callee's
 * {@link IrFunction.returns} slots into the caller's return variables (byte copies of
 * `min(sizes)`).
 */
export interface IrCall {
  /** A direct call (function index) or an indirect one through a register holding a function address. */
  readonly target: { readonly kind: 'direct'; readonly function: number } | { readonly kind: 'indirect'; readonly reg: IrRegister };
  /** Argument variables in the caller's parameter frame, in order. */
  readonly args: readonly IrParam[];
  /** Return variables in the caller's parameter frame (empty when the result is unused). */
  readonly returns: readonly IrParam[];
  /** The `.callprototype` of an indirect call, else `null`. */
  readonly prototype: IrSignature | null;
}

/** A CUDA source position from `.loc`. */
export interface IrSourceLoc {
  /** `.file` index. */
  readonly file: number;
  /** The file's path, when `.file` declared it. */
  readonly path: string | null;
  readonly line: number;
  readonly column: number;
}

/** The predicate guard of an instruction. */
export interface IrGuard {
  readonly reg: IrRegister;
  /** `@!%p`. */
  readonly negate: boolean;
}

/** One lowered instruction. */
export interface IrInstruction {
  /** The opcode (`decoded.opcode`), e.g. `add`, `ld`, `bar.warp.sync`. */
  readonly op: string;
  /** Types and modifiers. */
  readonly decoded: DecodedInstruction;
  readonly guard: IrGuard | null;
  /** Operands in written order (empty for `call`). */
  readonly operands: readonly IrOperand[];
  /** What each operand is (destination or source, type), parallel to {@link operands}. */
  readonly roles: readonly OperandRole[];
  /** The call, for `call`; else `null`. */
  readonly call: IrCall | null;
  /** PTX line and column. */
  readonly line: number;
  readonly column: number;
  /** The CUDA source position (`.loc`) in force, or `null`. */
  readonly loc: IrSourceLoc | null;
  /** The instruction as written (may span lines for `call`). */
  readonly text: string;
}

/** A basic block: straight-line code entered only at the top. */
export interface IrBlock {
  /** Index in {@link IrFunction.blocks}; block 0 is the entry. */
  readonly index: number;
  /** Labels that name this block's first instruction. */
  readonly labels: readonly string[];
  readonly instructions: readonly IrInstruction[];
  /** Successor blocks (for a guarded `bra`: the target first, then the fall-through). */
  readonly successors: readonly number[];
  readonly predecessors: readonly number[];
  /** True when threads can leave the function from this block (`ret`, `exit`, `trap`, or falling off the end). */
  readonly exits: boolean;
  /**
   * Immediate post-dominator: the first block every path from here passes through, i.e. where
   * lanes that diverge at the end of this block reconverge; -1 when that is the function's exit.
   */
  readonly ipdom: number;
  /**
   * True when the block ends in control flow that may split a warp: a guarded `bra` or a
   * `brx.idx` without `.uni`, or a guarded `ret`/`exit`/`trap`.
   */
  readonly divergent: boolean;
}

/** A lowered `.entry` or `.func`. */
export interface IrFunction {
  readonly name: string;
  /** Index in {@link IrModule.functions}. */
  readonly index: number;
  /** True for `.entry`. */
  readonly isKernel: boolean;
  readonly linkage: Linkage | null;
  /** False for a declaration without body (`.extern .func vprintf(…)`): the engine provides it (vprintf, malloc, free, __assertfail …) or refuses. */
  readonly defined: boolean;
  /** Parameters: for kernels in the launch's parameter buffer, for functions in the frame. */
  readonly params: readonly IrParam[];
  /** Return parameters of a `.func` (in the frame). */
  readonly returns: readonly IrParam[];
  /** Bytes of the per-activation parameter frame (function params, returns, call-site `.param`s). */
  readonly paramFrameBytes: number;
  /** Bytes of this function's own `.local` frame per thread and activation. */
  readonly localBytes: number;
  /** `.local` variables at their frame offsets. */
  readonly localVariables: readonly IrLocalVariable[];
  /** `.shared` variables declared in the body (demoted). */
  readonly sharedVariables: readonly IrSharedVariable[];
  /** Every register, in declaration order. */
  readonly registers: readonly IrRegister[];
  /** Slots per class. */
  readonly registerCounts: Readonly<Record<RegClass, number>>;
  readonly blocks: readonly IrBlock[];
  /** Functions called directly (indices), without duplicates. */
  readonly callees: readonly number[];
  /** Whether the function makes indirect calls. */
  readonly indirectCalls: boolean;
  /** Shared variables referenced by name in the body (indices in {@link IrModule.sharedVariables}). */
  readonly sharedUses: readonly number[];
  readonly directives: PerformanceDirectives;
  readonly line: number;
}

/** A kernel with its launch-relevant facts. */
export interface IrKernel extends IrFunction {
  readonly isKernel: true;
  /** What the engine seam reports for this kernel. */
  readonly info: KernelInfo;
  /** Entry parameters as `KernelInfo` describes them. */
  readonly entryParams: readonly EntryParam[];
  /**
   * Offset in the CTA's shared memory of each shared variable this kernel can reach
   * (indexed by {@link IrSharedVariable.id}; -1 when unreachable). Dynamic (`.extern`) arrays
   * sit at {@link dynamicSharedOffset}.
   */
  readonly sharedOffsets: readonly number[];
  /** Where dynamic shared memory starts: the static bytes rounded up to the dynamic arrays' alignment. */
  readonly dynamicSharedOffset: number;
  /** Functions reachable from the kernel (direct calls, and every address-taken function when it calls indirectly). */
  readonly reachable: readonly number[];
  /** Whether the reachable call graph contains a cycle (recursion): stack depth is then dynamic. */
  readonly recursive: boolean;
}

/** A lowered module. */
export interface IrModule {
  readonly version: string;
  readonly target: string;
  readonly targetOptions: readonly string[];
  readonly addressSize: 32 | 64;
  /** `.file` table. */
  readonly files: ReadonlyMap<number, string>;
  /** Every function and kernel, declared-only ones included, in declaration order. */
  readonly functions: readonly IrFunction[];
  /** Kernels by entry name, in declaration order. */
  readonly kernels: ReadonlyMap<string, IrKernel>;
  /** `KernelInfo` by entry name (what `CompiledModule.kernels` holds). */
  readonly kernelInfo: ReadonlyMap<string, KernelInfo>;
  /** Module-scope `.global`/`.const` variables with storage in this module. */
  readonly variables: readonly IrModuleVariable[];
  /** Every `.shared` variable of the module (module scope and demoted). */
  readonly sharedVariables: readonly IrSharedVariable[];
  /** Functions whose address is taken (possible targets of indirect calls). */
  readonly addressTaken: readonly number[];
}
