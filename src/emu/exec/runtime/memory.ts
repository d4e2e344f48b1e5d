/**
 * {@link MemoryContext} (`M` in generated code): global memory as kernels of one module instance
 * see it, the slow path of every memory access (address resolution, bounds and alignment checks,
 * faults worded like compute-sanitizer's), the per-instruction allocation cache of the fast path,
 * and the small services instructions need (isspacep, mapa, clocks).
 * @module
 */
import type { GlobalMemory } from '../../mem/types.js';
import { deviceOfAddress } from '../../mem/layout.js';
import type { IrInstruction } from '../../ir/types.js';
import { CLOCK_HZ, CLUSTER_RANK_STRIDE, FUNCTION_WINDOW, LOCAL_WINDOW, PARAM_WINDOW, SHARED_WINDOW, Space } from '../layout.js';
import { FaultCode, kernelFault } from './faults.js';
import { Region } from './region.js';
import type { Cta, Frame, Warp } from './state.js';

const hex = (a: number): string => `0x${a.toString(16)}`;
const SPACE_NAMES: Readonly<Record<number, string>> = {
  [Space.global]: '__global__', [Space.generic]: 'generic', [Space.shared]: '__shared__', [Space.cluster]: '__shared__ (cluster)',
  [Space.local]: '__local__', [Space.kernelParam]: 'kernel parameter', [Space.frameParam]: 'parameter',
};

/** Global memory and access services of one module instance. */
export class MemoryContext {
  /** Views of this device's global store. */
  readonly g: Region;
  /** Device address of byte 0 of the store. */
  readonly gBase: number;
  /**
   * Per memory instruction (cache slot k): bounds `[cache[2k], cache[2k+1])` of the allocation it
   * last accessed; the fast path accepts accesses inside them. Cleared at every launch and free.
   */
  cache = new Float64Array(64);
  /** Byte offset of the last resolved access in the returned region. */
  offset = 0;
  /** Fault sites: the instruction of each site id. */
  readonly sites: IrInstruction[] = [];
  /** Address ranges of the module's `.const` variables ([start, end) pairs), for isspacep.const. */
  constRanges: number[] = [];
  readonly #peers = new Map<GlobalMemory, Region>();

  constructor(readonly memory: GlobalMemory) {
    this.g = new Region(memory.store);
    this.gBase = memory.base;
  }

  /** Makes room for `slots` cache slots (kept across launches; cleared by {@link resetCache}). */
  ensureCacheSlots(slots: number): void {
    if (2 * slots <= this.cache.length) return;
    const c = new Float64Array(Math.max(2 * slots, 2 * this.cache.length));
    this.cache = c;
  }

  /** Forgets every cached allocation (at launch start and after a free). */
  resetCache(): void {
    this.cache.fill(0);
  }

  /** The site id of `ins` (registered on first use). */
  siteOf(ins: IrInstruction): number {
    this.sites.push(ins);
    return this.sites.length - 1;
  }

  // ---- The slow path ------------------------------------------------------------------------

  /**
   * Resolves an access of `bytes` bytes at address `a` in state space `space` by lane `l` of warp
   * `w` (frame `f`): checks it, updates the instruction's cache slot (global accesses, `slot` ≥ 0),
   * and returns the region to use, with the byte offset in {@link offset}.
   * @throws KernelFaultError for misaligned (716) and out-of-bounds (700) accesses.
   */
  resolve(space: number, a: number, bytes: number, write: number, w: Warp, f: Frame, l: number, site: number, slot: number): Region {
    if (a % bytes !== 0) this.fault(FaultCode.misaligned, `Misaligned ${this.accessWords(space, write, bytes)} at ${hex(a)}: the address is not a multiple of ${bytes}`, w, l, site);
    switch (space) {
      case Space.global: return this.global(a, bytes, write, w, l, site, slot, space);
      case Space.generic:
        if (a >= SHARED_WINDOW && a < FUNCTION_WINDOW) {
          if (a < LOCAL_WINDOW) return this.shared(a - SHARED_WINDOW, bytes, write, w, l, site, Space.generic);
          if (a < PARAM_WINDOW) return this.local(a - LOCAL_WINDOW, bytes, write, w, l, site, Space.generic);
          return this.kernelParam(a - PARAM_WINDOW, bytes, write, w, l, site, Space.generic);
        }
        return this.global(a, bytes, write, w, l, site, slot, space);
      case Space.shared: case Space.cluster: return this.shared(a, bytes, write, w, l, site, space);
      case Space.local: return this.local(a, bytes, write, w, l, site, space);
      case Space.kernelParam: return this.kernelParam(a, bytes, write, w, l, site, space);
      default: {
        const stride = f.params.stride;
        if (!(a >= 0 && a + bytes <= stride)) {
          this.fault(FaultCode.illegalAddress, `Invalid ${this.accessWords(space, write, bytes)} at param offset ${a}: the parameter frame of ${f.fn.ir.name} has ${stride} bytes`, w, l, site);
        }
        this.offset = l * stride + a;
        return f.params;
      }
    }
  }

