/**
 * Skip logic for tests that need a real GPU: {@link gpuSkipReason} says why the GPU tier cannot
 * run here (no libcuda, cuInit failing, no device), or `undefined` when it can.
 * @module
 */
import { LIBCUDA, loadLibrary } from '../../src/raw/library.js';
import { LibraryNotFoundError } from '../../src/errors.js';
import { CUresultNames } from '../../src/raw/driver-types.js';

let cached: { readonly reason: string | undefined } | undefined;

/**
 * Why GPU tests must be skipped on this machine, or `undefined` when libcuda loads, cuInit
 * succeeds and at least one device exists. Computed once per process, with its own library handle
 * (so it never loads a mock driver that a test points CUDAJS_LIBCUDA_PATH at later).
 */
export function gpuSkipReason(): string | undefined {
  return (cached ??= { reason: probe() }).reason;
}

/** Whether the GPU tier can run (see {@link gpuSkipReason}). */
export function gpuAvailable(): boolean {
  return gpuSkipReason() === undefined;
}

function probe(): string | undefined {
  let lib;
  try {
    lib = loadLibrary(LIBCUDA, 'gpuAvailable');
  } catch (e) {
    if (e instanceof LibraryNotFoundError) return `no GPU driver: ${e.library} not found (searched ${e.searched.join(', ')})`;
    return `no GPU driver: ${e instanceof Error ? e.message : String(e)}`;
  }
  const cuInit = lib.handle.func('cuInit', 'int32', ['uint32']) as (flags: number) => number;
  const cuDeviceGetCount = lib.handle.func('cuDeviceGetCount', 'int32', ['void *']) as (count: Int32Array) => number;
  const rc = cuInit(0);
  if (rc !== 0) return `cuInit(0) failed with ${CUresultNames[rc] ?? rc} (${lib.path})`;
  const count = new Int32Array(1);
  const rc2 = cuDeviceGetCount(count);
  if (rc2 !== 0) return `cuDeviceGetCount failed with ${CUresultNames[rc2] ?? rc2}`;
  return count[0] === 0 ? 'the driver reports no CUDA device' : undefined;
}
