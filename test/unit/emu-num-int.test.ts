/**
 * Integer instructions against BigInt / bit-by-bit references written from the PTX ISA text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as i32 from '../../src/emu/num/int32.js';
import * as i64 from '../../src/emu/num/int64.js';

const RUNS = 3000;
const u32 = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x80000001));
const big = (x: number, signed: boolean) => (signed ? BigInt(x | 0) : BigInt(x >>> 0));
const asU = (x: number) => x >>> 0;
const u64 = fc.oneof(
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  fc.constantFrom(0n, 1n, (1n << 63n) - 1n, 1n << 63n, (1n << 64n) - 1n, (1n << 32n) - 1n, 1n << 32n),
);
const lo = (x: bigint) => Number(BigInt.asIntN(32, x));
const hi = (x: bigint) => Number(BigInt.asIntN(32, x >> 32n));
const res = () => BigInt.asUintN(64, i64.pairToBigInt(i64.I64[0]!, i64.I64[1]!));

test('mul.hi / mul.wide / mad (32-bit) vs BigInt products', () => {
  fc.assert(
    fc.property(u32, u32, u32, (a, b, c) => {
      const pu = BigInt(a >>> 0) * BigInt(b >>> 0);
      const ps = BigInt(a | 0) * BigInt(b | 0);
      i64.mulWideU32(a, b);
      const wu = res();
      i64.mulWideS32(a, b);
      const ws = BigInt.asIntN(64, res());
      return (
        asU(i32.mulHiU32(a, b)) === Number(pu >> 32n) &&
        (i32.mulHiS32(a, b) | 0) === Number(BigInt.asIntN(32, ps >> 32n)) &&
        asU(i32.mulLo32(a, b)) === Number(BigInt.asUintN(32, pu)) &&
        wu === pu && ws === ps &&
        i64.mulWide32Big(a, b, true) === ps && i64.mulWide32Big(a, b, false) === pu &&
        asU(i32.madLo32(a, b, c)) === Number(BigInt.asUintN(32, pu + BigInt(c >>> 0))) &&
        asU(i32.madHiU32(a, b, c)) === Number(BigInt.asUintN(32, (pu >> 32n) + BigInt(c >>> 0))) &&
        (i32.madHiSatS32(a, b, c) | 0) === Number(clampS32((ps >> 32n) + BigInt(c | 0)))
      );
    }),
    { numRuns: RUNS },
  );
  assert.equal(i64.mulWide32ToNumber(-4, 1000, true), -4000);
  i64.madWide32(-3, 5, -1, -1, true);
  assert.equal(i64.pairToBigInt(i64.I64[0]!, i64.I64[1]!), -16n);
  assert.equal(i64.madWide32Big(0xffffffff, 2, 1n, false), 0x1ffffffffn);
  assert.equal(i32.madWide16(0xffff, 0xffff, 1, false), 0xfffe0002);
  assert.equal(i32.madWide16(0x8000, 2, 0, true), -65536);
});

function clampS32(v: bigint): bigint {
  return v > 2147483647n ? 2147483647n : v < -2147483648n ? -2147483648n : v;
}

test('add.sat / sub.sat .s32, abs/neg with INT_MIN wrap, min/max(.relu), cnot', () => {
  fc.assert(
    fc.property(u32, u32, (a, b) =>
      i32.addSatS32(a, b) === Number(clampS32(big(a, true) + big(b, true))) &&
      i32.subSatS32(a, b) === Number(clampS32(big(a, true) - big(b, true))) &&
      i32.minS32(a, b) === Math.min(a | 0, b | 0) && i32.maxU32(a, b) === Math.max(a >>> 0, b >>> 0) &&
      i32.maxReluS32(a, b) === Math.max(a | 0, b | 0, 0) && i32.minReluS32(a, b) === Math.max(Math.min(a | 0, b | 0), 0)),
    { numRuns: RUNS },
  );
  assert.equal(i32.absS32(0x80000000), -2147483648);
  assert.equal(i32.negS32(0x80000000), -2147483648);
  assert.equal(i32.absS32(-5), 5);
  assert.deepEqual([i32.cnot(0), i32.cnot(7)], [1, 0]);
  assert.equal(i32.minMax16x2(0xffff0001, 0x00018000, true, true, false), 0x00010001);
  assert.equal(i32.minMax16x2(0xffff8000, 0xfffe8001, true, true, true), 0x00000000, 'max.relu.s16x2');
  assert.equal(i32.minMax16x2(0xffff0001, 0x00018000, false, false, false), 0x00010001);
});

test('div/rem: truncation, INT_MIN / −1, division by zero constants (32 and 64 bit)', () => {
  assert.equal(i32.divS32(-7, 2), -3);
  assert.equal(i32.remS32(-7, 2), -1);
  assert.equal(i32.divS32(0x80000000, -1), -2147483648);
  assert.equal(i32.remS32(0x80000000, -1), 0);
  // division by zero, every width and signedness: all ones (H100, gpu-truth.md DIV0-32/DIV0-64)
  assert.equal(i32.divU32(7, 0), i32.DIV_U32_BY_ZERO);
  assert.equal(i32.divS32(7, 0), i32.DIV_S32_BY_ZERO_NONNEG);
  assert.equal(i32.divS32(-7, 0), i32.DIV_S32_BY_ZERO_NEG);
  assert.deepEqual([i32.DIV_U32_BY_ZERO, i32.DIV_S32_BY_ZERO_NONNEG, i32.DIV_S32_BY_ZERO_NEG], [0xffffffff, -1, -1]);
  assert.equal(i32.REM_BY_ZERO_RETURNS_DIVIDEND, false);
  assert.equal(i32.remU32(7, 0), 0xffffffff);
  assert.equal(i32.remS32(-7, 0), -1);
  assert.equal(i32.remS32(0x7fffffff, 0), -1);
  assert.equal(i32.div16(0x8000, 0xffff, true), -32768);
  assert.equal(i32.div16(5, 0, false), 0xffff);
  assert.equal(i32.div16(0xbc45, 0, true) & 0xffff, 0xffff);
  assert.equal(i32.rem16(0x7fff, 0, false), 0xffff);
  assert.equal(i32.rem16(0xfafb, 0, true) & 0xffff, 0xffff);
  assert.equal(i64.divS64Big(-(2n ** 63n), -1n), -(2n ** 63n));
  assert.equal(i64.remS64Big(-(2n ** 63n), -1n), 0n);
  assert.equal(i64.divU64Big(5n, 0n), i64.DIV_U64_BY_ZERO);
  assert.equal(i64.divS64Big(-5n, 0n), -1n);
  assert.equal(i64.remU64Big(5n, 0n), -1n);
  assert.equal(i64.remS64Big(-5n, 0n), -1n);
  i64.divRem64(5, 0, 0, 0, true, true);
  assert.deepEqual([i64.I64[0], i64.I64[1]], [-1, -1]);
  fc.assert(
    fc.property(u32, u32, u64, u64, (a, b, x, y) => {
      if ((b | 0) === 0 || y === 0n) return true;
      const sa = big(a, true);
      const sb = big(b, true);
      const ok32 =
        i32.divU32(a, b) === Number(BigInt(a >>> 0) / BigInt(b >>> 0)) &&
        i32.remU32(a, b) === Number(BigInt(a >>> 0) % BigInt(b >>> 0)) &&
        (i32.divS32(a, b) | 0) === Number(BigInt.asIntN(32, sa / sb)) &&
        (i32.remS32(a, b) | 0) === Number(sa % sb);
      i64.divRem64(lo(x), hi(x), lo(y), hi(y), false, false);
      const d = res();
      i64.divRem64(lo(x), hi(x), lo(y), hi(y), true, true);
      const r = BigInt.asIntN(64, res());
      return ok32 && d === x / y && r === BigInt.asIntN(64, x) % BigInt.asIntN(64, y);
    }),
    { numRuns: RUNS },
  );
});

test('shifts clamp counts ≥ width: shl → 0, shr.u → 0, shr.s → sign fill (16/32/64 bit)', () => {
  for (const n of [32, 33, 100, 0xffffffff]) {
    assert.equal(i32.shl(0xffffffff, n, 32), 0);
    assert.equal(i32.shrU(0xffffffff, n, 32), 0);
    assert.equal(i32.shrS(0x80000000, n, 32), -1);
    assert.equal(i32.shrS(0x7fffffff, n, 32), 0);
  }
  assert.equal(i32.shl(0xffff, 16, 16), 0);
  assert.equal(i32.shl(0x8001, 1, 16), 2);
  assert.equal(i32.shrU(0xffff, 17, 16), 0);
  assert.equal(i32.shrS(0x8000, 15, 16), -1);
  assert.equal(i32.shrS(0x8000, 40, 16), -1);
  fc.assert(
    fc.property(u32, fc.integer({ min: 0, max: 70 }), u64, (a, n, x) => {
      const ok32 =
        i32.shl(a, n, 32) === (n >= 32 ? 0 : Number(BigInt.asUintN(32, BigInt(a >>> 0) << BigInt(n)))) &&
        i32.shrU(a, n, 32) === (n >= 32 ? 0 : (a >>> 0) >>> n) &&
        i32.shrS(a, n, 32) === (a | 0) >> Math.min(n, 31);
      i64.shl64(lo(x), hi(x), n);
      const l = res();
      i64.shrU64(lo(x), hi(x), n);
      const ru = res();
      i64.shrS64(lo(x), hi(x), n);
      const rs = BigInt.asIntN(64, res());
      const sx = BigInt.asIntN(64, x);
      return (
        ok32 &&
        l === (n >= 64 ? 0n : BigInt.asUintN(64, x << BigInt(n))) && BigInt.asUintN(64, i64.shl64Big(x, n)) === l &&
        ru === (n >= 64 ? 0n : x >> BigInt(n)) && BigInt.asUintN(64, i64.shrU64Big(x, n)) === ru &&
        rs === sx >> BigInt(Math.min(n, 63)) && i64.shrS64Big(x, n) === rs
      );
    }),
    { numRuns: RUNS },
  );
});

test('shf.l / shf.r with .clamp and .wrap vs a 64-bit funnel reference', () => {
  fc.assert(
    fc.property(u32, u32, fc.oneof(fc.integer({ min: 0, max: 40 }), u32), (a, b, c) => {
      const cat = (BigInt(b >>> 0) << 32n) | BigInt(a >>> 0);
      for (const wrap of [false, true]) {
        const n = BigInt(wrap ? (c >>> 0) & 31 : Math.min(c >>> 0, 32));
        const l = Number(BigInt.asUintN(32, (cat << n) >> 32n));
        const r = Number(BigInt.asUintN(32, cat >> n));
        if (i32.shfL(a, b, c, wrap) !== l || i32.shfR(a, b, c, wrap) !== r) return false;
      }
      return true;
    }),
    { numRuns: RUNS },
  );
});

/** bfe reference, bit by bit, from the ISA semantics block (pos/len already reduced). */
function bfeRef(a: bigint, pos: number, len: number, width: number, signed: boolean): bigint {
  const msb = width - 1;
  const bit = (i: number) => (a >> BigInt(i)) & 1n;
  const sbit = !signed || len === 0 ? 0n : bit(Math.min(pos + len - 1, msb));
  let d = 0n;
  for (let i = 0; i <= msb; i++) d |= (i < len && pos + i <= msb ? bit(pos + i) : sbit) << BigInt(i);
  return signed ? BigInt.asIntN(width, d) : d;
}

