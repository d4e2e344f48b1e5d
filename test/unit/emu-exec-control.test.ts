/**
 * Control flow, warp-level instructions, barriers, calls and clusters on the PTX engine: kernels of
 * the front-end fixture corpus (test/fixtures/ptx, nvcc output) and hand-written PTX, with
 * expectations computed in JS — each run with the JIT and the interpreter, which must agree.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KernelFaultError } from '../../src/errors.js';
import { load, runPtx, type Loaded } from './emu-exec-harness.js';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../../../test/fixtures/ptx/${name}`, import.meta.url)), 'utf8');

type Ctor<T> = { new (n: number): T; BYTES_PER_ELEMENT: number };

/** A buffer in the loaded module's memory. */
function upload(l: Loaded, data: ArrayBufferView): bigint {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const a = l.memory.alloc(Math.max(1, bytes.byteLength), 'test buffer');
  l.memory.bytes.set(bytes, a - l.memory.base);
  return BigInt(a);
}

function download<T extends ArrayBufferView>(l: Loaded, address: bigint, ctor: Ctor<T>, n: number): T {
  const out = new ctor(n);
  const at = Number(address) - l.memory.base;
  new Uint8Array(out.buffer).set(l.memory.bytes.subarray(at, at + n * ctor.BYTES_PER_ELEMENT));
  return out;
}

/**
 * Runs `setup` (which loads buffers and launches through `launch`) with both executors and returns
 * both results; asserts they are equal.
 */
function both<R>(ptx: string, run: (l: Loaded, interpret: boolean) => R): R {
  const jit = run(load(ptx), false);
  const interp = run(load(ptx), true);
  assert.deepEqual(jit, interp, 'JIT and interpreter differ');
  return jit;
}

const PTX_HEAD = '.version 9.0\n.target sm_90\n.address_size 64\n';

