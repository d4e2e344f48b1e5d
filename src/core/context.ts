/**
 * Contexts: the primary context of a device (retained and released, shared with the runtime API)
 * and contexts created explicitly; the calling thread's context stack (push, pop, set current);
 * and the factories of everything that lives in a context.
 * @module
 */
import { CUctx_flags, CUresult, CUresultNames } from '../raw/driver-types.js';
import { DriverError, InvalidArgumentError, PeerAccessError } from '../errors.js';
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
 * @internal
 */
export class ContextState {
  #deadReason: string | null = null;

  constructor(
    readonly handle: ContextHandle,
    readonly device: DeviceOrdinal,
    readonly kind: 'primary' | 'created' | 'foreign',
  ) {}

  /** Null while usable, else why not. */
  get deadReason(): string | null {
    return this.#deadReason;
  }

  /**
   * Runs `fn` with this context pushed, unless the context is gone (then its resources are gone
   * too and there is nothing to do). For releasing resources, finalizers included.
   */
  runIfAlive(fn: () => void): void {
    if (this.#deadReason !== null) return;
    const b = backend();
    b.contextPush(this.handle);
    try {
      fn();
    } finally {
      b.contextPop();
    }
  }

  /** Marks the context gone. The first reason sticks. */
  invalidate(reason: string): void {
    this.#deadReason ??= reason;
    if (liveStates.get(this.handle) === this) liveStates.delete(this.handle);
  }
}

/** Live context states by handle, so that `Context.current()` finds the state its objects share. */
const liveStates = new Map<bigint, ContextState>();

/** cudajs's own references to each device's primary context. */
interface PrimaryEntry {
  state: ContextState;
  retains: number;
}
const primaries = new Map<DeviceOrdinal, PrimaryEntry>();

function releasePrimary(device: DeviceOrdinal, entry: PrimaryEntry): void {
  backend().primaryContextRelease(device);
  entry.retains--;
  if (entry.retains === 0 && !backend().primaryContextState(device).active) {
    entry.state.invalidate('the primary context was released by its last holder');
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
    const handle = backend().primaryContextRetain(device.ordinal);
    let entry = primaries.get(device.ordinal);
    if (!entry || entry.state.deadReason !== null || entry.state.handle !== handle) {
      entry?.state.invalidate('the primary context was reset');
      entry = { state: new ContextState(handle, device.ordinal, 'primary'), retains: 0 };
      primaries.set(device.ordinal, entry);
      liveStates.set(handle, entry.state);
    }
    entry.retains++;
    const ctx = new Context(entry.state, 'primary', device);
    const primary = entry;
    ctx.track(() => releasePrimary(device.ordinal, primary));
    return ctx;
  }

  /** @internal How many cudajs references hold the primary context of `device`. */
  static primaryRetainCount(device: Device): number {
    const entry = primaries.get(device.ordinal);
    return entry && entry.state.deadReason === null ? entry.retains : 0;
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
    const state = new ContextState(handle, device.ordinal, 'created');
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
      state = new ContextState(handle, device, 'foreign');
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
    this.assertLive('Context.push');
    backend().contextPush(this.#state.handle);
  }

  /** Replaces the calling thread's current context with this one (cuCtxSetCurrent). */
  setCurrent(): void {
    this.assertLive('Context.setCurrent');
    backend().contextSetCurrent(this.#state.handle);
  }

  /**
   * Runs `fn` with this context current and restores the previous one afterwards, even if `fn`
   * throws. The context is current only during the synchronous part of `fn`.
   */
  run<T>(fn: () => T): T {
    this.assertLive('Context.run');
    const b = backend();
    b.contextPush(this.#state.handle);
    try {
      return fn();
    } finally {
      b.contextPop();
    }
  }

  /**
   * @internal Runs a backend operation in this context: directly when it is current, else between
   * a push and a pop. Checks liveness first, naming `call`.
   */
  enter<T>(call: string, fn: () => T): T {
    this.assertLive(call);
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

  protected override release(): void {
    if (this.#kind === 'primary') {
      const entry = primaries.get(this.#state.device);
      if (entry && entry.state === this.#state) releasePrimary(this.#state.device, entry);
    } else if (this.#kind === 'created') {
      destroyCreated(this.#state);
    }
  }

  /** `Context(created, device 0)`. */
  override toString(): string {
    return this.describe();
  }
}
