/**
 * SIMD video instructions (PTX ISA §9.7.14.x): `vadd2/4`, `vsub2/4`, `vavrg2/4`, `vabsdiff2/4`,
 * `vmin2/4`, `vmax2/4`, `vset2/4`, as nvcc emits them for the `__vadd2`, `__vabsdiffu4` … intrinsics:
 * `vop.dtype.atype.btype{.sat}{.add} d, a, b, c` with the default byte/half selectors and mask
 * (all elements written). Elements are the halves (`2`) or bytes (`4`) of the 32-bit operands,
 * read signed or unsigned per the operand types; `.sat` clamps each result to the destination
 * element's range; with the secondary `.add` the element results are summed with `c`. `vset`
 * gives 1 per element where the comparison holds.
 *
 * num has no SIMD video functions; they are integer operations defined here.
 * @module
 */
import type { Emit } from '../codegen/emit.js';
import { unsupported } from '../errors.js';
import type { PtxType } from '../../ptx/types.js';
import { bool, lane, tinfo } from './common.js';
import type { Semantics } from './types.js';

const OPS = ['add', 'sub', 'avrg', 'absdiff', 'min', 'max', 'set'] as const;
type VideoOp = (typeof OPS)[number];
const CMP: Readonly<Record<string, number>> = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5 };

/**
 * One SIMD video instruction on 32-bit words. `op`: index in {@link OPS}; `n`: 2 or 4 elements;
 * `cmp`: for vset (eq ne lt le gt ge: 0–5); `add`: the secondary accumulate.
 */
export function simdVideo(op: number, n: number, a: number, b: number, c: number, aSigned: boolean, bSigned: boolean, dSigned: boolean, sat: boolean, add: boolean, cmp: number): number {
  const bits = 32 / n;
  const mask = (1 << bits) - 1;
  let sum = 0;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const sh = i * bits;
    const x = aSigned ? ((a << (32 - sh - bits)) >> (32 - bits)) : (a >>> sh) & mask;
    const y = bSigned ? ((b << (32 - sh - bits)) >> (32 - bits)) : (b >>> sh) & mask;
    let r: number;
    switch (op) {
      case 0: r = x + y; break;
      case 1: r = x - y; break;
      case 2: r = Math.floor((x + y + 1) / 2); break;
      case 3: r = Math.abs(x - y); break;
      case 4: r = Math.min(x, y); break;
      case 5: r = Math.max(x, y); break;
      default: {
        const t = cmp === 0 ? x === y : cmp === 1 ? x !== y : cmp === 2 ? x < y : cmp === 3 ? x <= y : cmp === 4 ? x > y : x >= y;
        r = t ? 1 : 0;
      }
    }
    if (sat && op !== 6) {
      const lo = dSigned ? -(1 << (bits - 1)) : 0;
      const hi = dSigned ? (1 << (bits - 1)) - 1 : mask;
      r = r < lo ? lo : r > hi ? hi : r;
    }
    sum += r;
    d |= (r & mask) << sh;
  }
  return add ? (sum + c) | 0 : d | 0;
}

function video(e: Emit, op: VideoOp, n: number): string {
  const [dt, at, bt] = e.d.types as [PtxType, PtxType, PtxType];
  if (e.mods.op !== null && e.mods.op !== 'add') return unsupported(e.ins);
  const cmp = op === 'set' ? CMP[e.mods.cmp ?? ''] : 0;
  if (cmp === undefined) return unsupported(e.ins);
  const c = e.has(3) ? e.bits32(3) : '0';
  return e.setBits32(0, `${e.h('simdVideo')}(${OPS.indexOf(op)}, ${n}, ${e.bits32(1)}, ${e.bits32(2)}, ${c}, ` +
    `${bool(tinfo(at).signed)}, ${bool(tinfo(bt).signed)}, ${bool(tinfo(dt).signed)}, ${bool(e.mods.sat)}, ${bool(e.mods.op === 'add')}, ${cmp})`);
}

/** The SIMD video opcodes. */
export const VIDEO: ReadonlyMap<string, Semantics> = new Map<string, Semantics>(
  OPS.flatMap((op) => [2, 4].map((n) => [`v${op}${n}`, lane((e) => video(e, op, n))] as const)),
);
