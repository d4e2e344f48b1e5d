/**
 * Element-wise reduction of the ranks' buffers, for the reference collectives: exactly defined so
 * that tests can predict every bit.
 *
 * - The ranks are folded left, rank 0 first: `((x₀ ⊕ x₁) ⊕ x₂) …`, each step rounded to the data
 *   type (floats: to nearest even, the narrow formats as `minifloat.ts` says) or wrapped
 *   (integers: two's complement, as C's unsigned arithmetic and the GPU's signed arithmetic do).
 *   NCCL's order differs (rings and trees), so with several ranks floating-point sums and products
 *   may differ from NCCL's in the last bits; integers, `max` and `min` agree exactly.
 * - `max` / `min` of floating types return the non-NaN operand when one is NaN (fmaxf/fminf).
 * - `avg` follows NCCL's lowering (enqueue.cc, hostToDevRedOp): floating types multiply every
 *   element by 1/n (computed in double, rounded to float, then to the type) and sum the products
 *   (PreMulSum); integer types sum, wrapping, and divide the sum by n, truncating toward zero
 *   (SumPostDiv). For signed integers with a negative sum NCCL's result is not documented; the
 *   reference truncates toward zero.
 *
 * This is the arithmetic of every type and reduction, for any number of ranks; which of them a
 * communicator refuses, as NCCL does (FP8 `avg` on one rank, FP8 before sm_90), is
 * `refusedReduction` (dtypes.ts), checked by the reference when a call is issued.
 * @module
 */
import type { DataType, ReduceOp } from './dtypes.js';
import { BFLOAT16, FLOAT16, FLOAT8_E4M3, FLOAT8_E5M2, roundTo, type Minifloat } from './minifloat.js';

/** Element access of the types held as JS numbers: decode to a Float64Array and encode back. */
interface NumberFormat {
  readonly kind: 'number';
  readonly float: boolean;
  decode(bytes: Uint8Array): Float64Array;
  encode(values: Float64Array): Uint8Array;
  /** Rounds (floats) or wraps (integers) an exact or double-rounded result to the type. */
  fit(x: number): number;
  /** The product, fitted (32-bit integers need Math.imul: their products pass 2^53). */
  mul(a: number, b: number): number;
  /** `avg`'s scale 1/n as NCCL computes it: `(type)(float)(1.0 / n)`, float64 keeping the double. */
  inverse(n: number): number;
}

/** 64-bit integers, held as bigints. */
interface BigFormat {
  readonly kind: 'bigint';
  readonly signed: boolean;
}

type Format = NumberFormat | BigFormat;

type TypedArrayClass = { new (buffer: ArrayBufferLike): ArrayLike<number> & { [i: number]: number } };

