/**
 * The object layer's test kernels (test/fixtures/core) and data helpers shared by device tests.
 * @module
 */
import { fixtureText } from './paths.js';

/** PTX of test/fixtures/core/core.cu. */
export const corePtx = (): string => fixtureText('core', 'core.ptx');

/** Deterministic pseudo-random floats in [-1, 1) (never all zero). */
export function randomFloats(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out[i] = (s / 2 ** 31) - 1;
  }
  return out;
}

/** Deterministic pseudo-random bytes. */
export function randomBytes(n: number, seed = 7): Uint8Array {
  const f = randomFloats(Math.ceil(n / 4), seed);
  return new Uint8Array(f.buffer, 0, n).slice();
}
