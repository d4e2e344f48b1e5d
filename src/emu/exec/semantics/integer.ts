/**
 * Integer arithmetic (PTX ISA §9.7.1–9.7.2): add, sub, mul, mad, mul24, mad24, sad, div, rem,
 * abs, neg, min, max, popc, clz, brev, bfind, bfe, bfi, fns, bmsk, szext, dp4a, dp2a and the
 * carry chains (`.cc`, addc, subc, madc). Numerics come from `src/emu/num` (int32.ts, int64.ts);
 * the plain JS operation is used where it is exact (additions of 32-bit values, `Math.imul`).
 *
 * 64-bit operands take the address fast path (plain number arithmetic) when the destination and
 * every source are numbers (address-like registers, immediates), else the exact word-pair path.
 * @module
 */
import type { Emit } from '../codegen/emit.js';
import { unsupported } from '../errors.js';
import { bool, lane, numeric, pairCall, pairResult, tinfo, type0 } from './common.js';
import type { Semantics } from './types.js';

/** add / sub (integer types, including `.sat`, `.cc` and the packed `.u16x2`/`.s16x2`). */
function addSub(e: Emit, sub: boolean): string {
  const t = type0(e);
  const { bits, signed, lanes } = tinfo(t);
  const op = sub ? '-' : '+';
  if (lanes === 2) return packed16(e, sub ? 'sub' : 'add', signed);
  if (e.mods.cc) return carryOp(e, sub ? 'sub' : 'add', false);
  if (e.mods.sat) {
    if (t !== 's32') return unsupported(e.ins);
    return e.set(0, `${e.h(sub ? 'subSatS32' : 'addSatS32')}(${e.v(1)}, ${e.v(2)})`);
  }
  if (bits <= 32) return e.set(0, `${e.v(1)} ${op} ${e.v(2)}`);
  if (numeric(e, 0, 1, 2)) return e.setNum(0, `${e.v(1)} ${op} ${e.v(2)}`);
  return pairResult(e, 0, pairCall(e, sub ? 'sub64' : 'add64', 1, 2));
}

/** Packed 16-bit integer add/sub/min/max (`.u16x2`, `.s16x2`). */
function packed16(e: Emit, op: 'add' | 'sub' | 'min' | 'max', signed: boolean): string {
  if (op === 'min' || op === 'max') {
    return e.set(0, `${e.h('minMax16x2')}(${e.v(1)}, ${e.v(2)}, ${bool(signed)}, ${bool(op === 'max')}, ${bool(e.mods.relu)})`);
  }
  const a = e.t(), b = e.t();
  const o = op === 'add' ? '+' : '-';
  return `{ const ${a} = ${e.v(1)}, ${b} = ${e.v(2)}; ${e.set(0, `((((${a} >>> 16) ${o} (${b} >>> 16)) << 16) | (((${a} & 65535) ${o} (${b} & 65535)) & 65535)) >>> 0`)} }`;
}

/** add.cc / sub.cc / addc / subc: the carry flag is per lane in `CC` (see num int32.ts on CC.CF). */
function carryOp(e: Emit, op: 'add' | 'sub', useCarry: boolean): string {
  const t = type0(e);
  const { bits } = tinfo(t);
  const cc = e.u('CC');
  const cin = useCarry ? `${cc}[l]` : op === 'add' ? '0' : '1';
  const setFlag = e.mods.cc;
  if (bits === 32) {
    const a = e.t(), b = e.t(), c = e.t();
    const fn = op === 'add' ? 'addc32' : 'subc32';
    const flag = op === 'add' ? 'addcCarry32' : 'subcCarry32';
    return `{ const ${a} = ${e.v(1)}, ${b} = ${e.v(2)}, ${c} = ${cin}; ${e.set(0, `${e.h(fn)}(${a}, ${b}, ${c})`)}` +
      (setFlag ? ` ${cc}[l] = ${e.h(flag)}(${a}, ${b}, ${c});` : '') + ' }';
  }
  if (bits === 64) {
    const a = e.t(), b = e.t(), c = e.t();
    const [alo, ahi] = e.p(1);
    const [blo, bhi] = e.p(2);
    const big = e.h('pairToBigInt');
    const fn = op === 'add' ? 'addc64Big' : 'subc64Big';
    const flag = op === 'add' ? 'addcCarry64Big' : 'subcCarry64Big';
    return `{ const ${a} = ${big}(${alo}, ${ahi}), ${b} = ${big}(${blo}, ${bhi}), ${c} = ${cin}; ` +
      `${pairResult(e, 0, `${e.h('bigIntToPair')}(${e.h(fn)}(${a}, ${b}, ${c}))`)}` +
      (setFlag ? ` ${cc}[l] = ${e.h(flag)}(${a}, ${b}, ${c});` : '') + ' }';
  }
  return unsupported(e.ins);
}

