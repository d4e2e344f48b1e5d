/**
 * Half precision (`.f16`, IEEE binary16) and bfloat16 (`.bf16`) as unsigned 16-bit bit patterns,
 * and their packed pairs (`.f16x2` / `.bf16x2`: element 0 in bits 15..0, element 1 in bits 31..16
 * of a 32-bit register). PTX ISA 9.1 §9.7.4 (half-precision instructions) and the `cvt` rules of
 * §9.7.9.21.
 *
 * Arithmetic decodes exactly to binary64, computes there, and rounds once:
 * - `add`/`sub`: the binary64 sum of two binary16 values is exact (exponents differ by at most
 *   ~40, so the exact sum has < 53 bits); for bfloat16 (binary32's exponent range) it may not be,
 *   so the exact TwoSum error is folded in with round-to-odd before the final rounding.
 * - `mul`: exact in binary64 for both (11×11 and 8×8 bits).
 * - `fma`: the product is exact; `p + c` is taken with its exact TwoSum error and round-to-odd, then
 *   rounded once — correct in every mode. (For binary16 and `.rn` plain binary64 would even
 *   suffice: a non-overflowing result has |p| < 2^17, so if c does not dominate the exact sum
 *   spans ≤ 41 bits; if c dominates, c is not a binary16 midpoint and p is too small to move the
 *   sum across one. Directed modes would not survive the c-dominates case without the error term.)
 *
 * Modifiers are passed as a bit set: {@link HALF_FTZ} (`.ftz`, binary16 only: subnormal inputs and
 * results flushed to sign-preserving zero), {@link HALF_SAT} (`.sat`: clamp to [0, 1], NaN → +0),
 * {@link HALF_RELU} (`.relu`: negative → +0, NaN → canonical NaN). NaN results are the canonical
 * `0x7FFF` (`CUDART_NAN_FP16` / `CUDART_NAN_BF16`), also for `neg`/`abs` ({@link negF16Bits} …) and
 * for `cvt.*.f16.f32` / `cvt.*.bf16.f32` (measured on sm_90); `cvt.*.f16.f64` keeps the payload's
 * top bits (nan.ts `f64NaNToF16Bits`) and `cvt.f32.bf16` is a shift ({@link bf16ToF32Bits}).
 * @module
 */
import { F16_CANONICAL_NAN, bitsToF32, f32ToRawBits, isNegZero, pow2, toOdd } from './bits.js';
import { RM, RN, type Rounding, roundTo16Bits, twoSumErr } from './round.js';

/** `.ftz`: flush binary16 subnormal inputs and results to sign-preserving zero. */
export const HALF_FTZ = 1;
/** `.sat`: clamp the result to [0.0, 1.0]; NaN → +0. */
export const HALF_SAT = 2;
/** `.relu`: negative results → +0; NaN → canonical NaN. */
export const HALF_RELU = 4;

const F16_TABLE = new Float64Array(65536);
for (let h = 0; h < 65536; h++) {
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  let v: number;
  if (e === 0) v = m * pow2(-24);
  else if (e === 31) v = m === 0 ? Infinity : NaN;
  else v = (1024 + m) * pow2(e - 25);
  F16_TABLE[h] = h & 0x8000 ? -v : v;
}

/** The exact value of binary16 bits `h` (`cvt.f32.f16` / `cvt.f64.f16`; NaN → NaN). */
export function f16ToNumber(h: number): number {
  return F16_TABLE[h & 0xffff]!;
}

/**
 * The exact value of bfloat16 bits `h` (`cvt.f32.bf16`). For a NaN the register pattern is
 * {@link bf16ToF32Bits}'s, not the canonical f32 NaN.
 */
export function bf16ToNumber(h: number): number {
  return bitsToF32((h & 0xffff) << 16);
}

/**
 * `cvt.f32.bf16 d, a` as binary32 bits: `a` shifted left by 16 — also for NaNs, whose payload sm_90
 * keeps (measured: `0x7FFF` → `0x7FFF0000`; that signaling bf16 NaNs stay signaling is assumed).
 */
export function bf16ToF32Bits(h: number): number {
  return ((h & 0xffff) << 16) >>> 0;
}

/**
 * Rounds `x` (a number taken as exact: a binary32 or binary64 value) to binary16 bits in mode
 * `mode`: `cvt.{rn,rz,rm,rp}.f16.{f32,f64}`. NaN → `0x7FFF`.
 */
