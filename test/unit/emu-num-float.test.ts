/**
 * IEEE single- and double-precision arithmetic of emu/num against the exact BigInt oracle:
 * add/sub/mul/div/sqrt/rcp/fma in all four rounding modes, .ftz/.sat, min/max, abs/neg/copysign,
 * testp, NaN canonicalization, and the classic fma double-rounding counterexamples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  bigBitsToF64, bitsToF32, f32ToBits, f32ToRawBits, f64ToBigBits, nextUpF32, nextDownF32, nextUpF64, storeF32, storeF64,
} from '../../src/emu/num/bits.js';
import {
  addF32, subF32, mulF32, divF32, sqrtF32, rcpF32, ftzF32, satF32, minF32, maxF32, minNaNF32, maxNaNF32,
  minXorsignAbsF32, maxXorsignAbsF32, absF32Bits, negF32Bits, copysignF32, copysignF32Bits,
  testpFinite, testpInfinite, testpNumber, testpNotANumber, testpNormalF32, testpSubnormalF32,
} from '../../src/emu/num/f32.js';
import {
  addF64, subF64, mulF64, divF64, sqrtF64, rcpF64, minF64, maxF64, copysignF64, testpNormalF64, testpSubnormalF64,
} from '../../src/emu/num/f64.js';
import { fmaF32, fmaF64, fmaRnF64 } from '../../src/emu/num/fma.js';
import {
  NAN64, absF64HiWord, f64NaNToBF16Bits, f64NaNToF16Bits, f64NaNToF32Bits, isNaNF64Words, nanF64Add, nanF64Div, nanF64Fma, nanF64FromF16Bits, nanF64FromF32Bits, nanF64Of1,
  negF64HiWord, storeNaN64,
} from '../../src/emu/num/nan.js';
import { RN, RZ, RM, RP, roundToFormat, roundF32, BINARY32, type Rounding } from '../../src/emu/num/round.js';
import { F32, F64, MODES, addRef, divRef, fmaRef, isCorrectSqrt, mulRef, sameValue } from '../fixtures/num/oracle.js';

const RUNS = 3000;
const modeArb = fc.constantFrom<Rounding>(RN, RZ, RM, RP);
/** binary32 values with uniformly random bit patterns (all classes: subnormal, NaN, ∞, ±0). */
const f32Bits = fc.integer({ min: 0, max: 0xffffffff }).map(bitsToF32);
/** A mix of random-bit floats and fast-check's biased float generator (edge values). */
const f32Any = fc.oneof(f32Bits, fc.float());
/** binary64 values with uniformly random bit patterns. */
const f64Bits = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(bigBitsToF64);
const f64Any = fc.oneof(f64Bits, fc.double());

function eq(actual: number, expected: number, what: string): void {
  if (!sameValue(actual, expected)) assert.fail(`${what}: got ${actual} (${Object.is(actual, -0) ? '-0' : ''}), want ${expected}`);
}

test('f32 add/sub/mul/div/fma: all modes, random operands, match the exact oracle', () => {
  fc.assert(
    fc.property(f32Any, f32Any, f32Any, modeArb, (a, b, c, m) => {
      eq(addF32(a, b, m), addRef(a, b, m, F32), `add ${a} ${b} m${m}`);
      eq(subF32(a, b, m), addRef(a, -b, m, F32), `sub ${a} ${b} m${m}`);
      eq(mulF32(a, b, m), mulRef(a, b, m, F32), `mul ${a} ${b} m${m}`);
      eq(divF32(a, b, m), divRef(a, b, m, F32), `div ${a} ${b} m${m}`);
      eq(rcpF32(a, m), divRef(1, a, m, F32), `rcp ${a} m${m}`);
      eq(fmaF32(a, b, c, m), fmaRef(a, b, c, m, F32), `fma ${a} ${b} ${c} m${m}`);
    }),
    { numRuns: RUNS * 4 },
  );
});

