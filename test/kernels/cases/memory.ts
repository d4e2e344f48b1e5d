/**
 * Memory spaces and parameter passing: dynamic shared memory, module globals (__constant__ and
 * __device__, written and read by the host), per-thread local arrays, structs by value (one with a
 * pointer member), and a kernel that stores every scalar parameter type byte for byte.
 * @module
 */
import type { KernelCase, StructField } from '../types.js';
import { EXACT, inBuf, launch1d, outBuf, scalar, struct } from '../support/builders.js';
import { F64, bf16FromNumber, f16FromNumber, fma32, intToFloat } from '../support/float.js';
import { Rng, f32Array, i32Array } from '../support/prng.js';
import { writeElement } from '../support/elements.js';

function dynamicShared(): KernelCase[] {
  const rng = new Rng('dynamic_smem');
  const nr = 1_000, br = 128, n2 = 700, b2 = 96;
  return [
    {
      name: 'reverse_segments', description: 'extern __shared__ int[] sized at launch (blockDim ints): reverse each block segment, partial last block',
      source: 'dynamic_smem.cu', ptxFile: 'ptx/dynamic_smem.ptx', entry: 'reverse_segments', ...launch1d(nr, br), sharedMemBytes: br * 4,
      args: [inBuf('in', 'i32', i32Array(rng, nr, 0, 1_000_000)), outBuf('out', 'i32', nr), scalar('n', 'i32', nr)],
      reference: (io) => {
        const x = io.buffer('in', 'i32'), out = new Int32Array(nr);
        for (let base = 0; base < nr; base += br) {
          for (let t = 0; t < br; t++) {
            const j = base + br - 1 - t;
            if (j < nr) out[j] = base + t < nr ? (x[base + t] as number) : -1;
          }
        }
        return { out };
      },
      compare: { out: EXACT }, tags: ['int', 'dynamic-shared', 'barrier'],
    },
    {
      name: 'dynamic_two_arrays', description: 'one dynamic shared allocation carved into a float array and an int array (sharedMemBytes = 8 * blockDim)',
      source: 'dynamic_smem.cu', ptxFile: 'ptx/dynamic_smem.ptx', entry: 'dynamic_two_arrays', ...launch1d(n2, b2), sharedMemBytes: b2 * 8,
      args: [inBuf('x', 'f32', f32Array(rng, n2, -10, 10)), inBuf('key', 'i32', i32Array(rng, n2, 0, 5)), outBuf('out', 'f32', n2), scalar('n', 'i32', n2)],
      reference: (io) => {
        const x = io.buffer('x', 'f32'), key = io.buffer('key', 'i32'), out = new Float32Array(n2);
        x.forEach((v, i) => {
          const base = i - (i % b2);
          let count = 0;
          for (let j = base; j < Math.min(base + b2, n2); j++) if (key[j] === key[i]) count++;
          out[i] = Math.fround(v * count);
        });
        return { out };
      },
      compare: { out: EXACT }, tags: ['f32', 'dynamic-shared', 'barrier'],
    },
  ];
}

function globalsPoly(): KernelCase {
  const n = 3_000, rng = new Rng('globals_poly');
  const poly = [1.0, -0.5, 0.25, 0.125];                    // c_poly's initializer in globals.cu
  const offsets = [0, 3, -3, 7, -7, 11, -11, 100];         // d_offsets's initializer
  return {
    name: 'globals_poly', description: '__constant__ table with initializer, __constant__ array and __device__ scalar written by the host, initialized __device__ table, __device__ counter read back',
    source: 'globals.cu', ptxFile: 'ptx/globals.ptx', entry: 'globals_poly', ...launch1d(n, 256), sharedMemBytes: 0,
    args: [inBuf('x', 'f32', f32Array(rng, n, -2, 2)), outBuf('y', 'f32', n), scalar('n', 'i32', n)],
    globals: [
      { symbol: 'c_weights', type: 'f32', data: Float32Array.of(1, -1, 0.5, 2, -0.25, 3, 1.5, -2), check: false },
      { symbol: 'd_scale', type: 'f32', data: Float32Array.of(Math.fround(1.7)), check: false },
      { symbol: 'd_counter', type: 'u32', data: Uint32Array.of(0), check: true },
    ],
    reference: (io) => {
      const x = io.buffer('x', 'f32'), w = io.global('c_weights', 'f32'), scale = io.global('d_scale', 'f32')[0] as number;
      const f = Math.fround;
      const [c0, c1, c2, c3] = poly as [number, number, number, number];
      const y = x.map((v, i) => {
        const p = fma32(fma32(fma32(c3, v, c2), v, c1), v, c0);
        return f(f(f(scale * p) * (w[i & 7] as number)) + (offsets[i & 7] as number));
      });
      return { y, d_counter: Uint32Array.of(x.filter((v) => v > 0).length) };
    },
    compare: { y: EXACT, d_counter: EXACT }, tags: ['f32', 'globals', 'const', 'atomics'],
  };
}

