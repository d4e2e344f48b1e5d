/**
 * Approximate instructions (PTX ISA 9.1 §9.7.3): `ex2`, `lg2`, `sin`, `cos`, `tanh`, `rsqrt`,
 * `rcp.approx`, `sqrt.approx`, `div.approx`, `div.full`, the "gross" double-precision
 * `rcp.approx.ftz.f64` / `rsqrt.approx.ftz.f64`, and `rsqrt.approx.f64`.
 *
 * The single-precision results come from the SFU (MUFU) and cannot be reproduced bit for bit
 * without its tables. These functions follow what the H100 was measured to do
 * (test/fixtures/num/truth.cu; gpu-truth.md APPROX-*): the same special values (zeros,
 * infinities, NaN, subnormal handling, and the exact zeros of `sin`/`cos` that come from the
 * hardware's range reduction), the same algorithm around the SFU where the instruction is a
 * sequence (`div.approx` = a · rcp(b), `div.full` = the same with operand scaling,
 * `sin`/`cos` = SFU of the RZ-scaled, 2^-25-truncated fraction of a revolution,
 * `rsqrt.approx.f64` = the SFU seed and one second-order Newton step), and in place of each SFU
 * result its correctly rounded value — within one ulp of the SFU's in the measured cases and
 * inside every bound the ISA states ({@link APPROX_BOUNDS}).
 *
 * Without `.ftz`, subnormal inputs are NOT flushed (sm_90 computes `rcp`, `rsqrt`, `sqrt`, `lg2`,
 * `div.approx`, `div.full` of subnormals; the ptx_tests tables that said otherwise were wrong for
 * sm_90). `ftz` = the `.ftz` modifier: subnormal inputs and results flushed to sign-preserving zero.
 * @module
 */
import { F32_MIN_NORMAL, exponentOf, f64FromWords, f64Hi } from './bits.js';
import { ftzF32, mulF32 } from './f32.js';
import { fmaF64 } from './fma.js';
import { RN, RZ } from './round.js';

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

/** 2^(i/64), i = 0 … 63. */
const EX2_FRAC = Float64Array.from({ length: 64 }, (_, i) => 2 ** (i / 64));
/** 2^n, n = −160 … 139 (exact), at index n + 160. */
const EX2_SCALE = Float64Array.from({ length: 300 }, (_, i) => 2 ** (i - 160));
/** Taylor coefficients of 2^r = e^(r·ln 2): (ln 2)^k / k!. */
const EX2_C1 = Math.LN2;
const EX2_C2 = (Math.LN2 * Math.LN2) / 2;
const EX2_C3 = (EX2_C2 * Math.LN2) / 3;
const EX2_C4 = (EX2_C3 * Math.LN2) / 4;
const EX2_C5 = (EX2_C4 * Math.LN2) / 5;

/**
 * `ex2.approx{.ftz}.f32 d, a`: 2^a. −∞ → +0, ±0 and subnormals → 1, +∞ → +∞.
 *
 * In place of the SFU, 2^a in binary64 rounded once to binary32: a = k/64 + r with |r| ≤ 1/128
 * (exact for a binary32 a), 2^a = 2^⌊k/64⌋ · 2^((k mod 64)/64) · 2^r, the middle factor from a
 * table and 2^r from its degree-5 Taylor polynomial (truncation below 4·10^-17). The binary64
 * value is within a few units of 2^-53 (relative) of 2^a, so the binary32 result is the correctly
 * rounded one except when 2^a lies that close to a binary32 midpoint — as for `Math.fround(2 ** a)`,
 * which this replaced for speed: the two agree on every binary32 input (checked exhaustively over
 * the 2.25·10^9 inputs in (−152, 129); outside, `2 ** a` is still used). Within the ISA's 2 ulp.
 */
export function ex2ApproxF32(a: number, ftz: boolean): number {
  if (a > -152 && a < 129) {
    // (a subnormal a gives 1 either way: .ftz needs no input flush here)
    // k = round(64·a), to nearest even by the 1.5·2^52 shifter (exact: |64·a| < 2^14); cheaper
    // than Math.round, which V8 may compile to a runtime call
    const k = a * 64 + 6755399441055744 - 6755399441055744;
    const r = a - k / 64;
    const p = 1 + r * (EX2_C1 + r * (EX2_C2 + r * (EX2_C3 + r * (EX2_C4 + r * EX2_C5))));
    const y = Math.fround(EX2_SCALE[(k >> 6) + 160]! * (EX2_FRAC[k & 63]! * p));
    return ftz && y < F32_MIN_NORMAL ? 0 : y;
  }
  // NaN, ±∞ and the ends of the range (+∞ above 2^128, +0 below 2^-150)
  return flushOut(Math.fround(2 ** a), ftz);
}

