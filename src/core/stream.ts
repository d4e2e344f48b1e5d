/**
 * Streams: ordered queues of device work, with blocking and non-blocking waits.
 * @module
 */
import { CUstream_flags } from '../raw/driver-types.js';
import { DriverError, InvalidArgumentError } from '../errors.js';
import { DEFAULT_STREAM, type StreamHandle } from '../backend/types.js';
import { backend } from './backend.js';
import { ContextBound } from './lifetime.js';
import { pollUntil } from './wait.js';
import type { Context } from './context.js';
import type { Event } from './event.js';

/** Options of {@link Context.createStream}. */
export interface StreamOptions {
  /** Do not synchronize with the legacy default stream (CU_STREAM_NON_BLOCKING). Default: false. */
  readonly nonBlocking?: boolean;
  /**
   * Scheduling priority; lower numbers are higher priority, within the context's
   * {@link Stream.priorityRange}. Default: 0 (the lowest priority).
   */
  readonly priority?: number;
}

/**
 * A stream of device work in one context. Work on one stream runs in order; work on different
 * streams may overlap.
 *
 * @example
 * ```ts
 * using stream = ctx.createStream({ nonBlocking: true });
 * buf.copyFrom(host, { stream });
 * kernel.launch({ grid: 64, block: 256, stream }, buf, n);
 * await stream.synchronized(); // the event loop keeps running meanwhile
 * ```
 */
export class Stream extends ContextBound {
  /** The raw handle (CUstream); 0 for the legacy default stream. */
  readonly handle: StreamHandle;
  readonly #owned: boolean;
  /** Host objects that queued asynchronous copies still read or write. */
  #inFlight: unknown[] = [];

  private constructor(context: Context, handle: StreamHandle, owned: boolean) {
    super(context);
    this.handle = handle;
    this.#owned = owned;
    if (owned) {
      const state = context.state;
      this.track(() => state.runIfAlive(() => backend().streamDestroy(handle)));
    }
  }

  /** @internal Creates a stream in `context`. */
  static create(context: Context, options: StreamOptions): Stream {
    const call = 'Context.createStream';
    const priority = options.priority ?? 0;
    const handle = context.enter(call, () => {
      const range = backend().streamPriorityRange();
      if (!Number.isInteger(priority) || priority > range.least || priority < range.greatest) {
        throw new InvalidArgumentError(call, `priority ${String(priority)} is outside this context's range [${range.greatest} (highest), ${range.least} (lowest)]`);
      }
      return backend().streamCreate(options.nonBlocking ? CUstream_flags.CU_STREAM_NON_BLOCKING : CUstream_flags.CU_STREAM_DEFAULT, priority);
    });
    return new Stream(context, handle, true);
  }

  /** @internal The legacy default stream of `context` (borrowed). */
  static legacyDefault(context: Context): Stream {
    return new Stream(context, DEFAULT_STREAM, false);
  }

  /** Wraps a stream made elsewhere. Borrowed: cudajs never destroys it. */
  static fromHandle(context: Context, handle: StreamHandle | bigint): Stream {
    return new Stream(context, handle as StreamHandle, false);
  }

  /** Stream priorities of a context: `greatest` is the highest priority (numerically lowest). */
  static priorityRange(context: Context): { readonly least: number; readonly greatest: number } {
    return context.enter('Stream.priorityRange', () => backend().streamPriorityRange());
  }

  /**
   * Runs an operation on this stream. A created stream names its context itself, so the driver
   * needs no current context for it and nothing is checked before the call (one FFI call saved on
   * every synchronize and every poll); the legacy default stream means "the current context's", so
   * for it the context is entered. If the driver rejects the call, a reset of the stream's context
   * made outside cudajs is looked for then, and reported as such (measured on the H100: the driver
   * answers a stale stream or kernel handle with an error; test/support/runtime-stale-launch-child.ts).
   */
  #onStream<T>(call: string, fn: () => T): T {
    if (this.handle === DEFAULT_STREAM) return this.enterContext(call, fn);
    if (!this.usable) this.assertLive(call);
    try {
      return fn();
    } catch (e) {
      if (e instanceof DriverError && !e.sticky && this.context.state.detectReset(call) !== null) this.assertLive(call);
      throw e;
    }
  }

  /** Blocks until all work queued on the stream has completed (cuStreamSynchronize). */
  synchronize(): void {
    this.#onStream('Stream.synchronize', () => backend().streamSynchronize(this.handle));
    if (this.#inFlight.length) this.#inFlight = [];
  }

  /** True when all work queued on the stream has completed (cuStreamQuery). */
  query(): boolean {
    return this.#query('Stream.query');
  }

  /** cuStreamQuery, naming `call` in errors; a failed check rejects the wait instead of throwing. */
  #query(call: string): boolean {
    const idle = this.#onStream(call, () => backend().streamQuery(this.handle));
    if (idle && this.#inFlight.length) this.#inFlight = [];
    return idle;
  }

  /**
   * Resolves when all work queued so far has completed, without blocking the event loop.
   * Rejects with the stream's error if the work failed.
   */
  synchronized(): Promise<void> {
    const call = 'Stream.synchronized';
    return pollUntil(() => this.#query(call));
  }

  /** Makes all future work on this stream wait until `event` completes (cuStreamWaitEvent). */
  waitEvent(event: Event): void {
    const call = 'Stream.waitEvent';
    event.assertLive(call);
    this.enterContext(call, () => backend().streamWaitEvent(this.handle, event.handle));
  }

  /** Records `event` on this stream (cuEventRecord) and returns it. */
  record(event: Event): Event {
    event.record(this);
    return event;
  }

  /** @internal Keeps `value` reachable until the stream is next seen idle. */
  keepUntilComplete(value: unknown): void {
    this.#inFlight.push(value);
  }

  protected override describe(): string {
    return this.handle === DEFAULT_STREAM ? 'Stream(legacy default)' : `Stream(0x${this.handle.toString(16)})`;
  }


  protected override release(): void {
    if (this.#owned) this.context.state.runIfAlive(() => backend().streamDestroy(this.handle));
  }
}
