/**
 * Rounding machinery shared by the float modules: the rounding-mode constants, error-free
 * transformations (TwoSum, Dekker's TwoProduct), rounding a binary64 to binary32 / binary16 /
 * bfloat16 in any IEEE mode, directed adjustment of a binary64 with a known error sign, and
 * rounding to an integral value (`.rni/.rzi/.rmi/.rpi`).
 *
 * Pattern used throughout: an operation computes `s = RN64(exact)` with JS arithmetic plus the
 * exact error `e` (or just its sign), then `toOdd(s, e)` ({@link toOdd}) and one final rounding to
 * the target format. This is correct for every target with ≤ 51 significand bits and every mode
 * (`toOdd` lives in bits.ts).
 * @module
 */
import { exponentOf, nextDownF32, nextDownF64, nextUpF32, nextUpF64, pow2, F32_MAX } from './bits.js';

/**
 * IEEE rounding direction of a PTX rounding modifier. The floating-point modifiers
 * `.rn/.rz/.rm/.rp` and the integer-rounding modifiers `.rni/.rzi/.rmi/.rpi` share these codes.
 */
export type Rounding = 0 | 1 | 2 | 3;
/** `.rn` / `.rni`: to nearest, ties to even. */
export const RN = 0;
/** `.rz` / `.rzi`: towards zero. */
export const RZ = 1;
/** `.rm` / `.rmi`: towards −∞. */
export const RM = 2;
/** `.rp` / `.rpi`: towards +∞. */
export const RP = 3;

/** The {@link Rounding} code of a PTX modifier name (`rn`, `rz`, `rm`, `rp`, `rni`, …). */
export function roundingFromName(name: string): Rounding {
  switch (name.startsWith('.') ? name.slice(1) : name) {
    case 'rn':
    case 'rni':
      return RN;
    case 'rz':
    case 'rzi':
      return RZ;
    case 'rm':
    case 'rmi':
      return RM;
    case 'rp':
    case 'rpi':
      return RP;
    default:
      throw new RangeError(`not a PTX rounding modifier: ${name}`);
  }
}

/**
 * Exact error of a binary64 addition (Knuth's TwoSum): for `s = a + b` computed in JS,
 * returns `e` with `a + b = s + e` exactly. Valid whenever `s` is finite.
 */
export function twoSumErr(a: number, b: number, s: number): number {
  const bb = s - a;
  return a - (s - bb) + (b - bb);
}

const SPLITTER = 134217729; // 2^27 + 1

/**
 * Exact error of a binary64 product (Dekker's TwoProduct with Veltkamp splitting): for
 * `p = a * b` computed in JS, returns `e` with `a·b = p + e` exactly. Valid when |a|, |b| < 2^995
 * (the split does not overflow), |p| < 2^1020 and |p| ≥ 2^-969 (the error is representable).
 */
