/**
 * The handful of cuda.h constants the emulated device needs, and {@link fail}, the one place
 * where it builds a `DriverError`.
 *
 * TO BE REPLACED by imports from `src/raw/driver-types.ts` (generated from cuda.h: `CUresult`,
 * `CUresultNames`, `CUresultDocs`, `CUdevice_attribute`, `CUfunction_attribute`, `CUctx_flags` …)
 * and by `driverError()` from `src/backend/driver-error.ts` when those land on main. Every value
 * here is copied from /usr/local/cuda/include/cuda.h (CUDA 13.0) under the same name, so the swap
 * is a change to this file only: re-export the generated objects and make `fail` call
 * `driverError`.
 * @module
 */
import { DriverError } from '../../errors.js';

/** CUresult values used by the emulated device (cuda.h `enum cudaError_enum`). */
export const CUresult = {
  CUDA_SUCCESS: 0,
  CUDA_ERROR_INVALID_VALUE: 1,
  CUDA_ERROR_OUT_OF_MEMORY: 2,
  CUDA_ERROR_NO_DEVICE: 100,
  CUDA_ERROR_INVALID_DEVICE: 101,
  CUDA_ERROR_INVALID_IMAGE: 200,
  CUDA_ERROR_INVALID_CONTEXT: 201,
  CUDA_ERROR_NO_BINARY_FOR_GPU: 209,
  CUDA_ERROR_PEER_ACCESS_UNSUPPORTED: 217,
  CUDA_ERROR_INVALID_PTX: 218,
  CUDA_ERROR_JIT_COMPILER_NOT_FOUND: 221,
  CUDA_ERROR_UNSUPPORTED_PTX_VERSION: 222,
  CUDA_ERROR_INVALID_HANDLE: 400,
  CUDA_ERROR_NOT_FOUND: 500,
  CUDA_ERROR_NOT_READY: 600,
  CUDA_ERROR_ILLEGAL_ADDRESS: 700,
  CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES: 701,
  CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED: 704,
  CUDA_ERROR_PEER_ACCESS_NOT_ENABLED: 705,
  CUDA_ERROR_CONTEXT_IS_DESTROYED: 709,
  CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED: 712,
  CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED: 713,
  CUDA_ERROR_LAUNCH_FAILED: 719,
  CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE: 720,
  CUDA_ERROR_NOT_SUPPORTED: 801,
  CUDA_ERROR_INVALID_CLUSTER_SIZE: 912,
  CUDA_ERROR_UNKNOWN: 999,
} as const;

/** A CUresult value known to this module. */
export type CUresultCode = (typeof CUresult)[keyof typeof CUresult];

/** CUresult code → C name, for the codes above. */
export const CUresultNames: ReadonlyMap<number, string> = new Map(
  Object.entries(CUresult).map(([name, code]) => [code, name]),
);

/** One-line meaning of each code above, after cuda.h's comments. */
const CUresultDocs: Readonly<Record<number, string>> = {
  0: 'no error',
  1: 'one or more of the parameters passed to the API call is not within an acceptable range of values',
  2: 'the API call failed because it was unable to allocate enough memory',
  100: 'no CUDA-capable devices were detected',
  101: 'the device ordinal supplied does not correspond to a valid CUDA device',
  200: 'the device kernel image is invalid',
  201: 'there is no context bound to the current thread, or the context handle is not a valid context',
  209: 'there is no kernel image available that is suitable for the device',
  217: 'peer access is not supported across the given devices',
  218: 'a PTX JIT compilation failed',
  221: 'the PTX JIT compiler library was not found',
  222: 'the provided PTX was compiled with an unsupported toolchain',
  400: 'a resource handle passed to the API call was not valid',
  500: 'a named symbol was not found',
  600: 'asynchronous operations issued previously have not completed yet',
  700: 'the device encountered a load or store instruction on an invalid memory address',
  701: 'the launch did not occur because it did not have appropriate resources',
  704: 'peer access has already been enabled for this context',
  705: 'peer access has not been enabled by cuCtxEnablePeerAccess',
  709: 'the context current to the calling thread has been destroyed, or is a primary context that is not initialized',
  712: 'the memory range passed to cuMemHostRegister has already been registered',
  713: 'the pointer passed to cuMemHostUnregister does not correspond to any registered memory region',
  719: 'an exception occurred on the device while executing a kernel',
  720: 'the number of blocks launched per grid for a cooperative kernel exceeds what can be co-resident',
  801: 'the attempted operation is not supported on the current system or device',
  912: 'the kernel launch failed because of an invalid cluster configuration',
  999: 'an unknown internal error has occurred',
};

