/**
 * Element-wise kernels: vector add and axpy in f32/f64, grid-stride loops, float4 accesses, a
 * function template and overloaded kernels (mangled entries).
 * @module
 */
import type { KernelCase } from '../types.js';
import { EXACT, inBuf, inoutBuf, launch1d, launchBlocks, outBuf, scalar, variant, withAltImages } from '../support/builders.js';
import { fma32, fma64 } from '../support/float.js';
import { Rng, f32Array, f64Array, i32Array, sprinkle } from '../support/prng.js';

const SRC = 'vector_add.cu';
const PTX = 'ptx/vector_add.ptx';
const VECTOR_ADD_IMAGES = [
  { file: 'bin/vector_add.sm_90.cubin', format: 'cubin' },
  { file: 'bin/vector_add.fatbin', format: 'fatbin' },
] as const;

function vecAddF32(): KernelCase {
  const n = 10_007, rng = new Rng('vec_add_f32');
  // Sums of f32 values are correctly rounded (add.f32): exact.
  return withAltImages({
    name: 'vec_add_f32', description: 'c = a + b in f32, one thread per element, partial last block',
    source: SRC, ptxFile: PTX, entry: 'vec_add_f32', ...launch1d(n, 256), sharedMemBytes: 0,
    args: [inBuf('a', 'f32', f32Array(rng, n, -100, 100)), inBuf('b', 'f32', f32Array(rng, n, -100, 100)),
      outBuf('c', 'f32', n), scalar('n', 'i32', n)],
    reference: (io) => {
      const a = io.buffer('a', 'f32'), b = io.buffer('b', 'f32');
      return { c: a.map((x, i) => Math.fround(x + (b[i] as number))) };
    },
    compare: { c: EXACT }, tags: ['f32'],
  }, VECTOR_ADD_IMAGES);
}

function vecAddF64(): KernelCase {
  const n = 5_003, rng = new Rng('vec_add_f64');
  return withAltImages({
    name: 'vec_add_f64', description: 'c = a + b in f64',
    source: SRC, ptxFile: PTX, entry: 'vec_add_f64', ...launch1d(n, 128), sharedMemBytes: 0,
    args: [inBuf('a', 'f64', f64Array(rng, n, -1e6, 1e6)), inBuf('b', 'f64', f64Array(rng, n, -1e-3, 1e-3)),
      outBuf('c', 'f64', n), scalar('n', 'i32', n)],
    reference: (io) => {
      const a = io.buffer('a', 'f64'), b = io.buffer('b', 'f64');
      return { c: a.map((x, i) => x + (b[i] as number)) };
    },
    compare: { c: EXACT }, tags: ['f64'],
  }, VECTOR_ADD_IMAGES);
}

function saxpyF32(): KernelCase {
  const n = 8_191, rng = new Rng('saxpy_f32');
  return {
    name: 'saxpy_f32', description: 'y = a*x + y in f32, contracted by nvcc to fma.rn.f32',
    source: SRC, ptxFile: PTX, entry: 'saxpy_f32', ...launch1d(n, 256), sharedMemBytes: 0,
    args: [scalar('n', 'i32', n), scalar('a', 'f32', Math.fround(-1.75)), inBuf('x', 'f32', f32Array(rng, n, -10, 10)),
      inoutBuf('y', 'f32', f32Array(rng, n, -10, 10))],
    reference: (io) => {
      const a = io.num('a'), x = io.buffer('x', 'f32');
      return { y: io.buffer('y', 'f32').map((y, i) => fma32(a, x[i] as number, y)) };
    },
    compare: { y: EXACT }, tags: ['f32'],
  };
}

function daxpyF64(): KernelCase {
  const n = 4_099, rng = new Rng('daxpy_f64');
  return {
    name: 'daxpy_f64', description: 'y = a*x + y in f64 (fma.rn.f64)',
    source: SRC, ptxFile: PTX, entry: 'daxpy_f64', ...launch1d(n, 128), sharedMemBytes: 0,
    args: [scalar('n', 'i32', n), scalar('a', 'f64', Math.PI), inBuf('x', 'f64', f64Array(rng, n, -10, 10)),
      inoutBuf('y', 'f64', f64Array(rng, n, -10, 10))],
    reference: (io) => {
      const a = io.num('a'), x = io.buffer('x', 'f64');
      return { y: io.buffer('y', 'f64').map((y, i) => fma64(a, x[i] as number, y)) };
    },
    compare: { y: EXACT }, tags: ['f64'],
  };
}

