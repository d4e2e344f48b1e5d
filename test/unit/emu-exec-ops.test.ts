/**
 * Per-opcode tests of the PTX engine through small hand-written kernels (emu-exec-harness.ts
 * `laneKernel`): integer and floating-point arithmetic, comparisons, conversions, moves and
 * immediates — run with the JIT and the interpreter (which must agree bit for bit) and checked
 * against BigInt / JS / num references. The numerics themselves are num's (tested there); these
 * tests cover what the engine adds: operand widths and signedness, register classes (64-bit
 * registers held as numbers or as words), guards, immediates, `d|p` results, packing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NAN64, fmaF32, fmaRnF64, f16ToNumber, nanF64Fma, toF16 } from '../../src/emu/num/index.js';
import { laneKernel, runLanes } from './emu-exec-harness.js';

const N = 64;
const I32_EDGES = [0, 1, -1, 2, -2, 2147483647, -2147483648, 0x7ffffffe, -0x7fffffff, 65535, 65536, -65536, 0x12345678, -0x12345678, 31, 32, 33, 63, 64, 100, -100];

function i32s(seed: number): Int32Array {
  const a = new Int32Array(N);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < N; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    a[i] = i < I32_EDGES.length ? I32_EDGES[(i + seed) % I32_EDGES.length]! : x | 0;
  }
  return a;
}

function i64s(seed: number): BigInt64Array {
  const lo = i32s(seed), hi = i32s(seed + 7);
  const edges = [0n, 1n, -1n, (1n << 63n) - 1n, -(1n << 63n), 1n << 32n, (1n << 32n) - 1n, -(1n << 32n), 1n << 52n, (1n << 53n) + 1n, -(1n << 53n) - 3n];
  return BigInt64Array.from({ length: N }, (_, i) => (i < edges.length ? edges[(i + seed) % edges.length]! : (BigInt(hi[i]!) << 32n) | BigInt(lo[i]! >>> 0)));
}

/** Runs `op` (writing %d from %a0, %a1 …) over the inputs. */
function lanes<T extends Int32Array | Uint32Array | BigInt64Array | BigUint64Array | Float32Array | Float64Array | Uint16Array | Int16Array | Uint8Array>(
  op: string, types: readonly string[], outType: string, inputs: readonly ArrayBufferView[], out: T, decls = ''): T {
  return runLanes(laneKernel(op, types, outType, decls), inputs as never, out);
}

const u32 = (x: number): number => x >>> 0;
const big = (x: bigint): bigint => BigInt.asIntN(64, x);