/**
 * The `DriverError` the real driver would produce: `code` with its C name, the call that failed,
 * and the explanation (the code's meaning, then `detail` when given).
 */
export function driverFailure(code: number, call: string, detail?: string, cause?: unknown): DriverError {
  const meaning = CUresultDocs[code] ?? 'driver error';
  return new DriverError({
    code,
    codeName: CUresultNames.get(code) ?? `CUresult ${code}`,
    explanation: detail ? `${detail} (${meaning})` : meaning,
    call,
    cause,
  });
}

/** Throws {@link driverFailure}`(code, call, detail)`. Typed `never` so it ends control flow. */
export function fail(code: number, call: string, detail?: string, cause?: unknown): never {
  throw driverFailure(code, call, detail, cause);
}

/** CUdevice_attribute: the first and one-past-last ids of cuda.h 13.0 (1 … CU_DEVICE_ATTRIBUTE_MAX − 1). */
export const CU_DEVICE_ATTRIBUTE_FIRST = 1;
/** cuda.h 13.0 `CU_DEVICE_ATTRIBUTE_MAX`. */
export const CU_DEVICE_ATTRIBUTE_MAX = 148;

/** CUfunction_attribute values (cuda.h `enum CUfunction_attribute_enum`). */
export const CUfunction_attribute = {
  CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK: 0,
  CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES: 1,
  CU_FUNC_ATTRIBUTE_CONST_SIZE_BYTES: 2,
  CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES: 3,
  CU_FUNC_ATTRIBUTE_NUM_REGS: 4,
  CU_FUNC_ATTRIBUTE_PTX_VERSION: 5,
  CU_FUNC_ATTRIBUTE_BINARY_VERSION: 6,
  CU_FUNC_ATTRIBUTE_CACHE_MODE_CA: 7,
  CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES: 8,
  CU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT: 9,
  CU_FUNC_ATTRIBUTE_CLUSTER_SIZE_MUST_BE_SET: 10,
  CU_FUNC_ATTRIBUTE_REQUIRED_CLUSTER_WIDTH: 11,
  CU_FUNC_ATTRIBUTE_REQUIRED_CLUSTER_HEIGHT: 12,
  CU_FUNC_ATTRIBUTE_REQUIRED_CLUSTER_DEPTH: 13,
  CU_FUNC_ATTRIBUTE_NON_PORTABLE_CLUSTER_SIZE_ALLOWED: 14,
  CU_FUNC_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE: 15,
} as const;

/** CUctx_flags bits (cuda.h `enum CUctx_flags_enum`). */
export const CUctx_flags = {
  CU_CTX_SCHED_AUTO: 0x00,
  CU_CTX_SCHED_SPIN: 0x01,
  CU_CTX_SCHED_YIELD: 0x02,
  CU_CTX_SCHED_BLOCKING_SYNC: 0x04,
  CU_CTX_SCHED_MASK: 0x07,
  CU_CTX_MAP_HOST: 0x08,
  CU_CTX_LMEM_RESIZE_TO_MAX: 0x10,
  CU_CTX_COREDUMP_ENABLE: 0x20,
  CU_CTX_USER_COREDUMP_ENABLE: 0x40,
  CU_CTX_SYNC_MEMOPS: 0x80,
  CU_CTX_FLAGS_MASK: 0xff,
} as const;

/** CUstream_flags (cuda.h). */
export const CU_STREAM_NON_BLOCKING = 0x1;
/** `CU_STREAM_LEGACY`: the legacy default stream as an explicit handle. */
export const CU_STREAM_LEGACY = 0x1n;
/** `CU_STREAM_PER_THREAD`: the per-thread default stream. */
export const CU_STREAM_PER_THREAD = 0x2n;

/** CUevent_flags (cuda.h). */
export const CUevent_flags = {
  CU_EVENT_DEFAULT: 0x0,
  CU_EVENT_BLOCKING_SYNC: 0x1,
  CU_EVENT_DISABLE_TIMING: 0x2,
  CU_EVENT_INTERPROCESS: 0x4,
} as const;

/** cuMemHostAlloc flags (cuda.h `CU_MEMHOSTALLOC_*`), all of them. */
export const CU_MEMHOSTALLOC_MASK = 0x01 | 0x02 | 0x04;
/** cuMemHostRegister flags (cuda.h `CU_MEMHOSTREGISTER_*`), all of them. */
export const CU_MEMHOSTREGISTER_MASK = 0x01 | 0x02 | 0x04 | 0x08;