const EW_SRC = 'elementwise.cu';
const EW_PTX = 'ptx/elementwise.ptx';

function leakyRelu(): KernelCase {
  const n = 20_000, rng = new Rng('leaky_relu_gs');
  const x = sprinkle(f32Array(rng, n, -5, 5), [0, -0, Infinity, -Infinity, 1e-40, -1e-40]);
  const slope = Math.fround(0.01);
  return {
    name: 'leaky_relu_gs', description: 'leaky ReLU with a grid-stride loop over 20000 elements on 4x128 threads',
    source: EW_SRC, ptxFile: EW_PTX, entry: 'leaky_relu_gs', ...launchBlocks(4, 128), sharedMemBytes: 0,
    args: [inBuf('x', 'f32', x), outBuf('y', 'f32', n), scalar('scale', 'f32', Math.fround(1.5)), scalar('n', 'i32', n)],
    reference: (io) => {
      const s = io.num('scale');
      return { y: io.buffer('x', 'f32').map((v) => Math.fround(v > 0 ? v * s : slope * v)) };
    },
    compare: { y: EXACT }, tags: ['f32', 'grid-stride', 'special-values'],
  };
}

function poly3(): KernelCase {
  const n = 6_000, rng = new Rng('poly3_f64_gs');
  const c = [0.5, -1.25, 0.375, 2.0625];
  return {
    name: 'poly3_f64_gs', description: 'cubic by Horner with explicit fma, 64-bit (size_t) grid-stride index',
    source: EW_SRC, ptxFile: EW_PTX, entry: 'poly3_f64_gs', ...launchBlocks(3, 256), sharedMemBytes: 0,
    args: [inBuf('x', 'f64', f64Array(rng, n, -3, 3)), outBuf('y', 'f64', n),
      scalar('c0', 'f64', c[0] as number), scalar('c1', 'f64', c[1] as number), scalar('c2', 'f64', c[2] as number),
      scalar('c3', 'f64', c[3] as number), scalar('n', 'u64', BigInt(n))],
    reference: (io) => {
      const [c0, c1, c2, c3] = ['c0', 'c1', 'c2', 'c3'].map((k) => io.num(k)) as [number, number, number, number];
      return { y: io.buffer('x', 'f64').map((v) => fma64(fma64(fma64(c3, v, c2), v, c1), v, c0)) };
    },
    compare: { y: EXACT }, tags: ['f64', 'grid-stride'],
  };
}

function scaleFloat4(): KernelCase {
  const n4 = 3_001, rng = new Rng('scale_float4_gs');
  return {
    name: 'scale_float4_gs', description: 'out = in*2 + 1 on float4 (ld/st.global.v4.f32), no contraction',
    source: EW_SRC, ptxFile: EW_PTX, entry: 'scale_float4_gs', ...launchBlocks(5, 128), sharedMemBytes: 0,
    args: [inBuf('in', 'f32', f32Array(rng, 4 * n4, -1e3, 1e3)), outBuf('out', 'f32', 4 * n4), scalar('n4', 'i32', n4)],
    reference: (io) => ({ out: io.buffer('in', 'f32').map((v) => Math.fround(Math.fround(v * 2) + 1)) }),
    compare: { out: EXACT }, tags: ['f32', 'grid-stride', 'vector-access'],
  };
}

