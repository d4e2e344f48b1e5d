/**
 * Histograms and the atomic family. Every result is independent of the order in which threads
 * reach memory (see atomics.cu), so comparisons are exact, floating-point sums included: their
 * inputs are multiples of 1/16 whose partial sums are all exactly representable.
 * @module
 */
import type { KernelCase } from '../types.js';
import { EXACT, inBuf, inoutBuf, launch1d, launchBlocks, outBuf, scalar } from '../support/builders.js';
import { i32, i64, u32, u64 } from '../support/intops.js';
import { Rng, i32Array, i64Array, multiplesOf, sprinkle, u8Array } from '../support/prng.js';

function histograms(): KernelCase[] {
  const rng = new Rng('histogram');
  const n = 20_000, nw = 5_000, nbins = 37;
  return [
    {
      name: 'histogram_shared_u8', description: '64-bin histogram of bytes: shared-memory atomicAdd per block, merged with global atomicAdd',
      source: 'histogram.cu', ptxFile: 'ptx/histogram.ptx', entry: 'histogram_shared_u8', ...launchBlocks(16, 256), sharedMemBytes: 0,
      args: [inBuf('data', 'u8', u8Array(rng, n)), outBuf('hist', 'u32', 64), scalar('n', 'i32', n)],
      reference: (io) => {
        const hist = new Uint32Array(64);
        for (const d of io.buffer('data', 'u8')) hist[d >> 2]++;
        return { hist };
      },
      compare: { hist: EXACT }, tags: ['int', 'shared', 'atomics', 'grid-stride'],
    },
    {
      name: 'histogram_weighted_f32', description: 'weighted histogram with float atomicAdd in global memory; out-of-range bins counted with int atomicAdd',
      source: 'histogram.cu', ptxFile: 'ptx/histogram.ptx', entry: 'histogram_weighted_f32', ...launch1d(nw, 256), sharedMemBytes: 0,
      args: [inBuf('bin', 'i32', i32Array(rng, nw, -3, nbins + 2)), inBuf('weight', 'f32', Float32Array.from(multiplesOf(rng, nw, 1 / 16, -8, 8))),
        outBuf('hist', 'f32', nbins), outBuf('dropped', 'i32', 1), scalar('n', 'i32', nw), scalar('nbins', 'i32', nbins)],
      reference: (io) => {
        const bins = io.buffer('bin', 'i32'), w = io.buffer('weight', 'f32');
        const hist = new Float32Array(nbins);
        let dropped = 0;
        bins.forEach((b, i) => {
          if (b >= 0 && b < nbins) hist[b] = Math.fround(hist[b] + w[i]);
          else dropped++;
        });
        return { hist, dropped: Int32Array.of(dropped) };
      },
      compare: { hist: EXACT, dropped: EXACT }, tags: ['f32', 'atomics'],
    },
  ];
}

function atomicsI32(): KernelCase {
  const n = 2_000, rng = new Rng('atomics_i32');
  const input = sprinkle(i32Array(rng, n, -(2 ** 31), 2 ** 31 - 1), [0, -1, 1, -(2 ** 31), 2 ** 31 - 1]);
  const slots = i32Array(rng, n, -(2 ** 31), 2 ** 31 - 1);
  return {
    name: 'atomics_i32', description: 'atomicAdd/Sub/Min/Max/Inc/Dec/And/Or/Xor/Exch/CAS on 32-bit ints, CAS-loop product',
    source: 'atomics.cu', ptxFile: 'ptx/atomics.ptx', entry: 'atomics_i32', ...launch1d(n, 256), sharedMemBytes: 0,
    args: [inBuf('in', 'i32', input),
      inoutBuf('acc', 'i32', Int32Array.of(0, 0, 2 ** 31 - 1, -(2 ** 31), 1)),
      inoutBuf('uacc', 'u32', Uint32Array.of(0xffffffff, 0, 0, 0, 0xffffffff, 0, 0, 0)),
      inoutBuf('slots', 'i32', slots), outBuf('old_exch', 'i32', n), outBuf('old_cas', 'i32', n), scalar('n', 'i32', n)],
    reference: (io) => {
      const vs = io.buffer('in', 'i32');
      const acc = io.buffer('acc', 'i32'), uacc = io.buffer('uacc', 'u32'), slots = io.buffer('slots', 'i32');
      const oldExch = new Int32Array(n), oldCas = new Int32Array(n);
      vs.forEach((v, i) => {
        const u = u32(v);
        acc[0] = i32(acc[0] + v);
        acc[1] = i32(acc[1] - v);
        acc[2] = Math.min(acc[2], v);
        acc[3] = Math.max(acc[3], v);
        acc[4] = Math.imul(acc[4], v | 1);
        uacc[0] = Math.min(uacc[0], u);
        uacc[1] = Math.max(uacc[1], u);
        uacc[2] = uacc[2] >= 1000 ? 0 : uacc[2] + 1;
        uacc[3] = uacc[3] === 0 || uacc[3] > 77 ? 77 : uacc[3] - 1;
        uacc[4] = uacc[4] & (u | 0x00010000);
        uacc[5] = uacc[5] | (u & 0x0f0f0f0f);
        uacc[6] = uacc[6] ^ u;
        uacc[7] = u32(uacc[7] + u);
        oldExch[i] = slots[i];
        slots[i] = v ^ 0x5a5a5a5a;
        const expected = i & 1 ? v : v ^ 0x5a5a5a5a;
        oldCas[i] = slots[i];
        if (slots[i] === expected) slots[i] = i;
      });
      return { acc, uacc, slots, old_exch: oldExch, old_cas: oldCas };
    },
    compare: { acc: EXACT, uacc: EXACT, slots: EXACT, old_exch: EXACT, old_cas: EXACT },
    tags: ['int', 'atomics'],
  };
}

