/**
 * Where a scope's own contexts come from: references to primary contexts (`shared`), or one
 * context created for the scope alone (`dedicated`).
 * @module
 */
import { Context, Device, type ContextOptions } from '../core/index.js';
import { backend } from '../core/backend.js';
import type { DeviceOrdinal } from '../backend/types.js';

/** How a scope gets its context: see {@link ScopeOptions.isolation}. */
export type Isolation = 'shared' | 'dedicated';

/** A scope's own contexts: acquired lazily, dropped on reset. */
export interface ContextProvider {
  readonly isolation: Isolation;
  /**
   * The scope's own context on `device`, acquiring one when none is held (retaining the primary
   * context, or creating a context). A created context is left current only when `keepCurrent`.
   */
  acquire(device: DeviceOrdinal, keepCurrent: boolean): Context;
  /** The context held on `device`, or `null`. */
  held(device: DeviceOrdinal): Context | null;
  /** Every context held. */
  heldAll(): Context[];
  /** Drops the reference on `device` (release or destroy), or every reference. Idempotent. */
  drop(device?: DeviceOrdinal): void;
}

/** References to primary contexts, one per device, retained on first use. */
export class SharedProvider implements ContextProvider {
  readonly isolation = 'shared' as const;
  readonly #held = new Map<DeviceOrdinal, Context>();

  acquire(device: DeviceOrdinal): Context {
    let ctx = this.#held.get(device);
    if (!ctx) this.#held.set(device, (ctx = Device.get(device).primaryContext()));
    return ctx;
  }

  held(device: DeviceOrdinal): Context | null {
    return this.#held.get(device) ?? null;
  }

  heldAll(): Context[] {
    return [...this.#held.values()];
  }

  drop(device?: DeviceOrdinal): void {
    for (const [d, ctx] of [...this.#held]) {
      if (device !== undefined && d !== device) continue;
      this.#held.delete(d);
      ctx.dispose();
    }
  }
}

/** One context created for the scope alone, on its device. */
export class DedicatedProvider implements ContextProvider {
  readonly isolation = 'dedicated' as const;
  readonly #device: DeviceOrdinal;
  readonly #options: ContextOptions;
  #ctx: Context | null = null;

  constructor(device: DeviceOrdinal, options: ContextOptions) {
    this.#device = device;
    this.#options = options;
  }

  acquire(device: DeviceOrdinal, keepCurrent: boolean): Context {
    if (this.#ctx) return this.#ctx;
    const ctx = Device.get(device === this.#device ? device : this.#device).createContext(this.#options);
    // cuCtxCreate pushed it onto this thread's stack: restore the stack unless asked to keep it.
    if (!keepCurrent) backend().contextPop();
    return (this.#ctx = ctx);
  }

  held(): Context | null {
    return this.#ctx;
  }

  heldAll(): Context[] {
    return this.#ctx ? [this.#ctx] : [];
  }

  drop(): void {
    const ctx = this.#ctx;
    this.#ctx = null;
    ctx?.dispose();
  }
}
