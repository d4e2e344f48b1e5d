/**
 * Single-precision (`.f32`) instructions with IEEE rounding: `add`, `sub`, `mul`, `div`, `rcp`,
 * `sqrt` in all four rounding modes, `.ftz`, `.sat`, `min`/`max` (incl. `.NaN` and
 * `.xorsign.abs`), `abs`, `neg`, `copysign`, `testp` (PTX ISA 9.1 §9.7.3).
 *
 * Values are JS numbers holding exactly representable binary32 values. A NaN result is returned
 * as some JS NaN: sm_90 returns the canonical NaN `0x7FFFFFFF` for every single-precision
 * arithmetic result that is NaN (no payload propagation), and the register write produces that
 * pattern ({@link storeF32} / {@link f32ToBits}); payloads cannot travel reliably in JS numbers.
 *
 * **Why `.rn` is `Math.fround(a ∘ b)`.** The binary64 result of `+ − × ÷ √` on binary32 operands,
 * rounded again to binary32, equals the correctly rounded binary32 result: double rounding is
 * innocuous when the intermediate precision q satisfies q ≥ 2p + 2 (Figueroa, "When is double
 * rounding innocuous?", SIGNUM 1995; p = 24, q = 53 ≥ 50). For `×` there is not even a first
 * rounding (24 × 24 bits fit in 53). Subnormal binary32 results do not break it: a sum of two
 * binary32 values below 2^-125 in magnitude is exact in binary32; a product is exact in binary64;
 * for a quotient q = a/b below 2^-126 (a = Ma·2^ea, b = Mb·2^eb, Ma, Mb < 2^24, d = ea − eb), a
 * midpoint m ≠ q of the 2^-149 grid satisfies |q − m| ≥ 2^min(d, −150)/Mb, and the binary64
 * rounding error 2^(d−53)·Ma/Mb could reach that only if Ma ≥ 2^53 (d ≤ −150) or
 * Ma ≥ 2^(−97−d) while |q| < 2^-126 forces Ma < 2^(−102−d) (d > −150) — both impossible; a
 * square root is never subnormal. (The property tests check all of this against an exact oracle.)
 *
 * **Directed modes** compute `s = RN64(exact)` and the exact error's sign (TwoSum for `+`,
 * Dekker's TwoProduct on the quotient/root for `÷`/`√`; `×` is exact), then `toOdd` and one
 * directed rounding to binary32 — exact for every input, no slow path.
 *
 * `.ftz` and `.sat` are separate functions composed by the caller: flush the inputs with
 * {@link ftzF32}, compute, flush the result, then {@link satF32}. The `mode` argument of every
 * rounding function (here, in f64.ts, fma.ts and half.ts) defaults to `.rn`.
 * @module
 */
import { F32_MIN_NORMAL, f32ToRawBits, bitsToF32, isNegZero, signBit, toOdd } from './bits.js';
import { RM, RN, type Rounding, roundF32, twoProdErr, twoSumErr } from './round.js';

/** `.ftz` on a binary32 operand or result: subnormals become zero of the same sign. */
export function ftzF32(x: number): number {
  return x !== 0 && x < F32_MIN_NORMAL && x > -F32_MIN_NORMAL ? (x < 0 ? -0 : 0) : x;
}

/**
 * `.sat`: clamps to [+0.0, 1.0]; NaN → +0; −0 → +0 (the sign of a saturated zero is to be
 * confirmed on sm_90: gpu-truth.md, item SAT-NEG-ZERO).
 */
export function satF32(x: number): number {
  if (x > 0) return x < 1 ? x : 1;
  return 0; // also NaN, −0 and negatives
}

/** Zero result of an exact cancellation or of adding two zeros, per IEEE 754 §6.3. */
function zeroSumSign(a: number, b: number, mode: Rounding): number {
  if (a === 0 && b === 0 && isNegZero(a) === isNegZero(b)) return a;
  return mode === RM ? -0 : 0;
}

/** `add{.rnd}.f32 d, a, b` (`.rn` when no modifier is given). */
export function addF32(a: number, b: number, mode: Rounding = RN): number {
  const s = a + b;
  if (mode === RN) return Math.fround(s);
  if (s - s !== 0) return s; // NaN or ±∞
  if (s === 0) return zeroSumSign(a, b, mode);
  return roundF32(toOdd(s, twoSumErr(a, b, s)), mode);
}

/** `sub{.rnd}.f32 d, a, b`. */
export function subF32(a: number, b: number, mode: Rounding = RN): number {
  return addF32(a, -b, mode);
}

/** `mul{.rnd}.f32 d, a, b`. The binary64 product of two binary32 values is exact. */
export function mulF32(a: number, b: number, mode: Rounding = RN): number {
  return roundF32(a * b, mode);
}

/** `div.{rn,rz,rm,rp}.f32 d, a, b` (IEEE-compliant division; see approx.ts for `.approx`/`.full`). */
export function divF32(a: number, b: number, mode: Rounding = RN): number {
  const q = a / b;
  if (mode === RN || q === 0 || q - q !== 0) return Math.fround(q); // also NaN and ±∞
  // remainder a − q·b, exactly: p = fl(q·b) is within 2 ulps of a, so a − p is exact (Sterbenz)
  const p = q * b;
  const rem = a - p - twoProdErr(q, b, p);
  return roundF32(toOdd(q, b > 0 ? rem : -rem), mode);
}

/** `rcp.{rn,rz,rm,rp}.f32 d, a`: 1/a correctly rounded. */
export function rcpF32(a: number, mode: Rounding = RN): number {
  return divF32(1, a, mode);
}