/** Operands chosen so that a·b + c cancels or lands near a binary32 midpoint. */
const f32HardFma = fc
  .tuple(fc.integer({ min: 1 << 23, max: (1 << 24) - 1 }), fc.integer({ min: 1 << 23, max: (1 << 24) - 1 }),
    fc.integer({ min: -40, max: 40 }), fc.integer({ min: -60, max: 60 }), fc.integer({ min: -3, max: 3 }), fc.boolean())
  .map(([ma, mb, ea, sh, k, flip]) => {
    const a = ma * 2 ** (ea - 23);
    const b = mb * 2 ** (-ea - 23);
    const p = a * b; // exact, 48 bits
    // c: minus the binary32 rounding of p plus a few ulps, or a tiny term far below p
    const c1 = -Math.fround(p) + k * 2 ** (Math.floor(Math.log2(Math.abs(p))) - 23);
    const c2 = Math.fround(2 ** (Math.floor(Math.log2(p)) - 30 + sh / 10)) * (k < 0 ? -1 : 1);
    return [a, b, flip ? Math.fround(c1) : c2] as const;
  });

test('f32 fma: cancellation and midpoint-adjacent operands, all modes', () => {
  fc.assert(
    fc.property(f32HardFma, modeArb, ([a, b, c], m) => {
      eq(fmaF32(a, b, c, m), fmaRef(a, b, c, m, F32), `fma ${a} ${b} ${c} m${m}`);
    }),
    { numRuns: RUNS * 3 },
  );
});

test('f32 fma: classic double-rounding counterexample where Math.fround(a*b + c) is wrong', () => {
  // a·b = 1 + 2^-24 exactly (16777217 = 24929·673): a binary32 midpoint between 1 and 1 + 2^-23.
  const a = 24929 / 32768;
  const b = 673 / 512;
  assert.equal(Math.fround(a), a);
  assert.equal(Math.fround(b), b);
  assert.equal(a * b, 1 + 2 ** -24);
  for (const [c, want] of [
    [2 ** -80, 1 + 2 ** -23], // just above the midpoint: rounds up
    [-(2 ** -80), 1], // just below: rounds down
  ] as const) {
    const naive = Math.fround(a * b + c);
    assert.equal(naive, 1, 'the naive evaluation lands on the midpoint and ties to even');
    assert.equal(fmaF32(a, b, c, RN), want);
    assert.equal(fmaRef(a, b, c, RN, F32), want);
  }
  // directed modes see the tiny term too
  assert.equal(fmaF32(a, b, 2 ** -80, RZ), 1);
  assert.equal(fmaF32(a, b, 2 ** -80, RP), 1 + 2 ** -23);
  assert.equal(fmaF32(a, b, -(2 ** -80), RM), 1);
});

test('rounding mode arguments default to .rn', () => {
  const [a, b, c] = [24929 / 32768, 673 / 512, 2 ** -80];
  assert.equal(fmaF32(a, b, c), fmaF32(a, b, c, RN));
  assert.equal(fmaF64(0.1, 0.2, 0.3), fmaF64(0.1, 0.2, 0.3, RN));
  assert.equal(addF32(1, 2 ** -24), 1);
  assert.equal(divF64(1, 3), 1 / 3);
});

test('f32 fma: exact zero results follow the IEEE sign rules in every mode', () => {
  for (const m of MODES) {
    const cancel = fmaF32(2, 3, -6, m);
    assert.ok(Object.is(cancel, m === RM ? -0 : 0), `x·y − x·y in mode ${m}`);
    assert.ok(Object.is(fmaF32(-0, 5, -0, m), -0));
    assert.ok(Object.is(fmaF32(0, 5, 0, m), 0));
    assert.ok(Object.is(fmaF32(-0, 5, 0, m), m === RM ? -0 : 0));
  }
});

test('f32 sqrt: all modes are correctly rounded (verified by exact squaring)', () => {
  fc.assert(
    fc.property(f32Any, modeArb, (a, m) => {
      const r = sqrtF32(a, m);
      if (a !== a || a < 0) return Number.isNaN(r);
      if (a === 0 || a === Infinity) return Object.is(r, a);
      return isCorrectSqrt(a, r, m, F32);
    }),
    { numRuns: RUNS * 2 },
  );
});

