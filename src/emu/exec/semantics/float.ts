/**
 * Single- and double-precision instructions (PTX ISA §9.7.3): add, sub, mul, fma/mad, div, abs,
 * neg, min, max, copysign, rcp, sqrt, rsqrt, ex2, lg2, sin, cos, tanh, testp. Every non-trivial
 * result comes from `src/emu/num`; the plain JS operation is used only where num documents it as
 * the correctly rounded result (`Math.fround(a ∘ b)` for `.rn` f32 add/sub/mul/div/sqrt, native
 * f64 arithmetic for `.rn`).
 *
 * `fma.rn.f32` has an inline fast path: with `s = a·b + c` in binary64 (the product is exact,
 * the sum rounded once), `Math.fround(s)` is the correctly rounded binary32 result unless `s` is
 * exactly a binary32 midpoint (if a midpoint m lay strictly between the exact sum x and s, m — a
 * double — would be nearer to x than s is). A midpoint is detected as `g = r + 2(s − r)` being a
 * binary32 value other than `r = fround(s)` (false positives only at binade edges); those cases,
 * infinities and NaN take num's `fmaF32`. The unit tests compare both on random and edge inputs.
 * `fma.rn.f64` inlines num `fmaRnF64`'s common path in the same way ({@link fmaRnF64Inline}).
 *
 * `.ftz` flushes subnormal inputs and results (num `ftzF32`); `.sat` clamps results (num `satF32`).
 * `copysign` is a sign-bit operation on the bit patterns (NaN payloads kept). A NaN `.f64` result
 * is the one the H100 returns — an operand's NaN, quieted, or the default NaN — built from the
 * operands' bits (num nan.ts through runtime/nan64.ts), with the operands of commutative
 * instructions in the order ptxas gives them (operand-order.ts).
 * @module
 */
import type { Emit } from '../codegen/emit.js';
import { unsupported } from '../errors.js';
import { ptxasSwapsOperands } from '../operand-order.js';
import { bool, lane, roundingCode, type0 } from './common.js';
import type { Semantics } from './types.js';

/** Operand `k` as an f32 value, flushed when the instruction has `.ftz`. */
function in32(e: Emit, k: number): string {
  const v = e.v(k, 'f32');
  return e.mods.ftz ? `${e.h('ftzF32')}(${v})` : v;
}

/** An f32 result expression with `.ftz` and `.sat` applied. */
function out32(e: Emit, expr: string): string {
  let r = expr;
  if (e.mods.ftz) r = `${e.h('ftzF32')}(${r})`;
  if (e.mods.sat) r = `${e.h('satF32')}(${r})`;
  return r;
}

/**
 * An `.f64` result: `expr` (over the temporaries the caller declared) when it is a number, else the
 * NaN the H100 returns, which depends on the operands' bits (`nan`, from runtime/nan64.ts) —
 * written bit-exactly.
 */
function out64(e: Emit, decl: string, expr: string, nan: string): string {
  const r = e.t();
  return `{ ${decl} const ${r} = ${expr}; ${e.setRawF64Operand(e.op(0), `${r} === ${r} ? ${r} : ${nan}`)} }`;
}

/** Temporaries holding operands 1 … n as f64 values: [declaration, names]. */
function operands64(e: Emit, n: number): [string, string[]] {
  const names = Array.from({ length: n }, () => e.t());
  return [`const ${names.map((t, k) => `${t} = ${e.v(k + 1, 'f64')}`).join(', ')};`, names];
}

/**
 * The operands `a`, `b` of a commutative `.f64` instruction in the order ptxas gives them in SASS
 * (operand-order.ts), which the H100's choice between two NaN operands follows.
 */
function sassOrder(e: Emit, a: string, b: string): [string, string] {
  return ptxasSwapsOperands(e.program.fn, e.ins) ? [b, a] : [a, b];
}

