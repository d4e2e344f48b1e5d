/**
 * Control flow and execution shape: data-dependent loops, escape-time iteration, a switch-based
 * interpreter, real calls (including recursion), 3-D grids with special registers, and printf.
 * @module
 */
import type { KernelCase } from '../types.js';
import { EXACT, inBuf, launch1d, outBuf, scalar } from '../support/builders.js';
import { Rng, i32Array, u32Array } from '../support/prng.js';

function collatz(): KernelCase {
  const n = 1_000, rng = new Rng('collatz_steps');
  return {
    name: 'collatz_steps', description: 'data-dependent while loop (Collatz steps, 64-bit intermediates): heavy divergence within warps',
    source: 'divergent.cu', ptxFile: 'ptx/divergent.ptx', entry: 'collatz_steps', ...launch1d(n, 128), sharedMemBytes: 0,
    args: [inBuf('start', 'u32', u32Array(rng, n, 1, 100_000)), outBuf('steps', 'u32', n), scalar('n', 'i32', n)],
    reference: (io) => ({
      steps: io.buffer('start', 'u32').map((s) => {
        let v = s, c = 0;
        while (v !== 1) { v = v % 2 ? 3 * v + 1 : v / 2; c++; }
        return c;
      }),
    }),
    compare: { steps: EXACT }, tags: ['int', 'int64', 'divergence'],
  };
}

/** Mandelbrot view shared by the exact test kernel and the demo kernel. */
export const MANDEL = { width: 64, height: 48, x0: Math.fround(-2.2), y0: Math.fround(-1.2), dx: Math.fround(3.2 / 64), dy: Math.fround(2.4 / 48), maxIter: 100 };

/** Mandelbrot scalar arguments in kernel order (after the output pointer). */
export function mandelbrotScalars(): KernelCase['args'] {
  return [scalar('width', 'i32', MANDEL.width), scalar('height', 'i32', MANDEL.height), scalar('x0', 'f32', MANDEL.x0),
    scalar('y0', 'f32', MANDEL.y0), scalar('dx', 'f32', MANDEL.dx), scalar('dy', 'f32', MANDEL.dy), scalar('max_iter', 'i32', MANDEL.maxIter)];
}

function mandelbrotExact(): KernelCase {
  const { width, height } = MANDEL;
  return {
    name: 'mandelbrot_exact', description: 'escape-time loop with early break, 2-D grid; __fmul_rn/__fadd_rn so no multiply-add is contracted',
    source: 'divergent.cu', ptxFile: 'ptx/divergent.ptx', entry: 'mandelbrot_exact',
    grid: [Math.ceil(width / 16), Math.ceil(height / 8), 1], block: [16, 8, 1], sharedMemBytes: 0,
    args: [outBuf('iters', 'u32', width * height), ...mandelbrotScalars()],
    reference: (io) => {
      const f = Math.fround, maxIter = io.num('max_iter');
      const iters = new Uint32Array(width * height);
      for (let py = 0; py < height; py++) {
        for (let px = 0; px < width; px++) {
          const cx = f(io.num('x0') + f(px * io.num('dx'))), cy = f(io.num('y0') + f(py * io.num('dy')));
          let x = 0, y = 0, it = 0;
          while (it < maxIter) {
            const xx = f(x * x), yy = f(y * y);
            if (f(xx + yy) > 4) break;
            const xy = f(x * y);
            x = f(f(xx - yy) + cx);
            y = f(f(xy + xy) + cy);
            it++;
          }
          iters[py * width + px] = it;
        }
      }
      return { iters };
    },
    compare: { iters: EXACT }, tags: ['f32', 'divergence'],
  };
}

function switchInterpreter(): KernelCase {
  const n = 500, len = 24, rng = new Rng('switch_interpreter');
  const program = Int32Array.from({ length: len }, () => (rng.int(0, 50) << 3) | rng.int(0, 7));
  return {
    name: 'switch_interpreter', description: 'per-thread bytecode interpreter: dense switch, continue, early exit, inner loops of thread-dependent length',
    source: 'divergent.cu', ptxFile: 'ptx/divergent.ptx', entry: 'switch_interpreter', ...launch1d(n, 128), sharedMemBytes: 0,
    args: [inBuf('program', 'i32', program), scalar('program_len', 'i32', len), inBuf('seed', 'i32', i32Array(rng, n, -100_000, 100_000)),
      outBuf('out', 'i32', 2 * n), scalar('n', 'i32', n)],
    reference: (io) => {
      const prog = io.buffer('program', 'i32'), seed = io.buffer('seed', 'i32'), plen = io.num('program_len');
      const out = new Int32Array(2 * n);
      for (let i = 0; i < n; i++) {
        let acc = (seed[i] as number) >>> 0, executed = 0;
        for (let pc = 0; pc < plen; ++pc) {
          const op = (prog[pc] as number) & 7, arg = ((prog[pc] as number) >> 3) >>> 0;
          if (op === 7 && acc & 1) continue;
          switch (op) {
            case 0: acc = (acc + arg) >>> 0; break;
            case 1: acc = (acc - Math.imul(arg, i & 3)) >>> 0; break;
            case 2: acc = (acc ^ (arg << (i & 7))) >>> 0; break;
            case 3: acc = (Math.imul(acc, 3) + 1) >>> 0; break;
            case 4: acc = (acc > arg ? acc - arg : arg - acc) >>> 0; break;
            case 5: for (let k = 0; k < (i & 7); ++k) acc = (acc + Math.imul(k, arg)) >>> 0; break;
            case 6: if ((acc | 0) < 0) pc = plen; break;
            default: acc = ~acc >>> 0; break;
          }
          ++executed;
        }
        out[2 * i] = acc | 0;
        out[2 * i + 1] = executed;
      }
      return { out };
    },
    compare: { out: EXACT }, tags: ['int', 'divergence'],
  };
}