export function toF16(x: number, mode: Rounding): number {
  if (mode === RN) return toF16Rn(x);
  return roundTo16Bits(x, mode, 10, -14);
}

/**
 * `cvt.rn.f16.f32` fast path: round-to-nearest-even of any number to binary16 bits using the
 * binary32 bit pattern when `x` is a binary32 value, falling back to the generic path otherwise.
 */
export function toF16Rn(x: number): number {
  if (Math.fround(x) !== x) return roundTo16Bits(x, RN, 10, -14); // not a binary32 value (or NaN)
  const u = f32ToRawBits(x);
  const sign = (u >>> 16) & 0x8000;
  const a = u & 0x7fffffff;
  if (a >= 0x47800000) return sign | 0x7c00; // ≥ 2^16 (or ∞): overflow
  if (a >= 0x38800000) {
    // normal binary16 range: drop 13 fraction bits with ties-to-even; a carry into the
    // exponent (up to 0x7C00 = ∞) is the right result
    const r = a + 0xfff + ((a >>> 13) & 1);
    return sign | ((r - 0x38000000) >>> 13);
  }
  // subnormal binary16 range: quantum 2^-24
  const m = Math.abs(x) * 16777216;
  let mi = Math.floor(m);
  const f = m - mi;
  if (f > 0.5 || (f === 0.5 && (mi & 1) === 1)) mi += 1;
  return sign | mi;
}

/** Rounds `x` to bfloat16 bits in mode `mode`: `cvt.{rn,rz,rm,rp}.bf16.{f32,f64}`. NaN → `0x7FFF`. */
export function toBF16(x: number, mode: Rounding): number {
  if (mode === RN && Math.fround(x) === x) {
    // binary32 input: drop 16 fraction bits with ties-to-even; a carry into the exponent
    // (up to 0x7F80 = ∞) is the right result
    const u = f32ToRawBits(x);
    return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
  }
  return roundTo16Bits(x, mode, 7, -126);
}

/** `cvt.rn.f16x2.f32 d, a, b`: `a` → bits 31..16, `b` → bits 15..0. */
export function packF16x2FromF32(a: number, b: number, mode: Rounding): number {
  return ((toF16(a, mode) << 16) | toF16(b, mode)) >>> 0;
}

/** `cvt.rn.bf16x2.f32 d, a, b`: `a` → bits 31..16, `b` → bits 15..0. */
export function packBF16x2FromF32(a: number, b: number, mode: Rounding): number {
  return ((toBF16(a, mode) << 16) | toBF16(b, mode)) >>> 0;
}

/** `.ftz` on binary16 bits: subnormal → zero of the same sign. */
export function ftzF16(h: number): number {
  return (h & 0x7c00) === 0 ? h & 0x8000 : h;
}

/** `.satfinite` on binary16 bits: ±∞ → ±65504; NaN kept. */
export function satfiniteF16(h: number): number {
  return (h & 0x7fff) === 0x7c00 ? (h & 0x8000) | 0x7bff : h;
}

/** The modifiers of {@link HALF_SAT} / {@link HALF_RELU} on an exact binary64 result. */
function clampResult(v: number, flags: number): number {
  if ((flags & HALF_SAT) !== 0) return v > 0 ? (v < 1 ? v : 1) : 0;
  if ((flags & HALF_RELU) !== 0 && (v < 0 || (v === 0 && isNegZero(v)))) return 0;
  return v;
}

function decode(h: number, bf: boolean, flags: number): number {
  if (bf) return bf16ToNumber(h);
  return F16_TABLE[(flags & HALF_FTZ) !== 0 ? ftzF16(h) : h]!;
}

function encode(v: number, mode: Rounding, bf: boolean, flags: number): number {
  if (bf) return roundTo16Bits(v, mode, 7, -126);
  const h = mode === RN ? toF16Rn(v) : roundTo16Bits(v, mode, 10, -14);
  return (flags & HALF_FTZ) !== 0 ? ftzF16(h) : h;
}

/** a + b (with the exact error folded in), clamped per flags, rounded once. */
function addCore(a: number, b: number, mode: Rounding, bf: boolean, flags: number): number {
  const x = decode(a, bf, flags);
  const y = decode(b, bf, flags);
  let s = x + y;
  if (s === 0) {
    if (!(x === 0 && y === 0 && isNegZero(x) === isNegZero(y))) s = mode === RM ? -0 : 0;
  } else if (s - s === 0) {
    s = toOdd(s, twoSumErr(x, y, s));
  }
  return encode(clampResult(s, flags), mode, bf, flags);
}

