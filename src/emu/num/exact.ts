/**
 * Exact binary64 arithmetic with BigInt: the slow paths of the double-precision instructions.
 *
 * The fast paths in `f64.ts` and `fma.ts` use error-free transformations that are exact only away
 * from overflow and underflow; operands or results near the ends of the exponent range come here.
 * These routines allocate (BigInt) and take on the order of a microsecond, which is fine for the
 * rare cases (and for `fma.{rz,rm,rp}.f64`, which always comes here).
 * @module
 */
import { f64Hi, f64Lo, isNegZero, pow2 } from './bits.js';
import { RM, RN, RZ, type Rounding, roundOverflowF64 } from './round.js';

/**
 * A finite nonzero binary64 as `m·2^e` with `m` a positive integer of at most 53 bits. Writes
 * into `out` and returns whether the value is negative. Allocation: the BigInt.
 */
function decompose(x: number, out: { m: bigint; e: number }): boolean {
  const hi = f64Hi(x);
  const lo = f64Lo(x);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) {
    e = -1074;
  } else {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  out.m = m;
  out.e = e;
  return (hi & 0x80000000) !== 0;
}

function bitLength(m: bigint): number {
  return m.toString(2).length;
}

/**
 * Rounds `±(m + t)·2^e` to binary64 in mode `mode`, where `m` is a positive integer and
 * `t ∈ [0, 1)` is a tail known only by whether it is zero (`sticky` false) or not (`sticky` true).
 */
export function roundBigToF64(neg: boolean, m: bigint, e: number, sticky: boolean, mode: Rounding): number {
  const len = bitLength(m);
  const msb = e + len - 1;
  if (msb > 1023) return roundOverflowF64(neg ? -Infinity : Infinity, mode);
  const qe = Math.max(msb, -1022) - 52; // exponent of the result's quantum
  const shift = qe - e;
  let mi: bigint;
  let above: number; // compares the discarded part with half a quantum: -1 below, 0 equal, 1 above; 2: zero
  if (shift <= 0) {
    mi = m << BigInt(-shift);
    above = sticky ? -1 : 2;
  } else {
    const s = BigInt(shift);
    mi = m >> s;
    const rem = m & ((1n << s) - 1n);
    const half = 1n << (s - 1n);
    if (rem === 0n && !sticky) above = 2;
    else if (rem < half) above = -1;
    else if (rem > half || sticky) above = 1;
    else above = 0;
  }
  if (above !== 2) {
    let up: boolean;
    switch (mode) {
      case RN:
        up = above > 0 || (above === 0 && (mi & 1n) === 1n);
        break;
      case RZ:
        up = false;
        break;
      case RM:
        up = neg;
        break;
      default:
        up = !neg;
    }
    if (up) mi += 1n;
  }
  if (mi === 0n) return neg ? -0 : 0;
  let r: number;
  if (mi >= 1n << 53n) {
    // carried into the next binade (mi is 2^53 exactly)
    if (qe + 53 > 1023) return neg ? -Infinity : Infinity;
    r = pow2(qe + 53);
  } else {
    r = Number(mi) * pow2(qe);
  }
  return neg ? -r : r;
}

const A = { m: 0n, e: 0 };
const B = { m: 0n, e: 0 };
const C = { m: 0n, e: 0 };

/** Sign of an exactly-zero sum of two terms with sign bits `negP` and `negC` in mode `mode` (IEEE 754 §6.3). */
function zeroSum(negP: boolean, negC: boolean, mode: Rounding): number {
  if (negP === negC) return negP ? -0 : 0;
  return mode === RM ? -0 : 0;
}

/**
 * Correctly rounded `a·b + c` in any mode, exactly (`fma.{rn,rz,rm,rp}.f64` slow path). Handles
 * every input, including zeros, infinities and NaN.
 */
