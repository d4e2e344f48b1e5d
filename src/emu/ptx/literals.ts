/**
 * Decoding of PTX numeric literals: integers (decimal, hex, octal, binary, optional `U` suffix)
 * and floats (`0f` f32 bit patterns, `0d` f64 bit patterns, decimal). Pure functions, no state.
 * @module
 */

/** A decoded floating-point literal. */
export interface FloatLiteral {
  /** The value as a JS number (an f32 literal's value is exactly representable). */
  readonly value: number;
  /** The IEEE bit pattern in the literal's own width. */
  readonly bits: bigint;
  /** 32 for `0f…`, 64 for `0d…` and decimal literals (PTX treats those as f64). */
  readonly width: 32 | 64;
}

const U64_MAX = (1n << 64n) - 1n;
const scratch = new DataView(new ArrayBuffer(8));

/**
 * Decodes an integer literal as written (no sign): `42`, `0x2A`, `0X2aU`, `052` (octal), `0b101010`.
 * @returns The value, 0 … 2^64 − 1; `null` when the text is not a valid PTX integer literal or
 *   does not fit in 64 bits.
 */
export function decodeIntLiteral(text: string): bigint | null {
  let t = text;
  if (t.endsWith('U') || t.endsWith('u')) t = t.slice(0, -1);
  if (t.length === 0) return null;
  let v: bigint;
  const p = t.length > 1 ? t[1]! : '';
  if (t[0] === '0' && (p === 'x' || p === 'X')) {
    if (!/^0[xX][0-9a-fA-F]+$/.test(t)) return null;
    v = BigInt('0x' + t.slice(2));
  } else if (t[0] === '0' && (p === 'b' || p === 'B')) {
    if (!/^0[bB][01]+$/.test(t)) return null;
    v = BigInt('0b' + t.slice(2));
  } else if (t[0] === '0' && t.length > 1) {
    if (!/^0[0-7]+$/.test(t)) return null;
    v = BigInt('0o' + t.slice(1));
  } else {
    if (!/^[0-9]+$/.test(t)) return null;
    v = t.length < 16 ? BigInt(Number(t)) : BigInt(t);
  }
  return v > U64_MAX ? null : v;
}

/**
 * Decodes a floating-point literal: `0f3F800000` (f32 bits), `0d3FF0000000000000` (f64 bits) or a
 * decimal literal such as `1.5` or `2e-3` (an f64).
 * @returns The literal, or `null` when the text is not a valid PTX float literal.
 */
export function decodeFloatLiteral(text: string): FloatLiteral | null {
  const k = text.length > 1 ? text[1]! : '';
  if (text[0] === '0' && (k === 'f' || k === 'F')) {
    if (!/^0[fF][0-9a-fA-F]{8}$/.test(text)) return null;
    const bits = Number.parseInt(text.slice(2), 16);
    scratch.setUint32(0, bits);
    return { value: scratch.getFloat32(0), bits: BigInt(bits), width: 32 };
  }
  if (text[0] === '0' && (k === 'd' || k === 'D')) {
    if (!/^0[dD][0-9a-fA-F]{16}$/.test(text)) return null;
    const bits = BigInt('0x' + text.slice(2));
    scratch.setBigUint64(0, bits);
    return { value: scratch.getFloat64(0), bits, width: 64 };
  }
  if (!/^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(text)) return null;
  const value = Number(text);
  scratch.setFloat64(0, value);
  return { value, bits: scratch.getBigUint64(0), width: 64 };
}

/** The f32 value of a 32-bit pattern (`0x3F800000` → 1). */
export function f32FromBits(bits: number): number {
  scratch.setUint32(0, bits >>> 0);
  return scratch.getFloat32(0);
}

/** The 32-bit pattern of an f32 value (rounded to f32 first). */
export function f32Bits(value: number): number {
  scratch.setFloat32(0, value);
  return scratch.getUint32(0);
}

/** The f64 value of a 64-bit pattern. */
export function f64FromBits(bits: bigint): number {
  scratch.setBigUint64(0, BigInt.asUintN(64, bits));
  return scratch.getFloat64(0);
}

/** The 64-bit pattern of an f64 value. */
export function f64Bits(value: number): bigint {
  scratch.setFloat64(0, value);
  return scratch.getBigUint64(0);
}
