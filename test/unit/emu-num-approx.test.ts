/**
 * Approximate instructions: the ISA's special-value tables exactly, the documented error bounds
 * (ULP / relative / absolute) against binary64 references, `.ftz`, and the ULP helpers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  APPROX_BOUNDS, cosApproxF32, divApproxF32, divFullF32, ex2ApproxF32, lg2ApproxF32, rcpApproxF32, rcpApproxFtzF64Hi,
  rsqrtApproxF32, rsqrtApproxF64, rsqrtApproxFtzF64Hi, sinApproxF32, sqrtApproxF32, tanhApproxF32, ulpDistanceF32, ulpDistanceF64,
} from '../../src/emu/num/approx.js';
import { bitsToF32, f64FromWords, f64Hi } from '../../src/emu/num/bits.js';
import { sameValue } from '../fixtures/num/oracle.js';

const RUNS = 5000;
const f32Bits = fc.integer({ min: 0, max: 0xffffffff }).map(bitsToF32);
const SUB = 2 ** -130;

function table(fn: (x: number) => number, rows: [number, number][], what: string): void {
  for (const [x, want] of rows) assert.ok(sameValue(fn(x), want), `${what}(${Object.is(x, -0) ? '-0' : x}) = ${fn(x)}, want ${want}`);
}

test('special values follow the ISA tables and what the H100 returns for subnormal inputs', () => {
  for (const ftz of [false, true]) {
    table((x) => ex2ApproxF32(x, ftz), [[-Infinity, 0], [-0, 1], [0, 1], [SUB, 1], [-SUB, 1], [Infinity, Infinity], [NaN, NaN]], 'ex2');
    table((x) => lg2ApproxF32(x, ftz), [[-Infinity, NaN], [-1, NaN], [-0, -Infinity], [0, -Infinity], [Infinity, Infinity], [NaN, NaN]], 'lg2');
    table((x) => sinApproxF32(x, ftz), [[-Infinity, NaN], [-0, -0], [0, 0], [SUB, 0], [-SUB, -0], [Infinity, NaN], [NaN, NaN]], 'sin');
    table((x) => cosApproxF32(x, ftz), [[-Infinity, NaN], [-0, 1], [0, 1], [SUB, 1], [Infinity, NaN], [NaN, NaN]], 'cos');
    table((x) => rsqrtApproxF32(x, ftz), [[-Infinity, NaN], [-1, NaN], [-0, -Infinity], [0, Infinity], [Infinity, 0], [NaN, NaN]], 'rsqrt');
    table((x) => rcpApproxF32(x, ftz), [[-Infinity, -0], [-0, -Infinity], [0, Infinity], [Infinity, 0], [NaN, NaN]], 'rcp');
    table((x) => sqrtApproxF32(x, ftz), [[-Infinity, NaN], [-1, NaN], [-0, -0], [0, 0], [Infinity, Infinity], [NaN, NaN]], 'sqrt');
  }
  // without .ftz, sm_90 computes subnormal inputs (measured); with .ftz they are ±0
  table((x) => lg2ApproxF32(x, false), [[SUB, -130], [-SUB, NaN]], 'lg2');
  table((x) => lg2ApproxF32(x, true), [[SUB, -Infinity], [-SUB, -Infinity]], 'lg2.ftz');
  table((x) => rsqrtApproxF32(x, false), [[SUB, 2 ** 65], [-SUB, NaN]], 'rsqrt');
  table((x) => rsqrtApproxF32(x, true), [[SUB, Infinity], [-SUB, -Infinity]], 'rsqrt.ftz');
  table((x) => rcpApproxF32(x, false), [[2 ** -127, 2 ** 127], [-(2 ** -127), -(2 ** 127)], [SUB, Infinity], [2 ** 127, 2 ** -127]], 'rcp');
  table((x) => rcpApproxF32(x, true), [[2 ** -127, Infinity], [-(2 ** -127), -Infinity], [2 ** 127, 0]], 'rcp.ftz');
  table((x) => sqrtApproxF32(x, false), [[SUB, 2 ** -65], [-SUB, NaN]], 'sqrt');
  table((x) => sqrtApproxF32(x, true), [[SUB, 0], [-SUB, -0]], 'sqrt.ftz');
  table(tanhApproxF32, [[-Infinity, -1], [-0, -0], [0, 0], [Infinity, 1], [NaN, NaN], [SUB, SUB], [-SUB, -SUB]], 'tanh');
  // .ftz flushes subnormal results
  assert.equal(ex2ApproxF32(-140, false), 2 ** -140);
  assert.ok(Object.is(ex2ApproxF32(-140, true), 0));
  assert.equal(ex2ApproxF32(SUB, true), 1);
});

test('sin/cos.approx: the exact zeros and the 2^-25-revolution quantization of sm_90\'s range reduction', () => {
  // |a| below 2π·2^-25 (≈ 1.87e-7, after RZ scaling by fround(1/2π)) gives a signed zero
  assert.ok(Object.is(sinApproxF32(1.2648742e-7, false), 0));
  assert.ok(Object.is(sinApproxF32(-4.4523118e-11, false), -0));
  // −1.99e-7 → −sin(2π·2^-25) (H100: 0xB4491200, its SFU's value of it)
  assert.ok(Math.abs(sinApproxF32(bitsToF32(0xb4554f94), false) - bitsToF32(0xb4491200)) < 2 ** -36);
  // half turns: −0 for positive arguments, +0 for negative ones (H100: 3443207.75 → −0, −6829229.5 → +0)
  assert.ok(Object.is(sinApproxF32(3443207.75, false), -0));
  assert.ok(Object.is(sinApproxF32(-6829229.5, false), 0));
  // whole turns keep the argument's sign; cos of three quarter turns is +0 (H100: 15015166, −8214862)
  assert.ok(Object.is(sinApproxF32(-14394088, false), -0));
  assert.ok(Object.is(cosApproxF32(15015166, false), 0));
  assert.ok(Object.is(cosApproxF32(-8214862, false), 0));
  assert.equal(cosApproxF32(3.4028234663852886e38, false), 1);
  assert.equal(cosApproxF32(8388609, false), -1);
});

test('ex2 within 2 ulp, rcp within 1 ulp (full range), vs correctly rounded binary64 references', () => {
  fc.assert(
    fc.property(f32Bits, fc.boolean(), (x, ftz) => {
      if (!Number.isFinite(x) || Math.abs(x) < 2 ** -126) return true;
      const e = ex2ApproxF32(x, ftz);
      const refE = Math.fround(2 ** x);
      const r = rcpApproxF32(x, false);
      return (ftz && Math.abs(refE) < 2 ** -126 ? e === 0 : ulpDistanceF32(e, refE) <= APPROX_BOUNDS.ex2Ulp) && ulpDistanceF32(r, Math.fround(1 / x)) <= APPROX_BOUNDS.rcpUlp;
    }),
    { numRuns: RUNS },
  );
});

test('ex2 (table and polynomial) equals the binary32 rounding of Math.pow(2, x) it replaced', () => {
  // checked exhaustively once over every binary32 in (−152, 129); here a sample, the range ends
  // and ties of the table index (64·x = n + ½)
  const flush = (x: number): number => (x !== 0 && Math.abs(x) < 2 ** -126 ? (x < 0 ? -0 : 0) : x);
  const ref = (x: number, ftz: boolean): number => (ftz ? flush(Math.fround(2 ** flush(x))) : Math.fround(2 ** x));
  const smallF32 = fc.integer({ min: 0, max: (135 << 23) - 1 }).chain((b) => fc.boolean().map((neg) => bitsToF32(((neg ? 0x80000000 : 0) | b) >>> 0)));
  fc.assert(
    fc.property(fc.oneof(f32Bits, smallF32), fc.boolean(), (x, ftz) => sameValue(ex2ApproxF32(x, ftz), ref(x, ftz))),
    { numRuns: RUNS * 4 },
  );
  const edges = [-152, -151.99998, -150, -149.5, -149, -126, -125.99999, 127.99999, 128, 128.99998, 129, 1 / 128, -1 / 128, 3 / 128, 0.5, -0.5];
  for (let n = -9728; n < 8256; n += 37) edges.push(Math.fround((n + 0.5) / 64));
  for (const x of edges) for (const ftz of [false, true]) assert.ok(sameValue(ex2ApproxF32(x, ftz), ref(x, ftz)), `ex2(${x}, ${ftz})`);
});

test('lg2 (abs 2^-22 in (0.5, 2), else rel 2^-22), rsqrt (rel 2^-22.9), sqrt.approx (rel 2^-23), tanh (rel 2^-11)', () => {
  fc.assert(
    fc.property(f32Bits, (x) => {
      if (!(x >= 2 ** -126) || x === Infinity) return true;
      const l = lg2ApproxF32(x, false);
      const lr = Math.log2(x);
      const lOk = x > 0.5 && x < 2 ? Math.abs(l - lr) <= APPROX_BOUNDS.lg2AbsIn05to2 : Math.abs(l - lr) <= APPROX_BOUNDS.lg2Rel * Math.abs(lr);
      const rr = 1 / Math.sqrt(x);
      const sr = Math.sqrt(x);
      const t = tanhApproxF32(-x);
      const tr = Math.tanh(-x);
      return (
        lOk &&
        Math.abs(rsqrtApproxF32(x, false) - rr) <= APPROX_BOUNDS.rsqrtRel * rr &&
        Math.abs(sqrtApproxF32(x, false) - sr) <= APPROX_BOUNDS.sqrtRel * sr &&
        Math.abs(t - tr) <= APPROX_BOUNDS.tanhRel * Math.abs(tr)
      );
    }),
    { numRuns: RUNS },
  );
});

test('sin/cos: absolute error within 2^-20.5 on [−2π, 2π] and 2^-14.7 on [−100π, 100π]', () => {
  fc.assert(
    fc.property(fc.float({ min: Math.fround(-100 * Math.PI), max: Math.fround(100 * Math.PI), noNaN: true }), (x) => {
      const bound = Math.abs(x) <= 2 * Math.PI ? APPROX_BOUNDS.sinCosAbsIn2Pi : APPROX_BOUNDS.sinCosAbsIn100Pi;
      return Math.abs(sinApproxF32(x, false) - Math.sin(x)) <= bound && Math.abs(cosApproxF32(x, true) - Math.cos(x)) <= bound;
    }),
    { numRuns: RUNS },
  );
});

test('div.approx: ≤ 2 ulp for |b| in [2^-126, 2^126]; sign-preserving zero / NaN above 2^126; div.full ≤ 2 ulp', () => {
  fc.assert(
    fc.property(f32Bits, f32Bits, (a, b) => {
      if (!Number.isFinite(a) || !Number.isFinite(b)) return true;
      const ref = Math.fround(a / b);
      const ab = Math.abs(b);
      const okApprox = ab >= 2 ** -126 && ab <= 2 ** 126 && Math.abs(ref) >= 2 ** -126 && Number.isFinite(ref) ? ulpDistanceF32(divApproxF32(a, b, false), ref) <= APPROX_BOUNDS.divApproxUlp : true;
      return okApprox && ulpDistanceF32(divFullF32(a, b, false), ref) <= APPROX_BOUNDS.divFullUlp;
    }),
    { numRuns: RUNS },
  );
  assert.ok(Object.is(divApproxF32(3, 2 ** 127, false), 0));
  assert.ok(Object.is(divApproxF32(-3, 2 ** 127, false), -0));
  assert.ok(Object.is(divApproxF32(3, -(2 ** 127), false), -0));
  assert.ok(Number.isNaN(divApproxF32(Infinity, 2 ** 127, false)));
  assert.equal(divFullF32(3, 2 ** 127, false), 3 * 2 ** -127);
  // sm_90 (measured): without .ftz a subnormal divisor is not flushed
  assert.equal(divApproxF32(bitsToF32(0x3bf910bd), bitsToF32(0x807fffff), false), Math.fround(bitsToF32(0x3bf910bd) * Math.fround(1 / bitsToF32(0x807fffff))));
  assert.equal(divApproxF32(1, -(2 ** -130), true), -Infinity);
  // div.full scales the operands so that rcp(b) stays normal: H100 gives 0x00500001 here, not the
  // correctly rounded 0x00500000 (a/4 · rcp(b/4), rounded to a subnormal)
  assert.equal(divFullF32(-2.5, -3.4028234663852886e38, false), bitsToF32(0x00500001));
  assert.equal(divFullF32(2 ** -20, 2 ** -140, false), 2 ** 120);
});

test('rcp.approx.ftz.f64 / rsqrt.approx.ftz.f64 use the high word only and zero the low word', () => {
  const hiOf = (x: number) => f64Hi(x);
  assert.equal(rcpApproxFtzF64Hi(hiOf(2)), hiOf(0.5));
  assert.equal(rcpApproxFtzF64Hi(hiOf(-4)), hiOf(-0.25));
  assert.equal(rcpApproxFtzF64Hi(hiOf(Infinity)), 0);
  assert.equal(rcpApproxFtzF64Hi(hiOf(-Infinity)), 0x80000000);
  assert.equal(rcpApproxFtzF64Hi(hiOf(-0)), 0xfff00000);
  assert.equal(rcpApproxFtzF64Hi(hiOf(1e-310)), 0x7ff00000, 'subnormal input → +∞');
  assert.equal(rcpApproxFtzF64Hi(0x7ff80000), 0x7fffffff, 'NaN → 0x7FFFFFFF_00000000');
  assert.equal(rcpApproxFtzF64Hi(hiOf(2 ** 1023)), 0, 'subnormal result flushed');
  assert.equal(rsqrtApproxFtzF64Hi(hiOf(4)), hiOf(0.5));
  assert.equal(rsqrtApproxFtzF64Hi(hiOf(-4)), 0x7fffffff);
  assert.equal(rsqrtApproxFtzF64Hi(hiOf(-1e-310)), 0xfff00000);
  assert.equal(rsqrtApproxFtzF64Hi(hiOf(Infinity)), 0);
  fc.assert(
    fc.property(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), (x) => {
      const h = rcpApproxFtzF64Hi(hiOf(x));
      const r = f64FromWords(h, 0);
      const truncated = f64FromWords(hiOf(x), 0);
      return Math.abs(r * truncated - 1) <= 2 ** -20 && Math.abs(f64FromWords(rsqrtApproxFtzF64Hi(hiOf(x)), 0) * Math.sqrt(truncated) - 1) <= 2 ** -20;
    }),
    { numRuns: RUNS },
  );
  assert.equal(rsqrtApproxF64(4), 0.5);
  assert.equal(rsqrtApproxF64(-0), -Infinity);
  assert.equal(rsqrtApproxF64(0), Infinity);
  assert.equal(rsqrtApproxF64(Infinity), 0);
  assert.ok(Number.isNaN(rsqrtApproxF64(-1)) && Number.isNaN(rsqrtApproxF64(-Infinity)));
  // bit-identical to the H100 (its Newton step differs from 1/√a rounded twice here)
  const f64 = (b: bigint) => f64FromWords(Number(b >> 32n), Number(b & 0xffffffffn));
  assert.equal(rsqrtApproxF64(f64(0x7fefffffffffffffn)), f64(0x1ff0000000000000n));
  assert.equal(rsqrtApproxF64(f64(0x0337cbfc9d8f8e63n)), f64(0x5e4a3d3bc2eca905n));
  assert.equal(rsqrtApproxF64(f64(0x227f147c8f982acbn)), f64(0x4ea6f5b98eb8ef10n));
  assert.equal(rsqrtApproxF64(f64(1n)), f64(0x6180000000000000n), 'subnormal input');
  // the 20-bit SFU fraction is the binary32 result truncated (H100: 0xC01F3412, not the rounded 0xC01F3413)
  assert.equal(rcpApproxFtzF64Hi(0xbfc06891), 0xc01f3412);
  assert.equal(rsqrtApproxFtzF64Hi(0x302ab85d), 0x47d18272);
});

test('ulpDistanceF32 / ulpDistanceF64 count representable values between two numbers', () => {
  assert.equal(ulpDistanceF32(1, Math.fround(1 + 2 ** -23)), 1);
  assert.equal(ulpDistanceF32(-0, 0), 0);
  assert.equal(ulpDistanceF32(2 ** -149, -(2 ** -149)), 2);
  assert.equal(ulpDistanceF32(NaN, NaN), 0);
  assert.equal(ulpDistanceF32(NaN, 1), Infinity);
  assert.equal(ulpDistanceF32(3.4028234663852886e38, Infinity), 1);
  assert.equal(ulpDistanceF64(1, 1 + 2 ** -52), 1);
  assert.equal(ulpDistanceF64(5e-324, -5e-324), 2);
  assert.equal(ulpDistanceF64(1, 2), 2 ** 52);
});
