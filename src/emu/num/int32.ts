/**
 * 8-, 16- and 32-bit integer instructions (PTX ISA 9.1 §9.7.1 integer arithmetic, §9.7.2
 * extended-precision arithmetic, §9.7.8 logic and shift).
 *
 * Conventions: operands are JS numbers holding a 32-bit pattern, either as int32 or as uint32 —
 * every function normalizes what it reads (`| 0` or `>>> 0`). Results are int32 for signed
 * instructions and uint32 for unsigned/bit instructions; both store identically into an
 * `Int32Array`/`Uint32Array` register. 16-bit operands/results use the same numbers with the upper
 * bits ignored on input and zero/sign-extended on output. No function allocates.
 *
 * Unspecified corners of PTX (division by zero) follow what the H100 (sm_90, driver 580, CUDA 13.0)
 * returns, measured by `test/fixtures/num/truth.cu` (gpu-truth.md, DIV0-32): every `div` and `rem`
 * by zero, signed or unsigned, of any width, gives all ones.
 * @module
 */

/** `div.u32 a, 0` on sm_90: all ones (PTX: unspecified; measured). `div.u16` by zero: 0xFFFF. */
export const DIV_U32_BY_ZERO = 0xffffffff;
/** `div.s32 a, 0` on sm_90 for a ≥ 0: −1 (all ones; measured, gpu-truth.md DIV0-32). */
export const DIV_S32_BY_ZERO_NONNEG = -1;
/**
 * `div.s32 a, 0` for a < 0: also −1 (all ones). Measured on sm_90; the value was +1 before the
 * GPU run (the unsigned-divide-then-negate guess).
 */
export const DIV_S32_BY_ZERO_NEG = -1;
/**
 * Whether `rem a, 0` returns the dividend. `false` on sm_90: it returns all ones
 * ({@link REM_U32_BY_ZERO} / {@link REM_S32_BY_ZERO}; measured, gpu-truth.md DIV0-32).
 */
export const REM_BY_ZERO_RETURNS_DIVIDEND = false;
/** `rem.u32 a, 0` on sm_90: all ones (`rem.u16`: 0xFFFF). */
export const REM_U32_BY_ZERO = 0xffffffff;
/** `rem.s32 a, 0` on sm_90: −1 (all ones; `rem.s16`: −1 as a 16-bit value). */
export const REM_S32_BY_ZERO = -1;

// ---------------------------------------------------------------- width helpers

/** The low `bits` (8, 16 or 32) bits of `x` as a signed (sign-extended) or unsigned value. */
export function wrapInt(x: number, bits: number, signed: boolean): number {
  if (bits === 32) return signed ? x | 0 : x >>> 0;
  const sh = 32 - bits;
  return signed ? (x << sh) >> sh : (x << sh) >>> sh;
}

/** `v` (a mathematical integer) clamped to the range of a `bits`-bit signed/unsigned integer. */
export function satInt(v: number, bits: number, signed: boolean): number {
  let max: number;
  let min: number;
  if (bits === 32) {
    max = signed ? 2147483647 : 4294967295;
    min = signed ? -2147483648 : 0;
  } else if (bits === 16) {
    max = signed ? 32767 : 65535;
    min = signed ? -32768 : 0;
  } else {
    max = signed ? 127 : 255;
    min = signed ? -128 : 0;
  }
  return v > max ? max : v < min ? min : v;
}

// ---------------------------------------------------------------- add / sub / mul / mad

/** `add.sat.s32 d, a, b`: sum clamped to [INT_MIN, INT_MAX]. */
export function addSatS32(a: number, b: number): number {
  const s = (a | 0) + (b | 0);
  return s > 2147483647 ? 2147483647 : s < -2147483648 ? -2147483648 : s;
}

/** `sub.sat.s32 d, a, b`. */
export function subSatS32(a: number, b: number): number {
  const s = (a | 0) - (b | 0);
  return s > 2147483647 ? 2147483647 : s < -2147483648 ? -2147483648 : s;
}

