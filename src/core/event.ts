/**
 * Events: markers in a stream, to wait for, to order streams, and to time device work.
 * @module
 */
import { CUevent_flags } from '../raw/driver-types.js';
import { InvalidArgumentError } from '../errors.js';
import { DEFAULT_STREAM, type EventHandle } from '../backend/types.js';
import { backend } from './backend.js';
import { ContextBound } from './lifetime.js';
import { pollUntil } from './wait.js';
import type { Context } from './context.js';
import type { Stream } from './stream.js';

/** Options of {@link Context.createEvent}. */
export interface EventOptions {
  /** Record timestamps, for {@link Event.elapsedSince}. Default: true. */
  readonly timing?: boolean;
  /** `synchronize()` blocks the thread instead of spinning (CU_EVENT_BLOCKING_SYNC). Default: false. */
  readonly blockingSync?: boolean;
  /** Shareable with other processes (CU_EVENT_INTERPROCESS; requires `timing: false`). Default: false. */
  readonly interprocess?: boolean;
}

/**
 * An event in one context.
 *
 * @example
 * ```ts
 * using start = ctx.createEvent();
 * using end = ctx.createEvent();
 * start.record(stream);
 * kernel.launch({ grid, block, stream }, ...args);
 * end.record(stream);
 * end.synchronize();
 * console.log(`${end.elapsedSince(start).toFixed(3)} ms`);
 * ```
 */
export class Event extends ContextBound {
  /** The raw handle (CUevent). */
  readonly handle: EventHandle;

  private constructor(context: Context, handle: EventHandle) {
    super(context);
    this.handle = handle;
    const state = context.state;
    this.track(() => state.runIfAlive(() => backend().eventDestroy(handle)));
  }

  /** @internal Creates an event in `context`. */
  static create(context: Context, options: EventOptions): Event {
    const call = 'Context.createEvent';
    const timing = options.timing ?? true;
    if (options.interprocess && timing) {
      throw new InvalidArgumentError(call, 'an interprocess event cannot record timing: pass { timing: false }');
    }
    const flags = (timing ? 0 : CUevent_flags.CU_EVENT_DISABLE_TIMING) |
      (options.blockingSync ? CUevent_flags.CU_EVENT_BLOCKING_SYNC : 0) |
      (options.interprocess ? CUevent_flags.CU_EVENT_INTERPROCESS : 0);
    const handle = context.enter(call, () => backend().eventCreate(flags));
    return new Event(context, handle);
  }

  /** Records the event on `stream` (default: the legacy default stream). */
  record(stream?: Stream): void {
    const call = 'Event.record';
    stream?.assertLive(call);
    this.enterContext(call, () => backend().eventRecord(this.handle, stream?.handle ?? DEFAULT_STREAM));
  }

  /** True when the work before the event has completed (cuEventQuery). */
  query(): boolean {
    return this.enterContext('Event.query', () => backend().eventQuery(this.handle));
  }

  /** Blocks until the event completes (cuEventSynchronize). */
  synchronize(): void {
    this.enterContext('Event.synchronize', () => backend().eventSynchronize(this.handle));
  }

  /** Resolves when the event completes, without blocking the event loop. */
  synchronized(): Promise<void> {
    return pollUntil(() => this.query());
  }

  /** Milliseconds from `start` to this event; both recorded and completed (cuEventElapsedTime). */
  elapsedSince(start: Event): number {
    const call = 'Event.elapsedSince';
    start.assertLive(call);
    return this.enterContext(call, () => backend().eventElapsedTime(start.handle, this.handle));
  }

  protected override describe(): string {
    return `Event(0x${this.handle.toString(16)})`;
  }


  protected override release(): void {
    this.context.state.runIfAlive(() => backend().eventDestroy(this.handle));
  }
}
