/**
 * The PTX abstract syntax tree produced by `parsePtx`. It mirrors the text: nested `{ }` blocks,
 * declarations, labels and instructions in order, names unresolved (whether `%r1` or `foo` is a
 * register, a variable, a label or a function is decided by the lowering in `src/emu/ir`).
 * Instructions are already decoded (opcode × modifiers × types) and operand counts checked.
 * @module
 */
import type { DecodedInstruction } from './instruction.js';
import type { PtxType } from './types.js';

/** A place in the PTX text; every AST node carries one. */
export interface SourcePos {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
}

/** Linkage directives of module-scope declarations. */
export type Linkage = 'visible' | 'extern' | 'weak' | 'common';

/** State spaces of declarations. */
export type DeclSpace = 'reg' | 'global' | 'const' | 'shared' | 'local' | 'param';

/** A parsed PTX module. */
export interface PtxModule {
  /** `.version`, e.g. `9.0`. */
  readonly version: string;
  /** The first `.target` entry, e.g. `sm_90`. */
  readonly target: string;
  /** Further `.target` entries, e.g. `debug`, `texmode_independent`. */
  readonly targetOptions: readonly string[];
  /** `.address_size` (64 when absent). */
  readonly addressSize: 32 | 64;
  /** `.file` entries: file index → path. */
  readonly files: ReadonlyMap<number, string>;
  /** Module-scope variables and functions, in order. */
  readonly items: readonly ModuleItem[];
  /** The API call that errors name (e.g. `cuModuleLoadData`). */
  readonly call: string;
  /** The PTX text (instructions keep offsets into it). */
  readonly source: string;
}

/** A module-scope item. */
export type ModuleItem = Declaration | FunctionDecl;

/** A pointer attribute of a kernel parameter: `.ptr .global .align 16`. */
export interface PointerAttr {
  /** The pointee's state space, or `null` for generic. */
  readonly space: DeclSpace | null;
  /** The pointee's alignment, or `null`. */
  readonly align: number | null;
}

/** One constant in an initializer. */
export type ConstExpr =
  | { readonly kind: 'int'; readonly value: bigint; readonly line: number; readonly column: number }
  | { readonly kind: 'float'; readonly value: number; readonly bits: bigint; readonly width: 32 | 64; readonly line: number; readonly column: number }
  /** The address of a variable or function, `generic(name)` when `generic`, plus `addend` bytes. */
  | { readonly kind: 'symbol'; readonly name: string; readonly generic: boolean; readonly addend: bigint; readonly line: number; readonly column: number };

/** An initializer: a constant or a braced list of initializers. */
export type Initializer =
  | ConstExpr
  | { readonly kind: 'list'; readonly items: readonly Initializer[]; readonly line: number; readonly column: number };

/**
 * A declaration: a register (`.reg .b32 %r<5>;` is one declaration with `range` 5), a variable
 * in a state space, or a parameter of an entry or function.
 */
export interface Declaration extends SourcePos {
  readonly kind: 'decl';
  readonly space: DeclSpace;
  readonly name: string;
  readonly type: PtxType;
  /** `.v2`/`.v4`/`.v8` element count, 1 for scalars. */
  readonly vector: 1 | 2 | 4 | 8;
  /** Explicit `.align`, or `null`. */
  readonly align: number | null;
  /** Array dimensions: `[]` for scalars; `null` for an unsized dimension (`dyn[]`). */
  readonly dims: readonly (number | null)[];
  /** For `%r<N>`: N (the names `%r0` … `%r{N-1}`); otherwise `null`. */
  readonly range: number | null;
  readonly init: Initializer | null;
  readonly linkage: Linkage | null;
  /** `.ptr` attribute of a parameter, or `null`. */
  readonly ptr: PointerAttr | null;
}

/** Performance-tuning directives of an entry. */
export interface PerformanceDirectives {
  readonly maxntid: readonly number[] | null;
  readonly reqntid: readonly number[] | null;
  readonly minnctapersm: number | null;
  readonly maxnctapersm: number | null;
  readonly maxnreg: number | null;
  readonly explicitcluster: boolean;
  readonly reqnctapercluster: readonly number[] | null;
  readonly maxclusterrank: number | null;
  readonly noreturn: boolean;
}

/** An `.entry` or `.func`, with or without a body. */
export interface FunctionDecl extends SourcePos {
  readonly kind: 'function';
  /** True for `.entry` (a kernel). */
  readonly entry: boolean;
  readonly name: string;
  readonly linkage: Linkage | null;
  readonly params: readonly Declaration[];
  /** Return parameters of a `.func` (`.func (.param .b32 retval) f(…)`). */
  readonly returns: readonly Declaration[];
  readonly directives: PerformanceDirectives;
  /** The body, or `null` for a declaration (`.extern .func vprintf(…);`). */
  readonly body: Block | null;
}