function mulCore(a: number, b: number, mode: Rounding, bf: boolean, flags: number): number {
  return encode(clampResult(decode(a, bf, flags) * decode(b, bf, flags), flags), mode, bf, flags);
}

function fmaCore(a: number, b: number, c: number, mode: Rounding, bf: boolean, flags: number): number {
  const p = decode(a, bf, flags) * decode(b, bf, flags); // exact
  const z = decode(c, bf, flags);
  let s = p + z;
  if (s === 0) {
    if (!(p === 0 && z === 0 && isNegZero(p) === isNegZero(z))) s = mode === RM ? -0 : 0;
  } else if (s - s === 0) {
    s = toOdd(s, twoSumErr(p, z, s));
  }
  return encode(clampResult(s, flags), mode, bf, flags);
}

/** `add{.rnd}{.ftz}{.sat}.f16 d, a, b`. */
export function addF16(a: number, b: number, mode: Rounding = RN, flags = 0): number {
  return addCore(a, b, mode, false, flags);
}
/** `sub{.rnd}{.ftz}{.sat}.f16 d, a, b`. */
export function subF16(a: number, b: number, mode: Rounding = RN, flags = 0): number {
  return addCore(a, b ^ 0x8000, mode, false, flags);
}
/** `mul{.rnd}{.ftz}{.sat}.f16 d, a, b`. */
export function mulF16(a: number, b: number, mode: Rounding = RN, flags = 0): number {
  return mulCore(a, b, mode, false, flags);
}
/** `fma.rnd{.ftz}{.sat}.f16 d, a, b, c` and `fma.rn{.ftz}.relu.f16`. */
export function fmaF16(a: number, b: number, c: number, mode: Rounding = RN, flags = 0): number {
  return fmaCore(a, b, c, mode, false, flags);
}
/** `add{.rnd}.bf16 d, a, b`. */
export function addBF16(a: number, b: number, mode: Rounding = RN): number {
  return addCore(a, b, mode, true, 0);
}
/** `sub{.rnd}.bf16 d, a, b`. */
export function subBF16(a: number, b: number, mode: Rounding = RN): number {
  return addCore(a, b ^ 0x8000, mode, true, 0);
}
/** `mul{.rnd}.bf16 d, a, b`. */
export function mulBF16(a: number, b: number, mode: Rounding = RN): number {
  return mulCore(a, b, mode, true, 0);
}
/** `fma.rnd{.relu}.bf16 d, a, b, c` (flags: {@link HALF_RELU} only). */
export function fmaBF16(a: number, b: number, c: number, mode: Rounding = RN, flags = 0): number {
  return fmaCore(a, b, c, mode, true, flags);
}

