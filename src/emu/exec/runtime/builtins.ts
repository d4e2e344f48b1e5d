/**
 * Functions kernels call that the PTX only declares (`.extern .func`), provided by the engine as
 * the CUDA runtime provides them on the GPU:
 *
 * - `vprintf(format, args)`: device printf. Each calling lane's line is formatted (printf.ts) and
 *   handed to `LaunchOptions.printf` at once. Order: lanes in increasing lane order for each call;
 *   calls in the order the engine executes them — CTAs in grid order (x fastest), within a CTA
 *   warp by warp between barriers — which is one order the GPU can produce (its FIFO is filled
 *   by warps in execution order, one record per lane in lane order). Returns the number of
 *   arguments the format consumed.
 * - `malloc(size)` / `free(ptr)`: the device heap, allocations in global memory (so memcheck
 *   covers them) of at most {@link DEVICE_HEAP_BYTES} in total; `malloc` returns null when the
 *   heap is exhausted, `free(null)` does nothing, freeing anything else faults.
 * - `__assertfail(message, file, line, function, charSize)`: prints what the GPU prints
 *   (`file:line: function: block: [x,y,z], thread: [x,y,z] Assertion \`message\` failed.`) for
 *   every failing lane, then stops the launch with CUDA_ERROR_ASSERT.
 * @module
 */
import type { IrCall, IrParam } from '../../ir/types.js';
import { DEVICE_HEAP_BYTES } from '../layout.js';
import { formatPrintf } from '../printf.js';
import { FaultCode } from './faults.js';
import type { Frame, Warp } from './state.js';

/** Names of the functions the engine provides. */
export const BUILTINS: ReadonlySet<string> = new Set(['vprintf', 'malloc', 'free', '__assertfail']);

/** Device heap bookkeeping per global memory. */
const heaps = new WeakMap<object, { live: Map<number, number>; bytes: number }>();

function readParam(f: Frame, l: number, p: IrParam | undefined, bytes: 4 | 8): number {
  if (p === undefined) return 0;
  const o = l * f.params.stride + p.offset;
  const lo = f.params.i32[o >>> 2]! >>> 0;
  if (bytes === 4 || p.bytes < 8) return lo;
  return (f.params.i32[(o >>> 2) + 1]! >>> 0) * 4294967296 + lo;
}

function writeParam(f: Frame, l: number, p: IrParam | undefined, value: number): void {
  if (p === undefined) return;
  const o = l * f.params.stride + p.offset;
  f.params.i32[o >>> 2] = value;
  if (p.bytes >= 8) f.params.i32[(o >>> 2) + 1] = Math.floor(value / 4294967296);
}

/**
 * Runs builtin `name` for the lanes `lanes` of `w`, whose current frame `f` holds the call's
 * argument and return parameters. `site` is the call's fault site.
 */
export function callBuiltin(name: string, w: Warp, f: Frame, call: IrCall, lanes: number, site: number): void {
  const m = w.launch.mem;
  for (let l = 0; l < 32; l++) {
    if (((lanes >>> l) & 1) === 0) continue;
    switch (name) {
      case 'vprintf': {
        const fmt = m.readString(readParam(f, l, call.args[0], 8), w, f, l, site);
        let at = readParam(f, l, call.args[1], 8);
        const next = (bytes: number): number => {
          const a = Math.ceil(at / bytes) * bytes;
          at = a + bytes;
          return a;
        };
        const { text, count } = formatPrintf(fmt, {
          int: (bytes) => (bytes === 8 ? m.readU64(next(8), w, f, l, site) : BigInt(m.readGeneric(next(4), 4, w, f, l, site))),
          double: () => m.readF64(next(8), w, f, l, site),
          string: (address) => m.readString(address, w, f, l, site),
        });
        w.launch.printf?.(text);
        writeParam(f, l, call.returns[0], count);
        break;
      }
      case 'malloc': writeParam(f, l, call.returns[0], malloc(w, readParam(f, l, call.args[0], 8))); break;
      case 'free': free(w, readParam(f, l, call.args[0], 8), l, site); break;
      case '__assertfail': assertFail(w, f, l, call, site); break;
      default: m.fault(FaultCode.launchFailed, `call to the undefined function ${name}`, w, l, site);
    }
  }
  if (name === '__assertfail') {
    const first = 31 - Math.clz32(lanes & -lanes);
    const message = m.readString(readParam(f, first, call.args[0], 8), w, f, first, site);
    m.fault(FaultCode.assert, `device-side assertion \`${message}\` failed`, w, first, site);
  }
}

function heapOf(w: Warp): { live: Map<number, number>; bytes: number } {
  const key = w.launch.mem.memory;
  let h = heaps.get(key);
  if (h === undefined) {
    h = { live: new Map(), bytes: 0 };
    heaps.set(key, h);
  }
  return h;
}

function malloc(w: Warp, size: number): number {
  const memory = w.launch.mem.memory;
  const heap = heapOf(w);
  if (memory.alloc === undefined || size <= 0 || heap.bytes + size > DEVICE_HEAP_BYTES) return 0;
  try {
    const a = memory.alloc(size, 'device malloc', 'malloc');
    heap.live.set(a, size);
    heap.bytes += size;
    return a;
  } catch {
    return 0;
  }
}

function free(w: Warp, address: number, l: number, site: number): void {
  if (address === 0) return;
  const m = w.launch.mem;
  const heap = heapOf(w);
  const size = heap.live.get(address);
  const release = m.memory.free?.bind(m.memory);
  if (size === undefined || release === undefined) {
    return m.fault(FaultCode.illegalAddress, `free() of 0x${address.toString(16)}, which is not an allocation of device malloc(): ${m.memory.describe(address, 1)}`, w, l, site);
  }
  release(address, 'free');
  heap.live.delete(address);
  heap.bytes -= size;
  m.resetCache();
}

function assertFail(w: Warp, f: Frame, l: number, call: IrCall, site: number): void {
  const m = w.launch.mem;
  const message = m.readString(readParam(f, l, call.args[0], 8), w, f, l, site);
  const file = m.readString(readParam(f, l, call.args[1], 8), w, f, l, site);
  const line = readParam(f, l, call.args[2], 4);
  const fn = m.readString(readParam(f, l, call.args[3], 8), w, f, l, site);
  const c = w.cta;
  w.launch.printf?.(`${file}:${line}: ${fn}: block: [${c.ctaid0},${c.ctaid1},${c.ctaid2}], thread: [${w.tidX[l]},${w.tidY[l]},${w.tidZ[l]}] Assertion \`${message}\` failed.\n`);
}
