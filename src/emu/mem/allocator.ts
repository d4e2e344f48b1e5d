/**
 * Range allocator for one device's address space: hands out granule-aligned byte ranges of
 * `[0, capacity)` and takes them back.
 *
 * Free ranges are indexed twice:
 * - by position (`start → size` and `end → start` maps), so a freed range merges with free
 *   neighbours on both sides in O(1) — free space is always fully coalesced;
 * - by size class (segregated bins, one per power of two of granules), so a request looks only
 *   at ranges that can hold it.
 *
 * Placement is best fit: the smallest free range that fits, lowest address on ties, taken from its
 * low end. Best fit keeps large ranges whole for large requests; the untouched top of the address
 * space (the "wilderness") is one large range, so it is used only when nothing else fits, which
 * keeps the used part of the store — and so the memory actually committed — compact.
 * @module
 */

/** Usage figures of a {@link RangeAllocator}. */
export interface RangeStats {
  /** Bytes in allocated ranges. */
  readonly usedBytes: number;
  /** Bytes in free ranges (capacity − used). */
  readonly freeBytes: number;
  /** Number of allocated ranges. */
  readonly usedRanges: number;
  /** Number of free ranges (after coalescing). */
  readonly freeRanges: number;
  /** Size of the largest free range: the largest request that can succeed now. */
  readonly largestFree: number;
  /** One past the highest allocated byte (0 when nothing is allocated). */
  readonly highWater: number;
}

/** Allocates granule-multiple byte ranges of `[0, capacity)`. Sizes passed in must be granule multiples. */
export class RangeAllocator {
  /** Size of the managed space, bytes. */
  readonly capacity: number;
  /** Alignment and size unit, bytes. */
  readonly granule: number;
  #freeByStart = new Map<number, number>();
  #freeByEnd = new Map<number, number>();
  #bins: Set<number>[] = [];
  #used = 0;
  #usedRanges = 0;

  constructor(capacity: number, granule: number) {
    if (!(capacity > 0 && capacity % granule === 0)) throw new RangeError(`capacity ${capacity} is not a positive multiple of ${granule}`);
    this.capacity = capacity;
    this.granule = granule;
    this.reset();
  }

  /** Forgets every allocation: the whole space is one free range again. */
  reset(): void {
    this.#freeByStart.clear();
    this.#freeByEnd.clear();
    this.#bins = [];
    this.#used = 0;
    this.#usedRanges = 0;
    this.#insertFree(0, this.capacity);
  }

  /** Start of a free range of `size` bytes, now allocated; `null` when no free range is large enough. */
  allocate(size: number): number | null {
    this.#checkSize(size);
    const start = this.#bestFit(size);
    if (start === null) return null;
    const free = this.#freeByStart.get(start)!;
    this.#removeFree(start, free);
    if (free > size) this.#insertFree(start + size, free - size);
    this.#used += size;
    this.#usedRanges++;
    return start;
  }

  /** Returns `[start, start + size)` (a range this allocator handed out) to the free space. */
  release(start: number, size: number): void {
    this.#checkSize(size);
    let lo = start;
    let hi = start + size;
    const before = this.#freeByEnd.get(lo);
    if (before !== undefined) {
      this.#removeFree(before, lo - before);
      lo = before;
    }
    const afterSize = this.#freeByStart.get(hi);
    if (afterSize !== undefined) {
      this.#removeFree(hi, afterSize);
      hi += afterSize;
    }
    this.#insertFree(lo, hi - lo);
    this.#used -= size;
    this.#usedRanges--;
  }

  /** Current usage. */
  stats(): RangeStats {
    let largest = 0;
    for (const size of this.#freeByStart.values()) if (size > largest) largest = size;
    const top = this.#freeByEnd.get(this.capacity);
    return {
      usedBytes: this.#used,
      freeBytes: this.capacity - this.#used,
      usedRanges: this.#usedRanges,
      freeRanges: this.#freeByStart.size,
      largestFree: largest,
      highWater: this.#usedRanges === 0 ? 0 : top ?? this.capacity,
    };
  }

  /** Every free range as `[start, size]`, in address order (for tests and diagnostics). */
  freeRanges(): Array<readonly [number, number]> {
    return [...this.#freeByStart].sort((a, b) => a[0] - b[0]);
  }

  #checkSize(size: number): void {
    if (!(size > 0 && size % this.granule === 0)) throw new RangeError(`size ${size} is not a positive multiple of ${this.granule}`);
  }

  #binOf(size: number): number {
    return 31 - Math.clz32(size / this.granule);
  }

  #bestFit(size: number): number | null {
    for (let bin = this.#binOf(size); bin < this.#bins.length; bin++) {
      const members = this.#bins[bin];
      if (!members || members.size === 0) continue;
      let best = -1;
      let bestSize = Infinity;
      for (const start of members) {
        const s = this.#freeByStart.get(start)!;
        if (s >= size && (s < bestSize || (s === bestSize && start < best))) {
          best = start;
          bestSize = s;
        }
      }
      // In bins above the request's own, every member fits, so the first non-empty one decides.
      if (best >= 0) return best;
    }
    return null;
  }

  #insertFree(start: number, size: number): void {
    this.#freeByStart.set(start, size);
    this.#freeByEnd.set(start + size, start);
    const bin = this.#binOf(size);
    (this.#bins[bin] ??= new Set()).add(start);
  }

  #removeFree(start: number, size: number): void {
    this.#freeByStart.delete(start);
    this.#freeByEnd.delete(start + size);
    this.#bins[this.#binOf(size)]!.delete(start);
  }
}
