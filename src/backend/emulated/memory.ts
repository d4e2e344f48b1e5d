/**
 * Memory operations of the emulated device: device, managed, pinned and registered host memory,
 * copies and memset, with the driver's checks.
 *
 * - Device and managed memory come from the owning device's {@link DeviceMemory}; a managed
 *   allocation's host view is a fixed-length Uint8Array over the device store, so host and
 *   kernels see the same bytes (CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS is 1).
 * - Under unified addressing the device of a pointer is known from its value, so `cuMemFree`
 *   works whichever context is current, as on the driver.
 * - Pinned host memory is a plain ArrayBuffer per allocation; it and registered host memory get
 *   synthetic, page-aligned host pointers from 0x2000_0000_0000 up (never reused). Kernels cannot
 *   dereference them: they are host memory, reached through copies.
 * - Copies and memset check that every byte lies inside one live allocation; otherwise they fail
 *   with CUDA_ERROR_INVALID_VALUE naming the nearest allocation, as the driver rejects
 *   out-of-range copies.
 * @module
 */
import type { DevicePointer, HostPointer, ManagedAllocation, PinnedAllocation } from '../types.js';
import { DeviceMemory } from '../../emu/mem/device-memory.js';
import { HOST_ADDRESS_BASE, deviceCapacity, deviceOfAddress } from '../../emu/mem/layout.js';
import { CU_MEMHOSTALLOC_DEVICEMAP, CU_MEMHOSTALLOC_PORTABLE, CU_MEMHOSTALLOC_WRITECOMBINED, CU_MEMHOSTREGISTER_DEVICEMAP, CU_MEMHOSTREGISTER_IOMEMORY, CU_MEMHOSTREGISTER_PORTABLE, CU_MEMHOSTREGISTER_READ_ONLY, CUresult } from '../../raw/driver-types.js';
import { fail } from '../driver-error.js';

const CU_MEMHOSTALLOC_MASK = CU_MEMHOSTALLOC_PORTABLE | CU_MEMHOSTALLOC_DEVICEMAP | CU_MEMHOSTALLOC_WRITECOMBINED;
const CU_MEMHOSTREGISTER_MASK = CU_MEMHOSTREGISTER_PORTABLE | CU_MEMHOSTREGISTER_DEVICEMAP | CU_MEMHOSTREGISTER_IOMEMORY | CU_MEMHOSTREGISTER_READ_ONLY;
import type { ContextState } from './contexts.js';

/** Pinned or registered host memory. */
interface HostRecord {
  readonly pointer: HostPointer;
  readonly bytes: Uint8Array;
  readonly kind: 'pinned' | 'registered';
  readonly context: ContextState;
}

const PAGE = 4096;
const hex = (a: number | bigint): string => `0x${a.toString(16)}`;

/** A place in some device's memory: the memory and the offset of an address in its store. */
interface Place {
  readonly memory: DeviceMemory;
  readonly offset: number;
}

/** Device memories (created on first use) and host memory records of one backend. */
export class MemoryService {
  readonly #memories: Array<DeviceMemory | undefined>;
  readonly #capacity: number | undefined;
  readonly #owners = new Map<number, ContextState>();
  readonly #host = new Map<bigint, HostRecord>();
  #nextHost = HOST_ADDRESS_BASE;

  /** `capacity` overrides each device's memory size (bytes, a multiple of 1 MiB), for tests. */
  constructor(deviceCount: number, capacity?: number) {
    this.#memories = new Array<DeviceMemory | undefined>(deviceCount);
    this.#capacity = capacity;
  }

