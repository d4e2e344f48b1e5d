/**
 * Lifetime of objects that own CUDA resources.
 *
 * Every owner has an idempotent `dispose()` and `[Symbol.dispose]`, so `using` works. A
 * `FinalizationRegistry` is only a backstop: it holds a {@link Reclaim} — the raw handle and the
 * state of the context it lives in, never the owning object — and frees the resource in that
 * context if the owner was garbage-collected without being disposed. It never throws.
 * @module
 */
import { ContextResetError, DisposedError, DriverError, type CudaError } from '../errors.js';
import type { Context } from './context.js';

/**
 * What a finalizer needs to free one resource: a function of raw handles only. It must not close
 * over the owning object (that would keep it alive forever).
 */
export type Reclaim = () => void;

const backstop = new FinalizationRegistry<Reclaim>((reclaim) => {
  try {
    reclaim();
  } catch {
    // A backstop must never throw: the resource is lost, as it would be at process exit.
  }
});

/**
 * Base class of every object that owns (or borrows) a CUDA resource.
 *
 * Subclasses call {@link Resource.track} once the resource exists, implement {@link release},
 * and call {@link Resource.assertLive} at the start of every public operation.
 */
export abstract class Resource implements Disposable {
  #disposed = false;
  #token: object | undefined;

  /** A short description used in error messages, e.g. `DeviceBuffer(4096 bytes)`. */
  protected abstract describe(): string;

  /**
   * Frees the resource. Called at most once, by {@link dispose}. Borrowed resources implement it
   * as a no-op.
   */
  protected abstract release(): void;

  /**
   * The reason this object cannot be used although it was not disposed (its context was destroyed
   * or reset, its module reloaded …), or `null` when it is usable.
   */
  protected invalidReason(): string | null {
    return null;
  }

  /** Registers the finalizer backstop; `reclaim` must hold raw handles only. */
  protected track(reclaim: Reclaim): void {
    this.#token = {};
    backstop.register(this, reclaim, this.#token);
  }

  /** True once {@link dispose} has run. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** True while the object can be used: not disposed and not invalidated. Cheap, for hot paths. */
  get usable(): boolean {
    return !this.#disposed && this.invalidReason() === null;
  }

  /**
   * Throws {@link DisposedError} naming `call` if the object was disposed or became invalid (a
   * {@link ContextResetError} when its context was reset).
   */
  assertLive(call: string): void {
    if (this.#disposed) throw new DisposedError(call, this.describe());
    const reason = this.invalidReason();
    if (reason !== null) throw this.invalidError(call, reason);
  }

  /** The error {@link assertLive} throws for an object made unusable by `reason`. */
  protected invalidError(call: string, reason: string): CudaError {
    return new DisposedError(call, this.describe(), reason);
  }

  /**
   * Called by {@link dispose} instead of {@link release} when the object had already become
   * invalid: what must still be given back although the resource itself is gone (a reference to a
   * primary context that was reset, say). Default: nothing.
   */
  protected releaseInvalidated(): void {}

  /**
   * Frees the resource now. Safe to call more than once; later calls do nothing. In a context
   * broken by a sticky error (an illegal address, say) the driver refuses to free anything; the
   * resource is then reclaimed when the context is destroyed or reset, and dispose does not throw.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#token) backstop.unregister(this.#token);
    try {
      if (this.invalidReason() === null) this.release();
      else this.releaseInvalidated();
    } catch (e) {
      if (!(e instanceof DriverError && e.sticky)) throw e;
    }
  }

  /** Same as {@link dispose}; lets `using` scope the object. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}

/**
 * A resource that lives in a context: unusable once the context is destroyed or reset, and its
 * `context` stays reachable (alive) as long as the resource is.
 */
export abstract class ContextBound extends Resource {
  /** The context the resource lives in. */
  readonly context: Context;

  constructor(context: Context) {
    super();
    this.context = context;
  }

  protected override invalidReason(): string | null {
    const dead = this.context.state.deadReason;
    return dead === null ? null : `its context is gone: ${dead}`;
  }

  protected override invalidError(call: string, reason: string): CudaError {
    const reset = this.context.state.reset;
    return reset === null ? super.invalidError(call, reason) : new ContextResetError(call, this.describe(), reset);
  }

  /**
   * @internal Runs a backend operation on this resource in its context, after checking that the
   * resource is usable (see {@link Resource.assertLive}); `call` names the operation in errors.
   */
  enterContext<T>(call: string, fn: () => T): T {
    this.assertLive(call);
    return this.context.enter(call, fn);
  }
}