describe('integer arithmetic', () => {
  const a = i32s(1), b = i32s(2), c = i32s(3);
  test('32-bit add, sub, mul.lo/hi/wide, mad, sad, min/max, abs/neg with their signedness', () => {
    const cases: [string, (x: number, y: number, z: number) => number | bigint, string][] = [
      ['add.s32 %d, %a0, %a1;', (x, y) => (x + y) | 0, 's32'],
      ['sub.u32 %d, %a0, %a1;', (x, y) => (x - y) | 0, 's32'],
      ['add.sat.s32 %d, %a0, %a1;', (x, y) => Math.max(-2147483648, Math.min(2147483647, x + y)), 's32'],
      ['mul.lo.s32 %d, %a0, %a1;', (x, y) => Math.imul(x, y), 's32'],
      ['mul.hi.s32 %d, %a0, %a1;', (x, y) => Number((BigInt(x) * BigInt(y)) >> 32n) | 0, 's32'],
      ['mul.hi.u32 %d, %a0, %a1;', (x, y) => Number((BigInt(u32(x)) * BigInt(u32(y))) >> 32n) | 0, 's32'],
      ['mad.lo.s32 %d, %a0, %a1, %a2;', (x, y, z) => (Math.imul(x, y) + z) | 0, 's32'],
      ['min.s32 %d, %a0, %a1;', (x, y) => Math.min(x, y), 's32'],
      ['max.u32 %d, %a0, %a1;', (x, y) => (u32(x) > u32(y) ? x : y), 's32'],
      ['abs.s32 %d, %a0;', (x) => Math.abs(x) | 0, 's32'],
      ['neg.s32 %d, %a0;', (x) => -x | 0, 's32'],
      ['sad.u32 %d, %a0, %a1, %a2;', (x, y, z) => (Math.abs(u32(x) - u32(y)) + z) | 0, 's32'],
      ['min.s32 %d, %a0, %a1, %a2;', (x, y, z) => Math.min(x, y, z), 's32'],
    ];
    for (const [op, ref] of cases) {
      const got = lanes(op, ['s32', 's32', 's32'], 's32', [a, b, c], new Int32Array(N));
      for (let i = 0; i < N; i++) assert.equal(got[i], Number(ref(a[i]!, b[i]!, c[i]!)) | 0, `${op} [${i}] ${a[i]}, ${b[i]}, ${c[i]}`);
    }
  });

  test('mul.wide and mad.wide into 64-bit registers held as words and as numbers', () => {
    for (const asNumber of [false, true]) {
      const force = asNumber ? '\ncvta.to.global.u64 %rd20, %d;' : '';
      const s = lanes(`mul.wide.s32 %d, %a0, %a1;${force}`, ['s32', 's32'], 's64', [a, b], new BigInt64Array(N));
      const u = lanes(`mul.wide.u32 %d, %a0, %a1;${force}`, ['u32', 'u32'], 'u64', [a, b], new BigUint64Array(N));
      for (let i = 0; i < N; i++) {
        const ps = BigInt(a[i]!) * BigInt(b[i]!), pu = BigInt(u32(a[i]!)) * BigInt(u32(b[i]!));
        // Numbers hold addresses: exact below 2^53.
        if (!asNumber || (ps < 2n ** 53n && ps > -(2n ** 53n))) assert.equal(s[i], ps, `mul.wide.s32 ${a[i]} ${b[i]}`);
        if (!asNumber || pu < 2n ** 53n) assert.equal(u[i], pu, `mul.wide.u32 ${a[i]} ${b[i]}`);
      }
    }
  });

  test('64-bit arithmetic, logic and comparisons on words are exact', () => {
    const x = i64s(1), y = i64s(2);
    const cases: [string, (p: bigint, q: bigint) => bigint][] = [
      ['add.s64 %d, %a0, %a1;', (p, q) => big(p + q)],
      ['sub.s64 %d, %a0, %a1;', (p, q) => big(p - q)],
      ['mul.lo.s64 %d, %a0, %a1;', (p, q) => big(p * q)],
      ['mul.hi.s64 %d, %a0, %a1;', (p, q) => big((p * q) >> 64n)],
      ['mul.hi.u64 %d, %a0, %a1;', (p, q) => big((BigInt.asUintN(64, p) * BigInt.asUintN(64, q)) >> 64n)],
      ['and.b64 %d, %a0, %a1;', (p, q) => p & q],
      ['xor.b64 %d, %a0, %a1;', (p, q) => p ^ q],
      ['min.s64 %d, %a0, %a1;', (p, q) => (p < q ? p : q)],
      ['max.u64 %d, %a0, %a1;', (p, q) => (BigInt.asUintN(64, p) > BigInt.asUintN(64, q) ? p : q)],
      ['div.s64 %d, %a0, %a1;', (p, q) => (q === 0n ? -1n : p === -(1n << 63n) && q === -1n ? p : big(p / q))],
      ['rem.u64 %d, %a0, %a1;', (p, q) => (q === 0n ? -1n : big(BigInt.asUintN(64, p) % BigInt.asUintN(64, q)))],
      ['neg.s64 %d, %a0;', (p) => big(-p)],
      ['not.b64 %d, %a0;', (p) => ~p],
      ['shl.b64 %d, %a0, 13;', (p) => big(p << 13n)],
      ['shr.s64 %d, %a0, 40;', (p) => p >> 40n],
      ['shr.u64 %d, %a0, 63;', (p) => BigInt.asUintN(64, p) >> 63n],
    ];
    for (const [op, ref] of cases) {
      const got = lanes(op, ['s64', 's64'], 's64', [x, y], new BigInt64Array(N));
      for (let i = 0; i < N; i++) {
        if (op.startsWith('div') || op.startsWith('rem')) {
          if (y[i] === 0n) continue; // division by zero: num's business (gpu-truth-report DIV0)
        }
        assert.equal(got[i], ref(x[i]!, y[i]!), `${op} [${i}] ${x[i]}, ${y[i]}`);
      }
    }
    const cmp: [string, (p: bigint, q: bigint) => boolean][] = [
      ['setp.lt.s64 %d, %a0, %a1;', (p, q) => p < q],
      ['setp.lo.u64 %d, %a0, %a1;', (p, q) => BigInt.asUintN(64, p) < BigInt.asUintN(64, q)],
      ['setp.ge.u64 %d, %a0, %a1;', (p, q) => BigInt.asUintN(64, p) >= BigInt.asUintN(64, q)],
      ['setp.ne.s64 %d, %a0, %a1;', (p, q) => p !== q],
    ];
    for (const [op, ref] of cmp) {
      const got = lanes(op, ['s64', 's64'], 'pred', [x, y], new Uint8Array(N));
      for (let i = 0; i < N; i++) assert.equal(got[i], ref(x[i]!, y[i]!) ? 1 : 0, `${op} ${x[i]} ${y[i]}`);
    }
  });

  test('64-bit values held as numbers (address-like registers): arithmetic, unsigned compares of negatives, stores', () => {
    const small = BigInt64Array.from({ length: N }, (_, i) => BigInt((i - 32) * 123457) * (i % 3 === 0 ? -1n : 1n));
    const other = BigInt64Array.from({ length: N }, (_, i) => BigInt(i * 977 - 5000));
    const force = '\ncvta.to.global.u64 %rd20, %d;';
    const add = lanes(`add.s64 %d, %a0, %a1;${force}`, ['s64', 's64'], 's64', [small, other], new BigInt64Array(N));
    const shl = lanes(`shl.b64 %d, %a0, 3;${force}`, ['s64'], 's64', [small], new BigInt64Array(N));
    const mad = lanes(`mad.lo.s64 %d, %a0, 12, %a1;${force}`, ['s64', 's64'], 's64', [small, other], new BigInt64Array(N));
    const cmp = lanes('cvta.to.global.u64 %rd20, %a0;\ncvta.to.global.u64 %rd21, %a1;\nsetp.lo.u64 %d, %a0, %a1;', ['s64', 's64'], 'pred', [small, other], new Uint8Array(N));
    for (let i = 0; i < N; i++) {
      assert.equal(add[i], small[i]! + other[i]!);
      assert.equal(shl[i], small[i]! * 8n);
      assert.equal(mad[i], small[i]! * 12n + other[i]!);
      assert.equal(cmp[i], BigInt.asUintN(64, small[i]!) < BigInt.asUintN(64, other[i]!) ? 1 : 0, `${small[i]} <u ${other[i]}`);
    }
  });

  test('shifts clamp counts at or above the width; bit operations', () => {
    const counts = Int32Array.from({ length: N }, (_, i) => [0, 1, 31, 32, 33, 64, -1, 255, 1000][i % 9]!);
    const shl = lanes('shl.b32 %d, %a0, %a1;', ['b32', 'u32'], 'b32', [a, counts], new Int32Array(N));
    const shrs = lanes('shr.s32 %d, %a0, %a1;', ['s32', 'u32'], 's32', [a, counts], new Int32Array(N));
    const shru = lanes('shr.u32 %d, %a0, %a1;', ['u32', 'u32'], 'u32', [a, counts], new Uint32Array(N));
    const shr16 = lanes('cvt.u16.u32 %h1, %a0;\nshr.s16 %h2, %h1, %a1;\ncvt.s32.s16 %d, %h2;', ['u32', 'u32'], 's32', [a, counts], new Int32Array(N));
    const popc = lanes('popc.b32 %d, %a0;', ['b32'], 'u32', [a], new Uint32Array(N));
    const bfe = lanes('bfe.s32 %d, %a0, 4, 8;', ['s32'], 's32', [a], new Int32Array(N));
    for (let i = 0; i < N; i++) {
      const n = u32(counts[i]!);
      assert.equal(shl[i], n >= 32 ? 0 : a[i]! << n);
      assert.equal(shrs[i], a[i]! >> Math.min(n, 31));
      assert.equal(shru[i], n >= 32 ? 0 : u32(a[i]!) >>> n);
      const h = (a[i]! << 16) >> 16;
      assert.equal(shr16[i], h >> Math.min(n, 15));
      assert.equal(popc[i], u32(a[i]!).toString(2).replace(/0/g, '').length);
      assert.equal(bfe[i], (a[i]! << 20) >> 24);
    }
  });

  test('carry chains: add.cc/addc and sub.cc/subc build 64-bit arithmetic', () => {
    const x = i64s(3), y = i64s(4);
    const decls = '.reg .b32 %xl, %xh, %yl, %yh, %zl, %zh;';
    const body = (o1: string, o2: string): string =>
      `mov.b64 {%xl, %xh}, %a0;\nmov.b64 {%yl, %yh}, %a1;\n${o1}.cc.u32 %zl, %xl, %yl;\n${o2}.u32 %zh, %xh, %yh;\nmov.b64 %d, {%zl, %zh};`;
    const add = lanes(body('add', 'addc'), ['s64', 's64'], 's64', [x, y], new BigInt64Array(N), decls);
    const sub = lanes(body('sub', 'subc'), ['s64', 's64'], 's64', [x, y], new BigInt64Array(N), decls);
    for (let i = 0; i < N; i++) {
      assert.equal(add[i], big(x[i]! + y[i]!));
      assert.equal(sub[i], big(x[i]! - y[i]!));
    }
  });
});

