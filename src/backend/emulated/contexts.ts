/**
 * Contexts of the emulated device, with the driver's semantics.
 *
 * - One context stack per JavaScript realm (the driver's per-thread stack: each worker thread
 *   has its own realm, hence its own backend and its own emulated devices).
 * - A primary context per device with a stable handle, a reference count and flags.
 *   Retain creates it when inactive; release drops one reference and, at zero, destroys
 *   everything in it (without popping it from any stack); reset destroys everything whatever the
 *   count (the count stays: "resetting does not release it"). A handle that is still retained is
 *   re-created, with a new id and the current flags, on its next use; one whose count fell to
 *   zero fails with CUDA_ERROR_CONTEXT_IS_DESTROYED when used as the current context.
 * - Created contexts: create pushes; destroy invalidates everything in the context and pops it
 *   when it is the current one; a destroyed context left deeper in the stack fails with
 *   CUDA_ERROR_CONTEXT_IS_DESTROYED once it becomes current again; a destroyed handle passed
 *   explicitly fails with CUDA_ERROR_INVALID_CONTEXT.
 * - Every incarnation has a process-unique id (cuCtxGetId), so a re-created primary context
 *   is distinguishable from the one before.
 * - A kernel fault is sticky for the whole device, as on the H100 (driver 580): every later call
 *   in any context of that device — even creating or retaining a context — throws the fault's
 *   code, until the process (realm) ends. Measured: after an illegal address in a created context,
 *   cuDevicePrimaryCtxRetain and cuCtxCreate fail with CUDA_ERROR_ILLEGAL_ADDRESS.
 * @module
 */
import { KernelFaultError, type DriverError } from '../../errors.js';
import type { DeviceMemory } from '../../emu/mem/device-memory.js';
import type { LaunchOptions } from '../../emu/engine.js';
import { CUctx_flags, CUresult } from '../../raw/driver-types.js';
import { driverError, fail } from '../driver-error.js';
import { HANDLE_TAG, HandleTable } from './handles.js';
import type { PrintfBuffer } from './printf.js';
import type { EventRecord, StreamRecord } from './streams.js';
import type { ModuleRecord } from './modules.js';

let nextContextId = 1n;

/** A device's sticky fault, shared by every context on it. */
export interface DeviceFault {
  /** The first kernel fault on the device, or `null`. */
  error: DriverError | null;
}

const UNUSABLE = 'the device stays unusable in this process (as on a GPU, a sticky error ends CUDA for the process)';

/** Throws `fault`'s error re-attributed to `call`; a KernelFaultError keeps its site (and is the `cause`). */
function throwFault(fault: DriverError, call: string): never {
  if (fault instanceof KernelFaultError) {
    const at = fault.explanation.lastIndexOf(' — in kernel ');
    throw new KernelFaultError({
      code: fault.code, codeName: fault.codeName, call, site: fault.site, cause: fault,
      explanation: `${at < 0 ? fault.explanation : fault.explanation.slice(0, at)}; ${UNUSABLE}`,
    });
  }
  throw driverError(fault.code ?? CUresult.CUDA_ERROR_LAUNCH_FAILED, call, `an earlier kernel failure: ${fault.explanation}; ${UNUSABLE}`, fault);
}

/** One incarnation of a context: everything that dies with it. */
export class ContextState {
  /** Process-unique id of this incarnation (cuCtxGetId). */
  readonly id = nextContextId++;
  /** False once destroyed or reset. */
  alive = true;
  /** Device addresses of cuMemAlloc / cuMemAllocManaged allocations made in this context. */
  readonly allocations = new Set<number>();
  readonly modules = new Set<ModuleRecord>();
  readonly streams = new Set<StreamRecord>();
  readonly events = new Set<EventRecord>();
  /** Synthetic host pointers of pinned and registered host memory made in this context. */
  readonly hostPointers = new Set<bigint>();
  /** Contexts whose device memory this one may access (cuCtxEnablePeerAccess). */
  readonly peers = new Set<ContextState>();
  /** Contexts that enabled access to this one. */
  readonly peeredBy = new Set<ContextState>();

