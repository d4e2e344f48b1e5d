/**
 * Half precision (cuda_fp16.h) and bfloat16 (cuda_bf16.h): conversions in both rounding modes and
 * packed-pair arithmetic. Each operation rounds once, and the references round the exact result
 * once ({@link fmaRound}): comparisons are exact.
 * @module
 */
import type { KernelCase } from '../types.js';
import { EXACT, inBuf, launch1d, outBuf, sameFor, scalar } from '../support/builders.js';
import type { RoundingMode } from '../support/float.js';
import { BF16, F16, bf16FromNumber, bf16ToNumber, f16FromNumber, f16ToNumber, fmaRound } from '../support/float.js';
import { Rng, sprinkle, wideDouble } from '../support/prng.js';

/** One 16-bit format's encoder and decoder. */
interface HalfFormat {
  readonly name: 'f16' | 'bf16';
  readonly encode: (x: number, mode?: RoundingMode) => number;
  readonly decode: (bits: number) => number;
  /** Largest finite value. */
  readonly max: number;
}

const HALF: HalfFormat = { name: 'f16', encode: f16FromNumber, decode: f16ToNumber, max: 65504 };
const BFLOAT: HalfFormat = { name: 'bf16', encode: bf16FromNumber, decode: bf16ToNumber, max: 3.3895313892515355e38 };

/** Conversion inputs: ties and overflow boundaries of the format, subnormals, specials, and a wide spread. */
function conversionInputs(fmt: HalfFormat, rng: Rng, n: number): { x: Float32Array; d: Float64Array } {
  const specials = fmt.name === 'f16'
    ? [0, -0, NaN, Infinity, -Infinity, 65504, 65519, 65520, 65536, -65520, 5.960464477539063e-8, 2.9802322387695312e-8,
      2.98023224e-8, 1e-8, 6.103515625e-5, 1.00048828125, 1.000732421875, 1.0009765625, 2049, 2051, -3.14159]
    : [0, -0, NaN, Infinity, -Infinity, 3.3895313892515355e38, 3.4028234663852886e38, 1e-40, 9.183549615799121e-41,
      1.00390625, 1.005859375, 1.0078125, 257, 259, -3.14159, 1e30];
  const x = Float32Array.from(sprinkle(Array.from({ length: n }, () => wideDouble(rng, fmt.name === 'f16' ? -26 : -134, fmt.name === 'f16' ? 16 : 127)), specials));
  const d = Float64Array.from(sprinkle(Array.from({ length: n }, () => wideDouble(rng, fmt.name === 'f16' ? -26 : -134, fmt.name === 'f16' ? 16 : 127)),
    [...specials, 1 + 2 ** -11 + 2 ** -40, 1 + 2 ** -8 + 2 ** -40]));
  return { x, d };
}

function convertCase(fmt: HalfFormat, entry: string, outNames: [string, string, string, string]): KernelCase {
  const n = 300, rng = new Rng(entry);
  const { x, d } = conversionInputs(fmt, rng, n);
  const [rn, rz, back, fromD] = outNames;
  return {
    name: entry, description: `f32 to ${fmt.name} (rn and rz), ${fmt.name} back to f32, f64 to ${fmt.name} (rn) over ties, overflow, subnormals and NaN`,
    source: `${fmt.name === 'f16' ? 'fp16' : 'bf16'}.cu`, ptxFile: `ptx/${fmt.name === 'f16' ? 'fp16' : 'bf16'}.ptx`, entry,
    ...launch1d(n, 128), sharedMemBytes: 0,
    args: [inBuf('x', 'f32', x), inBuf('d', 'f64', d), outBuf(rn, fmt.name, n), outBuf(rz, fmt.name, n), outBuf(back, 'f32', n),
      outBuf(fromD, fmt.name, n), scalar('n', 'i32', n)],
    reference: (io) => {
      const X = io.buffer('x', 'f32'), D = io.buffer('d', 'f64');
      const hrn = Uint16Array.from(X, (v) => fmt.encode(v, 'rn'));
      return {
        [rn]: hrn,
        [rz]: Uint16Array.from(X, (v) => fmt.encode(v, 'rz')),
        [back]: Float32Array.from(hrn, fmt.decode),
        [fromD]: Uint16Array.from(D, (v) => fmt.encode(v, 'rn')),
      };
    },
    compare: sameFor(outNames, EXACT), tags: [fmt.name, 'conversion', 'special-values'],
  };
}

/**
 * Operands for pair arithmetic, as bit patterns: magnitudes in [2^-6, 2^7) for f16 and [2^-8, 2^8)
 * for bf16 (so that sums and products mostly stay in range and cancel now and then), plus the
 * given specials.
 */
function pairOperands(fmt: HalfFormat, rng: Rng, n: number, specials: readonly number[]): Uint16Array {
  const [lo, hi] = fmt.name === 'f16' ? [-6, 6] : [-8, 7];
  const values = sprinkle(Array.from({ length: 2 * n }, () => wideDouble(rng, lo, hi)), specials);
  return Uint16Array.from(values, (v) => fmt.encode(v));
}

/** Operand pairs (a, b) never hold zeros of opposite signs, where min/max may return either. */
function avoidZeroPairs(fmt: HalfFormat, a: Uint16Array, b: Uint16Array): void {
  b.forEach((bits, i) => { if (fmt.decode(bits) === 0 && fmt.decode(a[i] as number) === 0) b[i] = a[i] as number; });
}

const minNum = (a: number, b: number): number => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.min(a, b));
const maxNum = (a: number, b: number): number => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b));

