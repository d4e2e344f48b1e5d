/**
 * Integer arithmetic and conversions: 64-bit operations and intrinsics, 32-bit edge cases (INT_MIN,
 * division by constants and variables, PTX shift clamping through inline asm), and conversions with
 * every rounding mode and saturation. All exact.
 * @module
 */
import type { KernelCase } from '../types.js';
import { EXACT, inBuf, launch1d, outBuf, scalar, sameFor } from '../support/builders.js';
import { F32, F64, cvtFloatToInt, intToFloat, toF32 } from '../support/float.js';
import {
  brev32, brev64, bytePerm, clz64, divTrunc, ffs32, ffs64, funnelShiftL, i64, mulhi32, mulhi64, popc32, popc64,
  ptxShl32, ptxShrS32, ptxShrU32, sad32, u64,
} from '../support/intops.js';
import { Rng, i32Array, i64Array, sprinkle, u32Array, wideDouble } from '../support/prng.js';

const INT_MIN = -(2 ** 31), INT_MAX = 2 ** 31 - 1;
const LL_MIN = -(1n << 63n), LL_MAX = (1n << 63n) - 1n;

function int64Ops(): KernelCase {
  const n = 512, rng = new Rng('int64_ops');
  const a = sprinkle(i64Array(rng, n), [LL_MIN, LL_MAX, 0n, -1n, 1n, 7n, -7n, 1n << 32n, -(1n << 40n)]);
  // Divisors: full-range, small, and the special ones; never 0, never −1 against LLONG_MIN.
  const b = BigInt64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? BigInt(rng.int(-1000, 1000) || 3) : rng.i64() || 5n));
  sprinkle(b, [1n, -1n, LL_MAX, LL_MIN, 2n, -3n, 1n << 33n]);
  b.forEach((v, i) => { if (v === -1n && a[i] === LL_MIN) b[i] = -2n; });
  const I64_OUTS = 8, U64_OUTS = 10;
  return {
    name: 'int64_ops', description: '64-bit mul (low/high), signed and unsigned div/rem (incl. by constant 7), variable shifts, min/max, clz/popc/ffs/brev',
    source: 'int64.cu', ptxFile: 'ptx/int64.ptx', entry: 'int64_ops', ...launch1d(n, 128), sharedMemBytes: 0,
    args: [inBuf('a', 'i64', a), inBuf('b', 'i64', b), inBuf('shift', 'u32', u32Array(rng, n, 0, 255)),
      outBuf('sout', 'i64', I64_OUTS * n), outBuf('uout', 'u64', U64_OUTS * n), scalar('n', 'i32', n)],
    reference: (io) => {
      const A = io.buffer('a', 'i64'), B = io.buffer('b', 'i64'), S = io.buffer('shift', 'u32');
      const sout = new BigInt64Array(I64_OUTS * n), uout = new BigUint64Array(U64_OUTS * n);
      A.forEach((x, i) => {
        const y = B[i] as bigint, s = BigInt((S[i] as number) & 63), ux = u64(x), uy = u64(y);
        sout.set([i64(x * y), x / y, x % y, x >> s, x < y ? x : y, x > y ? x : y, mulhi64(x, y, true), x / 7n], I64_OUTS * i);
        uout.set([u64(ux * uy), ux / uy, ux % uy, u64(ux << s), ux >> s, mulhi64(ux, uy, false),
          BigInt(clz64(x)), BigInt(popc64(ux)), BigInt(ffs64(x)), brev64(ux)], U64_OUTS * i);
      });
      return { sout, uout };
    },
    compare: sameFor(['sout', 'uout'], EXACT), tags: ['int64'],
  };
}

