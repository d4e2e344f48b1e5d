/**
 * Every error cudajs throws is a {@link CudaError}: it names the CUDA status (`codeName`, and the
 * numeric `code` where CUDA has one), explains it in words, and names the call that failed.
 *
 * Subclasses say where the error came from: the driver API ({@link DriverError}), the runtime API
 * ({@link RuntimeApiError}), argument checks made by cudajs before any CUDA call
 * ({@link InvalidArgumentError}), use of a disposed object ({@link DisposedError}) or of one whose
 * context was reset ({@link ContextResetError}), a refused device reset ({@link ResetRefusedError}), a missing
 * shared library ({@link LibraryNotFoundError}), PTX that cannot be parsed
 * ({@link PtxSyntaxError}), a fault inside a kernel found by the emulated device
 * ({@link KernelFaultError}), peer access that cannot be enabled ({@link PeerAccessError}), or a
 * collective operation (NCCL, or the emulated collectives) that failed ({@link NcclError}).
 *
 * @example
 * ```ts
 * try {
 *   kernel.launch({ grid: 0, block: 128 }, buf, n);
 * } catch (e) {
 *   if (e instanceof CudaError) console.error(e.codeName, e.call, e.explanation);
 * }
 * ```
 * @module
 */

/** The fields every {@link CudaError} carries. */
export interface CudaErrorInit {
  /** The CUDA status code (CUresult, cudaError_t, nvrtcResult …), or `null` for cudajs's own errors. */
  readonly code: number | null;
  /** The status's C name, e.g. `CUDA_ERROR_INVALID_VALUE`; `CUDAJS_…` for cudajs's own errors. */
  readonly codeName: string;
  /** What went wrong, in words. */
  readonly explanation: string;
  /** The call that failed, e.g. `cuModuleLoadData` or `Kernel.launch`. */
  readonly call: string;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

/** Base class of every error thrown by cudajs. */
export class CudaError extends Error {
  /** The CUDA status code, or `null` for errors that do not come from a CUDA status. */
  readonly code: number | null;
  /** The status's C name, e.g. `CUDA_ERROR_ILLEGAL_ADDRESS`. */
  readonly codeName: string;
  /** The explanation of the status, in words. */
  readonly explanation: string;
  /** The call that failed. */
  readonly call: string;