export function fmaF64Exact(a: number, b: number, c: number, mode: Rounding): number {
  const p = a * b;
  if (p !== p || c !== c) return NaN; // a NaN operand or 0·∞
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) {
    if (Number.isFinite(a) && Number.isFinite(b)) return c; // finite exact product + ±∞
    const r = p + c; // an infinite factor: exact semantics coincide with JS
    return r;
  }
  const negP = (a < 0 || isNegZero(a)) !== (b < 0 || isNegZero(b));
  if (a === 0 || b === 0) {
    if (c === 0) return zeroSum(negP, c < 0 || isNegZero(c), mode);
    return c;
  }
  decompose(a, A);
  decompose(b, B);
  let pm = A.m * B.m;
  let pe = A.e + B.e;
  if (c === 0) return roundBigToF64(negP, pm, pe, false, mode);
  const negC = decompose(c, C);
  let cm = C.m;
  let ce = C.e;
  // align to the smaller exponent
  if (pe > ce) {
    pm <<= BigInt(pe - ce);
    pe = ce;
  } else if (ce > pe) {
    cm <<= BigInt(ce - pe);
  }
  const sum = (negP ? -pm : pm) + (negC ? -cm : cm);
  if (sum === 0n) return zeroSum(negP, negC, mode);
  return sum < 0n ? roundBigToF64(true, -sum, pe, false, mode) : roundBigToF64(false, sum, pe, false, mode);
}

/** Correctly rounded `a + b` in any mode, exactly (`add.{rz,rm,rp}.f64` near ±max, where TwoSum overflows). */
export function addF64Exact(a: number, b: number, mode: Rounding): number {
  return fmaF64Exact(a, 1, b, mode);
}

/** Correctly rounded `a·b` in any mode, exactly (`mul.{rz,rm,rp}.f64` near underflow/overflow). */
export function mulF64Exact(a: number, b: number, mode: Rounding): number {
  const p = a * b;
  if (p !== p) return p;
  if (a === 0 || b === 0 || !Number.isFinite(a) || !Number.isFinite(b)) return p;
  const neg = decompose(a, A) !== decompose(b, B);
  return roundBigToF64(neg, A.m * B.m, A.e + B.e, false, mode);
}

/** Correctly rounded `a/b` in any mode, exactly (`div.{rz,rm,rp}.f64` near underflow/overflow). */
export function divF64Exact(a: number, b: number, mode: Rounding): number {
  const q = a / b;
  if (q !== q) return q;
  if (a === 0 || b === 0 || !Number.isFinite(a) || !Number.isFinite(b)) return q;
  const neg = decompose(a, A) !== decompose(b, B);
  // scale the dividend so that the integer quotient has at least 55 bits
  const k = 55 + bitLength(B.m) - bitLength(A.m) + 1;
  const num = A.m << BigInt(k > 0 ? k : 0);
  const qm = num / B.m;
  const rem = num - qm * B.m;
  return roundBigToF64(neg, qm, A.e - B.e - (k > 0 ? k : 0), rem !== 0n, mode);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** Correctly rounded √a in any mode, exactly (`sqrt.{rz,rm,rp}.f64` slow path). */
export function sqrtF64Exact(a: number, mode: Rounding): number {
  if (a !== a || a < 0) return NaN;
  if (a === 0 || a === Infinity) return a;
  decompose(a, A);
  // value = m·2^e; scale m by 2^shift so that the root has at least 55 bits and e − shift is even
  let shift = 2 * Math.max(0, Math.ceil((112 - bitLength(A.m)) / 2));
  if (((A.e - shift) & 1) !== 0) shift += 1;
  const n = A.m << BigInt(shift);
  const r = isqrt(n);
  return roundBigToF64(false, r, (A.e - shift) / 2, r * r !== n, mode);
}

/**
 * The binary64 nearest to the integer `x` in mode `mode` (for `cvt.{rn,rz,rm,rp}.f64.{s64,u64}`
 * and as a building block for 64-bit integer → narrower float conversions).
 */
export function bigIntToF64(x: bigint, mode: Rounding): number {
  if (x === 0n) return 0;
  if (mode === RN) return Number(x);
  const neg = x < 0n;
  return roundBigToF64(neg, neg ? -x : x, 0, false, mode);
}