function int32Edge(): KernelCase {
  const n = 512, rng = new Rng('int32_edge');
  const a = sprinkle(i32Array(rng, n, INT_MIN, INT_MAX), [INT_MIN, INT_MAX, 0, -1, 1, -7, 7, INT_MIN + 1, 0x55555555, -0x55555556]);
  const b = Int32Array.from({ length: n }, (_, i) => (i % 2 === 0 ? rng.int(-50, 50) || 1 : rng.int(INT_MIN, INT_MAX) || 1));
  sprinkle(b, [-1, 1, INT_MIN, INT_MAX, 2, -2, 10]);
  b.forEach((v, i) => { if (v === -1 && a[i] === INT_MIN) b[i] = -3; });
  const OUTS = 20;
  return {
    name: 'int32_edge', description: 'INT_MIN/INT_MAX through div/rem (variable and constant divisors), C shifts and clamped PTX shifts via inline asm, mulhi, funnel shift, byte_perm, clz/ffs/popc/brev, sad',
    source: 'int_edge.cu', ptxFile: 'ptx/int_edge.ptx', entry: 'int32_edge', ...launch1d(n, 128), sharedMemBytes: 0,
    args: [inBuf('a', 'i32', a), inBuf('b', 'i32', b), inBuf('shift', 'u32', u32Array(rng, n, 0, 40)),
      outBuf('out', 'i32', OUTS * n), scalar('n', 'i32', n)],
    reference: (io) => {
      const A = io.buffer('a', 'i32'), B = io.buffer('b', 'i32'), S = io.buffer('shift', 'u32');
      const out = new Int32Array(OUTS * n);
      A.forEach((x, i) => {
        const y = B[i] as number, s = S[i] as number, ux = x >>> 0, uy = y >>> 0;
        out.set([
          divTrunc(x, y), x % y, divTrunc(ux, uy), ux % uy, divTrunc(x, 7), x % -3, divTrunc(ux, 10),
          x >> (s & 31), ux << (s & 31), ptxShl32(ux, s), ptxShrU32(ux, s), ptxShrS32(x, s),
          mulhi32(x, y, true), mulhi32(ux, uy, false), Math.imul(ux, uy), funnelShiftL(ux, uy, s), bytePerm(ux, uy, 0x5140),
          Math.clz32(x) + 100 * ffs32(x) + 10000 * popc32(ux), brev32(ux), sad32(x, y, 0),
        ].map((v) => v | 0), OUTS * i);
      });
      return { out };
    },
    compare: { out: EXACT }, tags: ['int', 'inline-asm', 'special-values'],
  };
}

/** Float inputs for the conversion kernels: ties, limits of every integer type, specials, and a spread of magnitudes. */
const CONVERSION_SPECIALS = [
  0, -0, NaN, Infinity, -Infinity, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, 0.49999997, -0.49999997, 1e-45, -1e-40,
  2 ** 31, -(2 ** 31), 2 ** 31 - 128, 2 ** 32, 2 ** 32 - 256, 4294967040, 3e9, -3e9, 2 ** 63, -(2 ** 63), 2 ** 64, 1e19, -1e19,
  16777217, -16777217, 8388608.5, 123456.789, -0.75,
];

function convertFromF32(): KernelCase {
  const n = 256, rng = new Rng('convert_from_f32');
  const x = Float32Array.from(sprinkle(Array.from({ length: n }, (_, i) => (i % 2 ? rng.f64(-1e4, 1e4) : wideDouble(rng, -10, 70))),
    CONVERSION_SPECIALS));
  return {
    name: 'convert_from_f32', description: 'f32 to s32 in rn/rz/rd/ru, to u32 (rn), s64 (rn), u64 (rz): ties to even, saturation, NaN (0 for 32-bit results, 0x8000000000000000 for 64-bit ones, as the H100 gives)',
    source: 'conversions.cu', ptxFile: 'ptx/conversions.ptx', entry: 'convert_from_f32', ...launch1d(n, 64), sharedMemBytes: 0,
    args: [inBuf('x', 'f32', x), outBuf('i32o', 'i32', 4 * n), outBuf('u32o', 'u32', n), outBuf('i64o', 'i64', n),
      outBuf('u64o', 'u64', n), scalar('n', 'i32', n)],
    reference: (io) => {
      const X = io.buffer('x', 'f32');
      const i32o = new Int32Array(4 * n);
      X.forEach((v, i) => i32o.set((['rn', 'rz', 'rd', 'ru'] as const).map((m) => Number(cvtFloatToInt(v, m, 32, true, 'f32'))), 4 * i));
      return {
        i32o,
        u32o: Uint32Array.from(X, (v) => Number(cvtFloatToInt(v, 'rn', 32, false, 'f32'))),
        i64o: BigInt64Array.from(X, (v) => cvtFloatToInt(v, 'rn', 64, true, 'f32')),
        u64o: BigUint64Array.from(X, (v) => cvtFloatToInt(v, 'rz', 64, false, 'f32')),
      };
    },
    compare: sameFor(['i32o', 'u32o', 'i64o', 'u64o'], EXACT), tags: ['conversion', 'special-values'],
  };
}

