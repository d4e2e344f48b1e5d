/**
 * {@link DeviceMemory}: the global memory of one emulated device — a flat, growable byte store,
 * an allocator over it, and the bounds checks and fault descriptions the execution engine uses.
 *
 * Semantics a program can observe, chosen to match the GPU (and to make bugs visible):
 * - Allocations start on 256-byte boundaries. Each is followed by a 256-byte red zone that no
 *   allocation uses, so consecutive small allocations are 512 bytes apart (as cudaMalloc's are)
 *   and an overrun into the next allocation faults instead of silently corrupting it.
 * - Memory is NOT zeroed by {@link DeviceMemory.alloc}, as on the GPU: a fresh allocation holds
 *   whatever was there — zero where the store has never been used, the poison byte 0xCD where an
 *   earlier allocation was freed. Programs that forget to initialize memory read 0xCDCDCDCD.
 * - Freed memory is poisoned with 0xCD, so use-after-free reads are visible, and faults inside
 *   recently freed blocks are described as use after free.
 * - The store grows on demand (committing host memory only as allocations need it) up to the
 *   device's capacity; {@link DeviceMemory.trim} gives unused memory back.
 *
 * The hot path {@link DeviceMemory.isValid} is O(1): a granule table (one Int32 per 256 bytes of
 * the committed store: the id of the live allocation covering it, 0 for none) and per-id end
 * addresses (Float64Array).
 * An access `[a, a + n)` is valid iff the granules of its first and last byte hold the same live
 * id and `a + n` does not pass that allocation's end.
 * @module
 */
import { CUresult } from '../../raw/driver-types.js';
import { fail } from '../../backend/driver-error.js';
import { RangeAllocator, type RangeStats } from './allocator.js';
import { GRANULE, deviceBase, deviceCapacity } from './layout.js';
import { createResizable, type ResizableArrayBuffer } from './resizable.js';
import type { AllocationInfo, GlobalMemory } from './types.js';

/** Byte written over freed memory. */
export const POISON_BYTE = 0xcd;
/** Bytes of unused address space after every allocation. */
export const RED_ZONE_BYTES = GRANULE;
/** Smallest growth step of the store, bytes. */
const MIN_GROWTH = 1 << 20;
/** Freed blocks remembered for use-after-free descriptions. */
const FREED_HISTORY = 256;

/** Construction options of a {@link DeviceMemory}. */
export interface DeviceMemoryOptions {
  /** The device ordinal. */
  readonly device: number;
  /** Lowest device address. Default: the device's slot in the layout ({@link deviceBase}). */
  readonly base?: number;
  /** Capacity in bytes, a multiple of 256. Default: {@link deviceCapacity} (4 GiB on Node 20). */
  readonly capacity?: number;
}

/** Usage figures of a {@link DeviceMemory}. */
export interface MemoryStats extends RangeStats {
  /** Sum of the sizes callers asked for (without rounding and red zones). */
  readonly requestedBytes: number;
  /** Bytes of host memory the store currently holds. */
  readonly committedBytes: number;
}

/** One live allocation, as kept by {@link DeviceMemory}. */
interface Allocation extends AllocationInfo {
  readonly id: number;
  /** Bytes reserved in the address space: rounded size plus red zone. */
  readonly footprint: number;
}

const hex = (a: number): string => `0x${a.toString(16)}`;

/** Global memory of one emulated device. See the module comment for its semantics. */
export class DeviceMemory implements GlobalMemory {
  readonly device: number;
  readonly base: number;
  readonly limit: number;
  /** Capacity in bytes: what the device reports as its total memory. */
  readonly capacity: number;
  readonly store: ResizableArrayBuffer;
  /** Length-tracking view of the whole store: `bytes[a - base]` is device address `a`. */
  readonly bytes: Uint8Array;
  #granules = new Int32Array(0);
  #ends = new Float64Array(64);
  #records: Array<Allocation | undefined> = [];
  #freeIds: number[] = [];
  #nextId = 1;
  #mapped = 0;
  #requested = 0;
  #freed: AllocationInfo[] = [];
  readonly #allocator: RangeAllocator;
  readonly #peers = new Map<GlobalMemory, number>();

  constructor(options: DeviceMemoryOptions) {
    this.device = options.device;
    this.base = options.base ?? deviceBase(options.device);
    this.capacity = options.capacity ?? deviceCapacity();
    this.limit = this.base + this.capacity;
    this.store = createResizable(0, this.capacity);
    this.bytes = new Uint8Array(this.store);
    this.#allocator = new RangeAllocator(this.capacity, GRANULE);
  }

