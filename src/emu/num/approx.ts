/**
 * Approximate instructions (PTX ISA 9.1 §9.7.3): `ex2`, `lg2`, `sin`, `cos`, `tanh`, `rsqrt`,
 * `rcp.approx`, `sqrt.approx`, `div.approx`, `div.full`, and the "gross" double-precision
 * `rcp.approx.ftz.f64` / `rsqrt.approx.ftz.f64`.
 *
 * The GPU's results come from the SFU (MUFU) and cannot be reproduced bit for bit without its
 * tables. These functions compute the mathematical value in binary64 (≤ 1 ulp of binary64) and
 * round once to binary32, so they are within ~0.5 ulp of the true value — inside every bound the
 * ISA states ({@link APPROX_BOUNDS}). Special inputs follow the ISA's tables; where sm_90 was
 * observed (vosen/ptx_tests) to treat subnormal inputs as zero even without `.ftz` (`rcp`,
 * `rsqrt`, `sqrt`, `lg2`, `sin`, `cos`), so do these; see gpu-truth.md APPROX-SUBNORMAL.
 *
 * `ftz` = the `.ftz` modifier: subnormal inputs and results flushed to sign-preserving zero.
 * @module
 */
import { F32_MIN_NORMAL, f64FromWords, f64Hi } from './bits.js';
import { ftzF32 } from './f32.js';
import { RN, roundToFormat, type FloatFormat } from './round.js';

/** Error bounds the PTX ISA 9.1 gives for the approximate instructions on sm_90. */
export const APPROX_BOUNDS = {
  /** §9.7.3.21 `ex2.approx.f32`: max 2 ulp from the correctly rounded result, full range. */
  ex2Ulp: 2,
  /** §9.7.3.20 `lg2.approx.f32`: max absolute error 2^-22 for inputs in (0.5, 2)… */
  lg2AbsIn05to2: 2 ** -22,
  /** …and max relative error 2^-22 for other positive finite inputs. */
  lg2Rel: 2 ** -22,
  /** §9.7.3.18/19 `sin`/`cos.approx.f32`: max absolute error 2^-20.5 in [−2π, 2π]… */
  sinCosAbsIn2Pi: 2 ** -20.5,
  /** …and 2^-14.7 in [−100π, 100π]; none outside. */
  sinCosAbsIn100Pi: 2 ** -14.7,
  /** §9.7.3.22 `tanh.approx.f32`: max relative error 2^-11 over the whole range. */
  tanhRel: 2 ** -11,
  /** §9.7.3.16 `rsqrt.approx.f32`: max relative error 2^-22.9 over positive finite inputs. */
  rsqrtRel: 2 ** -22.9,
  /** §9.7.3.15 `sqrt.approx.f32`: max relative error 2^-23 over positive finite inputs. */
  sqrtRel: 2 ** -23,
  /** §9.7.3.13 `rcp.approx.f32`: max 1 ulp, full range. */
  rcpUlp: 1,
  /** §9.7.3.8 `div.approx.f32`: max 2 ulp for |b| in [2^-126, 2^126]. */
  divApproxUlp: 2,
  /** §9.7.3.8 `div.full.f32`: max 2 ulp, full range. */
  divFullUlp: 2,
} as const;

function flushOut(r: number, ftz: boolean): number {
  return ftz ? ftzF32(r) : r;
}

/** True for ±0 and binary32 subnormals. */
function zeroOrSub(x: number): boolean {
  return x < F32_MIN_NORMAL && x > -F32_MIN_NORMAL;
}

/** `ex2.approx{.ftz}.f32 d, a`: 2^a. −∞ → +0, ±0 → 1, +∞ → +∞. */
export function ex2ApproxF32(a: number, ftz: boolean): number {
  if (ftz) a = ftzF32(a);
  return flushOut(Math.fround(2 ** a), ftz);
}