  /** The global memory of `device`, created on first use. */
  device(device: number): DeviceMemory {
    return (this.#memories[device] ??= new DeviceMemory(this.#capacity === undefined ? { device } : { device, capacity: this.#capacity }));
  }

  /** Total memory of a device, bytes, without creating its store. */
  totalBytes(): number {
    return this.#capacity ?? deviceCapacity();
  }

  // --- Device and managed memory ------------------------------------------------------------------

  /** cuMemAlloc in `context`. */
  alloc(context: ContextState, bytes: number, call: string, label = 'cuMemAlloc'): number {
    const address = context.memory.alloc(bytes, label, call);
    context.allocations.add(address);
    this.#owners.set(address, context);
    return address;
  }

  /** cuMemAllocManaged in `context`: device memory plus a host view of it. */
  allocManaged(context: ContextState, bytes: number, call: string): ManagedAllocation {
    const address = this.alloc(context, bytes, call, 'cuMemAllocManaged');
    return { pointer: BigInt(address) as DevicePointer, bytes: context.memory.view(address, bytes) };
  }

  /** cuMemFree: any live cuMemAlloc/cuMemAllocManaged pointer, whichever context is current. */
  free(pointer: DevicePointer, call: string): void {
    const address = Number(pointer);
    const owner = this.#owners.get(address);
    if (!owner) {
      const memory = this.#memoryOf(address);
      const why = memory ? memory.describe(address, 1) : `${hex(pointer)} is not a device address`;
      fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `${hex(pointer)} is not a pointer returned by cuMemAlloc or cuMemAllocManaged that is still live: ${why}`);
    }
    owner.memory.free(address, call);
    owner.allocations.delete(address);
    this.#owners.delete(address);
  }

  /** Frees every device allocation of a dying context. */
  freeAll(context: ContextState): void {
    for (const address of context.allocations) {
      context.memory.free(address);
      this.#owners.delete(address);
    }
    context.allocations.clear();
  }

  /** cuMemGetInfo for `context`'s device. */
  info(context: ContextState): { free: number; total: number } {
    const stats = context.memory.stats();
    return { free: stats.freeBytes, total: context.memory.capacity };
  }

  // --- Host memory -----------------------------------------------------------------------------------

