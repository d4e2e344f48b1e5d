/**
 * Fused multiply-add, correctly rounded: `fma.{rn,rz,rm,rp}.f32` and `.f64` (PTX ISA 9.1
 * §9.7.3.6; `mad.rnd.f32/.f64` is the same operation on sm_20+, §9.7.3.7).
 *
 * **f32.** `Math.fround(a*b + c)` is wrong in rare cases: the binary64 product of two binary32
 * values is exact, but the addition rounds once to binary64 and once more to binary32, and the
 * first rounding can land exactly on a binary32 midpoint (a = 24929·2^-15, b = 673·2^-9 give
 * a·b = 1 + 2^-24; with c = 2^-80 the binary64 sum is that midpoint, which ties to 1, while the
 * exact sum rounds up to 1 + 2^-23). Here `s = fl64(p + c)` and its exact error `e` (TwoSum) are combined with
 * round-to-odd ({@link toOdd}) and rounded once to binary32 in the requested mode: exact for every
 * input (no overflow or underflow is possible in binary64 for binary32 operands).
 *
 * **f64.** `.rn` uses the emulation of Boldo & Melquiond (IEEE TC 57(4), 2008, Algorithm 5):
 * `(uh, ul) = TwoProduct(a, b)`, `(th, tl) = TwoSum(c, uh)`, `v = RO(tl + ul)`,
 * `z = RN(th + v)` — correct when no intermediate overflows or underflows, which the guards
 * ensure. Directed modes add the exact sign of the residual a·b + c − z (a four-term
 * expansion). Inputs outside the guards (results below 2^-1020 or near overflow, huge operands)
 * take the exact BigInt path.
 *
 * `fmaRnF64`'s common path rounds `v` to nearest instead of to odd (no bit manipulation) and
 * checks the one case where that can matter: z' = RN(th + RN(v)) differs from z = RN(th + RO(v))
 * only if a midpoint m of the binary64 grid around z lies between th + RN(v) and th + RO(v).
 * Inside the guards |v| is below 2·ulp(th) (tl ≠ 0 means c + uh is inexact, so there was no
 * large cancellation and |ul| ≤ ulp(th); tl = 0 makes v = ul exact), so RN(v) and RO(v) are
 * equal or adjacent multiples of ulp(v) ≤ ulp(th)/8, and m is a multiple of ulp(th)/4: m can only
 * be th + RN(v) itself (th + RO(v) is an odd multiple of ulp(v)). So z' is exact unless
 * th + RN(v) is a tie, i.e. its TwoSum error zl is half the gap at z' — which holds exactly
 * when `z' + 2·zl − z' === 2·zl` with zl ≠ 0; those rare inputs take the round-to-odd path.
 * Property-tested against the BigInt `fmaF64Exact` (emu-num-fma tests).
 * @module
 */
import { isNegZero, toOdd } from './bits.js';
import { fmaF64Exact } from './exact.js';
import { RM, RN, type Rounding, adjustF64, roundF32, twoProdErr, twoSumErr } from './round.js';

