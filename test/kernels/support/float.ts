/**
 * Exact floating-point arithmetic for the references: rounding of exact values to f64, f32, f16 and
 * bf16 in the four IEEE rounding modes, correctly rounded fused multiply-add in f32 and f64,
 * half-precision encoding and decoding, round-half-even, and ULP distances.
 *
 * The core is {@link roundToBits}: a finite value given exactly as ±mag·2^exp (mag a bigint) is
 * rounded once to the target format. Everything that must be bit-exact goes through it (or through
 * a JavaScript operation that is provably correctly rounded, like `Math.fround(a + b)` for f32
 * inputs, where double rounding is innocuous because 53 ≥ 2·24 + 2).
 * @module
 */

/** IEEE rounding modes as PTX names them: nearest-even, toward zero, down, up. */
export type RoundingMode = 'rn' | 'rz' | 'rd' | 'ru';

/** A binary floating-point format. */
export interface BinaryFormat {
  /** Significand bits, including the hidden bit. */
  readonly precision: number;
  /** Exponent field bits. */
  readonly exponentBits: number;
}

/** IEEE binary64 (double). */
export const F64: BinaryFormat = { precision: 53, exponentBits: 11 };
/** IEEE binary32 (float). */
export const F32: BinaryFormat = { precision: 24, exponentBits: 8 };
/** IEEE binary16 (__half). */
export const F16: BinaryFormat = { precision: 11, exponentBits: 5 };
/** bfloat16 (__nv_bfloat16). */
export const BF16: BinaryFormat = { precision: 8, exponentBits: 8 };

/** A finite value (−1)^neg · mag · 2^exp, exactly. */
export interface ExactValue {
  readonly neg: boolean;
  readonly mag: bigint;
  readonly exp: number;
}

const scratch = new DataView(new ArrayBuffer(8));

/** The bit pattern of a double. */
export function f64Bits(x: number): bigint {
  scratch.setFloat64(0, x, true);
  return scratch.getBigUint64(0, true);
}

/** The double with a bit pattern. */
export function f64FromBits(bits: bigint): number {
  scratch.setBigUint64(0, BigInt.asUintN(64, bits), true);
  return scratch.getFloat64(0, true);
}

/** The bit pattern of a float (x is rounded to f32 first). */
export function f32Bits(x: number): number {
  scratch.setFloat32(0, x, true);
  return scratch.getUint32(0, true);
}

/** The float (as a number) with a bit pattern. */
export function f32FromBits(bits: number): number {
  scratch.setUint32(0, bits >>> 0, true);
  return scratch.getFloat32(0, true);
}

/** Number of significant bits of a positive bigint. */
export function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** The exact value of a finite double. */
export function exactOf(x: number): ExactValue {
  if (!Number.isFinite(x)) throw new RangeError(`exactOf: ${x} is not finite`);
  const bits = f64Bits(x);
  const neg = bits >> 63n === 1n;
  const field = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  return field === 0 ? { neg, mag: frac, exp: -1074 } : { neg, mag: frac | (1n << 52n), exp: field - 1075 };
}

/**
 * Rounds an exact finite value to `format` with `mode` and returns the result's bit pattern
 * (subnormals, overflow to infinity or to the largest finite value per the mode, signed zeros).
 */
export function roundToBits(v: ExactValue, format: BinaryFormat, mode: RoundingMode): bigint {
  const p = format.precision;
  const bias = 2 ** (format.exponentBits - 1) - 1;
  const minLsb = 1 - bias - (p - 1);
  const maxLsb = bias - (p - 1);
  const maxField = BigInt(2 ** format.exponentBits - 1);
  const signBit = v.neg ? 1n << BigInt(format.exponentBits + p - 1) : 0n;
  if (v.mag === 0n) return signBit;
  const shift = Math.max(bitLength(v.mag) - p, minLsb - v.exp);
  let q: bigint;
  let lsb = v.exp + shift;
  if (shift > 0) {
    const s = BigInt(shift);
    q = v.mag >> s;
    const rem = v.mag & ((1n << s) - 1n);
    if (rem !== 0n) {
      const half = 1n << (s - 1n);
      const up = mode === 'rn' ? rem > half || (rem === half && (q & 1n) === 1n)
        : mode === 'rz' ? false
        : mode === 'ru' ? !v.neg
        : v.neg;
      if (up) q += 1n;
    }
    if (q === 1n << BigInt(p)) {
      q >>= 1n;
      lsb += 1;
    }
  } else {
    q = v.mag << BigInt(-shift);
  }
  const hidden = 1n << BigInt(p - 1);
  if (lsb > maxLsb) {
    const toInfinity = mode === 'rn' || (mode === 'ru' && !v.neg) || (mode === 'rd' && v.neg);
    return toInfinity ? signBit | (maxField << BigInt(p - 1)) : signBit | ((maxField - 1n) << BigInt(p - 1)) | (hidden - 1n);
  }
  if (q >= hidden) return signBit | (BigInt(lsb + p - 1 + bias) << BigInt(p - 1)) | (q - hidden);
  return signBit | q; // subnormal: lsb === minLsb
}