test('f32 subnormal boundaries: results straddling 2^-126 and the least subnormal', () => {
  const minSub = 2 ** -149;
  const minNorm = 2 ** -126;
  for (const m of MODES) {
    eq(mulF32(minNorm, 0.5, m), 2 ** -127, 'exact subnormal product');
    eq(mulF32(minSub, 0.5, m), mulRef(minSub, 0.5, m, F32), 'half the least subnormal');
    eq(mulF32(minSub, 0.75, m), mulRef(minSub, 0.75, m, F32), 'three quarters of it');
    eq(divF32(minNorm, 3, m), divRef(minNorm, 3, m, F32), 'subnormal quotient');
    eq(addF32(minNorm, -minSub, m), minNorm - minSub, 'largest subnormal');
  }
  assert.ok(Object.is(mulF32(minSub, 0.5, RN), 0), 'tie to even: 0');
  assert.equal(mulF32(minSub, 0.5, RP), minSub);
  assert.ok(Object.is(mulF32(-minSub, 0.5, RN), -0));
  assert.equal(mulF32(-minSub, 0.5, RM), -minSub);
});

test('f32 overflow: directed modes saturate at ±max or go to ±∞ per direction', () => {
  const max = 3.4028234663852886e38;
  for (const [m, pos, negv] of [
    [RN, Infinity, -Infinity],
    [RZ, max, -max],
    [RM, max, -Infinity],
    [RP, Infinity, -max],
  ] as const) {
    assert.equal(mulF32(max, 2, m), pos);
    assert.equal(mulF32(-max, 2, m), negv);
    assert.equal(addF32(max, max, m), pos);
    assert.equal(fmaF32(max, 2, -max, m), max);
  }
});

test('NaN results: every invalid operation gives NaN; register writes store the canonical patterns', () => {
  const payload = bitsToF32(0x7fc12345);
  const snan = bitsToF32(0xff800001);
  const regs = new Float32Array(4);
  const regBits = new Uint32Array(regs.buffer);
  for (const m of MODES) {
    for (const r of [
      addF32(payload, 1, m), addF32(Infinity, -Infinity, m), mulF32(0, Infinity, m), mulF32(snan, 2, m),
      divF32(0, 0, m), sqrtF32(-1, m), fmaF32(payload, 1, 1, m), fmaF32(Infinity, 0, 1, m), fmaF32(Infinity, 1, -Infinity, m),
    ]) {
      assert.ok(Number.isNaN(r));
      assert.equal(f32ToBits(r), 0x7fffffff);
      storeF32(regs, regBits, 1, r);
      assert.equal(regBits[1], 0x7fffffff);
    }
  }
  storeF32(regs, regBits, 2, -1.5);
  assert.equal(regs[2], -1.5);
  const d = new Float64Array(2);
  const dBits = new Uint32Array(d.buffer);
  storeF64(d, dBits, 1, fmaF64(Infinity, 0, 1, RN));
  assert.deepEqual([dBits[3], dBits[2]], [0xfff80000, 0], 'default NaN of an invalid f64 operation (H100)');
  storeF64(d, dBits, 0, 2.5);
  assert.equal(d[0], 2.5);
});