function pairInputs(fmt: HalfFormat, n: number): { a: Uint16Array; b: Uint16Array; c: Uint16Array } {
  const rng = new Rng(`${fmt.name}_pairs`);
  const a = pairOperands(fmt, rng, n, [0, -0, Infinity, -Infinity, NaN, fmt.max, -fmt.max, 1, -1]);
  const b = pairOperands(fmt, rng, n, [5, 3, -Infinity, Infinity, 2, fmt.max, fmt.max, 0, -0, NaN]);
  const c = pairOperands(fmt, rng, n, [-0, 0, 1, Infinity, NaN, -fmt.max]);
  avoidZeroPairs(fmt, a, b);
  return { a, b, c };
}

function half2Arith(): KernelCase {
  const n = 256, { a, b, c } = pairInputs(HALF, n);
  return {
    name: 'half2_arith', description: '__half2 add, mul, fma, neg, abs, min, max (f16x2 instructions), __hgt2 mask, halves of a product as floats',
    source: 'fp16.cu', ptxFile: 'ptx/fp16.ptx', entry: 'half2_arith', ...launch1d(n, 128), sharedMemBytes: 0,
    args: [inBuf('a', 'f16', a), inBuf('b', 'f16', b), inBuf('c', 'f16', c), outBuf('out', 'f16', 14 * n),
      outBuf('cmp', 'f16', 2 * n), outBuf('lohi', 'f32', 2 * n), scalar('n', 'i32', n)],
    reference: (io) => {
      const A = io.buffer('a', 'f16'), B = io.buffer('b', 'f16'), C = io.buffer('c', 'f16');
      const out = new Uint16Array(14 * n), cmp = new Uint16Array(2 * n), lohi = new Float32Array(2 * n);
      const enc = (v: number): number => f16FromNumber(v);
      for (let i = 0; i < n; i++) {
        for (let h = 0; h < 2; h++) {
          const k = 2 * i + h, ab = A[k] as number;
          const x = f16ToNumber(ab), y = f16ToNumber(B[k] as number), z = f16ToNumber(C[k] as number);
          const prod = enc(fmaRound(x, y, -0, F16));
          [enc(fmaRound(x, 1, y, F16)), prod, enc(fmaRound(x, y, z, F16)), ab ^ 0x8000, ab & 0x7fff, enc(minNum(x, y)), enc(maxNum(x, y))]
            .forEach((bits, op) => { out[14 * i + 2 * op + h] = bits; });
          cmp[k] = x > y ? 0x3c00 : 0;
          lohi[k] = f16ToNumber(prod);
        }
      }
      return { out, cmp, lohi };
    },
    compare: sameFor(['out', 'cmp', 'lohi'], EXACT), tags: ['f16', 'inline-asm', 'special-values'],
  };
}

function half2AtomicAdd(): KernelCase {
  const n = 600, rng = new Rng('half2_atomic_add');
  const v = Uint16Array.from({ length: 2 * n }, () => f16FromNumber(rng.int(-3, 3)));
  return {
    name: 'half2_atomic_add', description: 'atomicAdd on __half2 (atom.add.noftz.f16x2) of small integers: every partial sum is exact',
    source: 'fp16.cu', ptxFile: 'ptx/fp16.ptx', entry: 'half2_atomic_add', ...launch1d(n, 128), sharedMemBytes: 0,
    args: [inBuf('v', 'f16', v), outBuf('acc', 'f16', 2), scalar('n', 'i32', n)],
    reference: (io) => {
      const V = io.buffer('v', 'f16');
      const sums = [0, 0];
      V.forEach((bits, k) => { sums[k & 1] = (sums[k & 1] as number) + f16ToNumber(bits); });
      return { acc: Uint16Array.from(sums, (s) => f16FromNumber(s)) };
    },
    compare: { acc: EXACT }, tags: ['f16', 'atomics'],
  };
}

function bf16x2Arith(): KernelCase {
  const n = 256, { a, b, c } = pairInputs(BFLOAT, n);
  return {
    name: 'bf16x2_arith', description: '__nv_bfloat162 add, mul, fma, min, max (native bf16x2 instructions on sm_90)',
    source: 'bf16.cu', ptxFile: 'ptx/bf16.ptx', entry: 'bf16x2_arith', ...launch1d(n, 128), sharedMemBytes: 0,
    args: [inBuf('a', 'bf16', a), inBuf('b', 'bf16', b), inBuf('c', 'bf16', c), outBuf('out', 'bf16', 10 * n), scalar('n', 'i32', n)],
    reference: (io) => {
      const A = io.buffer('a', 'bf16'), B = io.buffer('b', 'bf16'), C = io.buffer('c', 'bf16');
      const out = new Uint16Array(10 * n);
      const enc = (v: number): number => bf16FromNumber(v);
      for (let i = 0; i < n; i++) {
        for (let h = 0; h < 2; h++) {
          const k = 2 * i + h;
          const x = bf16ToNumber(A[k] as number), y = bf16ToNumber(B[k] as number), z = bf16ToNumber(C[k] as number);
          [enc(fmaRound(x, 1, y, BF16)), enc(fmaRound(x, y, -0, BF16)), enc(fmaRound(x, y, z, BF16)), enc(minNum(x, y)), enc(maxNum(x, y))]
            .forEach((bits, op) => { out[10 * i + 2 * op + h] = bits; });
        }
      }
      return { out };
    },
    compare: { out: EXACT }, tags: ['bf16', 'inline-asm', 'special-values'],
  };
}

/** f16 and bf16 cases. */
export function halfPrecisionCases(): KernelCase[] {
  return [
    convertCase(HALF, 'half_convert', ['h_rn', 'h_rz', 'back', 'h_d']),
    half2Arith(),
    half2AtomicAdd(),
    convertCase(BFLOAT, 'bf16_convert', ['b_rn', 'b_rz', 'back', 'b_d']),
    bf16x2Arith(),
  ];
}
