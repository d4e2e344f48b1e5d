/**
 * cvt: float → integer (every width, every integer rounding mode, ties, saturation, NaN),
 * integer → float (32- and 64-bit sources, all modes), f64 → f32, float → integral float,
 * integer → integer with and without .sat.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bigBitsToF64, bitsToF32 } from '../../src/emu/num/bits.js';
import {
  CVT_INT64_NAN, bigToF32, bigToF64, f64ToF32, floatToInt, floatToInt64, floatToIntF64, floatToS64Big, floatToU64Big, int64ToBF16, int64ToF16,
  int64ToF32, int64ToF64, int64ToInt64Big, int64ToIntBig, intToF32, intToInt, intToInt64Big, roundIntegral,
} from '../../src/emu/num/cvt.js';
import { ftzF32 } from '../../src/emu/num/f32.js';
import { bf16ToNumber, f16ToNumber } from '../../src/emu/num/half.js';
import { I64, pairToBigInt } from '../../src/emu/num/int64.js';
import { RM, RN, RP, RZ, type Rounding } from '../../src/emu/num/round.js';
import { BF16, F16, F32, F64, MODES, convRef, sameValue } from '../fixtures/num/oracle.js';

const RUNS = 4000;
const modeArb = fc.constantFrom<Rounding>(RN, RZ, RM, RP);

/** Reference integer rounding of an exact double by mode (ties to even written out differently). */
function roundRef(x: number, m: Rounding): number {
  const f = Math.floor(x);
  const d = x - f;
  switch (m) {
    case RN:
      return d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
    case RZ:
      return x < 0 ? Math.ceil(x) : f;
    case RM:
      return f;
    default:
      return Math.ceil(x);
  }
}

test('float → int: every integer rounding mode at ties and near them', () => {
  const cases: [number, [number, number, number, number]][] = [
    // x, [rni, rzi, rmi, rpi]
    [0.5, [0, 0, 0, 1]],
    [1.5, [2, 1, 1, 2]],
    [2.5, [2, 2, 2, 3]],
    [-0.5, [0, 0, -1, 0]],
    [-1.5, [-2, -1, -2, -1]],
    [-2.5, [-2, -2, -3, -2]],
    [0.49999999999999994, [0, 0, 0, 1]],
    [2 ** -149, [0, 0, 0, 1]],
    [-(2 ** -149), [0, 0, -1, 0]],
    [8388609.5, [8388610, 8388609, 8388609, 8388610]],
  ];
  for (const [x, want] of cases) {
    MODES.forEach((m, i) => assert.equal(floatToInt(x, m, 32, true), want[i], `${x} mode ${m}`));
  }
  // .ftz on an f32 source flushes before rounding
  assert.equal(floatToInt(ftzF32(2 ** -149), RP, 32, true), 0);
});

test('float → int: saturation for every width and signedness, NaN → 0 (f32 source) or the sign bit (f64 source), ±∞ clamp', () => {
  for (const [bits, signed, lo, hi] of [
    [8, true, -128, 127], [8, false, 0, 255], [16, true, -32768, 32767], [16, false, 0, 65535],
    [32, true, -2147483648, 2147483647], [32, false, 0, 4294967295],
  ] as const) {
    for (const m of MODES) {
      assert.equal(floatToInt(1e10, m, bits, signed), hi);
      assert.equal(floatToInt(-1e10, m, bits, signed), lo);
      assert.equal(floatToInt(Infinity, m, bits, signed), hi);
      assert.equal(floatToInt(-Infinity, m, bits, signed), lo);
      assert.equal(floatToInt(NaN, m, bits, signed), 0);
      assert.equal(floatToInt(hi + 0.75, m, bits, signed), m === RN || m === RP ? hi : hi);
      // an f64 source differs only for NaN: the destination's sign bit (sm_90: INT32_MIN, 0x8000)
      for (const x of [1e10, -1e10, Infinity, -Infinity, hi + 0.75, -2.5, 0.5]) assert.equal(floatToIntF64(x, m, bits, signed), floatToInt(x, m, bits, signed));
      assert.equal(floatToIntF64(NaN, m, bits, signed), signed ? lo : 2 ** (bits - 1));
    }
  }
  assert.equal(floatToIntF64(NaN, RN, 32, true) | 0, -2147483648, 'cvt.rni.s32.f64(NaN) = INT32_MIN on the H100');
  assert.equal(floatToIntF64(NaN, RZ, 16, false) & 0xffff, 0x8000, 'cvt.rzi.u16.f64(NaN) = 0x8000 on the H100');
  fc.assert(
    fc.property(fc.oneof(fc.double({ min: -5e9, max: 5e9 }), fc.float()), modeArb, fc.constantFrom(8, 16, 32), fc.boolean(), (x, m, bits, signed) => {
      const got = floatToInt(x, m, bits, signed);
      if (Number.isNaN(x)) return got === 0;
      const r = roundRef(x, m);
      const lo = signed ? -(2 ** (bits - 1)) : 0;
      const hi = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
      return Object.is(got + 0, Math.min(hi, Math.max(lo, r)) + 0);
    }),
    { numRuns: RUNS },
  );
});

