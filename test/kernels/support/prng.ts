/**
 * A small seeded pseudo-random generator (xoshiro128**, seeded through splitmix32) and the input
 * generators built on it. Every case seeds its own generator from its name, so inputs are
 * reproducible and independent of the order cases are built in.
 * @module
 */

/** Deterministic 32-bit generator: xoshiro128** (Blackman and Vigna). */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Seeds from a number or from a string (hashed with FNV-1a). */
  constructor(seed: number | string) {
    let x = typeof seed === 'number' ? seed >>> 0 : fnv1a(seed);
    const next = (): number => {
      // splitmix32
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next() | 1;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A double in [0, 1) with 53 random bits. */
  float(): number {
    return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992;
  }

  /** An integer in [lo, hi], both inclusive (|hi − lo| < 2^53). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** A double in [lo, hi). */
  f64(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** A float (rounded to f32) in [lo, hi]. */
  f32(lo: number, hi: number): number {
    return Math.fround(this.f64(lo, hi));
  }

  /** A uniformly distributed unsigned 64-bit integer. */
  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }

  /** A uniformly distributed signed 64-bit integer. */
  i64(): bigint {
    return BigInt.asIntN(64, this.u64());
  }

  /** True with probability p. */
  bool(p = 0.5): boolean {
    return this.float() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** FNV-1a hash of a string's UTF-16 code units. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** n doubles uniform in [lo, hi). */
export function f64Array(rng: Rng, n: number, lo: number, hi: number): Float64Array {
  return Float64Array.from({ length: n }, () => rng.f64(lo, hi));
}

/** n floats uniform in [lo, hi]. */
export function f32Array(rng: Rng, n: number, lo: number, hi: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.f32(lo, hi));
}

/** n ints uniform in [lo, hi]. */
export function i32Array(rng: Rng, n: number, lo: number, hi: number): Int32Array {
  return Int32Array.from({ length: n }, () => rng.int(lo, hi));
}

/** n unsigned ints uniform in [lo, hi]. */
export function u32Array(rng: Rng, n: number, lo: number, hi: number): Uint32Array {
  return Uint32Array.from({ length: n }, () => rng.int(lo, hi));
}

/** n bytes uniform in [0, 255]. */
export function u8Array(rng: Rng, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => rng.int(0, 255));
}

/** n signed 64-bit integers, uniform over the whole range. */
export function i64Array(rng: Rng, n: number): BigInt64Array {
  return BigInt64Array.from({ length: n }, () => rng.i64());
}

/**
 * n values k·step with k uniform in [lo/step, hi/step]: sums of a few thousand of them are exact in
 * f32 (or f64), whatever the order of the additions.
 */
export function multiplesOf(rng: Rng, n: number, step: number, lo: number, hi: number): number[] {
  const kLo = Math.ceil(lo / step), kHi = Math.floor(hi / step);
  return Array.from({ length: n }, () => rng.int(kLo, kHi) * step);
}

/**
 * A double with a random sign, a random significand and a binary exponent uniform in
 * [minExp, maxExp]: spreads values over many orders of magnitude.
 */
export function wideDouble(rng: Rng, minExp: number, maxExp: number): number {
  const sign = rng.bool() ? -1 : 1;
  return sign * (1 + rng.float()) * 2 ** rng.int(minExp, maxExp);
}

/**
 * Overwrites evenly spaced elements of `values` with `specials` (in order), so that edge cases
 * appear at fixed, spread-out positions. Returns `values`.
 */
export function sprinkle<A extends { length: number; [i: number]: unknown }>(values: A, specials: readonly A[number][]): A {
  if (specials.length === 0) return values;
  const step = Math.floor(values.length / specials.length);
  if (step < 1) throw new RangeError(`sprinkle: ${specials.length} specials do not fit in ${values.length} values`);
  specials.forEach((s, k) => { values[k * step + (k % step)] = s; });
  return values;
}
