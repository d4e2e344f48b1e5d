/**
 * Element types and reduction operations of collectives, by name, with their NCCL codes.
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { ncclDataType_t, ncclRedOp_t } from '../raw/nccl-types.js';

/**
 * The element type of a collective's buffers (ncclDataType_t). The 8-bit floats are OCP FP8
 * (`float8e4m3`: 4 exponent bits, no infinity; `float8e5m2`: 5 exponent bits), which NCCL reduces
 * on sm_90 and newer.
 */
export type DataType =
  | 'int8' | 'uint8' | 'int32' | 'uint32' | 'int64' | 'uint64'
  | 'float16' | 'bfloat16' | 'float32' | 'float64' | 'float8e4m3' | 'float8e5m2';

/**
 * How a reduction combines the ranks' elements (ncclRedOp_t). `avg` is the sum divided by the
 * number of ranks; see `reduce.ts` for exactly how (it follows NCCL: floating types multiply each
 * element by 1/n first, integers divide the sum, truncating).
 */
export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'avg';

/** What cudajs knows about one {@link DataType}. */
export interface DataTypeInfo {
  /** Bytes per element. */
  readonly bytes: 1 | 2 | 4 | 8;
  /** The ncclDataType_t code. */
  readonly nccl: number;
  /** Integer (wrapping arithmetic) or floating point. */
  readonly integer: boolean;
}

/** Every data type, with its size and NCCL code. */
export const DATA_TYPES: Readonly<Record<DataType, DataTypeInfo>> = {
  int8: { bytes: 1, nccl: ncclDataType_t.ncclInt8, integer: true },
  uint8: { bytes: 1, nccl: ncclDataType_t.ncclUint8, integer: true },
  int32: { bytes: 4, nccl: ncclDataType_t.ncclInt32, integer: true },
  uint32: { bytes: 4, nccl: ncclDataType_t.ncclUint32, integer: true },
  int64: { bytes: 8, nccl: ncclDataType_t.ncclInt64, integer: true },
  uint64: { bytes: 8, nccl: ncclDataType_t.ncclUint64, integer: true },
  float16: { bytes: 2, nccl: ncclDataType_t.ncclFloat16, integer: false },
  bfloat16: { bytes: 2, nccl: ncclDataType_t.ncclBfloat16, integer: false },
  float32: { bytes: 4, nccl: ncclDataType_t.ncclFloat32, integer: false },
  float64: { bytes: 8, nccl: ncclDataType_t.ncclFloat64, integer: false },
  float8e4m3: { bytes: 1, nccl: ncclDataType_t.ncclFloat8e4m3, integer: false },
  float8e5m2: { bytes: 1, nccl: ncclDataType_t.ncclFloat8e5m2, integer: false },
};

/** Every reduction operation, with its ncclRedOp_t code. */
export const REDUCE_OPS: Readonly<Record<ReduceOp, number>> = {
  sum: ncclRedOp_t.ncclSum,
  prod: ncclRedOp_t.ncclProd,
  max: ncclRedOp_t.ncclMax,
  min: ncclRedOp_t.ncclMin,
  avg: ncclRedOp_t.ncclAvg,
};

/** The names of every {@link DataType} (integers, then floats by width). */
export const DATA_TYPE_NAMES = Object.keys(DATA_TYPES) as readonly DataType[];
/** The names of every {@link ReduceOp}. */
export const REDUCE_OP_NAMES = Object.keys(REDUCE_OPS) as readonly ReduceOp[];

/**
 * The info of `dtype`, checked.
 * @throws InvalidArgumentError naming `call` for an unknown name.
 */
export function dataType(call: string, dtype: DataType): DataTypeInfo {
  const info = Object.hasOwn(DATA_TYPES, dtype) ? DATA_TYPES[dtype] : undefined;
  if (info === undefined) throw new InvalidArgumentError(call, `unknown data type '${String(dtype)}'; use one of ${DATA_TYPE_NAMES.join(', ')}`);
  return info;
}

/**
 * The ncclRedOp_t of `op`, checked.
 * @throws InvalidArgumentError naming `call` for an unknown name.
 */
export function reduceOp(call: string, op: ReduceOp): number {
  const code = Object.hasOwn(REDUCE_OPS, op) ? REDUCE_OPS[op] : undefined;
  if (code === undefined) throw new InvalidArgumentError(call, `unknown reduction '${String(op)}'; use one of ${REDUCE_OP_NAMES.join(', ')}`);
  return code;
}
