/**
 * 64-bit integer instructions (`.u64`, `.s64`, `.b64`; and the 32→64 `mul.wide`/`mad.wide`), in
 * two representations that alias the same memory:
 *
 * - **BigInt form** (`…64Big(a, b)`): operands are BigInts (any representative mod 2^64),
 *   results are signed BigInts in [−2^63, 2^63) ready for a `BigInt64Array`.
 * - **Pair form** (`…64(lo, hi, …)`): a 64-bit value is two int32 numbers, the low and high words,
 *   as read from an `Int32Array` over the engine's `BigInt64Array` register file (element 2k is
 *   the low word of register k on a little-endian host). Results go to the shared scratch
 *   {@link I64} (`I64[0]` low, `I64[1]` high); nothing allocates.
 *
 * Which to use (measured with test/fixtures/num/bench.ts, Node 20 / V8 11.3): V8 lowers BigInt
 * `+ − * & | ^`, shifts by constants and `BigInt(int32)` to machine int64 operations when the
 * operands are loaded from and the result stored to a `BigInt64Array`, without allocating —
 * `R[d] = R[a] + R[b]` runs at 200–700 M/s and `mul.lo`/`mul.wide` at ~200 M/s, faster than any
 * function call. So the engine should emit those inline. Everything else allocates in BigInt form
 * (a call boundary, `>> 64n`, shifts by a register, conversion to a Number: 20–40 M/s), where the
 * pair forms run at 60–120 M/s: `mul.hi`, `shl`/`shr` by a register, bit-field and bit-count
 * instructions, 64-bit ↔ 32-bit/float conversions. Division stays in BigInt form.
 *
 * PTX ISA 9.1 §9.7.1 (integer arithmetic), §9.7.2 (extended precision), §9.7.8 (shifts).
 * @module
 */
import { bfind32, brev32, clz32, mulHiU32, popc32 } from './int32.js';

/** Result registers of the pair-form functions: `[lo, hi]`, both int32. */
export const I64 = new Int32Array(2);

const TWO32 = 4294967296;

// ---------------------------------------------------------------- conversions

/** The signed BigInt of the pair (lo, hi). */
export function pairToBigInt(lo: number, hi: number): bigint {
  return (BigInt(hi | 0) << 32n) | BigInt(lo >>> 0);
}

/** Writes the low 64 bits of `x` into {@link I64}. */
export function bigIntToPair(x: bigint): void {
  I64[0] = Number(BigInt.asIntN(32, x));
  I64[1] = Number(BigInt.asIntN(32, x >> 32n));
}

/** The pair as a JS number (exact when |value| < 2^53: address arithmetic), signed or unsigned. */
export function pairToNumber(lo: number, hi: number, signed: boolean): number {
  return (signed ? hi | 0 : hi >>> 0) * TWO32 + (lo >>> 0);
}

/** Writes an integer-valued JS number (|x| < 2^64, e.g. an address) into {@link I64}. */
export function numberToPair(x: number): void {
  const hi = Math.floor(x / TWO32);
  I64[0] = (x - hi * TWO32) | 0;
  I64[1] = hi | 0;
}

// ---------------------------------------------------------------- pair arithmetic

/** `add.{u64,s64}`: a + b mod 2^64 → {@link I64}. */
export function add64(alo: number, ahi: number, blo: number, bhi: number): void {
  const lo = (alo >>> 0) + (blo >>> 0);
  I64[0] = lo | 0;
  I64[1] = (ahi + bhi + (lo > 0xffffffff ? 1 : 0)) | 0;
}

/** `sub.{u64,s64}`: a − b mod 2^64 → {@link I64}. */
export function sub64(alo: number, ahi: number, blo: number, bhi: number): void {
  const lo = (alo >>> 0) - (blo >>> 0);
  I64[0] = lo | 0;
  I64[1] = (ahi - bhi - (lo < 0 ? 1 : 0)) | 0;
}

/** `neg.s64`: −a mod 2^64 → {@link I64} (neg(INT64_MIN) = INT64_MIN). */
export function neg64(lo: number, hi: number): void {
  sub64(0, 0, lo, hi);
}

