/**
 * The collectives on NCCL: each operation is one call of the generated bindings
 * (`src/raw/nccl.ts`, libnccl.so.2 loaded on first use with NVLS off: see `LIBNCCL`), made with
 * the communicator's context current.
 *
 * Contexts: NCCL works in the primary context of each device — it selects devices with the
 * runtime API's cudaSetDevice, in ncclCommInitAll and in ncclGroupEnd — and a communicator must be
 * used with the context it was created in current. So every call here pushes the communicator's
 * context (the device's primary context, which the communicator retains), and afterwards restores
 * the calling thread's context stack, which NCCL's cudaSetDevice calls may have changed (e.g.
 * ncclCommInitAll leaves a context current: NVIDIA/nccl#2231).
 *
 * ncclGetErrorString and ncclGetLastError return strings, not ncclResult_t, so the generator does
 * not bind them; they are bound here by hand. ncclGetLastError returns the text of NCCL's last
 * warning in the process, whichever call made it, and nothing clears it: an error carries it only
 * when the failing call changed it (it is read before every call), so an earlier call's warning
 * is never presented as the cause of a later error. (A call that repeats the previous warning word
 * for word is not told apart from one that warned nothing.) Where NCCL refuses a reduction without
 * a warning, the error carries cudajs's explanation instead ({@link refusedReduction}).
 * @module
 */
import { backend } from '../core/backend.js';
import type { Context } from '../core/index.js';
import { ncclResult_t } from '../raw/nccl-types.js';
import { ncclApi, ncclLibrary, type NcclApi } from '../raw/nccl.js';
import { DATA_TYPES, REDUCE_OPS, refusedReduction } from './dtypes.js';
import type { CollectiveEngine, EngineCommunicator, Operation } from './engine.js';
import { ncclError } from './errors.js';

/** Creates the NCCL engine, loading libnccl. @throws LibraryNotFoundError naming `call`. */
export function createNcclEngine(call: string): CollectiveEngine {
  ncclLibrary();
  return new NcclEngine(call);
}

/** `NCCL 2.28.3` for ncclGetVersion's 22803 (2.9+ encoding) or 2804 (before). */
function versionText(code: number): string {
  return code >= 10000
    ? `${Math.floor(code / 10000)}.${Math.floor((code % 10000) / 100)}.${code % 100}`
    : `${Math.floor(code / 1000)}.${Math.floor((code % 1000) / 100)}.${code % 100}`;
}

/** Runs `fn` with `context` pushed (or none), then restores the thread's context stack. */
function inContext<T>(context: Context | null, fn: () => T): T {
  const b = backend();
  const before = b.contextGetCurrent();
  if (context !== null) b.contextPush(context.handle);
  try {
    return fn();
  } finally {
    if (context !== null) {
      if (b.contextGetCurrent() !== context.handle) b.contextSetCurrent(context.handle);
      b.contextPop();
    }
    // cuCtxSetCurrent(NULL) pops one context, so a stack NCCL pushed onto takes a few rounds.
    for (let i = 0; i < 8 && b.contextGetCurrent() !== before; i++) b.contextSetCurrent(before);
  }
}

class NcclEngine implements CollectiveEngine {
  readonly implementation = 'nccl' as const;
  readonly description: string;
  readonly api: NcclApi;
  readonly #errorString: (code: number) => string;
  readonly #lastError: (comm: bigint | null) => string | null;

  constructor(call: string) {
    this.api = ncclApi();
    const lib = ncclLibrary();
    this.#errorString = lib.handle.func('ncclGetErrorString', 'const char *', ['int32']) as (code: number) => string;
    let lastError: (comm: bigint | null) => string | null;
    try {
      lastError = lib.handle.func('ncclGetLastError', 'const char *', ['void *']) as (comm: bigint | null) => string | null;
    } catch {
      lastError = () => null; // NCCL before 2.13
    }
    this.#lastError = lastError;
    const version = new Int32Array(1);
    this.run(call, () => this.api.ncclGetVersion(version));
    this.description = `NCCL ${versionText(version[0]!)} (${lib.path}, found by ${lib.foundBy})`;
  }