/** A format backed by a TypedArray of the type itself (its stores do the wrapping or rounding). */
function typedFormat(Type: TypedArrayClass, float: boolean, fit: (x: number) => number, mul?: (a: number, b: number) => number): NumberFormat {
  const double = Type === Float64Array;
  return {
    kind: 'number',
    float,
    decode: (bytes) => Float64Array.from(new Type(bytes.slice().buffer)),
    encode: (values) => {
      const bytesPer = (Type as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
      const out = new Uint8Array(values.length * bytesPer);
      const view = new Type(out.buffer);
      for (let i = 0; i < values.length; i++) view[i] = values[i]!;
      return out;
    },
    fit,
    mul: mul ?? ((a, b) => fit(a * b)),
    inverse: (n) => (double ? 1 / n : fit(Math.fround(1 / n))),
  };
}

/** A narrow float format stored as bit patterns. */
function minifloatFormat(format: Minifloat): NumberFormat {
  const Bits = format.bits === 8 ? Uint8Array : Uint16Array;
  const fit = (x: number): number => roundTo(format, x);
  return {
    kind: 'number',
    float: true,
    decode: (bytes) => Float64Array.from(new Bits(bytes.slice().buffer), (b) => format.decode[b]!),
    encode: (values) => {
      const out = new Bits(values.length);
      for (let i = 0; i < values.length; i++) out[i] = format.encode(values[i]!);
      return new Uint8Array(out.buffer);
    },
    fit,
    mul: (a, b) => fit(a * b),
    inverse: (n) => fit(Math.fround(1 / n)),
  };
}

const FORMATS: Readonly<Record<DataType, Format>> = {
  int8: typedFormat(Int8Array, false, (x) => (x << 24) >> 24),
  uint8: typedFormat(Uint8Array, false, (x) => x & 0xff),
  int32: typedFormat(Int32Array, false, (x) => x | 0, (a, b) => Math.imul(a, b)),
  uint32: typedFormat(Uint32Array, false, (x) => x >>> 0, (a, b) => Math.imul(a, b) >>> 0),
  int64: { kind: 'bigint', signed: true },
  uint64: { kind: 'bigint', signed: false },
  float16: minifloatFormat(FLOAT16),
  bfloat16: minifloatFormat(BFLOAT16),
  float32: typedFormat(Float32Array, true, Math.fround),
  float64: typedFormat(Float64Array, true, (x) => x),
  float8e4m3: minifloatFormat(FLOAT8_E4M3),
  float8e5m2: minifloatFormat(FLOAT8_E5M2),
};

function maxOf(a: number, b: number): number {
  return Number.isNaN(a) ? b : Number.isNaN(b) ? a : a >= b ? a : b;
}

function minOf(a: number, b: number): number {
  return Number.isNaN(a) ? b : Number.isNaN(b) ? a : a <= b ? a : b;
}

/**
 * Reduces the ranks' buffers (equal lengths, whole elements of `dtype`), rank 0 first, and
 * returns the result's bytes. See the module comment for the exact arithmetic.
 */
export function reduceBuffers(dtype: DataType, op: ReduceOp, inputs: readonly Uint8Array[]): Uint8Array {
  if (inputs.length === 0) throw new RangeError('reduceBuffers needs at least one input');
  const format = FORMATS[dtype];
  return format.kind === 'bigint' ? reduceBig(format.signed, op, inputs) : reduceNumbers(format, op, inputs);
}

function reduceNumbers(format: NumberFormat, op: ReduceOp, inputs: readonly Uint8Array[]): Uint8Array {
  const n = inputs.length;
  const { fit } = format;
  const premul = op === 'avg' && format.float;
  const scale = premul ? format.inverse(n) : 1;
  const acc = format.decode(inputs[0]!);
  if (premul) for (let i = 0; i < acc.length; i++) acc[i] = format.mul(acc[i]!, scale);
  for (let r = 1; r < n; r++) {
    const x = format.decode(inputs[r]!);
    for (let i = 0; i < acc.length; i++) {
      const a = acc[i]!;
      const b = x[i]!;
      switch (op) {
        case 'sum': acc[i] = fit(a + b); break;
        case 'avg': acc[i] = fit(a + (premul ? format.mul(b, scale) : b)); break;
        case 'prod': acc[i] = format.mul(a, b); break;
        case 'max': acc[i] = format.float ? maxOf(a, b) : Math.max(a, b); break;
        case 'min': acc[i] = format.float ? minOf(a, b) : Math.min(a, b); break;
      }
    }
  }
  if (op === 'avg' && !format.float) for (let i = 0; i < acc.length; i++) acc[i] = Math.trunc(acc[i]! / n);
  return format.encode(acc);
}

function reduceBig(signed: boolean, op: ReduceOp, inputs: readonly Uint8Array[]): Uint8Array {
  const View = signed ? BigInt64Array : BigUint64Array;
  const n = inputs.length;
  const acc = new View(inputs[0]!.slice().buffer);
  for (let r = 1; r < n; r++) {
    const x = new View(inputs[r]!.slice().buffer);
    for (let i = 0; i < acc.length; i++) {
      const a = acc[i]!;
      const b = x[i]!;
      // Stores into a BigInt64Array / BigUint64Array wrap to 64 bits.
      switch (op) {
        case 'sum': case 'avg': acc[i] = a + b; break;
        case 'prod': acc[i] = a * b; break;
        case 'max': acc[i] = a >= b ? a : b; break;
        case 'min': acc[i] = a <= b ? a : b; break;
      }
    }
  }
  if (op === 'avg') for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! / BigInt(n);
  return new Uint8Array(acc.buffer);
}