  constructor(init: CudaErrorInit) {
    super(`${init.call}: ${init.codeName}: ${init.explanation}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = init.code;
    this.codeName = init.codeName;
    this.explanation = init.explanation;
    this.call = init.call;
  }
}

/**
 * CUresult codes after which the context is unusable: every later call in it fails the same way
 * until the context is destroyed (or the primary context reset). The CUDA manual calls these
 * "sticky"; the process must recreate the context to continue.
 */
const STICKY_DRIVER_CODES: ReadonlySet<number> = new Set([
  700, // CUDA_ERROR_ILLEGAL_ADDRESS
  702, // CUDA_ERROR_LAUNCH_TIMEOUT
  710, // CUDA_ERROR_ASSERT
  714, // CUDA_ERROR_HARDWARE_STACK_ERROR
  715, // CUDA_ERROR_ILLEGAL_INSTRUCTION
  716, // CUDA_ERROR_MISALIGNED_ADDRESS
  717, // CUDA_ERROR_INVALID_ADDRESS_SPACE
  718, // CUDA_ERROR_INVALID_PC
  719, // CUDA_ERROR_LAUNCH_FAILED
]);

/** Whether a CUresult leaves the context unusable (see {@link DriverError.sticky}). */
export function isStickyDriverCode(code: number): boolean {
  return STICKY_DRIVER_CODES.has(code);
}

/** A driver-API call (libcuda, or the emulated device acting as one) returned a CUresult other than success. */
export class DriverError extends CudaError {
  /**
   * True when the error corrupted the context (illegal address, assert, trap, launch failure):
   * every later call in that context fails until it is destroyed or the primary context is reset.
   */
  readonly sticky: boolean;

  constructor(init: CudaErrorInit) {
    super(init);
    this.sticky = init.code !== null && isStickyDriverCode(init.code);
  }
}

/**
 * Peer access between two contexts cannot be enabled: they are on the same device, the devices
 * cannot reach each other (cuDeviceCanAccessPeer says no: no NVLink or PCIe P2P path), or the
 * driver refused (too many peers). `code` is the CUresult: CUDA_ERROR_PEER_ACCESS_UNSUPPORTED
 * (217) or CUDA_ERROR_TOO_MANY_PEERS (711).
 */
export class PeerAccessError extends DriverError {
  /** The ordinal of the device whose kernels would access the peer's memory. */
  readonly device: number;
  /** The ordinal of the device whose memory would be accessed. */
  readonly peer: number;

  constructor(init: CudaErrorInit & { readonly device: number; readonly peer: number }) {
    super(init);
    this.device = init.device;
    this.peer = init.peer;
  }
}

/**
 * A collective-communication call failed: NCCL returned an ncclResult_t other than ncclSuccess,
 * or the emulated collectives found the same misuse NCCL reports (or would hang on). `code` is
 * the ncclResult_t (`codeName` e.g. `ncclInvalidUsage`); the explanation is NCCL's
 * ncclGetErrorString text plus, where known, ncclGetLastError's detail.
 */
export class NcclError extends CudaError {}

/** A runtime-API call (libcudart) returned a cudaError_t other than cudaSuccess. */
export class RuntimeApiError extends CudaError {}

/** An argument was rejected by cudajs before reaching CUDA (wrong type, count, size or range). */
export class InvalidArgumentError extends CudaError {
  constructor(call: string, explanation: string) {
    super({ code: 1, codeName: 'CUDA_ERROR_INVALID_VALUE', explanation, call });
  }
}

/** An object was used after `dispose()`, or after the context that owned it was destroyed or reset. */
export class DisposedError extends CudaError {
  /**
   * @param status the CUDA status to report; default CUDA_ERROR_INVALID_HANDLE (subclasses give a
   *   more precise one, e.g. {@link ContextResetError}).
   */
  constructor(call: string, what: string, reason = 'it was disposed', status: { readonly code: number; readonly codeName: string; readonly cause?: unknown } = { code: 400, codeName: 'CUDA_ERROR_INVALID_HANDLE' }) {
    super({ ...status, explanation: `${what} cannot be used: ${reason}`, call });
  }
}

/** What cudajs knows about a reset of a context that objects lived in. */
export interface ContextResetInfo {
  /**
   * Who reset it, in words: `scope 'plugin-b'`, `runtime.deviceReset()`, or `code outside cudajs
   * (…)` for a reset cudajs did not make (another native addon's cudaDeviceReset, another thread).
   */
  readonly by: string;
  /** The context, in words, e.g. `the primary context of device 0`. */
  readonly context: string;
  /** The device. */
  readonly device: number;
  /** True when the reset was forced over other holders of the context (or made outside cudajs). */
  readonly forced: boolean;
  /** For resets made outside cudajs, the call that noticed it; `null` when cudajs made the reset. */
  readonly detectedBy: string | null;
  /** Identity of the cudajs object that made the reset (a scope), so that it is not told about its own reset. */
  readonly resetter: object | null;
}

/**
 * An object was used after the context it lived in was reset — by a cudajs scope that forced a
 * device reset, or by code outside cudajs (detected on the next call). Everything that lived in
 * that context (memory, modules, streams, events) is gone; {@link ContextResetError.reset} says who
 * reset it. A {@link DisposedError}, reported as CUDA_ERROR_CONTEXT_IS_DESTROYED.
 *
 * @example
 * ```ts
 * try {
 *   kernel.launch(config, x, y);
 * } catch (e) {
 *   if (!(e instanceof ContextResetError)) throw e;
 *   console.warn(`lost my buffers: ${e.reset.context} was reset by ${e.reset.by}`);
 *   scope.recover(); // then re-create the buffers
 * }
 * ```
 */
export class ContextResetError extends DisposedError {
  /** Who reset the context, and when cudajs noticed. */
  readonly reset: ContextResetInfo;

  constructor(call: string, what: string, reset: ContextResetInfo, hint = '', cause?: unknown) {
    const detected = reset.detectedBy === null ? '' : ` (noticed by ${reset.detectedBy})`;
    super(call, what, `${reset.context} was reset by ${reset.by}${reset.forced && reset.detectedBy === null ? ' (forced)' : ''}${detected}; ` +
      `everything that lived in it is gone${hint}`, { code: 709, codeName: 'CUDA_ERROR_CONTEXT_IS_DESTROYED', cause });
    this.reset = reset;
  }
}

/**
 * A device reset was refused because others still hold the primary context: resetting it would
 * destroy their memory and modules. Pass `{ force: true }` to reset anyway (they then get a
 * {@link ContextResetError} naming who reset it).
 */
export class ResetRefusedError extends CudaError {
  /** Who else holds the primary context, in words (`scope 'plugin-a'`, `2 other cudajs references`). */
  readonly holders: readonly string[];

  constructor(call: string, device: number, holders: readonly string[]) {
    super({
      code: null,
      codeName: 'CUDAJS_RESET_REFUSED',
      explanation: `the primary context of device ${device} is also held by ${holders.join(', ')}; a reset would destroy their memory and modules. ` +
        'Dispose those holders first, reset only your own resources (scope.reset()), or pass { force: true }',
      call,
    });
    this.holders = holders;
  }
}

/** A shared library (libcuda, libcudart, libnvrtc …) could not be loaded. */
export class LibraryNotFoundError extends CudaError {
  /** The library's name, e.g. `libcuda.so.1`. */
  readonly library: string;
  /** Every path that was tried, in order. */
  readonly searched: readonly string[];

  constructor(call: string, library: string, searched: readonly string[], hint: string, cause?: unknown) {
    super({
      code: null,
      codeName: 'CUDAJS_LIBRARY_NOT_FOUND',
      explanation: `${library} could not be loaded (tried: ${searched.join(', ')}). ${hint}`,
      call,
      cause,
    });
    this.library = library;
    this.searched = searched;
  }
}

/** Where in a PTX text an error was found. */
export interface PtxLocation {
  /** 1-based line number. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** The token at that place, as written. */
  readonly token: string;
}

/** PTX that the emulated device cannot parse or does not support (the driver's CUDA_ERROR_INVALID_PTX). */
export class PtxSyntaxError extends CudaError {
  /** Where the problem is. */
  readonly location: PtxLocation;

  constructor(call: string, message: string, location: PtxLocation, unsupported = false) {
    super({
      code: unsupported ? 222 : 218,
      codeName: unsupported ? 'CUDA_ERROR_UNSUPPORTED_PTX_VERSION' : 'CUDA_ERROR_INVALID_PTX',
      explanation: `line ${location.line}, column ${location.column}, at '${location.token}': ${message}`,
      call,
    });
    this.location = location;
  }
}

/** Where a thread was when a kernel faulted. */
export interface FaultSite {
  /** The kernel's entry name. */
  readonly kernel: string;
  /** blockIdx of the faulting thread. */
  readonly block: readonly [number, number, number];
  /** threadIdx of the faulting thread. */
  readonly thread: readonly [number, number, number];
  /** The PTX line of the faulting instruction, when known. */
  readonly line?: number;
  /** The faulting instruction, as written. */
  readonly instruction?: string;
}

/**
 * A kernel on the emulated device made an out-of-bounds or misaligned access, trapped, failed an
 * assert, deadlocked at a barrier, or ran past its instruction budget. It is a sticky
 * {@link DriverError} with the same code the GPU would report, plus where it happened.
 */
export class KernelFaultError extends DriverError {
  /** The thread that faulted. */
  readonly site: FaultSite;

  constructor(init: Omit<CudaErrorInit, 'explanation'> & { readonly explanation: string; readonly site: FaultSite }) {
    const s = init.site;
    const where = `kernel ${s.kernel}, block (${s.block.join(',')}), thread (${s.thread.join(',')})` +
      (s.line !== undefined ? `, PTX line ${s.line}` : '') + (s.instruction ? ` [${s.instruction}]` : '');
    super({ ...init, explanation: `${init.explanation} — in ${where}` });
    this.site = s;
  }
}
