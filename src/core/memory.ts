/**
 * Memory: device buffers (and views of them), managed buffers, pinned and registered host memory,
 * and the copies and fills between them, synchronous or on a stream.
 * @module
 */
import { CU_MEMHOSTALLOC_DEVICEMAP, CU_MEMHOSTALLOC_PORTABLE, CU_MEMHOSTALLOC_WRITECOMBINED, CU_MEMHOSTREGISTER_DEVICEMAP, CU_MEMHOSTREGISTER_PORTABLE, CU_MEMHOSTREGISTER_READ_ONLY } from '../raw/driver-types.js';
import { InvalidArgumentError } from '../errors.js';
import type { DevicePointer, HostPointer, StreamHandle } from '../backend/types.js';
import { backend } from './backend.js';
import { ContextBound } from './lifetime.js';
import type { Context, ContextState } from './context.js';
import type { Stream } from './stream.js';

/** Options of a copy or fill. */
export interface TransferOptions {
  /**
   * Run asynchronously on this stream. The host memory involved must stay unchanged (for uploads)
   * or unread (for downloads) until the stream reaches the copy; cudajs keeps it alive until then.
   * Default: synchronous.
   */
  readonly stream?: Stream;
}

/** A TypedArray constructor usable with {@link DeviceBuffer.toArray}. */
export type TypedArrayConstructor<T extends ArrayBufferView> = {
  new (length: number): T;
  readonly BYTES_PER_ELEMENT: number;
};

/** Element types for {@link DeviceBuffer.fill}. */
export type FillType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32';

const FILL_BYTES: Readonly<Record<FillType, 1 | 2 | 4>> = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4 };
const f32Bits = new DataView(new ArrayBuffer(4));

/** Bytes of any host memory cudajs accepts, as a Uint8Array over the same memory (no copy). */
function hostBytes(source: ArrayBufferView | ArrayBuffer | HostBuffer, call: string): Uint8Array {
  if (source instanceof HostBuffer) {
    source.assertLive(call);
    return source.bytes;
  }
  if (source instanceof Uint8Array) return source;
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  const buffer: unknown = source;
  if (buffer instanceof ArrayBuffer || buffer instanceof SharedArrayBuffer) return new Uint8Array(buffer);
  throw new InvalidArgumentError(call, `expected a TypedArray, DataView, Buffer, ArrayBuffer, HostBuffer or DeviceBuffer, got ${describeValue(source)}`);
}

/** @internal Short description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return `${typeof value} ${String(value)}`;
}

function checkByteCount(call: string, what: string, bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new InvalidArgumentError(call, `${what} must be a positive integer number of bytes, got ${String(bytes)}`);
  }
}

function checkSameSize(call: string, destination: number, source: number): void {
  if (destination !== source) {
    throw new InvalidArgumentError(call, `size mismatch: destination has ${destination} bytes, source has ${source}; copy through subarray() to move part of a buffer`);
  }
}

/** @internal The stream handle of transfer options, checked; the context to run in. */
function streamOf(options: TransferOptions | undefined, fallback: Context, call: string): { readonly handle: StreamHandle | undefined; readonly context: Context } {
  const stream = options?.stream;
  if (stream === undefined) return { handle: undefined, context: fallback };
  stream.assertLive(call);
  return { handle: stream.handle, context: stream.context };
}

/** Frees device memory in its own context, if that context still exists. Raw handles only. */
function freeDeviceMemory(state: ContextState, pointer: DevicePointer): void {
  state.runIfAlive(() => backend().memFree(pointer));
}

/** How a {@link DeviceBuffer} relates to its memory. */
type Ownership = 'owned' | 'view' | 'borrowed';

/**
 * Device memory: an allocation, a view of part of one ({@link DeviceBuffer.subarray}), or memory
 * made elsewhere ({@link DeviceBuffer.fromPointer}). Keeps its context alive.
 *
 * @example
 * ```ts
 * using x = ctx.upload(new Float32Array([1, 2, 3, 4]));
 * using y = ctx.allocate(x.byteLength);
 * y.copyFrom(x);
 * console.log(y.toArray(Float32Array)); // Float32Array [1, 2, 3, 4]
 * ```
 */