/**
 * `lg2.approx{.ftz}.f32 d, a`: log2(a). ±0 and subnormals → −∞, negatives → NaN, +∞ → +∞.
 * `.ftz` changes nothing: subnormal inputs already give −∞ and results are never subnormal.
 */
export function lg2ApproxF32(a: number, _ftz: boolean): number {
  if (zeroOrSub(a)) return -Infinity;
  return Math.fround(Math.log2(a));
}

/** `sin.approx{.ftz}.f32 d, a` (radians). Subnormals → ±0; ±∞ → NaN. */
export function sinApproxF32(a: number, ftz: boolean): number {
  if (zeroOrSub(a)) return a < 0 || 1 / a < 0 ? -0 : 0;
  return flushOut(Math.fround(Math.sin(a)), ftz);
}

/** `cos.approx{.ftz}.f32 d, a` (radians). ±0 and subnormals → 1; ±∞ → NaN. */
export function cosApproxF32(a: number, ftz: boolean): number {
  if (zeroOrSub(a)) return 1;
  return flushOut(Math.fround(Math.cos(a)), ftz);
}

/** `tanh.approx.f32 d, a`. ±∞ → ±1; subnormal inputs pass through (tanh x ≈ x). */
export function tanhApproxF32(a: number): number {
  if (zeroOrSub(a)) return a;
  return Math.fround(Math.tanh(a));
}

/**
 * `rsqrt.approx{.ftz}.f32 d, a`: 1/√a. +0 and positive subnormals → +∞, −0 and negative
 * subnormals → −∞, other negatives → NaN, +∞ → +0.
 */
export function rsqrtApproxF32(a: number, ftz: boolean): number {
  if (zeroOrSub(a)) return a < 0 || 1 / a < 0 ? -Infinity : Infinity;
  return flushOut(Math.fround(1 / Math.sqrt(a)), ftz);
}

/**
 * `rcp.approx{.ftz}.f32 d, a`: 1/a (here correctly rounded, within the 1-ulp bound). ±0 and
 * subnormals → ±∞, ±∞ → ±0.
 */
export function rcpApproxF32(a: number, ftz: boolean): number {
  if (zeroOrSub(a)) return a < 0 || 1 / a < 0 ? -Infinity : Infinity;
  return flushOut(Math.fround(1 / a), ftz);
}

/**
 * `sqrt.approx{.ftz}.f32 d, a`: √a (correctly rounded, within 2^-23). Subnormals → ±0, other
 * negatives → NaN. `.ftz` changes nothing (results are never subnormal).
 */
export function sqrtApproxF32(a: number, _ftz: boolean): number {
  if (zeroOrSub(a)) return a < 0 || 1 / a < 0 ? -0 : 0;
  return Math.fround(Math.sqrt(a));
}

/**
 * `div.approx{.ftz}.f32 d, a, b`, modelled as the ISA defines it: `a · rcp(b)` with the
 * reciprocal flushed to zero when it is subnormal. This reproduces the documented behaviour for
 * 2^126 < |b| < 2^128 (sign-preserving zero, or NaN when a is ∞) and stays within 2 ulp for
 * |b| in [2^-126, 2^126].
 */
export function divApproxF32(a: number, b: number, ftz: boolean): number {
  if (ftz) a = ftzF32(a);
  const r = rcpApproxF32(b, true);
  return flushOut(Math.fround(a * r), ftz);
}

/**
 * `div.full{.ftz}.f32 d, a, b`: full-range approximate division (max 2 ulp); here correctly
 * rounded.
 */
export function divFullF32(a: number, b: number, ftz: boolean): number {
  if (ftz) {
    a = ftzF32(a);
    b = ftzF32(b);
  }
  return flushOut(Math.fround(a / b), ftz);
}

/** `rsqrt.approx.f64 d, a`: 1/√a in double precision (software on the GPU; no stated bound). */
export function rsqrtApproxF64(a: number): number {
  if (a === 0) return 1 / a;
  return 1 / Math.sqrt(a);
}