describe('SIMD video instructions', () => {
  test('vabsdiff4, vadd2.sat, vset4, vmax4 with the accumulating .add', () => {
    const a = i32s(21), b = i32s(22), c = i32s(23);
    const bytes = (x: number, signed: boolean): number[] => [0, 8, 16, 24].map((s) => (signed ? (x << (24 - s)) >> 24 : (x >>> s) & 255));
    const halves = (x: number, signed: boolean): number[] => [0, 16].map((s) => (signed ? (x << (16 - s)) >> 16 : (x >>> s) & 65535));
    const pack = (v: number[], bits: number): number => v.reduce((acc, r, i) => acc | ((r & ((1 << bits) - 1)) << (i * bits)), 0) | 0;
    const cases: [string, (x: number, y: number, z: number) => number][] = [
      ['vabsdiff4.u32.u32.u32 %d, %a0, %a1, %a2;', (x, y) => pack(bytes(x, false).map((p, i) => Math.abs(p - bytes(y, false)[i]!)), 8)],
      ['vadd2.s32.s32.s32.sat %d, %a0, %a1, %a2;', (x, y) => pack(halves(x, true).map((p, i) => Math.max(-32768, Math.min(32767, p + halves(y, true)[i]!))), 16)],
      ['vset4.u32.u32.u32.lt %d, %a0, %a1, %a2;', (x, y) => pack(bytes(x, false).map((p, i) => (p < bytes(y, false)[i]! ? 1 : 0)), 8)],
      ['vmax4.u32.s32.s32.add %d, %a0, %a1, %a2;', (x, y, z) => (bytes(x, true).reduce((acc, p, i) => acc + Math.max(p, bytes(y, true)[i]!), 0) + z) | 0],
    ];
    for (const [op, ref] of cases) {
      const got = lanes(op, ['b32', 'b32', 'b32'], 'b32', [a, b, c], new Int32Array(N));
      for (let i = 0; i < N; i++) assert.equal(got[i], ref(a[i]!, b[i]!, c[i]!), `${op} 0x${u32(a[i]!).toString(16)} 0x${u32(b[i]!).toString(16)}`);
    }
  });
});

