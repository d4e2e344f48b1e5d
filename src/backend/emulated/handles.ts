/**
 * Handle tables: the emulated device's CUcontext, CUmodule, CUfunction, CUstream and CUevent
 * values. Each kind has its own tag in the high bits (`0x7c01…` contexts, `0x7c02…` modules, …),
 * then the issuing thread's id (every worker thread has its own realm, hence its own emulated
 * device), then a serial number, never reused — so a handle of the wrong kind, one whose object was
 * destroyed, or one from another thread's emulated device is never mistaken for a live one.
 * @module
 */
import { threadId } from 'node:worker_threads';

/** Maps handles of one kind to their records. */
export class HandleTable<T> {
  readonly #tag: bigint;
  readonly #records = new Map<bigint, T>();
  #next = 1n;

  /** `tag` becomes bits 48 and up of every handle this table issues, the thread id bits 32–47. */
  constructor(tag: number) {
    this.#tag = (BigInt(tag) << 48n) | (BigInt(threadId & 0xffff) << 32n);
  }

  /** Issues a new handle and records what `make` builds for it. */
  issue<R extends T>(make: (handle: bigint) => R): R {
    const handle = this.#tag | this.#next++;
    const record = make(handle);
    this.#records.set(handle, record);
    return record;
  }

  /** The live record of `handle`, or `undefined`. */
  get(handle: bigint): T | undefined {
    return this.#records.get(handle);
  }

  /** Forgets `handle`; later lookups fail. */
  delete(handle: bigint): void {
    this.#records.delete(handle);
  }

  /** Number of live handles. */
  get size(): number {
    return this.#records.size;
  }
}

/** Tags of the handle kinds. */
export const HANDLE_TAG = {
  context: 0x7c01,
  module: 0x7c02,
  function: 0x7c03,
  stream: 0x7c04,
  event: 0x7c05,
} as const;