  /**
   * NCCL's last warning (ncclGetLastError), or `null` where it cannot be read. NCCL ignores the
   * communicator argument (the text is the process's), so none is passed: a communicator that a
   * failed call destroyed is never touched.
   */
  #lastWarning(): string | null {
    try {
      return this.#lastError(null);
    } catch {
      return null;
    }
  }

  /**
   * Makes the NCCL call `fn` and throws the NcclError for what it returned unless ncclSuccess,
   * with NCCL's own words: ncclGetErrorString, then the warning the call left (ncclGetLastError,
   * when the call changed it), else `hint`'s explanation for `code`, if any.
   */
  run(call: string, fn: () => number, hint?: (code: number) => string | null): void {
    const before = this.#lastWarning();
    const code = fn();
    if (code === 0) return;
    let meaning: string | undefined;
    try {
      meaning = this.#errorString(code);
    } catch {
      // Fall back to cudajs's own words.
    }
    const after = this.#lastWarning();
    const detail = after !== null && after !== '' && after !== before ? after : hint?.(code) ?? undefined;
    throw ncclError(code, call, detail, meaning);
  }

  uniqueId(): Uint8Array {
    const id = new Uint8Array(128);
    this.run('ncclGetUniqueId', () => this.api.ncclGetUniqueId(id));
    return id;
  }

  createAll(contexts: readonly Context[]): EngineCommunicator[] {
    const handles = new BigUint64Array(contexts.length);
    const devices = Int32Array.from(contexts, (c) => c.device.ordinal);
    inContext(null, () => this.run('ncclCommInitAll', () => this.api.ncclCommInitAll(handles, contexts.length, devices)));
    return contexts.map((context, rank) => new NcclCommunicator(this, handles.subarray(rank, rank + 1), context, contexts.length, contexts));
  }

  create(id: Uint8Array, ranks: number, rank: number, context: Context): EngineCommunicator {
    const out = new BigUint64Array(1);
    // ncclUniqueId is passed by value: a struct holding `char internal[128]`.
    const value = { internal: Array.from(new Int8Array(id.buffer, id.byteOffset, id.byteLength)) };
    inContext(context, () => this.run('ncclCommInitRank', () => this.api.ncclCommInitRank(out, ranks, value, rank)));
    // The other ranks' devices are not known here (other processes, or later calls).
    return new NcclCommunicator(this, out, context, ranks, [context]);
  }

  groupStart(): void {
    inContext(null, () => this.run('ncclGroupStart', () => this.api.ncclGroupStart()));
  }

  groupEnd(): void {
    inContext(null, () => this.run('ncclGroupEnd', () => this.api.ncclGroupEnd()));
  }
}

/**
 * One rank. The handle is read from the cell NCCL wrote it to on every use: inside a group NCCL
 * may complete a communicator's creation only at ncclGroupEnd.
 */
class NcclCommunicator implements EngineCommunicator {
  /**
   * @param ranks the communicator's number of ranks.
   * @param known the contexts of the ranks this process knows (all of a clique's; its own for a
   *   rank made from a unique id), for {@link refusedReduction}'s explanation of an error NCCL
   *   gives no reason for.
   */
  constructor(readonly engine: NcclEngine, readonly cell: BigUint64Array, readonly context: Context, readonly ranks: number, readonly known: readonly Context[]) {}

  get handle(): bigint {
    return this.cell[0]!;
  }

  #call(call: string, fn: (api: NcclApi) => number, hint?: (code: number) => string | null): void {
    const { engine } = this;
    inContext(this.context, () => engine.run(call, () => fn(engine.api), hint));
  }

  /** cudajs's explanation of an ncclInvalidArgument NCCL gave for `op` without a warning. */
  #refusal(op: Operation): (code: number) => string | null {
    return (code) => {
      if (code !== ncclResult_t.ncclInvalidArgument) return null;
      const computeCapabilityMajor = Math.min(...this.known.map((c) => c.device.computeCapability.major));
      const why = refusedReduction(op.dtype, op.op, { ranks: this.ranks, computeCapabilityMajor });
      return why === null ? null : `cudajs: ${why}`;
    };
  }

  submit(op: Operation): void {
    const dt = DATA_TYPES[op.dtype].nccl;
    const red = op.op === null ? 0 : REDUCE_OPS[op.op];
    const s = op.stream.handle;
    const c = this.handle;
    const send = op.send?.pointer ?? 0n;
    const recv = op.recv?.pointer ?? 0n;
    switch (op.kind) {
      case 'allReduce': return this.#call('ncclAllReduce', (api) => api.ncclAllReduce(send, recv, op.count, dt, red, c, s), this.#refusal(op));
      // Non-root ranks pass their receive buffer as the (unused) send buffer: in place.
      case 'broadcast': return this.#call('ncclBroadcast', (api) => api.ncclBroadcast(op.send === null ? recv : send, recv, op.count, dt, op.root, c, s));
      case 'reduce': return this.#call('ncclReduce', (api) => api.ncclReduce(send, recv, op.count, dt, red, op.root, c, s), this.#refusal(op));
      case 'reduceScatter': return this.#call('ncclReduceScatter', (api) => api.ncclReduceScatter(send, recv, op.count, dt, red, c, s), this.#refusal(op));
      case 'allGather': return this.#call('ncclAllGather', (api) => api.ncclAllGather(send, recv, op.count, dt, c, s));
      case 'send': return this.#call('ncclSend', (api) => api.ncclSend(send, op.count, dt, op.root, c, s));
      case 'recv': return this.#call('ncclRecv', (api) => api.ncclRecv(recv, op.count, dt, op.root, c, s));
    }
  }

  finalize(): void {
    this.#call('ncclCommFinalize', (api) => api.ncclCommFinalize(this.handle));
  }

  destroy(): void {
    this.#call('ncclCommDestroy', (api) => api.ncclCommDestroy(this.handle));
  }

  abort(): void {
    this.#call('ncclCommAbort', (api) => api.ncclCommAbort(this.handle));
  }

  asyncError(): number {
    const out = new Int32Array(1);
    this.#call('ncclCommGetAsyncError', (api) => api.ncclCommGetAsyncError(this.handle, out));
    return out[0]!;
  }
}