test('f64 NaN results on the H100: the instruction\'s first NaN operand, quieted; else 0xFFF80000_00000000', () => {
  const words = (b: bigint) => [Number(b >> 32n), Number(b & 0xffffffffn)] as const;
  const out = () => (BigInt(NAN64[1]!) << 32n) | BigInt(NAN64[0]!);
  const SNAN = 0x7ff0000000000001n, QP = 0x7ff8000000001234n, NEG = 0xfff8000000000000n, ONE = 0x3ff0000000000000n;
  // add/mul/min/max: b wins (even a signaling a over a quiet b: add(0x7FF8…1234, sNaN 1) → 0x7FF8…0001)
  nanF64Add(...words(QP), ...words(SNAN));
  assert.equal(out(), 0x7ff8000000000001n);
  nanF64Add(...words(SNAN), ...words(QP));
  assert.equal(out(), QP);
  nanF64Add(...words(ONE), ...words(NEG));
  assert.equal(out(), NEG, 'sign kept');
  nanF64Add(...words(ONE), ...words(0x7ff0000000000000n));
  assert.equal(out(), 0xfff8000000000000n, '∞ operands are not NaN: default NaN');
  // div: a wins
  nanF64Div(...words(NEG), ...words(SNAN));
  assert.equal(out(), NEG);
  // fma: b, then c, then a
  nanF64Fma(...words(QP), ...words(ONE), ...words(0x7fffffffffffffffn));
  assert.equal(out(), 0x7fffffffffffffffn);
  nanF64Fma(...words(QP), ...words(0x7fffffffffffffffn), ...words(ONE));
  assert.equal(out(), 0x7fffffffffffffffn);
  nanF64Fma(...words(ONE), ...words(SNAN), ...words(NEG));
  assert.equal(out(), 0x7ff8000000000001n);
  nanF64Of1(...words(SNAN));
  assert.equal(out(), 0x7ff8000000000001n);
  nanF64Of1(...words(0xc000000000000000n));
  assert.equal(out(), 0xfff8000000000000n, 'sqrt(−2)');
  const regs = new Uint32Array(4);
  storeNaN64(regs, 1);
  assert.deepEqual([regs[3], regs[2]], [0xfff80000, 0]);
  assert.ok(isNaNF64Words(0x7ff00000, 1) && !isNaNF64Words(0x7ff00000, 0) && isNaNF64Words(0xfff80000, 0));
  // abs/neg.f64 only quiet a NaN (sign kept); other values are sign-bit operations
  assert.equal(absF64HiWord(0xfff80000, 0), 0xfff80000);
  assert.equal(absF64HiWord(0x7ff00000, 1), 0x7ff80000);
  assert.equal(negF64HiWord(0x7ff80000, 0x1234), 0x7ff80000);
  assert.equal(absF64HiWord(0xbff00000, 0), 0x3ff00000);
  assert.equal(negF64HiWord(0, 0), 0x80000000);
  assert.equal(negF64HiWord(0xfff00000, 0), 0x7ff00000);
  // conversions carry payloads across formats
  nanF64FromF32Bits(0x7fc12345);
  assert.equal(out(), 0x7ff82468a0000000n);
  nanF64FromF32Bits(0x7f800001);
  assert.equal(out(), 0x7ff8000020000000n);
  nanF64FromF32Bits(0xffacb4aa);
  assert.equal(out(), 0xfffd969540000000n);
  assert.equal(f64NaNToF32Bits(0x7ff80000, 0x1234), 0x7fc00000);
  assert.equal(f64NaNToF32Bits(0xfff80000, 0), 0xffc00000);
  assert.equal(f64NaNToF32Bits(0x7fffffff, 0xffffffff), 0x7fffffff);
  assert.equal(f64NaNToF32Bits(0x7ff00000, 1), 0x7fc00000);
  assert.deepEqual([0x7ff80000, 0xfff80000, 0x7fffffff, 0x7ff00000].map(f64NaNToF16Bits), [0x7e00, 0xfe00, 0x7fff, 0x7e00]);
  // the H100's cvt.rn.bf16.f64 and cvt.f64.f16 of NaNs (2026-11-24)
  assert.deepEqual([0x7ff80000, 0x7ff40000, 0xfff00000, 0x7fffffff].map(f64NaNToBF16Bits), [0x7fc0, 0x7fe0, 0xffc0, 0x7fff]);
  nanF64FromF16Bits(0x7e00);
  assert.equal(out(), 0x7ff8000000000000n);
  nanF64FromF16Bits(0x7c01);
  assert.equal(out(), 0x7ff8040000000000n);
  nanF64FromF16Bits(0x7e2d);
  assert.equal(out(), 0x7ff8b40000000000n);
  nanF64FromF16Bits(0xffff);
  assert.equal(out(), 0xfffffc0000000000n);
});

test('.ftz flushes subnormals to sign-preserving zero; .sat clamps to [0,1] with NaN → +0', () => {
  assert.ok(Object.is(ftzF32(2 ** -127), 0));
  assert.ok(Object.is(ftzF32(-(2 ** -149)), -0));
  assert.equal(ftzF32(2 ** -126), 2 ** -126);
  assert.equal(ftzF32(-1.5), -1.5);
  assert.ok(Object.is(satF32(NaN), 0));
  assert.ok(Object.is(satF32(-0), 0));
  assert.ok(Object.is(satF32(-3), 0));
  assert.equal(satF32(0.25), 0.25);
  assert.equal(satF32(1.5), 1);
  assert.equal(satF32(Infinity), 1);
  // add.rn.ftz.sat composition: 0.5 + subnormal → 0.5
  assert.equal(satF32(ftzF32(addF32(ftzF32(0.5), ftzF32(2 ** -130), RN))), 0.5);
});