function localWindowSort(): KernelCase {
  const n = 1_500, W = 16, rng = new Rng('local_window_sort');
  return {
    name: 'local_window_sort', description: 'per-thread int[16] indexed at run time (local memory, ld/st.local): insertion sort, median and FNV hash',
    source: 'local_memory.cu', ptxFile: 'ptx/local_memory.ptx', entry: 'local_window_sort', ...launch1d(n, 128), sharedMemBytes: 0,
    args: [inBuf('in', 'i32', i32Array(rng, n, -1000, 1000)), outBuf('out', 'i32', 2 * n), scalar('n', 'i32', n)],
    reference: (io) => {
      const x = io.buffer('in', 'i32'), out = new Int32Array(2 * n);
      for (let i = 0; i < n; i++) {
        const v = Array.from({ length: W }, (_, k) => x[(i + k) % n] as number).sort((a, b) => a - b);
        let h = 2166136261;
        for (const e of v) h = Math.imul(h ^ e, 16777619) >>> 0;
        out[2 * i] = v[W / 2] as number;
        out[2 * i + 1] = h | 0;
      }
      return { out };
    },
    compare: { out: EXACT }, tags: ['int', 'local-memory', 'divergence'],
  };
}

function structCases(): KernelCase[] {
  const rng = new Rng('structs');
  const n = 2_000, len = 600, stride = 3, nm = 200;
  const mixedFields: StructField[] = [
    { name: 'tag', type: 'i8', offset: 0 }, { name: 's', type: 'i16', offset: 2 }, { name: 'i', type: 'i32', offset: 4 },
    { name: 'l', type: 'i64', offset: 8 }, { name: 'f0', type: 'f32', offset: 16 }, { name: 'f1', type: 'f32', offset: 20 },
    { name: 'f2', type: 'f32', offset: 24 }, { name: 'u', type: 'u32', offset: 28 }, { name: 'd', type: 'f64', offset: 32 },
  ];
  return [
    {
      name: 'struct_params', description: 'struct Params { float a; int n; double b; } by value (16 bytes, align 8); y = (double)(a*x) + b for i < p.n',
      source: 'structs.cu', ptxFile: 'ptx/structs.ptx', entry: 'struct_params', ...launch1d(n, 256), sharedMemBytes: 0,
      args: [
        struct('p', 16, 8, [{ name: 'a', type: 'f32', offset: 0 }, { name: 'n', type: 'i32', offset: 4 }, { name: 'b', type: 'f64', offset: 8 }],
          { a: Math.fround(2.75), n: 1_800, b: -1234.5678 }),
        inBuf('x', 'f32', f32Array(rng, n, -100, 100)), outBuf('y', 'f64', n, new Float64Array(n).fill(-1)),
      ],
      reference: (io) => {
        const p = io.struct('p'), x = io.buffer('x', 'f32'), y = io.buffer('y', 'f64');
        for (let i = 0; i < (p.n as number); i++) y[i] = Math.fround((p.a as number) * (x[i] as number)) + (p.b as number);
        return { y };
      },
      compare: { y: EXACT }, tags: ['struct-param', 'f32', 'f64'],
    },
    {
      name: 'struct_pointer', description: 'struct { const float* data; int len; int stride; } by value: a device pointer inside a struct parameter',
      source: 'structs.cu', ptxFile: 'ptx/structs.ptx', entry: 'struct_pointer', ...launch1d(len, 128), sharedMemBytes: 0,
      args: [
        struct('v', 16, 8, [{ name: 'data', type: 'pointer', offset: 0, buffer: 'data' }, { name: 'len', type: 'i32', offset: 8 },
          { name: 'stride', type: 'i32', offset: 12 }], { len, stride }),
        outBuf('out', 'f32', len),
      ],
      extraBuffers: [inBuf('data', 'f32', f32Array(rng, len * stride, -1, 1))],
      reference: (io) => {
        const d = io.buffer('data', 'f32');
        return { out: Float32Array.from({ length: len }, (_, i) => d[i * stride] as number) };
      },
      compare: { out: EXACT }, tags: ['struct-param', 'f32'],
    },
    {
      name: 'struct_mixed', description: 'a 40-byte struct of char, short, int, long long, float[3], unsigned, double with padding',
      source: 'structs.cu', ptxFile: 'ptx/structs.ptx', entry: 'struct_mixed', ...launch1d(nm, 64), sharedMemBytes: 0,
      args: [
        struct('m', 40, 8, mixedFields, { tag: -5, s: -30_000, i: 123_456_789, l: 0x123456789abcdefn, f0: Math.fround(0.1),
          f1: Math.fround(-2.5), f2: Math.fround(1e-3), u: 0xfffffff0, d: 0.0625 }),
        outBuf('out', 'f64', nm), scalar('n', 'i32', nm),
      ],
      reference: (io) => {
        const m = io.struct('m');
        const f = Math.fround(Math.fround((m.f0 as number) + (m.f1 as number)) + (m.f2 as number));
        const ints = (m.tag as number) + (m.s as number) + (m.i as number);
        const v = ints + intToFloat((m.l as bigint) + BigInt(m.u as number), F64, 'rn');
        return { out: Float64Array.from({ length: nm }, (_, i) => v + i * f + (m.d as number)) };
      },
      compare: { out: EXACT }, tags: ['struct-param', 'f32', 'f64', 'int64'],
    },
  ];
}

