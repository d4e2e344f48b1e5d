/**
 * Dense linear algebra and data movement: tiled f32 matmul (fma order reproduced exactly, zero
 * padding included), naive f64 matmul, padded-tile transpose, and a shared-memory bitonic sort.
 * @module
 */
import type { KernelCase } from '../types.js';
import { EXACT, inBuf, outBuf, scalar, withAltImages } from '../support/builders.js';
import { fma32, fma64 } from '../support/float.js';
import { Rng, f32Array, f64Array, i32Array, multiplesOf } from '../support/prng.js';

const MATMUL_IMAGES = [{ file: 'bin/matmul.sm_90.cubin', format: 'cubin' }] as const;

function matmulTiled(): KernelCase {
  const M = 72, N = 56, K = 40, TILE = 16, rng = new Rng('matmul_tiled_f32');
  return withAltImages({
    name: 'matmul_tiled_f32', description: '16x16 shared-memory tiled SGEMM, 72x56x40 (partial edge tiles zero-padded)',
    source: 'matmul.cu', ptxFile: 'ptx/matmul.ptx', entry: 'matmul_tiled_f32',
    grid: [Math.ceil(N / TILE), Math.ceil(M / TILE), 1], block: [TILE, TILE, 1], sharedMemBytes: 0,
    args: [inBuf('A', 'f32', f32Array(rng, M * K, -1, 1)), inBuf('B', 'f32', f32Array(rng, K * N, -1, 1)),
      outBuf('C', 'f32', M * N), scalar('M', 'i32', M), scalar('N', 'i32', N), scalar('K', 'i32', K)],
    reference: (io) => {
      const A = io.buffer('A', 'f32'), B = io.buffer('B', 'f32'), C = new Float32Array(M * N);
      const kPadded = Math.ceil(K / TILE) * TILE;
      for (let r = 0; r < M; r++) {
        for (let c = 0; c < N; c++) {
          let acc = 0;
          for (let k = 0; k < kPadded; k++) acc = k < K ? fma32(A[r * K + k] as number, B[k * N + c] as number, acc) : fma32(0, 0, acc);
          C[r * N + c] = acc;
        }
      }
      return { C };
    },
    compare: { C: EXACT }, tags: ['f32', 'shared', 'barrier', 'matmul'],
  }, MATMUL_IMAGES);
}

function matmulNaive(): KernelCase {
  const M = 40, N = 33, K = 50, rng = new Rng('matmul_naive_f64');
  return withAltImages({
    name: 'matmul_naive_f64', description: 'naive DGEMM, one thread per output, 2-D grid of 16x16 blocks, 40x33x50',
    source: 'matmul.cu', ptxFile: 'ptx/matmul.ptx', entry: 'matmul_naive_f64',
    grid: [Math.ceil(N / 16), Math.ceil(M / 16), 1], block: [16, 16, 1], sharedMemBytes: 0,
    args: [inBuf('A', 'f64', f64Array(rng, M * K, -1, 1)), inBuf('B', 'f64', f64Array(rng, K * N, -1, 1)),
      outBuf('C', 'f64', M * N), scalar('M', 'i32', M), scalar('N', 'i32', N), scalar('K', 'i32', K)],
    reference: (io) => {
      const A = io.buffer('A', 'f64'), B = io.buffer('B', 'f64'), C = new Float64Array(M * N);
      for (let r = 0; r < M; r++) {
        for (let c = 0; c < N; c++) {
          let acc = 0;
          for (let k = 0; k < K; k++) acc = fma64(A[r * K + k] as number, B[k * N + c] as number, acc);
          C[r * N + c] = acc;
        }
      }
      return { C };
    },
    compare: { C: EXACT }, tags: ['f64', 'matmul'],
  }, MATMUL_IMAGES);
}

function transpose(): KernelCase {
  const rows = 100, cols = 75, rng = new Rng('transpose_tiled_f32');
  return {
    name: 'transpose_tiled_f32', description: 'transpose through a 32x33 padded shared tile, 32x8 threads, 100x75 matrix',
    source: 'transpose.cu', ptxFile: 'ptx/transpose.ptx', entry: 'transpose_tiled_f32',
    grid: [Math.ceil(cols / 32), Math.ceil(rows / 32), 1], block: [32, 8, 1], sharedMemBytes: 0,
    args: [inBuf('in', 'f32', f32Array(rng, rows * cols, -1e4, 1e4)), outBuf('out', 'f32', rows * cols),
      scalar('rows', 'i32', rows), scalar('cols', 'i32', cols)],
    reference: (io) => {
      const a = io.buffer('in', 'f32'), out = new Float32Array(rows * cols);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c] as number;
      return { out };
    },
    compare: { out: EXACT }, tags: ['f32', 'shared', 'barrier'],
  };
}

/** The bitonic network of bitonic_sort.cu over one padded 1024-element segment, in place. */
function bitonicSegment(k: number[], v: number[]): void {
  const SEG = k.length;
  for (let size = 2; size <= SEG; size <<= 1) {
    for (let stride = size >> 1; stride > 0; stride >>= 1) {
      for (let t = 0; t < SEG / 2; t++) {
        const lo = 2 * t - (t & (stride - 1)), hi = lo + stride;
        const ascending = (lo & size) === 0;
        if (((k[lo] as number) > (k[hi] as number)) === ascending) {
          [k[lo], k[hi]] = [k[hi] as number, k[lo] as number];
          [v[lo], v[hi]] = [v[hi] as number, v[lo] as number];
        }
      }
    }
  }
}

function bitonicSort(): KernelCase {
  const n = 2_500, SEG = 1024, rng = new Rng('bitonic_sort_kv');
  // Keys on a coarse grid so that many are equal: the order of equal keys' values is fixed by the network.
  const keys = Float32Array.from(multiplesOf(rng, n, 0.125, -50, 50));
  return {
    name: 'bitonic_sort_kv', description: 'bitonic sort of (f32 key, int value) pairs, 1024 per block in shared memory, 512 threads, padded last segment',
    source: 'bitonic_sort.cu', ptxFile: 'ptx/bitonic_sort.ptx', entry: 'bitonic_sort_kv',
    grid: [Math.ceil(n / SEG), 1, 1], block: [512, 1, 1], sharedMemBytes: 0,
    args: [inBuf('keys_in', 'f32', keys), inBuf('vals_in', 'i32', i32Array(rng, n, 0, 1_000_000)),
      outBuf('keys_out', 'f32', n), outBuf('vals_out', 'i32', n), scalar('n', 'i32', n)],
    reference: (io) => {
      const ki = io.buffer('keys_in', 'f32'), vi = io.buffer('vals_in', 'i32');
      const ko = new Float32Array(n), vo = new Int32Array(n);
      for (let base = 0; base < n; base += SEG) {
        const k = Array.from({ length: SEG }, (_, t) => (base + t < n ? (ki[base + t] as number) : Infinity));
        const v = Array.from({ length: SEG }, (_, t) => (base + t < n ? (vi[base + t] as number) : -1));
        bitonicSegment(k, v);
        for (let t = 0; t < SEG && base + t < n; t++) { ko[base + t] = k[t] as number; vo[base + t] = v[t] as number; }
      }
      return { keys_out: ko, vals_out: vo };
    },
    compare: { keys_out: EXACT, vals_out: EXACT }, tags: ['f32', 'shared', 'barrier', 'sort'],
  };
}

/** Linear algebra, transpose and sort cases. */
export function linalgCases(): KernelCase[] {
  return [matmulTiled(), matmulNaive(), transpose(), bitonicSort()];
}
