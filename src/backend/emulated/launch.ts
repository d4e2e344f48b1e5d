/**
 * Kernel launches on the emulated device: the driver's checks of an execution configuration,
 * then one synchronous run in the engine (see `streams.ts` for why synchronous is faithful).
 *
 * Checks, in the driver's terms:
 * - grid dimensions 1 … (2^31 − 1, 65535, 65535) and block dimensions 1 … (1024, 1024, 64) with
 *   at most 1024 threads: CUDA_ERROR_INVALID_VALUE;
 * - more threads than the kernel allows: CUDA_ERROR_INVALID_VALUE when `.maxntid`/`.reqntid`
 *   forbid it (and any block other than `.reqntid`), CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES when its
 *   registers do ("too many resources requested for launch");
 * - dynamic shared memory above CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES:
 *   CUDA_ERROR_INVALID_VALUE;
 * - clusters: each dimension divides the grid, at most 8 blocks (16 with
 *   CU_FUNC_ATTRIBUTE_NON_PORTABLE_CLUSTER_SIZE_ALLOWED), equal to the required cluster size if
 *   the kernel has one: else CUDA_ERROR_INVALID_CLUSTER_SIZE;
 * - cooperative launches: the grid must be co-resident (occupancy × 132 SMs), else
 *   CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE.
 *
 * A fault in the kernel (KernelFaultError from the engine) does not fail the launch call — on a
 * GPU the launch is asynchronous and the fault surfaces later — it makes the context sticky:
 * every later call in it, starting with the next synchronize, throws the fault's code.
 * @module
 */
import { CudaError, DriverError } from '../../errors.js';
import type { LaunchDims, ParamBlock } from '../types.js';
import { SM90 } from './attributes.js';
import { CUresult } from '../../raw/driver-types.js';
import { driverError, fail } from '../driver-error.js';
import type { FunctionRecord } from './modules.js';
import { occupancy } from './occupancy.js';
import type { StreamRecord } from './streams.js';

const AXES = ['x', 'y', 'z'] as const;
const NO_CLUSTER = [1, 1, 1] as const;

function checkDimension(what: string, axis: number, value: number, max: number, call: string): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `${what} dimension ${AXES[axis]} = ${value} is outside 1 … ${max}`);
  }
}

/** Checks a launch's dimensions, shared memory and parameter block against the kernel and device. Allocates nothing unless it fails. */
export function checkLaunch(f: FunctionRecord, dims: LaunchDims, params: ParamBlock, call: string): void {
  checkDimension('grid', 0, dims.gridX, SM90.maxGridDim[0], call);
  checkDimension('grid', 1, dims.gridY, SM90.maxGridDim[1], call);
  checkDimension('grid', 2, dims.gridZ, SM90.maxGridDim[2], call);
  checkDimension('block', 0, dims.blockX, SM90.maxBlockDim[0], call);
  checkDimension('block', 1, dims.blockY, SM90.maxBlockDim[1], call);
  checkDimension('block', 2, dims.blockZ, SM90.maxBlockDim[2], call);
  const threads = dims.blockX * dims.blockY * dims.blockZ;
  if (threads > SM90.maxThreadsPerBlock) fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `${threads} threads per block exceed the device's ${SM90.maxThreadsPerBlock}`);
  const required = f.info.requiredBlock;
  if (required && (required[0] !== dims.blockX || required[1] !== dims.blockY || required[2] !== dims.blockZ)) {
    fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `kernel ${f.name} requires blocks of (${required.join(', ')}) threads (.reqntid), not (${dims.blockX}, ${dims.blockY}, ${dims.blockZ})`);
  }
  if (threads > f.maxThreadsPerBlock) {
    if (f.limitedByDirective) fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `kernel ${f.name} allows at most ${f.maxThreadsPerBlock} threads per block (.maxntid), not ${threads}`);
    fail(CUresult.CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES, call, `too many resources requested for launch: ${threads} threads × ${f.numRegs} registers exceed the ${SM90.regsPerBlock} registers of a block (at most ${f.maxThreadsPerBlock} threads)`);
  }
  const dynamic = dims.sharedMemBytes;
  if (!Number.isInteger(dynamic) || dynamic < 0 || dynamic > f.maxDynamicSharedBytes) {
    fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `${dynamic} bytes of dynamic shared memory exceed kernel ${f.name}'s maximum of ${f.maxDynamicSharedBytes} (raise CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, up to ${SM90.sharedMemPerBlockOptin - f.staticSharedBytes})`);
  }
  if (params.bytes.byteLength < f.info.paramBytes) {
    fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `the parameter block holds ${params.bytes.byteLength} bytes; kernel ${f.name} takes ${f.info.paramBytes}`);
  }
}

