/**
 * Handle tables: the emulated device's CUcontext, CUmodule, CUfunction, CUstream and CUevent
 * values. Each kind has its own tag in the high bits (`0x7c01…` contexts, `0x7c02…` modules, …)
 * and a serial number below, never reused — so a handle of the wrong kind, or one whose object
 * was destroyed, is never mistaken for a live one.
 * @module
 */

/** Maps handles of one kind to their records. */
export class HandleTable<T> {
  readonly #tag: bigint;
  readonly #records = new Map<bigint, T>();
  #next = 1n;

  /** `tag` becomes bits 32 and up of every handle this table issues. */
  constructor(tag: number) {
    this.#tag = BigInt(tag) << 32n;
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
