/**
 * Comparison and selection (PTX ISA §9.7.7 and the half-precision forms of §9.7.4): setp, set,
 * selp, slct. Ordered float comparisons are false when an operand is NaN; the `u` forms are
 * true then; `num`/`nan` test for NaN. For `.f16x2`/`.bf16x2`, `setp` writes the lower halves'
 * result to `p` and the upper halves' to `q`.
 * @module
 */
import type { Emit } from '../codegen/emit.js';
import { unsupported } from '../errors.js';
import type { CmpOp } from '../../ptx/modifiers.js';
import type { PtxType } from '../../ptx/types.js';
import { lane, tinfo, type0 } from './common.js';
import type { Semantics } from './types.js';

/** A boolean expression comparing the numbers held in temporaries `a` and `b` as floats. */
function floatCmp(cmp: CmpOp, a: string, b: string): string {
  switch (cmp) {
    case 'eq': return `${a} === ${b}`;
    case 'ne': return `(${a} !== ${b} && ${a} === ${a} && ${b} === ${b})`;
    case 'lt': return `${a} < ${b}`;
    case 'le': return `${a} <= ${b}`;
    case 'gt': return `${a} > ${b}`;
    case 'ge': return `${a} >= ${b}`;
    case 'equ': return `!(${a} < ${b} || ${a} > ${b})`;
    case 'neu': return `${a} !== ${b}`;
    case 'ltu': return `!(${a} >= ${b})`;
    case 'leu': return `!(${a} > ${b})`;
    case 'gtu': return `!(${a} <= ${b})`;
    case 'geu': return `!(${a} < ${b})`;
    case 'num': return `(${a} === ${a} && ${b} === ${b})`;
    case 'nan': return `(${a} !== ${a} || ${b} !== ${b})`;
    default: return '';
  }
}

/** JS relational operator of an integer comparison (unsigned forms map to their signed spelling). */
function intOp(cmp: CmpOp): string {
  switch (cmp) {
    case 'eq': return '===';
    case 'ne': return '!==';
    case 'lt': case 'lo': return '<';
    case 'le': case 'ls': return '<=';
    case 'gt': case 'hi': return '>';
    case 'ge': case 'hs': return '>=';
    default: return '';
  }
}

const UNSIGNED_OF: Readonly<Record<number, PtxType>> = { 8: 'u8', 16: 'u16', 32: 'u32', 64: 'u64' };

/**
 * Declares temporaries and returns `[declarations, boolean expressions]` for the comparison of
 * operands 1 and 2 of `e` (one expression, or two for packed half types).
 */
function compare(e: Emit, t: PtxType): [string, string[]] {
  const cmp = e.mods.cmp!;
  const { bits, signed, float, lanes } = tinfo(t);
  const a = e.t(), b = e.t();
  if (t === 'f32' || t === 'f64') {
    const ftz = e.mods.ftz && t === 'f32';
    const rd = (k: number): string => (ftz ? `${e.h('ftzF32')}(${e.v(k, t)})` : e.v(k, t));
    const c = floatCmp(cmp, a, b);
    if (c === '') return unsupported(e.ins);
    return [`const ${a} = ${rd(1)}, ${b} = ${rd(2)};`, [c]];
  }
  if (float) {
    // f16, bf16 and their packed pairs: decoded exactly to numbers.
    const bf = t.startsWith('bf');
    const dec = (h: string): string => (bf ? `${e.h('bf16ToNumber')}(${h})` : `${e.h('f16ToNumber')}(${e.mods.ftz ? `${e.h('ftzF16')}(${h})` : h})`);
    if (lanes === 1) {
      const c = floatCmp(cmp, a, b);
      if (c === '') return unsupported(e.ins);
      return [`const ${a} = ${dec(e.v(1))}, ${b} = ${dec(e.v(2))};`, [c]];
    }
    const a1 = e.t(), b1 = e.t(), x = e.t(), y = e.t();
    const lo = floatCmp(cmp, a, b), hi = floatCmp(cmp, a1, b1);
    if (lo === '') return unsupported(e.ins);
    return [`const ${x} = ${e.v(1)}, ${y} = ${e.v(2)}; const ${a} = ${dec(`(${x} & 65535)`)}, ${b} = ${dec(`(${y} & 65535)`)}, ` +
      `${a1} = ${dec(`(${x} >>> 16)`)}, ${b1} = ${dec(`(${y} >>> 16)`)};`, [lo, hi]];
  }
  const op = intOp(cmp);
  if (op === '') return unsupported(e.ins);
  const unsigned = !signed || cmp === 'lo' || cmp === 'ls' || cmp === 'hi' || cmp === 'hs';
  if (bits <= 32) {
    const rt = unsigned ? UNSIGNED_OF[bits]! : t;
    return [`const ${a} = ${e.v(1, rt)}, ${b} = ${e.v(2, rt)};`, [`${a} ${op} ${b}`]];
  }
  if (!unsigned && e.isNum(1) && e.isNum(2)) return [`const ${a} = ${e.v(1)}, ${b} = ${e.v(2)};`, [`${a} ${op} ${b}`]];
  const [alo, ahi] = e.p(1);
  const [blo, bhi] = e.p(2);
  return [`const ${a} = ${e.h(unsigned ? 'cmpU64' : 'cmpS64')}(${alo}, ${ahi}, ${blo}, ${bhi});`, [`${a} ${op} 0`]];
}

