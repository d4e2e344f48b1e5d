/**
 * Memory on the PTX engine: atomics and reductions in global and shared memory, narrow and vector
 * loads and stores, generic addressing through the shared/local/param windows (cvta, isspacep),
 * module variables with initializers that hold addresses, static and dynamic shared memory, and
 * the special registers.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { load, runPtx, type Loaded } from './emu-exec-harness.js';

const HEAD = '.version 9.0\n.target sm_90\n.address_size 64\n';

function upload(l: Loaded, data: ArrayBufferView): bigint {
  const a = l.memory.alloc(Math.max(1, data.byteLength), 'test buffer');
  l.memory.bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), a - l.memory.base);
  return BigInt(a);
}

function download<T extends ArrayBufferView>(l: Loaded, address: bigint | number, ctor: { new (n: number): T; BYTES_PER_ELEMENT: number }, n: number): T {
  const out = new ctor(n);
  const at = Number(address) - l.memory.base;
  new Uint8Array(out.buffer).set(l.memory.bytes.subarray(at, at + n * ctor.BYTES_PER_ELEMENT));
  return out;
}

/** Runs `ptx`'s kernel `k` with both executors on fresh memories; `run` uploads and launches, returns what to compare. */
function both<R>(ptx: string, run: (l: Loaded, interpret: boolean) => R): R {
  const a = run(load(ptx), false);
  const b = run(load(ptx), true);
  assert.deepEqual(a, b, 'JIT and interpreter differ');
  return a;
}

