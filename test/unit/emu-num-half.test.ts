/**
 * binary16 / bfloat16 conversions and arithmetic (incl. packed x2 forms) against the exact oracle.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bigBitsToF64, bitsToF32 } from '../../src/emu/num/bits.js';
import {
  HALF_FTZ, HALF_RELU, HALF_SAT, abs16, abs16x2, absBF16Bits, absBF16x2Bits, absF16Bits, absF16x2Bits, addBF16, addF16, addF16x2,
  addBF16x2, bf16ToF32Bits, bf16ToNumber, f16ToNumber, negBF16Bits, negBF16x2Bits, negF16Bits, negF16x2Bits,
  fmaBF16, fmaF16, fmaF16x2, ftzF16, maxBF16, maxF16, minF16, minF16x2, mulBF16, mulF16, mulF16x2, neg16, neg16x2,
  packBF16x2FromF32, packF16x2FromF32, satfiniteF16, subBF16, subF16, subF16x2, toBF16, toF16, toF16Rn,
} from '../../src/emu/num/half.js';
import { BINARY16, RM, RN, RP, RZ, roundToFormat, type Rounding } from '../../src/emu/num/round.js';
import { BF16, F16, MODES, addRef, convRef, fmaRef, mulRef, sameValue } from '../fixtures/num/oracle.js';

const RUNS = 4000;
const modeArb = fc.constantFrom<Rounding>(RN, RZ, RM, RP);
const h16 = fc.integer({ min: 0, max: 0xffff });

/** Independent binary16 decoder (from the field definitions). */
function decodeF16Ref(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 31;
  const m = h & 1023;
  if (e === 31) return m ? NaN : s * Infinity;
  if (e === 0) return s * m * 2 ** -24 || (s < 0 ? -0 : 0);
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

function isNaN16(h: number): boolean {
  return (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
}

function eqBits(actual: number, expected: number, what: string): void {
  if (actual !== expected) assert.fail(`${what}: got 0x${actual.toString(16)}, want 0x${expected.toString(16)}`);
}

test('f16 decode: all 65536 patterns exact; encode(decode(h)) = h in every mode (NaN → 0x7FFF)', () => {
  for (let h = 0; h < 65536; h++) {
    const v = f16ToNumber(h);
    assert.ok(sameValue(v, decodeF16Ref(h)), `decode 0x${h.toString(16)}`);
    for (const m of MODES) eqBits(toF16(v, m), isNaN16(h) ? 0x7fff : h, `roundtrip 0x${h.toString(16)} m${m}`);
  }
});

test('f16 rounding from binary64/binary32: all modes vs the oracle, incl. subnormals, ties and overflow', () => {
  const around = fc.tuple(h16, fc.integer({ min: -3, max: 3 }), fc.boolean()).map(([h, k, dbl]) => {
    // values next to binary16 grid points and midpoints
    const v = f16ToNumber(h);
    if (!Number.isFinite(v)) return v;
    const ulp = 2 ** (Math.max(Math.floor(Math.log2(Math.abs(v) || 2 ** -24)), -14) - 10);
    const x = v + (k * ulp) / 4 + (dbl ? ulp * 2 ** -30 : 0);
    return dbl ? x : Math.fround(x);
  });
  fc.assert(
    fc.property(fc.oneof(fc.double(), fc.float(), around, fc.integer({ min: 0, max: 0xffffffff }).map(bitsToF32)), modeArb, (x, m) => {
      const got = toF16(x, m);
      if (Number.isNaN(x)) return got === 0x7fff;
      const want = convRef(x, m, F16);
      return sameValue(f16ToNumber(got), want);
    }),
    { numRuns: RUNS * 5 },
  );
});

test('cvt.rn.f16.f32 fast path equals the generic rounding at the edges of every binade', () => {
  const edges = [65504, 65519, 65519.99609375, 65520, 65536, 1e6, 2 ** -14, 2 ** -15, 2 ** -24, 2 ** -25, 3 * 2 ** -26, 2 ** -25 * 1.5, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 0, -0, Infinity];
  for (const e of edges) {
    for (const x of [e, -e, Math.fround(e * (1 + 2 ** -23)), Math.fround(e * (1 - 2 ** -24))]) {
      assert.equal(toF16Rn(x), encodeRef(roundToFormat(x, RN, BINARY16)), `x=${x}`);
    }
  }
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }).map(bitsToF32), (x) => Number.isNaN(x) || sameValue(f16ToNumber(toF16Rn(x)), convRef(x, RN, F16))),
    { numRuns: RUNS * 5 },
  );
});

