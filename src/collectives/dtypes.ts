/**
 * Element types and reduction operations of collectives, by name, with their NCCL codes.
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { ncclDataType_t, ncclRedOp_t } from '../raw/nccl-types.js';

/**
 * The element type of a collective's buffers (ncclDataType_t). The 8-bit floats are OCP FP8
 * (`float8e4m3`: 4 exponent bits, no infinity; `float8e5m2`: 5 exponent bits). Every type can be
 * moved (broadcast, allGather, send/recv) on any device; NCCL refuses some reductions of the FP8
 * types — on devices older than sm_90, and `avg` on a communicator of one rank — with
 * ncclInvalidArgument, and so does the reference: see {@link refusedReduction}.
 */
export type DataType =
  | 'int8' | 'uint8' | 'int32' | 'uint32' | 'int64' | 'uint64'
  | 'float16' | 'bfloat16' | 'float32' | 'float64' | 'float8e4m3' | 'float8e5m2';

/**
 * How a reduction combines the ranks' elements (ncclRedOp_t). `avg` is the sum divided by the
 * number of ranks; see `reduce.ts` for exactly how (it follows NCCL: floating types multiply each
 * element by 1/n first, integers divide the sum, truncating). NCCL (2.28.3, measured) refuses `avg` of
 * `float8e4m3` and `float8e5m2` on a communicator of one rank (ncclInvalidArgument), and the
 * reference does too: see {@link refusedReduction}.
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

/** The communicator a reduction would run on, as {@link refusedReduction} needs it. */
export interface ReductionContext {
  /** Number of ranks of the communicator. */
  readonly ranks: number;
  /** The lowest compute capability (major) among the communicator's devices. */
  readonly computeCapabilityMajor: number;
}

/**
 * Why NCCL refuses to reduce `dtype` with `op` on the communicator `where` describes — the call
 * (allReduce, reduce, reduceScatter) returns ncclInvalidArgument — or `null` when it accepts it.
 * The reference collectives refuse exactly these, with an `NcclError` (ncclInvalidArgument)
 * whose explanation is this text; on NCCL, this text explains the error where NCCL itself says
 * nothing more. `op` `null` (a collective without a reduction) is never refused.
 *
 * - FP8 reductions need sm_90: NCCL refuses every reduction of `float8e4m3` and `float8e5m2` when
 *   a device of the communicator is older, warning "FP8 reduction support begins with sm90
 *   capable devices" (enqueue.cc, taskAppend). From NCCL's source: not measured by cudajs yet
 *   (its GPU runs so far were on sm_90).
 * - `avg` of `float8e4m3` and `float8e5m2` on a communicator of one rank: measured on NCCL 2.28.3
 *   (H100, sm_90), where allReduce, reduce and reduceScatter return ncclInvalidArgument without
 *   any warning, while every other type and reduction works. A one-rank communicator runs its
 *   collectives through ncclLaunchOneRank (src/device/onerank.cu), which computes `avg` as a
 *   pre-multiplied sum with a kernel it picks per type in host code, and has no FP8 kernel there
 *   (in the sources read, the FP8 cases are missing or guarded by `__CUDA_ARCH__ >= 900`, which
 *   host code never defines). With several ranks NCCL lowers FP8 `avg` like the other floats
 *   (multiply by 1/n rounded to the type, then sum: `reduce.ts`), so neither NCCL nor the
 *   reference refuses it there — from NCCL's source, not measured yet.
 */
export function refusedReduction(dtype: DataType, op: ReduceOp | null, where: ReductionContext): string | null {
  if (op === null || (dtype !== 'float8e4m3' && dtype !== 'float8e5m2')) return null;
  if (where.computeCapabilityMajor < 9) {
    return `NCCL reduces ${dtype} only on sm_90 and newer devices, and this communicator has a device of compute capability ${where.computeCapabilityMajor}.x ` +
      '(NCCL: "FP8 reduction support begins with sm90 capable devices"); broadcast, allGather and send/recv move FP8 data on any device';
  }
  if (op === 'avg' && where.ranks === 1) {
    return `NCCL (measured: 2.28.3) cannot average ${dtype} on a communicator of one rank: its one-rank path has no FP8 kernel for avg, ` +
      'and it says nothing more, even with NCCL_DEBUG=WARN (with several ranks it averages FP8). The average over one rank is the data itself: use sum';
  }
  return null;
}