/** Combines a comparison result with the optional predicate operand 3 (`.and`/`.or`/`.xor`). */
function combine(e: Emit, r: string, c: string): string {
  switch (e.mods.boolOp) {
    case null: return r;
    case 'and': return `(${r}) && ${c}`;
    case 'or': return `(${r}) || ${c}`;
    case 'xor': return `(${r}) !== ${c}`;
  }
}

/** setp.cmp{.bool}.type p[|q], a, b{, c}. */
function setp(e: Emit): string {
  const t = type0(e);
  const [decl, results] = compare(e, t);
  const c = e.t(), r = e.t();
  const cdecl = e.mods.boolOp === null ? '' : `const ${c} = ${e.v(3)} !== 0;`;
  if (results.length === 2) {
    const lo = e.t(), hi = e.t();
    return `{ ${decl} ${cdecl} const ${lo} = ${results[0]}, ${hi} = ${results[1]}; ` +
      `${e.set(0, combine(e, lo, c), 'pred')} ${e.set2(0, combine(e, hi, c))} }`;
  }
  return `{ ${decl} ${cdecl} const ${r} = ${results[0]}; ${e.set(0, combine(e, r, c), 'pred')} ${e.set2(0, combine(e, `!${r}`, c))} }`;
}

/** The value `set` writes for true in a destination of type `t`. */
function trueValue(t: PtxType): string {
  switch (t) {
    case 'f32': return '1';
    case 'f16': return '15360';
    case 'bf16': return '16256';
    default: return '-1';
  }
}

/** set.cmp{.bool}.dtype.stype d, a, b{, c}. */
function set(e: Emit): string {
  const [dt, st] = e.d.types as [PtxType, PtxType];
  const [decl, results] = compare(e, st);
  const c = e.t();
  const cdecl = e.mods.boolOp === null ? '' : `const ${c} = ${e.v(3)} !== 0;`;
  if (results.length === 2) {
    if (dt !== 'f16x2' && dt !== 'bf16x2' && dt !== 'u32' && dt !== 's32') return unsupported(e.ins);
    const one = dt === 'f16x2' ? 15360 : dt === 'bf16x2' ? 16256 : 65535;
    return `{ ${decl} ${cdecl} ${e.set(0, `((${combine(e, results[0]!, c)}) ? ${one} : 0) | ((${combine(e, results[1]!, c)}) ? ${one << 16} : 0)`)} }`;
  }
  return `{ ${decl} ${cdecl} ${e.set(0, `(${combine(e, results[0]!, c)}) ? ${trueValue(dt)} : 0`)} }`;
}

/** A statement copying source `a` or `b` (bit-exact) to the destination according to the boolean temp `s`. */
function choose(e: Emit, t: PtxType, s: string, a: number, b: number): string {
  const { bits } = tinfo(t);
  if (bits === 64) {
    if (e.isNumDst(0) && e.isNum(a) && e.isNum(b)) return e.setNum(0, `${s} ? ${e.v(a)} : ${e.v(b)}`);
    const [alo, ahi] = e.p(a);
    const [blo, bhi] = e.p(b);
    return e.setPair(0, `(${s} ? ${alo} : ${blo})`, `(${s} ? ${ahi} : ${bhi})`);
  }
  if (bits === 32) return e.setBits32(0, `${s} ? ${e.bits32(a)} : ${e.bits32(b)}`);
  return e.set(0, `${s} ? ${e.v(a)} : ${e.v(b)}`);
}

/** selp.type d, a, b, c: c ? a : b. */
function selp(e: Emit): string {
  const s = e.t();
  return `{ const ${s} = ${e.v(3)} !== 0; ${choose(e, type0(e), s, 1, 2)} }`;
}

/** slct.dtype.ctype d, a, b, c: c ≥ 0 ? a : b. */
function slct(e: Emit): string {
  const [dt, ct] = e.d.types as [PtxType, PtxType];
  const s = e.t();
  let c = e.v(3, ct);
  if (ct === 'f32' && e.mods.ftz) c = `${e.h('ftzF32')}(${c})`;
  return `{ const ${s} = ${c} >= 0; ${choose(e, dt, s, 1, 2)} }`;
}

/** The comparison and selection opcodes. */
export const COMPARE: ReadonlyMap<string, Semantics> = new Map<string, Semantics>([
  ['setp', lane(setp)],
  ['set', lane(set)],
  ['selp', lane(selp)],
  ['slct', lane(slct)],
]);