/** `sqrt.{rn,rz,rm,rp}.f32 d, a`; √(−0) = −0, negative → NaN. */
export function sqrtF32(a: number, mode: Rounding = RN): number {
  const s = Math.sqrt(a);
  if (mode === RN || s === 0 || s - s !== 0) return Math.fround(s); // also NaN and +∞
  const p = s * s;
  return roundF32(toOdd(s, a - p - twoProdErr(s, s, p)), mode);
}

/**
 * `min.f32 d, a, b`: the non-NaN operand if exactly one is NaN, canonical NaN if both are;
 * −0 is less than +0.
 */
export function minF32(a: number, b: number): number {
  if (a !== a) return b;
  if (b !== b) return a;
  if (a < b) return a;
  if (b < a) return b;
  return a === 0 && isNegZero(a) ? a : b;
}

/** `max.f32 d, a, b`: NaN rules as {@link minF32}; +0 is greater than −0. */
export function maxF32(a: number, b: number): number {
  if (a !== a) return b;
  if (b !== b) return a;
  if (a > b) return a;
  if (b > a) return b;
  return a === 0 && !isNegZero(a) ? a : b;
}

/** `min.NaN.f32 d, a, b`: canonical NaN if either input is NaN. */
export function minNaNF32(a: number, b: number): number {
  return a !== a || b !== b ? NaN : minF32(a, b);
}

/** `max.NaN.f32 d, a, b`: canonical NaN if either input is NaN. */
export function maxNaNF32(a: number, b: number): number {
  return a !== a || b !== b ? NaN : maxF32(a, b);
}

/**
 * `min{.NaN}.xorsign.abs.f32 d, a, b`: min(|a|, |b|) carrying sign(a) XOR sign(b); a NaN result
 * ignores `.xorsign.abs`. `nan` selects the `.NaN` variant.
 */
export function minXorsignAbsF32(a: number, b: number, nan: boolean): number {
  const m = nan ? minNaNF32(Math.abs(a), Math.abs(b)) : minF32(Math.abs(a), Math.abs(b));
  if (m !== m) return m;
  return signBit(a) !== signBit(b) ? -m : m;
}

/** `max{.NaN}.xorsign.abs.f32 d, a, b`; see {@link minXorsignAbsF32}. */
export function maxXorsignAbsF32(a: number, b: number, nan: boolean): number {
  const m = nan ? maxNaNF32(Math.abs(a), Math.abs(b)) : maxF32(Math.abs(a), Math.abs(b));
  if (m !== m) return m;
  return signBit(a) !== signBit(b) ? -m : m;
}

/**
 * `abs{.ftz}.f32 d, a` on the bit pattern (flush first for `.ftz`): clears the sign bit; a NaN
 * gives the canonical `0x7FFFFFFF` — sm_90 does not treat `abs`/`neg` of a NaN as a sign-bit
 * operation (measured: gpu-truth.md ABS-NEG-NAN).
 */
export function absF32Bits(bits: number): number {
  return (bits & 0x7fffffff) > 0x7f800000 ? 0x7fffffff : (bits & 0x7fffffff) >>> 0;
}

/** `neg{.ftz}.f32 d, a` on the bit pattern: flips the sign bit; a NaN gives `0x7FFFFFFF`. */
export function negF32Bits(bits: number): number {
  return (bits & 0x7fffffff) > 0x7f800000 ? 0x7fffffff : (bits ^ 0x80000000) >>> 0;
}

/** `abs.f32 d, a` on a number (NaN → NaN, stored as the canonical `0x7FFFFFFF`). */
export function absF32(a: number): number {
  return Math.abs(a);
}

/** `neg.f32 d, a` on a number (NaN → NaN, stored as the canonical `0x7FFFFFFF`). */
export function negF32(a: number): number {
  return -a;
}

/**
 * `copysign.f32 d, a, b`: `b` with the sign of `a` (note the operand order) — bit patterns. A pure
 * bit operation on sm_90: NaN payloads are kept (measured).
 */
export function copysignF32Bits(a: number, b: number): number {
  return ((a & 0x80000000) | (b & 0x7fffffff)) >>> 0;
}

/** `copysign.f32 d, a, b` on numbers: `b` with the sign bit of `a`. */
export function copysignF32(a: number, b: number): number {
  return bitsToF32(copysignF32Bits(f32ToRawBits(a), f32ToRawBits(b)));
}

/** `testp.finite`: not ±∞ and not NaN (any float type). */
export function testpFinite(x: number): boolean {
  return x - x === 0;
}

/** `testp.infinite`. */
export function testpInfinite(x: number): boolean {
  return x === Infinity || x === -Infinity;
}

/** `testp.number`: not NaN. */
export function testpNumber(x: number): boolean {
  return x === x;
}

/** `testp.notanumber`. */
export function testpNotANumber(x: number): boolean {
  return x !== x;
}

/**
 * `testp.normal.f32`: finite and not subnormal — **including ±0**, which sm_90 reports as normal,
 * as for `.f64` (measured on the H100, 2026-11-24, against the PTX ISA's "normal, non-zero";
 * gpu-truth.md TESTP-NORMAL).
 */
export function testpNormalF32(x: number): boolean {
  const ax = Math.abs(x);
  return (ax >= F32_MIN_NORMAL && ax !== Infinity) || ax === 0;
}

/** `testp.subnormal.f32`. */
export function testpSubnormalF32(x: number): boolean {
  const ax = Math.abs(x);
  return ax !== 0 && ax < F32_MIN_NORMAL;
}
