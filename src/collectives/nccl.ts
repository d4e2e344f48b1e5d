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
 * not bind them; they are bound here by hand.
 * @module
 */
import { backend } from '../core/backend.js';
import type { Context } from '../core/index.js';
import { ncclApi, ncclLibrary, type NcclApi } from '../raw/nccl.js';
import { DATA_TYPES, REDUCE_OPS } from './dtypes.js';
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
    this.check(this.api.ncclGetVersion(version), call, 0n);
    this.description = `NCCL ${versionText(version[0]!)} (${lib.path}, found by ${lib.foundBy})`;
  }

  /** Throws the NcclError for `code` unless it is ncclSuccess, with NCCL's own words. */
  check(code: number, call: string, comm: bigint): void {
    if (code === 0) return;
    let meaning: string | undefined;
    let detail: string | null = null;
    try {
      meaning = this.#errorString(code);
      detail = this.#lastError(comm === 0n ? null : comm);
    } catch {
      // Fall back to cudajs's own words.
    }
    throw ncclError(code, call, detail ?? undefined, meaning);
  }

  uniqueId(): Uint8Array {
    const id = new Uint8Array(128);
    this.check(this.api.ncclGetUniqueId(id), 'ncclGetUniqueId', 0n);
    return id;
  }

  createAll(contexts: readonly Context[]): EngineCommunicator[] {
    const handles = new BigUint64Array(contexts.length);
    const devices = Int32Array.from(contexts, (c) => c.device.ordinal);
    inContext(null, () => this.check(this.api.ncclCommInitAll(handles, contexts.length, devices), 'ncclCommInitAll', 0n));
    return contexts.map((context, rank) => new NcclCommunicator(this, handles.subarray(rank, rank + 1), context));
  }

  create(id: Uint8Array, ranks: number, rank: number, context: Context): EngineCommunicator {
    const out = new BigUint64Array(1);
    // ncclUniqueId is passed by value: a struct holding `char internal[128]`.
    const value = { internal: Array.from(new Int8Array(id.buffer, id.byteOffset, id.byteLength)) };
    inContext(context, () => this.check(this.api.ncclCommInitRank(out, ranks, value, rank), 'ncclCommInitRank', 0n));
    return new NcclCommunicator(this, out, context);
  }

  groupStart(): void {
    inContext(null, () => this.check(this.api.ncclGroupStart(), 'ncclGroupStart', 0n));
  }

  groupEnd(): void {
    inContext(null, () => this.check(this.api.ncclGroupEnd(), 'ncclGroupEnd', 0n));
  }
}

/**
 * One rank. The handle is read from the cell NCCL wrote it to on every use: inside a group NCCL
 * may complete a communicator's creation only at ncclGroupEnd.
 */
class NcclCommunicator implements EngineCommunicator {
  constructor(readonly engine: NcclEngine, readonly cell: BigUint64Array, readonly context: Context) {}

  get handle(): bigint {
    return this.cell[0]!;
  }

  #call(call: string, fn: (api: NcclApi) => number): void {
    const { engine, handle } = this;
    inContext(this.context, () => engine.check(fn(engine.api), call, handle));
  }

  submit(op: Operation): void {
    const dt = DATA_TYPES[op.dtype].nccl;
    const red = op.op === null ? 0 : REDUCE_OPS[op.op];
    const s = op.stream.handle;
    const c = this.handle;
    const send = op.send?.pointer ?? 0n;
    const recv = op.recv?.pointer ?? 0n;
    switch (op.kind) {
      case 'allReduce': return this.#call('ncclAllReduce', (api) => api.ncclAllReduce(send, recv, op.count, dt, red, c, s));
      // Non-root ranks pass their receive buffer as the (unused) send buffer: in place.
      case 'broadcast': return this.#call('ncclBroadcast', (api) => api.ncclBroadcast(op.send === null ? recv : send, recv, op.count, dt, op.root, c, s));
      case 'reduce': return this.#call('ncclReduce', (api) => api.ncclReduce(send, recv, op.count, dt, red, op.root, c, s));
      case 'reduceScatter': return this.#call('ncclReduceScatter', (api) => api.ncclReduceScatter(send, recv, op.count, dt, red, c, s));
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