  /** cuMemHostAlloc in `context`. */
  allocHost(context: ContextState, bytes: number, flags: number, call: string): PinnedAllocation {
    if (!Number.isSafeInteger(bytes) || bytes <= 0) fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `cannot allocate ${bytes} bytes of pinned memory`);
    if (!Number.isInteger(flags) || (flags & ~CU_MEMHOSTALLOC_MASK) !== 0) fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `invalid cuMemHostAlloc flags 0x${flags.toString(16)}`);
    let view: Uint8Array;
    try {
      view = new Uint8Array(bytes);
    } catch (e) {
      fail(CUresult.CUDA_ERROR_OUT_OF_MEMORY, call, `the host refused ${bytes} bytes of pinned memory`, e);
    }
    const record = this.#addHost(context, view, 'pinned');
    return { pointer: record.pointer, bytes: view };
  }

  /** cuMemFreeHost. */
  freeHost(pointer: HostPointer, call: string): void {
    const record = this.#host.get(pointer);
    if (!record || record.kind !== 'pinned') fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `${hex(pointer)} is not live pinned memory from cuMemHostAlloc`);
    this.#forgetHost(record);
  }

  /** cuMemHostRegister in `context`. */
  register(context: ContextState, bytes: Uint8Array, flags: number, call: string): HostPointer {
    if (bytes.byteLength === 0) fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, 'cannot register an empty range');
    if (!Number.isInteger(flags) || (flags & ~CU_MEMHOSTREGISTER_MASK) !== 0) fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `invalid cuMemHostRegister flags 0x${flags.toString(16)}`);
    for (const r of this.#host.values()) {
      if (r.kind === 'registered' && r.bytes.buffer === bytes.buffer &&
          bytes.byteOffset < r.bytes.byteOffset + r.bytes.byteLength && r.bytes.byteOffset < bytes.byteOffset + bytes.byteLength) {
        fail(CUresult.CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED, call, `the range overlaps memory registered as ${hex(r.pointer)}`);
      }
    }
    return this.#addHost(context, bytes, 'registered').pointer;
  }

  /** cuMemHostUnregister. */
  unregister(pointer: HostPointer, call: string): void {
    const record = this.#host.get(pointer);
    if (!record || record.kind !== 'registered') fail(CUresult.CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED, call, `${hex(pointer)} is not the start of registered host memory`);
    this.#forgetHost(record);
  }

  /** Drops the pinned and registered memory records of a dying context. */
  forgetHost(context: ContextState): void {
    for (const pointer of context.hostPointers) this.#host.delete(pointer);
    context.hostPointers.clear();
  }

  #addHost(context: ContextState, bytes: Uint8Array, kind: HostRecord['kind']): HostRecord {
    const pointer = BigInt(this.#nextHost) as HostPointer;
    this.#nextHost += Math.ceil(bytes.byteLength / PAGE) * PAGE + PAGE;
    const record: HostRecord = { pointer, bytes, kind, context };
    this.#host.set(pointer, record);
    context.hostPointers.add(pointer);
    return record;
  }

  #forgetHost(record: HostRecord): void {
    this.#host.delete(record.pointer);
    record.context.hostPointers.delete(record.pointer);
  }

  // --- Copies and memset ---------------------------------------------------------------------------

  /** Host → device copy. */
  htod(dst: DevicePointer, src: Uint8Array, call: string): void {
    if (src.byteLength === 0) return;
    const d = this.place(dst, src.byteLength, call, 'destination');
    d.memory.bytes.set(src, d.offset);
  }

  /** Device → host copy. */
  dtoh(dst: Uint8Array, src: DevicePointer, call: string): void {
    if (dst.byteLength === 0) return;
    const s = this.place(src, dst.byteLength, call, 'source');
    dst.set(s.memory.bytes.subarray(s.offset, s.offset + dst.byteLength));
  }

  /** Device → device copy, within or across devices (overlap behaves like memmove). */
  dtod(dst: DevicePointer, src: DevicePointer, bytes: number, call: string): void {
    this.#checkCount(bytes, call);
    if (bytes === 0) return;
    const d = this.place(dst, bytes, call, 'destination');
    const s = this.place(src, bytes, call, 'source');
    if (d.memory === s.memory) d.memory.bytes.copyWithin(d.offset, s.offset, s.offset + bytes);
    else d.memory.bytes.set(s.memory.bytes.subarray(s.offset, s.offset + bytes), d.offset);
  }

  /** cuMemsetD8/D16/D32: `count` elements of `elementBytes` bytes set to `value`. */
  memset(dst: DevicePointer, value: number, elementBytes: 1 | 2 | 4, count: number, call: string): void {
    this.#checkCount(count, call);
    if (Number(dst) % elementBytes !== 0) fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `${hex(dst)} is not aligned to ${elementBytes} bytes`);
    if (count === 0) return;
    const d = this.place(dst, count * elementBytes, call, 'destination');
    const store = d.memory.store;
    if (elementBytes === 1) d.memory.bytes.fill(value & 0xff, d.offset, d.offset + count);
    else if (elementBytes === 2) new Uint16Array(store, d.offset, count).fill(value & 0xffff);
    else new Uint32Array(store, d.offset, count).fill(value >>> 0);
  }

  /**
   * Where `[pointer, pointer + bytes)` lies, checked to be inside one live allocation.
   * @throws DriverError CUDA_ERROR_INVALID_VALUE otherwise, describing the nearest allocation.
   */
  place(pointer: DevicePointer, bytes: number, call: string, role: string): Place {
    const address = Number(pointer);
    const memory = this.#memoryOf(address);
    if (!memory || !memory.isValid(address, bytes)) {
      const why = memory ? memory.describe(address, bytes) : `${hex(pointer)} is not a device address of any emulated device`;
      fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `the ${role} range of ${bytes} bytes is not inside one live allocation: ${why}`);
    }
    return { memory, offset: address - memory.base };
  }

  #memoryOf(address: number): DeviceMemory | undefined {
    const d = deviceOfAddress(address);
    return d >= 0 && d < this.#memories.length ? this.#memories[d] : undefined;
  }

  #checkCount(n: number, call: string): void {
    if (!Number.isSafeInteger(n) || n < 0) fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `invalid size ${n}`);
  }
}