describe('divergence and reconvergence', () => {
  test('switch, data-dependent loops with break, do-while (fixture control)', () => {
    const n = 48;
    const input = Int32Array.from({ length: 64 }, (_, t) => (t * 7919 + 13) % 1000 - 200);
    const expected = new Int32Array(64);
    for (let t = 0; t < n; t++) {
      let v = input[t]!, acc: number;
      switch (v & 7) {
        case 0: acc = v * 3; break;
        case 1: acc = v + 11; break;
        case 2: acc = v ^ 0x55; break;
        case 3: acc = v - 9; break;
        case 4: acc = v << 2; break;
        case 5: acc = ~v; break;
        case 6: acc = (v / 3) | 0; break;
        default: acc = -v;
      }
      while (v > 1) { v = v & 1 ? 3 * v + 1 : (v / 2) | 0; acc++; if (acc > 1000) break; }
      let u = t;
      do { acc += u; u -= 7; } while (u > 0);
      expected[t] = acc;
    }
    const got = both(fixture('control.ptx'), (l, interpret) => {
      const inp = upload(l, input), out = upload(l, new Int32Array(64));
      runPtx('', 'control', { block: [64, 1, 1] }, [inp, out, n], { interpret }, l);
      return download(l, out, Int32Array, 64);
    });
    assert.deepEqual(got, expected);
  });

  test('nested loops with continue and goto out of both (fixture nested)', () => {
    const m = 5, n = 6;
    const data = Float32Array.from({ length: 64 }, (_, i) => (i === 23 ? -1 : (i % 9) + 0.5));
    let s = 0;
    outer: for (let i = 0; i < n; i++) {
      if (i & 1) continue;
      for (let j = 0; j < m; j++) {
        if (data[j]! < 0) break outer;
        s = Math.fround(s + data[i * m + j]!);
      }
    }
    const got = both(fixture('control.ptx'), (l, interpret) => {
      const buf = upload(l, data);
      runPtx('', 'nested', { block: [32, 1, 1] }, [buf, n, m], { interpret }, l);
      return download(l, buf, Float32Array, 32);
    });
    assert.deepEqual([...got], new Array(32).fill(s));
  });

  test('brx.idx jumps each lane through a branch table; lanes reconverge after', () => {
    const ptx = `${PTX_HEAD}.visible .entry k(.param .u64 out)
{
  .reg .b32 %r<8>; .reg .b64 %rd<4>;
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, %tid.x;
  rem.u32 %r2, %r1, 3;
  ts: .branchtargets L0, L1, L2;
  brx.idx %r2, ts;
L0: mov.u32 %r3, 100; bra.uni J;
L1: mov.u32 %r3, 200; bra.uni J;
L2: mov.u32 %r3, 300;
J:  add.u32 %r4, %r3, %r1;
  activemask.b32 %r5;
  add.u32 %r4, %r4, %r5;
  mul.wide.u32 %rd2, %r1, 4; add.s64 %rd3, %rd1, %rd2; st.global.u32 [%rd3], %r4;
}`;
    const got = both(ptx, (l, interpret) => {
      const out = upload(l, new Uint32Array(32));
      runPtx('', 'k', { block: [32, 1, 1] }, [out], { interpret }, l);
      return download(l, out, Uint32Array, 32);
    });
    for (let t = 0; t < 32; t++) assert.equal(got[t], ((100 * ((t % 3) + 1) + t + 0xffffffff) >>> 0));
  });

  test('a warp-synchronous volatile shared reduction sees each step of the other lanes (lockstep order)', () => {
    const ptx = `${PTX_HEAD}.visible .entry k(.param .u64 out)
{
  .reg .b32 %r<8>; .reg .b64 %rd<4>; .reg .pred %p<2>;
  .shared .align 4 .b32 s[32];
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, %tid.x;
  shl.b32 %r2, %r1, 2;
  mov.u32 %r3, s;
  add.u32 %r3, %r3, %r2;
  st.volatile.shared.u32 [%r3], %r1;
  setp.ge.u32 %p1, %r1, 16;
  @%p1 bra DONE;
  ld.volatile.shared.u32 %r4, [%r3]; ld.volatile.shared.u32 %r5, [%r3+64]; add.u32 %r4, %r4, %r5; st.volatile.shared.u32 [%r3], %r4;
  ld.volatile.shared.u32 %r4, [%r3]; ld.volatile.shared.u32 %r5, [%r3+32]; add.u32 %r4, %r4, %r5; st.volatile.shared.u32 [%r3], %r4;
  ld.volatile.shared.u32 %r4, [%r3]; ld.volatile.shared.u32 %r5, [%r3+16]; add.u32 %r4, %r4, %r5; st.volatile.shared.u32 [%r3], %r4;
  ld.volatile.shared.u32 %r4, [%r3]; ld.volatile.shared.u32 %r5, [%r3+8]; add.u32 %r4, %r4, %r5; st.volatile.shared.u32 [%r3], %r4;
  ld.volatile.shared.u32 %r4, [%r3]; ld.volatile.shared.u32 %r5, [%r3+4]; add.u32 %r4, %r4, %r5; st.volatile.shared.u32 [%r3], %r4;
DONE:
  ld.volatile.shared.u32 %r6, [s];
  mul.wide.u32 %rd2, %r1, 4; add.s64 %rd3, %rd1, %rd2; st.global.u32 [%rd3], %r6;
}`;
    const got = both(ptx, (l, interpret) => {
      const out = upload(l, new Uint32Array(32));
      runPtx('', 'k', { block: [32, 1, 1] }, [out], { interpret }, l);
      return download(l, out, Uint32Array, 32);
    });
    assert.deepEqual([...got], new Array(32).fill(496));
  });
});

