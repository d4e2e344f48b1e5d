/**
 * The object layer's test kernels (test/fixtures/core) and data helpers shared by device tests.
 * @module
 */
import { after, before } from 'node:test';
import { Device, type Context, type Module } from '../../src/index.js';
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

/** What {@link primaryWithCoreModule} provides to a test file once its `before` hook ran. */
export interface CoreFixture {
  /** A reference to device 0's primary context. */
  readonly ctx: Context;
  /** test/fixtures/core/core.ptx loaded in it. */
  readonly module: Module;
}

/**
 * Registers `before`/`after` hooks that retain device 0's primary context and load the core test
 * module into it for the test file, and release both afterwards.
 */
export function primaryWithCoreModule(): CoreFixture {
  const fixture = {} as { ctx: Context; module: Module };
  before(() => {
    fixture.ctx = Device.get(0).primaryContext();
    fixture.module = fixture.ctx.loadModule(corePtx());
  });
  after(() => {
    fixture.module.dispose();
    fixture.ctx.dispose();
  });
  return fixture;
}
