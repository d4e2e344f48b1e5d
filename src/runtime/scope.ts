/**
 * Scopes: what one component of a process (a plug-in, a library) owns on a device, so that it can
 * be freed, reset and recovered without touching anything the others own.
 *
 * - A `shared` scope holds one reference to the device's primary context — the context libcudart
 *   and every other runtime-API user in the process share — and tracks what it creates there.
 * - A `dedicated` scope creates a context of its own, made current around each of its calls and
 *   inside {@link Scope.run}, so that runtime-API code called there uses it.
 * - The runtime scope (`runtime.currentScope()` outside any `run`) is the scope of the runtime
 *   functions themselves: shared, following `setDevice`, and using whatever driver context is
 *   current on the thread, as libcudart does.
 *
 * Resets: {@link Scope.reset} frees only the scope's own resources and drops its own reference.
 * {@link Scope.resetDevice} resets the primary context (cuDevicePrimaryCtxReset) — refused with a
 * `ResetRefusedError` while other scopes or cudajs references hold it, unless forced. After a
 * forced reset (or a reset made outside cudajs, noticed on the next call), every other scope's next
 * call fails with a `ContextResetError` naming who reset it, until it calls {@link Scope.recover};
 * registered kernels then reload by themselves on their next launch.
 * @module
 */
import { ContextResetError, DisposedError, DriverError, InvalidArgumentError, ResetRefusedError, type ContextResetInfo } from '../errors.js';
import {
  Context, Device,
  type ContextOptions, type DeviceBuffer, type Event, type EventOptions, type HostAllocationOptions, type HostBuffer,
  type HostRegistrationOptions, type Kernel, type ManagedBuffer, type Module, type ModuleLoadOptions, type ModuleSource,
  type Stream, type StreamOptions,
} from '../core/index.js';
import { backend } from '../core/backend.js';
import type { ContextState } from '../core/context.js';
import type { ContextBound } from '../core/lifetime.js';
import type { ContextHandle, DeviceOrdinal, MemoryInfo } from '../backend/types.js';
import { DedicatedProvider, SharedProvider, type ContextProvider, type Isolation } from './provider.js';
import { realm } from './realm.js';
import { ResourceTracker, type ResourceCounts } from './tracker.js';
import type { RegisteredKernel, RegisteredModule } from './registry.js';

export type { Isolation } from './provider.js';

/** Options of `runtime.scope()`. Every field has a default. */
export interface ScopeOptions {
  /** The device, by ordinal or {@link Device}. Default: the runtime's current device (`runtime.getDevice()`). */
  readonly device?: number | Device;
  /**
   * `shared` (default): use the device's primary context, like every runtime-API user — cheap,
   * but a forced device reset by anyone destroys what the scope has. `dedicated`: a context of the
   * scope's own — device memory and a context switch per entry, but nobody else can reset it.
   */
  readonly isolation?: Isolation;
  /** For `dedicated` scopes: options of the created context. Default: `{}`. */
  readonly context?: ContextOptions;
}

/** Options of {@link Scope.resetDevice} and `runtime.deviceReset()`. */
export interface ResetOptions {
  /**
   * Reset the primary context even though other scopes or cudajs references hold it (they then get
   * a `ContextResetError` naming this scope). Default: false — refuse with a `ResetRefusedError`.
   */
  readonly force?: boolean;
}

/** What a scope holds now: see {@link Scope.stats}. */
export interface ScopeStats extends ResourceCounts {
  /** Registered modules loaded into contexts for this scope (one per module and context). */
  readonly loadedModules: number;
  /** Context references the scope holds: 0 or 1 (the runtime scope: one per device it used). */
  readonly contextReferences: number;
  /** Whether the scope lost its context to someone else's reset and waits for {@link Scope.recover}. */
  readonly resetPending: boolean;
}

/** Which context a scope operation uses. */
type Rule = 'own' | 'runtime';

/** Registered kernels loaded into one context incarnation for one scope. */
interface Slot {
  readonly context: Context;
  readonly modules: Map<RegisteredModule, Module>;
  readonly kernels: Map<RegisteredKernel, Kernel>;
}

const RECOVER_HINT = '; call recover() on the scope, then re-create what it had (registered kernels reload by themselves on their next launch)';
const RUNTIME_SCOPE = 'runtime';

