/**
 * A CPU oracle for the collectives' reductions, written independently of
 * src/collectives/reduce.ts: integers in exact BigInt arithmetic wrapped to their width, float16
 * and bfloat16 through the emulated device's instruction semantics (src/emu/num: add/mul .rn),
 * FP8 by exhaustive nearest-value search over the 256 encodings, float32 with Math.fround.
 * The fold order is rank 0 first, as the reference collectives document; NCCL's order differs, so
 * for several GPUs floating-point sums and products are compared with {@link sameElements}'s
 * tolerance.
 *
 * No fast-check: the device tier runs where dev dependencies are absent.
 * @module
 */
import type { DataType, ReduceOp } from '../../src/collectives/index.js';
import { addBF16, addF16, bf16ToNumber, f16ToNumber, mulBF16, mulF16, toBF16, toF16 } from '../../src/emu/num/half.js';
import { RN } from '../../src/emu/num/round.js';

/** Bits, byte size, and whether integer, per type. */
const INT_BITS: Partial<Record<DataType, { bits: number; signed: boolean }>> = {
  int8: { bits: 8, signed: true }, uint8: { bits: 8, signed: false },
  int32: { bits: 32, signed: true }, uint32: { bits: 32, signed: false },
  int64: { bits: 64, signed: true }, uint64: { bits: 64, signed: false },
};

/** Bytes per element. */
export const ELEMENT_BYTES: Readonly<Record<DataType, number>> = {
  int8: 1, uint8: 1, int32: 4, uint32: 4, int64: 8, uint64: 8,
  float16: 2, bfloat16: 2, float32: 4, float64: 8, float8e4m3: 1, float8e5m2: 1,
};

/** An FP8 format by definition: value of each of the 256 codes, and nearest-code rounding. */
class Fp8 {
  readonly values: number[] = [];
  readonly max: number;

  constructor(readonly exponentBits: number, readonly mantissaBits: number, readonly ieee: boolean) {
    const bias = 2 ** (exponentBits - 1) - 1;
    const top = 2 ** exponentBits - 1;
    const mMax = 2 ** mantissaBits - 1;
    for (let code = 0; code < 256; code++) {
      const negative = code >= 128;
      const e = (code >> mantissaBits) & top;
      const m = code & mMax;
      let v: number;
      if (ieee && e === top) v = m === 0 ? Infinity : NaN;
      else if (!ieee && e === top && m === mMax) v = NaN;
      else if (e === 0) v = (m / 2 ** mantissaBits) * 2 ** (1 - bias);
      else v = (1 + m / 2 ** mantissaBits) * 2 ** (e - bias);
      this.values.push(negative ? -v : v);
    }
    this.max = Math.max(...this.values.filter(Number.isFinite));
  }

  /** The code nearest to x: ties to the even code, beyond the largest finite value saturating. */
  encode(x: number): number {
    if (Number.isNaN(x)) return 0x7f;
    const c = Math.max(-this.max, Math.min(this.max, x));
    const base = c < 0 || Object.is(c, -0) ? 128 : 0;
    let best = base;
    for (let code = base; code < base + 128; code++) {
      const v = this.values[code]!;
      if (!Number.isFinite(v)) continue;
      const d = Math.abs(v - c);
      const bd = Math.abs(this.values[best]! - c);
      if (d < bd || (d === bd && (code & 1) === 0 && (best & 1) === 1)) best = code;
    }
    return best;
  }

  round(x: number): number {
    return this.values[this.encode(x)]!;
  }
}

const E4M3 = new Fp8(4, 3, false);
const E5M2 = new Fp8(5, 2, true);

/** A float type as: decode element i, encode a value, round, add, multiply (all on values). */
interface FloatOps {
  get(view: DataView, i: number): number;
  set(view: DataView, i: number, x: number): void;
  round(x: number): number;
  add(a: number, b: number): number;
  mul(a: number, b: number): number;
}

function fp8Ops(f: Fp8): FloatOps {
  return {
    get: (v, i) => f.values[v.getUint8(i)]!,
    set: (v, i, x) => v.setUint8(i, f.encode(x)),
    round: (x) => f.round(x),
    add: (a, b) => f.round(a + b),
    mul: (a, b) => f.round(a * b),
  };
}

