/**
 * Encoding of f16 and bf16 kernel arguments: a JS number rounded to nearest, ties to even (as
 * `__float2half_rn` / `__float2bfloat16_rn` do), straight from the double, with no intermediate
 * f32 rounding.
 * @module
 */

function roundHalfEven(y: number): number {
  const f = Math.floor(y);
  const d = y - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

/** Bits of the binary floating-point format with `exponentBits`/`mantissaBits` nearest to `x`. */
function minifloatBits(x: number, exponentBits: number, mantissaBits: number): number {
  const signBit = 1 << (exponentBits + mantissaBits);
  const infinity = ((1 << exponentBits) - 1) << mantissaBits;
  if (Number.isNaN(x)) return infinity | (1 << (mantissaBits - 1));
  const sign = x < 0 || Object.is(x, -0) ? signBit : 0;
  const a = Math.abs(x);
  const bias = (1 << (exponentBits - 1)) - 1;
  const minNormalExponent = 1 - bias;
  if (a < 2 ** minNormalExponent) {
    return sign | roundHalfEven(a / 2 ** (minNormalExponent - mantissaBits));
  }
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  let m = roundHalfEven((a / 2 ** e - 1) * 2 ** mantissaBits);
  if (m === 2 ** mantissaBits) {
    m = 0;
    e++;
  }
  if (e > bias) return sign | infinity;
  return sign | ((e + bias) << mantissaBits) | m;
}

/** IEEE binary16 bits of `x`, rounded to nearest even. */
export function f16Bits(x: number): number {
  return minifloatBits(x, 5, 10);
}

/** bfloat16 bits of `x`, rounded to nearest even. */
export function bf16Bits(x: number): number {
  return minifloatBits(x, 8, 7);
}