function bfiRef(a: bigint, b: bigint, pos: number, len: number, width: number): bigint {
  let f = b;
  for (let i = 0; i < len && pos + i < width; i++) {
    const bitv = (a >> BigInt(i)) & 1n;
    f = (f & ~(1n << BigInt(pos + i))) | (bitv << BigInt(pos + i));
  }
  return BigInt.asUintN(width, f);
}

test('bfe / bfi (32-bit: pos, len & 0xFF; 64-bit: full operands) vs bit-by-bit references', () => {
  const pl = fc.oneof(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 0x3ff }));
  fc.assert(
    fc.property(u32, u32, pl, pl, u64, u64, (a, b, p, l, x, y) => {
      const ua = BigInt(a >>> 0);
      const ok32 =
        BigInt(i32.bfe32(a, p, l, false)) === bfeRef(ua, p & 0xff, l & 0xff, 32, false) &&
        BigInt(i32.bfe32(a, p, l, true)) === bfeRef(ua, p & 0xff, l & 0xff, 32, true) &&
        BigInt(i32.bfi32(a, b, p, l)) === bfiRef(ua, BigInt(b >>> 0), p & 0xff, l & 0xff, 32);
      const pp = i64.BFE64_FULL_POS_LEN ? p : p & 0xff;
      const ll = i64.BFE64_FULL_POS_LEN ? l : l & 0xff;
      return (
        ok32 &&
        BigInt.asUintN(64, i64.bfe64Big(x, p, l, false)) === bfeRef(x, pp, ll, 64, false) &&
        i64.bfe64Big(x, p, l, true) === bfeRef(x, pp, ll, 64, true) &&
        BigInt.asUintN(64, i64.bfi64Big(x, y, p, l)) === bfiRef(x, y, pp, ll, 64)
      );
    }),
    { numRuns: RUNS },
  );
  assert.equal(i32.bfe32(0xf0, 4, 4, true), -1);
  assert.equal(i32.bfe32(0x80000000, 31, 200, true), -1, 'field beyond msb: sign fill');
  assert.equal(i32.bfe32(0x12345678, 0, 0, true), 0, 'len 0');
  assert.equal(i32.bfe32(0x12345678, 0x108, 0x104, false), 0x6, 'operands reduced to 8 bits');
});

