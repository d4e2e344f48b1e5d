/**
 * Bit-level views of JS numbers as IEEE binary32 / binary64 values, canonical NaN constants, and
 * the `nextUp` / `nextDown` steps the directed roundings need.
 *
 * Everything here works through one module-level 8-byte scratch buffer, so no call allocates.
 * The host must be little-endian (x86-64 and arm64 are); the module throws at load otherwise.
 *
 * **NaN representation.** NaN bit patterns cannot travel reliably inside JS numbers: V8's
 * optimizing compiler folds NaN constants to `0x7FF8_0000_0000_0000` (a module-level NaN with a
 * chosen payload comes back as `0x7FC00000` once stored to a `Float32Array` from optimized code —
 * observed in this folder's tests), and host arithmetic propagates host payloads. So every
 * function of this folder only promises *a* NaN; the register write produces the GPU's bit pattern:
 * {@link storeF32} / {@link f32ToBits} write the canonical `0x7FFFFFFF` that sm_90 returns for
 * every single-precision arithmetic NaN result (measured, also for `abs`/`neg`), {@link storeF64}
 * the double-precision default NaN `0xFFF80000_00000000` of an invalid operation. Double-precision
 * NaN results that propagate an operand's payload, and the conversions that carry payloads across
 * formats, are built from the operands' words with nan.ts (its table lists every rule).
 * `copysign` and `mov` are pure bit operations (`copysignF32Bits` …).
 * @module
 */

const scratch = new ArrayBuffer(8);
const F64 = new Float64Array(scratch);
const F32 = new Float32Array(scratch);
const U32 = new Uint32Array(scratch);

F64[0] = 1;
if (U32[1] !== 0x3ff00000) throw new Error('cudajs emu/num: a little-endian host is required');

/** Canonical NaN that sm_90 produces for every single-precision result that is NaN: `0x7FFFFFFF`. */
export const F32_CANONICAL_NAN_BITS = 0x7fffffff;

/**
 * High word of the NaN {@link storeF64} writes: `0xFFF80000_00000000`, what sm_90 returns for a
 * double-precision NaN result that no NaN operand produced (∞ − ∞, 0 · ∞, √−1; measured on the
 * H100, gpu-truth.md F64-NAN; CUDA's `CUDART_NAN`). A NaN operand propagates instead (quieted,
 * payload and sign kept): nan.ts. (Before the GPU run this was `0x7FFFFFFF_FFFFFFFF`.)
 */
export const F64_CANONICAL_NAN_HI = 0xfff80000;
/** Low word of the double-precision default NaN; see {@link F64_CANONICAL_NAN_HI}. */
export const F64_CANONICAL_NAN_LO = 0;

/** Canonical half-precision NaN (`CUDART_NAN_FP16`, what `min`/`max` return when both inputs are NaN). */
export const F16_CANONICAL_NAN = 0x7fff;
/** Canonical bfloat16 NaN (`CUDART_NAN_BF16`). */
export const BF16_CANONICAL_NAN = 0x7fff;

/** Smallest positive normal binary32, 2^-126. */
export const F32_MIN_NORMAL = 1.1754943508222875e-38;
/** Largest finite binary32, (2 − 2^-23)·2^127. */
export const F32_MAX = 3.4028234663852886e38;
/** Smallest positive normal binary64, 2^-1022. */
export const F64_MIN_NORMAL = 2.2250738585072014e-308;

/** The binary32 bit pattern (as an unsigned 32-bit number) of `x` rounded to binary32; NaN → `0x7FFFFFFF`. */
export function f32ToBits(x: number): number {
  if (x !== x) return F32_CANONICAL_NAN_BITS;
  F32[0] = x;
  return U32[0]!;
}

/** The binary32 bit pattern of `x` without canonicalizing NaN (payload as the host conversion keeps it). */
export function f32ToRawBits(x: number): number {
  F32[0] = x;
  return U32[0]!;
}

/**
 * Writes the binary32 result `x` into a register file viewed both as `f32` and `u32` (same
 * buffer): a NaN becomes the canonical `0x7FFFFFFF`, anything else is stored as is. Not for the
 * two conversions whose NaN keeps a payload on sm_90, `cvt.f32.f64` and `cvt.f32.bf16`
 * (nan.ts `f64NaNToF32Bits`, half.ts `bf16ToF32Bits`).
 */
export function storeF32(f32: Float32Array, u32: Uint32Array, i: number, x: number): void {
  if (x === x) f32[i] = x;
  else u32[i] = F32_CANONICAL_NAN_BITS;
}

/**
 * Writes the binary64 result `x` into element `i` of a register file viewed as `f64` and `u32`
 * (same buffer, little-endian): a NaN becomes the double-precision default NaN
 * ({@link F64_CANONICAL_NAN_HI}:{@link F64_CANONICAL_NAN_LO}), right when no operand was NaN.
 * When an operand may be NaN, build the result with nan.ts (`nanF64Add` …, then `storeNaN64`).
 */
export function storeF64(f64: Float64Array, u32: Uint32Array, i: number, x: number): void {
  if (x === x) {
    f64[i] = x;
  } else {
    u32[2 * i] = F64_CANONICAL_NAN_LO;
    u32[2 * i + 1] = F64_CANONICAL_NAN_HI;
  }
}