export class DeviceBuffer extends ContextBound {
  /** Device address of the first byte. */
  readonly pointer: DevicePointer;
  /** Size in bytes. */
  readonly byteLength: number;
  readonly #ownership: Ownership;
  /** For views: what owns the memory (kept alive by the view), and why the view dies with it. */
  readonly #parent: { readonly disposed: boolean } | null;
  readonly #parentGone: string;

  /** @internal Use the factories: `ctx.allocate()`, `ctx.upload()`, `DeviceBuffer.fromPointer()`. */
  protected constructor(context: Context, pointer: DevicePointer, byteLength: number, ownership: Ownership, parent: { readonly disposed: boolean } | null = null, parentGone = 'the buffer it views was disposed') {
    super(context);
    this.pointer = pointer;
    this.byteLength = byteLength;
    this.#ownership = ownership;
    this.#parent = parent;
    this.#parentGone = parentGone;
    if (ownership === 'owned') {
      const state = context.state;
      this.track(() => freeDeviceMemory(state, pointer));
    }
  }

  /** @internal Allocates device memory in `context`. */
  static allocate(context: Context, bytes: number): DeviceBuffer {
    const call = 'Context.allocate';
    checkByteCount(call, 'the size', bytes);
    const pointer = context.enter(call, () => backend().memAlloc(bytes));
    return new DeviceBuffer(context, pointer, bytes, 'owned');
  }

  /** @internal Allocates device memory holding a copy of `data`. */
  static upload(context: Context, data: ArrayBufferView | ArrayBuffer): DeviceBuffer {
    const bytes = hostBytes(data, 'Context.upload');
    const buffer = DeviceBuffer.allocate(context, bytes.byteLength);
    try {
      buffer.copyFrom(bytes);
    } catch (e) {
      buffer.dispose();
      throw e;
    }
    return buffer;
  }

  /**
   * Wraps device memory allocated elsewhere (cudaMalloc, another library). Borrowed: `dispose()`
   * never frees it, and the caller keeps it allocated while this object is used.
   */
  static fromPointer(context: Context, pointer: DevicePointer | bigint, byteLength: number): DeviceBuffer {
    checkByteCount('DeviceBuffer.fromPointer', 'byteLength', byteLength);
    return new DeviceBuffer(context, pointer as DevicePointer, byteLength, 'borrowed');
  }

  /**
   * @internal A view of memory owned by something else (a module's global variable): unusable,
   * for `reason`, once `owner.disposed` is true.
   */
  static viewOf(context: Context, pointer: DevicePointer, byteLength: number, owner: { readonly disposed: boolean }, reason: string): DeviceBuffer {
    return new DeviceBuffer(context, pointer, byteLength, 'view', owner, reason);
  }

  /** Whether this object frees its memory on dispose (false for views and borrowed memory). */
  get ownsMemory(): boolean {
    return this.#ownership === 'owned';
  }

