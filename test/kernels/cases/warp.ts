/**
 * Warp votes, match, warp reductions (redux.sync), block-wide vote barriers, and the lane masks of
 * a partial warp.
 * @module
 */
import type { KernelCase } from '../types.js';
import { EXACT, inBuf, launch1d, outBuf, scalar } from '../support/builders.js';
import { ffs32, popc32 } from '../support/intops.js';
import { Rng } from '../support/prng.js';
import { chunks } from '../support/sim.js';

/** Values whose warps see every vote outcome: warp w draws from a range chosen by w % 4. */
function voteInputs(rng: Rng, n: number): Int32Array {
  const ranges: readonly [number, number][] = [[1, 1000], [-1100, 800], [-999, 999], [-1100, 1100]];
  return Int32Array.from({ length: n }, (_, i) => {
    const [lo, hi] = ranges[Math.floor(i / 32) % 4] as [number, number];
    return rng.int(lo, hi);
  });
}

function warpVote(): KernelCase {
  const n = 1_000, block = 128, rng = new Rng('warp_vote'), OUTS = 12;
  const threads = Math.ceil(n / block) * block;
  return {
    name: 'warp_vote', description: 'ballot/any/all, popc/ffs of the ballot, match_any, redux.sync add/min/max/and/or/xor; partial last block',
    source: 'vote.cu', ptxFile: 'ptx/vote.ptx', entry: 'warp_vote', ...launch1d(n, block), sharedMemBytes: 0,
    args: [inBuf('in', 'i32', voteInputs(rng, n)), outBuf('out', 'u32', OUTS * n), scalar('n', 'i32', n)],
    reference: (io) => {
      const input = io.buffer('in', 'i32');
      const out = new Uint32Array(OUTS * n);
      const lanes = Array.from({ length: threads }, (_, i) => ({ ok: i < n, v: i < n ? (input[i] as number) : 0 }));
      chunks(lanes, 32).forEach((warp, w) => {
        const mask = (pred: (v: number, l: number) => boolean): number =>
          warp.reduce((m, t, l) => (pred(t.v, l) ? (m | (1 << l)) >>> 0 : m), 0);
        const b = mask((v) => v > 0);
        const vs = warp.map((t) => t.v);
        const red = (f: (a: number, b: number) => number, map: (t: { ok: boolean; v: number }) => number): number =>
          warp.map(map).reduce(f) >>> 0;
        const common = [
          b, warp.some((t) => t.v > 900) ? 1 : 0, warp.every((t) => t.v > -1000) ? 1 : 0, popc32(b), ffs32(b),
        ];
        const sums = [
          red((x, y) => (x + y) >>> 0, (t) => (t.v >>> 0) & 0xff), Math.min(...vs) >>> 0, Math.max(...vs) >>> 0,
          red((x, y) => x & y, (t) => (t.ok ? t.v : -1)), red((x, y) => x | y, (t) => t.v), red((x, y) => x ^ y, (t) => t.v),
        ];
        warp.forEach((t, l) => {
          const i = w * 32 + l;
          if (t.ok) out.set([...common, mask((v) => (v & 7) === (t.v & 7)), ...sums], OUTS * i);
        });
      });
      return { out };
    },
    compare: { out: EXACT }, tags: ['int', 'vote', 'redux'],
  };
}

function blockVote(): KernelCase {
  const n = 700, block = 256, rng = new Rng('block_vote');
  // Block 0 all positive; block 1 mixed; block 2 partial (188 valid threads, all positive).
  const input = Int32Array.from({ length: n }, (_, i) => (i < 256 || i >= 512 ? rng.int(1, 100) : rng.int(-100, 100)));
  const blocks = Math.ceil(n / block);
  return {
    name: 'block_vote', description: '__syncthreads_count/_and/_or (bar.red.popc/and/or) per block, partial last block',
    source: 'vote.cu', ptxFile: 'ptx/vote.ptx', entry: 'block_vote', ...launch1d(n, block), sharedMemBytes: 0,
    args: [inBuf('in', 'i32', input), outBuf('out', 'i32', 3 * blocks), scalar('n', 'i32', n)],
    reference: (io) => {
      const x = io.buffer('in', 'i32');
      const out = new Int32Array(3 * blocks);
      for (let b = 0; b < blocks; b++) {
        const preds = Array.from({ length: block }, (_, t) => b * block + t < n && (x[b * block + t] as number) > 0);
        const count = preds.filter(Boolean).length;
        out.set([count, count === block ? 1 : 0, count > 0 ? 1 : 0], 3 * b);
      }
      return { out };
    },
    compare: { out: EXACT }, tags: ['int', 'vote', 'barrier'],
  };
}

function partialWarpMasks(): KernelCase {
  const block = 48, blocks = 2, rng = new Rng('partial_warp_masks');
  return {
    name: 'partial_warp_masks', description: '__activemask, %lanemask_lt (inline asm) and a ballot over the active lanes in 48-thread blocks (warp 1 has 16 lanes)',
    source: 'vote.cu', ptxFile: 'ptx/vote.ptx', entry: 'partial_warp_masks', grid: [blocks, 1, 1], block: [block, 1, 1], sharedMemBytes: 0,
    args: [inBuf('in', 'i32', Int32Array.from({ length: block * blocks }, () => rng.int(0, 1000))), outBuf('out', 'u32', 3 * block * blocks)],
    reference: (io) => {
      const x = io.buffer('in', 'i32');
      const out = new Uint32Array(3 * block * blocks);
      for (let b = 0; b < blocks; b++) {
        for (let t = 0; t < block; t++) {
          const lane = t % 32, warpStart = t - lane, width = Math.min(32, block - warpStart);
          const active = width === 32 ? 0xffffffff : (2 ** width - 1) >>> 0;
          let odd = 0;
          for (let l = 0; l < width; l++) if ((x[b * block + warpStart + l] as number) & 1) odd |= 1 << l;
          out.set([active, (2 ** lane - 1) >>> 0, odd >>> 0], 3 * (b * block + t));
        }
      }
      return { out };
    },
    compare: { out: EXACT }, tags: ['int', 'vote', 'special-registers', 'inline-asm'],
  };
}

/** Vote, match and warp-reduction cases. */
export function warpCases(): KernelCase[] {
  return [warpVote(), blockVote(), partialWarpMasks()];
}
