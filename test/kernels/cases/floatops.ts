/**
 * Floating-point operations: the IEEE-exact ones in f64 and f32 over special values (bit-exact),
 * and the f32 math library and intrinsics (within their documented error bounds, from the CUDA
 * Programming Guide's tables of mathematical-function accuracy).
 * @module
 */
import type { Comparison, KernelCase } from '../types.js';
import { inBuf, outBuf, scalar, launch1d, EXACT, ulp, variant } from '../support/builders.js';
import { fma32, fma64, rint } from '../support/float.js';
import { Rng, f32Array, sprinkle, wideDouble } from '../support/prng.js';

/** fmin/fmax as C and PTX define them: a NaN operand yields the other operand. */
const fminNum = (a: number, b: number): number => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.min(a, b));
const fmaxNum = (a: number, b: number): number => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b));
const negative = (x: number): boolean => x < 0 || Object.is(x, -0);

/**
 * Inputs a, b, c: wide-ranging values, specials sprinkled in, and every fourth c = −(a·b) rounded,
 * so that fma returns the product's rounding error. Zero pairs of opposite sign are avoided in
 * (a, b), where min/max may return either zero.
 */
function fpInputs(name: string, n: number, round: (x: number) => number, minExp: number, maxExp: number,
  specialsA: readonly number[], specialsB: readonly number[]): [number[], number[], number[]] {
  const rng = new Rng(name);
  const gen = (): number[] => Array.from({ length: n }, () => round(wideDouble(rng, minExp, maxExp)));
  const a = sprinkle(gen(), specialsA), b = sprinkle(gen(), specialsB), c = gen();
  for (let i = 0; i < n; i++) {
    if (a[i] === 0 && b[i] === 0) b[i] = a[i] as number;
    if (i % 4 === 3) c[i] = round(-((a[i] as number) * (b[i] as number)));
  }
  return [a, b, c];
}

function fp64Ops(): KernelCase {
  const n = 512;
  const [a, b, c] = fpInputs('fp64_ops', n, (x) => x, -70, 70,
    [0, -0, Infinity, -Infinity, NaN, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 2.5, -2.5, 3.5,
      0.5, -0.5, 1.5, 2 ** 52 + 1, -0.49999999999999994, -0.25, 1e-310],
    [3, -0, 1e-310, Infinity, 2, NaN, -7, 1e300, 1e-300, 0.1, -1e-320]);
  const OUTS = 12;
  return {
    name: 'fp64_ops', description: 'f64 fma, sqrt, div, rcp, mul-then-sub, fmin/fmax, rint/floor/ceil/trunc, copysign over specials and subnormals',
    source: 'fp_ops.cu', ptxFile: 'ptx/fp_ops.ptx', entry: 'fp64_ops', ...launch1d(n, 128), sharedMemBytes: 0,
    args: [inBuf('a', 'f64', Float64Array.from(a)), inBuf('b', 'f64', Float64Array.from(b)), inBuf('c', 'f64', Float64Array.from(c)),
      outBuf('out', 'f64', OUTS * n), scalar('n', 'i32', n)],
    reference: (io) => {
      const A = io.buffer('a', 'f64'), B = io.buffer('b', 'f64'), C = io.buffer('c', 'f64');
      const out = new Float64Array(OUTS * n);
      A.forEach((x, i) => {
        const y = B[i] as number, z = C[i] as number;
        out.set([fma64(x, y, z), Math.sqrt(Math.abs(x)), x / y, 1 / y, x * y - z, fminNum(x, y), fmaxNum(x, y),
          rint(x), Math.floor(x), Math.ceil(x), Math.trunc(x), negative(x) ? -Math.abs(y) : Math.abs(y)], OUTS * i);
      });
      return { out };
    },
    compare: { out: EXACT }, tags: ['f64', 'special-values'],
  };
}