function isNaN16(h: number, bf: boolean): boolean {
  return bf ? (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0 : (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
}

/**
 * min/max core on bit patterns. `max` selects the maximum; `nan` the `.NaN` variant; `xorsign`
 * the `.xorsign.abs` variant. Returns one of the (flushed) inputs' bit patterns or 0x7FFF.
 */
function minMaxCore(a: number, b: number, bf: boolean, flags: number, max: boolean, nan: boolean, xorsign: boolean): number {
  if ((flags & HALF_FTZ) !== 0) {
    a = ftzF16(a);
    b = ftzF16(b);
  }
  const sign = (a ^ b) & 0x8000;
  if (xorsign) {
    a &= 0x7fff;
    b &= 0x7fff;
  }
  const an = isNaN16(a, bf);
  const bn = isNaN16(b, bf);
  if (an || bn) {
    if (nan || (an && bn)) return F16_CANONICAL_NAN;
    return an ? b | (xorsign ? sign : 0) : a | (xorsign ? sign : 0);
  }
  const x = decode(a, bf, 0);
  const y = decode(b, bf, 0);
  let r: number;
  if (x === y) {
    // equal values: only ±0 differ; −0 < +0
    const aNeg = (a & 0x8000) !== 0;
    r = aNeg === max ? b : a;
  } else {
    r = (x < y) !== max ? a : b;
  }
  return xorsign ? r | sign : r;
}

/** `min{.ftz}{.NaN}{.xorsign.abs}.f16 d, a, b`. */
export function minF16(a: number, b: number, flags: number, nan: boolean, xorsign: boolean): number {
  return minMaxCore(a, b, false, flags, false, nan, xorsign);
}
/** `max{.ftz}{.NaN}{.xorsign.abs}.f16 d, a, b`. */
export function maxF16(a: number, b: number, flags: number, nan: boolean, xorsign: boolean): number {
  return minMaxCore(a, b, false, flags, true, nan, xorsign);
}
/** `min{.NaN}{.xorsign.abs}.bf16 d, a, b`. */
export function minBF16(a: number, b: number, nan: boolean, xorsign: boolean): number {
  return minMaxCore(a, b, true, 0, false, nan, xorsign);
}
/** `max{.NaN}{.xorsign.abs}.bf16 d, a, b`. */
export function maxBF16(a: number, b: number, nan: boolean, xorsign: boolean): number {
  return minMaxCore(a, b, true, 0, true, nan, xorsign);
}

/**
 * Sign-bit flip of 16-bit bits (after `.ftz` flushing if requested). This is `neg.f16`/`neg.bf16`
 * for every non-NaN input; for NaN inputs sm_90 returns the canonical `0x7FFF` instead (measured
 * for `neg.f16`), so the engine should use {@link negF16Bits} / {@link negBF16Bits}.
 */
export function neg16(h: number, flags: number): number {
  return ((flags & HALF_FTZ) !== 0 ? ftzF16(h) : h) ^ 0x8000;
}

/** Sign-bit clear of 16-bit bits; `abs` except for NaNs: use {@link absF16Bits} / {@link absBF16Bits}. */
export function abs16(h: number, flags: number): number {
  return ((flags & HALF_FTZ) !== 0 ? ftzF16(h) : h) & 0x7fff;
}

/**
 * `neg{.ftz}.f16 d, a` as sm_90 computes it: flips the sign bit, but a NaN gives the canonical
 * `0x7FFF` (measured: `neg.f16` of `0x7E12`, `0xFE00`, `0x7C01` … is `0x7FFF`).
 */
export function negF16Bits(h: number, flags = 0): number {
  return isNaN16(h, false) ? F16_CANONICAL_NAN : neg16(h, flags);
}

/** `abs{.ftz}.f16 d, a`: clears the sign bit; NaN → `0x7FFF` (assumed like `neg.f16` and `abs.f32`). */
export function absF16Bits(h: number, flags = 0): number {
  return isNaN16(h, false) ? F16_CANONICAL_NAN : abs16(h, flags);
}

/** `neg.bf16 d, a`: flips the sign bit; NaN → `0x7FFF` (assumed like `neg.f16`; not measured). */
export function negBF16Bits(h: number): number {
  return isNaN16(h, true) ? F16_CANONICAL_NAN : (h ^ 0x8000) & 0xffff;
}

/** `abs.bf16 d, a`: clears the sign bit; NaN → `0x7FFF` (measured only for `0x7FFF` itself). */
export function absBF16Bits(h: number): number {
  return isNaN16(h, true) ? F16_CANONICAL_NAN : h & 0x7fff;
}

/** Packs two 16-bit results: `lo` → bits 15..0, `hi` → bits 31..16. */
function pack2(lo: number, hi: number): number {
  return ((hi << 16) | (lo & 0xffff)) >>> 0;
}

/** `add{.rnd}{.ftz}{.sat}.f16x2 d, a, b`. */
export function addF16x2(a: number, b: number, mode: Rounding = RN, flags = 0): number {
  return pack2(addCore(a & 0xffff, b & 0xffff, mode, false, flags), addCore(a >>> 16, b >>> 16, mode, false, flags));
}
/** `sub{.rnd}{.ftz}{.sat}.f16x2 d, a, b`. */
export function subF16x2(a: number, b: number, mode: Rounding = RN, flags = 0): number {
  return addF16x2(a, (b ^ 0x80008000) >>> 0, mode, flags);
}
/** `mul{.rnd}{.ftz}{.sat}.f16x2 d, a, b`. */
export function mulF16x2(a: number, b: number, mode: Rounding = RN, flags = 0): number {
  return pack2(mulCore(a & 0xffff, b & 0xffff, mode, false, flags), mulCore(a >>> 16, b >>> 16, mode, false, flags));
}
/** `fma.rnd{.ftz}{.sat|.relu}.f16x2 d, a, b, c`. */
export function fmaF16x2(a: number, b: number, c: number, mode: Rounding = RN, flags = 0): number {
  return pack2(fmaCore(a & 0xffff, b & 0xffff, c & 0xffff, mode, false, flags), fmaCore(a >>> 16, b >>> 16, c >>> 16, mode, false, flags));
}
/** `add{.rnd}.bf16x2 d, a, b`. */
export function addBF16x2(a: number, b: number, mode: Rounding = RN): number {
  return pack2(addCore(a & 0xffff, b & 0xffff, mode, true, 0), addCore(a >>> 16, b >>> 16, mode, true, 0));
}
/** `sub{.rnd}.bf16x2 d, a, b`. */
export function subBF16x2(a: number, b: number, mode: Rounding = RN): number {
  return addBF16x2(a, (b ^ 0x80008000) >>> 0, mode);
}
/** `mul{.rnd}.bf16x2 d, a, b`. */
export function mulBF16x2(a: number, b: number, mode: Rounding = RN): number {
  return pack2(mulCore(a & 0xffff, b & 0xffff, mode, true, 0), mulCore(a >>> 16, b >>> 16, mode, true, 0));
}
/** `fma.rnd{.relu}.bf16x2 d, a, b, c`. */
export function fmaBF16x2(a: number, b: number, c: number, mode: Rounding = RN, flags = 0): number {
  return pack2(fmaCore(a & 0xffff, b & 0xffff, c & 0xffff, mode, true, flags), fmaCore(a >>> 16, b >>> 16, c >>> 16, mode, true, flags));
}
/** `min{.ftz}{.NaN}{.xorsign.abs}.f16x2`. */
export function minF16x2(a: number, b: number, flags: number, nan: boolean, xorsign: boolean): number {
  return pack2(minMaxCore(a & 0xffff, b & 0xffff, false, flags, false, nan, xorsign), minMaxCore(a >>> 16, b >>> 16, false, flags, false, nan, xorsign));
}
/** `max{.ftz}{.NaN}{.xorsign.abs}.f16x2`. */
export function maxF16x2(a: number, b: number, flags: number, nan: boolean, xorsign: boolean): number {
  return pack2(minMaxCore(a & 0xffff, b & 0xffff, false, flags, true, nan, xorsign), minMaxCore(a >>> 16, b >>> 16, false, flags, true, nan, xorsign));
}
/** `min{.NaN}{.xorsign.abs}.bf16x2`. */
export function minBF16x2(a: number, b: number, nan: boolean, xorsign: boolean): number {
  return pack2(minMaxCore(a & 0xffff, b & 0xffff, true, 0, false, nan, xorsign), minMaxCore(a >>> 16, b >>> 16, true, 0, false, nan, xorsign));
}
/** `max{.NaN}{.xorsign.abs}.bf16x2`. */
export function maxBF16x2(a: number, b: number, nan: boolean, xorsign: boolean): number {
  return pack2(minMaxCore(a & 0xffff, b & 0xffff, true, 0, true, nan, xorsign), minMaxCore(a >>> 16, b >>> 16, true, 0, true, nan, xorsign));
}
/** Sign-bit flip of both halves (`neg.f16x2`/`neg.bf16x2` except for NaNs: use {@link negF16x2Bits} / {@link negBF16x2Bits}). */
export function neg16x2(a: number, flags: number): number {
  return pack2(neg16(a & 0xffff, flags), neg16(a >>> 16, flags));
}
/** Sign-bit clear of both halves (see {@link abs16}). */
export function abs16x2(a: number, flags: number): number {
  return pack2(abs16(a & 0xffff, flags), abs16(a >>> 16, flags));
}
/** `neg{.ftz}.f16x2` with sm_90's NaN rule ({@link negF16Bits} per half). */
export function negF16x2Bits(a: number, flags = 0): number {
  return pack2(negF16Bits(a & 0xffff, flags), negF16Bits(a >>> 16, flags));
}
/** `abs{.ftz}.f16x2` with sm_90's NaN rule ({@link absF16Bits} per half). */
export function absF16x2Bits(a: number, flags = 0): number {
  return pack2(absF16Bits(a & 0xffff, flags), absF16Bits(a >>> 16, flags));
}
/** `neg.bf16x2` with sm_90's NaN rule ({@link negBF16Bits} per half). */
export function negBF16x2Bits(a: number): number {
  return pack2(negBF16Bits(a & 0xffff), negBF16Bits(a >>> 16));
}
/** `abs.bf16x2` with sm_90's NaN rule ({@link absBF16Bits} per half). */
export function absBF16x2Bits(a: number): number {
  return pack2(absBF16Bits(a & 0xffff), absBF16Bits(a >>> 16));
}