function callFunctions(): KernelCase {
  const n = 800, rng = new Rng('call_functions');
  const b = Int32Array.from({ length: n }, () => rng.int(-500, 500) || 7);
  const fib = (k: number): number => (k < 2 ? k : fib(k - 1) + fib(k - 2));
  return {
    name: 'call_functions', description: '__noinline__ device functions: gcd loop, a struct return value, a pointer parameter, recursive fib (call stack)',
    source: 'calls.cu', ptxFile: 'ptx/calls.ptx', entry: 'call_functions', ...launch1d(n, 128), sharedMemBytes: 0,
    args: [inBuf('a', 'i32', i32Array(rng, n, -10_000, 10_000)), inBuf('b', 'i32', b), inBuf('k', 'u32', u32Array(rng, n, 0, 40)),
      outBuf('out', 'i32', 4 * n), scalar('n', 'i32', n)],
    reference: (io) => {
      const A = io.buffer('a', 'i32'), B = io.buffer('b', 'i32'), K = io.buffer('k', 'u32');
      const out = new Int32Array(4 * n);
      A.forEach((x, i) => {
        const y = B[i] as number;
        let g = x, h = y;
        while (h !== 0) { const t = g % h; g = h; h = t; }
        let q = Math.trunc(x / y), r = x % y;
        if (r !== 0 && r < 0 !== y < 0) { q -= 1; r += y; }
        out.set([Math.abs(g), q, r, fib((K[i] as number) % 12)], 4 * i);
      });
      return { out };
    },
    compare: { out: EXACT }, tags: ['int', 'call', 'recursion', 'local-memory'],
  };
}

function threadIds3d(): KernelCase {
  const nx = 13, ny = 10, nz = 3, block = [8, 4, 2] as const, OUTS = 6;
  const grid = [Math.ceil(nx / block[0]), Math.ceil(ny / block[1]), Math.ceil(nz / block[2])] as const;
  return {
    name: 'thread_ids_3d', description: '3-D grid (2,3,2) of 3-D blocks (8,4,2) over a 13x10x3 volume: %ctaid/%tid/%nctaid/%ntid in x, y, z and %laneid',
    source: 'grid3d.cu', ptxFile: 'ptx/grid3d.ptx', entry: 'thread_ids_3d', grid, block, sharedMemBytes: 0,
    args: [outBuf('out', 'u32', OUTS * nx * ny * nz), scalar('nx', 'i32', nx), scalar('ny', 'i32', ny), scalar('nz', 'i32', nz)],
    reference: () => {
      const out = new Uint32Array(OUTS * nx * ny * nz);
      const pack = (z: number, y: number, x: number): number => ((z << 16) | (y << 8) | x) >>> 0;
      for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
        const [bx, by, bz] = [Math.floor(x / block[0]), Math.floor(y / block[1]), Math.floor(z / block[2])];
        const [tx, ty, tz] = [x % block[0], y % block[1], z % block[2]];
        const linear = (tz * block[1] + ty) * block[0] + tx;
        out.set([pack(bz, by, bx), pack(tz, ty, tx), pack(grid[2], grid[1], grid[0]), pack(block[2], block[1], block[0]), linear % 32, linear],
          OUTS * ((z * ny + y) * nx + x));
      }
      return { out };
    },
    compare: { out: EXACT }, tags: ['int', 'grid-3d', 'special-registers', 'inline-asm'],
  };
}

function printfBasic(): KernelCase {
  const threads = 4;
  const f = 1.25;
  return {
    name: 'printf_basic', description: 'device printf (vprintf with a local argument buffer): %d %u %x %X %lld %c %s %f %e %g %%, widths and precision',
    source: 'printf.cu', ptxFile: 'ptx/printf.ptx', entry: 'printf_basic', grid: [1, 1, 1], block: [threads, 1, 1], sharedMemBytes: 0,
    args: [scalar('tag', 'i32', 7), scalar('f', 'f32', f), scalar('d', 'f64', 1234.5678), scalar('big', 'i64', -9007199254740993n)],
    reference: () => ({}),
    compare: {},
    printfExpected: [
      ...Array.from({ length: threads }, (_, t) => `thread ${t} of ${threads}: tag=7 value=${(f * (t + 1)).toFixed(3)}`),
      'd=1234.567800 e=1.234568e+03 g=1234.57',
      'big=-9007199254740993 hex=beef HEX=0000BEEF unsigned=4000000000',
      'char=Z str=cudajs pct=% padded=[   42] left=[42   ]',
    ],
    tags: ['printf', 'local-memory', 'call'],
  };
}

/** Control-flow, call, special-register and printf cases. */
export function controlCases(): KernelCase[] {
  return [collatz(), mandelbrotExact(), switchInterpreter(), callFunctions(), threadIds3d(), printfBasic()];
}