test('bmsk / szext follow the ISA semantics blocks', () => {
  assert.equal(i32.bmsk(1, 2, true), 0x6);
  assert.equal(i32.bmsk(0, 32, false), 0xffffffff);
  assert.equal(i32.bmsk(0, 32, true), 0, 'wrap: width 0');
  assert.equal(i32.bmsk(33, 4, false), 0, 'clamp: position ≥ 32');
  assert.equal(i32.bmsk(33, 4, true), 0x1e, 'wrap: position 1');
  assert.equal(i32.bmsk(30, 5, true), 0xc0000000, 'sum overflow keeps the bits up to 31');
  assert.equal(i32.szext(0xffffffff, 0, true, false), 0);
  assert.equal(i32.szext(0x80, 8, false, true), -128);
  assert.equal(i32.szext(0x180, 8, false, false), 0x80);
  assert.equal(i32.szext(0x12345678, 40, false, true), 0x12345678, 'clamp: N ≥ 32 returns a');
  assert.equal(i32.szext(0x12345678, 40, true, false), 0x78, 'wrap: N = 8');
});

test('brev / popc / clz / bfind(.shiftamt) on 32 and 64 bits', () => {
  const rev = (x: bigint, w: number) => BigInt('0b' + (x.toString(2).padStart(w, '0').split('').reverse().join('') || '0'));
  fc.assert(
    fc.property(u32, u64, (a, x) => {
      const ua = BigInt(a >>> 0);
      const pop = (v: bigint) => [...v.toString(2)].filter((ch) => ch === '1').length;
      const clz = (v: bigint, w: number) => (v === 0n ? w : w - v.toString(2).length);
      const bfindRef = (v: bigint, w: number, s: boolean, sh: boolean) => {
        let t = v;
        if (s && (v >> BigInt(w - 1)) & 1n) t = BigInt.asUintN(w, ~v);
        if (t === 0n) return 0xffffffff;
        const p = t.toString(2).length - 1;
        return sh ? w - 1 - p : p;
      };
      i64.brev64(lo(x), hi(x));
      const b = res();
      return (
        BigInt(i32.brev32(a)) === rev(ua, 32) && i32.popc32(a) === pop(ua) && i32.clz32(a) === clz(ua, 32) &&
        [false, true].every((s) => [false, true].every((sh) => i32.bfind32(a, s, sh) === bfindRef(ua, 32, s, sh) && i64.bfind64(lo(x), hi(x), s, sh) === bfindRef(x, 64, s, sh))) &&
        b === rev(x, 64) && i64.popc64(lo(x), hi(x)) === pop(x) && i64.clz64(lo(x), hi(x)) === clz(x, 64)
      );
    }),
    { numRuns: RUNS },
  );
});