/** `abs.s64` → {@link I64} (abs(INT64_MIN) = INT64_MIN). */
export function abs64(lo: number, hi: number): void {
  if ((hi | 0) < 0) sub64(0, 0, lo, hi);
  else {
    I64[0] = lo;
    I64[1] = hi;
  }
}

/** `mul.wide.u32 d, a, b` → {@link I64} (exact 64-bit product). */
export function mulWideU32(a: number, b: number): void {
  I64[0] = Math.imul(a, b);
  I64[1] = mulHiU32(a, b) | 0;
}

/** `mul.wide.s32 d, a, b` → {@link I64}. */
export function mulWideS32(a: number, b: number): void {
  a |= 0;
  b |= 0;
  let hi = mulHiU32(a, b);
  if (a < 0) hi -= b;
  if (b < 0) hi -= a;
  I64[0] = Math.imul(a, b);
  I64[1] = hi | 0;
}

/**
 * `mul.wide.{s32,u32}` as a JS number, for address-like registers kept as doubles: exact when
 * |a·b| < 2^53 (the engine's address space).
 */
export function mulWide32ToNumber(a: number, b: number, signed: boolean): number {
  return signed ? (a | 0) * (b | 0) : (a >>> 0) * (b >>> 0);
}

/** `mad.wide.{u32,s32} d, a, b, c`: the 64-bit product of two 32-bit values plus the pair c → {@link I64}. */
export function madWide32(a: number, b: number, clo: number, chi: number, signed: boolean): void {
  if (signed) mulWideS32(a, b);
  else mulWideU32(a, b);
  add64(I64[0]!, I64[1]!, clo, chi);
}

/** `mad.wide.{u32,s32}` in BigInt form. */
export function madWide32Big(a: number, b: number, c: bigint, signed: boolean): bigint {
  return BigInt.asIntN(64, mulWide32Big(a, b, signed) + c);
}

/** `mul.lo.{u64,s64}`: low 64 bits of a·b → {@link I64}. */
export function mulLo64(alo: number, ahi: number, blo: number, bhi: number): void {
  const hi = mulHiU32(alo, blo) + Math.imul(alo, bhi) + Math.imul(ahi, blo);
  I64[0] = Math.imul(alo, blo);
  I64[1] = hi | 0;
}

/** `mul.hi.u64`: high 64 bits of the unsigned 128-bit product → {@link I64}. */
export function mulHiU64(alo: number, ahi: number, blo: number, bhi: number): void {
  alo >>>= 0;
  ahi >>>= 0;
  blo >>>= 0;
  bhi >>>= 0;
  // partial products as (hi, lo) words
  const llHi = mulHiU32(alo, blo);
  const lhLo = Math.imul(alo, bhi) >>> 0;
  const lhHi = mulHiU32(alo, bhi);
  const hlLo = Math.imul(ahi, blo) >>> 0;
  const hlHi = mulHiU32(ahi, blo);
  const hhLo = Math.imul(ahi, bhi) >>> 0;
  const hhHi = mulHiU32(ahi, bhi);
  const w1 = llHi + lhLo + hlLo; // < 3·2^32: exact
  const w2 = hhLo + lhHi + hlHi + Math.floor(w1 / TWO32);
  const carry = Math.floor(w2 / TWO32);
  I64[0] = w2 | 0;
  I64[1] = (hhHi + carry) | 0;
}

/** `mul.hi.s64`: high 64 bits of the signed 128-bit product → {@link I64}. */
export function mulHiS64(alo: number, ahi: number, blo: number, bhi: number): void {
  mulHiU64(alo, ahi, blo, bhi);
  let lo = I64[0]!;
  let hi = I64[1]!;
  // signed correction: hi_s = hi_u − (a < 0 ? b : 0) − (b < 0 ? a : 0)
  if ((ahi | 0) < 0) {
    sub64(lo, hi, blo, bhi);
    lo = I64[0]!;
    hi = I64[1]!;
  }
  if ((bhi | 0) < 0) sub64(lo, hi, alo, ahi);
}