  constructor(
    /** The device ordinal. */
    readonly device: number,
    /** CUctx_flags it was created with (or set later, for a primary context). */
    public flags: number,
    /** The device's global memory. */
    readonly memory: DeviceMemory,
    /** The device's sticky fault, shared with every context on the device. */
    readonly fault: DeviceFault,
    /** Pending printf output of kernels run in this context. */
    readonly printf: PrintfBuffer,
    /** Options handed to the engine with every launch in this context. */
    readonly launchOptions: LaunchOptions,
    /** Makes the legacy default stream of this context (it needs the context to exist). */
    defaultStream: (context: ContextState) => StreamRecord,
  ) {
    this.defaultStream = defaultStream(this);
  }

  /** The legacy default stream (handle 0, CU_STREAM_LEGACY, CU_STREAM_PER_THREAD). */
  readonly defaultStream: StreamRecord;

  /** The device's sticky fault, if a kernel faulted on it. */
  get sticky(): DriverError | null {
    return this.fault.error;
  }

  /** Records a kernel fault: the first one sticks, for every context of the device. */
  set sticky(error: DriverError | null) {
    this.fault.error ??= error;
  }

  /**
   * Throws the device's sticky fault, if any, re-attributed to `call` (printf output is flushed
   * first). A kernel fault is re-thrown as a KernelFaultError with the same code and site (and the
   * original as `cause`), so the synchronize that reports it says where it happened.
   */
  checkSticky(call: string): void {
    const fault = this.fault.error;
    if (!fault) return;
    this.printf.flush();
    throwFault(fault, call);
  }
}

/** What the context manager needs from the backend: making and tearing down incarnations. */
export interface ContextHooks {
  /** A new incarnation on `device` with `flags`, sharing the device's `fault`. */
  create(device: number, flags: number, fault: DeviceFault): ContextState;
  /** Destroys everything in `state` (modules, memory, streams, events, peers) and flushes printf. */
  destroy(state: ContextState): void;
}

/** A context handle's slot: the handle stays valid while the slot exists. */
interface Slot {
  readonly handle: bigint;
  readonly primary: boolean;
  readonly device: number;
  state: ContextState | null;
  /** Primary only: references held. */
  refcount: number;
  /** Primary only: flags for the next incarnation. */
  flags: number;
}

const SCHED_VALUES = new Set([CUctx_flags.CU_CTX_SCHED_AUTO, CUctx_flags.CU_CTX_SCHED_SPIN, CUctx_flags.CU_CTX_SCHED_YIELD, CUctx_flags.CU_CTX_SCHED_BLOCKING_SYNC]);

/** Rejects CUctx_flags outside cuda.h's mask or with two scheduling policies at once. */
export function checkContextFlags(flags: number, call: string): void {
  if (!Number.isInteger(flags) || flags < 0 || (flags & ~CUctx_flags.CU_CTX_FLAGS_MASK) !== 0 || !SCHED_VALUES.has((flags & CUctx_flags.CU_CTX_SCHED_MASK) as 0)) {
    fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `invalid context flags 0x${flags.toString(16)}: at most one CU_CTX_SCHED_* policy and no bits outside CU_CTX_FLAGS_MASK`);
  }
}

/** The context stack, primary contexts and created contexts of one realm. */
export class ContextManager {
  readonly #hooks: ContextHooks;
  readonly #deviceCount: number;
  readonly #slots = new HandleTable<Slot>(HANDLE_TAG.context);
  readonly #primaries: Slot[] = [];
  readonly #byState = new Map<ContextState, Slot>();
  readonly #stack: bigint[] = [];
  readonly #faults: DeviceFault[] = [];