test('fns: ISA examples and a direct reference', () => {
  assert.equal(i32.fns(0xaaaaaaaa, 3, 1), 3);
  assert.equal(i32.fns(0xaaaaaaaa, 3, -1), 3);
  assert.equal(i32.fns(0xaaaaaaaa, 2, 1), 3);
  assert.equal(i32.fns(0xaaaaaaaa, 2, -1), 1);
  assert.equal(i32.fns(0, 5, 1), 0xffffffff);
  assert.equal(i32.fns(0xaaaaaaaa, 2, 0), 0xffffffff);
  assert.equal(i32.fns(0xaaaaaaaa, 3, 0), 3);
  fc.assert(
    fc.property(u32, fc.integer({ min: 0, max: 31 }), fc.integer({ min: -40, max: 40 }), (m, base, off) => {
      const set: number[] = [];
      for (let i = 0; i < 32; i++) if ((m >>> i) & 1) set.push(i);
      let want = 0xffffffff;
      if (off === 0) want = (m >>> base) & 1 ? base : 0xffffffff;
      else if (off > 0) want = set.filter((i) => i >= base)[off - 1] ?? 0xffffffff;
      else want = set.filter((i) => i <= base).reverse()[-off - 1] ?? 0xffffffff;
      return i32.fns(m, base, off) === want;
    }),
    { numRuns: RUNS },
  );
});