/** mul (lo/hi/wide) for integer types. */
function mul(e: Emit): string {
  const t = type0(e);
  const { bits, signed } = tinfo(t);
  const mode = e.mods.mode ?? 'lo';
  if (bits === 16) {
    if (mode === 'lo') return e.set(0, `Math.imul(${e.v(1)}, ${e.v(2)})`);
    if (mode === 'hi') return e.set(0, `${e.h('mulHi16')}(${e.v(1)}, ${e.v(2)}, ${bool(signed)})`);
    return e.set(0, `${e.h('mulWide16')}(${e.v(1)}, ${e.v(2)}, ${bool(signed)})`);
  }
  if (bits === 32) {
    if (mode === 'lo') return e.set(0, `Math.imul(${e.v(1)}, ${e.v(2)})`);
    if (mode === 'hi') return e.set(0, `${e.h(signed ? 'mulHiS32' : 'mulHiU32')}(${e.v(1)}, ${e.v(2)})`);
    if (e.isNumDst(0)) return e.setNum(0, `${e.v(1)} * ${e.v(2)}`);
    return pairResult(e, 0, `${e.h(signed ? 'mulWideS32' : 'mulWideU32')}(${e.v(1)}, ${e.v(2)})`);
  }
  if (bits === 64) {
    if (mode === 'lo') {
      if (numeric(e, 0, 1, 2)) return e.setNum(0, `${e.v(1)} * ${e.v(2)}`);
      return pairResult(e, 0, pairCall(e, 'mulLo64', 1, 2));
    }
    if (mode === 'hi') return pairResult(e, 0, pairCall(e, signed ? 'mulHiS64' : 'mulHiU64', 1, 2));
  }
  return unsupported(e.ins);
}

