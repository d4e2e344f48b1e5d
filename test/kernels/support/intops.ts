/**
 * 32- and 64-bit integer operations as CUDA defines them (wrapping arithmetic, the bit-manipulation
 * intrinsics, high halves of products, PTX shift clamping), for the references.
 * @module
 */

/** Wraps to a signed 32-bit integer. */
export const i32 = (x: number): number => x | 0;
/** Wraps to an unsigned 32-bit integer. */
export const u32 = (x: number): number => x >>> 0;
/** Wraps to a signed 64-bit integer. */
export const i64 = (x: bigint): bigint => BigInt.asIntN(64, x);
/** Wraps to an unsigned 64-bit integer. */
export const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);

/** __popc: set bits of a 32-bit value. */
export function popc32(x: number): number {
  let v = x >>> 0, c = 0;
  while (v !== 0) { v &= v - 1; c++; }
  return c;
}

/** __ffs: 1-based position of the lowest set bit, 0 for 0. */
export function ffs32(x: number): number {
  const v = x >>> 0;
  return v === 0 ? 0 : 32 - Math.clz32(v & -v);
}

/** __brev: bit reversal of a 32-bit value. */
export function brev32(x: number): number {
  let v = x >>> 0, r = 0;
  for (let i = 0; i < 32; i++) { r = ((r << 1) | (v & 1)) >>> 0; v >>>= 1; }
  return r;
}

/** __clzll: leading zeros of a 64-bit value (64 for 0). */
export function clz64(x: bigint): number {
  const v = u64(x);
  return v === 0n ? 64 : 64 - v.toString(2).length;
}

/** __popcll. */
export function popc64(x: bigint): number {
  return [...u64(x).toString(2)].filter((c) => c === '1').length;
}

/** __ffsll: 1-based position of the lowest set bit, 0 for 0. */
export function ffs64(x: bigint): number {
  const v = u64(x);
  return v === 0n ? 0 : (v & -v).toString(2).length;
}

/** __brevll. */
export function brev64(x: bigint): bigint {
  return BigInt('0b' + [...u64(x).toString(2).padStart(64, '0')].reverse().join(''));
}

/** __mulhi / __umulhi: high 32 bits of the 64-bit product, signed or unsigned. */
export function mulhi32(a: number, b: number, signed: boolean): number {
  const p = signed ? BigInt(a | 0) * BigInt(b | 0) : BigInt(a >>> 0) * BigInt(b >>> 0);
  const hi = Number(BigInt.asUintN(32, p >> 32n));
  return signed ? hi | 0 : hi;
}

/** __mul64hi / __umul64hi: high 64 bits of the 128-bit product. */
export function mulhi64(a: bigint, b: bigint, signed: boolean): bigint {
  const p = signed ? i64(a) * i64(b) : u64(a) * u64(b);
  return signed ? i64(p >> 64n) : u64(p >> 64n);
}

/** PTX shl.b32: shift counts ≥ 32 give 0. */
export function ptxShl32(x: number, s: number): number {
  return s >= 32 ? 0 : (x << s) >>> 0;
}

/** PTX shr.u32: shift counts ≥ 32 give 0. */
export function ptxShrU32(x: number, s: number): number {
  return s >= 32 ? 0 : x >>> s;
}

/** PTX shr.s32: shift counts ≥ 32 give the sign fill. */
export function ptxShrS32(x: number, s: number): number {
  return (x | 0) >> Math.min(s, 31);
}

/** __funnelshift_l(lo, hi, shift): the high word of (hi:lo) << (shift & 31). */
export function funnelShiftL(lo: number, hi: number, shift: number): number {
  const v = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  return Number(BigInt.asUintN(32, (v << BigInt(shift & 31)) >> 32n));
}

/** __byte_perm(x, y, s): byte n of the result is byte (s >> 4n) & 7 of the 8-byte value y:x. */
export function bytePerm(x: number, y: number, s: number): number {
  const bytes = [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, x >>> 24, y & 0xff, (y >>> 8) & 0xff, (y >>> 16) & 0xff, y >>> 24];
  let r = 0;
  for (let n = 0; n < 4; n++) r |= (bytes[(s >>> (4 * n)) & 7] as number) << (8 * n);
  return r >>> 0;
}

/** __sad(x, y, z): |x − y| + z, in 32-bit unsigned arithmetic. */
export function sad32(x: number, y: number, z: number): number {
  const d = (x | 0) < (y | 0) ? (y | 0) - (x | 0) : (x | 0) - (y | 0);
  return (d + (z >>> 0)) >>> 0;
}

/** C division truncating toward zero (32-bit operands; the quotient is exact in a double). */
export function divTrunc(a: number, b: number): number {
  return Math.trunc(a / b);
}