/** all_scalars's parameters in order with their store offsets in `out` (see all_scalars.cu). */
const SCALAR_LAYOUT = [
  ['c', 'i8', 0], ['uc', 'u8', 1], ['s', 'i16', 2], ['us', 'u16', 4], ['i', 'i32', 8], ['u', 'u32', 12], ['ll', 'i64', 16],
  ['ull', 'u64', 24], ['f', 'f32', 32], ['d', 'f64', 40], ['h', 'f16', 48], ['bh', 'bf16', 50],
] as const;
const PACKED_FIELDS: StructField[] = [
  { name: 'c', type: 'i8', offset: 0 }, { name: 'i', type: 'i32', offset: 4 }, { name: 'd', type: 'f64', offset: 8 }, { name: 's', type: 'i16', offset: 16 },
];
const PACKED_OUT_OFFSETS: Readonly<Record<string, number>> = { c: 60, i: 64, d: 72, s: 80 };
const OUT_BYTES = 96, POISON = 0xab;

type ScalarValues = { readonly [K in (typeof SCALAR_LAYOUT)[number][0]]: number | bigint };

function allScalarsCase(name: string, description: string, values: ScalarValues, p: Int32Array, st: Readonly<Record<string, number | bigint>>): KernelCase {
  return {
    name, description, source: 'all_scalars.cu', ptxFile: 'ptx/all_scalars.ptx', entry: 'all_scalars',
    grid: [1, 1, 1], block: [32, 1, 1], sharedMemBytes: 0,
    args: [
      ...SCALAR_LAYOUT.map(([k, type]) => scalar(k, type, values[k] as never)),
      inBuf('p', 'i32', p),
      struct('st', 24, 8, PACKED_FIELDS, st),
      outBuf('out', 'u8', OUT_BYTES, new Uint8Array(OUT_BYTES).fill(POISON)),
    ],
    reference: (io) => {
      const out = io.buffer('out', 'u8');
      const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
      for (const [k, type, offset] of SCALAR_LAYOUT) writeElement(view, offset, type, type === 'i64' || type === 'u64' ? io.big(k) : io.num(k));
      const pv = io.buffer('p', 'i32');
      view.setInt32(52, pv[0] as number, true);
      view.setInt32(56, pv[1] as number, true);
      const s = io.struct('st');
      for (const fld of PACKED_FIELDS) {
        if (fld.type !== 'pointer') writeElement(view, PACKED_OUT_OFFSETS[fld.name] as number, fld.type, s[fld.name] as number | bigint);
      }
      return { out };
    },
    compare: { out: EXACT }, tags: ['all-scalars', 'struct-param', 'f16', 'bf16', 'int64'],
  };
}

function allScalars(): KernelCase[] {
  return [
    allScalarsCase('all_scalars', 'every scalar parameter type (char … double, __half, __nv_bfloat16, pointer, struct) stored bit for bit; untouched bytes keep a poison value',
      { c: 65, uc: 200, s: -1234, us: 54321, i: -123456789, u: 3_000_000_000, ll: -1234567890123456789n, ull: 0xfedcba9876543210n,
        f: Math.fround(3.14159), d: -2.718281828459045, h: f16FromNumber(-1.5), bh: bf16FromNumber(100.5) },
      Int32Array.of(0x11223344, -2), { c: -7, i: 0x7eadbeef, d: 1e-300, s: -2 }),
    allScalarsCase('all_scalars@extremes', 'the same kernel with every parameter at an extreme: sign bits set, all ones, -0.0, subnormals, infinity, NaN-free',
      { c: -128, uc: 255, s: -32768, us: 65535, i: -(2 ** 31), u: 0xffffffff, ll: -(1n << 63n), ull: (1n << 64n) - 1n,
        f: -0, d: -Infinity, h: 0x0001, bh: 0xff7f },
      Int32Array.of(-1, 2 ** 31 - 1), { c: 127, i: -(2 ** 31), d: 5e-324, s: 32767 }),
  ];
}

/** Shared, global, local memory and parameter-passing cases. */
export function memoryCases(): KernelCase[] {
  return [...dynamicShared(), globalsPoly(), localWindowSort(), ...structCases(), ...allScalars()];
}