describe('atomics', () => {
  const ops32 = ['add.u32', 'min.s32', 'max.u32', 'and.b32', 'or.b32', 'xor.b32', 'exch.b32', 'inc.u32', 'dec.u32'];
  for (const space of ['global', 'shared']) {
    test(`32-bit atomics in ${space} memory: every operation, the old values, and cas`, () => {
      const lines = ops32.map((op, k) => `atom.${space}.${op} %r${10 + k}, [%rd${space === 'global' ? 2 : 3}+${4 * k}], %r2;`).join('\n');
      const ptx = `${HEAD}.visible .entry k(.param .u64 buf, .param .u64 olds)
{
  .reg .b32 %r<32>; .reg .b64 %rd<8>; .reg .pred %p<2>;
  .shared .align 4 .b32 s[16];
  ld.param.u64 %rd1, [buf]; ld.param.u64 %rd6, [olds];
  mov.u64 %rd2, %rd1;
  mov.u32 %r1, %tid.x;
  mov.u64 %rd3, s;
  setp.ne.u32 %p1, %r1, 0;
  @%p1 bra GO;
  mov.u32 %r5, 0;
${ops32.map((_, k) => `  ld.global.u32 %r6, [%rd1+${4 * k}]; st.shared.u32 [s+${4 * k}], %r6;`).join('\n')}
GO:
  bar.sync 0;
  mul.lo.u32 %r2, %r1, 3; sub.u32 %r2, %r2, 20;
${lines}
  atom.${space}.cas.b32 %r20, [%rd${space === 'global' ? 2 : 3}+40], %r1, 100;
  bar.sync 0;
  @%p1 bra OUT;
${ops32.map((_, k) => `  ld.shared.u32 %r6, [s+${4 * k}]; st.global.u32 [%rd1+${64 + 4 * k}], %r6;`).join('\n')}
OUT:
  mul.wide.u32 %rd4, %r1, 48; add.s64 %rd5, %rd6, %rd4;
  st.global.v4.u32 [%rd5], {%r10, %r11, %r12, %r13};
  st.global.v4.u32 [%rd5+16], {%r14, %r15, %r16, %r17};
  st.global.v2.u32 [%rd5+32], {%r18, %r20};
}`;
      const init = Uint32Array.from([5, 0x7fffffff, 3, 0xffffffff, 0, 0x0f0f0f0f, 9, 17, 4, 0, 0, 0, 0, 0, 0, 0, ...new Array(16).fill(0)]);
      const threads = 40;
      const [mem, olds] = both(ptx, (l, interpret) => {
        const buf = upload(l, init), o = upload(l, new Uint32Array(threads * 12));
        runPtx('', 'k', { block: [threads, 1, 1] }, [buf, o], { interpret }, l);
        return [download(l, buf, Uint32Array, 32), download(l, o, Uint32Array, threads * 12)];
      });
      // Sequential reference in execution order: warp 0's lanes in order, then warp 1's.
      const cell = [...init.slice(0, 11)].map((x) => x >>> 0);
      const expectOld: number[][] = [];
      for (let t = 0; t < threads; t++) {
        const v = (t * 3 - 20) >>> 0;
        const row: number[] = [];
        const apply = (k: number, f: (old: number) => number): void => { row.push(cell[k]!); cell[k] = f(cell[k]!) >>> 0; };
        apply(0, (o) => o + v);
        apply(1, (o) => ((o | 0) < (v | 0) ? o : v));
        apply(2, (o) => Math.max(o, v));
        apply(3, (o) => o & v);
        apply(4, (o) => o | v);
        apply(5, (o) => o ^ v);
        apply(6, () => v);
        apply(7, (o) => (o >= v ? 0 : o + 1));
        apply(8, (o) => (o === 0 || o > v ? v : o - 1));
        expectOld.push(row);
      }
      // Atomics of one instruction run lane by lane within a warp, instruction by instruction: replay that order.
      const cell2 = [...init.slice(0, 11)].map((x) => x >>> 0);
      const olds2: number[][] = Array.from({ length: threads }, () => []);
      const fs: ((o: number, v: number) => number)[] = [
        (o, v) => o + v, (o, v) => ((o | 0) < (v | 0) ? o : v), (o, v) => Math.max(o, v), (o, v) => o & v, (o, v) => o | v,
        (o, v) => o ^ v, (_o, v) => v, (o, v) => (o >= v ? 0 : o + 1), (o, v) => (o === 0 || o > v ? v : o - 1),
      ];
      for (const warp of [[0, 32], [32, threads]] as const) {
        for (let k = 0; k < fs.length; k++) {
          for (let t = warp[0]; t < warp[1]; t++) {
            const v = (t * 3 - 20) >>> 0;
            olds2[t]!.push(cell2[k]!);
            cell2[k] = fs[k]!(cell2[k]!, v) >>> 0;
          }
        }
        for (let t = warp[0]; t < warp[1]; t++) {
          olds2[t]!.push(cell2[10]!);
          if (cell2[10] === t) cell2[10] = 100;
        }
      }
      void expectOld;
      const final = space === 'global' ? [...mem.slice(0, 9)] : [...mem.slice(16, 25)];
      assert.deepEqual(final, cell2.slice(0, 9));
      for (let t = 0; t < threads; t++) assert.deepEqual([...olds.slice(12 * t, 12 * t + 10)], olds2[t], `thread ${t}`);
    });
  }

  test('64-bit and floating-point atomics; red', () => {
    const ptx = `${HEAD}.visible .entry k(.param .u64 buf)
{
  .reg .b32 %r<8>; .reg .b64 %rd<16>; .reg .f32 %f<4>; .reg .f64 %fd<4>;
  ld.param.u64 %rd1, [buf];
  mov.u32 %r1, %tid.x;
  cvt.u64.u32 %rd2, %r1;
  shl.b64 %rd3, %rd2, 40;
  atom.global.add.u64 %rd4, [%rd1], %rd3;
  atom.global.min.s64 %rd5, [%rd1+8], %rd3;
  neg.s64 %rd6, %rd3;
  atom.global.max.s64 %rd7, [%rd1+16], %rd6;
  atom.global.cas.b64 %rd8, [%rd1+24], %rd2, %rd3;
  cvt.rn.f32.u32 %f1, %r1;
  red.global.add.f32 [%rd1+32], %f1;
  cvt.rn.f64.u32 %fd1, %r1;
  atom.global.add.f64 %fd2, [%rd1+40], %fd1;
  red.global.xor.b64 [%rd1+48], %rd3;
}`;
    const init = new BigInt64Array([1n, 1n << 50n, -(1n << 50n), 0n, 0n, 0n, 0x1234n]);
    const got = both(ptx, (l, interpret) => {
      const b = upload(l, init);
      runPtx('', 'k', { block: [64, 1, 1] }, [b], { interpret }, l);
      return download(l, b, BigInt64Array, 7);
    });
    let sum = 1n, xor = 0x1234n, cas = 0n;
    for (let t = 0n; t < 64n; t++) { sum += t << 40n; xor ^= t << 40n; if (cas === t) cas = t << 40n; }
    assert.equal(got[0], BigInt.asIntN(64, sum));
    assert.equal(got[1], 0n);
    assert.equal(got[2], 0n);
    assert.equal(got[3], cas);
    const f = new Float32Array(got.buffer, 32, 1)[0];
    assert.equal(f, 2016);
    assert.equal(new Float64Array(got.buffer, 40, 1)[0], 2016);
    assert.equal(got[6], xor);
  });
});

