/**
 * The demo's kernels (kernels/*.cu at the repository root), run like every other case.
 * @module
 */
import type { KernelCase } from '../types.js';
import { EXACT, inBuf, inoutBuf, launch1d, outBuf, scalar } from '../support/builders.js';
import { fma32 } from '../support/float.js';
import { Rng, f32Array } from '../support/prng.js';
import { MANDEL, mandelbrotScalars } from './control.js';

const DEMO = '../../kernels';

function saxpy(): KernelCase {
  const n = 50_000, rng = new Rng('demo_saxpy');
  return {
    name: 'demo_saxpy', description: 'the demo saxpy: y = a*x + y (fma.rn.f32)',
    source: `${DEMO}/saxpy.cu`, ptxFile: `${DEMO}/saxpy.ptx`, entry: 'saxpy', ...launch1d(n, 256), sharedMemBytes: 0,
    args: [scalar('n', 'i32', n), scalar('a', 'f32', 2), inBuf('x', 'f32', f32Array(rng, n, -1, 1)), inoutBuf('y', 'f32', f32Array(rng, n, -1, 1))],
    reference: (io) => {
      const a = io.num('a'), x = io.buffer('x', 'f32');
      return { y: io.buffer('y', 'f32').map((y, i) => fma32(a, x[i] as number, y)) };
    },
    compare: { y: EXACT }, tags: ['demo', 'f32'],
  };
}

function reduceSum(): KernelCase {
  const n = 100_000, rng = new Rng('demo_reduce_sum'), blocks = Math.ceil(n / 512);
  return {
    name: 'demo_reduce_sum', description: 'the demo block reduction: pairs, __shfl_down_sync warp sums, warp totals in shared memory',
    source: `${DEMO}/reduce_sum.cu`, ptxFile: `${DEMO}/reduce_sum.ptx`, entry: 'reduce_sum', grid: [blocks, 1, 1], block: [256, 1, 1], sharedMemBytes: 0,
    args: [inBuf('in', 'f32', f32Array(rng, n, 0, 1)), outBuf('partial', 'f32', blocks), scalar('n', 'u32', n)],
    reference: (io) => {
      const x = io.buffer('in', 'f32');
      return { partial: Float32Array.from({ length: blocks }, (_, b) => x.subarray(512 * b, 512 * (b + 1)).reduce((s, v) => s + v, 0)) };
    },
    compare: {
      // The reference sums each block's 512 values (in [0, 1)) sequentially in f64; the kernel sums in
      // f32 along a 9-level tree (pairs, 5 shuffle levels, 3 more over 8 warps): each level rounds
      // once, 9·2^-24 ≈ 5.4e-7 relative for positive terms, plus the final rounding to f32.
      partial: { kind: 'relative', tol: 1e-6, why: 'f32 tree of 9 levels over positive terms vs an f64 sequential sum: ≤ 9·2^-24 + 2^-24 ≈ 6e-7' },
    },
    tags: ['demo', 'f32', 'warp-shuffle', 'shared', 'reduction'],
  };
}

function mandelbrot(): KernelCase {
  const { width, height } = MANDEL;
  return {
    name: 'demo_mandelbrot', description: 'the demo Mandelbrot: explicit fmaf, so every device computes the same iteration counts',
    source: `${DEMO}/mandelbrot.cu`, ptxFile: `${DEMO}/mandelbrot.ptx`, entry: 'mandelbrot',
    grid: [Math.ceil(width / 16), Math.ceil(height / 16), 1], block: [16, 16, 1], sharedMemBytes: 0,
    args: [outBuf('iters', 'u32', width * height), ...mandelbrotScalars()],
    reference: (io) => {
      const maxIter = io.num('max_iter'), iters = new Uint32Array(width * height);
      for (let py = 0; py < height; py++) {
        for (let px = 0; px < width; px++) {
          const cx = fma32(px, io.num('dx'), io.num('x0')), cy = fma32(py, io.num('dy'), io.num('y0'));
          let x = 0, y = 0, it = 0;
          while (it < maxIter && fma32(x, x, Math.fround(y * y)) <= 4) {
            const xn = fma32(x, x, fma32(-y, y, cx));
            y = fma32(Math.fround(x + x), y, cy);
            x = xn;
            it++;
          }
          iters[py * width + px] = it;
        }
      }
      return { iters };
    },
    compare: { iters: EXACT }, tags: ['demo', 'f32', 'divergence'],
  };
}

/** The demo's kernels. */
export function demoCases(): KernelCase[] {
  return [saxpy(), reduceSum(), mandelbrot()];
}
