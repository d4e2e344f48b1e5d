/**
 * The emulated device's global memory as the execution engine sees it. Implemented by
 * `src/emu/mem` (allocator, bounds checks, fault descriptions); used by `src/emu/exec` for every
 * global, constant and generic access that resolves to global memory.
 *
 * Device addresses are plain numbers (kept below 2^53). One device's global memory is one flat,
 * growable byte store: the byte at device address `a` is `new Uint8Array(store)[a - base]`.
 * Typed arrays and DataViews over `store` must be created length-tracking (no length argument)
 * so that they stay valid when the store grows.
 * @module
 */

/** One live allocation. */
export interface AllocationInfo {
  /** First device address. */
  readonly address: number;
  /** Size in bytes as requested. */
  readonly bytes: number;
  /** What made it: `cuMemAlloc`, `cuMemAllocManaged`, `module global <name>` … */
  readonly label: string;
}

/** Global memory of one emulated device. */
export interface GlobalMemory {
  /** The device ordinal this memory belongs to. */
  readonly device: number;
  /** Lowest device address of this memory. */
  readonly base: number;
  /** One past the highest device address that can ever belong to this memory. */
  readonly limit: number;
  /** Backing store (resizable). Byte `a - base` holds device address `a`. */
  readonly store: ArrayBuffer;
  /** True when `[address, address + size)` lies wholly inside one live allocation. Hot path. */
  isValid(address: number, size: number): boolean;
  /** The live allocation containing `address`, or `null`. */
  allocationAt(address: number): AllocationInfo | null;
  /**
   * Words for a fault message: which allocation `address` is in or nearest to, and how far
   * outside it lies, e.g. "12 bytes past the end of a 4096-byte cuMemAlloc block at 0x7f0000000000".
   */
  describe(address: number, size: number): string;
  /**
   * Unified addressing (optional; added by the emulated-device branch, a compatible extension):
   * the memory that holds `address` — this one, or another device's once peer access to it is
   * enabled — or `null`. Engines that never call it see only this device's memory.
   */
  resolve?(address: number): GlobalMemory | null;
  /**
   * Allocates `bytes` and returns the address (optional; the execution engine uses it for `malloc`
   * from kernels). Throws when memory is exhausted.
   */
  alloc?(bytes: number, label: string, call?: string): number;
  /** Frees the allocation starting at `address` (optional; for `free` from kernels). */
  free?(address: number, call?: string): AllocationInfo;
}
