/**
 * The helper functions generated code may call: every export of `src/emu/num` plus the few
 * warp-level operations defined here.
 * @module
 */
import * as num from '../../num/index.js';
import { F64_NAN } from '../codegen/registers.js';
import type { HelperTable } from '../codegen/unit.js';
import * as nan64 from './nan64.js';
import { simdVideo } from '../semantics/video.js';
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

/** The table handed to generated code. */
export const HELPERS: HelperTable = Object.freeze({ ...num, ...nan64, shflSync, reluValue, simdVideo, F64_NAN });
