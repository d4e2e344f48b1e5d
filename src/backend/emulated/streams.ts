/**
 * Streams and events of the emulated device.
 *
 * Execution model: every operation enqueued on a stream (kernel launch, copy, memset, event
 * record) runs to completion when it is enqueued, in issue order. This is a legal schedule of
 * CUDA's semantics — stream order, the legacy default stream's implicit synchronization and
 * cross-stream event waits all hold, because nothing ever overtakes anything — and it keeps the
 * launch path free of per-launch copies (a reused parameter block is read at once). What a
 * program can observe:
 * - stream and event queries report completion as soon as the work was enqueued;
 * - `cuStreamWaitEvent` never has to wait (the event's work is already done);
 * - an event's timestamp is `performance.now()` when it is recorded, i.e. after all earlier work
 *   in its stream, so elapsed times measure the emulated work in host milliseconds.
 * The stream objects (flags, priority, ownership, last completion time) are kept so that a
 * deferred schedule could be substituted without changing the backend's interface.
 * @module
 */
import { CUevent_flags, CUresult, CUstream_flags, CU_STREAM_LEGACY, CU_STREAM_PER_THREAD } from '../../raw/driver-types.js';
import { fail } from '../driver-error.js';
import { SM90 } from './attributes.js';
import type { ContextManager, ContextState } from './contexts.js';
import { HANDLE_TAG, HandleTable } from './handles.js';

/** One stream (or a context's legacy default stream, handle 0). */
export class StreamRecord {
  /** False once destroyed (or its context is). */
  alive = true;
  /** `performance.now()` when the last operation on this stream completed (0: none yet). */
  completedAt = 0;
  /** Operations executed on this stream so far. */
  operations = 0;

  constructor(
    /** The handle (0n for a default stream). */
    readonly handle: bigint,
    readonly context: ContextState,
    /** CUstream_flags. */
    readonly flags: number,
    /** Clamped to the device's priority range. */
    readonly priority: number,
  ) {}

  /** Records that one operation ran to completion on this stream. */
  completed(): void {
    this.operations++;
    this.completedAt = performance.now();
  }
}

/** One event. */
export class EventRecord {
  alive = true;
  /** When the event was last reached (`performance.now()`), or `null` if never recorded. */
  timestamp: number | null = null;

  constructor(readonly handle: bigint, readonly context: ContextState, readonly flags: number) {}

  /** Whether it was created with CU_EVENT_DISABLE_TIMING. */
  get timingDisabled(): boolean {
    return (this.flags & CUevent_flags.CU_EVENT_DISABLE_TIMING) !== 0;
  }
}

const EVENT_FLAGS_MASK = CUevent_flags.CU_EVENT_BLOCKING_SYNC | CUevent_flags.CU_EVENT_DISABLE_TIMING | CUevent_flags.CU_EVENT_INTERPROCESS;

/** Streams and events of every context of one backend. */
export class StreamService {
  readonly #streams = new HandleTable<StreamRecord>(HANDLE_TAG.stream);
  readonly #events = new HandleTable<EventRecord>(HANDLE_TAG.event);

  constructor(private readonly contexts: ContextManager) {}

  /** The default stream record of a new context (not in the handle table: it is handle 0). */
  defaultStreamOf(context: ContextState): StreamRecord {
    return new StreamRecord(0n, context, 0, SM90.leastStreamPriority);
  }

  /**
   * The stream an operation runs on, with its context's liveness and sticky state checked.
   * Handles 0, CU_STREAM_LEGACY and CU_STREAM_PER_THREAD mean the current context's default
   * stream; any other handle carries its own context (it need not be current, as with CUDA 13).
   * @throws DriverError CUDA_ERROR_INVALID_HANDLE for a destroyed or unknown stream.
   */
  resolve(handle: bigint, call: string): StreamRecord {
    if (handle === 0n || handle === CU_STREAM_LEGACY || handle === CU_STREAM_PER_THREAD) return this.contexts.current(call).defaultStream;
    const stream = this.#streams.get(handle);
    if (!stream) fail(CUresult.CUDA_ERROR_INVALID_HANDLE, call, `0x${handle.toString(16)} is not a live stream (destroyed, its context destroyed or reset, or never a stream)`);
    stream.context.checkSticky(call);
    return stream;
  }