/** mad (lo/hi/wide, `.sat` for mad.hi.s32, `.cc`) and madc for integer types. */
function mad(e: Emit, madc: boolean): string {
  const t = type0(e);
  const { bits, signed } = tinfo(t);
  const mode = e.mods.mode ?? 'lo';
  if (e.mods.cc || madc) {
    if (bits !== 32 || mode === 'wide') return unsupported(e.ins);
    const cc = e.u('CC');
    const a = e.t(), b = e.t(), c = e.t(), ci = e.t();
    const cin = madc ? `${cc}[l]` : '0';
    const [fn, flag, extra] = mode === 'lo' ? ['madcLo32', 'madcLoCarry32', ''] : ['madcHi32', 'madcHiCarry32', `, ${bool(signed)}`];
    return `{ const ${a} = ${e.v(1)}, ${b} = ${e.v(2)}, ${c} = ${e.v(3)}, ${ci} = ${cin}; ${e.set(0, `${e.h(fn)}(${a}, ${b}, ${c}, ${ci}${extra})`)}` +
      (e.mods.cc ? ` ${cc}[l] = ${e.h(flag)}(${a}, ${b}, ${c}, ${ci}${extra});` : '') + ' }';
  }
  if (bits === 16) {
    if (mode === 'lo') return e.set(0, `Math.imul(${e.v(1)}, ${e.v(2)}) + ${e.v(3)}`);
    if (mode === 'hi') return e.set(0, `${e.h('mulHi16')}(${e.v(1)}, ${e.v(2)}, ${bool(signed)}) + ${e.v(3)}`);
    return e.set(0, `${e.h('madWide16')}(${e.v(1)}, ${e.v(2)}, ${e.v(3)}, ${bool(signed)})`);
  }
  if (bits === 32) {
    if (mode === 'lo') return e.set(0, `Math.imul(${e.v(1)}, ${e.v(2)}) + ${e.v(3)}`);
    if (mode === 'hi') {
      if (e.mods.sat) return e.set(0, `${e.h('madHiSatS32')}(${e.v(1)}, ${e.v(2)}, ${e.v(3)})`);
      return e.set(0, `${e.h(signed ? 'madHiS32' : 'madHiU32')}(${e.v(1)}, ${e.v(2)}, ${e.v(3)})`);
    }
    // mad.wide: 32×32 → 64, plus a 64-bit addend.
    if (numeric(e, 0, 3)) return e.setNum(0, `${e.v(1)} * ${e.v(2)} + ${e.v(3)}`);
    const i64 = e.h('I64');
    const [clo, chi] = e.p(3);
    const p0 = e.t(), p1 = e.t();
    return `{ ${e.h(signed ? 'mulWideS32' : 'mulWideU32')}(${e.v(1)}, ${e.v(2)}); const ${p0} = ${i64}[0], ${p1} = ${i64}[1]; ` +
      `${pairResult(e, 0, `${e.h('add64')}(${p0}, ${p1}, ${clo}, ${chi})`)} }`;
  }
  if (bits === 64 && mode !== 'wide') {
    if (mode === 'lo' && numeric(e, 0, 1, 2, 3)) return e.setNum(0, `${e.v(1)} * ${e.v(2)} + ${e.v(3)}`);
    const i64 = e.h('I64');
    const [clo, chi] = e.p(3);
    const p0 = e.t(), p1 = e.t();
    const fn = mode === 'lo' ? 'mulLo64' : signed ? 'mulHiS64' : 'mulHiU64';
    return `{ ${pairCall(e, fn, 1, 2)}; const ${p0} = ${i64}[0], ${p1} = ${i64}[1]; ${pairResult(e, 0, `${e.h('add64')}(${p0}, ${p1}, ${clo}, ${chi})`)} }`;
  }
  return unsupported(e.ins);
}

/** div / rem. */
function divRem(e: Emit, rem: boolean): string {
  const t = type0(e);
  const { bits, signed } = tinfo(t);
  if (bits === 16) return e.set(0, `${e.h(rem ? 'rem16' : 'div16')}(${e.v(1)}, ${e.v(2)}, ${bool(signed)})`);
  if (bits === 32) {
    const fn = rem ? (signed ? 'remS32' : 'remU32') : signed ? 'divS32' : 'divU32';
    return e.set(0, `${e.h(fn)}(${e.v(1)}, ${e.v(2)})`);
  }
  if (bits === 64) return pairResult(e, 0, pairCall(e, 'divRem64', 1, 2, bool(signed), bool(rem)));
  return unsupported(e.ins);
}

/** abs / neg on integers. */
function absNeg(e: Emit, neg: boolean): string {
  const t = type0(e);
  const { bits } = tinfo(t);
  if (bits <= 32) return e.set(0, neg ? `-${e.v(1)}` : `Math.abs(${e.v(1)})`);
  if (neg && numeric(e, 0, 1)) return e.setNum(0, `-${e.v(1)}`);
  const [lo, hi] = e.p(1);
  return pairResult(e, 0, `${e.h(neg ? 'neg64' : 'abs64')}(${lo}, ${hi})`);
}