/** High 32 bits of the unsigned 64-bit product (`mul.hi.u32`). */
export function mulHiU32(a: number, b: number): number {
  a >>>= 0;
  b >>>= 0;
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const lh = al * bh;
  const hl = ah * bl;
  const mid = ((al * bl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/** High 32 bits of the signed 64-bit product (`mul.hi.s32`). */
export function mulHiS32(a: number, b: number): number {
  a |= 0;
  b |= 0;
  let hi = mulHiU32(a, b);
  if (a < 0) hi -= b;
  if (b < 0) hi -= a;
  return hi | 0;
}

/** `mul.lo.{u32,s32}` (low 32 bits of the product). */
export function mulLo32(a: number, b: number): number {
  return Math.imul(a, b);
}

/** `mul.hi.{u16,s16}`: high 16 bits of the 32-bit product, as a 16-bit value. */
export function mulHi16(a: number, b: number, signed: boolean): number {
  return wrapInt((wrapInt(a, 16, signed) * wrapInt(b, 16, signed)) >> 16, 16, signed);
}

/** `mul.wide.{u16,s16}`: the full 32-bit product. */
export function mulWide16(a: number, b: number, signed: boolean): number {
  const p = wrapInt(a, 16, signed) * wrapInt(b, 16, signed);
  return signed ? p | 0 : p >>> 0;
}

/** `mad.wide.{u16,s16} d, a, b, c`: the 32-bit product plus the 32-bit `c` (mod 2^32). */
export function madWide16(a: number, b: number, c: number, signed: boolean): number {
  const r = mulWide16(a, b, signed) + c;
  return signed ? r | 0 : r >>> 0;
}

/** `mad.lo.{u32,s32} d, a, b, c`. */
export function madLo32(a: number, b: number, c: number): number {
  return (Math.imul(a, b) + c) | 0;
}

/** `mad.hi.u32 d, a, b, c`: high half of a·b, plus c (mod 2^32). */
export function madHiU32(a: number, b: number, c: number): number {
  return (mulHiU32(a, b) + c) >>> 0;
}

/** `mad.hi.s32 d, a, b, c`. */
export function madHiS32(a: number, b: number, c: number): number {
  return (mulHiS32(a, b) + c) | 0;
}

/** `mad.hi.sat.s32 d, a, b, c`: high half of a·b plus c, saturated. */
export function madHiSatS32(a: number, b: number, c: number): number {
  return addSatS32(mulHiS32(a, b), c);
}

/** Sign- or zero-extension of the low 24 bits (the `mul24` operand rule). */
function low24(x: number, signed: boolean): number {
  return signed ? (x << 8) >> 8 : x & 0xffffff;
}

/** `mul24.lo.{u32,s32}`: low 32 bits of the 48-bit product of the low 24 bits. */
export function mul24Lo(a: number, b: number, signed: boolean): number {
  return Math.imul(low24(a, signed), low24(b, signed));
}

/** `mul24.hi.{u32,s32}`: bits 47..16 of the 48-bit product of the low 24 bits. */
export function mul24Hi(a: number, b: number, signed: boolean): number {
  const p = low24(a, signed) * low24(b, signed); // exact, |p| < 2^48
  const h = Math.floor(p / 65536);
  return signed ? h | 0 : h >>> 0;
}

/** `mad24.lo.{u32,s32} d, a, b, c`. */
export function mad24Lo(a: number, b: number, c: number, signed: boolean): number {
  return (mul24Lo(a, b, signed) + c) | 0;
}

/** `mad24.hi.{u32,s32} d, a, b, c`; `sat` for `mad24.hi.sat.s32`. */
export function mad24Hi(a: number, b: number, c: number, signed: boolean, sat: boolean): number {
  const h = mul24Hi(a, b, signed);
  return sat ? addSatS32(h, c) : (h + c) | 0;
}

/** `sad.{u32,s32} d, a, b, c`: c + |a − b| (mod 2^32). 16-bit forms: wrap the result. */
export function sad32(a: number, b: number, c: number, signed: boolean): number {
  const x = signed ? a | 0 : a >>> 0;
  const y = signed ? b | 0 : b >>> 0;
  return ((x > y ? x - y : y - x) + c) | 0;
}

/** `sad.{u16,s16} d, a, b, c`. */
export function sad16(a: number, b: number, c: number, signed: boolean): number {
  const x = wrapInt(a, 16, signed);
  const y = wrapInt(b, 16, signed);
  return wrapInt((x > y ? x - y : y - x) + c, 16, signed);
}

// ---------------------------------------------------------------- div / rem

/** `div.u32 d, a, b` (b = 0 → {@link DIV_U32_BY_ZERO}). */
export function divU32(a: number, b: number): number {
  b >>>= 0;
  if (b === 0) return DIV_U32_BY_ZERO;
  return Math.floor((a >>> 0) / b) >>> 0;
}

/** `div.s32 d, a, b`: truncating; INT_MIN / −1 = INT_MIN; b = 0 → −1 (see constants). */
export function divS32(a: number, b: number): number {
  a |= 0;
  b |= 0;
  if (b === 0) return a < 0 ? DIV_S32_BY_ZERO_NEG : DIV_S32_BY_ZERO_NONNEG;
  return Math.trunc(a / b) | 0;
}

/** `rem.u32 d, a, b` (b = 0 → {@link REM_U32_BY_ZERO}). */
export function remU32(a: number, b: number): number {
  a >>>= 0;
  b >>>= 0;
  if (b === 0) return REM_U32_BY_ZERO;
  return a % b;
}

/** `rem.s32 d, a, b`: sign of the dividend; INT_MIN % −1 = 0; b = 0 → {@link REM_S32_BY_ZERO}. */
export function remS32(a: number, b: number): number {
  a |= 0;
  b |= 0;
  if (b === 0) return REM_S32_BY_ZERO;
  return a % b | 0;
}

/** `div.{u16,s16}` through the 32-bit rules, result wrapped to 16 bits (b = 0 → 0xFFFF / −1). */
export function div16(a: number, b: number, signed: boolean): number {
  const x = wrapInt(a, 16, signed);
  const y = wrapInt(b, 16, signed);
  return wrapInt(signed ? divS32(x, y) : divU32(x, y), 16, signed);
}

/** `rem.{u16,s16}` (b = 0 → 0xFFFF / −1, as measured). */
export function rem16(a: number, b: number, signed: boolean): number {
  const x = wrapInt(a, 16, signed);
  const y = wrapInt(b, 16, signed);
  return wrapInt(signed ? remS32(x, y) : remU32(x, y), 16, signed);
}

// ---------------------------------------------------------------- min / max / abs / neg

/** `min.s32`. */
export function minS32(a: number, b: number): number {
  a |= 0;
  b |= 0;
  return a < b ? a : b;
}
/** `max.s32`. */
export function maxS32(a: number, b: number): number {
  a |= 0;
  b |= 0;
  return a > b ? a : b;
}
/** `min.u32`. */
export function minU32(a: number, b: number): number {
  a >>>= 0;
  b >>>= 0;
  return a < b ? a : b;
}
/** `max.u32`. */
export function maxU32(a: number, b: number): number {
  a >>>= 0;
  b >>>= 0;
  return a > b ? a : b;
}
/** `min.relu.s32`: max(min(a, b), 0). */
export function minReluS32(a: number, b: number): number {
  const m = minS32(a, b);
  return m < 0 ? 0 : m;
}
/** `max.relu.s32`: max(a, b, 0). */
export function maxReluS32(a: number, b: number): number {
  const m = maxS32(a, b);
  return m < 0 ? 0 : m;
}

/**
 * `min`/`max` on packed 16-bit pairs (`.u16x2`, `.s16x2`, with `.relu` for `.s16x2`).
 */
export function minMax16x2(a: number, b: number, signed: boolean, max: boolean, relu: boolean): number {
  let lo0 = wrapInt(a, 16, signed);
  const lo1 = wrapInt(b, 16, signed);
  let hi0 = wrapInt(a >>> 16, 16, signed);
  const hi1 = wrapInt(b >>> 16, 16, signed);
  lo0 = (lo0 < lo1) !== max ? lo0 : lo1;
  hi0 = (hi0 < hi1) !== max ? hi0 : hi1;
  if (relu) {
    if (lo0 < 0) lo0 = 0;
    if (hi0 < 0) hi0 = 0;
  }
  return ((hi0 << 16) | (lo0 & 0xffff)) >>> 0;
}

/** `abs.s32`: |a|, with abs(INT_MIN) = INT_MIN. */
export function absS32(a: number): number {
  a |= 0;
  return a < 0 ? -a | 0 : a;
}

/** `neg.s32`: −a (mod 2^32; neg(INT_MIN) = INT_MIN). */
export function negS32(a: number): number {
  return -a | 0;
}

/** `cnot.b32`: 1 if a is 0, else 0 (`cnot.b16`: pass `a & 0xFFFF`). */
export function cnot(a: number): number {
  return a === 0 ? 1 : 0;
}

// ---------------------------------------------------------------- shifts and funnel shifts

/**
 * `shl.b{16,32} d, a, n`: shift counts ≥ the width give 0 (JS would use n mod 32). `n` is the
 * unsigned 32-bit count register. For `.b16` pass bits = 16 (result wrapped to 16 bits).
 */
export function shl(a: number, n: number, bits: number): number {
  n >>>= 0;
  if (n >= bits) return 0;
  return bits === 32 ? (a << n) >>> 0 : wrapInt(a << n, bits, false);
}

/** `shr.u{16,32} d, a, n`: counts ≥ width give 0. */
export function shrU(a: number, n: number, bits: number): number {
  n >>>= 0;
  if (n >= bits) return 0;
  return wrapInt(a, bits, false) >>> n;
}

/** `shr.s{16,32} d, a, n`: counts ≥ width fill with the sign bit. */
export function shrS(a: number, n: number, bits: number): number {
  n >>>= 0;
  const v = wrapInt(a, bits, true);
  return v >> (n >= bits ? 31 : n);
}

/**
 * `shf.l.{clamp,wrap}.b32 d, a, b, c`: the upper 32 bits of `(b:a) << n`, with
 * n = min(c, 32) (`.clamp`) or c & 31 (`.wrap`).
 */
export function shfL(a: number, b: number, c: number, wrap: boolean): number {
  c >>>= 0;
  const n = wrap ? c & 31 : c > 32 ? 32 : c;
  if (n === 0) return b >>> 0;
  if (n === 32) return a >>> 0;
  return ((b << n) | (a >>> (32 - n))) >>> 0;
}

/** `shf.r.{clamp,wrap}.b32 d, a, b, c`: the lower 32 bits of `(b:a) >> n`. */
export function shfR(a: number, b: number, c: number, wrap: boolean): number {
  c >>>= 0;
  const n = wrap ? c & 31 : c > 32 ? 32 : c;
  if (n === 0) return a >>> 0;
  if (n === 32) return b >>> 0;
  return ((a >>> n) | (b << (32 - n))) >>> 0;
}

// ---------------------------------------------------------------- bit fields and bit counts

/**
 * `bfe.{u32,s32} d, a, b, c`: extract `len = c & 0xFF` bits from position `pos = b & 0xFF`,
 * zero- or sign-extended (sign = bit min(pos+len−1, 31) for `.s32`; len 0 → 0; a field that
 * starts beyond bit 31 is all sign bits).
 */
export function bfe32(a: number, b: number, c: number, signed: boolean): number {
  const pos = b & 0xff;
  const len = c & 0xff;
  if (len === 0) return 0;
  const top = pos + len - 1;
  const sbit = signed ? (a >>> (top > 31 ? 31 : top)) & 1 : 0;
  const n = pos > 31 ? 0 : len < 32 - pos ? len : 32 - pos; // bits taken from a
  let r = n === 0 ? 0 : n === 32 ? a : (a >>> pos) & ((1 << n) - 1);
  if (sbit !== 0 && n < 32) r |= -1 << n;
  return signed ? r | 0 : r >>> 0;
}

/**
 * `bfi.b32 f, a, b, c, d`: insert the low `len = d & 0xFF` bits of `a` into `b` at
 * `pos = c & 0xFF`; bits that would land beyond bit 31 are dropped.
 */
export function bfi32(a: number, b: number, c: number, d: number): number {
  const pos = c & 0xff;
  const len = d & 0xff;
  if (len === 0 || pos > 31) return b >>> 0;
  const n = Math.min(len, 32 - pos);
  const mask = (n === 32 ? -1 : (1 << n) - 1) << pos;
  return ((b & ~mask) | ((a << pos) & mask)) >>> 0;
}

/** `bmsk.{clamp,wrap}.b32 d, a, b`: `b`-bit mask starting at bit `a` (PTX ISA §9.7.1.22). */
export function bmsk(a: number, b: number, wrap: boolean): number {
  a >>>= 0;
  b >>>= 0;
  const a1 = a & 31;
  const b1 = b & 31;
  const sum = a1 + b1;
  let mask0 = -1 << a1;
  let mask1 = sum >= 32 ? 0 : -1 << sum;
  let overflow = sum >= 32;
  if (!wrap) {
    if (a >= 32) {
      overflow = true;
      mask0 = 0;
    }
    if (b >= 32) overflow = true;
  }
  if (overflow) mask1 = 0;
  else if (b1 === 0) mask1 = -1;
  return (mask0 & ~mask1) >>> 0;
}

/** `szext.{clamp,wrap}.{u32,s32} d, a, b`: sign/zero-extend the low N = b bits (§9.7.1.21). */
export function szext(a: number, b: number, wrap: boolean, signed: boolean): number {
  b >>>= 0;
  const b1 = b & 31;
  const tooLarge = b >= 32 && !wrap;
  const mask = tooLarge ? 0 : -1 << b1;
  const sign = b1 === 0 || tooLarge || !signed ? 0 : (a >>> ((b1 - 1) & 31)) & 1;
  const r = (a & ~mask) | (sign ? mask : 0);
  return signed ? r | 0 : r >>> 0;
}

/** `brev.b32`: bit reversal. */
export function brev32(a: number): number {
  a = ((a >>> 1) & 0x55555555) | ((a & 0x55555555) << 1);
  a = ((a >>> 2) & 0x33333333) | ((a & 0x33333333) << 2);
  a = ((a >>> 4) & 0x0f0f0f0f) | ((a & 0x0f0f0f0f) << 4);
  a = ((a >>> 8) & 0x00ff00ff) | ((a & 0x00ff00ff) << 8);
  return ((a >>> 16) | (a << 16)) >>> 0;
}

/** `popc.b32`: number of set bits. */
export function popc32(a: number): number {
  a = a - ((a >>> 1) & 0x55555555);
  a = (a & 0x33333333) + ((a >>> 2) & 0x33333333);
  return (Math.imul((a + (a >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** `clz.b32`: leading zeros (32 for 0). */
export function clz32(a: number): number {
  return Math.clz32(a);
}

/**
 * `bfind{.shiftamt}.{u32,s32} d, a`: position of the most significant non-sign bit
 * (0xFFFFFFFF if none); `.shiftamt` returns 31 − position instead.
 */
export function bfind32(a: number, signed: boolean, shiftamt: boolean): number {
  if (signed && (a | 0) < 0) a = ~a;
  if ((a | 0) === 0) return 0xffffffff;
  const lz = Math.clz32(a);
  return shiftamt ? lz : 31 - lz;
}

/**
 * `fns.b32 d, mask, base, offset`: position of the |offset|-th set bit of `mask` searching up
 * (offset > 0) or down (offset < 0) from `base` inclusive; offset 0 tests bit `base`.
 * 0xFFFFFFFF if not found. `base` must be ≤ 31 (PTX: undefined otherwise; here: not found).
 */
export function fns(mask: number, base: number, offset: number): number {
  base >>>= 0;
  offset |= 0;
  if (base > 31) return 0xffffffff;
  if (offset === 0) return (mask >>> base) & 1 ? base : 0xffffffff;
  let count = (offset < 0 ? -offset : offset) - 1;
  const inc = offset > 0 ? 1 : -1;
  for (let pos = base; pos >= 0 && pos < 32; pos += inc) {
    if ((mask >>> pos) & 1) {
      if (count === 0) return pos;
      count--;
    }
  }
  return 0xffffffff;
}

// ---------------------------------------------------------------- prmt / lop3 / dot products

/** `prmt.b32` (no mode): generic byte selection by the four nibbles of `c`. */
export const PRMT_DEFAULT = 0;
/** `prmt.b32.f4e`: forward 4-byte extract. */
export const PRMT_F4E = 1;
/** `prmt.b32.b4e`: backward 4-byte extract. */
export const PRMT_B4E = 2;
/** `prmt.b32.rc8`: replicate one byte. */
export const PRMT_RC8 = 3;
/** `prmt.b32.ecl`: edge clamp left. */
export const PRMT_ECL = 4;
/** `prmt.b32.ecr`: edge clamp right. */
export const PRMT_ECR = 5;
/** `prmt.b32.rc16`: replicate one half-word. */
export const PRMT_RC16 = 6;

/** Byte `i` (0..7) of the 64-bit value b:a. */
function byteOf(a: number, b: number, i: number): number {
  return ((i < 4 ? a : b) >>> ((i & 3) * 8)) & 0xff;
}

/** Byte selectors (result byte 0 first) of the non-default prmt modes, 4 per `c & 3`. */
const PRMT_TABLE = new Uint8Array([
  // f4e: rotate forward
  0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6,
  // b4e: rotate backward
  0, 7, 6, 5, 1, 0, 7, 6, 2, 1, 0, 7, 3, 2, 1, 0,
  // rc8: replicate byte
  0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
  // ecl: edge clamp left
  0, 1, 2, 3, 1, 1, 2, 3, 2, 2, 2, 3, 3, 3, 3, 3,
  // ecr: edge clamp right
  0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 2, 2, 0, 1, 2, 3,
  // rc16: replicate half-word
  0, 1, 0, 1, 2, 3, 2, 3, 0, 1, 0, 1, 2, 3, 2, 3,
]);

/**
 * `prmt.b32{.mode} d, a, b, c`: byte permute of the 8 bytes b:a. Default mode: each nibble of
 * `c` (low 16 bits) selects a byte (bits 2..0) and, with bit 3, replicates its sign bit.
 */
export function prmt(a: number, b: number, c: number, mode: number): number {
  let r = 0;
  if (mode === PRMT_DEFAULT) {
    for (let i = 0; i < 4; i++) {
      const sel = (c >>> (i * 4)) & 0xf;
      let byte = byteOf(a, b, sel & 7);
      if (sel & 8) byte = byte & 0x80 ? 0xff : 0;
      r |= byte << (i * 8);
    }
  } else {
    const base = (mode - 1) * 16 + (c & 3) * 4;
    for (let i = 0; i < 4; i++) r |= byteOf(a, b, PRMT_TABLE[base + i]!) << (i * 8);
  }
  return r >>> 0;
}

/**
 * `lop3.b32 d, a, b, c, immLut`: each result bit is bit `(a_i << 2) | (b_i << 1) | c_i` of the
 * 8-bit truth table `lut` (PTX: F(0xF0, 0xCC, 0xAA) = lut).
 */
export function lop3(a: number, b: number, c: number, lut: number): number {
  let r = 0;
  if (lut & 0x01) r |= ~a & ~b & ~c;
  if (lut & 0x02) r |= ~a & ~b & c;
  if (lut & 0x04) r |= ~a & b & ~c;
  if (lut & 0x08) r |= ~a & b & c;
  if (lut & 0x10) r |= a & ~b & ~c;
  if (lut & 0x20) r |= a & ~b & c;
  if (lut & 0x40) r |= a & b & ~c;
  if (lut & 0x80) r |= a & b & c;
  return r >>> 0;
}

/**
 * `dp4a.atype.btype d, a, b, c`: c + Σ a.byte[i]·b.byte[i], bytes signed or unsigned per operand
 * type; result mod 2^32 (int32 if either type is signed, else uint32).
 */
export function dp4a(a: number, b: number, c: number, aSigned: boolean, bSigned: boolean): number {
  let acc = c | 0;
  for (let i = 0; i < 32; i += 8) {
    const x = aSigned ? (a << (24 - i)) >> 24 : (a >>> i) & 0xff;
    const y = bSigned ? (b << (24 - i)) >> 24 : (b >>> i) & 0xff;
    acc = (acc + x * y) | 0;
  }
  return aSigned || bSigned ? acc : acc >>> 0;
}

/**
 * `dp2a.{lo,hi}.atype.btype d, a, b, c`: c + a.half[0]·b.byte[k] + a.half[1]·b.byte[k+1] with
 * k = 0 (`.lo`) or 2 (`.hi`).
 */
export function dp2a(a: number, b: number, c: number, aSigned: boolean, bSigned: boolean, hi: boolean): number {
  const k = hi ? 16 : 0;
  const a0 = aSigned ? (a << 16) >> 16 : a & 0xffff;
  const a1 = aSigned ? a >> 16 : a >>> 16;
  const b0 = bSigned ? (b << (24 - k)) >> 24 : (b >>> k) & 0xff;
  const b1 = bSigned ? (b << (16 - k)) >> 24 : (b >>> (k + 8)) & 0xff;
  const acc = ((c | 0) + a0 * b0 + a1 * b1) | 0; // |a_i·b_j| < 2^24: exact
  return aSigned || bSigned ? acc : acc >>> 0;
}

// ---------------------------------------------------------------- carry chains (§9.7.2)

/*
 * CC.CF semantics on sm_90 (observed by vosen/ptx_tests against hardware): after add.cc/addc.cc/
 * mad.cc/madc.cc, CF is the carry-out; after sub.cc/subc.cc, CF is NOT the borrow (ARM-style:
 * a − b computed as a + ~b + 1), and subc consumes it as a − b − (1 − CF). Chains of only adds
 * or only subtracts behave the same under either convention; mixing them does not. The engine
 * keeps CF per lane; these functions take it as an argument (0 or 1) and compute it separately.
 */

/** `add.cc` / `addc{.cc}.{u32,s32}`: a + b + cin (cin = 0 for `add.cc`). */
export function addc32(a: number, b: number, cin: number): number {
  return ((a >>> 0) + (b >>> 0) + cin) >>> 0;
}
/** CF after `add.cc` / `addc.cc`: carry-out of a + b + cin. */
export function addcCarry32(a: number, b: number, cin: number): number {
  return (a >>> 0) + (b >>> 0) + cin > 0xffffffff ? 1 : 0;
}
/** `sub.cc` / `subc{.cc}.{u32,s32}`: a − b − (1 − cf) (cf = 1 for `sub.cc`). */
export function subc32(a: number, b: number, cf: number): number {
  return ((a >>> 0) - (b >>> 0) - (1 - cf)) >>> 0;
}
/** CF after `sub.cc` / `subc.cc`: 1 when no borrow occurred. */
export function subcCarry32(a: number, b: number, cf: number): number {
  return (a >>> 0) - (b >>> 0) - (1 - cf) < 0 ? 0 : 1;
}
/** `mad.lo.cc` / `madc.lo{.cc}.{u32,s32}`: lo(a·b) + c + cin. */
export function madcLo32(a: number, b: number, c: number, cin: number): number {
  return addc32(Math.imul(a, b), c, cin);
}
/** CF after `mad.lo.cc` / `madc.lo.cc`. */
export function madcLoCarry32(a: number, b: number, c: number, cin: number): number {
  return addcCarry32(Math.imul(a, b), c, cin);
}
/** `mad.hi.cc` / `madc.hi{.cc}.{u32,s32}`: hi(a·b) + c + cin (signedness selects the product). */
export function madcHi32(a: number, b: number, c: number, cin: number, signed: boolean): number {
  return addc32(signed ? mulHiS32(a, b) : mulHiU32(a, b), c, cin);
}
/** CF after `mad.hi.cc` / `madc.hi.cc`. */
export function madcHiCarry32(a: number, b: number, c: number, cin: number, signed: boolean): number {
  return addcCarry32(signed ? mulHiS32(a, b) : mulHiU32(a, b), c, cin);
}