  constructor(deviceCount: number, hooks: ContextHooks) {
    this.#deviceCount = deviceCount;
    this.#hooks = hooks;
    for (let d = 0; d < deviceCount; d++) this.#faults.push({ error: null });
    for (let d = 0; d < deviceCount; d++) {
      this.#primaries.push(this.#slots.issue((handle) => ({ handle, primary: true, device: d, state: null, refcount: 0, flags: 0 })));
    }
  }

  /** Throws CUDA_ERROR_INVALID_DEVICE unless `device` is an ordinal of this backend. */
  checkDevice(device: number, call: string): void {
    if (!Number.isInteger(device) || device < 0 || device >= this.#deviceCount) {
      fail(CUresult.CUDA_ERROR_INVALID_DEVICE, call, `device ${device} does not exist: ${this.#deviceCount} emulated device(s)`);
    }
  }

  // --- Primary contexts -------------------------------------------------------------------------

  /** Throws the device's sticky fault, if a kernel faulted on it. */
  checkDeviceHealthy(device: number, call: string): void {
    const fault = this.#faults[device]!.error;
    if (fault) throwFault(fault, call);
  }

  /** cuDevicePrimaryCtxRetain. */
  primaryRetain(device: number, call: string): bigint {
    this.checkDevice(device, call);
    this.checkDeviceHealthy(device, call);
    const slot = this.#primaries[device]!;
    slot.refcount++;
    this.#activate(slot);
    return slot.handle;
  }

  /** cuDevicePrimaryCtxRelease: never pops; destroys the incarnation when the count reaches 0. */
  primaryRelease(device: number, call: string): void {
    this.checkDevice(device, call);
    const slot = this.#primaries[device]!;
    if (slot.refcount === 0) fail(CUresult.CUDA_ERROR_INVALID_CONTEXT, call, `the primary context of device ${device} is not retained`);
    if (--slot.refcount === 0) this.#deactivate(slot);
  }

  /** cuDevicePrimaryCtxGetState. */
  primaryState(device: number, call: string): { flags: number; active: boolean } {
    this.checkDevice(device, call);
    const slot = this.#primaries[device]!;
    return { flags: slot.flags, active: slot.state !== null };
  }

  /** cuDevicePrimaryCtxSetFlags: applies to the next incarnation and to the active one. */
  primarySetFlags(device: number, flags: number, call: string): void {
    this.checkDevice(device, call);
    checkContextFlags(flags, call);
    const slot = this.#primaries[device]!;
    slot.flags = flags;
    if (slot.state) slot.state.flags = flags;
  }

  /** cuDevicePrimaryCtxReset: destroys everything in it; the reference count is unchanged. */
  primaryReset(device: number, call: string): void {
    this.checkDevice(device, call);
    this.#deactivate(this.#primaries[device]!);
  }

  /** The primary context's handle of `device` (stable for the realm's lifetime). */
  primaryHandle(device: number): bigint {
    return this.#primaries[device]!.handle;
  }

  // --- Created contexts ---------------------------------------------------------------------------

  /** cuCtxCreate: a new context, pushed onto the stack. */
  create(device: number, flags: number, call: string): bigint {
    this.checkDevice(device, call);
    this.checkDeviceHealthy(device, call);
    checkContextFlags(flags, call);
    const slot = this.#slots.issue((handle): Slot => ({ handle, primary: false, device, state: null, refcount: 0, flags }));
    this.#activate(slot);
    this.#stack.push(slot.handle);
    return slot.handle;
  }