describe('warp-level instructions', () => {
  test('vote, ballot, activemask, redux, match and uni (fixture warp_ops)', () => {
    const v = Int32Array.from({ length: 32 }, (_, t) => [3, -5, 7, 3, 0, 12, -1, 3][t % 8]! + (t >= 24 ? 100 : 0));
    let ballot = 0, all = 1, any = 0, sum = 0, mn = 0xffffffff, mx = -Infinity, and = -1, or = 0, xor = 0, uniAll = true, uniAny = false;
    for (let t = 0; t < 32; t++) {
      const x = v[t]!;
      if (x > 0) ballot |= 1 << t; else all = 0;
      if (x < 0) any = 1;
      sum = (sum + x) >>> 0; mn = Math.min(mn, x >>> 0); mx = Math.max(mx, x);
      and &= x; or |= x; xor ^= x;
      if (x === 3) uniAny = true; else uniAll = false;
    }
    const uni = uniAll || !uniAny ? 1 : 0;
    const rr = ((and | or | xor) >>> 0);
    const expected = Uint32Array.from({ length: 32 }, (_, t) => {
      let m = 0;
      for (let j = 0; j < 32; j++) if (v[j] === v[t]) m |= 1 << j;
      return (0xffffffff + (ballot >>> 0) + all + any + sum + mn + mx + rr + (m >>> 0) + 0 + 0 + uni) >>> 0;
    });
    const got = both(fixture('warp.ptx'), (l, interpret) => {
      const inp = upload(l, v), out = upload(l, new Uint32Array(32));
      runPtx('', 'warp_ops', { block: [32, 1, 1] }, [inp, out], { interpret }, l);
      return download(l, out, Uint32Array, 32);
    });
    assert.deepEqual(got, expected);
  });

  test('shfl.sync up/down/bfly/idx with clamps, segments and the predicate result', () => {
    const ptx = `${PTX_HEAD}.visible .entry k(.param .u64 out)
{
  .reg .b32 %r<16>; .reg .b64 %rd<4>; .reg .pred %p<8>;
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, %laneid;
  mad.lo.u32 %r2, %r1, 10, 7;
  shfl.sync.up.b32 %r3|%p1, %r2, 3, 0, -1;
  shfl.sync.down.b32 %r4|%p2, %r2, 5, 31, -1;
  shfl.sync.bfly.b32 %r5|%p3, %r2, 6, 31, -1;
  shfl.sync.idx.b32 %r6|%p4, %r2, 5, 6175, -1;
  shfl.sync.down.b32 %r7|%p5, %r2, 2, 6151, -1;
  shfl.sync.up.b32 %r8|%p6, %r2, 1, 6144, -1;
  selp.u32 %r9, 1, 0, %p1; selp.u32 %r10, 2, 0, %p2; selp.u32 %r11, 4, 0, %p3; selp.u32 %r12, 8, 0, %p4;
  or.b32 %r9, %r9, %r10; or.b32 %r9, %r9, %r11; or.b32 %r9, %r9, %r12;
  selp.u32 %r10, 16, 0, %p5; selp.u32 %r11, 32, 0, %p6; or.b32 %r9, %r9, %r10; or.b32 %r9, %r9, %r11;
  mul.wide.u32 %rd2, %r1, 32; add.s64 %rd3, %rd1, %rd2;
  st.global.v4.u32 [%rd3], {%r3, %r4, %r5, %r6};
  st.global.v4.u32 [%rd3+16], {%r7, %r8, %r9, %r1};
}`;
    const got = both(ptx, (l, interpret) => {
      const out = upload(l, new Uint32Array(32 * 8));
      runPtx('', 'k', { block: [32, 1, 1] }, [out], { interpret }, l);
      return download(l, out, Uint32Array, 32 * 8);
    });
    const val = (t: number): number => t * 10 + 7;
    for (let t = 0; t < 32; t++) {
      const row = [...got.subarray(8 * t, 8 * t + 8)];
      // up 3 (c = 0): lanes below 3 keep their own value.
      const up = t - 3 >= 0;
      const down = t + 5 <= 31;
      const bfly = (t ^ 6) <= 31;
      // idx 5 in segments of 8 (c = 0x181f): lane (t & ~7) | 5.
      const idxLane = (t & 24) | 5;
      // down 2 in segments of 8 (c = 0x1807): within the segment only.
      const seg = t & 24, d2 = t + 2 <= (seg | 7);
      // up 1 in segments of 8 (c = 0x1800): the segment's first lane keeps its value.
      const u1 = t - 1 >= seg;
      assert.deepEqual(row, [
        up ? val(t - 3) : val(t), down ? val(t + 5) : val(t), val(t ^ 6), val(idxLane),
        d2 ? val(t + 2) : val(t), u1 ? val(t - 1) : val(t),
        (up ? 1 : 0) | (down ? 2 : 0) | (bfly ? 4 : 0) | 8 | (d2 ? 16 : 0) | (u1 ? 32 : 0), t,
      ], `lane ${t}`);
    }
  });

  test('64-bit shuffles (fixture shuffle_wide) and votes of divergent lanes', () => {
    const d = Float64Array.from({ length: 32 }, (_, t) => t * 1.25 - 3);
    const li = BigInt64Array.from({ length: 32 }, (_, t) => (BigInt(t) << 40n) - 7n);
    const [gd, gl] = both(fixture('misc.ptx'), (l, interpret) => {
      const a = upload(l, d), b = upload(l, new Float64Array(32)), c = upload(l, li), e = upload(l, new BigInt64Array(32));
      runPtx('', 'shuffle_wide', { block: [32, 1, 1] }, [a, b, c, e], { interpret }, l);
      return [download(l, b, Float64Array, 32), download(l, e, BigInt64Array, 32)];
    });
    for (let t = 0; t < 32; t++) {
      assert.equal(gd[t], d[t]! + d[t < 31 ? t + 1 : t]!);
      assert.equal(gl[t], li[t]! + li[t ^ 2]!);
    }
    const ptx = `${PTX_HEAD}.visible .entry k(.param .u64 out)
{
  .reg .b32 %r<8>; .reg .b64 %rd<4>; .reg .pred %p<4>;
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, %laneid;
  mov.u32 %r2, 0;
  rem.u32 %r3, %r1, 3;
  setp.ne.u32 %p1, %r3, 0;
  @%p1 bra SKIP;
  and.b32 %r4, %r1, 1;
  setp.ne.u32 %p2, %r4, 0;
  activemask.b32 %r5;
  vote.sync.ballot.b32 %r6, %p2, %r5;
  add.u32 %r2, %r5, %r6;
SKIP:
  mul.wide.u32 %rd2, %r1, 4; add.s64 %rd3, %rd1, %rd2; st.global.u32 [%rd3], %r2;
}`;
    const got = both(ptx, (l, interpret) => {
      const out = upload(l, new Uint32Array(32));
      runPtx('', 'k', { block: [32, 1, 1] }, [out], { interpret }, l);
      return download(l, out, Uint32Array, 32);
    });
    let active = 0, odd = 0;
    for (let t = 0; t < 32; t += 3) { active |= 1 << t; if (t & 1) odd |= 1 << t; }
    for (let t = 0; t < 32; t++) assert.equal(got[t], t % 3 === 0 ? ((active >>> 0) + (odd >>> 0)) >>> 0 : 0);
  });

  test('cooperative groups: tile reductions, shuffles in tiles of 4, coalesced groups (fixture cg_reduce)', () => {
    const v = Float32Array.from({ length: 32 }, (_, t) => ((t * 5) % 11) - 3);
    let s = 0, mx = -Infinity;
    for (const x of v) { s += x; mx = Math.max(mx, x); }
    const positive = [...v].filter((x) => x > 0).length;
    const got = both(fixture('warp.ptx'), (l, interpret) => {
      const inp = upload(l, v), out = upload(l, new Float32Array(128));
      runPtx('', 'cg_reduce', { block: [32, 1, 1] }, [inp, out], { interpret }, l);
      return download(l, out, Float32Array, 128);
    });
    assert.equal(got[0], s + mx + v[1]!);
    assert.equal(got[100], 32);
    for (let k = 1; k <= positive; k++) assert.equal(got[k], positive);
  });
});