/** add / sub / mul for f32 and f64. */
function arith(e: Emit, op: 'add' | 'sub' | 'mul'): string {
  const t = type0(e);
  const mode = roundingCode(e);
  const sym = op === 'add' ? '+' : op === 'sub' ? '-' : '*';
  const name = `${op}${t === 'f32' ? 'F32' : 'F64'}`;
  if (t === 'f32') {
    const a = in32(e, 1), b = in32(e, 2);
    return e.set(0, out32(e, mode === 0 ? `Math.fround(${a} ${sym} ${b})` : `${e.h(name)}(${a}, ${b}, ${mode})`));
  }
  if (e.mods.sat || e.mods.ftz) return unsupported(e.ins);
  const [decl, [a, b]] = operands64(e, 2);
  // sub is a + (−b) in SASS; the negation does not change a NaN, so the rule is add's
  const [p, q] = sassOrder(e, a!, b!);
  return out64(e, decl, mode === 0 ? `${a} ${sym} ${b}` : e.call(name, a!, b!, String(mode)), `${e.h('nanAddF64')}(${p}, ${q})`);
}

/**
 * `fma.rn.f64` with num `fmaRnF64`'s common path written inline (Dekker's product error, TwoSum,
 * the sum of the errors rounded to nearest, and the tie check that makes that exact: see num
 * fma.ts), falling back to the call when a guard or the tie check fails. The same operations in
 * the same order as num's, so the results are num's bit for bit (emu-exec-ops tests compare them).
 */
function fmaRnF64Inline(e: Emit, decl: string, x: string, y: string, z: string, nan: string): string {
  const [r, uh, au, sp, xh, xl, yh, yl, ul, th, bb, tl, v, zl] = Array.from({ length: 14 }, () => e.t());
  const slow = e.call('fmaRnF64', x, y, z);
  return `{ ${decl} let ${r}; const ${uh} = ${x} * ${y}; const ${au} = Math.abs(${uh}); ` +
    `if (${au} >= ${2 ** -969} && ${au} < ${2 ** 1020} && Math.abs(${x}) < ${2 ** 995} && Math.abs(${y}) < ${2 ** 995} && Math.abs(${z}) < ${2 ** 1020}) { ` +
    `let ${sp} = 134217729 * ${x}; const ${xh} = ${sp} - (${sp} - ${x}), ${xl} = ${x} - ${xh}; ` +
    `${sp} = 134217729 * ${y}; const ${yh} = ${sp} - (${sp} - ${y}), ${yl} = ${y} - ${yh}; ` +
    `const ${ul} = ${xh} * ${yh} - ${uh} + ${xh} * ${yl} + ${xl} * ${yh} + ${xl} * ${yl}; ` +
    `const ${th} = ${z} + ${uh}; let ${bb} = ${th} - ${z}; const ${tl} = ${z} - (${th} - ${bb}) + (${uh} - ${bb}); ` +
    `const ${v} = ${tl} + ${ul}; ${r} = ${th} + ${v}; ${bb} = ${r} - ${th}; const ${zl} = ${th} - (${r} - ${bb}) + (${v} - ${bb}); ` +
    `if (!(Math.abs(${r}) >= ${2 ** -1020} && (${zl} === 0 || ${r} + 2 * ${zl} - ${r} !== 2 * ${zl}))) ${r} = ${slow}; ` +
    `} else ${r} = ${slow}; ` +
    `${e.setRawF64Operand(e.op(0), `${r} === ${r} ? ${r} : ${nan}`)} }`;
}

/** fma / mad (floating point): rounded once. */
function fma(e: Emit): string {
  const t = type0(e);
  const mode = roundingCode(e);
  if (t === 'f64') {
    const [decl, [x, y, z]] = operands64(e, 3);
    const [p, q] = sassOrder(e, x!, y!);
    const nan = `${e.h('nanFmaF64')}(${p}, ${q}, ${z})`;
    if (mode !== 0) return out64(e, decl, e.call('fmaF64', x!, y!, z!, String(mode)), nan);
    return fmaRnF64Inline(e, decl, x!, y!, z!, nan);
  }
  const a = e.t(), b = e.t(), c = e.t();
  const init = `const ${a} = ${in32(e, 1)}, ${b} = ${in32(e, 2)}, ${c} = ${in32(e, 3)};`;
  if (mode !== 0) return `{ ${init} ${e.set(0, out32(e, `${e.h('fmaF32')}(${a}, ${b}, ${c}, ${mode})`))} }`;
  const s = e.t(), r = e.t(), g = e.t();
  return `{ ${init} const ${s} = ${a} * ${b} + ${c}; let ${r} = Math.fround(${s}); const ${g} = ${r} + 2 * (${s} - ${r}); ` +
    `if ((${g} !== ${r} && Math.fround(${g}) === ${g}) || ${r} - ${r} !== 0) ${r} = ${e.h('fmaF32')}(${a}, ${b}, ${c}, 0); ` +
    `${e.set(0, out32(e, r))} }`;
}

