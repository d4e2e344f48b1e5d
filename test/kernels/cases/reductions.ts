/**
 * Reductions and scans: shared-memory trees, warp shuffles, the threadfence single-pass reduction,
 * and block-level prefix sums. Where the kernel fixes the order of the additions, the reference
 * follows the same order and the comparison is exact.
 * @module
 */
import type { KernelCase } from '../types.js';
import { EXACT, inBuf, launch1d, launchBlocks, outBuf, scalar, withAltImages } from '../support/builders.js';
import { Rng, f32Array, f64Array, i32Array, u32Array } from '../support/prng.js';
import {
  addF32, addF64, chunks, padTo, shflDown, shflIdx, shflUp, shflXor, treeReduce, warpSumDown,
} from '../support/sim.js';

/** Per-block results of reduce_tree<T, BLOCK>: each thread first adds in[i] and in[i + BLOCK]. */
function reduceTreeReference(input: ArrayLike<number>, block: number, add: (a: number, b: number) => number): number[] {
  const n = input.length, blocks = Math.ceil(n / (2 * block));
  return Array.from({ length: blocks }, (_, b) => {
    const s = Array.from({ length: block }, (_, t) => {
      const i = b * 2 * block + t;
      let v = i < n ? (input[i] as number) : 0;
      if (i + block < n) v = add(v, input[i + block] as number);
      return v;
    });
    return treeReduce(s, add);
  });
}

function reduceTree(): KernelCase[] {
  const rng = new Rng('reduce_tree');
  const nf = 5_000, nd = 3_000;
  const images = [{ file: 'bin/reduce_shared.fatbin', format: 'fatbin' }] as const;
  return [
    withAltImages({
      name: 'reduce_tree<float,256>', description: 'shared-memory tree reduction (template with a non-type parameter), per-block partial sums in f32',
      source: 'reduce_shared.cu', ptxFile: 'ptx/reduce_shared.ptx', entry: '_Z11reduce_treeIfLj256EEvPKT_PS0_j',
      grid: [Math.ceil(nf / 512), 1, 1], block: [256, 1, 1], sharedMemBytes: 0,
      args: [inBuf('in', 'f32', f32Array(rng, nf, -1, 1)), outBuf('partial', 'f32', Math.ceil(nf / 512)), scalar('n', 'u32', nf)],
      reference: (io) => ({ partial: Float32Array.from(reduceTreeReference(io.buffer('in', 'f32'), 256, addF32)) }),
      compare: { partial: EXACT }, tags: ['f32', 'shared', 'barrier', 'reduction', 'template', 'mangled'],
    }, images),
    withAltImages({
      name: 'reduce_tree<double,128>', description: 'the same tree reduction in f64 with 128-thread blocks',
      source: 'reduce_shared.cu', ptxFile: 'ptx/reduce_shared.ptx', entry: '_Z11reduce_treeIdLj128EEvPKT_PS0_j',
      grid: [Math.ceil(nd / 256), 1, 1], block: [128, 1, 1], sharedMemBytes: 0,
      args: [inBuf('in', 'f64', f64Array(rng, nd, -1, 1)), outBuf('partial', 'f64', Math.ceil(nd / 256)), scalar('n', 'u32', nd)],
      reference: (io) => ({ partial: Float64Array.from(reduceTreeReference(io.buffer('in', 'f64'), 128, addF64)) }),
      compare: { partial: EXACT }, tags: ['f64', 'shared', 'barrier', 'reduction', 'template', 'mangled'],
    }, images),
  ];
}