  /**
   * A view of bytes `[begin, end)` of this buffer, sharing its memory (like
   * `TypedArray.subarray`). The view keeps this buffer alive; disposing the view frees nothing.
   */
  subarray(begin: number, end: number = this.byteLength): DeviceBuffer {
    const call = 'DeviceBuffer.subarray';
    this.assertLive(call);
    if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin < 0 || end > this.byteLength || begin >= end) {
      throw new InvalidArgumentError(call, `range [${String(begin)}, ${String(end)}) is not a non-empty range inside this ${this.byteLength}-byte buffer`);
    }
    return new DeviceBuffer(this.context, (this.pointer + BigInt(begin)) as DevicePointer, end - begin, 'view', this);
  }

  /**
   * Copies into this buffer from host memory or another device buffer of exactly the same size.
   * With `options.stream`, the copy is asynchronous.
   *
   * A device buffer of another context — on another device, or another context of the same
   * device — is copied with cuMemcpyPeer (cuMemcpyPeerAsync on a stream, which may belong to
   * either buffer's context). Peer access need not be enabled: without a direct path the driver
   * stages the copy through host memory.
   *
   * @example
   * ```ts
   * using a = Device.get(0).primaryContext().upload(new Float32Array([1, 2, 3]));
   * using b = Device.get(1).primaryContext().allocate(a.byteLength);
   * b.copyFrom(a); // GPU 0 → GPU 1
   * ```
   */
  copyFrom(source: ArrayBufferView | ArrayBuffer | HostBuffer | DeviceBuffer, options?: TransferOptions): void {
    const call = 'DeviceBuffer.copyFrom';
    this.assertLive(call);
    if (source instanceof DeviceBuffer) {
      source.assertLive(call);
      checkSameSize(call, this.byteLength, source.byteLength);
      if (source.context.state !== this.context.state) {
        this.#copyFromPeer(source, options, call);
        return;
      }
      const { handle, context } = streamOf(options, this.context, call);
      context.enter(call, () => backend().memcpyDtoD(this.pointer, source.pointer, this.byteLength, handle));
      return;
    }
    const { handle, context } = streamOf(options, this.context, call);
    const bytes = hostBytes(source, call);
    checkSameSize(call, this.byteLength, bytes.byteLength);
    context.enter(call, () => backend().memcpyHtoD(this.pointer, bytes, handle));
    options?.stream?.keepUntilComplete(source);
  }

  /**
   * Copies this buffer into host memory or another device buffer of exactly the same size.
   * With `options.stream`, the copy is asynchronous: read the destination only after the stream
   * has been synchronized.
   */
  copyTo(destination: ArrayBufferView | ArrayBuffer | HostBuffer | DeviceBuffer, options?: TransferOptions): void {
    const call = 'DeviceBuffer.copyTo';
    if (destination instanceof DeviceBuffer) {
      destination.copyFrom(this, options);
      return;
    }
    this.assertLive(call);
    const { handle, context } = streamOf(options, this.context, call);
    const bytes = hostBytes(destination, call);
    checkSameSize(call, bytes.byteLength, this.byteLength);
    context.enter(call, () => backend().memcpyDtoH(bytes, this.pointer, handle));
    options?.stream?.keepUntilComplete(destination);
  }

  /** cuMemcpyPeer[Async] from a buffer of another context; the stream may be in either context. */
  #copyFromPeer(source: DeviceBuffer, options: TransferOptions | undefined, call: string): void {
    const stream = options?.stream;
    if (stream !== undefined) {
      stream.assertLive(call);
      const state = stream.context.state;
      if (state !== this.context.state && state !== source.context.state) {
        throw new InvalidArgumentError(call, `the stream belongs to ${stream.context.toString()}, which is neither the destination's ${this.context.toString()} nor the source's ${source.context.toString()}`);
      }
    }
    const context = stream?.context ?? this.context;
    const dst = this.context.state;
    const src = source.context.state;
    context.enter(call, () => backend().memcpyPeer(this.pointer, dst.handle, source.pointer, src.handle, this.byteLength, stream?.handle));
  }

  /** Copies the whole buffer into a new typed array (synchronously). */
  toArray<T extends ArrayBufferView>(type: TypedArrayConstructor<T>): T {
    const call = 'DeviceBuffer.toArray';
    if (this.byteLength % type.BYTES_PER_ELEMENT !== 0) {
      throw new InvalidArgumentError(call, `${this.byteLength} bytes is not a whole number of ${type.BYTES_PER_ELEMENT}-byte elements`);
    }
    const out = new type(this.byteLength / type.BYTES_PER_ELEMENT);
    this.copyTo(out);
    return out;
  }

  /**
   * Sets every element to `value` (cuMemsetD8/D16/D32). `type` gives the element size and how
   * `value` is encoded; the buffer's size must be a multiple of it. Default type: `u8`.
   */
  fill(value: number, type: FillType = 'u8', options?: TransferOptions): void {
    const call = 'DeviceBuffer.fill';
    this.assertLive(call);
    const elementBytes = FILL_BYTES[type];
    if (elementBytes === undefined) throw new InvalidArgumentError(call, `unknown fill type '${String(type)}'; use one of ${Object.keys(FILL_BYTES).join(', ')}`);
    if (this.byteLength % elementBytes !== 0) {
      throw new InvalidArgumentError(call, `${this.byteLength} bytes is not a whole number of ${type} elements`);
    }
    const bits = fillBits(call, value, type);
    const { handle, context } = streamOf(options, this.context, call);
    context.enter(call, () => backend().memset(this.pointer, bits, elementBytes, this.byteLength / elementBytes, handle));
  }

  protected override describe(): string {
    return `DeviceBuffer(${this.byteLength} bytes at 0x${this.pointer.toString(16)})`;
  }

  protected override invalidReason(): string | null {
    return super.invalidReason() ?? (this.#parent?.disposed ? this.#parentGone : null);
  }

  protected override release(): void {
    if (this.#ownership === 'owned') freeDeviceMemory(this.context.state, this.pointer);
  }
}

function fillBits(call: string, value: number, type: FillType): number {
  if (type === 'f32') {
    if (typeof value !== 'number') throw new InvalidArgumentError(call, `fill value must be a number, got ${describeValue(value)}`);
    f32Bits.setFloat32(0, value, true);
    return f32Bits.getUint32(0, true);
  }
  const bits = FILL_BYTES[type] * 8;
  const signed = type.startsWith('i');
  const min = signed ? -(2 ** (bits - 1)) : 0;
  const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(call, `fill value ${String(value)} does not fit in ${type}`);
  }
  return value < 0 ? value + 2 ** bits : value;
}