test('float → 64-bit int: BigInt and pair forms agree, saturate at ±2^63 / 2^64, NaN → 0x80000000_00000000', () => {
  const pair = (x: number, m: Rounding, s: boolean) => {
    floatToInt64(x, m, s);
    return s ? pairToBigInt(I64[0]!, I64[1]!) : BigInt.asUintN(64, pairToBigInt(I64[0]!, I64[1]!));
  };
  for (const m of MODES) {
    assert.equal(floatToS64Big(2 ** 63, m), 0x7fffffffffffffffn);
    assert.equal(floatToS64Big(-(2 ** 63), m), -(2n ** 63n));
    assert.equal(floatToS64Big(-1e30, m), -(2n ** 63n));
    assert.equal(floatToU64Big(2 ** 64, m), -1n);
    assert.equal(floatToU64Big(-3, m), 0n);
    assert.equal(floatToS64Big(NaN, m), CVT_INT64_NAN);
    assert.equal(floatToU64Big(NaN, m), -(2n ** 63n), 'the pattern 0x80000000_00000000 (H100), not 0');
    assert.equal(pair(NaN, m, true), -(2n ** 63n));
    assert.equal(pair(NaN, m, false), 2n ** 63n);
    assert.equal(pair(2 ** 64, m, false), 2n ** 64n - 1n);
    assert.equal(pair(2 ** 63, m, true), 2n ** 63n - 1n);
  }
  assert.equal(floatToS64Big(-2.5, RN), -2n);
  assert.equal(floatToU64Big(2 ** 63 + 2048, RZ), -(2n ** 63n) + 2048n, 'u64 pattern stored signed');
  fc.assert(
    fc.property(fc.oneof(fc.double(), fc.double({ min: -1e20, max: 2e19 })), modeArb, (x, m) => {
      return (
        pair(x, m, true) === floatToS64Big(x, m) &&
        pair(x, m, false) === BigInt.asUintN(64, floatToU64Big(x, m))
      );
    }),
    { numRuns: RUNS },
  );
});

test('int32 → f32: all modes correctly rounded (vs oracle)', () => {
  fc.assert(
    fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), modeArb, (x, m) => sameValue(intToF32(x, m), convRef(x, m, F32))),
    { numRuns: RUNS },
  );
  assert.equal(intToF32(16777217, RN), 16777216);
  assert.equal(intToF32(16777217, RP), 16777218);
  assert.equal(intToF32(-16777217, RM), -16777218);
});

const big64 = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
  fc.tuple(fc.integer({ min: 20, max: 63 }), fc.bigInt({ min: -(2n ** 30n), max: 2n ** 30n })).map(([e, d]) => (1n << BigInt(e)) + d),
);

test('64-bit int → f64/f32/f16/bf16: all modes correctly rounded, no double rounding', () => {
  fc.assert(
    fc.property(big64, modeArb, (x, m) => {
      const signed = x < 0n;
      const lo = Number(BigInt.asIntN(32, x));
      const hi = Number(BigInt.asIntN(32, x >> 32n));
      return (
        sameValue(int64ToF64(lo, hi, signed, m), convRef(x, m, F64)) &&
        sameValue(bigToF64(x, m), convRef(x, m, F64)) &&
        sameValue(int64ToF32(lo, hi, signed, m), convRef(x, m, F32)) &&
        sameValue(bigToF32(x, m), convRef(x, m, F32)) &&
        sameValue(f16ToNumber(int64ToF16(lo, hi, signed, m)), convRef(x, m, F16)) &&
        sameValue(bf16ToNumber(int64ToBF16(lo, hi, signed, m)), convRef(x, m, BF16))
      );
    }),
    { numRuns: RUNS * 2 },
  );
  // classic: 2^60 + 2^36 + 1 — RN to double drops the 1 and lands on a binary32 tie
  const x = 2n ** 60n + 2n ** 36n + 1n;
  assert.equal(Math.fround(Number(x)), 2 ** 60, 'naive double rounding ties to even');
  assert.equal(bigToF32(x, RN), 2 ** 60 + 2 ** 37);
  assert.equal(int64ToF32(Number(BigInt.asIntN(32, x)), Number(x >> 32n), false, RN), 2 ** 60 + 2 ** 37);
});