function reduceSumWarp(): KernelCase {
  const n = 30_000, blocks = 8, block = 256, rng = new Rng('reduce_sum_warp');
  return {
    name: 'reduce_sum_warp', description: 'grid-stride accumulation, __shfl_down_sync warp sums, warp totals in shared memory, float atomicAdd of block sums',
    source: 'reduce_warp.cu', ptxFile: 'ptx/reduce_warp.ptx', entry: 'reduce_sum_warp', ...launchBlocks(blocks, block), sharedMemBytes: 0,
    args: [inBuf('in', 'f32', f32Array(rng, n, 0, 1)), outBuf('block_sums', 'f32', blocks), outBuf('total', 'f32', 1), scalar('n', 'i32', n)],
    reference: (io) => {
      const input = io.buffer('in', 'f32');
      const threads = blocks * block;
      const perThread = Array.from({ length: threads }, (_, g) => {
        let v = 0;
        for (let i = g; i < n; i += threads) v = addF32(v, input[i] as number);
        return v;
      });
      const blockSums = chunks(perThread, block).map((vals) => {
        const warpTotals = chunks(vals, 32).map((w) => warpSumDown(w, addF32)[0] as number);
        return warpSumDown(padTo(warpTotals, 32, 0), addF32)[0] as number;
      });
      let total = 0;
      for (const s of blockSums) total = addF32(total, s);
      return { block_sums: Float32Array.from(blockSums), total: Float32Array.of(total) };
    },
    compare: {
      block_sums: EXACT,
      // The 8 block sums (each ~1900, all positive) are added with atomicAdd in whatever order the
      // blocks finish; each of the 8 f32 additions errs by at most 2^-24 relative: 8·2^-24 < 1e-6.
      total: { kind: 'relative', tol: 1e-6, why: 'f32 atomicAdd of 8 positive block sums in arbitrary order: at most 8 roundings of 2^-24' },
    },
    tags: ['f32', 'grid-stride', 'warp-shuffle', 'shared', 'atomics', 'reduction'],
  };
}

function shuffleVariants(): KernelCase {
  const n = 1_000, rng = new Rng('shuffle_variants');
  const block = 128, threads = Math.ceil(n / block) * block;
  return {
    name: 'shuffle_variants', description: 'shfl.sync down/up/bfly/idx, width-8 segments and butterfly all-reductions, partial last block',
    source: 'reduce_warp.cu', ptxFile: 'ptx/reduce_warp.ptx', entry: 'shuffle_variants', ...launch1d(n, block), sharedMemBytes: 0,
    args: [inBuf('in', 'i32', i32Array(rng, n, -1_000_000, 1_000_000)), outBuf('out', 'i32', 7 * n), scalar('n', 'i32', n)],
    reference: (io) => {
      const input = io.buffer('in', 'i32');
      const out = new Int32Array(7 * n);
      const values = Array.from({ length: threads }, (_, i) => (i < n ? (input[i] as number) : 0));
      chunks(values, 32).forEach((v, w) => {
        const down = shflDown(v, 3), up = shflUp(v, 5), x = shflXor(v, 7);
        const idx = shflIdx(v, (lane) => (lane * 7 + 3) & 31), seg = shflIdx(v, () => 2, 8);
        let mx = v.slice(), sum = v.slice();
        for (let m = 16; m > 0; m >>= 1) {
          const om = shflXor(mx, m), os = shflXor(sum, m);
          mx = mx.map((a, l) => Math.max(a, om[l] as number));
          sum = sum.map((a, l) => (a + (os[l] as number)) | 0);
        }
        for (let lane = 0; lane < 32; lane++) {
          const i = w * 32 + lane;
          if (i < n) out.set([down[lane], up[lane], x[lane], idx[lane], seg[lane], mx[lane], sum[lane]] as number[], 7 * i);
        }
      });
      return { out };
    },
    compare: { out: EXACT }, tags: ['int', 'warp-shuffle'],
  };
}

function reduceSinglePass(): KernelCase {
  const n = 3_000, block = 128, blocks = Math.ceil(n / block), rng = new Rng('reduce_single_pass');
  return {
    name: 'reduce_single_pass', description: 'threadfence reduction: partial sums, __threadfence, atomicInc ticket on a __device__ counter, last block sums in block order',
    source: 'reduce_single_pass.cu', ptxFile: 'ptx/reduce_single_pass.ptx', entry: 'reduce_single_pass', ...launch1d(n, block), sharedMemBytes: 0,
    args: [inBuf('in', 'f32', f32Array(rng, n, -2, 2)), outBuf('partial', 'f32', blocks), outBuf('result', 'f32', 1), scalar('n', 'u32', n)],
    globals: [{ symbol: 'retirement_count', type: 'u32', data: Uint32Array.of(0), check: true }],
    reference: (io) => {
      const input = io.buffer('in', 'f32');
      const partial = chunks(Array.from(input), block).map((c) => treeReduce(padTo(c, block, 0), addF32));
      let total = 0;
      for (const p of partial) total = addF32(total, p);
      // atomicInc(&count, gridDim.x - 1) wraps back to 0 on the last ticket.
      return { partial: Float32Array.from(partial), result: Float32Array.of(total), retirement_count: Uint32Array.of(0) };
    },
    compare: { partial: EXACT, result: EXACT, retirement_count: EXACT },
    tags: ['f32', 'shared', 'barrier', 'fence', 'atomics', 'globals', 'reduction'],
  };
}