/** Signed comparison of two pairs: −1, 0 or 1. */
export function cmpS64(alo: number, ahi: number, blo: number, bhi: number): number {
  ahi |= 0;
  bhi |= 0;
  if (ahi !== bhi) return ahi < bhi ? -1 : 1;
  alo >>>= 0;
  blo >>>= 0;
  return alo === blo ? 0 : alo < blo ? -1 : 1;
}

/** Unsigned comparison of two pairs: −1, 0 or 1. */
export function cmpU64(alo: number, ahi: number, blo: number, bhi: number): number {
  ahi >>>= 0;
  bhi >>>= 0;
  if (ahi !== bhi) return ahi < bhi ? -1 : 1;
  alo >>>= 0;
  blo >>>= 0;
  return alo === blo ? 0 : alo < blo ? -1 : 1;
}

/** `min`/`max.{s64,u64}` → {@link I64}. */
export function minMax64(alo: number, ahi: number, blo: number, bhi: number, signed: boolean, max: boolean): void {
  const c = signed ? cmpS64(alo, ahi, blo, bhi) : cmpU64(alo, ahi, blo, bhi);
  const takeA = max ? c >= 0 : c <= 0;
  I64[0] = takeA ? alo : blo;
  I64[1] = takeA ? ahi : bhi;
}

/** `shl.b64 d, a, n` (n: u32 count; n ≥ 64 → 0) → {@link I64}. */
export function shl64(lo: number, hi: number, n: number): void {
  n >>>= 0;
  if (n >= 64) {
    I64[0] = 0;
    I64[1] = 0;
  } else if (n >= 32) {
    I64[1] = lo << (n - 32);
    I64[0] = 0;
  } else if (n === 0) {
    I64[0] = lo;
    I64[1] = hi;
  } else {
    I64[1] = (hi << n) | (lo >>> (32 - n));
    I64[0] = lo << n;
  }
}

/** `shr.u64 d, a, n` (n ≥ 64 → 0) → {@link I64}. */
export function shrU64(lo: number, hi: number, n: number): void {
  n >>>= 0;
  if (n >= 64) {
    I64[0] = 0;
    I64[1] = 0;
  } else if (n >= 32) {
    I64[0] = hi >>> (n - 32);
    I64[1] = 0;
  } else if (n === 0) {
    I64[0] = lo;
    I64[1] = hi;
  } else {
    I64[0] = (lo >>> n) | (hi << (32 - n));
    I64[1] = hi >>> n;
  }
}

/** `shr.s64 d, a, n` (n ≥ 64 → sign fill) → {@link I64}. */
export function shrS64(lo: number, hi: number, n: number): void {
  n >>>= 0;
  if (n >= 64) n = 63;
  if (n >= 32) {
    I64[0] = hi >> (n - 32);
    I64[1] = hi >> 31;
  } else if (n === 0) {
    I64[0] = lo;
    I64[1] = hi;
  } else {
    I64[0] = (lo >>> n) | (hi << (32 - n));
    I64[1] = hi >> n;
  }
}

/** `popc.b64` (result .u32). */
export function popc64(lo: number, hi: number): number {
  return popc32(lo) + popc32(hi);
}

/** `clz.b64` (result .u32; 64 for 0). */
export function clz64(lo: number, hi: number): number {
  return hi !== 0 ? clz32(hi) : 32 + clz32(lo);
}

/** `brev.b64` → {@link I64}. */
export function brev64(lo: number, hi: number): void {
  const l = brev32(hi) | 0;
  I64[1] = brev32(lo) | 0;
  I64[0] = l;
}

/** `bfind{.shiftamt}.{u64,s64}` (result .u32; 0xFFFFFFFF when no non-sign bit). */
export function bfind64(lo: number, hi: number, signed: boolean, shiftamt: boolean): number {
  if (signed && (hi | 0) < 0) {
    lo = ~lo;
    hi = ~hi;
  }
  if ((hi | 0) !== 0) {
    const p = 32 + (31 - Math.clz32(hi));
    return shiftamt ? 63 - p : p;
  }
  const p = bfind32(lo, false, false);
  if (p === 0xffffffff) return p;
  return shiftamt ? 63 - p : p;
}