function convertFromF64(): KernelCase {
  const n = 256, rng = new Rng('convert_from_f64');
  const x = Float64Array.from(sprinkle(Array.from({ length: n }, (_, i) => (i % 2 ? rng.f64(-1e4, 1e4) : wideDouble(rng, -160, 140))), [
    ...CONVERSION_SPECIALS, 3.4028235677973366e38, 3.4028234663852886e38, 3.40282357e38, 1e39, -1e39, 1.401298464324817e-45,
    7e-46, 1e-50, -1e-50, 1.1754942e-38, 0.1, -0.1, 1 / 3, 2147483647.5, -2147483648.5, 4294967295.9,
  ]));
  return {
    name: 'convert_from_f64', description: 'f64 to f32 in rn/rz/rd/ru (overflow, subnormal results), to s32 (rn), s64 (rz), u32 (rd); NaN gives the sign bit of the integer type (H100)',
    source: 'conversions.cu', ptxFile: 'ptx/conversions.ptx', entry: 'convert_from_f64', ...launch1d(n, 64), sharedMemBytes: 0,
    args: [inBuf('x', 'f64', x), outBuf('f32o', 'f32', 4 * n), outBuf('i32o', 'i32', n), outBuf('i64o', 'i64', n),
      outBuf('u32o', 'u32', n), scalar('n', 'i32', n)],
    reference: (io) => {
      const X = io.buffer('x', 'f64');
      const f32o = new Float32Array(4 * n);
      X.forEach((v, i) => f32o.set((['rn', 'rz', 'rd', 'ru'] as const).map((m) => toF32(v, m)), 4 * i));
      return {
        f32o,
        i32o: Int32Array.from(X, (v) => Number(cvtFloatToInt(v, 'rn', 32, true, 'f64'))),
        i64o: BigInt64Array.from(X, (v) => cvtFloatToInt(v, 'rz', 64, true, 'f64')),
        u32o: Uint32Array.from(X, (v) => Number(cvtFloatToInt(v, 'rd', 32, false, 'f64'))),
      };
    },
    compare: sameFor(['f32o', 'i32o', 'i64o', 'u32o'], EXACT), tags: ['conversion', 'special-values'],
  };
}

function convertFromInt(): KernelCase {
  const n = 256, rng = new Rng('convert_from_int');
  const xi = sprinkle(i32Array(rng, n, INT_MIN, INT_MAX), [INT_MIN, INT_MAX, 0, -1, 16777217, -16777217, 16777219, 0x7fffffc0, 255, 128, -129, 0x12348000]);
  const xl = sprinkle(i64Array(rng, n), [LL_MIN, LL_MAX, 0n, -1n, (1n << 53n) + 1n, -(1n << 53n) - 1n, (1n << 24n) + 1n, 0xffffff7fffffffffn - (1n << 64n)]);
  return {
    name: 'convert_from_int', description: 's32 and s64 to f32 in every rounding mode, u64 to f32 and f64, s64 to f64 (rz), u32 to f32 (rd), sign/zero extension of 8/16-bit values',
    source: 'conversions.cu', ptxFile: 'ptx/conversions.ptx', entry: 'convert_from_int', ...launch1d(n, 64), sharedMemBytes: 0,
    args: [inBuf('xi', 'i32', xi), inBuf('xl', 'i64', xl), outBuf('f32o', 'f32', 8 * n), outBuf('f64o', 'f64', 2 * n),
      outBuf('ext', 'i32', 4 * n), scalar('n', 'i32', n)],
    reference: (io) => {
      const XI = io.buffer('xi', 'i32'), XL = io.buffer('xl', 'i64');
      const f32o = new Float32Array(8 * n), f64o = new Float64Array(2 * n), ext = new Int32Array(4 * n);
      XI.forEach((v, i) => {
        const w = XL[i] as bigint, vb = BigInt(v);
        f32o.set([intToFloat(vb, F32, 'rn'), intToFloat(vb, F32, 'rz'), intToFloat(vb, F32, 'rd'), intToFloat(vb, F32, 'ru'),
          intToFloat(w, F32, 'rn'), intToFloat(w, F32, 'rz'), intToFloat(u64(w), F32, 'rn'), intToFloat(BigInt(v >>> 0), F32, 'rd')], 8 * i);
        f64o.set([intToFloat(u64(w), F64, 'rn'), intToFloat(w, F64, 'rz')], 2 * i);
        ext.set([(v << 24) >> 24, v & 0xff, (v << 16) >> 16, v & 0xffff], 4 * i);
      });
      return { f32o, f64o, ext };
    },
    compare: sameFor(['f32o', 'f64o', 'ext'], EXACT), tags: ['conversion', 'int', 'int64'],
  };
}

/** Integer and conversion cases. */
export function integerCases(): KernelCase[] {
  return [int64Ops(), int32Edge(), convertFromF32(), convertFromF64(), convertFromInt()];
}