describe('loads and stores', () => {
  test('narrow loads sign- or zero-extend into wide registers; narrow stores truncate; vectors', () => {
    const ptx = `${HEAD}.visible .entry k(.param .u64 src, .param .u64 dst)
{
  .reg .b32 %r<12>; .reg .b64 %rd<12>; .reg .b16 %h<4>;
  ld.param.u64 %rd1, [src]; ld.param.u64 %rd2, [dst];
  ld.global.s8 %r1, [%rd1];
  ld.global.u8 %r2, [%rd1];
  ld.global.s16 %r3, [%rd1+2];
  ld.global.u16 %r4, [%rd1+2];
  ld.global.s32 %rd3, [%rd1+4];
  ld.global.u32 %rd4, [%rd1+4];
  ld.global.u8 %h1, [%rd1+1];
  ld.global.v2.u32 {%r5, %r6}, [%rd1+8];
  ld.global.v4.u8 {%h1, %h2, %h3, _}, [%rd1];
  st.global.v4.u32 [%rd2], {%r1, %r2, %r3, %r4};
  st.global.v2.u64 [%rd2+16], {%rd3, %rd4};
  st.global.u8 [%rd2+32], %r6;
  st.global.u16 [%rd2+34], %r5;
  cvt.u32.u16 %r7, %h1; cvt.u32.u16 %r8, %h2; cvt.u32.u16 %r9, %h3;
  st.global.v4.u32 [%rd2+48], {%r7, %r8, %r9, %r6};
}`;
    const src = new Uint8Array([0x80, 0x7f, 0xfe, 0xff, 0xf0, 0xff, 0xff, 0xff, 0x01, 0x02, 0x03, 0x04, 0xa5, 0xb6, 0xc7, 0xd8]);
    const got = both(ptx, (l, interpret) => {
      const s = upload(l, src), d = upload(l, new Uint8Array(64));
      runPtx('', 'k', { block: [1, 1, 1] }, [s, d], { interpret }, l);
      return download(l, d, Uint8Array, 64);
    });
    const v = new DataView(got.buffer);
    assert.equal(v.getInt32(0, true), -128);
    assert.equal(v.getInt32(4, true), 128);
    assert.equal(v.getInt32(8, true), -2);
    assert.equal(v.getInt32(12, true), 0xfffe);
    assert.equal(v.getBigInt64(16, true), -16n);
    assert.equal(v.getBigInt64(24, true), 0xfffffff0n);
    assert.equal(got[32], 0xa5);
    assert.equal(v.getUint16(34, true), 0x0201);
    assert.deepEqual([v.getUint32(48, true), v.getUint32(52, true), v.getUint32(56, true)], [0x80, 0x7f, 0xfe]);
  });
});

