/**
 * Helpers that reproduce the order of operations of common GPU patterns, so that references can
 * match floating-point results bit for bit: shared-memory tree reductions and warp shuffles.
 * @module
 */

/** Adds two f32 values with f32 rounding. */
export const addF32 = (a: number, b: number): number => Math.fround(a + b);
/** Adds two f64 values. */
export const addF64 = (a: number, b: number): number => a + b;

/**
 * The shared-memory tree of `for (s = n/2; s > 0; s >>= 1) if (t < s) v[t] = op(v[t], v[t + s])`
 * over a power-of-two number of values; returns v[0].
 */
export function treeReduce<T>(values: readonly T[], op: (a: T, b: T) => T): T {
  const v = values.slice();
  if (v.length === 0 || (v.length & (v.length - 1)) !== 0) throw new RangeError('treeReduce: length must be a power of two');
  for (let s = v.length >> 1; s > 0; s >>= 1) for (let t = 0; t < s; t++) v[t] = op(v[t] as T, v[t + s] as T);
  return v[0] as T;
}

/** __shfl_down_sync over one warp's values: lane L reads lane L+d, or keeps its own value past the end. */
export function shflDown<T>(v: readonly T[], d: number): T[] {
  return v.map((own, lane) => (lane + d < v.length ? (v[lane + d] as T) : own));
}

/** __shfl_up_sync: lane L reads lane L−d, or keeps its own value when L < d. */
export function shflUp<T>(v: readonly T[], d: number): T[] {
  return v.map((own, lane) => (lane >= d ? (v[lane - d] as T) : own));
}

/** __shfl_xor_sync: lane L reads lane L ^ m. */
export function shflXor<T>(v: readonly T[], m: number): T[] {
  return v.map((_, lane) => v[lane ^ m] as T);
}

/** __shfl_sync(mask, v, src, width): lane L reads lane (L − L % width) + src % width. */
export function shflIdx<T>(v: readonly T[], src: (lane: number) => number, width = 32): T[] {
  return v.map((_, lane) => v[lane - (lane % width) + (src(lane) % width)] as T);
}

/** The classic shuffle-down warp sum (offsets 16, 8, 4, 2, 1); returns every lane's value. */
export function warpSumDown<T>(v: readonly T[], add: (a: T, b: T) => T): T[] {
  let cur = v.slice();
  for (let off = 16; off > 0; off >>= 1) {
    const other = shflDown(cur, off);
    cur = cur.map((x, lane) => add(x, other[lane] as T));
  }
  return cur;
}

/** Splits `values` into consecutive chunks of `size` (the last may be shorter). */
export function chunks<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

/** Pads `values` to `length` with `fill`. */
export function padTo<T>(values: readonly T[], length: number, fill: T): T[] {
  return [...values, ...Array.from({ length: Math.max(0, length - values.length) }, () => fill)];
}