/** Rounds a double to f32 in any mode (NaN and infinities pass through). */
export function toF32(x: number, mode: RoundingMode = 'rn'): number {
  if (!Number.isFinite(x)) return Math.fround(x);
  if (mode === 'rn') return Math.fround(x);
  return f32FromBits(Number(roundToBits(exactOf(x), F32, mode)));
}

/** Converts an integer to f32 or f64 with a rounding mode (cvt.{rn,rz,rm,rp}.f32.s64 and friends). */
export function intToFloat(x: bigint, format: typeof F32 | typeof F64, mode: RoundingMode): number {
  const v: ExactValue = { neg: x < 0n, mag: x < 0n ? -x : x, exp: 0 };
  const bits = roundToBits(v, format, mode);
  return format === F64 ? f64FromBits(bits) : f32FromBits(Number(bits));
}

/** The GPU's canonical f16 NaN bit pattern. */
export const F16_NAN = 0x7fff;
/** The GPU's canonical bf16 NaN bit pattern. */
export const BF16_NAN = 0x7fff;

/** Encodes a double as binary16 bits, rounding once (cvt.{rn,rz}.f16.f32/.f64). */
export function f16FromNumber(x: number, mode: RoundingMode = 'rn'): number {
  if (Number.isNaN(x)) return F16_NAN;
  if (!Number.isFinite(x)) return x > 0 ? 0x7c00 : 0xfc00;
  return Number(roundToBits(exactOf(x), F16, mode));
}

/** Encodes a double as bfloat16 bits, rounding once. */
export function bf16FromNumber(x: number, mode: RoundingMode = 'rn'): number {
  if (Number.isNaN(x)) return BF16_NAN;
  if (!Number.isFinite(x)) return x > 0 ? 0x7f80 : 0xff80;
  return Number(roundToBits(exactOf(x), BF16, mode));
}

/** Decodes binary16 bits. */
export function f16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const field = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (field === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  if (field === 0) return sign * frac * 2 ** -24;
  return sign * (1024 + frac) * 2 ** (field - 25);
}

/** Decodes bfloat16 bits. */
export function bf16ToNumber(bits: number): number {
  return f32FromBits((bits & 0xffff) << 16);
}

/** The value of a bit pattern of `format` (exact: every such value is a double). */
export function decodeBits(bits: bigint, format: BinaryFormat): number {
  if (format === F64) return f64FromBits(bits);
  const p = format.precision, bias = 2 ** (format.exponentBits - 1) - 1;
  const sign = bits >> BigInt(format.exponentBits + p - 1) ? -1 : 1;
  const field = Number((bits >> BigInt(p - 1)) & BigInt(2 ** format.exponentBits - 1));
  const frac = Number(bits & ((1n << BigInt(p - 1)) - 1n));
  if (field === 2 ** format.exponentBits - 1) return frac === 0 ? sign * Infinity : NaN;
  if (field === 0) return sign * frac * 2 ** (2 - bias - p);
  return sign * (2 ** (p - 1) + frac) * 2 ** (field - bias - (p - 1));
}

/** Rounds a double to `format` (NaN and infinities pass through); returns the rounded value. */
export function roundNumber(x: number, format: BinaryFormat, mode: RoundingMode = 'rn'): number {
  if (!Number.isFinite(x)) return x;
  return decodeBits(roundToBits(exactOf(x), format, mode), format);
}

/**
 * a·b + c computed exactly and rounded once to `format` (a correctly rounded fused multiply-add in
 * that format), with IEEE semantics for signed zeros, infinities and NaN. With b = 1 it is a
 * correctly rounded addition; with c = −0 a correctly rounded multiplication.
 */
export function fmaRound(a: number, b: number, c: number, format: BinaryFormat, mode: RoundingMode = 'rn'): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a * b + c;
  if (!Number.isFinite(c)) return c;
  if (a === 0 || b === 0) return roundNumber(a * b + c, format, mode); // exact: a signed zero plus c
  const ea = exactOf(a), eb = exactOf(b), ec = exactOf(c);
  const pe = ea.exp + eb.exp;
  const e = Math.min(pe, ec.exp);
  const p = (ea.mag * eb.mag) << BigInt(pe - e);
  const q = ec.mag << BigInt(ec.exp - e);
  const sum = (ea.neg !== eb.neg ? -p : p) + (ec.neg ? -q : q);
  if (sum === 0n) return mode === 'rd' ? -0 : 0;
  return decodeBits(roundToBits({ neg: sum < 0n, mag: sum < 0n ? -sum : sum, exp: e }, format, mode), format);
}