/** `fma.rnd.f32 d, a, b, c` / `mad.rnd.f32`: a·b + c rounded once. */
export function fmaF32(a: number, b: number, c: number, mode: Rounding = RN): number {
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

/**
 * The Boldo–Melquiond emulation: RN(a·b + c) when no intermediate overflows or underflows, NaN
 * when the guards send the inputs to the exact path (a genuine result here is never NaN: NaN and
 * infinite operands fail the guards).
 */
function fmaRnCore(a: number, b: number, c: number): number {
  const uh = a * b;
  const au = Math.abs(uh);
  if (au >= PROD_MIN && au < BIG && Math.abs(a) < SPLIT_MAX && Math.abs(b) < SPLIT_MAX && Math.abs(c) < BIG) {
    const ul = twoProdErr(a, b, uh);
    const th = c + uh;
    const tl = twoSumErr(c, uh, th);
    const vs = tl + ul;
    const z = th + toOdd(vs, twoSumErr(tl, ul, vs));
    if (Math.abs(z) >= TINY) return z;
  }
  return NaN;
}

/**
 * `fma.rn.f64 d, a, b, c`: the round-to-nearest case of {@link fmaF64}. Common path: the
 * Boldo–Melquiond steps written out, with `v` rounded to nearest and a tie check (see the module
 * comment); everything else goes through {@link fmaRnCore} and the exact paths.
 */
export function fmaRnF64(a: number, b: number, c: number): number {
  const uh = a * b;
  const au = Math.abs(uh);
  if (au >= PROD_MIN && au < BIG && Math.abs(a) < SPLIT_MAX && Math.abs(b) < SPLIT_MAX && Math.abs(c) < BIG) {
    // ul: the product's error (Dekker/Veltkamp, as round.ts twoProdErr)
    let t = 134217729 * a;
    const ah = t - (t - a);
    const al = a - ah;
    t = 134217729 * b;
    const bh = t - (t - b);
    const bl = b - bh;
    const ul = ah * bh - uh + ah * bl + al * bh + al * bl;
    // th + tl = c + uh (TwoSum)
    const th = c + uh;
    let bb = th - c;
    const tl = c - (th - bb) + (uh - bb);
    const v = tl + ul;
    const z = th + v;
    // zl = th + v − z exactly; a tie when 2·zl is the gap at z
    bb = z - th;
    const zl = th - (z - bb) + (v - bb);
    if (Math.abs(z) >= TINY && (zl === 0 || z + 2 * zl - z !== 2 * zl)) return z;
  }
  return fmaRnSlowF64(a, b, c);
}

/** `fma.rn.f64` off the common path: Boldo–Melquiond with round-to-odd, specials, BigInt. */
function fmaRnSlowF64(a: number, b: number, c: number): number {
  const z = fmaRnCore(a, b, c);
  return z === z ? z : fmaSpecialF64(a, b, c, RN);
}

/** Zeros, infinities and NaN operands, else the exact BigInt path. */
function fmaSpecialF64(a: number, b: number, c: number, mode: Rounding): number {
  if (a - a !== 0 || b - b !== 0 || c - c !== 0) {
    // an infinite or NaN operand: the product is ±∞/NaN only if a or b is
    if (a - a === 0 && b - b === 0) return c;
    return a * b + c;
  }
  if ((a === 0 || b === 0) && mode === RN) return a * b + c; // exact zero product: JS applies the IEEE sign rules
  return fmaF64Exact(a, b, c, mode);
}

/**
 * Sign (−1, 0, 1) of the exact sum of four doubles: Shewchuk's Grow-Expansion builds a
 * nonoverlapping expansion, whose sign is that of its largest nonzero component ("Adaptive
 * precision floating-point arithmetic", 1997, §2). No intermediate may overflow.
 */
function signOfSum4(a: number, b: number, c: number, d: number): number {
  let s = a + b;
  const e0 = twoSumErr(a, b, s);
  const e1 = s;
  s = c + e0;
  const f0 = twoSumErr(c, e0, s);
  let t = s + e1;
  const f1 = twoSumErr(s, e1, t);
  const f2 = t;
  s = d + f0;
  const g0 = twoSumErr(d, f0, s);
  t = s + f1;
  const g1 = twoSumErr(s, f1, t);
  const g3 = t + f2;
  const g2 = twoSumErr(t, f2, g3);
  const top = g3 !== 0 ? g3 : g2 !== 0 ? g2 : g1 !== 0 ? g1 : g0;
  return top > 0 ? 1 : top < 0 ? -1 : 0;
}

/**
 * `fma.rnd.f64 d, a, b, c` / `mad.rnd.f64`: a·b + c rounded once, in any mode. Directed modes take
 * z = RN(a·b + c) from the fast path and the exact sign of a·b + c − z (Dekker product, then the
 * sign of uh + ul + c − z), and step one ulp when needed.
 */
export function fmaF64(a: number, b: number, c: number, mode: Rounding = RN): number {
  const z = fmaRnCore(a, b, c);
  if (z !== z) return fmaSpecialF64(a, b, c, mode);
  if (mode === RN) return z;
  const uh = a * b;
  return adjustF64(z, signOfSum4(uh, twoProdErr(a, b, uh), c, -z), mode);
}
