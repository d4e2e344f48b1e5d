/**
 * Neural-network style kernels: row softmax (accurate, intrinsic and -use_fast_math builds) and
 * layer normalization. The references compute in f64; tolerances follow the documented error of
 * the math functions plus the f32 rounding of the reductions.
 * @module
 */
import type { KernelCase } from '../types.js';
import { inBuf, outBuf, scalar, variant } from '../support/builders.js';
import { Rng, f32Array } from '../support/prng.js';

const ROWS = 24, COLS = 300;

function softmaxReference(x: Float32Array, rows: number, cols: number): Float32Array {
  const y = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * cols, (r + 1) * cols);
    const m = Math.max(...row);
    let sum = 0;
    for (const v of row) sum += Math.exp(v - m);
    row.forEach((v, c) => { y[r * cols + c] = Math.exp(v - m) / sum; });
  }
  return y;
}

function softmaxCase(name: string, entry: string, description: string, tol: number, why: string, tags: KernelCase['tags']): KernelCase {
  const rng = new Rng('softmax');
  return {
    name, description, source: 'softmax.cu', ptxFile: 'ptx/softmax.ptx', entry,
    grid: [ROWS, 1, 1], block: [128, 1, 1], sharedMemBytes: 0,
    args: [inBuf('x', 'f32', f32Array(rng, ROWS * COLS, -6, 6)), outBuf('y', 'f32', ROWS * COLS), scalar('cols', 'i32', COLS)],
    reference: (io) => ({ y: softmaxReference(io.buffer('x', 'f32'), ROWS, COLS) }),
    compare: { y: { kind: 'relative', tol, why } }, tags,
  };
}

// x − max lies in [−12, 0]. Accurate path: the f32 subtraction errs by ≤ 2^-24·12 ≈ 7e-7 absolute,
// i.e. 7e-7 relative after exp; expf is within 2 ulp (2.4e-7); the f32 sum of 300 terms (3 per
// thread, then a 7-level tree) within ~10·2^-24 = 6e-7 relative; the division ½ ulp. Total ≈ 2e-6.
const ACCURATE_TOL = 5e-6;
const ACCURATE_WHY = 'f32 x−max (7e-7) + expf 2 ulp (2.4e-7) + 300-term f32 sum (6e-7) + div.rn: ≈2e-6, 2.5x margin';
// Intrinsics: __expf is within 2 + floor(1.173·|x|) ≤ 16 ulp for |x| ≤ 12 (≈1e-6), the scaling by
// log2(e) adds ≈1e-6, __fdividef 2 ulp; with the sum ≈ 4e-6.
const FAST_TOL = 2e-5;
const FAST_WHY = '__expf ≤ 2+floor(1.173·12) = 16 ulp (1e-6) + log2e scaling (1e-6) + __fdividef 2 ulp + f32 sum: ≈4e-6, 5x margin';

function softmaxCases(): KernelCase[] {
  const accurate = softmaxCase('softmax_rows', 'softmax_rows', 'row softmax, one block per row: fmaxf and sum tree reductions, expf, div.rn', ACCURATE_TOL, ACCURATE_WHY,
    ['f32', 'shared', 'barrier', 'reduction', 'math-approx']);
  const fast = softmaxCase('softmax_rows_fast', 'softmax_rows_fast', 'row softmax with __expf and __fdividef (ex2.approx, div.approx)', FAST_TOL, FAST_WHY,
    ['f32', 'shared', 'barrier', 'reduction', 'math-approx']);
  return [
    accurate,
    fast,
    variant(accurate, 'fastmath', 'ptx/softmax.fastmath.ptx', ['fastmath'], {
      compare: { y: { kind: 'relative', tol: FAST_TOL, why: `-use_fast_math turns expf into ex2.approx.ftz and the division into div.approx: ${FAST_WHY}` } },
    }),
    variant(accurate, 'lineinfo', 'ptx/softmax.lineinfo.ptx', ['lineinfo']),
  ];
}

function layernorm(): KernelCase {
  const rows = 40, cols = 200, eps = 1e-5, rng = new Rng('layernorm_rows');
  return {
    name: 'layernorm_rows', description: 'layer norm, one warp per row: __shfl_xor_sync all-reductions, two-pass variance, rsqrtf, gain and bias',
    source: 'layernorm.cu', ptxFile: 'ptx/layernorm.ptx', entry: 'layernorm_rows',
    grid: [rows / 4, 1, 1], block: [128, 1, 1], sharedMemBytes: 0,
    args: [inBuf('x', 'f32', f32Array(rng, rows * cols, -2, 3)), inBuf('gamma', 'f32', f32Array(rng, cols, 0.5, 1.5)),
      inBuf('beta', 'f32', f32Array(rng, cols, -1, 1)), outBuf('y', 'f32', rows * cols), outBuf('mean', 'f32', rows),
      outBuf('rstd', 'f32', rows), scalar('rows', 'i32', rows), scalar('cols', 'i32', cols), scalar('eps', 'f32', Math.fround(eps))],
    reference: (io) => {
      const x = io.buffer('x', 'f32'), g = io.buffer('gamma', 'f32'), b = io.buffer('beta', 'f32');
      const e = io.num('eps');
      const y = new Float32Array(rows * cols), mean = new Float32Array(rows), rstd = new Float32Array(rows);
      for (let r = 0; r < rows; r++) {
        const row = x.subarray(r * cols, (r + 1) * cols);
        const m = row.reduce((s, v) => s + v, 0) / cols;
        const variance = row.reduce((s, v) => s + (v - m) ** 2, 0) / cols;
        const rs = 1 / Math.sqrt(variance + e);
        row.forEach((v, c) => { y[r * cols + c] = (v - m) * rs * (g[c] as number) + (b[c] as number); });
        mean[r] = m;
        rstd[r] = rs;
      }
      return { y, mean, rstd };
    },
    compare: {
      // |y| ≲ 4. Row sums of 200 values ≤ 3 in f32 err by ≲ 4e-5 absolute (mean: 2e-7); rsqrtf is
      // within 2 ulp; (x − mean)·rstd·gamma + beta adds a few f32 roundings of O(4): ≲ 3e-6.
      y: { kind: 'absolute', tol: 2e-5, why: 'O(4) outputs; mean error ≲2e-7, rsqrtf 2 ulp, ~4 f32 roundings of O(4) values: ≲3e-6, ~6x margin' },
      mean: { kind: 'absolute', tol: 1e-6, why: 'f32 sum of 200 values ≤ 3 (7 sequential adds, 5 butterfly levels): ≲4e-5 absolute, /200' },
      rstd: { kind: 'relative', tol: 5e-6, why: 'rsqrtf 2 ulp (2.4e-7) + variance from f32 sums (≲1e-6 relative)' },
    },
    tags: ['f32', 'warp-shuffle', 'math-approx'],
  };
}

/** Softmax and layer-norm cases. */
export function nnCases(): KernelCase[] {
  return [...softmaxCases(), layernorm()];
}
