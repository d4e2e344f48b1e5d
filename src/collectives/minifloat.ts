/**
 * The narrow floating-point formats of collectives (float16, bfloat16 and the two OCP FP8
 * formats) as bit patterns: exact decoding to a JS number, and rounding a number to the nearest
 * representable value (ties to even), for the reference collectives.
 *
 * - float16 and bfloat16 encode as `__float2half_rn` / `__float2bfloat16_rn` do (overflow to
 *   infinity), through `src/core/half.ts`.
 * - float8e4m3 (bias 7, no infinity, 0x7F/0xFF NaN, largest finite 448) and float8e5m2 (bias 15,
 *   IEEE-like, largest finite 57344) saturate out-of-range values and infinities to the largest
 *   finite value of their sign, as cuda_fp8.h's `__NV_SATFINITE` conversion (the one its
 *   `__nv_fp8_*` constructors use) does; NaN stays NaN.
 * @module
 */
import { bf16Bits, f16Bits } from '../core/half.js';

/** One narrow format: its width, a decoding table, and the encoder. */
export interface Minifloat {
  /** Bits per element (8 or 16). */
  readonly bits: 8 | 16;
  /** The value of every bit pattern. */
  readonly decode: Float64Array;
  /** The bit pattern nearest to `x` (ties to even), with the format's overflow rule. */
  readonly encode: (x: number) => number;
}

function roundHalfEven(y: number): number {
  const f = Math.floor(y);
  const d = y - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

/** A decoding table of an IEEE-like format; `nanOnlyAtTop` for e4m3 (no infinity). */
function decodeTable(exponentBits: number, mantissaBits: number, nanOnlyAtTop: boolean): Float64Array {
  const total = 1 + exponentBits + mantissaBits;
  const table = new Float64Array(2 ** total);
  const bias = 2 ** (exponentBits - 1) - 1;
  const maxE = 2 ** exponentBits - 1;
  for (let b = 0; b < table.length; b++) {
    const sign = b >>> (exponentBits + mantissaBits) ? -1 : 1;
    const e = (b >>> mantissaBits) & maxE;
    const m = b & (2 ** mantissaBits - 1);
    let v: number;
    if (e === 0) v = m * 2 ** (1 - bias - mantissaBits);
    else if (e === maxE && nanOnlyAtTop) v = m === 2 ** mantissaBits - 1 ? NaN : (1 + m / 2 ** mantissaBits) * 2 ** (e - bias);
    else if (e === maxE) v = m === 0 ? Infinity : NaN;
    else v = (1 + m / 2 ** mantissaBits) * 2 ** (e - bias);
    table[b] = sign * v;
  }
  return table;
}

/** An FP8 encoder with __NV_SATFINITE overflow. */
function fp8Encoder(exponentBits: number, mantissaBits: number, maxFinite: number, nanBits: number): (x: number) => number {
  const bias = 2 ** (exponentBits - 1) - 1;
  const minNormalExponent = 1 - bias;
  const signBit = 1 << (exponentBits + mantissaBits);
  return (x) => {
    if (Number.isNaN(x)) return nanBits;
    const sign = x < 0 || Object.is(x, -0) ? signBit : 0;
    const a = Math.abs(x);
    let r = maxFinite;
    if (a < maxFinite) {
      let e = a < 2 ** minNormalExponent ? minNormalExponent : Math.floor(Math.log2(a));
      if (2 ** e > a && e > minNormalExponent) e--;
      else if (2 ** (e + 1) <= a) e++;
      const quantum = 2 ** (e - mantissaBits);
      r = Math.min(roundHalfEven(a / quantum) * quantum, maxFinite);
    }
    if (r < 2 ** minNormalExponent) return sign | (r / 2 ** (minNormalExponent - mantissaBits));
    const re = Math.floor(Math.log2(r));
    return sign | ((re + bias) << mantissaBits) | ((r / 2 ** re - 1) * 2 ** mantissaBits);
  };
}

/** IEEE binary16. */
export const FLOAT16: Minifloat = { bits: 16, decode: decodeTable(5, 10, false), encode: f16Bits };
/** bfloat16. */
export const BFLOAT16: Minifloat = { bits: 16, decode: decodeTable(8, 7, false), encode: bf16Bits };
/** OCP FP8 E4M3. */
export const FLOAT8_E4M3: Minifloat = { bits: 8, decode: decodeTable(4, 3, true), encode: fp8Encoder(4, 3, 448, 0x7f) };
/** OCP FP8 E5M2. */
export const FLOAT8_E5M2: Minifloat = { bits: 8, decode: decodeTable(5, 2, false), encode: fp8Encoder(5, 2, 57344, 0x7f) };

/** `x` rounded to the nearest value of `format` (its encoder's rules), as a number. */
export function roundTo(format: Minifloat, x: number): number {
  return format.decode[format.encode(x)]!;
}
