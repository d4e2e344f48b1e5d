/**
 * Half-precision instructions (PTX ISA §9.7.4): add, sub, mul, fma, min, max, neg, abs on `.f16`,
 * `.bf16` and the packed `.f16x2`, `.bf16x2`, on bit patterns, all through num half.ts.
 * @module
 */
import type { Emit } from '../codegen/emit.js';
import { unsupported } from '../errors.js';
import { bool, lane, roundingCode, type0 } from './common.js';
import type { Semantics } from './types.js';

/** The num half.ts modifier flags (HALF_FTZ 1, HALF_SAT 2, HALF_RELU 4) of the instruction. */
function flags(e: Emit): number {
  return (e.mods.ftz ? 1 : 0) | (e.mods.sat ? 2 : 0) | (e.mods.relu ? 4 : 0);
}

/** The num name suffix of a half type: `F16`, `BF16`, `F16x2`, `BF16x2`. */
function suffix(e: Emit): string {
  switch (type0(e)) {
    case 'f16': return 'F16';
    case 'bf16': return 'BF16';
    case 'f16x2': return 'F16x2';
    case 'bf16x2': return 'BF16x2';
    default: return unsupported(e.ins);
  }
}

const isBf = (e: Emit): boolean => type0(e).startsWith('bf');

/** add / sub / mul. */
function arith(e: Emit, op: 'add' | 'sub' | 'mul'): string {
  const fn = `${op}${suffix(e)}`;
  const mode = roundingCode(e);
  if (isBf(e)) {
    if (flags(e) !== 0) return unsupported(e.ins);
    return e.set(0, `${e.h(fn)}(${e.v(1)}, ${e.v(2)}, ${mode})`);
  }
  return e.set(0, `${e.h(fn)}(${e.v(1)}, ${e.v(2)}, ${mode}, ${flags(e)})`);
}

/** fma. */
function fma(e: Emit): string {
  const fn = `fma${suffix(e)}`;
  return e.set(0, `${e.h(fn)}(${e.v(1)}, ${e.v(2)}, ${e.v(3)}, ${roundingCode(e)}, ${flags(e)})`);
}

/** min / max. */
function minMax(e: Emit, max: boolean): string {
  const fn = `${max ? 'max' : 'min'}${suffix(e)}`;
  if (e.has(3)) return unsupported(e.ins);
  const rest = `${bool(e.mods.nan)}, ${bool(e.mods.xorsign)}`;
  if (isBf(e)) return e.set(0, `${e.h(fn)}(${e.v(1)}, ${e.v(2)}, ${rest})`);
  return e.set(0, `${e.h(fn)}(${e.v(1)}, ${e.v(2)}, ${flags(e)}, ${rest})`);
}

/** neg / abs: num `negF16Bits` … (a NaN gives the canonical 0x7FFF, as on the H100). */
function signOp(e: Emit, op: 'neg' | 'abs'): string {
  const fn = `${op}${suffix(e)}Bits`;
  return e.set(0, isBf(e) ? `${e.h(fn)}(${e.v(1)})` : `${e.h(fn)}(${e.v(1)}, ${flags(e)})`);
}

/** The half-precision forms of the arithmetic opcodes (consulted for `.f16`, `.bf16` and packed types). */
export const HALF: ReadonlyMap<string, Semantics> = new Map<string, Semantics>([
  ['add', lane((e) => arith(e, 'add'))],
  ['sub', lane((e) => arith(e, 'sub'))],
  ['mul', lane((e) => arith(e, 'mul'))],
  ['fma', lane(fma)],
  ['min', lane((e) => minMax(e, false))],
  ['max', lane((e) => minMax(e, true))],
  ['neg', lane((e) => signOp(e, 'neg'))],
  ['abs', lane((e) => signOp(e, 'abs'))],
]);