/** axpy_t<T> instantiations: [type, mangled entry, data generator, scalar a, element op]. */
function axpyTemplate(): KernelCase[] {
  const n = 5_000;
  const common = { source: EW_SRC, ptxFile: EW_PTX, ...launchBlocks(6, 128), sharedMemBytes: 0 };
  const rng = new Rng('axpy_t');
  return [
    {
      ...common, name: 'axpy_t<float>', description: 'function template instantiated for float (mangled entry)',
      entry: '_Z6axpy_tIfEvT_PKS0_PS0_i',
      args: [scalar('a', 'f32', Math.fround(0.3)), inBuf('x', 'f32', f32Array(rng, n, -4, 4)),
        inoutBuf('y', 'f32', f32Array(rng, n, -4, 4)), scalar('n', 'i32', n)],
      reference: (io) => {
        const a = io.num('a'), x = io.buffer('x', 'f32');
        return { y: io.buffer('y', 'f32').map((y, i) => fma32(a, x[i] as number, y)) };
      },
      compare: { y: EXACT }, tags: ['f32', 'template', 'mangled', 'grid-stride'],
    },
    {
      ...common, name: 'axpy_t<double>', description: 'function template instantiated for double (mangled entry)',
      entry: '_Z6axpy_tIdEvT_PKS0_PS0_i',
      args: [scalar('a', 'f64', 0.3), inBuf('x', 'f64', f64Array(rng, n, -4, 4)),
        inoutBuf('y', 'f64', f64Array(rng, n, -4, 4)), scalar('n', 'i32', n)],
      reference: (io) => {
        const a = io.num('a'), x = io.buffer('x', 'f64');
        return { y: io.buffer('y', 'f64').map((y, i) => fma64(a, x[i] as number, y)) };
      },
      compare: { y: EXACT }, tags: ['f64', 'template', 'mangled', 'grid-stride'],
    },
    {
      ...common, name: 'axpy_t<int>', description: 'function template instantiated for int: wrapping mad.lo.s32',
      entry: '_Z6axpy_tIiEvT_PKS0_PS0_i',
      args: [scalar('a', 'i32', 40_503), inBuf('x', 'i32', i32Array(rng, n, -(2 ** 31), 2 ** 31 - 1)),
        inoutBuf('y', 'i32', i32Array(rng, n, -(2 ** 31), 2 ** 31 - 1)), scalar('n', 'i32', n)],
      reference: (io) => {
        const a = io.num('a'), x = io.buffer('x', 'i32');
        return { y: io.buffer('y', 'i32').map((y, i) => (Math.imul(a, x[i] as number) + y) | 0) };
      },
      compare: { y: EXACT }, tags: ['int', 'template', 'mangled', 'grid-stride'],
    },
  ];
}

function scaleOverloads(): KernelCase[] {
  const n = 1_000, rng = new Rng('scale_inplace');
  const common = { source: EW_SRC, ptxFile: EW_PTX, ...launch1d(n, 128), sharedMemBytes: 0 };
  return [
    {
      ...common, name: 'scale_inplace(float*)', description: 'overloaded kernel, float overload (_Z13scale_inplacePffi)',
      entry: '_Z13scale_inplacePffi',
      args: [inoutBuf('p', 'f32', f32Array(rng, n, -8, 8)), scalar('s', 'f32', Math.fround(1.1)), scalar('n', 'i32', n)],
      reference: (io) => ({ p: io.buffer('p', 'f32').map((v) => Math.fround(v * io.num('s'))) }),
      compare: { p: EXACT }, tags: ['f32', 'mangled'],
    },
    {
      ...common, name: 'scale_inplace(double*)', description: 'overloaded kernel, double overload (_Z13scale_inplacePddi)',
      entry: '_Z13scale_inplacePddi',
      args: [inoutBuf('p', 'f64', f64Array(rng, n, -8, 8)), scalar('s', 'f64', 1.1), scalar('n', 'i32', n)],
      reference: (io) => ({ p: io.buffer('p', 'f64').map((v) => v * io.num('s')) }),
      compare: { p: EXACT }, tags: ['f64', 'mangled'],
    },
  ];
}

/** Element-wise cases. */
export function basicCases(): KernelCase[] {
  const add32 = vecAddF32();
  return [add32, variant(add32, 'lineinfo', 'ptx/vector_add.lineinfo.ptx', ['lineinfo']), vecAddF64(), saxpyF32(), daxpyF64(), leakyRelu(), poly3(), scaleFloat4(),
    ...axpyTemplate(), ...scaleOverloads()];
}