const FLOAT_OPS: Partial<Record<DataType, FloatOps>> = {
  float16: {
    get: (v, i) => f16ToNumber(v.getUint16(2 * i, true)),
    set: (v, i, x) => v.setUint16(2 * i, toF16(x, RN), true),
    round: (x) => f16ToNumber(toF16(x, RN)),
    add: (a, b) => f16ToNumber(addF16(toF16(a, RN), toF16(b, RN))),
    mul: (a, b) => f16ToNumber(mulF16(toF16(a, RN), toF16(b, RN))),
  },
  bfloat16: {
    get: (v, i) => bf16ToNumber(v.getUint16(2 * i, true)),
    set: (v, i, x) => v.setUint16(2 * i, toBF16(x, RN), true),
    round: (x) => bf16ToNumber(toBF16(x, RN)),
    add: (a, b) => bf16ToNumber(addBF16(toBF16(a, RN), toBF16(b, RN))),
    mul: (a, b) => bf16ToNumber(mulBF16(toBF16(a, RN), toBF16(b, RN))),
  },
  float32: {
    get: (v, i) => v.getFloat32(4 * i, true),
    set: (v, i, x) => v.setFloat32(4 * i, x, true),
    round: Math.fround,
    add: (a, b) => Math.fround(a + b),
    mul: (a, b) => Math.fround(a * b),
  },
  float64: {
    get: (v, i) => v.getFloat64(8 * i, true),
    set: (v, i, x) => v.setFloat64(8 * i, x, true),
    round: (x) => x,
    add: (a, b) => a + b,
    mul: (a, b) => a * b,
  },
  float8e4m3: fp8Ops(E4M3),
  float8e5m2: fp8Ops(E5M2),
};

/** Smallest positive (subnormal) value of each float type. */
const TINY: Partial<Record<DataType, number>> = {
  float16: 2 ** -24, bfloat16: 2 ** -133, float32: 2 ** -149, float64: Number.MIN_VALUE, float8e4m3: 2 ** -9, float8e5m2: 2 ** -16,
};

/** Unit roundoff of each float type (2^−p). */
const EPSILON: Partial<Record<DataType, number>> = {
  float16: 2 ** -11, bfloat16: 2 ** -8, float32: 2 ** -24, float64: 2 ** -53, float8e4m3: 2 ** -4, float8e5m2: 2 ** -3,
};

/** `x` rounded to float type `dtype` by the oracle's own rules. */
export function oracleRound(dtype: DataType, x: number): number {
  const f = FLOAT_OPS[dtype];
  if (f === undefined) throw new RangeError(`${dtype} is not a floating-point type`);
  return f.round(x);
}

function intGet(view: DataView, dtype: DataType, i: number): bigint {
  switch (dtype) {
    case 'int8': return BigInt(view.getInt8(i));
    case 'uint8': return BigInt(view.getUint8(i));
    case 'int32': return BigInt(view.getInt32(4 * i, true));
    case 'uint32': return BigInt(view.getUint32(4 * i, true));
    case 'int64': return view.getBigInt64(8 * i, true);
    default: return view.getBigUint64(8 * i, true);
  }
}

function intSet(view: DataView, dtype: DataType, i: number, x: bigint): void {
  const { bits, signed } = INT_BITS[dtype]!;
  const w = signed ? BigInt.asIntN(bits, x) : BigInt.asUintN(bits, x);
  switch (dtype) {
    case 'int8': view.setInt8(i, Number(w)); break;
    case 'uint8': view.setUint8(i, Number(w)); break;
    case 'int32': view.setInt32(4 * i, Number(w), true); break;
    case 'uint32': view.setUint32(4 * i, Number(w), true); break;
    case 'int64': view.setBigInt64(8 * i, w, true); break;
    default: view.setBigUint64(8 * i, w, true);
  }
}

const viewOf = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** Deterministic pseudo-random generator (xorshift32) in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
}

/**
 * `count` elements of `dtype`: integers over their whole range (so sums and products wrap),
 * floats representable in the type within ±4 (products of four ranks stay finite in every type).
 */