  private global(a: number, bytes: number, write: number, w: Warp, l: number, site: number, slot: number, space: number): Region {
    const mem = this.memory;
    if (mem.isValid(a, bytes)) {
      const alloc = mem.allocationAt(a)!;
      if (slot >= 0 && 2 * slot + 1 < this.cache.length) {
        this.cache[2 * slot] = alloc.address;
        this.cache[2 * slot + 1] = alloc.address + alloc.bytes;
      }
      this.offset = a - this.gBase;
      return this.g;
    }
    const owner = mem.resolve?.(a) ?? null;
    if (owner !== null && owner !== mem && owner.isValid(a, bytes)) {
      let r = this.#peers.get(owner);
      if (r === undefined) {
        r = new Region(owner.store);
        this.#peers.set(owner, r);
      }
      this.offset = a - owner.base;
      return r;
    }
    const describer = owner ?? mem;
    let why: string;
    if (a >= SHARED_WINDOW && a < FUNCTION_WINDOW + 2 ** 40) why = `${hex(a)} is in the generic ${a < LOCAL_WINDOW ? 'shared' : a < PARAM_WINDOW ? 'local' : a < FUNCTION_WINDOW ? 'parameter' : 'function'} window, not a global address`;
    else if (deviceOfAddress(a) < 0 && a >= 0x2000_0000_0000 && a < 0x7f00_0000_0000) why = `${hex(a)} is a host pointer, which kernels on the emulated device cannot dereference`;
    else why = describer.describe(a, bytes);
    return this.fault(FaultCode.illegalAddress, `Invalid ${this.accessWords(space, write, bytes)}: ${why}`, w, l, site);
  }

  private shared(a: number, bytes: number, write: number, w: Warp, l: number, site: number, space: number): Region {
    let cta: Cta = w.cta;
    let off = a;
    if (a >= CLUSTER_RANK_STRIDE) {
      const rank = Math.floor(a / CLUSTER_RANK_STRIDE) - 1;
      const target = cta.cluster.ctas[rank];
      if (target === undefined || rank < 0) {
        return this.fault(FaultCode.illegalAddress, `Invalid ${this.accessWords(space, write, bytes)} at shared::cluster address ${hex(a)}: the cluster has no CTA of rank ${rank}`, w, l, site);
      }
      cta = target;
      off = a - (rank + 1) * CLUSTER_RANK_STRIDE;
    }
    if (!(off >= 0 && off + bytes <= cta.sharedBytes)) {
      const s = w.launch;
      return this.fault(FaultCode.illegalAddress,
        `Invalid ${this.accessWords(space, write, bytes)} at shared address ${hex(off)}: ${off < 0 ? 'a negative offset' : `${off + bytes - cta.sharedBytes} bytes past the end of`} the CTA's ${cta.sharedBytes} bytes of shared memory (${cta.sharedBytes - s.dynamicSharedBytes} static + ${s.dynamicSharedBytes} dynamic)`,
        w, l, site);
    }
    this.offset = off;
    return cta.shared;
  }

  private local(a: number, bytes: number, write: number, w: Warp, l: number, site: number, space: number): Region {
    const stride = w.launch.localStride;
    if (!(a >= 0 && a + bytes <= stride)) {
      return this.fault(FaultCode.illegalAddress,
        `Invalid ${this.accessWords(space, write, bytes)} at local address ${hex(a)}: outside the thread's ${stride} bytes of local memory`, w, l, site);
    }
    this.offset = w.localBase + l * stride + a;
    return w.cta.local;
  }

  private kernelParam(a: number, bytes: number, write: number, w: Warp, l: number, site: number, space: number): Region {
    const n = w.launch.paramBytes;
    if (write || !(a >= 0 && a + bytes <= n)) {
      return this.fault(FaultCode.illegalAddress,
        write ? `Invalid ${this.accessWords(space, write, bytes)}: kernel parameters are read-only` : `Invalid ${this.accessWords(space, write, bytes)} at parameter offset ${a}: the kernel has ${n} bytes of parameters`, w, l, site);
    }
    this.offset = a;
    return w.launch.params;
  }

  private accessWords(space: number, write: number, bytes: number): string {
    return `${SPACE_NAMES[space] ?? 'generic'} ${write ? 'write' : 'read'} of size ${bytes} byte${bytes === 1 ? '' : 's'}`;
  }

  /** Throws the fault `code` for lane `l` of `w` at instruction `site` (−1: none). */
  fault(code: number, explanation: string, w: Warp, l: number, site: number): never {
    throw kernelFault(code, explanation, {
      kernel: w.launch.kernel,
      block: [w.cta.ctaid0, w.cta.ctaid1, w.cta.ctaid2],
      thread: [w.tidX[l]!, w.tidY[l]!, w.tidZ[l]!],
    }, site >= 0 ? this.sites[site] ?? null : null);
  }