function fp32Ops(): KernelCase {
  const n = 512;
  const [a, b, c] = fpInputs('fp32_ops', n, Math.fround, -40, 40,
    // No −0 in a: __saturatef(−0) may keep the sign of zero or not.
    [0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 1.1754943508222875e-38, 3.4028234663852886e38, 2.5, -2.5, 3.5,
      0.5, -0.5, 1.5, 8388609, Math.fround(-0.49999997), -0.25, 0.75, 1, 1.0000001192092896],
    [3, -0, 1e-40, Infinity, 2, NaN, -7, 1e30, 1e-30, Math.fround(0.1)]);
  const OUTS = 10;
  return {
    name: 'fp32_ops', description: 'f32 fma, sqrt, div, __frcp_rn, mul-then-add without contraction, fminf/fmaxf, rintf, truncf, __saturatef over specials and subnormals',
    source: 'fp_ops.cu', ptxFile: 'ptx/fp_ops.ptx', entry: 'fp32_ops', ...launch1d(n, 128), sharedMemBytes: 0,
    args: [inBuf('a', 'f32', Float32Array.from(a)), inBuf('b', 'f32', Float32Array.from(b)), inBuf('c', 'f32', Float32Array.from(c)),
      outBuf('out', 'f32', OUTS * n), scalar('n', 'i32', n)],
    reference: (io) => {
      const A = io.buffer('a', 'f32'), B = io.buffer('b', 'f32'), C = io.buffer('c', 'f32');
      const f = Math.fround;
      const out = new Float32Array(OUTS * n);
      A.forEach((x, i) => {
        const y = B[i] as number, z = C[i] as number;
        const sat = Number.isNaN(x) ? 0 : Math.min(Math.max(x, 0), 1);
        out.set([fma32(x, y, z), f(Math.sqrt(Math.abs(x))), f(x / y), f(1 / y), f(f(x * y) + z), fminNum(x, y), fmaxNum(x, y),
          rint(x), Math.trunc(x), sat], OUTS * i);
      });
      return { out };
    },
    compare: { out: EXACT }, tags: ['f32', 'special-values'],
  };
}

const MATH_N = 1024;

/** Inputs of both math kernels: x in [−π, π], p in [0.5, 2], e in [−5, 5]. */
function mathInputs(): { x: Float32Array; p: Float32Array; e: Float32Array } {
  const rng = new Rng('math_f32');
  return { x: f32Array(rng, MATH_N, -Math.PI, Math.PI), p: f32Array(rng, MATH_N, 0.5, 2), e: f32Array(rng, MATH_N, -5, 5) };
}

type MathFn = (x: number, p: number, e: number) => number;

/** A math kernel case: outputs named after the kernel's parameters, each computed in f64 and rounded to f32. */
function mathCase(name: string, entry: string, description: string, outputs: Readonly<Record<string, [MathFn, Comparison]>>,
  tags: KernelCase['tags']): KernelCase {
  const { x, p, e } = mathInputs();
  const names = Object.keys(outputs);
  return {
    name, description, source: 'math_f32.cu', ptxFile: 'ptx/math_f32.ptx', entry, ...launch1d(MATH_N, 128), sharedMemBytes: 0,
    args: [inBuf('x', 'f32', x), inBuf('p', 'f32', p), inBuf('e', 'f32', e), ...names.map((o) => outBuf(o, 'f32', MATH_N)),
      scalar('n', 'i32', MATH_N)],
    reference: (io) => {
      const X = io.buffer('x', 'f32'), P = io.buffer('p', 'f32'), E = io.buffer('e', 'f32');
      return Object.fromEntries(names.map((o) => {
        const fn = (outputs[o] as [MathFn, Comparison])[0];
        return [o, X.map((xv, i) => Math.fround(fn(xv, P[i] as number, E[i] as number)))];
      }));
    },
    compare: Object.fromEntries(names.map((o) => [o, (outputs[o] as [MathFn, Comparison])[1]])), tags,
  };
}

// Each ULP bound is the Programming Guide's maximum error plus 1 for the reference, which is the f64
// result rounded to f32 (itself up to ½ ulp from the exact value).
const sinF: MathFn = (x) => Math.sin(x), cosF: MathFn = (x) => Math.cos(x), expF: MathFn = (_x, _p, e) => Math.exp(e);
const logF: MathFn = (_x, p) => Math.log(p), tanhF: MathFn = (_x, _p, e) => Math.tanh(e), powF: MathFn = (_x, p, e) => p ** e;
const atan2F: MathFn = (x, p) => Math.atan2(x, p), rsqrtF: MathFn = (_x, p) => 1 / Math.sqrt(p);