function scans(): KernelCase[] {
  const rng = new Rng('scan');
  const hsN = 1_500, blN = 1_000, wN = 2_000;
  return [
    {
      name: 'scan_inclusive_hs_i32', description: 'Hillis-Steele inclusive scan per 256-element block, double-buffered shared memory',
      source: 'scan.cu', ptxFile: 'ptx/scan.ptx', entry: 'scan_inclusive_hs_i32', ...launch1d(hsN, 256), sharedMemBytes: 0,
      args: [inBuf('in', 'i32', i32Array(rng, hsN, -1000, 1000)), outBuf('out', 'i32', hsN),
        outBuf('block_totals', 'i32', Math.ceil(hsN / 256)), scalar('n', 'i32', hsN)],
      reference: (io) => {
        const segs = chunks(Array.from(io.buffer('in', 'i32')), 256);
        const out: number[] = [], totals: number[] = [];
        for (const s of segs) {
          let acc = 0;
          for (const v of s) out.push((acc = (acc + v) | 0));
          totals.push(acc);
        }
        return { out: Int32Array.from(out), block_totals: Int32Array.from(totals) };
      },
      compare: { out: EXACT, block_totals: EXACT }, tags: ['int', 'shared', 'barrier', 'scan'],
    },
    {
      name: 'scan_exclusive_blelloch_u32', description: 'Blelloch work-efficient exclusive scan, 2 elements per thread, bank-conflict padding',
      source: 'scan.cu', ptxFile: 'ptx/scan.ptx', entry: 'scan_exclusive_blelloch_u32', ...launch1d(blN, 256), block: [128, 1, 1], sharedMemBytes: 0,
      args: [inBuf('in', 'u32', u32Array(rng, blN, 0, 2 ** 31)), outBuf('out', 'u32', blN),
        outBuf('block_totals', 'u32', Math.ceil(blN / 256)), scalar('n', 'i32', blN)],
      reference: (io) => {
        const segs = chunks(Array.from(io.buffer('in', 'u32')), 256);
        const out: number[] = [], totals: number[] = [];
        for (const s of segs) {
          let acc = 0;
          for (const v of s) { out.push(acc); acc = (acc + v) >>> 0; }
          totals.push(acc);
        }
        return { out: Uint32Array.from(out), block_totals: Uint32Array.from(totals) };
      },
      compare: { out: EXACT, block_totals: EXACT }, tags: ['int', 'shared', 'barrier', 'scan'],
    },
    {
      name: 'scan_inclusive_warp_f32', description: 'inclusive f32 scan with __shfl_up_sync per warp, warp totals scanned by warp 0',
      source: 'scan.cu', ptxFile: 'ptx/scan.ptx', entry: 'scan_inclusive_warp_f32', ...launch1d(wN, 256), sharedMemBytes: 0,
      args: [inBuf('in', 'f32', f32Array(rng, wN, -1, 1)), outBuf('out', 'f32', wN), scalar('n', 'i32', wN)],
      reference: (io) => {
        const input = io.buffer('in', 'f32');
        const warpScan = (v: number[]): number[] => {
          let cur = v.slice();
          for (let d = 1; d < 32; d <<= 1) {
            const t = shflUp(cur, d);
            cur = cur.map((x, lane) => (lane >= d ? addF32(x, t[lane] as number) : x));
          }
          return cur;
        };
        const out = new Float32Array(wN);
        const padded = padTo(Array.from(input), Math.ceil(wN / 256) * 256, 0);
        chunks(padded, 256).forEach((blockVals, b) => {
          const warps = chunks(blockVals, 32).map(warpScan);
          const sums = warpScan(padTo(warps.map((w) => w[31] as number), 32, 0));
          warps.forEach((w, wi) => w.forEach((v, lane) => {
            const i = b * 256 + wi * 32 + lane;
            if (i < wN) out[i] = wi > 0 ? addF32(v, sums[wi - 1] as number) : v;
          }));
        });
        return { out };
      },
      compare: { out: EXACT }, tags: ['f32', 'warp-shuffle', 'shared', 'scan'],
    },
  ];
}

/** Reduction and scan cases. */
export function reductionCases(): KernelCase[] {
  return [...reduceTree(), reduceSumWarp(), shuffleVariants(), reduceSinglePass(), ...scans()];
}