// ---------------------------------------------------------------- BigInt forms

const M64 = (1n << 64n) - 1n;

/** `div.u64 a, 0` result: all ones (measured on sm_90: gpu-truth.md DIV0-64). */
export const DIV_U64_BY_ZERO = -1n;
/** `div.s64 a, 0` result for any a: −1, all ones (measured on sm_90). */
export const DIV_S64_BY_ZERO = -1n;
/** `rem.{u64,s64} a, 0` result for any a: all ones (measured on sm_90; not the dividend). */
export const REM64_BY_ZERO = -1n;

/** `mul.lo.{u64,s64}` (BigInt form). */
export function mulLo64Big(a: bigint, b: bigint): bigint {
  return BigInt.asIntN(64, a * b);
}

/** `mul.hi.u64` (BigInt form). */
export function mulHiU64Big(a: bigint, b: bigint): bigint {
  return BigInt.asIntN(64, (BigInt.asUintN(64, a) * BigInt.asUintN(64, b)) >> 64n);
}

/** `mul.hi.s64` (BigInt form). */
export function mulHiS64Big(a: bigint, b: bigint): bigint {
  return BigInt.asIntN(64, (BigInt.asIntN(64, a) * BigInt.asIntN(64, b)) >> 64n);
}

/** `mul.wide.{s32,u32}` as a BigInt. */
export function mulWide32Big(a: number, b: number, signed: boolean): bigint {
  return signed ? BigInt(a | 0) * BigInt(b | 0) : BigInt(a >>> 0) * BigInt(b >>> 0);
}

/** `div.u64 d, a, b`; b = 0 → {@link DIV_U64_BY_ZERO}. */
export function divU64Big(a: bigint, b: bigint): bigint {
  const y = BigInt.asUintN(64, b);
  if (y === 0n) return DIV_U64_BY_ZERO;
  return BigInt.asIntN(64, BigInt.asUintN(64, a) / y);
}

/** `div.s64 d, a, b`: truncating; INT64_MIN / −1 = INT64_MIN; b = 0 → {@link DIV_S64_BY_ZERO}. */
export function divS64Big(a: bigint, b: bigint): bigint {
  const x = BigInt.asIntN(64, a);
  const y = BigInt.asIntN(64, b);
  if (y === 0n) return DIV_S64_BY_ZERO;
  return BigInt.asIntN(64, x / y);
}

/** `rem.u64 d, a, b`; b = 0 → {@link REM64_BY_ZERO}. */
export function remU64Big(a: bigint, b: bigint): bigint {
  const y = BigInt.asUintN(64, b);
  if (y === 0n) return REM64_BY_ZERO;
  return BigInt.asIntN(64, BigInt.asUintN(64, a) % y);
}

/** `rem.s64 d, a, b`: sign of the dividend; b = 0 → {@link REM64_BY_ZERO}. */
export function remS64Big(a: bigint, b: bigint): bigint {
  const x = BigInt.asIntN(64, a);
  const y = BigInt.asIntN(64, b);
  if (y === 0n) return REM64_BY_ZERO;
  return BigInt.asIntN(64, x % y);
}

/** Pair-form `div`/`rem.{u64,s64}` → {@link I64} (through BigInt; allocates). */
export function divRem64(alo: number, ahi: number, blo: number, bhi: number, signed: boolean, rem: boolean): void {
  const a = pairToBigInt(alo, ahi);
  const b = pairToBigInt(blo, bhi);
  bigIntToPair(signed ? (rem ? remS64Big(a, b) : divS64Big(a, b)) : rem ? remU64Big(a, b) : divU64Big(a, b));
}

/** `shl.b64` (BigInt form; count ≥ 64 → 0). */
export function shl64Big(a: bigint, n: number): bigint {
  n >>>= 0;
  return n >= 64 ? 0n : BigInt.asIntN(64, a << BigInt(n));
}