/** div (f32: IEEE modes, `.approx`, `.full`; f64: IEEE modes). */
function div(e: Emit): string {
  const t = type0(e);
  if (t === 'f32') {
    if (e.mods.approx) return e.set(0, `${e.h('divApproxF32')}(${e.v(1)}, ${e.v(2)}, ${bool(e.mods.ftz)})`);
    if (e.mods.full) return e.set(0, `${e.h('divFullF32')}(${e.v(1)}, ${e.v(2)}, ${bool(e.mods.ftz)})`);
    const mode = roundingCode(e);
    const a = in32(e, 1), b = in32(e, 2);
    return e.set(0, out32(e, mode === 0 ? `Math.fround(${a} / ${b})` : `${e.h('divF32')}(${a}, ${b}, ${mode})`));
  }
  const mode = roundingCode(e);
  const [decl, [a, b]] = operands64(e, 2);
  return out64(e, decl, mode === 0 ? `${a} / ${b}` : e.call('divF64', a!, b!, String(mode)), `${e.h('nanDivF64')}(${a}, ${b})`);
}

/**
 * abs / neg: f32 through num `absF32`/`negF32` stored as arithmetic results (the H100 returns the
 * canonical NaN for `abs.f32`/`neg.f32` of a NaN); f64 on the words.
 */
function absNeg(e: Emit, neg: boolean): string {
  if (type0(e) === 'f32') return e.set(0, `${e.h(neg ? 'negF32' : 'absF32')}(${in32(e, 1)})`);
  // f64: on the words (num absF64HiWord/negF64HiWord): a NaN is quieted, its sign kept.
  return e.setRawF64Operand(e.op(0), `${e.h(neg ? 'negF64Value' : 'absF64Value')}(${e.v(1)})`);
}

/** min / max (with `.NaN`, `.xorsign.abs`, `.ftz`, and the three-input form). */
function minMax(e: Emit, max: boolean): string {
  const t = type0(e);
  const m = max ? 'max' : 'min';
  if (t === 'f64') {
    if (e.mods.nan || e.mods.xorsign || e.has(3)) return unsupported(e.ins);
    const [decl, [a, b]] = operands64(e, 2);
    const [p, q] = sassOrder(e, a!, b!);
    return out64(e, decl, `${e.h(`${m}F64`)}(${a}, ${b})`, `${e.h('nanAddF64')}(${p}, ${q})`);
  }
  const pick = (a: string, b: string): string => {
    if (e.mods.xorsign) return `${e.h(`${m}XorsignAbsF32`)}(${a}, ${b}, ${bool(e.mods.nan)})`;
    return `${e.h(e.mods.nan ? `${m}NaNF32` : `${m}F32`)}(${a}, ${b})`;
  };
  let r = pick(in32(e, 1), in32(e, 2));
  if (e.has(3)) r = pick(r, in32(e, 3));
  if (e.mods.relu) r = `${e.h('maxF32')}(${r}, 0)`;
  return e.set(0, r);
}

/** copysign d, a, b: b with the sign of a (bit patterns). */
function copysign(e: Emit): string {
  const t = type0(e);
  if (t === 'f32') return e.setBits32(0, `(${e.bits32(1)} & -2147483648) | (${e.bits32(2)} & 2147483647)`);
  const [, ahi] = e.p(1);
  const [blo, bhi] = e.p(2);
  return e.setPair(0, blo, `(${ahi} & -2147483648) | (${bhi} & 2147483647)`);
}