/**
 * The cluster shape of a launch: the requested one, else the kernel's required one, else none.
 * @throws DriverError CUDA_ERROR_INVALID_CLUSTER_SIZE (see the module comment).
 */
export function clusterOf(f: FunctionRecord, dims: LaunchDims, requested: readonly [number, number, number] | undefined, call: string): readonly [number, number, number] | null {
  const r = f.requiredCluster;
  const required = r[0] || r[1] || r[2] ? [r[0] || 1, r[1] || 1, r[2] || 1] as const : null;
  if (requested && required && requested.some((v, i) => v !== required[i])) {
    fail(CUresult.CUDA_ERROR_INVALID_CLUSTER_SIZE, call, `kernel ${f.name} requires clusters of (${required.join(', ')}) blocks, not (${requested.join(', ')})`);
  }
  const cluster = requested ?? required;
  if (!cluster) return null;
  const grid = [dims.gridX, dims.gridY, dims.gridZ];
  for (let i = 0; i < 3; i++) {
    const c = cluster[i]!;
    if (!Number.isInteger(c) || c < 1 || grid[i]! % c !== 0) {
      fail(CUresult.CUDA_ERROR_INVALID_CLUSTER_SIZE, call, `cluster dimension ${AXES[i]} = ${c} must be a positive divisor of the grid dimension ${grid[i]}`);
    }
  }
  const size = cluster[0] * cluster[1] * cluster[2];
  const max = f.nonPortableClusterSizeAllowed ? SM90.nonPortableClusterSize : SM90.portableClusterSize;
  if (size > max) {
    fail(CUresult.CUDA_ERROR_INVALID_CLUSTER_SIZE, call, `a cluster of ${size} blocks exceeds the maximum of ${max}` +
      (f.nonPortableClusterSizeAllowed ? '' : ' (set CU_FUNC_ATTRIBUTE_NON_PORTABLE_CLUSTER_SIZE_ALLOWED for up to 16)'));
  }
  return cluster;
}

/** Throws CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE unless every block of the grid can be resident at once. */
export function checkCooperative(f: FunctionRecord, dims: LaunchDims, call: string): void {
  const blocks = dims.gridX * dims.gridY * dims.gridZ;
  const perSm = occupancy(f, dims.blockX * dims.blockY * dims.blockZ, dims.sharedMemBytes).activeBlocks;
  const max = perSm * SM90.multiprocessorCount;
  if (blocks > max) {
    fail(CUresult.CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE, call, `a cooperative grid of ${blocks} blocks exceeds the ${max} that can be co-resident (${perSm} per SM × ${SM90.multiprocessorCount} SMs)`);
  }
}

/**
 * Runs the kernel to completion on `stream` (already resolved, in the kernel's context). Flushes
 * earlier printf output first, as a launch does on the GPU.
 */
export function execute(f: FunctionRecord, stream: StreamRecord, dims: LaunchDims, params: ParamBlock, cluster: readonly [number, number, number] | null, call: string): void {
  const context = f.context;
  context.printf.flush();
  const r = f.request;
  r.grid[0] = dims.gridX;
  r.grid[1] = dims.gridY;
  r.grid[2] = dims.gridZ;
  r.block[0] = dims.blockX;
  r.block[1] = dims.blockY;
  r.block[2] = dims.blockZ;
  r.cluster = cluster ?? NO_CLUSTER;
  r.dynamicSharedBytes = dims.sharedMemBytes;
  r.params = params.bytes;
  try {
    f.module.instance.launch(r);
  } catch (e) {
    if (e instanceof DriverError && !e.sticky) throw e;
    context.sticky = e instanceof DriverError
      ? e
      : driverError(CUresult.CUDA_ERROR_LAUNCH_FAILED, call, `kernel ${f.name} failed in the PTX engine: ${e instanceof CudaError ? e.explanation : (e as Error)?.message ?? String(e)}`, e);
  }
  stream.completed();
}
