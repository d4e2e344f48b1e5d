/**
 * Contexts: the primary context of a device (retained and released, shared with the runtime API)
 * and contexts created explicitly; the calling thread's context stack (push, pop, set current);
 * and the factories of everything that lives in a context.
 * @module
 */
import { CUctx_flags, CUresult, CUresultNames } from '../raw/driver-types.js';
import { ContextResetError, DriverError, InvalidArgumentError, PeerAccessError, type ContextResetInfo, type CudaError } from '../errors.js';
import type { ContextHandle, DeviceOrdinal, MemoryInfo } from '../backend/types.js';
import { backend } from './backend.js';
import { Resource } from './lifetime.js';
import { Device } from './device.js';
import { DeviceBuffer, HostBuffer, ManagedBuffer, type HostAllocationOptions, type HostRegistrationOptions } from './memory.js';
import { Module, type ModuleSource, type ModuleLoadOptions } from './module.js';
import { Stream, type StreamOptions } from './stream.js';
import { Event, type EventOptions } from './event.js';

/** How the CPU thread waits for the GPU in a context (CU_CTX_SCHED_*). */
export type SchedulingPolicy = 'auto' | 'spin' | 'yield' | 'blockingSync';

/** Options of {@link Device.createContext}. Every field has a default. */
export interface ContextOptions {
  /** How a synchronizing thread waits. Default: `'auto'`. */
  readonly scheduling?: SchedulingPolicy;
  /** Keep local memory sized for the largest launch (CU_CTX_LMEM_RESIZE_TO_MAX). Default: false. */
  readonly keepLocalMemory?: boolean;
}

const SCHEDULING_FLAGS: Readonly<Record<SchedulingPolicy, number>> = {
  auto: CUctx_flags.CU_CTX_SCHED_AUTO,
  spin: CUctx_flags.CU_CTX_SCHED_SPIN,
  yield: CUctx_flags.CU_CTX_SCHED_YIELD,
  blockingSync: CUctx_flags.CU_CTX_SCHED_BLOCKING_SYNC,
};

function peerAccessError(call: string, device: number, peer: number, code: number, explanation: string, cause?: unknown): PeerAccessError {
  return new PeerAccessError({ code, codeName: CUresultNames[code] ?? `CUresult(${code})`, explanation, call, device, peer, cause });
}

/** Which kind of context a {@link Context} object refers to. */
export type ContextKind = 'primary' | 'created' | 'borrowed';

/**
 * The shared state of one context incarnation, held by every object that lives in it. When the
 * context is destroyed or reset, the state is invalidated once and every dependent object reports
 * why on its next use instead of touching freed memory.
 *
 * A primary context can be reset under cudajs (another native addon calling cudaDeviceReset, or a
 * cudajs scope in another thread): the handle stays the same, but the driver destroys everything in
 * it and re-creates it, with a new id (cuCtxGetId), on its next use. {@link detectReset} notices
 * that; the object layer calls it before every operation that is not a launch (see
 * {@link Context.enter}), and after a failed launch.
 * @internal
 */
export class ContextState {
  #deadReason: string | null = null;
  #reset: ContextResetInfo | null = null;

  constructor(
    readonly handle: ContextHandle,
    readonly device: DeviceOrdinal,
    readonly kind: 'primary' | 'created' | 'foreign',
    /** The incarnation's id (cuCtxGetId) when cudajs first saw it. */
    readonly id: bigint,
  ) {}

  /** Null while usable, else why not. */
  get deadReason(): string | null {
    return this.#deadReason;
  }

  /** Who reset this incarnation, when a reset killed it; else `null`. */
  get reset(): ContextResetInfo | null {
    return this.#reset;
  }

  /** `the primary context of device 0`, `a context on device 1`. */
  describe(): string {
    return this.kind === 'primary' ? `the primary context of device ${this.device}` : `a context on device ${this.device} (0x${this.handle.toString(16)})`;
  }