describe('comparison, selection, guards', () => {
  const a = i32s(5), b = i32s(6);
  test('setp with boolean combination writes p and its complement q', () => {
    const body = 'setp.lt.and.s32 %p1|%p2, %a0, %a1, %p3;\nselp.u32 %r1, 1, 0, %p1;\nselp.u32 %r2, 2, 0, %p2;\nor.b32 %d, %r1, %r2;';
    const withP3 = (v: number): string => `setp.ne.s32 %p3, %a2, ${v};\n`;
    const c = Int32Array.from({ length: N }, (_, i) => i % 2);
    const got = lanes(withP3(0) + body, ['s32', 's32', 's32'], 'u32', [a, b, c], new Uint32Array(N));
    for (let i = 0; i < N; i++) {
      const r = a[i]! < b[i]!, p3 = c[i] !== 0;
      assert.equal(got[i], (r && p3 ? 1 : 0) | (!r && p3 ? 2 : 0), `[${i}]`);
    }
  });

  test('guarded instructions leave other lanes unchanged; negated guards', () => {
    const body = 'mov.u32 %d, 7;\nsetp.gt.s32 %p1, %a0, %a1;\n@%p1 add.s32 %d, %a0, 1;\n@!%p1 mov.u32 %r1, 100;\n@!%p1 add.s32 %d, %d, %r1;';
    const got = lanes(body, ['s32', 's32'], 's32', [a, b], new Int32Array(N));
    for (let i = 0; i < N; i++) assert.equal(got[i], a[i]! > b[i]! ? (a[i]! + 1) | 0 : 107);
  });

  test('float comparisons: ordered, unordered, num/nan; selp and slct copy bits', () => {
    const xs = Float32Array.from({ length: N }, (_, i) => [0, -0, 1, -1, NaN, Infinity, -Infinity, 1e-40, 3.5][i % 9]!);
    const ys = Float32Array.from({ length: N }, (_, i) => [0, NaN, -0, 1, 2, Infinity, 3.5, -1e-40][i % 8]!);
    const ops: [string, (x: number, y: number) => boolean][] = [
      ['setp.lt.f32', (x, y) => x < y], ['setp.ne.f32', (x, y) => x === x && y === y && x !== y], ['setp.neu.f32', (x, y) => x !== y],
      ['setp.geu.f32', (x, y) => !(x < y)], ['setp.equ.f32', (x, y) => x === y || x !== x || y !== y], ['setp.num.f32', (x, y) => x === x && y === y],
      ['setp.nan.f32', (x, y) => x !== x || y !== y], ['setp.le.ftz.f32', (x, y) => (Math.abs(x) < 1.1754943508222875e-38 ? 0 : x) <= (Math.abs(y) < 1.1754943508222875e-38 ? 0 : y)],
    ];
    for (const [op, ref] of ops) {
      const got = lanes(`${op} %d, %a0, %a1;`, ['f32', 'f32'], 'pred', [xs, ys], new Uint8Array(N));
      for (let i = 0; i < N; i++) assert.equal(got[i], ref(xs[i]!, ys[i]!) ? 1 : 0, `${op} ${xs[i]} ${ys[i]}`);
    }
    const bits = Uint32Array.from({ length: N }, (_, i) => (0x7f800001 + i) >>> 0); // signaling NaNs: selp must not quiet them
    const sel = lanes('setp.ne.s32 %p1, %r31, 5;\nselp.f32 %d, %a0, %a1, %p1;', ['f32', 'f32'], 'f32', [new Float32Array(bits.buffer), xs], new Uint32Array(N) as never) as unknown as Uint32Array;
    for (let i = 0; i < N; i++) assert.equal(sel[i], i % 32 !== 5 ? bits[i] : new Uint32Array(xs.buffer)[i]);
  });
});