  /** cuCtxDestroy: invalidates the handle and everything in the context; pops it if current. */
  destroy(handle: bigint, call: string): void {
    const slot = this.#slot(handle, call);
    if (slot.primary) fail(CUresult.CUDA_ERROR_INVALID_CONTEXT, call, 'a primary context cannot be destroyed: release it (cuDevicePrimaryCtxRelease) or reset it (cuDevicePrimaryCtxReset)');
    this.#deactivate(slot);
    this.#slots.delete(handle);
    if (this.#stack.at(-1) === handle) this.#stack.pop();
  }

  // --- The stack -------------------------------------------------------------------------------------

  /** cuCtxPushCurrent. */
  push(handle: bigint, call: string): void {
    this.#slot(handle, call);
    this.#stack.push(handle);
  }

  /** cuCtxPopCurrent. */
  pop(call: string): bigint {
    const top = this.#stack.pop();
    if (top === undefined) fail(CUresult.CUDA_ERROR_INVALID_CONTEXT, call, 'the context stack is empty');
    return top;
  }

  /** cuCtxSetCurrent: replaces the top of the stack; `null` pops it. */
  setCurrent(handle: bigint | null, call: string): void {
    if (handle === null) {
      this.#stack.pop();
      return;
    }
    this.#slot(handle, call);
    if (this.#stack.length) this.#stack[this.#stack.length - 1] = handle;
    else this.#stack.push(handle);
  }

  /** cuCtxGetCurrent: the top of the stack (even a destroyed one, as the driver does), or `null`. */
  getCurrent(): bigint | null {
    return this.#stack.at(-1) ?? null;
  }

  // --- Resolution ------------------------------------------------------------------------------------

  /**
   * The current context's live incarnation, for an operation "in the current context".
   * @throws DriverError CUDA_ERROR_INVALID_CONTEXT with no current context,
   *   CUDA_ERROR_CONTEXT_IS_DESTROYED when it was destroyed (or is a released primary), or the
   *   sticky fault's code.
   */
  current(call: string): ContextState {
    const top = this.#stack.at(-1);
    if (top === undefined) fail(CUresult.CUDA_ERROR_INVALID_CONTEXT, call, 'no context is current on this thread: retain a primary context or create one and make it current');
    const slot = this.#slots.get(top);
    if (!slot) fail(CUresult.CUDA_ERROR_CONTEXT_IS_DESTROYED, call, 'the current context was destroyed');
    const state = this.#use(slot, call);
    state.checkSticky(call);
    return state;
  }

  /**
   * The live incarnation behind an explicit context handle (re-creating a retained primary).
   * Does not check for a sticky fault.
   * @throws DriverError CUDA_ERROR_INVALID_CONTEXT for a destroyed or unknown handle.
   */
  state(handle: bigint, call: string): ContextState {
    return this.#use(this.#slot(handle, call), call);
  }

  /** The handle through which `state` is reached. */
  handleOf(state: ContextState): bigint {
    return this.#byState.get(state)!.handle;
  }

  /** Every live incarnation on `device`. */
  liveOn(device: number): ContextState[] {
    return [...this.#byState.keys()].filter((s) => s.device === device);
  }

  #slot(handle: bigint, call: string): Slot {
    const slot = this.#slots.get(handle);
    if (!slot) fail(CUresult.CUDA_ERROR_INVALID_CONTEXT, call, `0x${handle.toString(16)} is not a live context (destroyed, or never a context)`);
    return slot;
  }

  #use(slot: Slot, call: string): ContextState {
    if (slot.state) return slot.state;
    if (slot.primary && slot.refcount > 0) return this.#activate(slot);
    fail(CUresult.CUDA_ERROR_CONTEXT_IS_DESTROYED, call, `the primary context of device ${slot.device} was released by every holder; retain it again`);
  }

  #activate(slot: Slot): ContextState {
    if (!slot.state) {
      slot.state = this.#hooks.create(slot.device, slot.flags, this.#faults[slot.device]!);
      this.#byState.set(slot.state, slot);
    }
    return slot.state;
  }

  #deactivate(slot: Slot): void {
    const state = slot.state;
    if (!state) return;
    slot.state = null;
    this.#byState.delete(state);
    state.alive = false;
    this.#hooks.destroy(state);
  }
}
