/**
 * Numeric semantics of PTX instructions for the emulated device: pure, allocation-free (on the
 * common paths) functions the execution engine calls per lane. Grouped by module:
 *
 * - `bits`   — binary32/64 bit views, canonical NaN patterns and register stores, nextUp/Down.
 * - `nan`    — NaN bit patterns sm_90 returns where payloads propagate (f64, cross-format cvt).
 * - `round`  — rounding modes ({@link RN} …), error-free transformations, rounding to formats.
 * - `f32`, `f64`, `fma` — IEEE arithmetic in all rounding modes, `.ftz`, `.sat`, min/max, testp.
 * - `half`   — `.f16` / `.bf16` and packed `x2` forms as 16/32-bit patterns.
 * - `cvt`    — conversions between integer and float types.
 * - `int32`, `int64` — integer instructions (64-bit in pair and BigInt forms).
 * - `approx` — the approximate transcendental instructions and ULP helpers.
 * - `exact`  — BigInt slow paths of the double-precision instructions.
 * @module
 */
export * from './bits.js';
export * from './nan.js';
export * from './round.js';
export * from './f32.js';
export * from './f64.js';
export * from './fma.js';
export * from './half.js';
export * from './cvt.js';
export * from './int32.js';
export * from './int64.js';
export * from './approx.js';
export * from './exact.js';