/** A `{ … }` block. Registers declared inside shadow outer ones until the closing brace. */
export interface Block extends SourcePos {
  readonly kind: 'block';
  readonly statements: readonly Statement[];
}

/** A label (`$L__BB0_2:`); it names the next instruction. */
export interface Label extends SourcePos {
  readonly kind: 'label';
  readonly name: string;
}

/** `.loc file line column` — the CUDA source position of the following instructions. */
export interface LocDirective extends SourcePos {
  readonly kind: 'loc';
  /** `.file` index. */
  readonly file: number;
  /** Line in that file. */
  readonly sourceLine: number;
  /** Column in that file (0 when unknown). */
  readonly sourceColumn: number;
}

/** `.pragma "…";` inside a body. */
export interface Pragma extends SourcePos {
  readonly kind: 'pragma';
  readonly text: string;
}

/** `name: .callprototype (.param .b32 _) _ (.param .b32 _);` — the signature of an indirect call. */
export interface CallPrototype extends SourcePos {
  readonly kind: 'callprototype';
  readonly name: string;
  readonly params: readonly Declaration[];
  readonly returns: readonly Declaration[];
}

/** `name: .branchtargets L1, L2, …;` — the jump table of `brx.idx`. */
export interface BranchTargets extends SourcePos {
  readonly kind: 'branchtargets';
  readonly name: string;
  readonly labels: readonly string[];
}

/** `@%p` or `@!%p`. */
export interface Guard extends SourcePos {
  readonly name: string;
  readonly negate: boolean;
}

/** A name: register, special register (`%tid` with component `x`), variable, function or label. */
export interface NameOperand extends SourcePos {
  readonly kind: 'name';
  readonly name: string;
  /** `x`/`y`/`z`/`w` for `%tid.x` and the like, else `null`. */
  readonly component: 'x' | 'y' | 'z' | 'w' | null;
  /** `!%p` (a negated predicate source). */
  readonly negate: boolean;
}

/** An integer literal, sign applied (so `-1` is `-1n`; values range over −2^63 … 2^64 − 1). */
export interface IntOperand extends SourcePos {
  readonly kind: 'int';
  readonly value: bigint;
}

/** A floating-point literal (`0f…`, `0d…` or decimal), sign applied. */
export interface FloatOperand extends SourcePos {
  readonly kind: 'float';
  readonly value: number;
  /** Bit pattern of the literal in its own width (sign applied). */
  readonly bits: bigint;
  readonly width: 32 | 64;
}

/** `[base+offset]`, `[base]`, `[offset]`; `base` is a register or a variable name. */
export interface AddressOperand extends SourcePos {
  readonly kind: 'address';
  readonly base: NameOperand | null;
  readonly offset: bigint;
}

/** `{a, b, …}`: vector operand of ld/st, or the pieces of a `mov` pack/unpack. */
export interface VectorOperand extends SourcePos {
  readonly kind: 'vector';
  readonly elements: readonly (NameOperand | IntOperand | FloatOperand | SinkOperand)[];
}

/** `d|p`: a destination with a second (predicate) destination. */
export interface PairOperand extends SourcePos {
  readonly kind: 'pair';
  readonly first: NameOperand | SinkOperand;
  readonly second: NameOperand | SinkOperand;
}

/** `_`: a result that is discarded. */
export interface SinkOperand extends SourcePos {
  readonly kind: 'sink';
}

/** Any instruction operand. */
export type Operand = NameOperand | IntOperand | FloatOperand | AddressOperand | VectorOperand | PairOperand | SinkOperand;

/** The operands of `call`: `call (r…), target, (a…), prototype;`. */
export interface CallOperands {
  readonly returns: readonly (NameOperand | SinkOperand)[];
  /** A function name, or a register holding a function address (indirect call). */
  readonly target: NameOperand;
  readonly args: readonly Operand[];
  /** A `.callprototype` label or `.calltargets` label, or `null`. */
  readonly prototype: NameOperand | null;
}

/** One instruction. */
export interface Instruction extends SourcePos {
  readonly kind: 'instruction';
  readonly guard: Guard | null;
  readonly decoded: DecodedInstruction;
  /** Operands in written order (empty for `call`: see {@link call}). */
  readonly operands: readonly Operand[];
  /** The operands of a `call`, else `null`. */
  readonly call: CallOperands | null;
  /** Offsets of the instruction in the text (guard to semicolon, exclusive), for messages. */
  readonly start: number;
  readonly end: number;
}

/** A statement of a body. */
export type Statement = Block | Declaration | Label | Instruction | LocDirective | Pragma | CallPrototype | BranchTargets;