describe('barriers', () => {
  test('__syncthreads_count/and/or: bar.red.popc/and/or over two warps (fixture barriers)', () => {
    const got = both(fixture('warp.ptx'), (l, interpret) => {
      const out = upload(l, new Int32Array(64));
      runPtx('', 'barriers', { block: [64, 1, 1] }, [out], { interpret }, l);
      return download(l, out, Int32Array, 64);
    });
    assert.deepEqual([...got], new Array(64).fill(60 + 0 + 1));
  });

  test('named barriers with thread counts: producers arrive, consumers sync', () => {
    const ptx = `${PTX_HEAD}.visible .entry k(.param .u64 out)
{
  .reg .b32 %r<8>; .reg .b64 %rd<4>; .reg .pred %p<2>;
  .shared .align 4 .b32 s[64];
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, %tid.x;
  setp.ge.u32 %p1, %r1, 64;
  @%p1 bra CONSUMER;
  mul.lo.u32 %r2, %r1, 3;
  shl.b32 %r3, %r1, 2;
  mov.u32 %r6, s;
  add.u32 %r3, %r3, %r6;
  st.shared.u32 [%r3], %r2;
  bar.arrive 1, 128;
  bra.uni END;
CONSUMER:
  bar.sync 1, 128;
  sub.u32 %r4, %r1, 64;
  xor.b32 %r4, %r4, 63;
  shl.b32 %r3, %r4, 2;
  mov.u32 %r5, s;
  add.u32 %r5, %r5, %r3;
  ld.shared.u32 %r6, [%r5];
  mul.wide.u32 %rd2, %r1, 4; add.s64 %rd3, %rd1, %rd2; st.global.u32 [%rd3], %r6;
END:
  ret;
}`;
    const got = both(ptx, (l, interpret) => {
      const out = upload(l, new Uint32Array(128));
      runPtx('', 'k', { block: [128, 1, 1] }, [out], { interpret }, l);
      return download(l, out, Uint32Array, 128);
    });
    for (let t = 64; t < 128; t++) assert.equal(got[t], ((t - 64) ^ 63) * 3);
  });

  test('threads that exit no longer count: a barrier after an early return releases', () => {
    const ptx = `${PTX_HEAD}.visible .entry k(.param .u64 out)
{
  .reg .b32 %r<8>; .reg .b64 %rd<4>; .reg .pred %p<2>;
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, %tid.x;
  setp.ge.u32 %p1, %r1, 40;
  @%p1 ret;
  bar.sync 0;
  mul.wide.u32 %rd2, %r1, 4; add.s64 %rd3, %rd1, %rd2; st.global.u32 [%rd3], 7;
}`;
    const got = both(ptx, (l, interpret) => {
      const out = upload(l, new Uint32Array(96));
      runPtx('', 'k', { block: [96, 1, 1] }, [out], { interpret }, l);
      return download(l, out, Uint32Array, 96);
    });
    for (let t = 0; t < 96; t++) assert.equal(got[t], t < 40 ? 7 : 0);
  });
});