/** `shr.u64` (BigInt form; count ≥ 64 → 0). */
export function shrU64Big(a: bigint, n: number): bigint {
  n >>>= 0;
  return n >= 64 ? 0n : BigInt.asIntN(64, BigInt.asUintN(64, a) >> BigInt(n));
}

/** `shr.s64` (BigInt form; count ≥ 64 → sign fill). */
export function shrS64Big(a: bigint, n: number): bigint {
  n >>>= 0;
  return BigInt.asIntN(64, a) >> BigInt(n >= 64 ? 63 : n);
}

/**
 * Whether `bfe`/`bfi` `.b64`/`.u64`/`.s64` use the full 32-bit position and length operands (as
 * sm_80+ hardware was observed to do by vosen/ptx_tests, "ERRATA") instead of the low 8 bits the
 * PTX ISA documents. To be confirmed on sm_90: gpu-truth.md BFE64-RANGE.
 */
export const BFE64_FULL_POS_LEN = true;

function posLen64(x: number): number {
  return BFE64_FULL_POS_LEN ? x >>> 0 : x & 0xff;
}

/** `bfe.{u64,s64} d, a, b, c` (BigInt form). */
export function bfe64Big(a: bigint, b: number, c: number, signed: boolean): bigint {
  const pos = posLen64(b);
  const len = posLen64(c);
  if (len === 0) return 0n;
  const ua = BigInt.asUintN(64, a);
  const top = pos + len - 1;
  const sbit = signed ? (ua >> BigInt(top > 63 ? 63 : top)) & 1n : 0n;
  const n = pos > 63 ? 0 : Math.min(len, 64 - pos);
  let r = n === 0 ? 0n : (ua >> BigInt(pos)) & ((1n << BigInt(n)) - 1n);
  if (sbit !== 0n && n < 64) r |= M64 ^ ((1n << BigInt(n)) - 1n);
  return BigInt.asIntN(64, r);
}

/** `bfi.b64 f, a, b, c, d`: insert the low `d` bits of `a` into `b` at `c` (BigInt form). */
export function bfi64Big(a: bigint, b: bigint, c: number, d: number): bigint {
  const pos = posLen64(c);
  const len = posLen64(d);
  if (len === 0 || pos > 63) return BigInt.asIntN(64, b);
  const n = Math.min(len, 64 - pos);
  const mask = ((1n << BigInt(n)) - 1n) << BigInt(pos);
  return BigInt.asIntN(64, (BigInt.asUintN(64, b) & (M64 ^ mask)) | ((BigInt.asUintN(64, a) << BigInt(pos)) & mask));
}

/** `sad.{u64,s64} d, a, b, c`: c + |a − b| mod 2^64. */
export function sad64Big(a: bigint, b: bigint, c: bigint, signed: boolean): bigint {
  const x = signed ? BigInt.asIntN(64, a) : BigInt.asUintN(64, a);
  const y = signed ? BigInt.asIntN(64, b) : BigInt.asUintN(64, b);
  return BigInt.asIntN(64, (x > y ? x - y : y - x) + c);
}

/** `add.cc` / `addc{.cc}.{u64,s64}`: a + b + cin (BigInt form). */
export function addc64Big(a: bigint, b: bigint, cin: number): bigint {
  return BigInt.asIntN(64, a + b + BigInt(cin));
}

/** CF after `add.cc` / `addc.cc` `.u64`. */
export function addcCarry64Big(a: bigint, b: bigint, cin: number): number {
  return BigInt.asUintN(64, a) + BigInt.asUintN(64, b) + BigInt(cin) > M64 ? 1 : 0;
}

/** `sub.cc` / `subc{.cc}.{u64,s64}`: a − b − (1 − cf) (see the CC.CF note in int32.ts). */
export function subc64Big(a: bigint, b: bigint, cf: number): bigint {
  return BigInt.asIntN(64, a - b - BigInt(1 - cf));
}

/** CF after `sub.cc` / `subc.cc` `.u64`: 1 when no borrow. */
export function subcCarry64Big(a: bigint, b: bigint, cf: number): number {
  return BigInt.asUintN(64, a) - BigInt.asUintN(64, b) - BigInt(1 - cf) < 0n ? 0 : 1;
}