export function twoProdErr(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/** A binary interchange format as the rounding code needs it. */
export interface FloatFormat {
  /** Significand bits including the implicit bit (binary32: 24). */
  readonly precision: number;
  /** Exponent of the least normal number (binary32: −126). */
  readonly emin: number;
  /** Exponent of the greatest finite number (binary32: 127). */
  readonly emax: number;
  /** Greatest finite value. */
  readonly max: number;
}

/** IEEE binary32. */
export const BINARY32: FloatFormat = { precision: 24, emin: -126, emax: 127, max: F32_MAX };
/** IEEE binary16 (`.f16`). */
export const BINARY16: FloatFormat = { precision: 11, emin: -14, emax: 15, max: 65504 };
/** bfloat16 (`.bf16`): binary32's exponent range with 8 significand bits. */
export const BFLOAT16: FloatFormat = { precision: 8, emin: -126, emax: 127, max: 3.3895313892515355e38 };

/** Result of rounding a finite value beyond a format's range, by mode and sign. */
function overflowed(mode: Rounding, neg: boolean, max: number): number {
  switch (mode) {
    case RN:
      return neg ? -Infinity : Infinity;
    case RZ:
      return neg ? -max : max;
    case RM:
      return neg ? -Infinity : max;
    default:
      return neg ? -max : Infinity;
  }
}

/**
 * A non-negative magnitude `m`, exact in a double, rounded to an
 * integer in `mode`, for a value of sign `neg`: ties to even, toward +∞, toward −∞, or toward zero.
 */
function roundMagnitude(m: number, mode: Rounding, neg: boolean): number {
  const mi = Math.floor(m);
  const frac = m - mi;
  if (frac === 0) return mi;
  if (mode === RN) return frac > 0.5 || (frac === 0.5 && (mi & 1) === 1) ? mi + 1 : mi;
  if (mode === RP) return neg ? mi : mi + 1;
  if (mode === RM) return neg ? mi + 1 : mi;
  return mi;
}

/**
 * Rounds `x`, taken as exact, to the format `fmt` in mode `mode`, with gradual underflow and
 * overflow to ±∞ or ±max per mode. Returns the result as a JS number (exactly representable in
 * `fmt`). NaN, ±∞ and ±0 pass through. Cost: a few flops and one exponent read; no allocation.
 */
export function roundToFormat(x: number, mode: Rounding, fmt: FloatFormat): number {
  if (x === 0 || x !== x || x === Infinity || x === -Infinity) return x;
  const neg = x < 0;
  const ax = neg ? -x : x;
  let e = exponentOf(ax);
  if (e > fmt.emax) return overflowed(mode, neg, fmt.max);
  if (e < fmt.emin) e = fmt.emin;
  const q = pow2(e - fmt.precision + 1);
  const m = ax / q; // exact: scaling by a power of two, m < 2^precision
  const mi = roundMagnitude(m, mode, neg);
  const r = mi * q;
  if (r > fmt.max) return neg ? -Infinity : Infinity; // rounded up past max: RN, or away from zero
  return neg ? -r : r;
}

/**
 * Rounds `x` (taken as exact) to a 16-bit binary format with `mant` fraction bits and least
 * normal exponent `emin` (binary16: 10, −14; bfloat16: 7, −126) in mode `mode`, and returns the
 * bit pattern: sign in bit 15, overflow to ±∞ or ±max per mode, gradual underflow, NaN → 0x7FFF.
 */
export function roundTo16Bits(x: number, mode: Rounding, mant: number, emin: number): number {
  if (x !== x) return 0x7fff;
  const neg = x < 0 || (x === 0 && 1 / x < 0);
  const sign = neg ? 0x8000 : 0;
  const ax = neg ? -x : x;
  const inf = (3 - 2 * emin) << mant; // all-ones exponent field
  if (ax === 0) return sign;
  if (ax === Infinity) return sign | inf;
  let e = exponentOf(ax);
  if (e > 1 - emin) {
    const toInf = mode === RN || (mode === RP && !neg) || (mode === RM && neg);
    return sign | (toInf ? inf : inf - 1);
  }
  if (e < emin) e = emin;
  const m = ax * pow2(mant - e); // exact: m < 2^(mant+1)
  const mi = roundMagnitude(m, mode, neg);
  // normal: biased exponent e − emin + 1 with the implicit bit of mi; subnormal: mi < 2^mant
  const bits = ((e - emin) << mant) + mi;
  return sign | (bits >= inf ? inf : bits); // a carry past max only happens when rounding away
}

/**
 * Rounds the binary64 `x`, taken as exact, to binary32 in mode `mode` (`.rn` is `Math.fround`).
 * Equivalent to `roundToFormat(x, mode, BINARY32)`, faster.
 */
export function roundF32(x: number, mode: Rounding): number {
  const f = Math.fround(x);
  if (mode === RN || f === x || f !== f) return f;
  // x lies strictly between f = RN(x) and f's neighbour on x's side
  const up = x > f;
  const towardsPlus = mode === RP || (mode === RZ && x < 0);
  if (towardsPlus !== up) return f; // the directed result is f itself
  if (f === Infinity || f === -Infinity) return up ? -F32_MAX : F32_MAX; // RN overflowed, directed does not
  return up ? nextUpF32(f) : nextDownF32(f);
}

/**
 * Directed rounding of a binary64 value given as `s = RN64(v)` plus the sign of the error
 * `v − s` (`err`, any number whose sign is that of the error; 0 when `s` is exact). For `.rn`
 * returns `s`. `s` must be finite; overflow (an infinite `s` from finite operands) is handled by
 * {@link roundOverflowF64}.
 */
export function adjustF64(s: number, err: number, mode: Rounding): number {
  if (err === 0 || mode === RN) return s;
  if (mode === RP) return err > 0 ? nextUpF64(s) : s;
  if (mode === RM) return err < 0 ? nextDownF64(s) : s;
  if (s > 0) return err < 0 ? nextDownF64(s) : s;
  return err > 0 ? nextUpF64(s) : s;
}

/**
 * The binary64 result in mode `mode` of a finite exact value whose round-to-nearest was ±∞
 * (`inf` gives the sign): ±∞ or ±`Number.MAX_VALUE`.
 */
export function roundOverflowF64(inf: number, mode: Rounding): number {
  return overflowed(mode, inf < 0, Number.MAX_VALUE);
}

/**
 * `x` rounded to an integral value in mode `mode`: `.rni` ties to even, `.rzi` truncation,
 * `.rmi` floor, `.rpi` ceiling. Sign of zero is kept (−0.4 → −0). NaN and ±∞ pass through.
 */
export function roundToIntegral(x: number, mode: Rounding): number {
  switch (mode) {
    case RN: {
      const r = Math.round(x); // ties towards +∞
      return r - x === 0.5 && (r & 1) !== 0 && Math.abs(r) < 4503599627370496 ? r - 1 : r;
    }
    case RZ:
      return Math.trunc(x);
    case RM:
      return Math.floor(x);
    default:
      return Math.ceil(x);
  }
}