describe('calls', () => {
  test('.func with struct returns, recursion, local arrays, shared memory and function pointers (fixture calls)', () => {
    const k = 10, sel = 1;
    const init = Float32Array.from({ length: 16 }, (_, i) => 0.25 * (i + 1));
    const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
    const [out, iout] = both(fixture('noinline.ptx'), (l, interpret) => {
      const o = upload(l, init), io = upload(l, new Int32Array(16));
      runPtx('', 'calls', { block: [8, 1, 1] }, [o, io, sel, k], { interpret }, l);
      return [download(l, o, Float32Array, 16), download(l, io, Int32Array, 16)];
    });
    const x = init[1]!;
    assert.ok(Math.abs(out[0]! - (2 * x * x + 3)) < 1e-5);
    assert.equal(iout[0], fib(k));
    assert.equal(out[2], Math.fround(2 * k + (init[7]! + 1) + init[8]! + init[11]!));
    for (let i = 0; i < k; i++) assert.equal(iout[1 + i], k);
    assert.equal(out[3], (k & 15) * 1.5);
    assert.equal(out[4], Math.fround(init[5]! * init[6]!));
  });

  test('indirect calls whose lanes choose different functions', () => {
    const ptx = `${PTX_HEAD}.func (.param .b32 r) twice(.param .b32 x) { .reg .b32 %a<2>; ld.param.b32 %a0, [x]; shl.b32 %a1, %a0, 1; st.param.b32 [r], %a1; ret; }
.func (.param .b32 r) square(.param .b32 x) { .reg .b32 %a<2>; ld.param.b32 %a0, [x]; mul.lo.u32 %a1, %a0, %a0; st.param.b32 [r], %a1; ret; }
.global .align 8 .u64 table[2] = {twice, square};
.visible .entry k(.param .u64 out)
{
  .reg .b32 %r<8>; .reg .b64 %rd<8>;
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, %tid.x;
  and.b32 %r2, %r1, 1;
  mul.wide.u32 %rd2, %r2, 8;
  mov.u64 %rd3, table;
  add.s64 %rd4, %rd3, %rd2;
  ld.global.u64 %rd5, [%rd4];
  {
  .param .b32 p0; st.param.b32 [p0], %r1;
  .param .b32 r0;
  proto : .callprototype (.param .b32 _) _ (.param .b32 _);
  call (r0), %rd5, (p0), proto;
  ld.param.b32 %r3, [r0];
  }
  mul.wide.u32 %rd6, %r1, 4; add.s64 %rd7, %rd1, %rd6; st.global.u32 [%rd7], %r3;
}`;
    const got = both(ptx, (l, interpret) => {
      const out = upload(l, new Uint32Array(32));
      runPtx('', 'k', { block: [32, 1, 1] }, [out], { interpret }, l);
      return download(l, out, Uint32Array, 32);
    });
    for (let t = 0; t < 32; t++) assert.equal(got[t], t & 1 ? t * t : 2 * t);
  });

  test('unbounded recursion stops with CUDA_ERROR_HARDWARE_STACK_ERROR', () => {
    const ptx = `${PTX_HEAD}.func (.param .b32 r) down(.param .b32 x) { .reg .b32 %a<3>;
  ld.param.b32 %a0, [x]; add.u32 %a1, %a0, 1;
  { .param .b32 p; st.param.b32 [p], %a1; .param .b32 q; call.uni (q), down, (p); ld.param.b32 %a2, [q]; }
  st.param.b32 [r], %a2; ret; }
.visible .entry k() { .reg .b32 %r<2>; { .param .b32 p; st.param.b32 [p], 0; .param .b32 q; call.uni (q), down, (p); ld.param.b32 %r1, [q]; } }`;
    const l = load(ptx);
    assert.throws(() => runPtx('', 'k', { block: [1, 1, 1] }, [], {}, l), (e: unknown) => e instanceof KernelFaultError && e.codeName === 'CUDA_ERROR_HARDWARE_STACK_ERROR' && /call stack overflow/.test(e.message));
  });
});

