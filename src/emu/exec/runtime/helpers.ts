/**
 * The helper functions generated code may call: every export of `src/emu/num` plus the few
 * warp-level operations defined here.
 * @module
 */
import * as num from '../../num/index.js';
import { F64_NAN } from '../codegen/registers.js';
import type { HelperTable } from '../codegen/unit.js';
import * as nan64 from './nan64.js';
import type { Scratch } from './state.js';

/**
 * `shfl.sync` for the lanes of `m`, from the sources `x.a` (all 32 lanes), lane operands `x.b`
 * (b) and `x.c` (c: clamp in bits 4:0, segment mask in bits 12:8); results in `x.r` and `x.p`
 * (PTX ISA §9.7.8.9: out-of-range source lanes return the lane's own value with p = false).
 * `mode`: 0 up, 1 down, 2 bfly, 3 idx.
 */
export function shflSync(mode: number, x: Scratch, m: number): void {
  const { a, b, c, r, p } = x;
  for (let lane = 0; lane < 32; lane++) {
    if (((m >>> lane) & 1) === 0) continue;
    const bval = b[lane]! & 31;
    const cval = c[lane]! & 31;
    const seg = (c[lane]! >>> 8) & 31;
    const maxLane = (lane & seg) | (cval & ~seg);
    const minLane = lane & seg;
    let j: number;
    let ok: boolean;
    switch (mode) {
      case 0: j = lane - bval; ok = j >= maxLane; break;
      case 1: j = lane + bval; ok = j <= maxLane; break;
      case 2: j = lane ^ bval; ok = j <= maxLane; break;
      default: j = minLane | (bval & ~seg); ok = j <= maxLane; break;
    }
    if (!ok) j = lane;
    r[lane] = a[j]!;
    p[lane] = ok ? 1 : 0;
  }
}

/** `.relu` of a conversion: negative values (−0 included) become +0; NaN stays NaN. */
export function reluValue(x: number): number {
  return x < 0 || (x === 0 && 1 / x < 0) ? 0 : x;
}

/**
 * Where the unboxed variants of double-returning helpers leave their result (see {@link UNBOXED}).
 */
export const RESULT = new Float64Array(1);

/**
 * Helpers returning a double that generated code calls in hot paths. A JS call that V8 does not
 * inline returns a double boxed in a fresh heap number; for these, generated code calls
 * `<name>$r(…)` — a wrapper that stores the result in {@link RESULT} (V8 inlines the helper into
 * its own wrapper) — and reads `RESULT[0]`: no allocation per call.
 */
export const UNBOXED: readonly string[] = [
  'fmaRnF64', 'fmaF64', 'fmaF32', 'ex2ApproxF32', 'lg2ApproxF32', 'sinApproxF32', 'cosApproxF32', 'tanhApproxF32',
  'rsqrtApproxF32', 'rcpApproxF32', 'sqrtApproxF32', 'divApproxF32', 'divFullF32', 'rcpF32', 'divF32', 'sqrtF32',
  'addF32', 'subF32', 'mulF32', 'divF64', 'sqrtF64', 'rcpF64', 'addF64', 'subF64', 'mulF64', 'f64ToF32', 'intToF32',
  'int64ToF64', 'int64ToF32', 'roundIntegral', 'rsqrtApproxF64',
];

function unboxedWrappers(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of UNBOXED) {
    const f = (num as unknown as Record<string, unknown>)[name];
    if (typeof f !== 'function') throw new Error(`num has no function ${name}`);
    // A distinct function per helper (new Function), so that V8 optimizes each on its own.
    out[`${name}$r`] = new Function('f', 'R', `return function ${name}$r(a, b, c, d) { R[0] = f(a, b, c, d); };`)(f, RESULT);
  }
  return out;
}

/** The table handed to generated code. */
export const HELPERS: HelperTable = Object.freeze({ ...num, ...nan64, shflSync, reluValue, F64_NAN, RESULT, ...unboxedWrappers() });
