/**
 * Status codes to typed errors: a CUresult becomes a {@link DriverError} and a cudaError_t a
 * {@link RuntimeApiError}, each named and explained from the generated header documentation.
 * Both backends use these, so the emulated device reports exactly what the driver would.
 *
 * On the hot paths write `if (rc !== 0) throw driverError(rc, 'cuLaunchKernel')` or call
 * {@link check}: neither allocates when the call succeeded.
 * @module
 */
import { DriverError, RuntimeApiError } from '../errors.js';
import { CUresultDocs, CUresultNames } from '../raw/driver-types.js';
import { cudaErrorDocs, cudaErrorNames } from '../raw/runtime-types.js';

function explain(docs: Readonly<Record<number, string>>, code: number, api: string, detail: string | undefined): string {
  const base = docs[code] ?? `Unknown ${api} code ${code} (a newer CUDA than the headers cudajs was generated from?).`;
  return detail === undefined || detail === '' ? base : `${base}\n${detail}`;
}

/**
 * The {@link DriverError} for a CUresult `code` returned by `call`. `detail` (a JIT log, the
 * arguments …) is appended to the explanation.
 */
export function driverError(code: number, call: string, detail?: string, cause?: unknown): DriverError {
  return new DriverError({
    code,
    codeName: CUresultNames[code] ?? `CUresult(${code})`,
    explanation: explain(CUresultDocs, code, 'CUresult', detail),
    call,
    cause,
  });
}

/** Throws {@link driverError}`(code, call, detail, cause)`; typed `never` so that it ends control flow. */
export function fail(code: number, call: string, detail?: string, cause?: unknown): never {
  throw driverError(code, call, detail, cause);
}

/** Throws the {@link DriverError} for `code` unless it is CUDA_SUCCESS (0). */
export function check(code: number, call: string): void {
  if (code !== 0) throw driverError(code, call);
}

/** The {@link RuntimeApiError} for a cudaError_t `code` returned by `call`. */
export function runtimeError(code: number, call: string, detail?: string): RuntimeApiError {
  return new RuntimeApiError({
    code,
    codeName: cudaErrorNames[code] ?? `cudaError(${code})`,
    explanation: explain(cudaErrorDocs, code, 'cudaError_t', detail),
    call,
  });
}

/** Throws the {@link RuntimeApiError} for `code` unless it is cudaSuccess (0). */
export function checkRuntime(code: number, call: string): void {
  if (code !== 0) throw runtimeError(code, call);
}
