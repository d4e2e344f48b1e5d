/**
 * Small building blocks shared by the semantic templates.
 * @module
 */
import type { Emit } from '../codegen/emit.js';
import { unsupported } from '../errors.js';
import type { PtxType } from '../../ptx/types.js';
import { typeInfo } from '../../ptx/types.js';
import type { LaneTemplate, Semantics } from './types.js';

/** A per-lane semantics. */
export function lane(emit: LaneTemplate): Semantics {
  return { kind: 'lane', emit };
}

/** The numeric rounding code (num/round.ts: RN 0, RZ 1, RM 2, RP 3) of the instruction's rounding modifier, `dflt` when absent. */
export function roundingCode(e: Emit, dflt = 0): number {
  switch (e.mods.rounding) {
    case null: return dflt;
    case 'rn': case 'rni': return 0;
    case 'rz': case 'rzi': return 1;
    case 'rm': case 'rmi': return 2;
    case 'rp': case 'rpi': return 3;
    default: return unsupported(e.ins, `rounding modifier .${e.mods.rounding} of '${e.d.name}'`);
  }
}

/** Width, signedness and kind of a type. */
export function tinfo(t: PtxType): { readonly bits: number; readonly signed: boolean; readonly float: boolean; readonly lanes: number } {
  const i = typeInfo(t);
  return { bits: i.bits, signed: i.kind === 'signed', float: i.kind === 'float', lanes: i.lanes };
}

/** The instruction's first type suffix (every opcode that reaches a template has one). */
export function type0(e: Emit): PtxType {
  const t = e.d.type;
  if (t === null) return unsupported(e.ins, `'${e.d.name}' without a type`);
  return t;
}

/** `d = a OP b` style write of a pair-form 64-bit helper result (num int64 functions write `I64`). */
export function pairResult(e: Emit, k: number, call: string): string {
  const i64 = e.h('I64');
  return `${call}; ${e.setPair(k, `${i64}[0]`, `${i64}[1]`)}`;
}

/** The helper call `name(alo, ahi, blo, bhi, …rest)` on two 64-bit operands. */
export function pairCall(e: Emit, name: string, a: number, b: number, ...rest: string[]): string {
  const [alo, ahi] = e.p(a);
  const [blo, bhi] = e.p(b);
  return `${e.h(name)}(${[alo, ahi, blo, bhi, ...rest].join(', ')})`;
}

/** True when every listed 64-bit operand and the destination are numbers (the address fast path applies). */
export function numeric(e: Emit, dst: number, ...srcs: number[]): boolean {
  return e.isNumDst(dst) && srcs.every((k) => e.isNum(k));
}

/** A JS boolean literal. */
export function bool(b: boolean): string {
  return b ? 'true' : 'false';
}
