/**
 * Exact CPU references for device results.
 * @module
 */

const f64 = new Float64Array(1);
const bits = new BigInt64Array(f64.buffer);

/**
 * `fma.rn.f32`: a·b + c rounded once to f32. The product of two floats is exact in a double; the
 * sum is computed exactly as s + e (TwoSum), rounded to odd in 53 bits, then to 24 bits — correct
 * because 53 ≥ 24 + 2.
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  if (!Number.isFinite(s)) return Math.fround(s);
  const bp = s - c;
  const e = (p - bp) + (c - (s - bp));
  if (e === 0) return Math.fround(s);
  f64[0] = s;
  if ((bits[0]! & 1n) === 0n) bits[0] = bits[0]! + ((e > 0) === (s > 0) ? 1n : -1n);
  return Math.fround(f64[0]!);
}