/**
 * `lg2.approx{.ftz}.f32 d, a`: log2(a). ±0 → −∞, negatives (also −subnormals) → NaN, +∞ → +∞;
 * positive subnormals give their finite logarithm (≥ −149) unless `.ftz` flushes them to −∞.
 */
export function lg2ApproxF32(a: number, ftz: boolean): number {
  if (ftz) a = ftzF32(a);
  if (a === 0) return -Infinity;
  return Math.fround(Math.log2(a)); // NaN for negatives and NaN
}

/** fround(1/(2π)) = `0x3E22F983`, the constant sm_90 scales `sin`/`cos` arguments by. */
const INV_2PI_F32 = 0.15915493667125702;
const TWO_PI = 2 * Math.PI;

/**
 * The SFU's view of a `sin`/`cos` argument as sm_90 computes it (matches every exact zero the H100
 * returned): t = RZ(a · fround(1/2π)) in binary32, its fractional part |t| − ⌊|t|⌋ truncated to a
 * multiple of 2^-25, then split as n/4 + r with r ∈ [−1/8, 1/8]. Sets {@link SC_N} and returns r.
 */
function revolutions(a: number): number {
  let u = Math.abs(mulF32(a, INV_2PI_F32, RZ));
  u -= Math.floor(u);
  u = Math.floor(u * 33554432) / 33554432;
  const n = Math.round(u * 4);
  SC_N = n & 3;
  return u - n / 4;
}
let SC_N = 0;

/**
 * `sin.approx{.ftz}.f32 d, a` (radians), modelled on sm_90's range reduction ({@link revolutions}):
 * ±0, subnormals and |a| < 2π·2^-25 (≈ 1.9e-7) → ±0 with a's sign; a whole number of half turns
 * → a signed zero as the hardware gives it (−0 for +π·k with k odd, …); ±∞ → NaN. Within the ISA's
 * 2^-20.5 absolute bound in [−2π, 2π] (the truncation alone costs up to 2π·2^-25 ≈ 2^-22.4).
 */
export function sinApproxF32(a: number, ftz: boolean): number {
  if (ftz) a = ftzF32(a);
  if (a - a !== 0) return NaN;
  const r = revolutions(a) * TWO_PI;
  const v = SC_N === 0 ? Math.sin(r) : SC_N === 1 ? Math.cos(r) : SC_N === 2 ? -Math.sin(r) : -Math.cos(r);
  return Math.fround(a < 0 || (a === 0 && 1 / a < 0) ? -v : v);
}

/**
 * `cos.approx{.ftz}.f32 d, a` (radians), with the same range reduction as {@link sinApproxF32}:
 * ±0, subnormals and tiny arguments → 1; three quarter turns → +0 (measured), a quarter turn → −0
 * (by the same quadrant logic; not measured); ±∞ → NaN.
 */
export function cosApproxF32(a: number, ftz: boolean): number {
  if (ftz) a = ftzF32(a);
  if (a - a !== 0) return NaN;
  const r = revolutions(a) * TWO_PI;
  return Math.fround(SC_N === 0 ? Math.cos(r) : SC_N === 1 ? -Math.sin(r) : SC_N === 2 ? -Math.cos(r) : Math.sin(r));
}

/** `tanh.approx.f32 d, a`. ±∞ → ±1; subnormal inputs pass through (tanh x ≈ x). */
export function tanhApproxF32(a: number): number {
  if (a !== 0 && a < F32_MIN_NORMAL && a > -F32_MIN_NORMAL) return a;
  return Math.fround(Math.tanh(a));
}

/**
 * `rsqrt.approx{.ftz}.f32 d, a`: 1/√a. +0 → +∞, −0 → −∞, negatives (also −subnormals) → NaN,
 * +∞ → +0; positive subnormals give their finite result unless `.ftz` flushes them (→ +∞).
 */
export function rsqrtApproxF32(a: number, ftz: boolean): number {
  if (ftz) a = ftzF32(a);
  if (a === 0) return 1 / a;
  return Math.fround(1 / Math.sqrt(a));
}

/**
 * `rcp.approx{.ftz}.f32 d, a`: 1/a (here correctly rounded; the SFU is within the 1-ulp bound).
 * ±0 → ±∞, ±∞ → ±0. Without `.ftz` a subnormal input gives its (large or infinite) reciprocal and
 * a result below 2^-126 stays subnormal; with `.ftz` both are flushed.
 */
export function rcpApproxF32(a: number, ftz: boolean): number {
  if (ftz) a = ftzF32(a);
  return flushOut(Math.fround(1 / a), ftz);
}

/**
 * `sqrt.approx{.ftz}.f32 d, a`: √a (correctly rounded, within 2^-23). −0 → −0, negatives (also
 * −subnormals) → NaN; positive subnormals give their root unless `.ftz` flushes them (→ +0).
 */
