/**
 * How generated code reaches registers.
 *
 * Registers live in one typed bank per storage class per activation (see `runtime/frame.ts`),
 * lane-minor: register slot `s`, lane `l` is element `s · 32 + l`. Generated code names the
 * views of the current frame:
 *
 * | name | view              | holds                                                   |
 * |------|-------------------|---------------------------------------------------------|
 * | `P`  | Uint8Array        | predicates (0/1)                                        |
 * | `H`  | Uint16Array       | 16-bit registers (also 8-bit types, widened)            |
 * | `HS` | Int16Array        | the same bank, signed                                   |
 * | `I`  | Int32Array        | 32-bit registers as int32 bit patterns                  |
 * | `U`  | Uint32Array       | the same bank, unsigned                                 |
 * | `F`  | Float32Array      | the same bank as binary32                               |
 * | `D`  | Float64Array      | 64-bit (`r64`) registers as binary64                    |
 * | `Q`  | Int32Array        | the same bank as (lo, hi) int32 words: element 2·i, 2·i+1 |
 * | `A`  | Float64Array      | address-like 64-bit registers as signed JS numbers      |
 *
 * Two strategies implement {@link RegisterAccess}: {@link DirectRegisters} reads and writes the
 * banks at every use (the interpreter, and the JIT where caching does not apply), and
 * `CachedRegisters` (jit/cache.ts) keeps registers in JS locals across the instructions of one
 * lane-loop segment.
 * @module
 */
import type { IrRegister } from '../../ir/types.js';
import { F32_CANONICAL_NAN_BITS, F64_CANONICAL_NAN_HI, F64_CANONICAL_NAN_LO } from '../../num/bits.js';

/** A typed view of a register bank (see the module table); `QL`/`QH` are the low/high words in `Q`. */
export type View = 'P' | 'H' | 'HS' | 'I' | 'U' | 'F' | 'D' | 'QL' | 'QH' | 'A';

/** Register reads and writes as code. */
export interface RegisterAccess {
  /** An expression reading `reg` through `view` in lane `l`. */
  read(reg: IrRegister, view: View): string;
  /**
   * A statement writing `value` (an expression, evaluated once) to `reg` through `view`. For `F`
   * and `D` the value is an arithmetic result: a NaN is stored as the canonical NaN — unless
   * `raw` (a bit-exact move of a binary64 read from memory or another register; `D` only).
   */
  write(reg: IrRegister, view: View, value: string, raw?: boolean): string;
  /** Statements that must run before the current instruction's guard (loads and flushes of cached registers). */
  takePrelude(): string;
  /**
   * Announces the next instruction: `guarded` when it has a guard (its writes may not happen in
   * every lane). Templates write their destinations on every path of an unguarded instruction.
   */
  beginInstruction(guarded: boolean): void;
}

/** The bank element index expression of `reg` for lane `l`. */
export function elementIndex(reg: IrRegister, view: View): string {
  const base = reg.slot * 32;
  switch (view) {
    case 'QL': return `${2 * base} + 2 * l`;
    case 'QH': return `${2 * base + 1} + 2 * l`;
    default: return `${base} + l`;
  }
}

/** The bank name of a view in generated code. */
export function bankOf(view: View): string {
  return view === 'QL' || view === 'QH' ? 'Q' : view;
}

/** The binary32 NaN the GPU returns for every NaN result (num `F32_CANONICAL_NAN_BITS`), as an int32. */
export const F32_NAN_I32 = F32_CANONICAL_NAN_BITS | 0;

/**
 * The binary64 NaN result (as num `storeF64` writes it) in a Float64Array: generated code names
 * `DN[0]` to get it as a JS value whose bits survive loads and stores of typed arrays (a NaN
 * constant written in code would not: V8 folds it to its own NaN).
 */
export const F64_NAN = new Float64Array(1);
new Uint32Array(F64_NAN.buffer).set([F64_CANONICAL_NAN_LO, F64_CANONICAL_NAN_HI]);

/**
 * A statement storing `value` into the bank element of `reg` through `view`: an arithmetic result
 * (NaN canonicalized for F and D), or for `raw` a bit-exact move.
 */
export function storeStatement(reg: IrRegister, view: View, value: string, raw = false): string {
  const idx = elementIndex(reg, view);
  const bank = bankOf(view);
  if (raw) return `${bank}[${idx}] = ${value};`;
  if (view === 'F') return `{ const t$ = ${value}; if (t$ === t$) F[${idx}] = t$; else I[${idx}] = ${F32_NAN_I32}; }`;
  if (view === 'D') return `{ const t$ = ${value}; D[${idx}] = t$ === t$ ? t$ : DN[0]; }`;
  return `${bank}[${idx}] = ${value};`;
}

/** Reads and writes the banks directly at every use. */
export class DirectRegisters implements RegisterAccess {
  read(reg: IrRegister, view: View): string {
    return `${bankOf(view)}[${elementIndex(reg, view)}]`;
  }

  write(reg: IrRegister, view: View, value: string, raw = false): string {
    return storeStatement(reg, view, value, raw);
  }

  takePrelude(): string {
    return '';
  }

  beginInstruction(): void {}
}

/** The banks (hoisted names) a view needs, including those a cached local of its family is loaded and written back through. */
export function banksFor(view: View): readonly string[] {
  switch (view) {
    case 'F': return ['F', 'I'];
    case 'D': return ['D', 'Q', 'DN'];
    case 'QL': case 'QH': return ['Q'];
    case 'I': case 'U': return ['I', 'U'];
    case 'H': case 'HS': return ['H', 'HS'];
    default: return [view];
  }
}
