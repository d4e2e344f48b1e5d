/**
 * `cvt` conversions (PTX ISA 9.1 §9.7.9.21, rounding modifiers §6.5.2):
 *
 * - float → integer with `.rni/.rzi/.rmi/.rpi` (`.rni`: half to even), saturating to the
 *   destination range (saturation is implicit, `.sat` is redundant there). `.ftz` on an f32
 *   source: flush the input with `ftzF32` first (it matters: `cvt.rpi.s32.f32` of 2^-149 is 1,
 *   with `.ftz` it is 0). NaN does NOT always give 0 as the PTX ISA says; on sm_90 (measured,
 *   gpu-truth.md CVT-NAN) it depends on source and destination:
 *
 *   | source | ≤ 32-bit destination | 64-bit destination |
 *   | --- | --- | --- |
 *   | `.f32` (and `.f16`, assumed) | 0 ({@link floatToInt}) | `0x80000000_00000000` ({@link floatToS64Big} …) |
 *   | `.f64` | the destination's sign bit alone: `0x80000000`, `0x8000`, (`0x80`) ({@link floatToIntF64}) | `0x80000000_00000000` |
 *
 *   Measured: `.s32`/`.u32` from f32 → 0; `.u16` from f64 → `0x8000`; `.s32` from f64 →
 *   `0x80000000`; `.s64` from f64 and `.u64` from f32 → `0x80000000_00000000`. The other
 *   combinations follow the table by analogy (not measured).
 * - integer → float with `.rn/.rz/.rm/.rp`, correctly rounded, 64-bit sources included.
 * - float → float: f64 → f32 in all modes (compose `ftzF32`/`satF32` for `.ftz`/`.sat`), f32 → f64
 *   exact, and same-size rounding to an integral value (`cvt.rni.f32.f32` …).
 * - integer → integer: truncation / sign or zero extension, or saturation with `.sat`.
 *
 * Half-precision sources/destinations: decode with half.ts `f16ToNumber` / `bf16ToNumber` and
 * encode with `toF16` / `toBF16` (exact for every integer of ≤ 32 bits taken as a number); 64-bit
 * integer sources have their own functions here. 64-bit results come as BigInt (`…Big`) or in pair
 * form into `I64` (int64.ts). f32 → f64 is the identity on JS numbers, except for a NaN, whose
 * payload sm_90 keeps (nan.ts `nanF64FromF32Bits`).
 * @module
 */
import { toOdd } from './bits.js';
import { bigIntToF64 } from './exact.js';
import { I64 } from './int64.js';
import { satInt, wrapInt } from './int32.js';
import { RN, type Rounding, adjustF64, roundF32, roundTo16Bits, roundToIntegral, twoSumErr } from './round.js';

const TWO32 = 4294967296;
const TWO63 = 9223372036854775808;
const TWO64 = 18446744073709551616;

// ---------------------------------------------------------------- float → integer

/**
 * `cvt.{rni,rzi,rmi,rpi}.{s8,u8,s16,u16,s32,u32}.{f16,f32} d, a`: `x` (already decoded and, for
 * `.ftz`, flushed) rounded to an integer in `mode` and clamped to the `bits`-bit range; NaN → 0
 * (sm_90, f32 source). Returns the integer as a JS number (int32 / uint32 range). For an `.f64`
 * source use {@link floatToIntF64} (NaN differs).
 */
export function floatToInt(x: number, mode: Rounding, bits: number, signed: boolean): number {
  if (x !== x) return 0;
  return satInt(roundToIntegral(x, mode), bits, signed) + 0; // + 0: no −0 results
}

/**
 * `cvt.{rni,rzi,rmi,rpi}.{s8,u8,s16,u16,s32,u32}.f64 d, a`: as {@link floatToInt}, except that NaN
 * gives the destination's sign bit alone, as sm_90 does (measured: `cvt.rni.s32.f64(NaN)` =
 * `0x80000000` = INT32_MIN, `cvt.r*i.u16.f64(NaN)` = `0x8000`; `.u32` → `0x80000000` and 8-bit →
 * `0x80` assumed). Signed results come as int32 (−2^31, −2^15, −2^7), unsigned as uint32.
 */
export function floatToIntF64(x: number, mode: Rounding, bits: number, signed: boolean): number {
  if (x !== x) return signed ? -(2 ** (bits - 1)) : 2 ** (bits - 1);
  return satInt(roundToIntegral(x, mode), bits, signed) + 0;
}