test('f32 min/max: non-NaN operand, canonical NaN, −0 < +0, .NaN and .xorsign.abs variants', () => {
  assert.equal(minF32(NaN, 3), 3);
  assert.equal(maxF32(3, NaN), 3);
  assert.ok(Number.isNaN(minF32(NaN, NaN)));
  assert.ok(Object.is(minF32(-0, 0), -0));
  assert.ok(Object.is(minF32(0, -0), -0));
  assert.ok(Object.is(maxF32(-0, 0), 0));
  assert.ok(Object.is(maxF32(0, -0), 0));
  assert.ok(Number.isNaN(minNaNF32(NaN, 3)));
  assert.ok(Number.isNaN(maxNaNF32(3, NaN)));
  assert.equal(minNaNF32(2, 3), 2);
  assert.equal(minXorsignAbsF32(-2, 3, false), -2);
  assert.equal(minXorsignAbsF32(-2, -3, false), 2);
  assert.equal(maxXorsignAbsF32(-2, 3, false), -3);
  assert.equal(minXorsignAbsF32(NaN, -3, false), -3);
  assert.ok(Number.isNaN(minXorsignAbsF32(NaN, -3, true)));
  fc.assert(
    fc.property(f32Any, f32Any, (a, b) => {
      const lo = minF32(a, b);
      const hi = maxF32(a, b);
      if (a !== a && b !== b) return Number.isNaN(lo) && Number.isNaN(hi);
      if (a !== a) return Object.is(lo, b) && Object.is(hi, b);
      if (b !== b) return Object.is(lo, a) && Object.is(hi, a);
      return lo <= hi && (Object.is(lo, a) || Object.is(lo, b)) && (Object.is(hi, a) || Object.is(hi, b));
    }),
    { numRuns: RUNS },
  );
});

test('abs/neg.f32 work on the sign bit but give the canonical NaN (H100); copysign keeps NaN payloads', () => {
  assert.equal(absF32Bits(0xffc12345), 0x7fffffff);
  assert.equal(negF32Bits(0x7fc12345), 0x7fffffff);
  assert.equal(negF32Bits(0x7fffffff), 0x7fffffff);
  assert.equal(absF32Bits(0x7f800001), 0x7fffffff);
  assert.equal(absF32Bits(0xff800000), 0x7f800000);
  assert.equal(negF32Bits(0x7f800000), 0xff800000);
  assert.equal(absF32Bits(0x80000001), 1);
  assert.equal(negF32Bits(0), 0x80000000);
  assert.equal(copysignF32Bits(0x80000000, 0x3f800000), 0xbf800000);
  assert.equal(copysignF32(-0, 2), -2);
  assert.equal(copysignF32(1, -2), 2);
  assert.equal(f32ToRawBits(copysignF32(-1, bitsToF32(0x7fc12345))), 0xffc12345);
  assert.equal(copysignF64(-0, 5), -5);
  assert.equal(f64ToBigBits(copysignF64(-1, bigBitsToF64(0x7ff8000000001234n))), 0xfff8000000001234n);
});

test('testp predicates classify every f32/f64 class', () => {
  const sub32 = 2 ** -140;
  const sub64 = 2 ** -1060;
  assert.deepEqual([testpFinite(1), testpFinite(Infinity), testpFinite(NaN)], [true, false, false]);
  assert.deepEqual([testpInfinite(-Infinity), testpInfinite(1)], [true, false]);
  assert.deepEqual([testpNumber(NaN), testpNotANumber(NaN), testpNumber(0)], [false, true, true]);
  // the H100 reports ±0 as normal for testp.normal.f32 as for .f64 (gpu-truth.md TESTP-NORMAL)
  assert.deepEqual([testpNormalF32(1), testpNormalF32(sub32), testpNormalF32(0), testpNormalF32(-0), testpNormalF32(Infinity), testpNormalF32(NaN)], [true, false, true, true, false, false]);
  assert.deepEqual([testpSubnormalF32(sub32), testpSubnormalF32(-sub32), testpSubnormalF32(0), testpSubnormalF32(2 ** -126)], [true, true, false, false]);
  assert.deepEqual([testpNormalF64(sub32), testpNormalF64(sub64), testpSubnormalF64(sub64), testpSubnormalF64(NaN)], [true, false, true, false]);
  // the H100 reports ±0 as normal for testp.normal.f64
  assert.deepEqual([testpNormalF64(0), testpNormalF64(-0), testpNormalF64(Infinity), testpNormalF64(NaN)], [true, true, false, false]);
});