const INTRINSIC_SIN: Comparison = { kind: 'absolute', tol: 5e-7, why: '__sinf: max absolute error 2^-21.41 (3.6e-7) for x in [-pi, pi]' };
const INTRINSIC_COS: Comparison = { kind: 'absolute', tol: 5e-7, why: '__cosf: max absolute error 2^-21.19 (4.2e-7) for x in [-pi, pi]' };
const INTRINSIC_EXP = ulp(8, '__expf: 2 + floor(|1.173 x|) ulp, at most 7 for |x| <= 5, +1 for the reference');
const INTRINSIC_LOG: Comparison = { kind: 'absolute', tol: 5e-7, why: '__logf: max absolute error 2^-21.41 (3.6e-7) for x in [0.5, 2]' };

function mathAccurate(): KernelCase[] {
  const accurate = mathCase('math_accurate_f32', 'math_accurate_f32', 'sinf, cosf, expf, logf, tanhf, powf, atan2f, rsqrtf (library implementations, Payne-Hanek reduction in local memory)', {
    sin_o: [sinF, ulp(3, 'sinf: 2 ulp')], cos_o: [cosF, ulp(3, 'cosf: 2 ulp')], exp_o: [expF, ulp(3, 'expf: 2 ulp')],
    log_o: [logF, ulp(2, 'logf: 1 ulp')], tanh_o: [tanhF, ulp(3, 'tanhf: 2 ulp')], pow_o: [powF, ulp(5, 'powf: 4 ulp')],
    atan2_o: [atan2F, ulp(4, 'atan2f: 3 ulp')], rsqrt_o: [rsqrtF, ulp(3, 'rsqrtf: 2 ulp')],
  }, ['f32', 'math-approx', 'local-memory']);
  return [
    accurate,
    variant(accurate, 'fastmath', 'ptx/math_f32.fastmath.ptx', ['fastmath'], {
      description: 'the same math under -use_fast_math: sin/cos/ex2/lg2/tanh.approx.ftz',
      compare: {
        sin_o: INTRINSIC_SIN, cos_o: INTRINSIC_COS, exp_o: INTRINSIC_EXP, log_o: INTRINSIC_LOG,
        tanh_o: { kind: 'relative', tol: 2 ** -10, why: 'tanh.approx.f32: max relative error about 2^-11 (PTX ISA), 2x margin' },
        pow_o: { kind: 'relative', tol: 3e-6, why: '__powf = ex2(e * lg2(p)): lg2.approx 2^-22 abs times |e| <= 5 gives 1.2e-6 in the exponent (8e-7 relative) + ex2.approx 2 ulp' },
        atan2_o: ulp(4, 'atan2f: 3 ulp; its division stays div.rn (only flushes subnormals) under fast math'),
        rsqrt_o: ulp(3, 'rsqrtf: 2 ulp (rsqrt.approx either way)'),
      },
    }),
  ];
}

function mathIntrinsics(): KernelCase {
  return mathCase('math_intrinsics_f32', 'math_intrinsics_f32', '__sinf, __cosf, __expf, __logf, __fdividef, exp2f, __log2f (sin/cos/ex2/lg2.approx, div.approx)', {
    sin_o: [sinF, INTRINSIC_SIN], cos_o: [cosF, INTRINSIC_COS], exp_o: [expF, INTRINSIC_EXP], log_o: [logF, INTRINSIC_LOG],
    div_o: [(x, p) => x / p, ulp(3, '__fdividef: 2 ulp for divisors in [2^-126, 2^126]')],
    exp2_o: [(_x, _p, e) => 2 ** e, ulp(3, 'exp2f: 2 ulp')],
    log2_o: [(_x, p) => Math.log2(p), { kind: 'absolute', tol: 3e-7, why: '__log2f: max absolute error 2^-22 (2.4e-7) for x in [0.5, 2]' }],
  }, ['f32', 'math-approx']);
}

/** Floating-point operation and math-function cases. */
export function floatOpsCases(): KernelCase[] {
  return [fp64Ops(), fp32Ops(), ...mathAccurate(), mathIntrinsics()];
}