describe('floating point', () => {
  test('fma.rn.f32: the inline fast path equals num fmaF32 on random and midpoint-prone inputs', () => {
    const f32 = fc.float({ noDefaultInfinity: false, noNaN: false });
    const triples = fc.sample(fc.tuple(f32, f32, f32), 2048);
    // Inputs whose binary64 sum lands on a binary32 midpoint (a·b exact, c cancels most of it).
    for (let k = 0; k < 256; k++) {
      const a = Math.fround(1 + (k + 1) * 2 ** -12), b = Math.fround(1 + (k + 3) * 2 ** -12);
      triples.push([a, b, Math.fround(-Math.fround(a * b) + 2 ** -30 * k)]);
      triples.push([a, b, -1], [a, -b, Math.fround(a * b)], [2 ** -70, 2 ** -70, 2 ** -149]);
    }
    const n = Math.ceil(triples.length / 32) * 32;
    const cols = [0, 1, 2].map((j) => Float32Array.from({ length: n }, (_, i) => triples[i % triples.length]![j]!));
    const got = new Uint32Array(lanes('fma.rn.f32 %d, %a0, %a1, %a2;', ['f32', 'f32', 'f32'], 'f32', cols, new Float32Array(n)).buffer);
    const ftz = new Uint32Array(lanes('fma.rn.ftz.f32 %d, %a0, %a1, %a2;', ['f32', 'f32', 'f32'], 'f32', cols, new Float32Array(n)).buffer);
    const want = new Float32Array(1);
    const wantBits = new Uint32Array(want.buffer);
    for (let i = 0; i < n; i++) {
      const r = fmaF32(cols[0]![i]!, cols[1]![i]!, cols[2]![i]!, 0);
      want[0] = r;
      assert.equal(got[i], r !== r ? 0x7fffffff : wantBits[0], `fma(${cols[0]![i]}, ${cols[1]![i]}, ${cols[2]![i]})`);
      assert.ok(ftz[i] !== undefined);
    }
  });

  test('f64 fma: num fmaRnF64, and NaN results carry the operand NaN the H100 picks (num nanF64Fma), from both executors', () => {
    const xs = Float64Array.from({ length: N }, (_, i) => [1.5, Infinity, 0, -2, 1, 1e308, 3][i % 7]!);
    const ys = Float64Array.from({ length: N }, (_, i) => [2.25, 0, -Infinity, 1 / 3, 5, 10, 7][i % 7]!);
    const zs = Float64Array.from({ length: N }, (_, i) => [1e-300, -1, 7, 0.1, 1, -Infinity, 2][i % 7]!);
    // NaN operands with payloads, written as bits (a NaN written as a JS number would lose them).
    const xw = new BigUint64Array(xs.buffer), yw = new BigUint64Array(ys.buffer), zw = new BigUint64Array(zs.buffer);
    for (let i = 8; i < N; i += 9) xw[i] = 0x7ff0000000000123n;
    for (let i = 5; i < N; i += 11) yw[i] = 0xfff8000000004567n;
    for (let i = 3; i < N; i += 13) zw[i] = 0x7ff8000000000089n;
    const got = lanes('fma.rn.f64 %d, %a0, %a1, %a2;', ['f64', 'f64', 'f64'], 'f64', [xs, ys, zs], new Float64Array(N));
    const bits = new BigUint64Array(got.buffer);
    const w = (x: bigint): [number, number] => [Number(x >> 32n), Number(x & 0xffffffffn)];
    for (let i = 0; i < N; i++) {
      const r = fmaRnF64(xs[i]!, ys[i]!, zs[i]!);
      if (r === r) {
        assert.equal(got[i], r);
        continue;
      }
      nanF64Fma(...w(xw[i]!), ...w(yw[i]!), ...w(zw[i]!));
      assert.equal(bits[i], (BigInt(NAN64[1]!) << 32n) | BigInt(NAN64[0]!), `fma NaN [${i}]`);
    }
  });

  test('fma.rn.f64 (inline common path) = num fmaRnF64 on hard operands: cancellation, ties, range ends', () => {
    const M = 4096;
    let seed = 12345;
    const rnd = (): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 4294967296; };
    const val = (e: number): number => (1 + Math.floor(rnd() * 2 ** 26) * 2 ** -26 + Math.floor(rnd() * 2 ** 26) * 2 ** -52) * 2 ** e * (rnd() < 0.5 ? -1 : 1);
    const xs = new Float64Array(M), ys = new Float64Array(M), zs = new Float64Array(M);
    for (let i = 0; i < M; i++) {
      const kind = i % 6;
      const ex = kind === 5 ? Math.floor(rnd() * 2000) - 1000 : Math.floor(rnd() * 60) - 30;
      const x = val(ex), y = kind === 5 ? val(Math.floor(rnd() * 2000) - 1000) : val(Math.floor(rnd() * 60) - 30);
      const p = x * y;
      const ulp = Math.abs(p) * 2 ** -52;
      xs[i] = x; ys[i] = y;
      zs[i] = kind === 0 ? -p : kind === 1 ? -p + (Math.floor(rnd() * 9) - 4) * ulp : kind === 2 ? ulp / 2 : kind === 3 ? p * 2 ** -(53 + Math.floor(rnd() * 4)) : val(Math.floor(rnd() * 2100) - 1050);
    }
    const got = runLanes(laneKernel('fma.rn.f64 %d, %a0, %a1, %a2;', ['f64', 'f64', 'f64'], 'f64'), [xs, ys, zs], new Float64Array(M));
    for (let i = 0; i < M; i++) assert.ok(Object.is(got[i], fmaRnF64(xs[i]!, ys[i]!, zs[i]!)), `fma(${xs[i]}, ${ys[i]}, ${zs[i]}) = ${got[i]}`);
  });

  test('rounding modes, ftz and sat reach num', () => {
    const xs = Float32Array.from({ length: N }, (_, i) => Math.fround((i - 20) * 0.37 + 1e-39 * (i % 3)));
    const ys = Float32Array.from({ length: N }, (_, i) => Math.fround(1 / (i + 3)));
    const rz = lanes('add.rz.f32 %d, %a0, %a1;', ['f32', 'f32'], 'f32', [xs, ys], new Float32Array(N));
    const sat = lanes('mul.sat.f32 %d, %a0, %a1;', ['f32', 'f32'], 'f32', [xs, ys], new Float32Array(N));
    const div = lanes('div.rn.f32 %d, %a0, %a1;', ['f32', 'f32'], 'f32', [xs, ys], new Float32Array(N));
    for (let i = 0; i < N; i++) {
      const s = xs[i]! + ys[i]!;
      const f = Math.fround(s);
      assert.ok(Math.abs(rz[i]!) <= Math.abs(s) && Math.abs(f - rz[i]!) <= Math.abs(f) * 2 ** -22);
      assert.equal(sat[i], Math.min(1, Math.max(0, Math.fround(xs[i]! * ys[i]!))));
      assert.equal(div[i], Math.fround(xs[i]! / ys[i]!));
    }
  });

  test('abs and neg of a NaN give the canonical NaN (as measured on the H100)', () => {
    const bits = Uint32Array.from({ length: N }, (_, i) => [0x7fc12345, 0xff812345, 0x3f800000, 0x80000000][i % 4]!);
    for (const op of ['abs.f32', 'neg.f32']) {
      const got = new Uint32Array(lanes(`${op} %d, %a0;`, ['f32'], 'f32', [new Float32Array(bits.buffer)], new Float32Array(N)).buffer);
      for (let i = 0; i < N; i++) {
        const want = i % 4 < 2 ? 0x7fffffff : op === 'abs.f32' ? bits[i]! & 0x7fffffff : (bits[i]! ^ 0x80000000) >>> 0;
        assert.equal(got[i], want >>> 0, `${op} 0x${bits[i]!.toString(16)}`);
      }
    }
  });

  test('half precision: packed add, conversions, setp.f16x2 p|q', () => {
    const xs = Uint32Array.from({ length: N }, (_, i) => ((toF16(i * 0.5, 0) << 16) | toF16(-i * 0.25, 0)) >>> 0);
    const ys = Uint32Array.from({ length: N }, (_, i) => ((toF16(1.5, 0) << 16) | toF16(i % 7, 0)) >>> 0);
    const sum = lanes('add.f16x2 %d, %a0, %a1;', ['f16x2', 'f16x2'], 'f16x2', [xs, ys], new Uint32Array(N));
    const cmp = lanes('setp.lt.f16x2 %p1|%p2, %a0, %a1;\nselp.u32 %r1, 1, 0, %p1;\nselp.u32 %r2, 2, 0, %p2;\nor.b32 %d, %r1, %r2;', ['f16x2', 'f16x2'], 'u32', [xs, ys], new Uint32Array(N));
    const cvt = lanes('cvt.rn.f16.f32 %h1, %a0;\ncvt.f32.f16 %d, %h1;', ['f32'], 'f32', [Float32Array.from({ length: N }, (_, i) => i * 0.1001)], new Float32Array(N));
    for (let i = 0; i < N; i++) {
      const lo = f16ToNumber(xs[i]! & 0xffff) + f16ToNumber(ys[i]! & 0xffff), hi = f16ToNumber(xs[i]! >>> 16) + f16ToNumber(ys[i]! >>> 16);
      assert.equal(sum[i], ((toF16(hi, 0) << 16) | toF16(lo, 0)) >>> 0);
      const pl = f16ToNumber(xs[i]! & 0xffff) < f16ToNumber(ys[i]! & 0xffff), ph = f16ToNumber(xs[i]! >>> 16) < f16ToNumber(ys[i]! >>> 16);
      assert.equal(cmp[i], (pl ? 1 : 0) | (ph ? 2 : 0));
      assert.equal(cvt[i], f16ToNumber(toF16(Math.fround(i * 0.1001), 0)));
    }
  });
});

