/**
 * The resources a scope created, held weakly: a scope frees what is still alive when it is reset
 * or disposed, while a resource the program dropped without disposing is still freed by its own
 * finalizer backstop (a scope never keeps garbage alive).
 * @module
 */
import { DriverError } from '../errors.js';
import { DeviceBuffer, Event, HostBuffer, Module, Stream } from '../core/index.js';
import type { ContextBound } from '../core/lifetime.js';

/** How many resources of each kind a scope holds (undisposed and still reachable). */
export interface ResourceCounts {
  /** Device, managed and view buffers. */
  readonly buffers: number;
  /** Pinned and registered host memory. */
  readonly hostBuffers: number;
  /** Modules loaded through the scope (driver-style, explicit unload and reload). */
  readonly modules: number;
  readonly streams: number;
  readonly events: number;
}

/** Sweep the weak set after this many additions, when at least half of it may be dead. */
const SWEEP_EVERY = 256;

/** A weak, insertion-ordered set of resources. */
export class ResourceTracker {
  #refs = new Set<WeakRef<ContextBound>>();
  #added = 0;

  /** Tracks `resource` (weakly). */
  add(resource: ContextBound): void {
    this.#refs.add(new WeakRef(resource));
    if (++this.#added >= SWEEP_EVERY && this.#added * 2 >= this.#refs.size) this.sweep();
  }

  /** Forgets resources that were disposed or garbage-collected. */
  sweep(): void {
    this.#added = 0;
    for (const ref of this.#refs) {
      const r = ref.deref();
      if (r === undefined || r.disposed) this.#refs.delete(ref);
    }
  }

  /** Stops tracking (without disposing) the resources `dead` selects: those of a context that is gone. */
  forget(dead: (resource: ContextBound) => boolean): void {
    for (const ref of this.#refs) {
      const r = ref.deref();
      if (r === undefined || r.disposed || dead(r)) this.#refs.delete(ref);
    }
  }

  /** Counts by kind of what is still tracked. */
  counts(): ResourceCounts {
    this.sweep();
    const c = { buffers: 0, hostBuffers: 0, modules: 0, streams: 0, events: 0 };
    for (const ref of this.#refs) {
      const r = ref.deref();
      if (r instanceof DeviceBuffer) c.buffers++;
      else if (r instanceof HostBuffer) c.hostBuffers++;
      else if (r instanceof Module) c.modules++;
      else if (r instanceof Stream) c.streams++;
      else if (r instanceof Event) c.events++;
    }
    return c;
  }

  /**
   * Disposes every tracked resource, newest first, and forgets them all. Keeps going when one
   * fails; returns the errors (sticky driver errors are already swallowed by `dispose`).
   */
  disposeAll(): unknown[] {
    const all = [...this.#refs].reverse();
    this.#refs.clear();
    this.#added = 0;
    const errors: unknown[] = [];
    for (const ref of all) {
      try {
        ref.deref()?.dispose();
      } catch (e) {
        if (!(e instanceof DriverError && e.sticky)) errors.push(e);
      }
    }
    return errors;
  }
}