/**
 * What sm_90 writes for `cvt.{s64,u64}.{f16,f32,f64}` of a NaN: `0x80000000_00000000`, for both
 * destination types and (measured) f32 and f64 sources (the PTX ISA says 0).
 */
export const CVT_INT64_NAN = -0x8000000000000000n;

/** `cvt.{rni,…}.s64.{f16,f32,f64}` (BigInt result; NaN → {@link CVT_INT64_NAN}; saturating). */
export function floatToS64Big(x: number, mode: Rounding): bigint {
  if (x !== x) return CVT_INT64_NAN;
  const r = roundToIntegral(x, mode);
  if (r >= TWO63) return 0x7fffffffffffffffn;
  if (r < -TWO63) return -0x8000000000000000n;
  return BigInt(r);
}

/**
 * `cvt.{rni,…}.u64.{f16,f32,f64}` (BigInt result, as the signed 64-bit pattern; NaN →
 * {@link CVT_INT64_NAN}, the pattern `0x80000000_00000000`).
 */
export function floatToU64Big(x: number, mode: Rounding): bigint {
  if (x !== x) return CVT_INT64_NAN;
  const r = roundToIntegral(x, mode);
  if (r >= TWO64) return -1n;
  if (r <= 0) return 0n;
  return BigInt.asIntN(64, BigInt(r));
}

/** `cvt.{rni,…}.{s64,u64}.{f16,f32,f64}` in pair form → `I64` (NaN → `0x80000000_00000000`). */
export function floatToInt64(x: number, mode: Rounding, signed: boolean): void {
  if (x !== x) {
    I64[0] = 0;
    I64[1] = -0x80000000;
    return;
  }
  let r = roundToIntegral(x, mode);
  if (signed) {
    if (r >= TWO63) {
      I64[0] = -1;
      I64[1] = 0x7fffffff;
      return;
    }
    if (r < -TWO63) r = -TWO63;
  } else {
    if (r >= TWO64) {
      I64[0] = -1;
      I64[1] = -1;
      return;
    }
    if (r < 0) r = 0;
  }
  const hi = Math.floor(r / TWO32);
  I64[0] = (r - hi * TWO32) | 0;
  I64[1] = hi | 0;
}

// ---------------------------------------------------------------- integer → float

/**
 * `cvt.{rn,rz,rm,rp}.f32.{s8…u32}`: an integer of at most 32 bits (exact as a number) rounded to
 * binary32. `.f64` destinations are exact (`cvt.f64.s32` is the identity on numbers).
 */
export function intToF32(x: number, mode: Rounding): number {
  return roundF32(x, mode);
}

/**
 * The exact 64-bit integer `hi·2^32 + lo` (signed or unsigned words) as `s = RN64(v)` plus the
 * sign of `v − s`, combined with round-to-odd: one final rounding of the result to any format
 * with ≤ 51 bits of precision (binary32, binary16, bfloat16) is then correctly rounded.
 */
function pairToOdd(lo: number, hi: number, signed: boolean): number {
  const h = (signed ? hi | 0 : hi >>> 0) * TWO32; // exact
  const l = lo >>> 0;
  const s = h + l;
  return toOdd(s, twoSumErr(h, l, s));
}

/** `cvt.{rn,rz,rm,rp}.f64.{s64,u64}` from a pair: correctly rounded. */
export function int64ToF64(lo: number, hi: number, signed: boolean, mode: Rounding): number {
  const h = (signed ? hi | 0 : hi >>> 0) * TWO32;
  const l = lo >>> 0;
  const s = h + l;
  return mode === RN ? s : adjustF64(s, twoSumErr(h, l, s), mode);
}

/** `cvt.{rn,rz,rm,rp}.f32.{s64,u64}` from a pair: correctly rounded (no double rounding). */
export function int64ToF32(lo: number, hi: number, signed: boolean, mode: Rounding): number {
  return roundF32(pairToOdd(lo, hi, signed), mode);
}

/** `cvt.{rn,rz,rm,rp}.f16.{s64,u64}` from a pair → binary16 bits. */
export function int64ToF16(lo: number, hi: number, signed: boolean, mode: Rounding): number {
  return roundTo16Bits(pairToOdd(lo, hi, signed), mode, 10, -14);
}