test('prmt: every mode vs the ISA selector tables', () => {
  // from the ISA's table, most significant result byte first, per c[1:0]
  const table: Record<number, number[][]> = {
    [i32.PRMT_F4E]: [[3, 2, 1, 0], [4, 3, 2, 1], [5, 4, 3, 2], [6, 5, 4, 3]],
    [i32.PRMT_B4E]: [[5, 6, 7, 0], [6, 7, 0, 1], [7, 0, 1, 2], [0, 1, 2, 3]],
    [i32.PRMT_RC8]: [[0, 0, 0, 0], [1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]],
    [i32.PRMT_ECL]: [[3, 2, 1, 0], [3, 2, 1, 1], [3, 2, 2, 2], [3, 3, 3, 3]],
    [i32.PRMT_ECR]: [[0, 0, 0, 0], [1, 1, 1, 0], [2, 2, 1, 0], [3, 2, 1, 0]],
    [i32.PRMT_RC16]: [[1, 0, 1, 0], [3, 2, 3, 2], [1, 0, 1, 0], [3, 2, 3, 2]],
  };
  fc.assert(
    fc.property(u32, u32, fc.integer({ min: 0, max: 0xffff }), (a, b, c) => {
      const bytes = [0, 8, 16, 24].map((s) => (a >>> s) & 0xff).concat([0, 8, 16, 24].map((s) => (b >>> s) & 0xff));
      let want = 0;
      for (let i = 0; i < 4; i++) {
        const n = (c >> (4 * i)) & 15;
        const v = bytes[n & 7]!;
        want |= (n & 8 ? (v & 0x80 ? 0xff : 0) : v) << (8 * i);
      }
      if (i32.prmt(a, b, c, i32.PRMT_DEFAULT) !== want >>> 0) return false;
      for (const [mode, rows] of Object.entries(table)) {
        const sel = rows[c & 3]!;
        const w = ((bytes[sel[0]!]! << 24) | (bytes[sel[1]!]! << 16) | (bytes[sel[2]!]! << 8) | bytes[sel[3]!]!) >>> 0;
        if (i32.prmt(a, b, c, Number(mode)) !== w) return false;
      }
      return true;
    }),
    { numRuns: RUNS },
  );
});

test('lop3: all 256 truth tables, bit by bit', () => {
  const a = 0xf0f0f0f0 ^ 0x12345678;
  const b = 0xcccccccc ^ 0x0f0f1234;
  const c = 0xaaaaaaaa ^ 0x76543210;
  for (let lut = 0; lut < 256; lut++) {
    let want = 0;
    for (let i = 0; i < 32; i++) {
      const idx = (((a >>> i) & 1) << 2) | (((b >>> i) & 1) << 1) | ((c >>> i) & 1);
      want |= ((lut >> idx) & 1) << i;
    }
    assert.equal(i32.lop3(a, b, c, lut), want >>> 0, `lut 0x${lut.toString(16)}`);
  }
  assert.equal(i32.lop3(0xf0, 0xcc, 0xaa, 0x96), 0x96, 'F(ta, tb, tc) = lut');
});

