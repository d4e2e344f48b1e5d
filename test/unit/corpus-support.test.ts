/**
 * Tests of the corpus's reference helpers: exact rounding, fused multiply-add, half-precision
 * encoding, conversions, integer intrinsics, the PRNG, struct encoding and output comparison.
 * (The rounding core was also cross-checked against glibc fma/fmaf, libgcc _Float16 and x86
 * conversions under every rounding mode on 600 000 random inputs while it was written.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareOutput, encodeStruct } from '../kernels/corpus.js';
import {
  BF16, F16, F32, bf16FromNumber, bf16ToNumber, f16FromNumber, f16ToNumber, f32Bits, f32FromBits, floatToInt, fma32, fma64,
  fmaRound, intToFloat, rint, toF32, ulpDistance,
} from '../kernels/support/float.js';
import { brev32, brev64, bytePerm, clz64, ffs32, ffs64, funnelShiftL, mulhi32, mulhi64, popc64, ptxShrS32, sad32 } from '../kernels/support/intops.js';
import { Rng, sprinkle, wideDouble } from '../kernels/support/prng.js';
import { shflDown, shflIdx, treeReduce, warpSumDown } from '../kernels/support/sim.js';

describe('corpus support: floating point', () => {
  it('fma32 is the exactly rounded fma (fast path agrees with the bigint path)', () => {
    const rng = new Rng('fma32-test');
    for (let i = 0; i < 20_000; i++) {
      const a = Math.fround(wideDouble(rng, -60, 60)), b = Math.fround(wideDouble(rng, -60, 60));
      const c = i % 2 ? Math.fround(-(a * b)) : Math.fround(wideDouble(rng, -130, 120));
      assert.ok(Object.is(fma32(a, b, c), fmaRound(a, b, c, F32)), `fma32(${a}, ${b}, ${c})`);
    }
    // A classic double-rounding trap for Math.fround(a*b + c): the exact result lies just above a tie.
    const a = 1 + 2 ** -23, b = 1 + 2 ** -23, c = -(2 ** -46) * 0.75;
    assert.equal(fma32(Math.fround(a), Math.fround(b), Math.fround(c)), fmaRound(Math.fround(a), Math.fround(b), Math.fround(c), F32));
  });

  it('fma64 keeps the low part that a*b+c loses', () => {
    assert.equal(fma64(0.1, 10, -1), 5.551115123125783e-17);
    assert.equal(0.1 * 10 - 1, 0);
    assert.ok(Object.is(fma64(-0, 1, -0), -0));
    assert.ok(Object.is(fma64(1, 1, -1), 0));
    assert.equal(fma64(1e308, 10, -Infinity), -Infinity);
    assert.ok(Number.isNaN(fma64(Infinity, 0, 1)));
    assert.equal(fma64(2 ** -1074, 0.5, 0), 0); // ties to even at the bottom of the subnormals
    assert.equal(fma64(2 ** -1074, 1.5, 0), 2 * 2 ** -1074);
  });

  it('directed rounding to f32 brackets the value', () => {
    const x = 1 / 3;
    assert.ok(toF32(x, 'rd') < x && toF32(x, 'ru') > x);
    assert.equal(toF32(-x, 'rz'), -toF32(x, 'rz'));
    assert.equal(toF32(1e39, 'rz'), 3.4028234663852886e38);
    assert.equal(toF32(1e39, 'rn'), Infinity);
    assert.equal(toF32(-1e39, 'ru'), -3.4028234663852886e38);
    assert.equal(toF32(1e-50, 'ru'), f32FromBits(1));
    assert.ok(Object.is(toF32(-1e-50, 'ru'), -0));
  });

  it('encodes and decodes f16 with ties to even, subnormals and overflow', () => {
    assert.equal(f16FromNumber(1), 0x3c00);
    assert.equal(f16FromNumber(65504), 0x7bff);
    assert.equal(f16FromNumber(65519), 0x7bff);
    assert.equal(f16FromNumber(65520), 0x7c00);
    assert.equal(f16FromNumber(65520, 'rz'), 0x7bff);
    assert.equal(f16FromNumber(2 ** -24), 0x0001);
    assert.equal(f16FromNumber(2 ** -25), 0x0000); // tie between 0 and the smallest subnormal: even
    assert.equal(f16FromNumber(3 * 2 ** -25), 0x0002);
    assert.equal(f16FromNumber(1 + 2 ** -11), 0x3c00);
    assert.equal(f16FromNumber(1 + 3 * 2 ** -11), 0x3c02);
    assert.equal(f16FromNumber(-0), 0x8000);
    assert.equal(f16FromNumber(NaN), 0x7fff);
    for (let bits = 0; bits < 0x10000; bits++) {
      const v = f16ToNumber(bits);
      if (!Number.isNaN(v)) assert.equal(f16FromNumber(v), bits, `round trip of 0x${bits.toString(16)}`);
    }
  });

  it('encodes bf16 like the usual f32 bit trick (round to nearest even)', () => {
    const rng = new Rng('bf16-test');
    for (let i = 0; i < 20_000; i++) {
      const bits = rng.u32();
      const x = f32FromBits(bits);
      if (Number.isNaN(x)) continue;
      const expected = ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
      assert.equal(bf16FromNumber(x), expected, `bf16 of 0x${bits.toString(16)}`);
    }
    assert.equal(bf16ToNumber(0x3f80), 1);
    assert.equal(fmaRound(3, 1, 2 ** -7, BF16), 3); // 3 + 2^-7 rounds back to 3 in bf16
    assert.equal(fmaRound(1, 1, 2 ** -8 + 2 ** -40, BF16), 1 + 2 ** -7);
    assert.equal(fmaRound(2048, 1, 1, F16), 2048); // tie, even
  });

  it('converts integers to floats in every mode', () => {
    const big = (1n << 53n) + 1n;
    assert.equal(intToFloat(big, F32, 'rn'), 2 ** 53);
    assert.equal(intToFloat(16777217n, F32, 'rn'), 16777216);
    assert.equal(intToFloat(16777217n, F32, 'ru'), 16777218);
    assert.equal(intToFloat(-16777217n, F32, 'rd'), -16777218);
    assert.equal(intToFloat((1n << 64n) - 1n, F32, 'rn'), 2 ** 64);
    assert.equal(intToFloat((1n << 64n) - 1n, F32, 'rz'), 2 ** 64 - 2 ** 40);
  });

  it('converts floats to integers like PTX cvt (ties to even, saturation, NaN to 0)', () => {
    assert.equal(floatToInt(2.5, 'rn', 32, true), 2n);
    assert.equal(floatToInt(3.5, 'rn', 32, true), 4n);
    assert.equal(floatToInt(-2.5, 'rn', 32, true), -2n);
    assert.equal(floatToInt(-1.5, 'rz', 32, true), -1n);
    assert.equal(floatToInt(-1.5, 'rd', 32, true), -2n);
    assert.equal(floatToInt(3e9, 'rn', 32, true), 2147483647n);
    assert.equal(floatToInt(-1, 'rn', 32, false), 0n);
    assert.equal(floatToInt(NaN, 'rz', 64, true), 0n);
    assert.equal(floatToInt(2 ** 64, 'rz', 64, false), (1n << 64n) - 1n);
    assert.equal(floatToInt(-Infinity, 'rz', 64, true), -(1n << 63n));
    assert.ok(Object.is(rint(-0.5), -0));
    assert.equal(rint(0.5), 0);
    assert.equal(rint(1.5), 2);
    assert.equal(rint(2.5), 2);
    assert.equal(rint(-3.5), -4);
  });

  it('measures ULP distances across zero and per type', () => {
    assert.equal(ulpDistance('f32', 1, f32FromBits(f32Bits(1) + 3)), 3);
    assert.equal(ulpDistance('f32', f32FromBits(1), -f32FromBits(1)), 2);
    assert.equal(ulpDistance('f64', 1, 1 + 2 ** -52), 1);
    assert.equal(ulpDistance('f16', 1, f16ToNumber(0x3c01)), 1);
    assert.equal(ulpDistance('f32', 0, -0), 0);
  });
});

describe('corpus support: integers', () => {
  it('implements the CUDA integer intrinsics', () => {
    assert.equal(brev32(1), 0x80000000);
    assert.equal(brev64(1n), 1n << 63n);
    assert.equal(ffs32(0), 0);
    assert.equal(ffs32(0x80000000), 32);
    assert.equal(ffs64(1n << 40n), 41);
    assert.equal(clz64(0n), 64);
    assert.equal(clz64(-1n), 0);
    assert.equal(popc64(-1n), 64);
    assert.equal(mulhi32(-1, -1, true), 0);
    assert.equal(mulhi32(-1, -1, false), 0xfffffffe);
    assert.equal(mulhi64(-1n, 2n, true), -1n);
    assert.equal(mulhi64(1n << 63n, 4n, false), 2n);
    assert.equal(ptxShrS32(-8, 40), -1);
    assert.equal(funnelShiftL(0x80000000, 0x1, 1), 0x3);
    assert.equal(bytePerm(0x33221100, 0x77665544, 0x5140), 0x55114400);
    assert.equal(sad32(-5, 7, 1), 13);
  });
});

describe('corpus support: simulation, generators, encoding, comparison', () => {
  it('reproduces shuffle semantics', () => {
    const lanes = Array.from({ length: 32 }, (_, l) => l);
    assert.deepEqual(shflDown(lanes, 4).slice(26), [30, 31, 28, 29, 30, 31]);
    assert.deepEqual(shflIdx(lanes, () => 2, 8).slice(6, 10), [2, 2, 10, 10]);
    assert.equal(warpSumDown(lanes, (a, b) => a + b)[0], 496);
    assert.equal(treeReduce([1, 2, 3, 4], (a, b) => a + b), 10);
  });

  it('generates reproducible, well-spread values', () => {
    const a = new Rng('same'), b = new Rng('same'), c = new Rng('other');
    const xs = Array.from({ length: 100 }, () => a.u32());
    assert.deepEqual(xs, Array.from({ length: 100 }, () => b.u32()));
    assert.notDeepEqual(xs, Array.from({ length: 100 }, () => c.u32()));
    const r = new Rng(1);
    const ints = Array.from({ length: 10_000 }, () => r.int(-3, 3));
    assert.equal(Math.min(...ints), -3);
    assert.equal(Math.max(...ints), 3);
    assert.deepEqual(sprinkle([0, 0, 0, 0, 0, 0], [7, 8, 9]), [7, 0, 0, 8, 9, 0]);
  });

  it('encodes struct parameters with pointers and padding', () => {
    const bytes = encodeStruct({
      kind: 'struct', name: 's', size: 24, align: 8,
      fields: [{ name: 'c', type: 'i8', offset: 0 }, { name: 'p', type: 'pointer', offset: 8, buffer: 'buf' }, { name: 'h', type: 'f16', offset: 16 }],
      value: { c: -1, h: 0x3c00 },
    }, () => 0x1122334455667788n);
    assert.deepEqual([...bytes], [0xff, 0, 0, 0, 0, 0, 0, 0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x00, 0x3c, 0, 0, 0, 0, 0, 0]);
  });

  it('compares with each kind of tolerance', () => {
    const exp = Float32Array.of(1, NaN, -0, 100);
    assert.ok(compareOutput('f32', Float32Array.of(1, NaN, -0, 100), exp, { kind: 'exact' }).ok);
    assert.equal(compareOutput('f32', Float32Array.of(1, NaN, 0, 100), exp, { kind: 'exact' }).mismatches, 1);
    const near = Float32Array.of(f32FromBits(f32Bits(1) + 2), NaN, 0, 100.00001);
    assert.ok(compareOutput('f32', near, exp, { kind: 'ulp', maxUlp: 2, why: 'test' }).ok);
    assert.ok(!compareOutput('f32', near, exp, { kind: 'ulp', maxUlp: 1, why: 'test' }).ok);
    assert.ok(compareOutput('f32', near, exp, { kind: 'relative', tol: 3e-7, why: 'test' }).ok);
    assert.ok(compareOutput('f32', near, exp, { kind: 'absolute', tol: 2e-5, why: 'test' }).ok);
    assert.ok(!compareOutput('f32', Float32Array.of(Infinity), Float32Array.of(3e38), { kind: 'relative', tol: 1, why: 'test' }).ok);
    assert.ok(compareOutput('f16', Uint16Array.of(0x7e00), Uint16Array.of(0x7fff), { kind: 'exact' }).ok, 'any f16 NaN matches');
    assert.ok(!compareOutput('i32', Int32Array.of(1, 2), Int32Array.of(1), { kind: 'exact' }).ok);
    assert.throws(() => compareOutput('i32', Int32Array.of(1), Int32Array.of(1), { kind: 'absolute', tol: 1, why: 'test' }));
  });
});