/** `cvt.{rn,rz,rm,rp}.bf16.{s64,u64}` from a pair → bfloat16 bits. */
export function int64ToBF16(lo: number, hi: number, signed: boolean, mode: Rounding): number {
  return roundTo16Bits(pairToOdd(lo, hi, signed), mode, 7, -126);
}

/** `cvt.{rn,rz,rm,rp}.f64.{s64,u64}` from a BigInt. */
export function bigToF64(x: bigint, mode: Rounding): number {
  return bigIntToF64(x, mode);
}

/** `cvt.{rn,rz,rm,rp}.f32.{s64,u64}` from a BigInt (`x` already interpreted signed/unsigned). */
export function bigToF32(x: bigint, mode: Rounding): number {
  const d = Number(x); // RN; |x| < 2^64, so BigInt(d) is exact
  const t = BigInt(d);
  return roundF32(toOdd(d, x === t ? 0 : x > t ? 1 : -1), mode);
}

// ---------------------------------------------------------------- float → float

/**
 * `cvt.{rn,rz,rm,rp}.f32.f64 d, a`. For `.ftz` apply `ftzF32` to the result, for `.sat`
 * `satF32`. NaN → NaN, whose register pattern on sm_90 is NOT the canonical f32 NaN but keeps the
 * sign and top payload bits: nan.ts `f64NaNToF32Bits` (with `.sat`: +0).
 */
export function f64ToF32(x: number, mode: Rounding): number {
  return roundF32(x, mode);
}

/**
 * `cvt.{rni,rzi,rmi,rpi}.{f32.f32,f64.f64}` (and `.f16.f16` after decoding): round to an
 * integral value in the same format; ±0, ±∞, NaN pass through. For `.ftz` flush the f32 input.
 */
export function roundIntegral(x: number, mode: Rounding): number {
  return roundToIntegral(x, mode);
}

// ---------------------------------------------------------------- integer → integer

/**
 * `cvt{.sat}.dtype.atype` between 8/16/32-bit integer types: the source value is the low
 * `srcBits` bits of `x` read as signed/unsigned; without `.sat` it is wrapped to the destination
 * (truncation, then sign/zero extension per the destination type), with `.sat` clamped to its
 * range.
 */
export function intToInt(x: number, srcBits: number, srcSigned: boolean, dstBits: number, dstSigned: boolean, sat: boolean): number {
  const v = wrapInt(x, srcBits, srcSigned);
  return sat ? satInt(v, dstBits, dstSigned) : wrapInt(v, dstBits, dstSigned);
}

/** `cvt{.sat}.{s64,u64}.atype` from an 8/16/32-bit integer (BigInt result). */
export function intToInt64Big(x: number, srcBits: number, srcSigned: boolean, dstSigned: boolean, sat: boolean): bigint {
  const v = wrapInt(x, srcBits, srcSigned);
  if (sat && !dstSigned && v < 0) return 0n;
  return BigInt.asIntN(64, BigInt(v));
}

/** `cvt{.sat}.dtype.{s64,u64}` to an 8/16/32-bit integer type (`x` as a BigInt). */
export function int64ToIntBig(x: bigint, srcSigned: boolean, dstBits: number, dstSigned: boolean, sat: boolean): number {
  const v = srcSigned ? BigInt.asIntN(64, x) : BigInt.asUintN(64, x);
  if (sat) {
    const max = dstSigned ? (1n << BigInt(dstBits - 1)) - 1n : (1n << BigInt(dstBits)) - 1n;
    const min = dstSigned ? -(1n << BigInt(dstBits - 1)) : 0n;
    return Number(v > max ? max : v < min ? min : v);
  }
  return wrapInt(Number(BigInt.asIntN(32, v)), dstBits, dstSigned);
}

/** `cvt.sat.{s64,u64}.{u64,s64}` between the two 64-bit types (BigInt). */
export function int64ToInt64Big(x: bigint, srcSigned: boolean, dstSigned: boolean, sat: boolean): bigint {
  const v = srcSigned ? BigInt.asIntN(64, x) : BigInt.asUintN(64, x);
  if (!sat) return BigInt.asIntN(64, v);
  if (dstSigned) return v > 0x7fffffffffffffffn ? 0x7fffffffffffffffn : v;
  return v < 0n ? 0n : BigInt.asIntN(64, v);
}
