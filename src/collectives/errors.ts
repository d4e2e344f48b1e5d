/**
 * ncclResult_t codes to {@link NcclError}s, for both implementations.
 * @module
 */
import { NcclError } from '../errors.js';
import { ncclResult_t, ncclResult_tNames } from '../raw/nccl-types.js';

/**
 * What each ncclResult_t means, in words, for when NCCL's own ncclGetErrorString is not at hand
 * (the reference implementation, or a failure to load libnccl).
 */
const MEANINGS: Readonly<Record<number, string>> = {
  [ncclResult_t.ncclSuccess]: 'no error',
  [ncclResult_t.ncclUnhandledCudaError]: 'a CUDA call made by NCCL failed',
  [ncclResult_t.ncclSystemError]: 'a system call failed (sockets, shared memory, threads)',
  [ncclResult_t.ncclInternalError]: 'an internal check failed',
  [ncclResult_t.ncclInvalidArgument]: 'invalid argument',
  [ncclResult_t.ncclInvalidUsage]: 'invalid usage',
  [ncclResult_t.ncclRemoteError]: 'a remote rank failed or the network between the ranks broke',
  [ncclResult_t.ncclInProgress]: 'the operation is still in progress',
};

/**
 * The {@link NcclError} for `code` returned by (or, on the reference, found in) `call`.
 * `meaning` replaces the built-in text (NCCL's ncclGetErrorString); `detail` follows it.
 */
export function ncclError(code: number, call: string, detail?: string, meaning?: string): NcclError {
  const base = meaning ?? MEANINGS[code] ?? `unknown ncclResult_t ${code}`;
  return new NcclError({
    code,
    codeName: ncclResult_tNames[code] ?? `ncclResult_t(${code})`,
    explanation: detail === undefined || detail === '' ? base : `${base}: ${detail}`,
    call,
  });
}

/** The ncclInvalidUsage error the reference reports for what NCCL would hang on. */
export function invalidUsage(call: string, detail: string): NcclError {
  return ncclError(ncclResult_t.ncclInvalidUsage, call, detail);
}