/** min / max on integers (with `.relu` for s32 and the three-input form). */
function minMax(e: Emit, max: boolean): string {
  const t = type0(e);
  const { bits, signed, lanes } = tinfo(t);
  if (lanes === 2) return packed16(e, max ? 'max' : 'min', signed);
  const three = e.has(3);
  if (bits <= 32) {
    const fn = e.mods.relu ? (max ? 'maxReluS32' : 'minReluS32') : bits === 32 ? `${max ? 'max' : 'min'}${signed ? 'S' : 'U'}32` : null;
    if (e.mods.relu && t !== 's32') return unsupported(e.ins);
    const pick = (a: string, b: string): string => (fn === null ? `(${a} ${max ? '>' : '<'} ${b} ? ${a} : ${b})` : `${e.h(fn)}(${a}, ${b})`);
    if (!three) return e.set(0, pick(e.v(1), e.v(2)));
    const m = e.t();
    return `{ const ${m} = ${pick(e.v(1), e.v(2))}; ${e.set(0, pick(m, e.v(3)))} }`;
  }
  if (bits === 64 && !three && !e.mods.relu) {
    if (signed && numeric(e, 0, 1, 2)) return e.setNum(0, `Math.${max ? 'max' : 'min'}(${e.v(1)}, ${e.v(2)})`);
    return pairResult(e, 0, pairCall(e, 'minMax64', 1, 2, bool(signed), bool(max)));
  }
  return unsupported(e.ins);
}

/** popc / clz / brev / bfind. */
function bitCount(e: Emit, op: 'popc' | 'clz' | 'brev' | 'bfind'): string {
  const t = type0(e);
  const { bits, signed } = tinfo(t);
  if (bits === 32) {
    if (op === 'bfind') return e.set(0, `${e.h('bfind32')}(${e.v(1)}, ${bool(signed)}, ${bool(e.mods.shiftamt)})`);
    return e.set(0, `${e.h(`${op}32`)}(${e.v(1)})`);
  }
  if (bits === 64) {
    const [lo, hi] = e.p(1);
    if (op === 'brev') return pairResult(e, 0, `${e.h('brev64')}(${lo}, ${hi})`);
    if (op === 'bfind') return e.set(0, `${e.h('bfind64')}(${lo}, ${hi}, ${bool(signed)}, ${bool(e.mods.shiftamt)})`);
    return e.set(0, `${e.h(`${op}64`)}(${lo}, ${hi})`);
  }
  return unsupported(e.ins);
}

/** bfe / bfi. */
function bitField(e: Emit, insert: boolean): string {
  const t = type0(e);
  const { bits, signed } = tinfo(t);
  if (bits === 32) {
    if (insert) return e.set(0, `${e.h('bfi32')}(${e.v(1)}, ${e.v(2)}, ${e.v(3)}, ${e.v(4)})`);
    return e.set(0, `${e.h('bfe32')}(${e.v(1)}, ${e.v(2)}, ${e.v(3)}, ${bool(signed)})`);
  }
  if (bits === 64) {
    const big = e.h('pairToBigInt');
    const [alo, ahi] = e.p(1);
    if (insert) {
      const [blo, bhi] = e.p(2);
      return pairResult(e, 0, `${e.h('bigIntToPair')}(${e.h('bfi64Big')}(${big}(${alo}, ${ahi}), ${big}(${blo}, ${bhi}), ${e.v(3)}, ${e.v(4)}))`);
    }
    return pairResult(e, 0, `${e.h('bigIntToPair')}(${e.h('bfe64Big')}(${big}(${alo}, ${ahi}), ${e.v(2)}, ${e.v(3)}, ${bool(signed)}))`);
  }
  return unsupported(e.ins);
}

/** sad: c + |a − b|. */
function sad(e: Emit): string {
  const t = type0(e);
  const { bits, signed } = tinfo(t);
  if (bits === 16) return e.set(0, `${e.h('sad16')}(${e.v(1)}, ${e.v(2)}, ${e.v(3)}, ${bool(signed)})`);
  if (bits === 32) return e.set(0, `${e.h('sad32')}(${e.v(1)}, ${e.v(2)}, ${e.v(3)}, ${bool(signed)})`);
  const big = e.h('pairToBigInt');
  const [alo, ahi] = e.p(1), [blo, bhi] = e.p(2), [clo, chi] = e.p(3);
  return pairResult(e, 0, `${e.h('bigIntToPair')}(${e.h('sad64Big')}(${big}(${alo}, ${ahi}), ${big}(${blo}, ${bhi}), ${big}(${clo}, ${chi}), ${bool(signed)}))`);
}