test('dp4a / dp2a (all signedness mixes), sad, mul24/mad24', () => {
  const sx = (v: number, bits: number, s: boolean) => (s ? Number(BigInt.asIntN(bits, BigInt(v))) : v);
  fc.assert(
    fc.property(u32, u32, u32, fc.boolean(), fc.boolean(), fc.boolean(), (a, b, c, as, bs, h) => {
      let acc = BigInt(c | 0);
      for (let i = 0; i < 4; i++) acc += BigInt(sx((a >>> (8 * i)) & 0xff, 8, as) * sx((b >>> (8 * i)) & 0xff, 8, bs));
      const want4 = as || bs ? Number(BigInt.asIntN(32, acc)) : Number(BigInt.asUintN(32, acc));
      const k = h ? 2 : 0;
      let acc2 = BigInt(c | 0);
      acc2 += BigInt(sx(a & 0xffff, 16, as) * sx((b >>> (8 * k)) & 0xff, 8, bs));
      acc2 += BigInt(sx(a >>> 16, 16, as) * sx((b >>> (8 * (k + 1))) & 0xff, 8, bs));
      const want2 = as || bs ? Number(BigInt.asIntN(32, acc2)) : Number(BigInt.asUintN(32, acc2));
      const sad = Number(BigInt.asIntN(32, BigInt(c) + (as ? (big(a, true) > big(b, true) ? big(a, true) - big(b, true) : big(b, true) - big(a, true)) : BigInt(Math.abs((a >>> 0) - (b >>> 0))))));
      const a24 = as ? (a << 8) >> 8 : a & 0xffffff;
      const b24 = as ? (b << 8) >> 8 : b & 0xffffff;
      const p = BigInt(a24) * BigInt(b24);
      return (
        i32.dp4a(a, b, c, as, bs) === want4 && i32.dp2a(a, b, c, as, bs, h) === want2 && i32.sad32(a, b, c, as) === sad &&
        (i32.mul24Lo(a, b, as) | 0) === Number(BigInt.asIntN(32, p)) &&
        i32.mul24Hi(a, b, as) === (as ? Number(BigInt.asIntN(32, p >> 16n)) : Number(BigInt.asUintN(32, p >> 16n))) &&
        (i32.mad24Lo(a, b, c, as) | 0) === Number(BigInt.asIntN(32, p + BigInt(c | 0)))
      );
    }),
    { numRuns: RUNS },
  );
  assert.equal(i32.sad16(0x8000, 0x7fff, 0, true), 0xffff & 0xffff ? -1 : 0, 'sad.s16: |−32768 − 32767| wraps');
  assert.equal(i32.mad24Hi(0x7fffff, 0x7fffff, 0x7fffffff, true, true), 0x7fffffff, 'mad24.hi.sat.s32 saturates');
});