/** binary64 with 20 fraction bits: the "1.11.20" format of the `.ftz.f64` gross approximations. */
const F64_HI: FloatFormat = { precision: 21, emin: -1022, emax: 1023, max: (2 - 2 ** -20) * 2 ** 1023 };

/** The high word of a "1.11.20" result; subnormal results flush to sign-preserving zero. */
function hiWordOf(r: number): number {
  const v = roundToFormat(r, RN, F64_HI);
  if (v !== 0 && Math.abs(v) < 2.2250738585072014e-308) return v < 0 ? 0x80000000 : 0;
  return f64Hi(v);
}

/**
 * `rcp.approx.ftz.f64 d, a` on words: takes the high word of `a` (its low word is ignored) and
 * returns the high word of `d` (its low word is 0). Input NaN → `0x7FFFFFFF` (the documented
 * canonical `0x7FFFFFFF_00000000`); subnormal/zero → ±∞; ±∞ → ±0. The 20-bit fraction is
 * rounded to nearest here; the SFU's exact result is unknown (gpu-truth.md RCP64H).
 */
export function rcpApproxFtzF64Hi(aHi: number): number {
  const exp = (aHi >>> 20) & 0x7ff;
  const sign = aHi & 0x80000000;
  if (exp === 0x7ff) return (aHi & 0xfffff) !== 0 ? 0x7fffffff : sign >>> 0;
  if (exp === 0) return (sign | 0x7ff00000) >>> 0;
  return hiWordOf(1 / f64FromWords(aHi >>> 0, 0));
}

/**
 * `rsqrt.approx.ftz.f64 d, a` on words, like {@link rcpApproxFtzF64Hi}: −subnormal/−0 → −∞,
 * +subnormal/+0 → +∞, negatives and −∞ → NaN (`0x7FFFFFFF`), +∞ → +0.
 */
export function rsqrtApproxFtzF64Hi(aHi: number): number {
  const exp = (aHi >>> 20) & 0x7ff;
  const neg = (aHi & 0x80000000) !== 0;
  if (exp === 0x7ff) return (aHi & 0xfffff) !== 0 || neg ? 0x7fffffff : 0;
  if (exp === 0) return neg ? 0xfff00000 : 0x7ff00000;
  if (neg) return 0x7fffffff;
  return hiWordOf(1 / Math.sqrt(f64FromWords(aHi >>> 0, 0)));
}

// ---------------------------------------------------------------- ULP distances (for tests)

const dv = new DataView(new ArrayBuffer(8));

/**
 * Distance in binary32 ulps between two binary32 values: the number of representable values
 * between them (±0 count as one value). 0 when both are NaN, +∞ when exactly one is.
 */
export function ulpDistanceF32(a: number, b: number): number {
  if (a !== a || b !== b) return a !== a && b !== b ? 0 : Infinity;
  dv.setFloat32(0, a);
  const ua = dv.getUint32(0);
  dv.setFloat32(0, b);
  const ub = dv.getUint32(0);
  const oa = ua >= 0x80000000 ? -(ua - 0x80000000) : ua;
  const ob = ub >= 0x80000000 ? -(ub - 0x80000000) : ub;
  return Math.abs(oa - ob);
}

/** Distance in binary64 ulps between two doubles (as {@link ulpDistanceF32}); allocates. */
export function ulpDistanceF64(a: number, b: number): number {
  if (a !== a || b !== b) return a !== a && b !== b ? 0 : Infinity;
  dv.setFloat64(0, a);
  const ua = dv.getBigUint64(0);
  dv.setFloat64(0, b);
  const ub = dv.getBigUint64(0);
  const s = 1n << 63n;
  const oa = ua >= s ? -(ua - s) : ua;
  const ob = ub >= s ? -(ub - s) : ub;
  const d = oa - ob;
  return Number(d < 0n ? -d : d);
}