describe('memory services from kernels', () => {
  test('device malloc and free (fixture device_malloc)', () => {
    const l = load(fixture('misc.ptx'));
    const keep = upload(l, new BigUint64Array(4));
    runPtx('', 'device_malloc', { block: [4, 1, 1] }, [6, keep], {}, l);
    const ptrs = download(l, keep, BigUint64Array, 4);
    assert.equal(l.memory.allocationAt(Number(ptrs[0])), null, 'keep[0] was freed');
    for (let t = 1; t < 4; t++) {
      const a = Number(ptrs[t]);
      assert.equal(l.memory.allocationAt(a)?.label, 'device malloc');
      assert.deepEqual([...download(l, ptrs[t]!, Int32Array, 6)], [0, 1, 2, 3, 4, 5]);
    }
  });

  test('16-bit and half atomics (fixture small_atomics); clocks advance (fixture clocks)', () => {
    const l = load(fixture('misc.ptx'));
    const us = upload(l, new Uint16Array([1])), h = upload(l, new Uint16Array([0x3c00])), b = upload(l, new Uint16Array([0x3f80]));
    const h2 = upload(l, new Uint16Array([0x3c00, 0x4000]));
    runPtx('', 'small_atomics', { block: [1, 1, 1] }, [us, h, b, h2], {}, l);
    assert.equal(download(l, us, Uint16Array, 1)[0], 2);
    assert.equal(download(l, h, Uint16Array, 1)[0], 0x4000);
    assert.equal(download(l, b, Uint16Array, 1)[0], 0x4000);
    assert.deepEqual([...download(l, h2, Uint16Array, 2)], [0x4000, 0x4400]);
    const out = upload(l, new BigInt64Array(32));
    runPtx('', 'clocks', { block: [32, 1, 1] }, [out], {}, l);
    for (const v of download(l, out, BigInt64Array, 32)) assert.ok(v > 0n);
  });
});

describe('clusters', () => {
  test('distributed shared memory through mapa and barrier.cluster (fixture clustered)', () => {
    const got = both(fixture('cluster.ptx'), (l, interpret) => {
      const out = upload(l, new Int32Array(128));
      runPtx('', 'clustered', { grid: [4, 1, 1], block: [32, 1, 1], cluster: [2, 1, 1] }, [out], { interpret }, l);
      return download(l, out, Int32Array, 128);
    });
    for (let b = 0; b < 4; b++) for (let t = 0; t < 32; t++) assert.equal(got[b * 32 + t], ((b % 2) ^ 1) * 100 + t + 2 + 2, `block ${b} thread ${t}`);
  });
});

describe('inline asm (fixture inline_asm)', () => {
  test('scoped registers, carry flags, lane ids, packing, and a store at [addr+-4]', () => {
    const a = 0xfffffff0, b = 0x25;
    const got = both(fixture('inline_asm.ptx'), (l, interpret) => {
      const out = upload(l, new Uint32Array(32));
      runPtx('', 'inline_asm', { block: [32, 1, 1] }, [out, a, b], { interpret }, l);
      return download(l, out, Uint32Array, 32);
    });
    assert.equal(got[0], 0x8000000e);
    for (let t = 1; t < 32; t++) assert.equal(got[t], ((((a + b) >>> 0) + 1) + t + a + b + 1) >>> 0);
  });

  test('brkpt without a debugger fails the launch', () => {
    const l = load(fixture('inline_asm.ptx'));
    const out = upload(l, new Float32Array(4));
    assert.throws(() => runPtx('', 'asm_misc', { block: [1, 1, 1] }, [out, 0x3f800000], {}, l),
      (e: unknown) => e instanceof KernelFaultError && e.codeName === 'CUDA_ERROR_LAUNCH_FAILED' && /brkpt/.test(e.message));
  });
});