/**
 * Managed (unified) memory: one allocation with a device address and a host view. Access `bytes`
 * from the host only while no kernel that uses it is running (synchronize first).
 */
export class ManagedBuffer extends DeviceBuffer {
  readonly #bytes: Uint8Array;

  private constructor(context: Context, pointer: DevicePointer, bytes: Uint8Array) {
    super(context, pointer, bytes.byteLength, 'owned');
    this.#bytes = bytes;
  }

  /** @internal Allocates managed memory in `context`. */
  static override allocate(context: Context, bytes: number): ManagedBuffer {
    const call = 'Context.allocateManaged';
    checkByteCount(call, 'the size', bytes);
    const allocation = context.enter(call, () => backend().memAllocManaged(bytes));
    return new ManagedBuffer(context, allocation.pointer, allocation.bytes);
  }

  /** The memory, seen from the host. */
  get bytes(): Uint8Array {
    this.assertLive('ManagedBuffer.bytes');
    return this.#bytes;
  }
}

/** Options of {@link Context.allocateHost}. Every field defaults to false. */
export interface HostAllocationOptions {
  /** Pinned for every context, not only this one (CU_MEMHOSTALLOC_PORTABLE). */
  readonly portable?: boolean;
  /** Mapped into the device's address space (CU_MEMHOSTALLOC_DEVICEMAP). */
  readonly mapped?: boolean;
  /** Write-combined: fast host writes and device reads, slow host reads (CU_MEMHOSTALLOC_WRITECOMBINED). */
  readonly writeCombined?: boolean;
}

/** Options of {@link Context.registerHost}. Every field defaults to false. */
export interface HostRegistrationOptions {
  /** Pinned for every context (CU_MEMHOSTREGISTER_PORTABLE). */
  readonly portable?: boolean;
  /** Mapped into the device's address space (CU_MEMHOSTREGISTER_DEVICEMAP). */
  readonly mapped?: boolean;
  /** The device only reads it (CU_MEMHOSTREGISTER_READ_ONLY). */
  readonly readOnly?: boolean;
}