  /** True when `[address, address + size)` lies wholly inside one live allocation. Hot path. */
  isValid(address: number, size: number): boolean {
    const off = address - this.base;
    if (!(off >= 0 && size > 0 && off + size <= this.#mapped)) return false;
    const g = this.#granules;
    const id = g[(off / GRANULE) | 0]!;
    return id !== 0 && id === g[((off + size - 1) / GRANULE) | 0] && address + size <= this.#ends[id]!;
  }

  /** The live allocation containing `address`, or `null`. */
  allocationAt(address: number): AllocationInfo | null {
    const off = address - this.base;
    if (!(off >= 0 && off < this.#mapped)) return null;
    const record = this.#records[this.#granules[(off / GRANULE) | 0]!];
    return record && address < record.address + record.bytes ? record : null;
  }

  /**
   * The allocation that starts exactly at `address`, or `null` (what cuMemFree accepts).
   */
  allocationStartingAt(address: number): AllocationInfo | null {
    const record = this.allocationAt(address);
    return record && record.address === address ? record : null;
  }

  /**
   * Allocates `bytes` (> 0) and returns its device address (256-byte aligned). The memory is not
   * initialized (see the module comment).
   * @throws DriverError CUDA_ERROR_INVALID_VALUE for a size that is not a positive integer,
   *   CUDA_ERROR_OUT_OF_MEMORY when no free range is large enough or the host refuses memory.
   */
  alloc(bytes: number, label: string, call = 'cuMemAlloc'): number {
    if (!Number.isSafeInteger(bytes) || bytes <= 0) {
      fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `cannot allocate ${bytes} bytes: the size must be a positive integer`);
    }
    const rounded = Math.ceil(bytes / GRANULE) * GRANULE;
    const footprint = rounded + RED_ZONE_BYTES;
    const off = footprint <= this.capacity ? this.#allocator.allocate(footprint) : null;
    if (off === null) {
      const s = this.#allocator.stats();
      fail(CUresult.CUDA_ERROR_OUT_OF_MEMORY, call,
        `cannot allocate ${bytes} bytes on emulated device ${this.device}: ${s.freeBytes} of ${this.capacity} bytes free, largest free range ${s.largestFree} bytes`);
    }
    try {
      this.#ensureMapped(off + rounded);
    } catch (e) {
      this.#allocator.release(off, footprint);
      fail(CUresult.CUDA_ERROR_OUT_OF_MEMORY, call, `the host refused ${off + rounded} bytes of backing store for emulated device ${this.device}`, e);
    }
    const id = this.#freeIds.pop() ?? this.#nextId++;
    if (id >= this.#ends.length) {
      const ends = new Float64Array(this.#ends.length * 2);
      ends.set(this.#ends);
      this.#ends = ends;
    }
    const address = this.base + off;
    const record: Allocation = { id, address, bytes, label, footprint };
    this.#records[id] = record;
    this.#ends[id] = address + bytes;
    this.#granules.fill(id, off / GRANULE, (off + rounded) / GRANULE);
    this.#requested += bytes;
    return address;
  }

  /**
   * Frees the allocation that starts at `address`, poisons its bytes and returns what it was.
   * @throws DriverError CUDA_ERROR_INVALID_VALUE when `address` is not the start of a live
   *   allocation (double free, interior or foreign pointer).
   */
  free(address: number, call = 'cuMemFree'): AllocationInfo {
    const record = this.allocationStartingAt(address) as Allocation | null;
    if (!record) {
      fail(CUresult.CUDA_ERROR_INVALID_VALUE, call, `${hex(address)} is not the start of a live allocation: ${this.describe(address, 1)}`);
    }
    const off = address - this.base;
    const rounded = record.footprint - RED_ZONE_BYTES;
    this.#granules.fill(0, off / GRANULE, (off + rounded) / GRANULE);
    this.bytes.fill(POISON_BYTE, off, off + rounded);
    this.#records[record.id] = undefined;
    this.#ends[record.id] = 0;
    this.#freeIds.push(record.id);
    this.#allocator.release(off, record.footprint);
    this.#requested -= record.bytes;
    this.#freed.push({ address: record.address, bytes: record.bytes, label: record.label });
    if (this.#freed.length > FREED_HISTORY) this.#freed.shift();
    return record;
  }

  /**
   * A fixed-length view of `[address, address + bytes)` (for managed memory). It stays valid
   * while the store grows; it aliases poisoned memory once the allocation is freed.
   */
  view(address: number, bytes: number): Uint8Array {
    return new Uint8Array(this.store, address - this.base, bytes);
  }

  /** Every live allocation, in address order. */
  allocations(): AllocationInfo[] {
    return this.#records.filter((r): r is Allocation => r !== undefined).sort((a, b) => a.address - b.address);
  }

  /** Usage figures. */
  stats(): MemoryStats {
    return { ...this.#allocator.stats(), requestedBytes: this.#requested, committedBytes: this.store.byteLength };
  }

  /** Frees everything at once (no poisoning: the store is released) and forgets the history. */
  reset(): void {
    this.#allocator.reset();
    this.#records = [];
    this.#freeIds = [];
    this.#nextId = 1;
    this.#ends = new Float64Array(64);
    this.#requested = 0;
    this.#freed = [];
    this.#resize(0);
  }

  /** Gives back host memory above the highest live allocation. */
  trim(): void {
    const top = this.#allocator.stats().highWater;
    const keep = top === 0 ? 0 : Math.min(this.capacity, Math.ceil(top / MIN_GROWTH) * MIN_GROWTH);
    if (keep < this.#mapped) this.#resize(keep);
  }

  /**
   * Unified addressing: the memory that holds `address` — this one, or a peer's once peer access
   * is enabled ({@link linkPeer}) — or `null`.
   */
  resolve(address: number): GlobalMemory | null {
    if (address >= this.base && address < this.limit) return this;
    for (const peer of this.#peers.keys()) if (address >= peer.base && address < peer.limit) return peer;
    return null;
  }

  /** Lets kernels on this device reach `peer`'s memory (counted: one per enabled context pair). */
  linkPeer(peer: GlobalMemory): void {
    this.#peers.set(peer, (this.#peers.get(peer) ?? 0) + 1);
  }

  /** Undoes one {@link linkPeer}. */
  unlinkPeer(peer: GlobalMemory): void {
    const n = (this.#peers.get(peer) ?? 0) - 1;
    if (n > 0) this.#peers.set(peer, n);
    else this.#peers.delete(peer);
  }

  /**
   * Words for a fault, in the manner of compute-sanitizer: which allocation the access is in or
   * nearest to, its size and label, and how far outside it the access lies.
   */
  describe(address: number, size: number): string {
    const access = `${size}-byte access at ${hex(address)}`;
    const block = (a: AllocationInfo): string => `a ${a.bytes}-byte ${a.label} block at ${hex(a.address)}`;
    if (address < 0x10000) return `${access}: a null pointer${address ? ` plus ${address}` : ''}, not a device address`;
    if (address < this.base || address >= this.limit) {
      return `${access}: outside emulated device ${this.device}'s memory [${hex(this.base)}, ${hex(this.limit)})`;
    }
    const inside = this.allocationAt(address);
    if (inside) {
      const end = inside.address + inside.bytes;
      const offset = address - inside.address;
      return address + size <= end
        ? `${access}: inside ${block(inside)}, at offset ${offset}`
        : `${access}: overruns the end of ${block(inside)} by ${address + size - end} bytes (starts at offset ${offset})`;
    }
    for (let i = this.#freed.length - 1; i >= 0; i--) {
      const f = this.#freed[i]!;
      if (address >= f.address && address < f.address + f.bytes) {
        return `${access}: use after free — inside ${block(f)} that was freed, at offset ${address - f.address}`;
      }
    }
    let nearest: AllocationInfo | null = null;
    let distance = Infinity;
    for (const r of this.#records) {
      if (!r) continue;
      const d = address >= r.address + r.bytes ? address - (r.address + r.bytes) : r.address - address;
      if (d < distance) {
        distance = d;
        nearest = r;
      }
    }
    if (!nearest) return `${access}: emulated device ${this.device} has no live allocations`;
    return address >= nearest.address + nearest.bytes
      ? `${access}: ${distance} bytes past the end of ${block(nearest)}`
      : `${access}: ${distance} bytes before the start of ${block(nearest)}`;
  }

  #ensureMapped(end: number): void {
    if (end <= this.#mapped) return;
    const doubled = Math.min(this.capacity, this.#mapped * 2);
    const target = Math.min(this.capacity, Math.ceil(Math.max(end, doubled, MIN_GROWTH) / MIN_GROWTH) * MIN_GROWTH);
    this.#resize(target);
  }

  #resize(bytes: number): void {
    this.store.resize(bytes);
    // A plain (not resizable) Int32Array, replaced on each resize: V8 indexes it faster than a
    // view of a resizable buffer, and resizes are rare (the store at least doubles each time).
    const granules = new Int32Array(bytes / GRANULE);
    granules.set(bytes >= this.#mapped ? this.#granules : this.#granules.subarray(0, granules.length));
    this.#granules = granules;
    this.#mapped = bytes;
  }
}