  /**
   * Runs `fn` with this context pushed, unless the context is gone (then its resources are gone
   * too and there is nothing to do). For releasing resources, finalizers included.
   */
  runIfAlive(fn: () => void): void {
    if (this.#deadReason !== null || this.detectReset('release') !== null) return;
    const b = backend();
    b.contextPush(this.handle);
    try {
      fn();
    } finally {
      b.contextPop();
    }
  }

  /** Marks the context gone. The first reason (and reset record) sticks. */
  invalidate(reason: string, reset: ContextResetInfo | null = null): void {
    if (this.#deadReason === null) {
      this.#deadReason = reason;
      this.#reset = reset;
    }
    if (liveStates.get(this.handle) === this) liveStates.delete(this.handle);
  }

  /**
   * Checks that the context behind the handle is still this incarnation. If it is not — reset
   * outside this realm's cudajs: its id changed, or the driver rejects the handle — invalidates
   * this state with a reset record naming `call` as the one that noticed, and returns the record;
   * else `null`. Created contexts are not checked: only their owner can destroy them. Costs one
   * driver call (cuCtxGetId). Sticky errors propagate.
   */
  detectReset(call: string): ContextResetInfo | null {
    if (this.#deadReason !== null) return this.#reset;
    if (this.kind === 'created') return null;
    const b = backend();
    let why: string | null = null;
    try {
      // One driver call is enough. Measured on the H100 (driver 580, 2026-11-24): after
      // cuDevicePrimaryCtxReset, cuCtxGetId on the old handle fails with
      // CUDA_ERROR_CONTEXT_IS_DESTROYED until the context is re-created, and then returns a new id.
      // The emulated device behaves the same. (Adding cuDevicePrimaryCtxGetState cost 0.63 µs per check.)
      const id = b.contextGetId(this.handle);
      if (id !== this.id) why = `its id changed from ${this.id} to ${id}`;
    } catch (e) {
      if (!(e instanceof DriverError) || e.sticky) throw e;
      why = `the driver rejects its handle (${e.codeName})`;
    }
    if (why === null) return null;
    const info: ContextResetInfo = {
      by: `code outside cudajs (a native library's cudaDeviceReset, or another thread): ${why}`,
      context: this.describe(),
      device: this.device,
      forced: true,
      detectedBy: call,
      resetter: null,
    };
    this.invalidate(`${info.context} was reset by ${info.by}`, info);
    return info;
  }
}

/** Live context states by handle, so that `Context.current()` finds the state its objects share. */
const liveStates = new Map<bigint, ContextState>();

/**
 * cudajs's own references to each device's primary context. `retains` counts every undisposed
 * primary `Context` object, across incarnations: a reset destroys the incarnation (`state`) but
 * releases no reference, so references from before a reset are still released when disposed.
 */
interface PrimaryEntry {
  retains: number;
  state: ContextState | null;
}
const primaries = new Map<DeviceOrdinal, PrimaryEntry>();

function primaryEntry(device: DeviceOrdinal): PrimaryEntry {
  let entry = primaries.get(device);
  if (!entry) primaries.set(device, (entry = { retains: 0, state: null }));
  return entry;
}

/** The state of the primary context incarnation behind `handle`, replacing a stale one. */
function livePrimaryState(entry: PrimaryEntry, handle: ContextHandle, device: DeviceOrdinal, call: string): ContextState {
  const old = entry.state;
  if (old !== null && old.deadReason === null && old.handle === handle && old.detectReset(call) === null) return old;
  const state = new ContextState(handle, device, 'primary', backend().contextGetId(handle));
  entry.state = state;
  liveStates.set(handle, state);
  return state;
}

function releasePrimary(device: DeviceOrdinal): void {
  const entry = primaryEntry(device);
  try {
    backend().primaryContextRelease(device);
  } finally {
    entry.retains = Math.max(0, entry.retains - 1);
  }
  const state = entry.state;
  if (entry.retains === 0 && state !== null && state.deadReason === null && !backend().primaryContextState(device).active) {
    state.invalidate('the primary context was released by its last holder');
  }
}

function destroyCreated(state: ContextState): void {
  state.invalidate('the context was destroyed');
  backend().contextDestroy(state.handle);
}

/**
 * A CUDA context: a device's address space with its modules, memory, streams and events.
 *
 * A `Context` object is a reference: for the primary context each object holds one retain,
 * released by `dispose()`; a created context is destroyed by `dispose()`; a borrowed one (from
 * {@link Context.current} or {@link Context.fromHandle}) is never destroyed by cudajs. Objects
 * created in a context keep their `Context` alive, and fail with a typed error if the context is
 * destroyed or reset under them.
 *
 * @example
 * ```ts
 * using ctx = Device.get(0).createContext();
 * ctx.run(() => {
 *   using buf = ctx.upload(new Float32Array([1, 2, 3]));
 *   console.log(buf.toArray(Float32Array));
 * });
 * ```
 */
export class Context extends Resource {
  readonly #state: ContextState;
  readonly #kind: ContextKind;
  readonly #device: Device;

  private constructor(state: ContextState, kind: ContextKind, device: Device) {
    super();
    this.#state = state;
    this.#kind = kind;
    this.#device = device;
  }

  /** @internal Retains the primary context of `device`. */
  static retainPrimary(device: Device): Context {
    const ordinal = device.ordinal;
    const handle = backend().primaryContextRetain(ordinal);
    const entry = primaryEntry(ordinal);
    entry.retains++;
    let state: ContextState;
    try {
      state = livePrimaryState(entry, handle, ordinal, 'Device.primaryContext');
    } catch (e) {
      releasePrimary(ordinal);
      throw e;
    }
    const ctx = new Context(state, 'primary', device);
    ctx.track(() => releasePrimary(ordinal));
    return ctx;
  }

  /** @internal How many cudajs references (undisposed primary `Context` objects) hold the primary context of `device`. */
  static primaryRetainCount(device: Device): number {
    return primaries.get(device.ordinal)?.retains ?? 0;
  }

  /** @internal The device whose primary context has `handle`, if cudajs has retained it in this realm; else `null`. */
  static primaryDeviceOf(handle: ContextHandle): DeviceOrdinal | null {
    for (const [device, entry] of primaries) if (entry.state?.handle === handle) return device;
    return null;
  }

  /**
   * @internal Resets the primary context of `device` (cuDevicePrimaryCtxReset): the driver
   * destroys everything in it, for every holder, and keeps every reference. Objects that lived in
   * it fail with a `ContextResetError` carrying `info`.
   */
  static resetPrimary(device: DeviceOrdinal, info: ContextResetInfo): void {
    backend().primaryContextReset(device);
    primaries.get(device)?.state?.invalidate(`${info.context} was reset by ${info.by}`, info);
  }

  /** @internal Creates a context (made current on this thread, as cuCtxCreate does). */
  static create(device: Device, options: ContextOptions): Context {
    const scheduling = options.scheduling ?? 'auto';
    const schedulingFlag = SCHEDULING_FLAGS[scheduling];
    if (schedulingFlag === undefined) {
      throw new InvalidArgumentError('Device.createContext', `unknown scheduling policy '${String(scheduling)}'; use one of ${Object.keys(SCHEDULING_FLAGS).join(', ')}`);
    }
    const flags = schedulingFlag | (options.keepLocalMemory ? CUctx_flags.CU_CTX_LMEM_RESIZE_TO_MAX : 0);
    const handle = backend().contextCreate(device.ordinal, flags);
    const state = new ContextState(handle, device.ordinal, 'created', backend().contextGetId(handle));
    liveStates.set(handle, state);
    const ctx = new Context(state, 'created', device);
    ctx.track(() => destroyCreated(state));
    return ctx;
  }

  /**
   * The calling thread's current context, or `null`. The returned object borrows the context: its
   * `dispose()` does nothing to it.
   */
  static current(): Context | null {
    const handle = backend().contextGetCurrent();
    return handle === null ? null : Context.fromHandle(handle);
  }

  /**
   * Wraps a context handle made elsewhere (another library, the runtime API). Borrowed: cudajs
   * never destroys or releases it.
   */
  static fromHandle(handle: ContextHandle): Context {
    let state = liveStates.get(handle);
    if (!state) {
      const b = backend();
      b.contextPush(handle);
      let device: DeviceOrdinal;
      try {
        device = b.contextGetDevice();
      } finally {
        b.contextPop();
      }
      state = new ContextState(handle, device, 'foreign', b.contextGetId(handle));
      liveStates.set(handle, state);
    }
    return new Context(state, 'borrowed', Device.get(state.device));
  }

  /** Pops the current context off this thread's stack and returns it (borrowed), or `null` if none was current. */
  static pop(): Context | null {
    if (backend().contextGetCurrent() === null) return null;
    return Context.fromHandle(backend().contextPop());
  }

  /** Makes no context current on this thread (cuCtxSetCurrent(NULL)). */
  static clearCurrent(): void {
    backend().contextSetCurrent(null);
  }

  /**
   * @internal Runs `fn` with a context on `device`: the current one if it is on that device, else
   * the primary context, retained for the call.
   */
  static onDevice<T>(device: Device, fn: (ctx: Context) => T): T {
    const current = Context.current();
    if (current && current.#state.device === device.ordinal) return fn(current);
    const primary = Context.retainPrimary(device);
    try {
      return primary.run(() => fn(primary));
    } finally {
      primary.dispose();
    }
  }

  /** The raw handle (CUcontext). */
  get handle(): ContextHandle {
    return this.#state.handle;
  }

  /** `primary`, `created`, or `borrowed` (not owned by this object). */
  get kind(): ContextKind {
    return this.#kind;
  }

  /** Whether this is a device's primary context (whoever owns the reference). */
  get isPrimary(): boolean {
    return this.#state.kind === 'primary';
  }

  /** The context's device. */
  get device(): Device {
    return this.#device;
  }

  /** @internal The state shared by objects living in this context. */
  get state(): ContextState {
    return this.#state;
  }

  /** True when both objects refer to the same context. */
  equals(other: Context): boolean {
    return this.#state.handle === other.#state.handle;
  }

  /** Whether this context is current on the calling thread. */
  get isCurrent(): boolean {
    return backend().contextGetCurrent() === this.#state.handle;
  }

  /** Pushes this context onto the calling thread's stack, making it current (cuCtxPushCurrent). */
  push(): void {
    this.#assertUsable('Context.push');
    backend().contextPush(this.#state.handle);
  }

  /** Replaces the calling thread's current context with this one (cuCtxSetCurrent). */
  setCurrent(): void {
    this.#assertUsable('Context.setCurrent');
    backend().contextSetCurrent(this.#state.handle);
  }

  /**
   * Runs `fn` with this context current and restores the previous one afterwards, even if `fn`
   * throws. The context is current only during the synchronous part of `fn`.
   */
  run<T>(fn: () => T): T {
    this.#assertUsable('Context.run');
    const b = backend();
    b.contextPush(this.#state.handle);
    try {
      return fn();
    } finally {
      b.contextPop();
    }
  }

  /**
   * Throws a DisposedError when this reference or its context is gone, and a ContextResetError when
   * the primary context was reset outside cudajs since cudajs last looked (see
   * {@link ContextState.detectReset}: two cheap driver calls, made on every operation except launches).
   */
  #assertUsable(call: string): void {
    this.assertLive(call);
    if (this.#state.detectReset(call) !== null) this.assertLive(call);
  }

  /**
   * @internal Runs a backend operation in this context: directly when it is current, else between
   * a push and a pop. Checks liveness first (a reset made outside cudajs included), naming `call`.
   */
  enter<T>(call: string, fn: () => T): T {
    this.#assertUsable(call);
    const b = backend();
    if (b.contextGetCurrent() === this.#state.handle) return fn();
    b.contextPush(this.#state.handle);
    try {
      return fn();
    } finally {
      b.contextPop();
    }
  }

  /** Blocks until all work in this context has completed (cuCtxSynchronize). */
  synchronize(): void {
    this.enter('Context.synchronize', () => backend().contextSynchronize());
  }

  /**
   * Lets kernels running in this context read and write memory of `peer` directly, over NVLink
   * or PCIe (cuCtxEnablePeerAccess). One direction only: call it on both contexts for both.
   * Peer copies ({@link DeviceBuffer.copyFrom} between contexts) work without it.
   *
   * Idempotent: returns `true` when this call enabled access and `false` when it was already
   * enabled (the driver's CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED is absorbed), so independent
   * components can each ask for the access they need.
   *
   * @example
   * ```ts
   * const [d0, d1] = Device.all();
   * using c0 = d0.primaryContext();
   * using c1 = d1.primaryContext();
   * if (d0.canAccessPeer(d1)) c0.enablePeerAccess(c1); // kernels in c0 may now use c1's buffers
   * ```
   * @throws PeerAccessError (CUDA_ERROR_PEER_ACCESS_UNSUPPORTED) when both contexts are on one
   *   device or the devices cannot reach each other ({@link Device.canAccessPeer} is false), and
   *   (CUDA_ERROR_TOO_MANY_PEERS) when the driver has no room for another peer.
   */
  enablePeerAccess(peer: Context): boolean {
    const call = 'Context.enablePeerAccess';
    peer.assertLive(call);
    const from = this.#device;
    const to = peer.#device;
    if (from.ordinal === to.ordinal) {
      throw peerAccessError(call, from.ordinal, to.ordinal, CUresult.CUDA_ERROR_PEER_ACCESS_UNSUPPORTED, `both contexts are on device ${from.ordinal}: peer access is between different devices (a device reaches its own memory from every context)`);
    }
    if (!from.canAccessPeer(to)) {
      throw peerAccessError(call, from.ordinal, to.ordinal, CUresult.CUDA_ERROR_PEER_ACCESS_UNSUPPORTED, `device ${from.ordinal} cannot access device ${to.ordinal}'s memory (cuDeviceCanAccessPeer is 0: no NVLink or PCIe peer-to-peer path); copy between them with DeviceBuffer.copyFrom instead`);
    }
    try {
      this.enter(call, () => backend().contextEnablePeerAccess(peer.#state.handle));
      return true;
    } catch (e) {
      if (e instanceof DriverError && e.code === CUresult.CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED) return false;
      if (e instanceof DriverError && (e.code === CUresult.CUDA_ERROR_TOO_MANY_PEERS || e.code === CUresult.CUDA_ERROR_PEER_ACCESS_UNSUPPORTED)) {
        throw peerAccessError(call, from.ordinal, to.ordinal, e.code, e.explanation, e);
      }
      throw e;
    }
  }

  /**
   * Revokes the access {@link enablePeerAccess} gave (cuCtxDisablePeerAccess). Idempotent:
   * returns `true` when this call disabled access and `false` when it was not enabled (the
   * driver's CUDA_ERROR_PEER_ACCESS_NOT_ENABLED is absorbed). Access ends by itself when either
   * context is destroyed.
   */
  disablePeerAccess(peer: Context): boolean {
    const call = 'Context.disablePeerAccess';
    peer.assertLive(call);
    try {
      this.enter(call, () => backend().contextDisablePeerAccess(peer.#state.handle));
      return true;
    } catch (e) {
      if (e instanceof DriverError && e.code === CUresult.CUDA_ERROR_PEER_ACCESS_NOT_ENABLED) return false;
      throw e;
    }
  }

  /** Free and total memory of the device, seen from this context (cuMemGetInfo). */
  memoryInfo(): MemoryInfo {
    return this.enter('Context.memoryInfo', () => backend().memoryInfo());
  }

  /** Allocates `bytes` of device memory (cuMemAlloc). Its content is undefined until written. */
  allocate(bytes: number): DeviceBuffer {
    return DeviceBuffer.allocate(this, bytes);
  }

  /** Allocates device memory holding a copy of `data`. */
  upload(data: ArrayBufferView | ArrayBuffer): DeviceBuffer {
    return DeviceBuffer.upload(this, data);
  }

  /** Allocates managed (unified) memory, accessible from the host through `bytes` (cuMemAllocManaged). */
  allocateManaged(bytes: number): ManagedBuffer {
    return ManagedBuffer.allocate(this, bytes);
  }

  /** Allocates pinned host memory (cuMemHostAlloc). */
  allocateHost(bytes: number, options: HostAllocationOptions = {}): HostBuffer {
    return HostBuffer.allocate(this, bytes, options);
  }

  /** Page-locks an existing Node Buffer, TypedArray or ArrayBuffer for fast copies (cuMemHostRegister). */
  registerHost(memory: ArrayBufferView | ArrayBuffer, options: HostRegistrationOptions = {}): HostBuffer {
    return HostBuffer.register(this, memory, options);
  }

  /** Loads a module from PTX text, or cubin / fatbin / PTX bytes (cuModuleLoadDataEx). */
  loadModule(source: ModuleSource, options: ModuleLoadOptions = {}): Module {
    return Module.load(this, source, options);
  }

  /** Loads a module from a `.ptx`, `.cubin` or `.fatbin` file. */
  loadModuleFile(path: string, options: ModuleLoadOptions = {}): Module {
    return Module.loadFile(this, path, options);
  }

  /** Creates a stream (cuStreamCreateWithPriority). */
  createStream(options: StreamOptions = {}): Stream {
    return Stream.create(this, options);
  }

  /** The legacy default stream of this context (stream 0). */
  get defaultStream(): Stream {
    return Stream.legacyDefault(this);
  }

  /** Creates an event (cuEventCreate). */
  createEvent(options: EventOptions = {}): Event {
    return Event.create(this, options);
  }

  protected override describe(): string {
    return `Context(${this.#kind}, device ${this.#state.device})`;
  }

  protected override invalidReason(): string | null {
    return this.#state.deadReason;
  }

  protected override invalidError(call: string, reason: string): CudaError {
    const reset = this.#state.reset;
    return reset === null ? super.invalidError(call, reason) : new ContextResetError(call, this.describe(), reset);
  }

  protected override release(): void {
    if (this.#kind === 'primary') releasePrimary(this.#state.device);
    else if (this.#kind === 'created') destroyCreated(this.#state);
  }

  /** A reset destroys the primary context's incarnation but releases no reference: give ours back. */
  protected override releaseInvalidated(): void {
    if (this.#kind === 'primary' && this.#state.reset !== null) releasePrimary(this.#state.device);
  }

  /** `Context(created, device 0)`. */
  override toString(): string {
    return this.describe();
  }
}
