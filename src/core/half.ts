/**
 * Encoding of f16 and bf16 kernel arguments: a JS number rounded to nearest, ties to even (as
 * `__float2half_rn` / `__float2bfloat16_rn` do), straight from the double, with no intermediate
 * f32 rounding. The rounding itself is the emulated device's (`cvt.rn.f16` / `cvt.rn.bf16`), which
 * matches the H100 bit for bit.
 * @module
 */
import { toBF16, toF16Rn } from '../emu/num/half.js';
import { RN } from '../emu/num/round.js';

/** IEEE binary16 bits of `x`, rounded to nearest even. */
export function f16Bits(x: number): number {
  return toF16Rn(x);
}

/** bfloat16 bits of `x`, rounded to nearest even. */
export function bf16Bits(x: number): number {
  return toBF16(x, RN);
}