  // ---- Byte access for builtins (printf, assert) ---------------------------------------------

  /** Reads `bytes` (1, 2, 4 or 8) bytes at generic address `a` as lane `l` (little-endian, unsigned; 8 bytes as a number). */
  readGeneric(a: number, bytes: number, w: Warp, f: Frame, l: number, site: number): number {
    const r = this.resolve(Space.generic, a, bytes, 0, w, f, l, site, -1);
    const o = this.offset;
    switch (bytes) {
      case 1: return r.u8[o]!;
      case 2: return r.u16[o >>> 1]!;
      case 4: return r.i32[o >>> 2]! >>> 0;
      default: return (r.i32[(o >>> 2) + 1]! >>> 0) * 4294967296 + (r.i32[o >>> 2]! >>> 0);
    }
  }

  /** Reads the 64-bit integer at generic address `a` exactly (unsigned). */
  readU64(a: number, w: Warp, f: Frame, l: number, site: number): bigint {
    const r = this.resolve(Space.generic, a, 8, 0, w, f, l, site, -1);
    const o = this.offset >>> 2;
    return (BigInt(r.i32[o + 1]! >>> 0) << 32n) | BigInt(r.i32[o]! >>> 0);
  }

  /** Reads a binary64 at generic address `a`. */
  readF64(a: number, w: Warp, f: Frame, l: number, site: number): number {
    const r = this.resolve(Space.generic, a, 8, 0, w, f, l, site, -1);
    return r.f64[this.offset >>> 3]!;
  }

  /** Reads the NUL-terminated string at generic address `a` (bytes as Latin-1 / UTF-8). */
  readString(a: number, w: Warp, f: Frame, l: number, site: number, limit = 1 << 16): string {
    const bytes: number[] = [];
    for (let k = 0; k < limit; k++) {
      const b = this.readGeneric(a + k, 1, w, f, l, site);
      if (b === 0) break;
      bytes.push(b);
    }
    return Buffer.from(bytes).toString('utf8');
  }

  // ---- Services ---------------------------------------------------------------------------------

  /** isspacep: space code (see convert.ts SPACE_CODES) and generic address. */
  isspace(code: number, a: number, w: Warp): number {
    switch (code) {
      case 0: return deviceOfAddress(a) >= 0 && !this.#isConst(a) ? 1 : 0;
      case 1: return a >= SHARED_WINDOW && a < SHARED_WINDOW + CLUSTER_RANK_STRIDE ? 1 : 0;
      case 2: return a >= SHARED_WINDOW && a < SHARED_WINDOW + CLUSTER_RANK_STRIDE * (w.launch.clusterSize + 1) ? 1 : 0;
      case 3: return a >= LOCAL_WINDOW && a < LOCAL_WINDOW + w.launch.localStride ? 1 : 0;
      case 4: return this.#isConst(a) ? 1 : 0;
      default: return a >= PARAM_WINDOW && a < PARAM_WINDOW + w.launch.paramBytes ? 1 : 0;
    }
  }

  #isConst(a: number): boolean {
    const r = this.constRanges;
    for (let k = 0; k < r.length; k += 2) if (a >= r[k]! && a < r[k + 1]!) return true;
    return false;
  }

  /** mapa: the address corresponding to `a` in the shared memory of cluster rank `rank`. */
  mapa(a: number, rank: number, generic: boolean, _w: Warp): number {
    const off = (generic ? a - SHARED_WINDOW : a) % CLUSTER_RANK_STRIDE;
    const r = (rank + 1) * CLUSTER_RANK_STRIDE + off;
    return generic ? SHARED_WINDOW + r : r;
  }

  /** getctarank: the cluster rank of the CTA whose shared memory holds `a`. */
  ctarank(a: number, generic: boolean, w: Warp): number {
    const k = Math.floor((generic ? a - SHARED_WINDOW : a) / CLUSTER_RANK_STRIDE);
    return k === 0 ? w.cta.rank : k - 1;
  }

  /**
   * %clock (which 0), %clock_hi (1), %clock64 (2): cycles at {@link CLOCK_HZ} since the process
   * started — monotonic, and advancing with real time as a GPU's clock does.
   */
  clock(_w: Warp, which: number): number {
    const cycles = Math.floor(performance.now() * (CLOCK_HZ / 1000));
    if (which === 2) return cycles;
    return which === 0 ? cycles % 4294967296 : Math.floor(cycles / 4294967296);
  }

  /** %globaltimer_lo (0), %globaltimer_hi (1), %globaltimer (2): nanoseconds since the process started. */
  globaltimer(which: number): number {
    const ns = Math.floor(performance.now() * 1e6);
    if (which === 2) return ns;
    return which === 0 ? ns % 4294967296 : Math.floor(ns / 4294967296);
  }
}