  /** cuStreamCreateWithPriority in the current context; the priority is clamped like the driver does. */
  create(flags: number, priority: number, call: string): bigint {
    const context = this.contexts.current(call);
    if (flags !== 0 && flags !== CUstream_flags.CU_STREAM_NON_BLOCKING) fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `invalid stream flags ${flags}: 0 or CUstream_flags.CU_STREAM_NON_BLOCKING`);
    if (!Number.isInteger(priority)) fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `stream priority ${priority} is not an integer`);
    const clamped = Math.min(SM90.leastStreamPriority, Math.max(SM90.greatestStreamPriority, priority));
    const record = this.#streams.issue((handle) => new StreamRecord(handle, context, flags, clamped));
    context.streams.add(record);
    return record.handle;
  }

  /** cuStreamDestroy. Work already enqueued has completed (see the module comment). */
  destroy(handle: bigint, call: string): void {
    const stream = this.resolve(handle, call);
    if (stream.handle === 0n) fail(CUresult.CUDA_ERROR_INVALID_HANDLE, call, 'the default stream cannot be destroyed');
    this.#forgetStream(stream);
  }

  /** cuStreamSynchronize: flushes printf; everything enqueued has already run. */
  synchronize(handle: bigint, call: string): void {
    this.resolve(handle, call).context.printf.flush();
  }

  /** cuStreamQuery: true (all enqueued work is complete). */
  query(handle: bigint, call: string): boolean {
    this.resolve(handle, call);
    return true;
  }

  /** cuStreamWaitEvent: valid across contexts and devices; never blocks in this model. */
  waitEvent(stream: bigint, event: bigint, call: string): void {
    this.resolve(stream, call);
    this.#event(event, call);
  }

  /** cuCtxGetStreamPriorityRange of the current context. */
  priorityRange(call: string): { least: number; greatest: number } {
    this.contexts.current(call);
    return { least: SM90.leastStreamPriority, greatest: SM90.greatestStreamPriority };
  }

  /** cuEventCreate in the current context. */
  createEvent(flags: number, call: string): bigint {
    const context = this.contexts.current(call);
    if (!Number.isInteger(flags) || (flags & ~EVENT_FLAGS_MASK) !== 0) fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `invalid event flags 0x${flags.toString(16)}`);
    if (flags & CUevent_flags.CU_EVENT_INTERPROCESS && !(flags & CUevent_flags.CU_EVENT_DISABLE_TIMING)) {
      fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, 'CU_EVENT_INTERPROCESS requires CU_EVENT_DISABLE_TIMING');
    }
    const record = this.#events.issue((handle) => new EventRecord(handle, context, flags));
    context.events.add(record);
    return record.handle;
  }

  /** cuEventDestroy. */
  destroyEvent(handle: bigint, call: string): void {
    this.#forgetEvent(this.#event(handle, call));
  }

  /** cuEventRecord: the event is reached at once, after all earlier work on the stream. */
  record(event: bigint, stream: bigint, call: string): void {
    const e = this.#event(event, call);
    const s = this.resolve(stream, call);
    if (s.context !== e.context) fail(CUresult.CUDA_ERROR_INVALID_HANDLE, call, 'the event and the stream belong to different contexts');
    e.timestamp = performance.now();
    s.completed();
  }

  /** cuEventQuery: true (a recorded event has been reached; an unrecorded one counts as complete). */
  queryEvent(event: bigint, call: string): boolean {
    this.#event(event, call);
    return true;
  }

  /** cuEventSynchronize: flushes the event's context's printf output. */
  synchronizeEvent(event: bigint, call: string): void {
    this.#event(event, call).context.printf.flush();
  }

  /** cuEventElapsedTime: milliseconds from `start` to `end`. */
  elapsed(start: bigint, end: bigint, call: string): number {
    const a = this.#event(start, call);
    const b = this.#event(end, call);
    if (a.timingDisabled || b.timingDisabled) fail(CUresult.CUDA_ERROR_INVALID_HANDLE, call, 'an event created with CU_EVENT_DISABLE_TIMING has no timestamp');
    if (a.timestamp === null || b.timestamp === null) fail(CUresult.CUDA_ERROR_INVALID_HANDLE, call, 'cuEventRecord has not been called on both events');
    return b.timestamp - a.timestamp;
  }

  /** Forgets every stream and event of a dying context. */
  forgetContext(context: ContextState): void {
    for (const s of context.streams) this.#forgetStream(s);
    for (const e of context.events) this.#forgetEvent(e);
    context.defaultStream.alive = false;
  }

  #event(handle: bigint, call: string): EventRecord {
    const event = this.#events.get(handle);
    if (!event) fail(CUresult.CUDA_ERROR_INVALID_HANDLE, call, `0x${handle.toString(16)} is not a live event (destroyed, its context destroyed or reset, or never an event)`);
    event.context.checkSticky(call);
    return event;
  }

  #forgetStream(stream: StreamRecord): void {
    stream.alive = false;
    stream.context.streams.delete(stream);
    this.#streams.delete(stream.handle);
  }

  #forgetEvent(event: EventRecord): void {
    event.alive = false;
    event.context.events.delete(event);
    this.#events.delete(event.handle);
  }
}