describe('generic addressing and state spaces', () => {
  test('cvta to and from shared, local and param windows; isspacep', () => {
    const ptx = `${HEAD}.visible .entry k(.param .u64 out, .param .u32 x)
{
  .local .align 4 .b8 depot[16];
  .shared .align 4 .b32 s[32];
  .reg .b32 %r<16>; .reg .b64 %rd<16>; .reg .pred %p<8>;
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, %tid.x;
  mov.u64 %rd2, s; cvta.shared.u64 %rd3, %rd2;
  mul.wide.u32 %rd4, %r1, 4; add.s64 %rd5, %rd3, %rd4;
  add.u32 %r2, %r1, 1000; st.u32 [%rd5], %r2;
  mov.u64 %rd6, depot; cvta.local.u64 %rd7, %rd6; st.u32 [%rd7+4], %r1;
  mov.u64 %rd8, x; cvta.param.u64 %rd9, %rd8; ld.u32 %r3, [%rd9];
  bar.sync 0;
  cvta.to.shared.u64 %rd10, %rd5; ld.shared.u32 %r4, [%rd10];
  ld.local.u32 %r5, [depot+4];
  isspacep.shared %p1, %rd5; isspacep.local %p2, %rd7; isspacep.global %p3, %rd1; isspacep.global %p4, %rd5; isspacep.param %p5, %rd9;
  selp.u32 %r6, 1, 0, %p1; selp.u32 %r7, 2, 0, %p2; selp.u32 %r8, 4, 0, %p3; selp.u32 %r9, 8, 0, %p4; selp.u32 %r10, 16, 0, %p5;
  or.b32 %r6, %r6, %r7; or.b32 %r6, %r6, %r8; or.b32 %r6, %r6, %r9; or.b32 %r6, %r6, %r10;
  mul.wide.u32 %rd11, %r1, 16; add.s64 %rd12, %rd1, %rd11;
  st.global.v4.u32 [%rd12], {%r3, %r4, %r5, %r6};
}`;
    const got = both(ptx, (l, interpret) => {
      const out = upload(l, new Uint32Array(32 * 4));
      runPtx('', 'k', { block: [32, 1, 1] }, [out, 77], { interpret }, l);
      return download(l, out, Uint32Array, 32 * 4);
    });
    for (let t = 0; t < 32; t++) assert.deepEqual([...got.subarray(4 * t, 4 * t + 4)], [77, t + 1000, t, 1 | 2 | 4 | 16]);
  });

  test('module variables: .global and .const data, initializers holding addresses (generic(x)), static and dynamic shared memory', () => {
    const ptx = `${HEAD}.global .align 4 .u32 counter = 41;
.const .align 4 .f32 coeffs[2] = {0f40000000, 0f40400000};
.global .align 8 .u64 ptrs[2] = {generic(counter), generic(coeffs)+4};
.extern .shared .align 16 .b8 dyn[];
.visible .entry k(.param .u64 out)
{
  .shared .align 4 .b32 st[3];
  .reg .b32 %r<12>; .reg .b64 %rd<12>; .reg .f32 %f<4>;
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, %tid.x;
  ld.global.u64 %rd2, [ptrs];
  atom.add.u32 %r2, [%rd2], 1;
  ld.global.u64 %rd3, [ptrs+8];
  ld.f32 %f1, [%rd3];
  ld.const.f32 %f2, [coeffs];
  mov.u32 %r3, dyn; mov.u32 %r4, st;
  mov.u32 %r5, %dynamic_smem_size; mov.u32 %r6, %total_smem_size;
  st.shared.u32 [dyn+252], %r1;
  mov.b32 %r7, %f1; mov.b32 %r8, %f2;
  mul.wide.u32 %rd4, %r1, 32; add.s64 %rd5, %rd1, %rd4;
  st.global.v4.u32 [%rd5], {%r2, %r7, %r8, %r3};
  st.global.v4.u32 [%rd5+16], {%r4, %r5, %r6, 0};
}`;
    const [got, counter] = both(ptx, (l, interpret) => {
      const out = upload(l, new Uint32Array(8 * 4));
      runPtx('', 'k', { block: [4, 1, 1], shared: 256 }, [out], { interpret }, l);
      return [download(l, out, Uint32Array, 32), download(l, l.variables.get('counter')!, Uint32Array, 1)[0]];
    });
    assert.equal(counter, 45);
    for (let t = 0; t < 4; t++) {
      const row = [...got.subarray(8 * t, 8 * t + 8)];
      assert.deepEqual(row, [41 + t, 0x40400000, 0x40000000, 16, 0, 256, 16 + 256, 0], `thread ${t}`);
    }
  });

  test('special registers', () => {
    const ptx = `${HEAD}.visible .entry k(.param .u64 out)
{
  .reg .b32 %r<24>; .reg .b64 %rd<8>;
  ld.param.u64 %rd1, [out];
  mov.u32 %r1, %tid.x; mov.u32 %r2, %tid.y; mov.u32 %r3, %tid.z;
  mov.u32 %r4, %ntid.x; mov.u32 %r5, %ctaid.y; mov.u32 %r6, %nctaid.z;
  mov.u32 %r7, %laneid; mov.u32 %r8, %warpid; mov.u32 %r9, %nwarpid;
  mov.u32 %r10, %lanemask_eq; mov.u32 %r11, %lanemask_lt; mov.u32 %r12, %lanemask_le; mov.u32 %r13, %lanemask_ge; mov.u32 %r14, %lanemask_gt;
  mov.u32 %r15, %smid; mov.u32 %r16, %nsmid;
  mov.u32 %r17, %ctaid.x; mov.u32 %r18, %ntid.y; mad.lo.u32 %r19, %r2, %r4, %r1; mov.u32 %r20, %ntid.z;
  mul.lo.u32 %r21, %r4, %r18; mad.lo.u32 %r19, %r3, %r21, %r19;
  mov.u32 %r22, %nctaid.x; mad.lo.u32 %r21, %r5, %r22, %r17; mul.lo.u32 %r21, %r21, 64; add.u32 %r19, %r19, %r21;
  mul.wide.u32 %rd2, %r19, 64; add.s64 %rd3, %rd1, %rd2;
  st.global.v4.u32 [%rd3], {%r1, %r2, %r3, %r4};
  st.global.v4.u32 [%rd3+16], {%r5, %r6, %r7, %r8};
  st.global.v4.u32 [%rd3+32], {%r9, %r10, %r11, %r12};
  st.global.v4.u32 [%rd3+48], {%r13, %r14, %r15, %r16};
}`;
    const got = both(ptx, (l, interpret) => {
      const out = upload(l, new Uint32Array(4 * 64 * 16));
      runPtx('', 'k', { grid: [2, 2, 1], block: [8, 4, 2] }, [out], { interpret }, l);
      return download(l, out, Uint32Array, 4 * 64 * 16);
    });
    for (let by = 0; by < 2; by++) for (let bx = 0; bx < 2; bx++) for (let z = 0; z < 2; z++) for (let y = 0; y < 4; y++) for (let x = 0; x < 8; x++) {
      const linear = x + 8 * y + 32 * z;
      const lane = linear % 32;
      const idx = (by * 2 + bx) * 64 + linear;
      const row = [...got.subarray(16 * idx, 16 * idx + 16)];
      assert.deepEqual(row, [
        x, y, z, 8, by, 1, lane, Math.floor(linear / 32), 64,
        (1 << lane) >>> 0, ((1 << lane) - 1) >>> 0, (2 ** (lane + 1) - 1) >>> 0, (-1 << lane) >>> 0, lane === 31 ? 0 : ((-2 << lane) >>> 0),
        (by * 2 + bx) % 132, 132,
      ], `block (${bx},${by}) thread (${x},${y},${z})`);
    }
  });
});