/** mul24 / mad24. */
function mul24(e: Emit, mad: boolean): string {
  const t = type0(e);
  const { signed } = tinfo(t);
  const hi = e.mods.mode === 'hi';
  if (!mad) return e.set(0, `${e.h(hi ? 'mul24Hi' : 'mul24Lo')}(${e.v(1)}, ${e.v(2)}, ${bool(signed)})`);
  if (hi) return e.set(0, `${e.h('mad24Hi')}(${e.v(1)}, ${e.v(2)}, ${e.v(3)}, ${bool(signed)}, ${bool(e.mods.sat)})`);
  return e.set(0, `${e.h('mad24Lo')}(${e.v(1)}, ${e.v(2)}, ${e.v(3)}, ${bool(signed)})`);
}

/** dp4a / dp2a. */
function dot(e: Emit, two: boolean): string {
  const [ta, tb] = e.d.types;
  const as = tinfo(ta!).signed, bs = tinfo(tb!).signed;
  if (!two) return e.set(0, `${e.h('dp4a')}(${e.v(1)}, ${e.v(2)}, ${e.v(3)}, ${bool(as)}, ${bool(bs)})`);
  return e.set(0, `${e.h('dp2a')}(${e.v(1)}, ${e.v(2)}, ${e.v(3)}, ${bool(as)}, ${bool(bs)}, ${bool(e.mods.mode === 'hi')})`);
}

/** The integer opcodes (float types are routed to float.ts / half.ts before these are consulted). */
export const INTEGER: ReadonlyMap<string, Semantics> = new Map<string, Semantics>([
  ['add', lane((e) => addSub(e, false))],
  ['sub', lane((e) => addSub(e, true))],
  ['addc', lane((e) => carryOp(e, 'add', true))],
  ['subc', lane((e) => carryOp(e, 'sub', true))],
  ['mul', lane(mul)],
  ['mad', lane((e) => mad(e, false))],
  ['madc', lane((e) => mad(e, true))],
  ['mul24', lane((e) => mul24(e, false))],
  ['mad24', lane((e) => mul24(e, true))],
  ['sad', lane(sad)],
  ['div', lane((e) => divRem(e, false))],
  ['rem', lane((e) => divRem(e, true))],
  ['abs', lane((e) => absNeg(e, false))],
  ['neg', lane((e) => absNeg(e, true))],
  ['min', lane((e) => minMax(e, false))],
  ['max', lane((e) => minMax(e, true))],
  ['popc', lane((e) => bitCount(e, 'popc'))],
  ['clz', lane((e) => bitCount(e, 'clz'))],
  ['brev', lane((e) => bitCount(e, 'brev'))],
  ['bfind', lane((e) => bitCount(e, 'bfind'))],
  ['bfe', lane((e) => bitField(e, false))],
  ['bfi', lane((e) => bitField(e, true))],
  ['fns', lane((e) => e.set(0, `${e.h('fns')}(${e.v(1)}, ${e.v(2)}, ${e.v(3)})`))],
  ['bmsk', lane((e) => e.set(0, `${e.h('bmsk')}(${e.v(1)}, ${e.v(2)}, ${bool(e.mods.clamp === 'wrap')})`))],
  ['szext', lane((e) => e.set(0, `${e.h('szext')}(${e.v(1)}, ${e.v(2)}, ${bool(e.mods.clamp === 'wrap')}, ${bool(tinfo(type0(e)).signed)})`))],
  ['dp4a', lane((e) => dot(e, false))],
  ['dp2a', lane((e) => dot(e, true))],
]);
