/**
 * CPU references for device results.
 * @module
 */

/**
 * `fma.rn.f32`: a·b + c rounded once to f32 — the emulated device's own implementation, which is
 * tested against an exact BigInt oracle and the H100 (test/unit/emu-num-*.test.ts).
 */
export { fmaF32 as fmaf } from '../../src/emu/num/fma.js';