function encodeRef(v: number): number {
  for (let h = 0; h < 65536; h++) if (Object.is(f16ToNumber(h), v)) return h;
  throw new Error(`not a binary16 value: ${v}`);
}

test('bf16 decode/encode and rounding in all modes vs the oracle', () => {
  for (let h = 0; h < 65536; h++) {
    const v = bf16ToNumber(h);
    const nan = (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0;
    for (const m of MODES) eqBits(toBF16(v, m), nan ? 0x7fff : h, `bf16 roundtrip 0x${h.toString(16)}`);
  }
  fc.assert(
    fc.property(fc.oneof(fc.double(), fc.float(), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(bigBitsToF64)), modeArb, (x, m) => {
      const got = toBF16(x, m);
      if (Number.isNaN(x)) return got === 0x7fff;
      return sameValue(bf16ToNumber(got), convRef(x, m, BF16));
    }),
    { numRuns: RUNS * 5 },
  );
});

/** Reference for one f16 arithmetic result under flags: flush inputs, exact op, clamp, round, flush. */
function refF16(op: (x: number, y: number, z: number, m: Rounding) => number, a: number, b: number, c: number, m: Rounding, flags: number): number {
  const dec = (h: number) => f16ToNumber(flags & HALF_FTZ ? ftzF16(h) : h);
  let r = op(dec(a), dec(b), dec(c), m);
  if (flags & HALF_SAT) r = r > 0 ? Math.min(r, 1) : 0;
  if (flags & HALF_RELU && (r < 0 || Object.is(r, -0))) r = 0;
  if (flags & HALF_FTZ && r !== 0 && Math.abs(r) < 2 ** -14) r = r < 0 ? -0 : 0;
  return r;
}

const flagArb = fc.constantFrom(0, HALF_FTZ, HALF_SAT, HALF_FTZ | HALF_SAT, HALF_RELU, HALF_FTZ | HALF_RELU);

test('f16 add/sub/mul/fma: all modes and .ftz/.sat/.relu vs the oracle (rounded once)', () => {
  fc.assert(
    fc.property(h16, h16, h16, modeArb, flagArb, (a, b, c, m, flags) => {
      const addFlags = flags & ~HALF_RELU;
      const cases: [number, number][] = [
        [addF16(a, b, m, addFlags), refF16((x, y, _z, mm) => addRef(x, y, mm, F16), a, b, c, m, addFlags)],
        [subF16(a, b, m, addFlags), refF16((x, y, _z, mm) => addRef(x, -y, mm, F16), a, b, c, m, addFlags)],
        [mulF16(a, b, m, addFlags), refF16((x, y, _z, mm) => mulRef(x, y, mm, F16), a, b, c, m, addFlags)],
        [fmaF16(a, b, c, m, flags), refF16((x, y, z, mm) => fmaRef(x, y, z, mm, F16), a, b, c, m, flags)],
      ];
      for (const [got, want] of cases) {
        if (Number.isNaN(want)) {
          if (got !== 0x7fff) return false;
        } else if (!sameValue(f16ToNumber(got), want)) return false;
      }
      return true;
    }),
    { numRuns: RUNS * 5 },
  );
});

test('f16 fma: .rn equals rounding the binary64 result of a·b + c (the argument in half.ts)', () => {
  fc.assert(
    fc.property(h16, h16, h16, (a, b, c) => {
      const x = f16ToNumber(a) * f16ToNumber(b) + f16ToNumber(c);
      const got = fmaF16(a, b, c, RN, 0);
      return Number.isNaN(x) ? got === 0x7fff : sameValue(f16ToNumber(got), roundToFormat(x, RN, BINARY16));
    }),
    { numRuns: RUNS * 5 },
  );
});

test('bf16 add/sub/mul/fma(.relu): all modes vs the oracle, incl. operands far apart in exponent', () => {
  fc.assert(
    fc.property(h16, h16, h16, modeArb, fc.boolean(), (a, b, c, m, relu) => {
      const x = bf16ToNumber(a);
      const y = bf16ToNumber(b);
      const z = bf16ToNumber(c);
      let f = fmaRef(x, y, z, m, BF16);
      if (relu && (f < 0 || Object.is(f, -0))) f = 0;
      const cases: [number, number][] = [
        [addBF16(a, b, m), addRef(x, y, m, BF16)],
        [subBF16(a, b, m), addRef(x, -y, m, BF16)],
        [mulBF16(a, b, m), mulRef(x, y, m, BF16)],
        [fmaBF16(a, b, c, m, relu ? HALF_RELU : 0), f],
      ];
      for (const [got, want] of cases) {
        if (Number.isNaN(want)) {
          if (got !== 0x7fff) return false;
        } else if (!sameValue(bf16ToNumber(got), want)) return false;
      }
      return true;
    }),
    { numRuns: RUNS * 5 },
  );
  // a sum whose exact value needs more than 53 bits: the tiny term must still decide directed rounding
  const one = 0x3f80;
  const tiny = 0x0001; // least bfloat16 subnormal
  assert.equal(addBF16(one, tiny, RP), 0x3f81);
  assert.equal(addBF16(one, tiny, RZ), one);
  assert.equal(addBF16(one, tiny | 0x8000, RM), 0x3f7f);
});

test('f16/bf16 min/max: NaN rules, −0 < +0, .NaN, .xorsign.abs, .ftz', () => {
  const nan = 0x7e01;
  const one = 0x3c00;
  const mtwo = 0xc000;
  assert.equal(minF16(nan, one, 0, false, false), one);
  assert.equal(maxF16(one, nan, 0, false, false), one);
  assert.equal(minF16(nan, nan, 0, false, false), 0x7fff);
  assert.equal(minF16(nan, one, 0, true, false), 0x7fff);
  assert.equal(minF16(0x8000, 0x0000, 0, false, false), 0x8000);
  assert.equal(minF16(0x0000, 0x8000, 0, false, false), 0x8000);
  assert.equal(maxF16(0x8000, 0x0000, 0, false, false), 0x0000);
  assert.equal(minF16(mtwo, one, 0, false, false), mtwo);
  assert.equal(minF16(mtwo, one, 0, false, true), 0xbc00, 'min(|−2|,|1|) = 1 with sign − ⊕ +');
  assert.equal(maxF16(mtwo, one, 0, false, true), 0xc000);
  assert.equal(minF16(0x0001, 0x8002, HALF_FTZ, false, false), 0x8000, 'ftz: both flushed, −0 < +0');
  assert.equal(maxBF16(0xbf80, 0x3f80, false, false), 0x3f80);
  assert.equal(maxBF16(0x7fc1, 0x3f80, true, false), 0x7fff);
});

test('packed x2 forms operate lane-wise; cvt.f16x2.f32 packs a high, b low', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), modeArb, (a, b, c, m) => {
      const pack = (lo: number, hi: number) => ((hi << 16) | lo) >>> 0;
      const lo = (x: number) => x & 0xffff;
      const hi = (x: number) => x >>> 16;
      return (
        addF16x2(a, b, m, 0) === pack(addF16(lo(a), lo(b), m, 0), addF16(hi(a), hi(b), m, 0)) &&
        subF16x2(a, b, m, HALF_SAT) === pack(subF16(lo(a), lo(b), m, HALF_SAT), subF16(hi(a), hi(b), m, HALF_SAT)) &&
        mulF16x2(a, b, m, HALF_FTZ) === pack(mulF16(lo(a), lo(b), m, HALF_FTZ), mulF16(hi(a), hi(b), m, HALF_FTZ)) &&
        fmaF16x2(a, b, c, m, HALF_RELU) === pack(fmaF16(lo(a), lo(b), lo(c), m, HALF_RELU), fmaF16(hi(a), hi(b), hi(c), m, HALF_RELU)) &&
        addBF16x2(a, b, m) === pack(addBF16(lo(a), lo(b), m), addBF16(hi(a), hi(b), m)) &&
        minF16x2(a, b, 0, false, false) === pack(minF16(lo(a), lo(b), 0, false, false), minF16(hi(a), hi(b), 0, false, false)) &&
        neg16x2(a, 0) === (a ^ 0x80008000) >>> 0 &&
        abs16x2(a, 0) === (a & 0x7fff7fff) >>> 0
      );
    }),
    { numRuns: RUNS },
  );
  assert.equal(packF16x2FromF32(1, -2, RN), 0x3c00c000);
  assert.equal(packBF16x2FromF32(1, -2, RN), 0x3f80c000);
});