test('roundF32 agrees with the generic roundToFormat(BINARY32) on arbitrary doubles', () => {
  fc.assert(
    fc.property(f64Any, modeArb, (x, m) => sameValue(roundF32(x, m), roundToFormat(x, m, BINARY32))),
    { numRuns: RUNS * 2 },
  );
  assert.equal(nextUpF32(-(2 ** -149)), -0);
  assert.equal(nextDownF32(0), -(2 ** -149));
});

/** Doubles concentrated at the ends of the exponent range, where the fast paths hand over. */
const f64Extreme = fc
  .tuple(fc.double({ min: 1, max: 2, noNaN: true }), fc.oneof(fc.integer({ min: -1074, max: -900 }), fc.integer({ min: 900, max: 1023 }), fc.integer({ min: -60, max: 60 })), fc.boolean())
  .map(([m, e, s]) => {
    const v = m * 2 ** e;
    return s ? -v : v;
  });
const f64Mix = fc.oneof(f64Any, f64Extreme);

test('f64 add/sub/mul/div/rcp: all modes vs the exact oracle, incl. overflow and underflow ends', () => {
  fc.assert(
    fc.property(f64Mix, f64Mix, modeArb, (a, b, m) => {
      eq(addF64(a, b, m), addRef(a, b, m, F64), `add ${a} ${b} m${m}`);
      eq(subF64(a, b, m), addRef(a, -b, m, F64), `sub ${a} ${b} m${m}`);
      eq(mulF64(a, b, m), mulRef(a, b, m, F64), `mul ${a} ${b} m${m}`);
      eq(divF64(a, b, m), divRef(a, b, m, F64), `div ${a} ${b} m${m}`);
      eq(rcpF64(a, m), divRef(1, a, m, F64), `rcp ${a} m${m}`);
    }),
    { numRuns: RUNS * 4 },
  );
});

test('f64 sqrt: all modes correctly rounded (exact squaring), incl. subnormal inputs', () => {
  fc.assert(
    fc.property(f64Mix, modeArb, (a, m) => {
      const r = sqrtF64(a, m);
      if (a !== a || a < 0) return Number.isNaN(r);
      if (a === 0 || a === Infinity) return Object.is(r, a);
      return isCorrectSqrt(a, r, m, F64);
    }),
    { numRuns: RUNS * 2 },
  );
});

/** fma operands where a·b and c nearly cancel, or c sits at a tie of RN(a·b). */
const f64HardFma = fc
  .tuple(f64Mix, f64Mix, fc.integer({ min: -4, max: 4 }), fc.integer({ min: 0, max: 3 }))
  .map(([a, b, k, kind]) => {
    const p = a * b;
    if (!Number.isFinite(p) || p === 0) return [a, b, k] as const;
    const ulp = nextUpF64(Math.abs(p)) - Math.abs(p);
    switch (kind) {
      case 0:
        return [a, b, -p] as const; // c = −RN(ab): result is the product's rounding error
      case 1:
        return [a, b, -p + k * ulp] as const;
      case 2:
        return [a, b, (ulp / 2) * (k || 1)] as const; // half-ulp term: ties of the final rounding
      default:
        return [a, b, p * 2 ** -(53 + k)] as const;
    }
  });

test('f64 fma: all modes vs the exact oracle (random, extreme and cancellation operands)', () => {
  fc.assert(
    fc.property(fc.oneof(fc.tuple(f64Mix, f64Mix, f64Mix), f64HardFma), modeArb, ([a, b, c], m) => {
      eq(fmaF64(a, b, c, m), fmaRef(a, b, c, m, F64), `fma ${a} ${b} ${c} m${m}`);
    }),
    { numRuns: RUNS * 5 },
  );
});

/**
 * fma operands built from few-bit significands, so that the product's error, the sum's error and
 * the final rounding interact at exact ties (where fmaRnF64's fast path must hand over to the
 * round-to-odd path).
 */