describe('conversions and moves', () => {
  const a = i32s(9);
  test('integer widening and narrowing: sign and zero extension, saturation', () => {
    const cases: [string, string, string, (x: number) => number | bigint][] = [
      ['cvt.s64.s32 %d, %a0;', 's32', 's64', (x) => BigInt(x)],
      ['cvt.u64.u32 %d, %a0;', 'u32', 'u64', (x) => BigInt(u32(x))],
      ['cvt.u16.u32 %h1, %a0;\ncvt.s32.s16 %d, %h1;', 'u32', 's32', (x) => (x << 16) >> 16],
      ['cvt.u8.u32 %h1, %a0;\ncvt.u32.u8 %d, %h1;', 'u32', 'u32', (x) => x & 255],
      ['cvt.sat.s16.s32 %h1, %a0;\ncvt.s32.s16 %d, %h1;', 's32', 's32', (x) => Math.max(-32768, Math.min(32767, x))],
      ['cvt.sat.u8.s32 %h1, %a0;\ncvt.u32.u8 %d, %h1;', 's32', 'u32', (x) => Math.max(0, Math.min(255, x))],
    ];
    for (const [op, it, ot, ref] of cases) {
      const out = ot.endsWith('64') ? (ot[0] === 's' ? new BigInt64Array(N) : new BigUint64Array(N)) : ot[0] === 's' ? new Int32Array(N) : new Uint32Array(N);
      const got = lanes(op, [it], ot, [a], out as never);
      for (let i = 0; i < N; i++) assert.equal(got[i], ref(a[i]!), `${op} ${a[i]}`);
    }
  });

  test('float to integer: rounding modes, saturation, NaN as on the H100', () => {
    const xs = Float32Array.from({ length: N }, (_, i) => [2.5, -2.5, 3.5, -0.5, 1e10, -1e10, NaN, Infinity, 0.49999997, -7.9][i % 10]!);
    const rni = lanes('cvt.rni.s32.f32 %d, %a0;', ['f32'], 's32', [xs], new Int32Array(N));
    const rmi = lanes('cvt.rmi.u32.f32 %d, %a0;', ['f32'], 'u32', [xs], new Uint32Array(N));
    const s64 = lanes('cvt.rni.s64.f32 %d, %a0;', ['f32'], 's64', [xs], new BigInt64Array(N));
    const fromF64 = lanes('cvt.f64.f32 %fd1, %a0;\ncvt.rzi.s32.f64 %d, %fd1;', ['f32'], 's32', [xs], new Int32Array(N));
    const rint = (x: number): number => { const r = Math.round(x); return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r; };
    for (let i = 0; i < N; i++) {
      const x = xs[i]!;
      assert.equal(rni[i], x !== x ? 0 : Math.max(-2147483648, Math.min(2147483647, rint(x))) + 0);
      assert.equal(rmi[i], x !== x ? 0 : Math.max(0, Math.min(4294967295, Math.floor(x))) + 0);
      assert.equal(s64[i], x !== x ? -(1n << 63n) : x === Infinity ? (1n << 63n) - 1n : BigInt(Math.max(-(2 ** 63), rint(x))));
      assert.equal(fromF64[i], x !== x ? -2147483648 : Math.max(-2147483648, Math.min(2147483647, Math.trunc(x))) + 0);
    }
  });

  test('mov packs and unpacks vectors; immediates in hex-float and negative forms', () => {
    const body = '.reg .b16 %q<4>;\nmov.b32 {%q0, %q1}, %a0;\nmov.b32 %r1, {%q1, %q0};\nmov.b64 %rd1, {%r1, %a0};\nmov.b64 {%r2, %r3}, %rd1;\n' +
      'mov.f32 %f1, 0f3FC00000;\nmov.b32 %r4, %f1;\nadd.u32 %r5, %r4, -1;\nxor.b32 %r6, %r2, %r3;\nadd.u32 %d, %r6, %r5;';
    const got = lanes(body, ['b32'], 'u32', [a], new Uint32Array(N));
    for (let i = 0; i < N; i++) {
      const x = u32(a[i]!);
      const swapped = ((x << 16) | (x >>> 16)) >>> 0;
      assert.equal(got[i], u32((swapped ^ x) + 0x3fc00000 - 1));
    }
  });
});