/** The binary32 value with bit pattern `bits` (low 32 bits used). Signaling NaNs come back quieted. */
export function bitsToF32(bits: number): number {
  U32[0] = bits;
  return F32[0]!;
}

/** High 32 bits (sign, exponent, top 20 fraction bits) of the binary64 `x`, unsigned. */
export function f64Hi(x: number): number {
  F64[0] = x;
  return U32[1]!;
}

/** Low 32 bits of the binary64 `x`, unsigned. */
export function f64Lo(x: number): number {
  F64[0] = x;
  return U32[0]!;
}

/** The binary64 with high word `hi` and low word `lo`. */
export function f64FromWords(hi: number, lo: number): number {
  U32[0] = lo;
  U32[1] = hi;
  return F64[0]!;
}

/** The binary64 bit pattern of `x` as an unsigned BigInt (allocates; for tests and slow paths). */
export function f64ToBigBits(x: number): bigint {
  F64[0] = x;
  return (BigInt(U32[1]!) << 32n) | BigInt(U32[0]!);
}

/** The binary64 with bit pattern `bits` (low 64 bits used). */
export function bigBitsToF64(bits: bigint): number {
  U32[0] = Number(bits & 0xffffffffn);
  U32[1] = Number((bits >> 32n) & 0xffffffffn);
  return F64[0]!;
}

/** True when the sign bit of `x` is set (also for −0 and NaNs with the sign bit set). */
export function signBit(x: number): boolean {
  F64[0] = x;
  return (U32[1]! & 0x80000000) !== 0;
}

/** True for −0 only. */
export function isNegZero(x: number): boolean {
  return x === 0 && 1 / x < 0;
}

const POW2 = new Float64Array(1024 + 1075);
for (let k = -1074; k <= 1023; k++) POW2[k + 1074] = Math.pow(2, k);

/** 2^k exactly, for integer k in [−1074, 1023] (a table lookup). */
export function pow2(k: number): number {
  return POW2[k + 1074]!;
}

/**
 * ⌊log2 |x|⌋ for finite nonzero `x`, exact (read from the exponent bits; subnormals handled).
 */
export function exponentOf(x: number): number {
  F64[0] = x;
  const biased = (U32[1]! >>> 20) & 0x7ff;
  if (biased !== 0) return biased - 1023;
  F64[0] = x * 18446744073709551616; // 2^64: subnormal doubles become normal
  return ((U32[1]! >>> 20) & 0x7ff) - 1023 - 64;
}

/** The least binary32 greater than the binary32 `x` (−0 and +0 → 2^-149; +∞ → +∞; NaN → NaN). */
export function nextUpF32(x: number): number {
  if (x !== x || x === Infinity) return x;
  if (x === 0) return 1.401298464324817e-45;
  F32[0] = x;
  U32[0] = x > 0 ? U32[0]! + 1 : U32[0]! - 1;
  return F32[0]!;
}

/** The greatest binary32 less than the binary32 `x`. */
export function nextDownF32(x: number): number {
  return -nextUpF32(-x);
}

/** The least binary64 greater than `x` (±0 → 2^-1074; +∞ → +∞; NaN → NaN). */
export function nextUpF64(x: number): number {
  if (x !== x || x === Infinity) return x;
  if (x === 0) return 5e-324;
  F64[0] = x;
  let lo = U32[0]!;
  let hi = U32[1]!;
  if (x > 0) {
    lo = (lo + 1) >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0;
  } else {
    if (lo === 0) hi = (hi - 1) >>> 0;
    lo = (lo - 1) >>> 0;
  }
  U32[0] = lo;
  U32[1] = hi;
  return F64[0]!;
}

/** The greatest binary64 less than `x`. */
export function nextDownF64(x: number): number {
  return -nextUpF64(-x);
}

/**
 * Round-to-odd combination of a double-double `s + e` where `s = RN(s + e)` and `e` is exact:
 * returns `s` when `e` is 0, else the one of `s` and its neighbour towards `e` whose last
 * significand bit is 1. Rounding the result once more to a format with at most 51 significand
 * bits, in any IEEE mode, gives the same result as rounding `s + e` directly (Boldo & Melquiond,
 * "Emulation of FMA and correctly rounded sums: proved algorithms using rounding to odd", IEEE TC
 * 2008, Theorem 1; needs two extra bits for nearest, one for directed modes). `s` must be finite,
 * and the binary64 grid around `s` must be at least two bits finer than the target's (true for
 * binary32/16 and bfloat16 targets, whose least quantum is ≥ 2^-149, whenever `s` ≥ 2^-1000).
 */
export function toOdd(s: number, e: number): number {
  if (e === 0) return s;
  F64[0] = s;
  const lo = U32[0]!;
  if ((lo & 1) !== 0) return s;
  if (e > 0 === s > 0) {
    U32[0] = lo + 1; // away from zero; lo is even, so no carry
  } else if (lo !== 0) {
    U32[0] = lo - 1; // towards zero
  } else {
    U32[0] = 0xffffffff;
    U32[1] = U32[1]! - 1;
  }
  return F64[0]!;
}
