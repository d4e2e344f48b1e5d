/**
 * Logic and shift instructions (PTX ISA §9.7.8): and, or, xor, not, cnot, lop3, shl, shr, shf,
 * prmt. Shift counts at or above the width clamp as PTX says (num int32.ts / int64.ts); a shift by
 * an immediate below the width is the plain JS operator.
 * @module
 */
import type { Emit } from '../codegen/emit.js';
import { unsupported } from '../errors.js';
import { bool, lane, numeric, pairResult, tinfo, type0 } from './common.js';
import type { Semantics } from './types.js';

/** and / or / xor on predicates, 16-, 32- and 64-bit values. */
function logic(e: Emit, op: '&' | '|' | '^'): string {
  const t = type0(e);
  if (t === 'pred') return e.set(0, `${e.v(1)} ${op} ${e.v(2)}`);
  const { bits } = tinfo(t);
  if (bits <= 32) return e.set(0, `${e.v(1)} ${op} ${e.v(2)}`);
  const [alo, ahi] = e.p(1);
  const [blo, bhi] = e.p(2);
  return e.setPair(0, `(${alo} ${op} ${blo})`, `(${ahi} ${op} ${bhi})`);
}

/** not (bitwise complement; logical for predicates) and cnot (1 for zero, else 0). */
function not(e: Emit, c: boolean): string {
  const t = type0(e);
  if (t === 'pred') return e.set(0, `${e.v(1)} ^ 1`);
  const { bits } = tinfo(t);
  if (bits <= 32) return e.set(0, c ? `${e.v(1)} === 0 ? 1 : 0` : `~${e.v(1)}`);
  const [lo, hi] = e.p(1);
  if (c) return e.setPair(0, `((${lo} | ${hi}) === 0 ? 1 : 0)`, '0');
  return e.setPair(0, `~${lo}`, `~${hi}`);
}

/** shl / shr. */
function shift(e: Emit, left: boolean): string {
  const t = type0(e);
  const { bits, signed } = tinfo(t);
  const n = e.imm(2);
  if (bits <= 32) {
    const a = e.v(1);
    if (typeof n === 'number' && n >= 0 && n < bits) {
      if (left) return e.set(0, `${a} << ${n}`);
      return e.set(0, signed ? `${a} >> ${n}` : `${a} >>> ${n}`);
    }
    const fn = left ? 'shl' : signed ? 'shrS' : 'shrU';
    return e.set(0, `${e.h(fn)}(${a}, ${e.v(2)}, ${bits})`);
  }
  if (bits === 64) {
    if (left && typeof n === 'number' && n >= 0 && n < 53 && numeric(e, 0, 1)) return e.setNum(0, `${e.v(1)} * ${2 ** n}`);
    const [lo, hi] = e.p(1);
    const fn = left ? 'shl64' : signed ? 'shrS64' : 'shrU64';
    return pairResult(e, 0, `${e.h(fn)}(${lo}, ${hi}, ${e.v(2)})`);
  }
  return unsupported(e.ins);
}

const PRMT_MODES: Readonly<Record<string, number>> = { f4e: 1, b4e: 2, rc8: 3, ecl: 4, ecr: 5, rc16: 6 };

/** The bitwise opcodes. */
export const BITWISE: ReadonlyMap<string, Semantics> = new Map<string, Semantics>([
  ['and', lane((e) => logic(e, '&'))],
  ['or', lane((e) => logic(e, '|'))],
  ['xor', lane((e) => logic(e, '^'))],
  ['not', lane((e) => not(e, false))],
  ['cnot', lane((e) => not(e, true))],
  ['lop3', lane((e) => e.set(0, `${e.h('lop3')}(${e.v(1)}, ${e.v(2)}, ${e.v(3)}, ${e.v(4)})`))],
  ['shl', lane((e) => shift(e, true))],
  ['shr', lane((e) => shift(e, false))],
  ['shf', lane((e) => e.set(0, `${e.h(e.mods.dir === 'l' ? 'shfL' : 'shfR')}(${e.v(1)}, ${e.v(2)}, ${e.v(3)}, ${bool(e.mods.clamp === 'wrap')})`))],
  ['prmt', lane((e) => e.set(0, `${e.h('prmt')}(${e.v(1)}, ${e.v(2)}, ${e.v(3)}, ${e.mods.prmt === null ? 0 : PRMT_MODES[e.mods.prmt]})`))],
]);