/** Correctly rounded f64 fused multiply-add (fma.rn.f64). */
export function fma64(a: number, b: number, c: number): number {
  return fmaRound(a, b, c, F64);
}

/**
 * Correctly rounded f32 fused multiply-add of f32 inputs. The product is exact in a double; the sum
 * is rounded to odd in double precision (TwoSum, then a one-ulp nudge), which Math.fround then
 * rounds correctly to f32 (round-to-odd at ≥ p + 2 bits composes with any later rounding).
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  if (!Number.isFinite(s)) return Math.fround(s);
  const bv = s - p;
  const err = (p - (s - bv)) + (c - bv);
  if (err === 0) return Math.fround(s);
  scratch.setFloat64(0, s, true);
  let lo = scratch.getUint32(0, true);
  let hi = scratch.getUint32(4, true);
  if ((lo & 1) === 0) {
    const awayFromZero = (err > 0) === (s > 0);
    if (awayFromZero) {
      lo += 1;
    } else if (lo === 0) {
      lo = 0xffffffff;
      hi -= 1;
    } else {
      lo -= 1;
    }
    scratch.setUint32(0, lo >>> 0, true);
    scratch.setUint32(4, hi >>> 0, true);
  }
  return Math.fround(scratch.getFloat64(0, true));
}

/** Round to nearest integer, ties to even (cvt.rni; rint/rintf/nearbyint), keeping the sign of zero. */
export function rint(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 2 ** 52) return x;
  const f = Math.floor(x);
  const d = x - f;
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return r === 0 ? (x < 0 || Object.is(x, -0) ? -0 : 0) : r;
}

/** Rounds a double to an integral double in a mode. */
export function roundIntegral(x: number, mode: RoundingMode): number {
  switch (mode) {
    case 'rn': return rint(x);
    case 'rz': return Math.trunc(x);
    case 'rd': return Math.floor(x);
    case 'ru': return Math.ceil(x);
  }
}

/**
 * PTX float-to-integer conversion (cvt.{rni,rzi,rmi,rpi}.{s,u}{32,64}.f{32,64}) as the PTX ISA
 * states it: round, then saturate to the destination range; NaN converts to 0. The GPU agrees
 * except for NaN, where it returns 0 only for f32 sources and ≤ 32-bit destinations: kernel
 * references use {@link cvtFloatToInt}.
 */
export function floatToInt(x: number, mode: RoundingMode, bits: 32 | 64, signed: boolean): bigint {
  if (Number.isNaN(x)) return 0n;
  const lo = signed ? -(1n << BigInt(bits - 1)) : 0n;
  const hi = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  if (x === Infinity) return hi;
  if (x === -Infinity) return lo;
  const r = BigInt(roundIntegral(x, mode));
  return r < lo ? lo : r > hi ? hi : r;
}

/**
 * Float-to-integer conversion as the H100 computes it: {@link floatToInt}, except for NaN, which
 * gives 0 only from an f32 source to a 32-bit destination; a 64-bit destination gets
 * 0x8000000000000000 (INT64_MIN; `__float2ll_rn(NaN)`, `__double2ll_rz(NaN)`), and an f64 source
 * the destination's sign bit alone, 0x80000000 for 32 bits (INT32_MIN from `__double2int_rn(NaN)`;
 * the unsigned `__double2uint_rd(NaN)` is assumed to follow). Measured with
 * test/fixtures/num/truth.cu (gpu-truth.md, CVT-NAN); emu/num cvt.ts implements the same rule.
 */
export function cvtFloatToInt(x: number, mode: RoundingMode, bits: 32 | 64, signed: boolean, source: 'f32' | 'f64'): bigint {
  if (!Number.isNaN(x)) return floatToInt(x, mode, bits, signed);
  if (bits === 32 && source === 'f32') return 0n;
  return signed ? -(1n << BigInt(bits - 1)) : 1n << BigInt(bits - 1);
}

/** Position of a float on the integer line (adjacent floats differ by 1; ±0 map to 0). */
function ordinal(type: 'f32' | 'f64' | 'f16' | 'bf16', x: number): bigint {
  if (type === 'f64') {
    const b = f64Bits(x);
    return b >> 63n ? -(b & 0x7fffffffffffffffn) : b;
  }
  const b = type === 'f32' ? f32Bits(x) : type === 'f16' ? f16FromNumber(x) : bf16FromNumber(x);
  const signMask = type === 'f32' ? 0x80000000 : 0x8000;
  return BigInt((b & signMask) !== 0 ? -((b & (signMask - 1)) >>> 0) : b >>> 0);
}

/** Units in the last place of `type` between two finite values of that type. */
export function ulpDistance(type: 'f32' | 'f64' | 'f16' | 'bf16', a: number, b: number): number {
  const d = ordinal(type, a) - ordinal(type, b);
  return Number(d < 0n ? -d : d);
}