const f64TieFma = fc
  .tuple(fc.integer({ min: 1, max: 2 ** 20 }), fc.integer({ min: 1, max: 2 ** 20 }), fc.integer({ min: -60, max: 60 }),
    fc.integer({ min: -80, max: 10 }), fc.integer({ min: -3, max: 3 }), fc.boolean(), fc.boolean())
  .map(([ma, mb, ea, ec, k, sa, sc]) => {
    const a = (1 + ma * 2 ** -20) * 2 ** ea * (sa ? -1 : 1);
    const b = (1 + mb * 2 ** -32) * 2 ** (ec - ea) * (sc ? -1 : 1);
    const p = a * b;
    const ulp = nextUpF64(Math.abs(p)) - Math.abs(p);
    // c: a power of two near the product, shifted by a few half-ulps of the product
    return [a, b, 2 ** Math.round(Math.log2(Math.abs(p)) + 53) * (k / 2) + k * ulp] as const;
  });

test('f64 fma.rn fast path (fmaRnF64) = the exact oracle (random, extreme, cancellation, tie operands)', () => {
  fc.assert(
    fc.property(fc.oneof(fc.tuple(f64Mix, f64Mix, f64Mix), f64HardFma, f64TieFma), ([a, b, c]) => {
      eq(fmaRnF64(a, b, c), fmaRef(a, b, c, RN, F64), `fmaRnF64 ${a} ${b} ${c}`);
      eq(fmaRnF64(a, b, c), fmaF64(a, b, c, RN), `fmaRnF64 vs fmaF64 ${a} ${b} ${c}`);
    }),
    { numRuns: RUNS * 10 },
  );
  // ties of the final rounding decided by the product's low part (a·b + c just above or below a midpoint)
  const x = 1 + 2 ** -52, y = 1 - 2 ** -53;
  for (const [a, b, c] of [[x, y, 0], [x, y, -1], [x, -y, 1], [1 + 2 ** -27, 1 + 2 ** -27, -1], [3, 2 ** -54 + 2 ** -106, 1], [3, 2 ** -54 - 2 ** -106, 1]] as const) {
    eq(fmaRnF64(a, b, c), fmaRef(a, b, c, RN, F64), `fmaRnF64 ${a} ${b} ${c}`);
  }
});

test('f64 fma: classic cases where a*b + c in JS is wrong', () => {
  const a = 1 + 2 ** -27;
  assert.equal(a * a - 1, 2 ** -26, 'naive: the product rounds first');
  assert.equal(fmaF64(a, a, -1, RN), 2 ** -26 + 2 ** -54);
  // final-rounding tie broken by the product's low part: (1 + 2^-52)(1 + 2^-53)... built exactly
  const x = 1 + 2 ** -52;
  const y = 1 - 2 ** -53;
  // x·y = 1 + 2^-52 − 2^-53 − 2^-105 = 1 + 2^-53 − 2^-105: just below the midpoint 1 + 2^-53
  assert.equal(fmaF64(x, y, 0, RN), 1);
  assert.equal(fmaF64(x, y, 0, RP), 1 + 2 ** -52);
  assert.equal(fmaF64(x, y, -1, RN), 2 ** -53 - 2 ** -105);
  // underflow: the exact result is subnormal
  const t = fmaF64(2 ** -540, 2 ** -540, -(2 ** -1075) * 0, RN);
  assert.equal(t, 2 ** -1080 > 0 ? fmaRef(2 ** -540, 2 ** -540, 0, RN, F64) : 0);
  eq(fmaF64(2 ** -537, 1.5 * 2 ** -537, -(2 ** -1073), RN), fmaRef(2 ** -537, 1.5 * 2 ** -537, -(2 ** -1073), RN, F64), 'subnormal result');
  // overflowed product brought back by c
  const big = 2 ** 1023 * (2 - 2 ** -52);
  eq(fmaF64(big, 1 + 2 ** -52, -big, RN), fmaRef(big, 1 + 2 ** -52, -big, RN, F64), 'product beyond max, finite sum');
  assert.ok(Number.isNaN(fmaF64(Infinity, 0, 1, RN)));
});

test('f64 min/max: non-NaN operand and signed zeros', () => {
  assert.equal(minF64(NaN, -1), -1);
  assert.ok(Number.isNaN(maxF64(NaN, NaN)));
  assert.ok(Object.is(minF64(0, -0), -0));
  assert.ok(Object.is(maxF64(-0, 0), 0));
});