/** rcp / sqrt / rsqrt. */
function root(e: Emit, op: 'rcp' | 'sqrt' | 'rsqrt'): string {
  const t = type0(e);
  const ftz = bool(e.mods.ftz);
  if (t === 'f32') {
    if (e.mods.approx || op === 'rsqrt') {
      const fn = op === 'rcp' ? 'rcpApproxF32' : op === 'sqrt' ? 'sqrtApproxF32' : 'rsqrtApproxF32';
      return e.set(0, `${e.h(fn)}(${e.v(1)}, ${ftz})`);
    }
    const mode = roundingCode(e);
    const a = in32(e, 1);
    if (op === 'sqrt' && mode === 0) return e.set(0, out32(e, `Math.fround(Math.sqrt(${a}))`));
    return e.set(0, out32(e, `${e.h(op === 'rcp' ? 'rcpF32' : 'sqrtF32')}(${a}, ${mode})`));
  }
  if (e.mods.approx || op === 'rsqrt') {
    if (e.mods.ftz) {
      const [, hi] = e.p(1);
      return e.setPair(0, '0', `${e.h(op === 'rcp' ? 'rcpApproxFtzF64Hi' : 'rsqrtApproxFtzF64Hi')}(${hi})`);
    }
    if (op !== 'rsqrt') return unsupported(e.ins);
    const [decl, [a]] = operands64(e, 1);
    return out64(e, decl, e.call('rsqrtApproxF64', a!), `${e.h('nanOf1F64')}(${a})`);
  }
  const mode = roundingCode(e);
  const [decl, [a]] = operands64(e, 1);
  const value = op === 'sqrt' && mode === 0 ? `Math.sqrt(${a})` : e.call(op === 'rcp' ? 'rcpF64' : 'sqrtF64', a!, String(mode));
  return out64(e, decl, value, `${e.h('nanOf1F64')}(${a})`);
}

/** ex2 / lg2 / sin / cos / tanh (`.approx.f32`). */
function transcendental(e: Emit, op: 'ex2' | 'lg2' | 'sin' | 'cos' | 'tanh'): string {
  if (type0(e) !== 'f32') return unsupported(e.ins);
  if (op === 'tanh') return e.set(0, e.call('tanhApproxF32', e.v(1)));
  return e.set(0, e.call(`${op}ApproxF32`, e.v(1), bool(e.mods.ftz)));
}

/** testp.class.type p, a. */
function testp(e: Emit): string {
  const t = type0(e);
  const a = e.v(1, t === 'f64' ? 'f64' : 'f32');
  const suffix = t === 'f64' ? 'F64' : 'F32';
  switch (e.mods.testp) {
    case 'finite': return e.set(0, `${e.h('testpFinite')}(${a})`);
    case 'infinite': return e.set(0, `${e.h('testpInfinite')}(${a})`);
    case 'number': return e.set(0, `${e.h('testpNumber')}(${a})`);
    case 'notanumber': return e.set(0, `${e.h('testpNotANumber')}(${a})`);
    case 'normal': return e.set(0, `${e.h(`testpNormal${suffix}`)}(${a})`);
    case 'subnormal': return e.set(0, `${e.h(`testpSubnormal${suffix}`)}(${a})`);
    default: return unsupported(e.ins);
  }
}

/** The f32/f64 forms of the arithmetic opcodes (consulted when the type is `.f32` or `.f64`). */
export const FLOAT: ReadonlyMap<string, Semantics> = new Map<string, Semantics>([
  ['add', lane((e) => arith(e, 'add'))],
  ['sub', lane((e) => arith(e, 'sub'))],
  ['mul', lane((e) => arith(e, 'mul'))],
  ['fma', lane(fma)],
  ['mad', lane(fma)],
  ['div', lane(div)],
  ['abs', lane((e) => absNeg(e, false))],
  ['neg', lane((e) => absNeg(e, true))],
  ['min', lane((e) => minMax(e, false))],
  ['max', lane((e) => minMax(e, true))],
  ['copysign', lane(copysign)],
  ['rcp', lane((e) => root(e, 'rcp'))],
  ['sqrt', lane((e) => root(e, 'sqrt'))],
  ['rsqrt', lane((e) => root(e, 'rsqrt'))],
  ['ex2', lane((e) => transcendental(e, 'ex2'))],
  ['lg2', lane((e) => transcendental(e, 'lg2'))],
  ['sin', lane((e) => transcendental(e, 'sin'))],
  ['cos', lane((e) => transcendental(e, 'cos'))],
  ['tanh', lane((e) => transcendental(e, 'tanh'))],
  ['testp', lane(testp)],
]);