test('carry chains: 128-bit add and subtract via add.cc/addc and sub.cc/subc; madc', () => {
  const words = (x: bigint) => [0, 1, 2, 3].map((i) => Number((x >> BigInt(32 * i)) & 0xffffffffn));
  const join = (w: number[]) => w.reduce((acc, v, i) => acc | (BigInt(v >>> 0) << BigInt(32 * i)), 0n);
  const u128 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
  fc.assert(
    fc.property(u128, u128, (x, y) => {
      const a = words(x);
      const b = words(y);
      // add.cc, addc.cc, addc.cc, addc
      let cf = 0;
      const s: number[] = [];
      for (let i = 0; i < 4; i++) {
        s.push(i32.addc32(a[i]!, b[i]!, cf));
        cf = i32.addcCarry32(a[i]!, b[i]!, cf);
      }
      // sub.cc (cf = 1: no borrow), subc.cc …
      let bf = 1;
      const d: number[] = [];
      for (let i = 0; i < 4; i++) {
        d.push(i32.subc32(a[i]!, b[i]!, bf));
        bf = i32.subcCarry32(a[i]!, b[i]!, bf);
      }
      const M = (1n << 128n) - 1n;
      return join(s) === ((x + y) & M) && cf === (x + y > M ? 1 : 0) && join(d) === ((x - y) & M) && bf === (x >= y ? 1 : 0);
    }),
    { numRuns: RUNS },
  );
  // CC.CF semantics across add/sub (as sm_90 was observed): subc consumes CF as "not borrow"
  assert.equal(i32.subc32(5, 3, 0), 1, 'subc with CF = 0 subtracts one more');
  assert.equal(i32.subc32(5, 3, 1), 2);
  assert.equal(i32.madcLo32(0xffffffff, 2, 5, 1), 4, 'lo(0xFFFFFFFF·2) + 5 + 1 = 2^32 + 4');
  assert.equal(i32.madcLoCarry32(0xffffffff, 2, 5, 1), 1);
  assert.equal(i32.madcHi32(0xffffffff, 0xffffffff, 0xffffffff, 1, false), 0xfffffffe, 'hi = 0xFFFFFFFE; + 0xFFFFFFFF + 1');
  assert.equal(i32.madcHiCarry32(0xffffffff, 0xffffffff, 0xffffffff, 1, false), 1);
  assert.equal(i64.addc64Big(-1n, 1n, 0), 0n);
  assert.equal(i64.addcCarry64Big(-1n, 1n, 0), 1);
  assert.equal(i64.subcCarry64Big(0n, 1n, 1), 0);
});

test('64-bit pair arithmetic vs BigInt: add, sub, neg, abs, mul.lo, mul.hi.u/s, min/max, compare', () => {
  fc.assert(
    fc.property(u64, u64, (x, y) => {
      const [al, ah, bl, bh] = [lo(x), hi(x), lo(y), hi(y)];
      const M = (1n << 64n) - 1n;
      const sx = BigInt.asIntN(64, x);
      const sy = BigInt.asIntN(64, y);
      const checks: [() => void, bigint][] = [
        [() => i64.add64(al, ah, bl, bh), (x + y) & M],
        [() => i64.sub64(al, ah, bl, bh), (x - y) & M],
        [() => i64.neg64(al, ah), -x & M],
        [() => i64.abs64(al, ah), (sx < 0n ? -sx : sx) & M],
        [() => i64.mulLo64(al, ah, bl, bh), (x * y) & M],
        [() => i64.mulHiU64(al, ah, bl, bh), (x * y) >> 64n],
        [() => i64.mulHiS64(al, ah, bl, bh), ((sx * sy) >> 64n) & M],
        [() => i64.minMax64(al, ah, bl, bh, true, false), (sx < sy ? sx : sy) & M],
        [() => i64.minMax64(al, ah, bl, bh, false, true), x > y ? x : y],
      ];
      for (const [run, want] of checks) {
        run();
        if (res() !== want) return false;
      }
      return (
        i64.cmpS64(al, ah, bl, bh) === (sx < sy ? -1 : sx > sy ? 1 : 0) && i64.cmpU64(al, ah, bl, bh) === (x < y ? -1 : x > y ? 1 : 0) &&
        BigInt.asUintN(64, i64.mulHiU64Big(x, y)) === (x * y) >> 64n && i64.mulHiS64Big(x, y) === (sx * sy) >> 64n &&
        i64.mulLo64Big(x, y) === BigInt.asIntN(64, x * y) && i64.sad64Big(x, y, 1n, true) === BigInt.asIntN(64, (sx > sy ? sx - sy : sy - sx) + 1n)
      );
    }),
    { numRuns: RUNS },
  );
  i64.numberToPair(-5);
  assert.equal(i64.pairToBigInt(i64.I64[0]!, i64.I64[1]!), -5n);
  assert.equal(i64.pairToNumber(i64.I64[0]!, i64.I64[1]!, true), -5);
  i64.bigIntToPair(0x123456789abcdefn);
  assert.equal(i64.pairToNumber(i64.I64[0]!, i64.I64[1]!, false), 0x123456789abcdef);
});
