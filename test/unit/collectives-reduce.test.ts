/**
 * The reference collectives' arithmetic (src/collectives/reduce.ts, minifloat.ts) against the
 * independent CPU oracle of the device tests (test/support/collective-oracle.ts), on random data
 * and on exhaustive or dense inputs; and the data type / reduction tables against nccl.h.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DATA_TYPE_NAMES, DATA_TYPES, REDUCE_OP_NAMES, REDUCE_OPS, reduceBuffers, refusedReduction, type DataType } from '../../src/collectives/index.js';
import { BFLOAT16, FLOAT16, FLOAT8_E4M3, FLOAT8_E5M2, roundTo } from '../../src/collectives/minifloat.js';
import { ncclDataType_t, ncclRedOp_t } from '../../src/raw/nccl-types.js';
import { ELEMENT_BYTES, oracleReduce, oracleRound, randomElements, sameElements } from '../support/collective-oracle.js';

describe('reference reductions equal the oracle', () => {
  test('every data type and reduction, 1 to 6 ranks, random data (integers wrap, floats round per step)', () => {
    fc.assert(fc.property(
      fc.constantFrom(...DATA_TYPE_NAMES), fc.constantFrom(...REDUCE_OP_NAMES), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 40 }), fc.nat(),
      (dtype, op, ranks, count, seed) => {
        const inputs = Array.from({ length: ranks }, (_, r) => randomElements(dtype, count, seed + 1000 * r));
        const got = reduceBuffers(dtype, op, inputs);
        const want = oracleReduce(dtype, op, inputs);
        assert.equal(sameElements(dtype, op, got, want), null, `${dtype} ${op} × ${ranks}`);
      },
    ), { numRuns: 600 });
  });

  test('integer wrap-around and truncating average, spelled out', () => {
    const i8 = (xs: number[]): Uint8Array => new Uint8Array(Int8Array.from(xs).buffer);
    assert.deepEqual([...new Int8Array(reduceBuffers('int8', 'sum', [i8([127, -128]), i8([1, -1])]).buffer)], [-128, 127]);
    assert.deepEqual([...new Int8Array(reduceBuffers('int8', 'avg', [i8([7, -7]), i8([0, 0])]).buffer)], [3, -3]);
    const u32 = (xs: number[]): Uint8Array => new Uint8Array(Uint32Array.from(xs).buffer);
    assert.deepEqual([...new Uint32Array(reduceBuffers('uint32', 'prod', [u32([0x10000]), u32([0x10001])]).buffer)], [0x10000]);
    const i64 = (xs: bigint[]): Uint8Array => new Uint8Array(BigInt64Array.from(xs).buffer);
    assert.deepEqual([...new BigInt64Array(reduceBuffers('int64', 'sum', [i64([2n ** 63n - 1n]), i64([1n])]).buffer)], [-(2n ** 63n)]);
  });

  test('float avg multiplies by 1/n first: float32 of 3 ranks', () => {
    const f32 = (xs: number[]): Uint8Array => new Uint8Array(Float32Array.from(xs).buffer);
    const scale = Math.fround(1 / 3);
    const want = Math.fround(Math.fround(Math.fround(1 * scale) + Math.fround(2 * scale)) + Math.fround(4 * scale));
    assert.deepEqual([...new Float32Array(reduceBuffers('float32', 'avg', [f32([1]), f32([2]), f32([4])]).buffer)], [want]);
  });

  test('max and min of floats return the non-NaN operand', () => {
    const f64 = (xs: number[]): Uint8Array => new Uint8Array(Float64Array.from(xs).buffer);
    assert.deepEqual([...new Float64Array(reduceBuffers('float64', 'max', [f64([NaN, 1]), f64([2, NaN])]).buffer)], [2, 1]);
    assert.deepEqual([...new Float64Array(reduceBuffers('float64', 'min', [f64([NaN, 1]), f64([2, NaN])]).buffer)], [2, 1]);
  });
});

describe('narrow float formats', () => {
  const formats = { float16: FLOAT16, bfloat16: BFLOAT16, float8e4m3: FLOAT8_E4M3, float8e5m2: FLOAT8_E5M2 } as const;

  test('FP8 decoding: known values of every code class', () => {
    assert.equal(FLOAT8_E4M3.decode[0x7e], 448);
    assert.ok(Number.isNaN(FLOAT8_E4M3.decode[0x7f]!));
    assert.equal(FLOAT8_E4M3.decode[0x78], 256, 'e4m3 has no infinity: exponent 15 is a normal binade');
    assert.equal(FLOAT8_E4M3.decode[0x01], 2 ** -9);
    assert.equal(FLOAT8_E5M2.decode[0x7b], 57344);
    assert.equal(FLOAT8_E5M2.decode[0x7c], Infinity);
    assert.equal(FLOAT8_E5M2.decode[0x01], 2 ** -16);
    assert.equal(FLOAT8_E5M2.decode[0x80], -0);
  });

  test('rounding to every narrow format equals the oracle on a dense grid, ties and overflow included', () => {
    for (const [dtype, format] of Object.entries(formats) as [DataType, (typeof formats)[keyof typeof formats]][]) {
      for (const x of denseGrid()) {
        const got = roundTo(format, x);
        const want = oracleRound(dtype, x);
        assert.ok(Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)), `${dtype}: round(${x}) = ${got}, oracle ${want}`);
      }
    }
  });

  test('FP8 saturates out-of-range values and infinities (__NV_SATFINITE)', () => {
    assert.equal(roundTo(FLOAT8_E4M3, 1e6), 448);
    assert.equal(roundTo(FLOAT8_E4M3, -Infinity), -448);
    assert.equal(roundTo(FLOAT8_E5M2, Infinity), 57344);
    assert.ok(Number.isNaN(roundTo(FLOAT8_E4M3, NaN)));
    assert.equal(roundTo(FLOAT16, 1e6), Infinity, 'float16 overflows to infinity, as __float2half_rn does');
  });
});

describe('tables', () => {
  test('data types and reductions carry nccl.h\'s codes and sizes', () => {
    assert.equal(DATA_TYPE_NAMES.length, ncclDataType_t.ncclNumTypes);
    assert.deepEqual(DATA_TYPE_NAMES.map((t) => DATA_TYPES[t].nccl), [0, 1, 2, 3, 4, 5, 6, 9, 7, 8, 10, 11]);
    for (const t of DATA_TYPE_NAMES) assert.equal(DATA_TYPES[t].bytes, ELEMENT_BYTES[t], t);
    assert.deepEqual(REDUCE_OP_NAMES.map((o) => REDUCE_OPS[o]), [0, 1, 2, 3, 4]);
    assert.equal(REDUCE_OP_NAMES.length, ncclRedOp_t.ncclNumOps);
  });

  test('the reductions NCCL refuses: FP8 avg on one rank (measured, NCCL 2.28.3), every FP8 reduction before sm_90', () => {
    const refusals = (ranks: number, computeCapabilityMajor: number): string[] =>
      DATA_TYPE_NAMES.flatMap((t) => [...REDUCE_OP_NAMES, null].filter((o) => refusedReduction(t, o, { ranks, computeCapabilityMajor }) !== null).map((o) => `${t} ${o}`));
    assert.deepEqual(refusals(1, 9), ['float8e4m3 avg', 'float8e5m2 avg']);
    assert.deepEqual(refusals(1, 10), ['float8e4m3 avg', 'float8e5m2 avg']);
    for (const ranks of [2, 3, 8]) assert.deepEqual(refusals(ranks, 9), [], `${ranks} ranks on sm_90`);
    const fp8 = ['float8e4m3', 'float8e5m2'].flatMap((t) => REDUCE_OP_NAMES.map((o) => `${t} ${o}`));
    for (const ranks of [1, 4]) assert.deepEqual(refusals(ranks, 8), fp8, `${ranks} rank(s) on sm_80`);
    assert.match(refusedReduction('float8e5m2', 'avg', { ranks: 1, computeCapabilityMajor: 9 })!, /cannot average float8e5m2 on a communicator of one rank/);
    assert.match(refusedReduction('float8e4m3', 'sum', { ranks: 2, computeCapabilityMajor: 8 })!, /only on sm_90 and newer.*compute capability 8\.x/);
  });
});

/** Values around every binade of the narrow formats, with exact midpoints, plus specials. */
function denseGrid(): number[] {
  const out = [0, -0, Infinity, -Infinity, NaN, 448, 464, 480, 57344, 61440, 65504, 65520];
  for (let e = -20; e <= 17; e++) {
    for (let k = 0; k < 64; k++) {
      const x = 2 ** e * (1 + k / 64);
      out.push(x, -x, x * (1 + 2 ** -12));
    }
  }
  return out;
}