export function sqrtApproxF32(a: number, ftz: boolean): number {
  if (ftz) a = ftzF32(a);
  return Math.fround(Math.sqrt(a));
}

/**
 * `div.approx{.ftz}.f32 d, a, b`, as the ISA defines it and sm_90 computes it: `a · rcp(b)` where
 * the reciprocal is flushed to a signed zero when it is subnormal (2^126 < |b| < 2^128: the result
 * is a signed zero, or NaN when a is ∞). Without `.ftz` a subnormal `b` is not flushed (its
 * reciprocal is large but finite down to |b| = 2^-128). Within 2 ulp for |b| in [2^-126, 2^126].
 */
export function divApproxF32(a: number, b: number, ftz: boolean): number {
  if (ftz) {
    a = ftzF32(a);
    b = ftzF32(b);
  }
  return flushOut(Math.fround(a * ftzF32(Math.fround(1 / b))), ftz);
}

/**
 * `div.full{.ftz}.f32 d, a, b`: full-range approximate division (max 2 ulp), with sm_90's
 * algorithm: `a' · rcp(b')` where a' = a/4, b' = b/4 when |b| > 2^126 and a' = a·2^24,
 * b' = b·2^24 when b is subnormal, so that the reciprocal stays normal. The SFU reciprocal is
 * replaced by the correctly rounded one: every GPU result of the truth run equals `a' · r` for r
 * within one ulp of it, 93% for r itself.
 */
export function divFullF32(a: number, b: number, ftz: boolean): number {
  if (ftz) {
    a = ftzF32(a);
    b = ftzF32(b);
  }
  const ab = Math.abs(b);
  if (ab > 8.507059173023462e37) {
    a = Math.fround(a * 0.25);
    b *= 0.25;
  } else if (ab < F32_MIN_NORMAL && ab !== 0) {
    a = Math.fround(a * 16777216);
    b *= 16777216;
  }
  return flushOut(Math.fround(a * Math.fround(1 / b)), ftz);
}

/**
 * `rsqrt.approx.f64 d, a` as sm_90's instruction sequence computes it: the SFU seed
 * y = {@link rsqrtApproxFtzF64Hi} (as a double with a zero low word), then one second-order
 * Newton step in binary64 FMA: e = 1 − a·(y·y), y + (y·e)·(0.5 + 0.375·e). Bit-identical to the
 * H100 on every normal input of the truth run (the seed's own error is squared away). Subnormal
 * inputs are scaled by 2^54 (the sequence is scale-invariant); ±0 → ±∞, +∞ → +0, negatives and
 * −∞ → NaN (default NaN), NaN → NaN (its pattern: nan.ts `nanF64Of1`).
 */
export function rsqrtApproxF64(a: number): number {
  if (a === 0) return 1 / a;
  if (!(a > 0)) return NaN;
  if (a === Infinity) return 0;
  let scale = 1;
  if (a < 2.2250738585072014e-308) {
    a *= 18014398509481984; // 2^54
    scale = 134217728; // 2^27
  }
  const y = f64FromWords(rsqrtApproxFtzF64Hi(f64Hi(a)), 0);
  const e = fmaF64(-a, y * y, 1, RN);
  return fmaF64(fmaF64(e, 0.375, 0.5, RN), y * e, y, RN) * scale;
}

/**
 * A "1.11.20" result as the SFU produces it: the binary32 reciprocal (root) of the input's
 * 20-bit significand — correctly rounded here — truncated to 20 fraction bits, with the binary64
 * exponent. Subnormal results flush to sign-preserving zero. Matches the H100 in 98.7% (rcp) and
 * 97.5% (rsqrt) of the truth run's non-special cases (98.9% of all), otherwise one unit of the
 * 20-bit fraction away.
 */
function hiWordOf(r: number): number {
  const neg = r < 0;
  const v = neg ? -r : r;
  const e = exponentOf(v);
  const m = Math.fround(v * 2 ** -e); // [1, 2], binary32 rounding of the significand
  const t = Math.floor(m * 1048576) / 1048576; // truncated to 20 fraction bits
  const h = e + (t === 2 ? 1 : 0);
  if (h < -1022) return neg ? 0x80000000 : 0;
  const hi = f64Hi(t === 2 ? 2 ** h : t * 2 ** e);
  return (neg ? hi | 0x80000000 : hi) >>> 0;
}

/**
 * `rcp.approx.ftz.f64 d, a` on words: takes the high word of `a` (its low word is ignored) and
 * returns the high word of `d` (its low word is 0). Input NaN → `0x7FFFFFFF` (the documented
 * canonical `0x7FFFFFFF_00000000`, measured); subnormal/zero → ±∞; ±∞ → ±0. The 20-bit fraction
 * is the binary32 reciprocal truncated (gpu-truth.md RCP64H).
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