export function randomElements(dtype: DataType, count: number, seed: number): Uint8Array {
  const next = random(seed * 7919 + count);
  const out = new Uint8Array(count * ELEMENT_BYTES[dtype]);
  const view = viewOf(out);
  const int = INT_BITS[dtype];
  for (let i = 0; i < count; i++) {
    if (int) {
      let x = 0n;
      for (let k = 0; k < int.bits; k += 16) x = (x << 16n) | BigInt(Math.floor(next() * 65536));
      intSet(view, dtype, i, x);
    } else {
      FLOAT_OPS[dtype]!.set(view, i, (next() * 8 - 4));
    }
  }
  return out;
}

/** The reduction of the ranks' inputs, rank 0 first, NCCL's avg lowering (see the module comment). */
export function oracleReduce(dtype: DataType, op: ReduceOp, inputs: readonly Uint8Array[]): Uint8Array {
  const n = inputs.length;
  const count = inputs[0]!.byteLength / ELEMENT_BYTES[dtype];
  const out = new Uint8Array(inputs[0]!.byteLength);
  const views = inputs.map(viewOf);
  const o = viewOf(out);
  const f = FLOAT_OPS[dtype];
  for (let i = 0; i < count; i++) {
    if (f === undefined) {
      const xs = views.map((v) => intGet(v, dtype, i));
      const wrap = (x: bigint): bigint => (INT_BITS[dtype]!.signed ? BigInt.asIntN : BigInt.asUintN)(INT_BITS[dtype]!.bits, x);
      let r: bigint;
      switch (op) {
        case 'sum': r = xs.reduce((a, b) => a + b); break;
        case 'prod': r = xs.reduce((a, b) => a * b); break;
        case 'max': r = xs.reduce((a, b) => (a > b ? a : b)); break;
        case 'min': r = xs.reduce((a, b) => (a < b ? a : b)); break;
        case 'avg': r = wrap(xs.reduce((a, b) => a + b)) / BigInt(n); break;
      }
      intSet(o, dtype, i, r);
    } else {
      const xs = views.map((v) => f.get(v, i));
      let r: number;
      switch (op) {
        case 'sum': r = xs.reduce((a, b) => f.add(a, b)); break;
        case 'prod': r = xs.reduce((a, b) => f.mul(a, b)); break;
        case 'max': r = Math.max(...xs); break;
        case 'min': r = Math.min(...xs); break;
        case 'avg': {
          const scale = dtype === 'float64' ? 1 / n : f.round(Math.fround(1 / n));
          r = xs.map((x) => f.mul(x, scale)).reduce((a, b) => f.add(a, b));
          break;
        }
      }
      f.set(o, i, r);
    }
  }
  return out;
}

/**
 * `null` when `got` equals `want` — bit for bit, or, with `tolerantRanks` > 1 for floating-point
 * sum, avg and prod, within 2·ranks units of roundoff of the magnitudes involved (NCCL sums in
 * another order) — else a description of the first difference.
 */
export function sameElements(dtype: DataType, op: ReduceOp | null, got: Uint8Array, want: Uint8Array, inputs: readonly Uint8Array[] = [], tolerantRanks = 1): string | null {
  const f = FLOAT_OPS[dtype];
  const count = want.byteLength / ELEMENT_BYTES[dtype];
  const g = viewOf(got);
  const w = viewOf(want);
  const tolerant = f !== undefined && tolerantRanks > 1 && (op === 'sum' || op === 'avg' || op === 'prod');
  for (let i = 0; i < count; i++) {
    if (f === undefined) {
      if (intGet(g, dtype, i) !== intGet(w, dtype, i)) return `element ${i}: got ${intGet(g, dtype, i)}, want ${intGet(w, dtype, i)}`;
      continue;
    }
    const a = f.get(g, i);
    const b = f.get(w, i);
    if (Object.is(a, b)) continue;
    if (tolerant) {
      const xs = inputs.map((v) => f.get(viewOf(v), i));
      const magnitude = op === 'prod' ? Math.abs(xs.reduce((p, x) => p * x, 1)) : xs.reduce((s, x) => s + Math.abs(x), 0);
      const bound = 2 * tolerantRanks * (EPSILON[dtype]! * magnitude + TINY[dtype]!);
      if (Math.abs(a - b) <= bound) continue;
    }
    return `element ${i}: got ${a}, want ${b}`;
  }
  return null;
}
