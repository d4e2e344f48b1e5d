/**
 * Fused multiply-add, correctly rounded: `fma.{rn,rz,rm,rp}.f32` and `.f64` (PTX ISA 9.1
 * §9.7.3.6; `mad.rnd.f32/.f64` is the same operation on sm_20+, §9.7.3.7).
 *
 * **f32.** `Math.fround(a*b + c)` is wrong in rare cases: the binary64 product of two binary32
 * values is exact, but the addition rounds once to binary64 and once more to binary32, and the
 * first rounding can land exactly on a binary32 midpoint (e.g. a = b = 1 + 2^-12, c = −2^-24·3…,
 * see the unit tests). Here `s = fl64(p + c)` and its exact error `e` (TwoSum) are combined with
 * round-to-odd ({@link toOdd}) and rounded once to binary32 in the requested mode: exact for every
 * input (no overflow or underflow is possible in binary64 for binary32 operands).
 *
 * **f64.** `.rn` uses the emulation of Boldo & Melquiond (IEEE TC 57(4), 2008, Algorithm 5):
 * `(uh, ul) = TwoProduct(a, b)`, `(th, tl) = TwoSum(c, uh)`, `v = RO(tl + ul)`,
 * `z = RN(th + v)` — correct when no intermediate overflows or underflows, which the guards
 * ensure; other inputs (and the directed modes, rare in compiled code) take the exact BigInt path.
 * @module
 */
import { isNegZero, toOdd } from './bits.js';
import { fmaF64Exact } from './exact.js';
import { RM, RN, type Rounding, roundF32, twoProdErr, twoSumErr } from './round.js';

/** `fma.rnd.f32 d, a, b, c` / `mad.rnd.f32`: a·b + c rounded once. */
export function fmaF32(a: number, b: number, c: number, mode: Rounding): number {
  const p = a * b; // exact
  const s = p + c;
  if (s - s !== 0) return s; // ±∞ or NaN
  if (s === 0) {
    // exact zero: IEEE 754 §6.3 sign rules
    if (p === 0 && c === 0 && isNegZero(p) === isNegZero(c)) return c;
    return mode === RM ? -0 : 0;
  }
  return roundF32(toOdd(s, twoSumErr(p, c, s)), mode);
}

const SPLIT_MAX = 2 ** 995;
const PROD_MIN = 2 ** -969;
const BIG = 2 ** 1020;
const TINY = 2 ** -1020;

/** `fma.rn.f64 d, a, b, c`: the fast path of {@link fmaF64}. */
export function fmaRnF64(a: number, b: number, c: number): number {
  const uh = a * b;
  const au = Math.abs(uh);
  if (au >= PROD_MIN && au < BIG && Math.abs(a) < SPLIT_MAX && Math.abs(b) < SPLIT_MAX && Math.abs(c) < BIG) {
    const ul = twoProdErr(a, b, uh);
    const th = c + uh;
    const tl = twoSumErr(c, uh, th);
    const vs = tl + ul;
    const z = th + toOdd(vs, twoSumErr(tl, ul, vs));
    if (Math.abs(z) >= TINY) return z;
    return fmaF64Exact(a, b, c, RN);
  }
  if (a - a !== 0 || b - b !== 0 || c - c !== 0) {
    // an infinite or NaN operand: the product is ±∞/NaN only if a or b is
    if (a - a === 0 && b - b === 0) return c;
    return uh + c;
  }
  if (a === 0 || b === 0) return uh + c; // exact zero product: JS applies the IEEE sign rules
  return fmaF64Exact(a, b, c, RN);
}

/** `fma.rnd.f64 d, a, b, c` / `mad.rnd.f64`: a·b + c rounded once, in any mode. */
export function fmaF64(a: number, b: number, c: number, mode: Rounding): number {
  return mode === RN ? fmaRnF64(a, b, c) : fmaF64Exact(a, b, c, mode);
}