function atomicsI64(): KernelCase {
  const n = 1_500, rng = new Rng('atomics_i64');
  const MAX = (1n << 63n) - 1n, MIN = -(1n << 63n), ALL = (1n << 64n) - 1n;
  const input = sprinkle(i64Array(rng, n), [0n, -1n, MAX, MIN, 1n]);
  return {
    name: 'atomics_i64', description: '64-bit atomics in shared memory (add/and/or/xor/min/max) merged into global, global max/CAS-loop product/exch',
    source: 'atomics.cu', ptxFile: 'ptx/atomics.ptx', entry: 'atomics_i64', ...launch1d(n, 128), sharedMemBytes: 0,
    args: [inBuf('in', 'i64', input), inoutBuf('acc', 'u64', BigUint64Array.of(0n, ALL, 0n, 0n, 1n, 0n)),
      inoutBuf('sacc', 'i64', BigInt64Array.of(MAX, MIN)), inoutBuf('slots', 'u64', BigUint64Array.from(i64Array(rng, n), u64)),
      outBuf('old_exch', 'u64', n), scalar('n', 'i32', n)],
    reference: (io) => {
      const acc = io.buffer('acc', 'u64'), sacc = io.buffer('sacc', 'i64'), slots = io.buffer('slots', 'u64');
      const oldExch = new BigUint64Array(n);
      io.buffer('in', 'i64').forEach((v, i) => {
        const u = u64(v);
        acc[0] = u64(acc[0] + u);
        acc[1] = acc[1] & (u | 0x0000ffff00000000n);
        acc[2] = acc[2] | (u & 0x00ff00ff00ff00ffn);
        acc[3] = acc[3] ^ u;
        acc[4] = u64(acc[4] * (u | 1n));
        if (u > acc[5]) acc[5] = u;
        if (v < sacc[0]) sacc[0] = v;
        if (v > sacc[1]) sacc[1] = i64(v);
        oldExch[i] = slots[i];
        slots[i] = u64(~u);
      });
      return { acc, sacc, slots, old_exch: oldExch };
    },
    compare: { acc: EXACT, sacc: EXACT, slots: EXACT, old_exch: EXACT },
    tags: ['int64', 'atomics', 'shared'],
  };
}

function atomicsFloat(): KernelCase {
  const n = 3_000, rng = new Rng('atomics_float');
  return {
    name: 'atomics_float', description: 'float atomicAdd (global and shared), double atomicAdd, CAS-loop max on double bit patterns',
    source: 'atomics.cu', ptxFile: 'ptx/atomics.ptx', entry: 'atomics_float', ...launch1d(n, 256), sharedMemBytes: 0,
    args: [inBuf('xf', 'f32', Float32Array.from(multiplesOf(rng, n, 1 / 16, -8, 8))),
      inBuf('xd', 'f64', Float64Array.from(multiplesOf(rng, n, 1 / 16, -1000, 1000))),
      outBuf('fsum', 'f32', 2), outBuf('dsum', 'f64', 1), inoutBuf('dmax', 'f64', Float64Array.of(-1e300)), scalar('n', 'i32', n)],
    reference: (io) => {
      const xf = io.buffer('xf', 'f32'), xd = io.buffer('xd', 'f64');
      const fs = xf.reduce((s, v) => Math.fround(s + v), 0);
      return {
        fsum: Float32Array.of(fs, fs),
        dsum: Float64Array.of(xd.reduce((s, v) => s + v, 0)),
        dmax: Float64Array.of(Math.max(-1e300, ...xd)),
      };
    },
    compare: { fsum: EXACT, dsum: EXACT, dmax: EXACT }, tags: ['f32', 'f64', 'atomics', 'shared'],
  };
}

/** Histogram and atomics cases. */
export function atomicsCases(): KernelCase[] {
  return [...histograms(), atomicsI32(), atomicsI64(), atomicsFloat()];
}