/**
 * A component's share of a device: its context reference and everything it created through the
 * scope. Make one with `runtime.scope(name, options)`.
 *
 * @example
 * ```ts
 * import { runtime } from 'cudajs';
 *
 * const saxpy = runtime.registerModule(ptx).kernel('saxpy');
 * using scope = runtime.scope('my-plugin', { isolation: 'dedicated' });
 * const out = scope.run(() => {
 *   // Runtime calls inside run() use the scope's context and are tracked by the scope.
 *   const x = runtime.upload(new Float32Array([1, 2, 3]));
 *   const y = runtime.upload(new Float32Array([10, 20, 30]));
 *   saxpy.launch({ grid: 1, block: 32 }, 3, 2.0, x, y, y);
 *   return y.toArray(Float32Array); // Float32Array [12, 24, 36]
 * });
 * scope.reset(); // frees the scope's buffers and module, nobody else's
 * ```
 */
export class Scope implements Disposable {
  /** The scope's name, used in errors (and by other scopes' errors when this one resets the device). */
  readonly name: string;
  /** `shared` (the primary context) or `dedicated` (a context of its own). */
  readonly isolation: Isolation;
  /** The scope's device, or `null` for the runtime scope (which follows `setDevice`). */
  readonly #device: DeviceOrdinal | null;
  readonly #label: string;
  readonly #provider: ContextProvider;
  readonly #tracker = new ResourceTracker();
  readonly #slots = new Map<ContextState, Slot>();
  readonly #borrowed = new Map<bigint, Context>();
  #pending: ContextResetInfo | null = null;
  #disposed = false;
  #runDepth = 0;

  private constructor(name: string, isolation: Isolation, device: DeviceOrdinal | null, options: ContextOptions) {
    this.name = name;
    this.isolation = isolation;
    this.#device = device;
    this.#label = device === null ? 'runtime' : `scope('${name}')`;
    this.#provider = isolation === 'shared' ? new SharedProvider() : new DedicatedProvider(device!, options);
  }

  /** @internal A named scope (see `runtime.scope`). */
  static create(name: string, options: ScopeOptions): Scope {
    const call = 'runtime.scope';
    if (typeof name !== 'string' || name.trim() === '') throw new InvalidArgumentError(call, `a scope needs a non-empty name, got ${JSON.stringify(name) ?? String(name)}`);
    if (name === RUNTIME_SCOPE) throw new InvalidArgumentError(call, `'${RUNTIME_SCOPE}' is the name of the runtime's own scope`);
    if (realm.scopes.has(name)) throw new InvalidArgumentError(call, `a scope named '${name}' already exists in this thread; dispose it first or choose another name`);
    const isolation = options.isolation ?? 'shared';
    if (isolation !== 'shared' && isolation !== 'dedicated') throw new InvalidArgumentError(call, `isolation must be 'shared' or 'dedicated', got ${JSON.stringify(isolation) ?? String(isolation)}`);
    const requested = options.device ?? realm.device;
    const device = requested instanceof Device ? requested : Device.get(requested);
    const scope = new Scope(name, isolation, device.ordinal, options.context ?? {});
    realm.scopes.set(name, scope);
    return scope;
  }

  /** @internal The runtime's own scope for this thread. */
  static runtimeScope(): Scope {
    return (realm.runtimeScope ??= new Scope(RUNTIME_SCOPE, 'shared', null, {}));
  }