test('f64 → f32: all modes, subnormal results, overflow; .ftz/.sat compose', () => {
  fc.assert(
    fc.property(fc.oneof(fc.double(), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(bigBitsToF64)), modeArb, (x, m) => sameValue(f64ToF32(x, m), convRef(x, m, F32))),
    { numRuns: RUNS * 2 },
  );
  assert.equal(f64ToF32(1e-300, RP), 2 ** -149);
  assert.ok(Object.is(f64ToF32(-1e-300, RP), -0));
  assert.equal(f64ToF32(1e300, RZ), 3.4028234663852886e38);
  assert.ok(Object.is(ftzF32(f64ToF32(2 ** -130, RN)), 0));
});

test('float → integral float (cvt.rni.f32.f32 …): ties to even, signed zeros, passthrough', () => {
  const t: [number, number[]][] = [
    [2.5, [2, 2, 2, 3]],
    [3.5, [4, 3, 3, 4]],
    [-2.5, [-2, -2, -3, -2]],
    [-0.5, [-0, -0, -1, -0]],
    [0.5, [0, 0, 0, 1]],
    [-0.2, [-0, -0, -1, -0]],
    [4503599627370497, [4503599627370497, 4503599627370497, 4503599627370497, 4503599627370497]],
    [Infinity, [Infinity, Infinity, Infinity, Infinity]],
  ];
  for (const [x, want] of t) MODES.forEach((m, i) => assert.ok(Object.is(roundIntegral(x, m), want[i]), `${x} m${m}`));
  assert.ok(Number.isNaN(roundIntegral(NaN, RN)));
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }).map(bitsToF32), modeArb, (x, m) => {
      const r = roundIntegral(x, m);
      return Number.isNaN(x) ? Number.isNaN(r) : Math.fround(r) === r && (r === 0 ? true : r === roundRef(x, m));
    }),
    { numRuns: RUNS },
  );
});

test('int → int: truncation, sign/zero extension, and .sat clamping', () => {
  assert.equal(intToInt(0x1ff, 32, true, 8, true, false), -1, 'cvt.s8.s32 truncates');
  assert.equal(intToInt(0x1ff, 32, true, 8, false, false), 255);
  assert.equal(intToInt(0x1ff, 32, true, 8, true, true), 127, 'cvt.sat.s8.s32');
  assert.equal(intToInt(-5, 32, true, 8, false, true), 0, 'cvt.sat.u8.s32');
  assert.equal(intToInt(300, 32, true, 8, false, true), 255);
  assert.equal(intToInt(0xffffffff, 32, false, 32, true, true), 2147483647, 'cvt.sat.s32.u32');
  assert.equal(intToInt(0xffffffff, 32, false, 32, true, false), -1);
  assert.equal(intToInt(0x80, 8, true, 32, true, false), -128, 'cvt.s32.s8 sign-extends');
  assert.equal(intToInt(0x80, 8, true, 32, false, false), 0xffffff80, 'cvt.u32.s8 without .sat');
  assert.equal(intToInt(0x80, 8, true, 32, false, true), 0, 'cvt.sat.u32.s8');
  assert.equal(intToInt(0x8000, 16, false, 32, true, false), 32768);
  assert.equal(intToInt64Big(-1, 32, true, false, false), -1n);
  assert.equal(intToInt64Big(-1, 32, false, true, false), 0xffffffffn);
  assert.equal(intToInt64Big(-1, 32, true, false, true), 0n, 'cvt.sat.u64.s32');
  assert.equal(int64ToIntBig(0x123456789n, true, 32, false, false), 0x23456789);
  assert.equal(int64ToIntBig(0x123456789n, true, 32, true, true), 2147483647);
  assert.equal(int64ToIntBig(-(2n ** 40n), true, 16, true, true), -32768);
  assert.equal(int64ToIntBig(-1n, false, 32, false, true), 4294967295, 'cvt.sat.u32.u64 of 2^64−1');
  assert.equal(int64ToInt64Big(-1n, false, true, true), 0x7fffffffffffffffn, 'cvt.sat.s64.u64');
  assert.equal(int64ToInt64Big(-1n, true, false, true), 0n, 'cvt.sat.u64.s64');
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(8, 16, 32), fc.boolean(), fc.constantFrom(8, 16, 32), fc.boolean(), fc.boolean(), (x, sb, ss, db, ds, sat) => {
      const src = BigInt.asUintN(sb, BigInt(x));
      const v = ss ? BigInt.asIntN(sb, src) : src;
      let want: bigint;
      if (sat) {
        const hi = ds ? (1n << BigInt(db - 1)) - 1n : (1n << BigInt(db)) - 1n;
        const lo = ds ? -(1n << BigInt(db - 1)) : 0n;
        want = v > hi ? hi : v < lo ? lo : v;
      } else want = ds ? BigInt.asIntN(db, v) : BigInt.asUintN(db, v);
      return BigInt(intToInt(x, sb, ss, db, ds, sat)) === want;
    }),
    { numRuns: RUNS },
  );
});