/**
 * Page-locked host memory: allocated pinned ({@link Context.allocateHost}) or an existing
 * buffer registered in place ({@link Context.registerHost}). Copies from and to it run at full
 * PCIe/NVLink speed and can be truly asynchronous.
 *
 * After `dispose()` of allocated pinned memory, `bytes` refers to freed memory: drop every
 * reference to it first.
 */
export class HostBuffer extends ContextBound {
  /** Host address. */
  readonly pointer: HostPointer;
  readonly #bytes: Uint8Array;
  readonly #registered: boolean;

  private constructor(context: Context, pointer: HostPointer, bytes: Uint8Array, registered: boolean) {
    super(context);
    this.pointer = pointer;
    this.#bytes = bytes;
    this.#registered = registered;
    const state = context.state;
    this.track(registered ? () => unregisterHost(state, pointer) : () => freeHost(state, pointer));
  }

  /** @internal Allocates pinned host memory. */
  static allocate(context: Context, bytes: number, options: HostAllocationOptions): HostBuffer {
    const call = 'Context.allocateHost';
    checkByteCount(call, 'the size', bytes);
    const flags = (options.portable ? CU_MEMHOSTALLOC_PORTABLE : 0) | (options.mapped ? CU_MEMHOSTALLOC_DEVICEMAP : 0) |
      (options.writeCombined ? CU_MEMHOSTALLOC_WRITECOMBINED : 0);
    const allocation = context.enter(call, () => backend().memAllocHost(bytes, flags));
    return new HostBuffer(context, allocation.pointer, allocation.bytes, false);
  }

  /** @internal Registers existing memory. */
  static register(context: Context, memory: ArrayBufferView | ArrayBuffer, options: HostRegistrationOptions): HostBuffer {
    const call = 'Context.registerHost';
    const bytes = hostBytes(memory, call);
    checkByteCount(call, 'the memory', bytes.byteLength);
    const flags = (options.portable ? CU_MEMHOSTREGISTER_PORTABLE : 0) | (options.mapped ? CU_MEMHOSTREGISTER_DEVICEMAP : 0) |
      (options.readOnly ? CU_MEMHOSTREGISTER_READ_ONLY : 0);
    const pointer = context.enter(call, () => backend().memHostRegister(bytes, flags));
    return new HostBuffer(context, pointer, bytes, true);
  }

  /** The memory's bytes. */
  get bytes(): Uint8Array {
    this.assertLive('HostBuffer.bytes');
    return this.#bytes;
  }

  /** Size in bytes. */
  get byteLength(): number {
    return this.#bytes.byteLength;
  }

  /** Whether this is registered memory (true) or a pinned allocation (false). */
  get registered(): boolean {
    return this.#registered;
  }

  /** A typed view of the memory, e.g. `host.as(Float32Array)`. */
  as<T extends ArrayBufferView>(type: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; readonly BYTES_PER_ELEMENT: number }): T {
    const bytes = this.bytes;
    if (bytes.byteLength % type.BYTES_PER_ELEMENT !== 0 || bytes.byteOffset % type.BYTES_PER_ELEMENT !== 0) {
      throw new InvalidArgumentError('HostBuffer.as', `${bytes.byteLength} bytes at offset ${bytes.byteOffset} cannot be viewed as ${type.BYTES_PER_ELEMENT}-byte elements`);
    }
    return new type(bytes.buffer, bytes.byteOffset, bytes.byteLength / type.BYTES_PER_ELEMENT);
  }

  protected override describe(): string {
    return `HostBuffer(${this.#bytes.byteLength} bytes, ${this.#registered ? 'registered' : 'pinned'})`;
  }

  protected override release(): void {
    const state = this.context.state;
    if (this.#registered) unregisterHost(state, this.pointer);
    else freeHost(state, this.pointer);
  }
}

function freeHost(state: ContextState, pointer: HostPointer): void {
  state.runIfAlive(() => backend().memFreeHost(pointer));
}

function unregisterHost(state: ContextState, pointer: HostPointer): void {
  state.runIfAlive(() => backend().memHostUnregister(pointer));
}