  /** The scope's device (for the runtime scope: the current device). */
  get device(): Device {
    return Device.get(this.#deviceOrdinal());
  }

  /** True for the runtime's own scope (the one runtime functions use outside any `run`). */
  get isRuntimeScope(): boolean {
    return this.#device === null;
  }

  /** True once {@link dispose} has run. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /**
   * The scope's context, acquired if needed (retained or created), as a borrowed reference: use it
   * with the driver-style API; disposing it does nothing to the scope.
   */
  get context(): Context {
    return Context.fromHandle(this.contextFor(`${this.#label}.context`, 'own').handle);
  }

  /** The reset that took the scope's context, while it waits for {@link recover}; else `null`. */
  get resetPending(): ContextResetInfo | null {
    return this.#pending;
  }

  /** What the scope holds now (after checking whether its context was reset outside cudajs). */
  stats(): ScopeStats {
    for (const ctx of this.#provider.heldAll()) ctx.state.detectReset(`${this.#label}.stats`);
    this.#forgetAllDead();
    let loadedModules = 0;
    for (const [state, slot] of this.#slots) if (state.deadReason === null) loadedModules += slot.modules.size;
    return {
      ...this.#tracker.counts(),
      loadedModules,
      contextReferences: this.#provider.heldAll().length,
      resetPending: this.#pending !== null,
    };
  }

  /**
   * Runs `fn` with the scope's context current on this thread and the scope active: runtime
   * functions and registered-kernel launches inside `fn` use this context and are tracked by this
   * scope; the previous context is current again afterwards, even if `fn` throws. Only the
   * synchronous part of `fn` runs in the scope (an `async` function leaves it at its first `await`).
   */
  run<T>(fn: () => T): T {
    const call = `${this.#label}.run`;
    const ctx = this.contextFor(call, 'own');
    const b = backend();
    this.#guard(() => ctx.push());
    realm.stack.push(this);
    this.#runDepth++;
    try {
      return fn();
    } finally {
      this.#runDepth--;
      realm.stack.pop();
      // A reset inside fn may have destroyed (and popped) a dedicated context, or replaced it.
      const top = b.contextGetCurrent();
      if (top !== null && (top === ctx.handle || this.#heldWithHandle(top) !== null)) b.contextPop();
    }
  }

  /** Allocates device memory in the scope's context (cuMemAlloc). */
  allocate(bytes: number): DeviceBuffer {
    return this.create(`${this.#label}.allocate`, 'own', (ctx) => ctx.allocate(bytes));
  }

  /** Allocates device memory holding a copy of `data`. */
  upload(data: ArrayBufferView | ArrayBuffer): DeviceBuffer {
    return this.create(`${this.#label}.upload`, 'own', (ctx) => ctx.upload(data));
  }

  /** Allocates managed memory (cuMemAllocManaged). */
  allocateManaged(bytes: number): ManagedBuffer {
    return this.create(`${this.#label}.allocateManaged`, 'own', (ctx) => ctx.allocateManaged(bytes));
  }

  /** Allocates pinned host memory (cuMemHostAlloc). */
  allocateHost(bytes: number, options: HostAllocationOptions = {}): HostBuffer {
    return this.create(`${this.#label}.allocateHost`, 'own', (ctx) => ctx.allocateHost(bytes, options));
  }

  /** Page-locks existing host memory (cuMemHostRegister). */
  registerHost(memory: ArrayBufferView | ArrayBuffer, options: HostRegistrationOptions = {}): HostBuffer {
    return this.create(`${this.#label}.registerHost`, 'own', (ctx) => ctx.registerHost(memory, options));
  }

  /** Loads a driver-style module (explicit unload and reload) into the scope's context, tracked by the scope. */
  loadModule(source: ModuleSource, options: ModuleLoadOptions = {}): Module {
    return this.create(`${this.#label}.loadModule`, 'own', (ctx) => ctx.loadModule(source, options));
  }

  /** Loads a driver-style module from a file, tracked by the scope. */
  loadModuleFile(path: string, options: ModuleLoadOptions = {}): Module {
    return this.create(`${this.#label}.loadModuleFile`, 'own', (ctx) => ctx.loadModuleFile(path, options));
  }

  /** Creates a stream in the scope's context. */
  createStream(options: StreamOptions = {}): Stream {
    return this.create(`${this.#label}.createStream`, 'own', (ctx) => ctx.createStream(options));
  }

  /** Creates an event in the scope's context. */
  createEvent(options: EventOptions = {}): Event {
    return this.create(`${this.#label}.createEvent`, 'own', (ctx) => ctx.createEvent(options));
  }

  /**
   * The kernel object of a registered kernel in the scope's context, loading its module there on
   * first use. Launching it directly is the fastest path (no per-launch lookup); after a reset the
   * object fails with a `ContextResetError`: ask again after {@link recover}. Unlike a launch, this
   * call checks that the context was not reset behind cudajs.
   */
  kernel(kernel: RegisteredKernel): Kernel {
    const call = `${this.#label}.kernel`;
    const ctx = this.contextFor(call, 'own');
    if (ctx.state.detectReset(call) !== null) {
      this.#forgetAllDead();
      return this.kernel(kernel); // throws the pending reset, or acquires anew when the scope itself was the one to reset
    }
    return this.kernelFor(call, 'own', kernel);
  }

  /** Waits for all work in the scope's context (cuCtxSynchronize). */
  synchronize(): void {
    const ctx = this.contextFor(`${this.#label}.synchronize`, 'own');
    this.#guard(() => ctx.synchronize());
  }

  /** Free and total device memory, seen from the scope's context (cuMemGetInfo). */
  memoryInfo(): MemoryInfo {
    const ctx = this.contextFor(`${this.#label}.memoryInfo`, 'own');
    return this.#guard(() => ctx.memoryInfo());
  }

  /**
   * Frees everything the scope created (newest first) and the registered modules it loaded, and
   * drops its context reference (a `dedicated` scope destroys its context). Nothing of anyone else
   * is touched. The scope stays usable: it acquires a context again on its next call. Also clears a
   * pending reset (see {@link recover}).
   * @throws the first error a resource's release threw, after releasing all the others.
   */
  reset(): void {
    const call = `${this.#label}.reset`;
    this.#assertNotDisposed(call);
    this.#releaseAll(call);
  }

  /**
   * After a `ContextResetError` (someone reset the primary context under this scope): drops what
   * the scope had — all of it died with the context — and makes the scope usable again; the next
   * call re-retains the primary context and registered kernels reload on their next launch. The
   * same as {@link reset}, named for the situation.
   */
  recover(): void {
    const call = `${this.#label}.recover`;
    this.#assertNotDisposed(call);
    this.#releaseAll(call);
  }

  /**
   * Resets the device for this scope. A `shared` scope resets the primary context
   * (cuDevicePrimaryCtxReset, what cudaDeviceReset does): everything in it is destroyed, for every
   * holder. Refused with a `ResetRefusedError` naming the other holders (scopes, other cudajs
   * references) unless `force` is set; other scopes then fail with a `ContextResetError` naming
   * this one on their next call. The scope itself continues at once (re-retaining the context on its
   * next call). A `dedicated` scope destroys only its own context, whatever `force` says: that is
   * what isolation is for.
   *
   * Holders outside cudajs (libcudart, other native libraries) cannot be seen: a reset destroys
   * their state too, as cudaDeviceReset would.
   */
  resetDevice(options: ResetOptions = {}): void {
    const call = `${this.#label}.resetDevice`;
    this.#assertNotDisposed(call);
    if (this.isolation === 'dedicated') {
      this.#releaseAll(call);
      return;
    }
    const device = this.#deviceOrdinal();
    const holders = Scope.#otherHolders(device, this, call);
    if (holders.length > 0 && options.force !== true) throw new ResetRefusedError(call, device, holders);
    Context.resetPrimary(device, {
      by: this.isRuntimeScope ? 'runtime.deviceReset()' : `scope '${this.name}'`,
      context: `the primary context of device ${device}`,
      device,
      forced: holders.length > 0,
      detectedBy: null,
      resetter: this,
    });
    const held = this.#provider.held(device);
    if (held !== null) this.#forgetDead(held);
    this.#pending = null;
  }

  /**
   * Frees everything the scope holds (see {@link reset}) and retires it: later calls throw a
   * `DisposedError`. Idempotent.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (realm.scopes.get(this.name) === this) realm.scopes.delete(this.name);
    if (realm.runtimeScope === this) realm.runtimeScope = undefined;
    this.#releaseAll(`${this.#label}.dispose`);
  }

  /** Same as {@link dispose}. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** `Scope('plugin-a', shared, device 0)`. */
  toString(): string {
    return this.isRuntimeScope ? `Scope(runtime, shared, device ${realm.device})` : `Scope('${this.name}', ${this.isolation}, device ${this.#device})`;
  }

  // --- For the runtime functions and registered kernels -----------------------------------------------

  /**
   * @internal The context an operation of this scope uses: its own (`own`), or libcudart's choice
   * (`runtime`): the driver context current on this thread if there is one, else the scope's own —
   * for the runtime scope, the current device's primary context, retained once and made current on
   * the thread. The runtime scope always follows libcudart's rule.
   * @throws DisposedError after dispose; ContextResetError while a reset made by someone else is pending.
   */
  contextFor(call: string, rule: Rule): Context {
    this.#assertNotDisposed(call);
    if (this.#pending !== null) throw new ContextResetError(call, this.toString(), this.#pending, RECOVER_HINT);
    return rule === 'own' && this.#device !== null ? this.#own(call, this.#device) : this.#runtimeContext(call);
  }

  /** @internal The scope's own context on `device` (the runtime scope: that device's primary context). */
  ownContext(call: string, device: DeviceOrdinal): Context {
    this.#assertNotDisposed(call);
    if (this.#pending !== null) throw new ContextResetError(call, this.toString(), this.#pending, RECOVER_HINT);
    return this.#own(call, device);
  }

  /** @internal Creates a resource with `make` in the context `rule` picks, and tracks it. */
  create<T extends ContextBound>(call: string, rule: Rule, make: (ctx: Context) => T): T {
    const ctx = this.contextFor(call, rule);
    const resource = this.#guard(() => make(ctx));
    this.#tracker.add(resource);
    return resource;
  }

  /** @internal The kernel object of `kernel` in the context `rule` picks, loaded there for this scope on first use. */
  kernelFor(call: string, rule: Rule, kernel: RegisteredKernel): Kernel {
    const slot = this.#slot(this.contextFor(call, rule));
    return slot.kernels.get(kernel) ?? this.#guard(() => {
      let module = slot.modules.get(kernel.module);
      if (module === undefined) slot.modules.set(kernel.module, (module = kernel.module.loadInto(slot.context)));
      const k = module.getKernel(kernel.name, kernel.options);
      slot.kernels.set(kernel, k);
      return k;
    });
  }

  /** @internal Whether this scope holds a live reference to the primary context of `device`. */
  holdsPrimary(device: DeviceOrdinal): boolean {
    const ctx = this.isolation === 'shared' ? this.#provider.held(device) : null;
    return ctx !== null && ctx.state.deadReason === null;
  }

  // --- Internals ------------------------------------------------------------------------------------------

  #deviceOrdinal(): DeviceOrdinal {
    return this.#device ?? realm.device;
  }

  #assertNotDisposed(call: string): void {
    if (this.#disposed) throw new DisposedError(call, this.toString());
  }

  /** The scope's own context on `device`, after forgetting a dead one (which throws if someone else killed it). */
  #own(call: string, device: DeviceOrdinal): Context {
    const held = this.#provider.held(device);
    if (held !== null) {
      if (held.state.deadReason === null) return held;
      this.#forgetDead(held);
      if (this.#pending !== null) throw new ContextResetError(call, this.toString(), this.#pending, RECOVER_HINT);
    }
    const keepCurrent = this.#runDepth > 0 && realm.stack[realm.stack.length - 1] === this;
    return this.#guard(() => this.#provider.acquire(device, keepCurrent));
  }

  /** libcudart's rule; see {@link contextFor}. */
  #runtimeContext(call: string): Context {
    const b = backend();
    const current = b.contextGetCurrent();
    if (current === null) {
      const own = this.#own(call, this.#deviceOrdinal());
      if (this.#device === null) b.contextSetCurrent(own.handle);
      return own;
    }
    const mine = this.#heldWithHandle(current);
    if (mine !== null) return this.#own(call, mine.device.ordinal);
    // A primary context cudajs knows, current but not held by this shared scope (e.g. dropped after a reset): re-retain it, as libcudart does.
    const primaryOf = this.isolation === 'shared' ? Context.primaryDeviceOf(current) : null;
    if (primaryOf !== null && (this.#device === null || this.#device === primaryOf)) return this.#own(call, primaryOf);
    return this.#borrow(current);
  }

  /** The scope's own context with `handle`, or `null`. */
  #heldWithHandle(handle: ContextHandle): Context | null {
    const mine = this.#provider.held(this.#deviceOrdinal());
    if (mine !== null && mine.handle === handle) return mine;
    if (this.#device !== null) return null;
    for (const ctx of this.#provider.heldAll()) if (ctx.handle === handle) return ctx;
    return null;
  }

  /** A borrowed reference to a context the scope does not own (current on the thread). */
  #borrow(handle: ContextHandle): Context {
    let ctx = this.#borrowed.get(handle);
    if (ctx === undefined || ctx.state.deadReason !== null) {
      ctx = this.#guard(() => Context.fromHandle(handle));
      this.#borrowed.set(handle, ctx);
    }
    return ctx;
  }

  /** The registered kernels of this scope in `ctx`'s incarnation. */
  #slot(ctx: Context): Slot {
    const state = ctx.state;
    let slot = this.#slots.get(state);
    if (slot === undefined) {
      for (const s of this.#slots.keys()) if (s.deadReason !== null) this.#slots.delete(s);
      this.#slots.set(state, (slot = { context: ctx, modules: new Map(), kernels: new Map() }));
    }
    return slot;
  }

  /** Runs `fn`; when it throws a ContextResetError, first notes which of the scope's contexts died. */
  #guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ContextResetError) this.#forgetAllDead();
      throw e;
    }
  }

  /** {@link #forgetDead} for every held context whose incarnation is gone. */
  #forgetAllDead(): void {
    for (const ctx of this.#provider.heldAll()) if (ctx.state.deadReason !== null) this.#forgetDead(ctx);
  }

  /**
   * Forgets a context reference whose incarnation died: its registered modules and tracked
   * resources died with it (they keep failing with ContextResetError if used), the reference is
   * given back. Marks a reset made by someone else as pending.
   */
  #forgetDead(ctx: Context): void {
    const state = ctx.state;
    this.#slots.delete(state);
    this.#tracker.forget((r) => r.context.state === state);
    this.#provider.drop(ctx.device.ordinal);
    const info = state.reset;
    if (info !== null && info.resetter !== this) this.#pending ??= info;
  }

  /**
   * Frees every resource, loaded module and context reference; clears a pending reset. What died
   * with a reset is only forgotten (it keeps failing with ContextResetError if used), whether or not
   * the scope had noticed the reset yet.
   */
  #releaseAll(call: string): void {
    const errors: unknown[] = [];
    for (const ctx of this.#provider.heldAll()) {
      try {
        ctx.state.detectReset(call);
      } catch (e) {
        if (!(e instanceof DriverError && e.sticky)) errors.push(e);
      }
    }
    this.#forgetAllDead();
    errors.push(...this.#tracker.disposeAll());
    for (const slot of this.#slots.values()) {
      for (const module of slot.modules.values()) {
        try {
          module.dispose();
        } catch (e) {
          errors.push(e);
        }
      }
    }
    this.#slots.clear();
    this.#borrowed.clear();
    try {
      this.#provider.drop();
    } catch (e) {
      errors.push(e);
    }
    this.#pending = null;
    if (errors.length > 0) throw errors[0];
  }

  /** Who else holds the primary context of `device`, in words, for a refused reset. */
  static #otherHolders(device: DeviceOrdinal, self: Scope, call: string): string[] {
    const holders: string[] = [];
    let scopeReferences = 0;
    const scopes = [...realm.scopes.values()];
    if (realm.runtimeScope) scopes.push(realm.runtimeScope);
    // A reset made outside cudajs since anyone last looked leaves nothing to protect: notice it first.
    for (const s of scopes) if (s.isolation === 'shared') s.#provider.held(device)?.state.detectReset(call);
    for (const s of scopes) {
      if (s.isolation !== 'shared' || s.#provider.held(device) === null) continue;
      scopeReferences++;
      if (s !== self && s.holdsPrimary(device)) holders.push(s.isRuntimeScope ? 'the runtime scope (runtime functions used outside any scope)' : `scope '${s.name}'`);
    }
    const others = Context.primaryRetainCount(Device.get(device)) - scopeReferences;
    if (others > 0) holders.push(`${others} other cudajs reference${others === 1 ? '' : 's'} (Device.primaryContext())`);
    return holders;
  }
}

/** The scope runtime calls use now on this thread: the innermost running scope, else the runtime scope. */
export function activeScope(): Scope {
  const stack = realm.stack;
  return stack.length > 0 ? stack[stack.length - 1]! : Scope.runtimeScope();
}