test('bit-level f16 helpers: neg/abs/ftz/satfinite', () => {
  assert.equal(neg16(0x3c00, 0), 0xbc00);
  assert.equal(neg16(0x0001, HALF_FTZ), 0x8000);
  assert.equal(abs16(0xfe00, 0), 0x7e00);
  assert.equal(ftzF16(0x83ff), 0x8000);
  assert.equal(ftzF16(0x0400), 0x0400);
  assert.equal(satfiniteF16(0xfc00), 0xfbff);
  assert.equal(satfiniteF16(0x7e00), 0x7e00);
});

test('neg/abs of a NaN give the canonical 0x7FFF (H100: neg.f16); the NaN test depends on the format', () => {
  for (const h of [0x7e12, 0xfe00, 0x7c01, 0xffcd, 0x7fff]) {
    assert.equal(negF16Bits(h), 0x7fff);
    assert.equal(absF16Bits(h), 0x7fff);
  }
  assert.equal(negF16Bits(0x7c00), 0xfc00);
  assert.equal(negF16Bits(0x0001, HALF_FTZ), 0x8000);
  assert.equal(absF16Bits(0x8001, HALF_FTZ), 0);
  assert.equal(absF16Bits(0xbc00), 0x3c00);
  // 0x7C01 is a NaN in binary16 but 2^121·1.0078125 in bfloat16
  assert.equal(negBF16Bits(0x7c01), 0xfc01);
  assert.equal(absBF16Bits(0xfc01), 0x7c01);
  for (const h of [0x7fc1, 0xff81, 0x7fff]) {
    assert.equal(negBF16Bits(h), 0x7fff);
    assert.equal(absBF16Bits(h), 0x7fff);
  }
  assert.equal(negBF16Bits(0x7f80), 0xff80);
  assert.equal(negF16x2Bits(0x7e003c00), 0x7fffbc00);
  assert.equal(absF16x2Bits(0xbc00fe00), 0x3c007fff);
  assert.equal(negBF16x2Bits(0x3f807fc1), 0xbf807fff);
  assert.equal(absBF16x2Bits(0xff81bf80), 0x7fff3f80);
  // the sign-bit helpers stay pure bit operations
  assert.equal(neg16(0x7e12, 0), 0xfe12);
  assert.equal(abs16x2(0xfe00fe00, 0), 0x7e007e00);
});

test('cvt.f32.bf16 is a shift: NaN payloads survive (H100: 0x7FFF → 0x7FFF0000)', () => {
  assert.equal(bf16ToF32Bits(0x7fff), 0x7fff0000);
  assert.equal(bf16ToF32Bits(0xffc1), 0xffc10000);
  assert.equal(bf16ToF32Bits(0x3f80), 0x3f800000);
  fc.assert(fc.property(h16, (h) => {
    const x = bf16ToNumber(h);
    return x !== x || bitsToF32(bf16ToF32Bits(h)) === x || (x === 0 && bf16ToF32Bits(h) === (h << 16) >>> 0);
  }), { numRuns: RUNS });
});
