/**
 * Double-precision (`.f64`) instructions with IEEE rounding: `add`, `sub`, `mul`, `div`, `rcp`,
 * `sqrt` in all four modes, `min`/`max`, `abs`, `neg`, `copysign`, `testp` (PTX ISA 9.1 §9.7.3).
 *
 * `.rn` is native JS arithmetic (correctly rounded binary64). Directed modes add the exact
 * error's sign to `s = RN(exact)` and step one ulp when needed ({@link adjustF64}): the sign comes
 * from TwoSum (`+`, always exact) or Dekker's TwoProduct (`×`, `÷`, `√`), which are exact only
 * away from the ends of the exponent range; outside their guards the BigInt routines of
 * `exact.ts` are used. Double precision has no `.ftz` / `.sat` in PTX.
 *
 * NaN results are some JS NaN. sm_90 propagates NaN operands (quieted, payload and sign kept) and
 * returns `0xFFF80000_00000000` for invalid operations (measured: gpu-truth.md F64-NAN); the
 * engine builds that pattern from the operand words with nan.ts (`nanF64Add`, `nanF64Div`,
 * `nanF64Fma`, `nanF64Of1`) whenever a function here returns NaN.
 * @module
 */
import { F64_MIN_NORMAL, f64FromWords, f64Hi, f64Lo, isNegZero, signBit } from './bits.js';
import { addF64Exact, divF64Exact, mulF64Exact, sqrtF64Exact } from './exact.js';
import { RM, RN, type Rounding, adjustF64, roundOverflowF64, twoProdErr, twoSumErr } from './round.js';

/** Bounds of the region where Dekker's TwoProduct is exact (see `twoProdErr`). */
const SPLIT_MAX = 2 ** 995;
const PROD_MIN = 2 ** -969;
const PROD_MAX = 2 ** 1020;

/** `add{.rnd}.f64 d, a, b`. */
export function addF64(a: number, b: number, mode: Rounding = RN): number {
  const s = a + b;
  if (mode === RN || s !== s) return s;
  if (s === Infinity || s === -Infinity) {
    return a === s || b === s ? s : roundOverflowF64(s, mode);
  }
  if (s === 0) {
    if (a === 0 && b === 0 && isNegZero(a) === isNegZero(b)) return a;
    return mode === RM ? -0 : 0;
  }
  const e = twoSumErr(a, b, s);
  return e === e ? adjustF64(s, e, mode) : addF64Exact(a, b, mode); // NaN: TwoSum overflowed near ±max
}

/** `sub{.rnd}.f64 d, a, b`. */
export function subF64(a: number, b: number, mode: Rounding = RN): number {
  return addF64(a, -b, mode);
}

/** `mul{.rnd}.f64 d, a, b`. */
export function mulF64(a: number, b: number, mode: Rounding = RN): number {
  const p = a * b;
  if (mode === RN || p !== p || a === 0 || b === 0) return p;
  const ap = Math.abs(p);
  if (ap >= PROD_MIN && ap < PROD_MAX && Math.abs(a) < SPLIT_MAX && Math.abs(b) < SPLIT_MAX) {
    return adjustF64(p, twoProdErr(a, b, p), mode);
  }
  if (!Number.isFinite(a) || !Number.isFinite(b)) return p;
  return mulF64Exact(a, b, mode);
}

/** `div.{rn,rz,rm,rp}.f64 d, a, b`. */
export function divF64(a: number, b: number, mode: Rounding = RN): number {
  const q = a / b;
  if (mode === RN || q !== q || a === 0 || b === 0 || !Number.isFinite(a) || !Number.isFinite(b)) return q;
  const aq = Math.abs(q);
  const aa = Math.abs(a);
  if (aq >= 2 ** -1000 && aq < SPLIT_MAX && Math.abs(b) < SPLIT_MAX && aa >= PROD_MIN && aa < PROD_MAX) {
    const p = q * b;
    const rem = a - p - twoProdErr(q, b, p); // a − p is exact (Sterbenz)
    return adjustF64(q, b > 0 ? rem : -rem, mode);
  }
  return divF64Exact(a, b, mode);
}

/** `rcp.{rn,rz,rm,rp}.f64 d, a`: 1/a correctly rounded. */
export function rcpF64(a: number, mode: Rounding = RN): number {
  return divF64(1, a, mode);
}

/** `sqrt.{rn,rz,rm,rp}.f64 d, a`. */
export function sqrtF64(a: number, mode: Rounding = RN): number {
  const s = Math.sqrt(a);
  if (mode === RN || s === 0 || s - s !== 0) return s; // also NaN and +∞
  if (a >= PROD_MIN && a < PROD_MAX) {
    const p = s * s;
    return adjustF64(s, a - p - twoProdErr(s, s, p), mode);
  }
  return sqrtF64Exact(a, mode);
}

/**
 * `min.f64 d, a, b`: non-NaN operand wins; both NaN → NaN (on sm_90 b's NaN, quieted: nan.ts
 * `nanF64Add`); −0 < +0.
 */
export function minF64(a: number, b: number): number {
  if (a !== a) return b;
  if (b !== b) return a;
  if (a < b) return a;
  if (b < a) return b;
  return a === 0 && isNegZero(a) ? a : b;
}

/** `max.f64 d, a, b`: non-NaN operand wins; both NaN → NaN (as {@link minF64}); +0 > −0. */
export function maxF64(a: number, b: number): number {
  if (a !== a) return b;
  if (b !== b) return a;
  if (a > b) return a;
  if (b > a) return b;
  return a === 0 && !isNegZero(a) ? a : b;
}

/**
 * `abs.f64 d, a` on numbers: clears the sign bit. A NaN input gives NaN here; on sm_90 it keeps its
 * sign and payload (quieted), so the engine must use nan.ts `absF64HiWord` on the words.
 */
export function absF64(a: number): number {
  return Math.abs(a);
}

/** `neg.f64 d, a` on numbers: flips the sign. For a NaN input use nan.ts `negF64HiWord` (sm_90 only quiets it). */
export function negF64(a: number): number {
  return -a;
}

/** `copysign.f64 d, a, b`: `b` with the sign bit of `a`, payloads kept. */
export function copysignF64(a: number, b: number): number {
  const sign = signBit(a) ? 0x80000000 : 0;
  const hi = f64Hi(b);
  return f64FromWords(((hi & 0x7fffffff) | sign) >>> 0, f64Lo(b));
}

/**
 * `testp.normal.f64`: finite and not subnormal — **including ±0**, which sm_90 reports as normal
 * (measured on the H100, driver 580: `testp.normal.f64` of `±0.0` is true, against the PTX ISA's
 * "normal, non-zero"; gpu-truth.md TESTP-NORMAL).
 */
export function testpNormalF64(x: number): boolean {
  const ax = Math.abs(x);
  return (ax >= F64_MIN_NORMAL && ax !== Infinity) || ax === 0;
}

/** `testp.subnormal.f64`. */
export function testpSubnormalF64(x: number): boolean {
  const ax = Math.abs(x);
  return ax !== 0 && ax < F64_MIN_NORMAL;
}
