/**
 * The operand order ptxas gives commutative double-precision instructions, which decides which of
 * two NaN operands the H100 returns (num nan.ts).
 *
 * The H100's NaN rules are rules on the slots of the machine instruction: `DADD d, a', c'` returns
 * c's NaN first, `DMUL d, a', b'` b's, `DFMA d, a', b', c'` the first of (b', c', a'), and a
 * negation modifier does not change a NaN. The truth kernels (test/fixtures/num/truth.cu) measure
 * them with the PTX operands in SASS order. But ptxas (CUDA 13.0) canonicalizes commutative
 * `.f64` operations — `add`, `sub` (as a + (−b)), `mul`, the multiplicands of `fma`/`mad`, `min`,
 * `max` — whatever their PTX order: `fma.rn.f64 d, x, y, z` and `fma.rn.f64 d, y, x, z` assemble to
 * the same `DFMA`. Observed rule (ptxas on straight-line kernels, and the corpus kernel `fp64_ops`,
 * where `fma(x, y, z)` became `DFMA y, x, z` because nvcc had loaded y first, and the H100 then
 * returned z's NaN where the PTX order predicts y's):
 *
 * - the operand whose value is **defined earlier** goes to the first slot;
 * - immediates and kernel parameters (`ld.param` of the entry's parameters: constant-bank or
 *   uniform-register operands) go to the second slot;
 * - `mov` copies are looked through (ptxas coalesces them).
 *
 * "Defined earlier" is taken as the position of a register's first definition in the PTX (blocks
 * in order). This reproduces what ptxas did on every straight-line case tried; in unrolled loops
 * ptxas reorders by its own schedule and the model can be wrong — which only changes *which* of
 * two NaN payloads is returned, never whether the result is NaN.
 * @module
 */
import type { IrFunction, IrInstruction, IrOperand } from '../ir/types.js';
import { usesAndDefs } from './liveness.js';

/** Rank of values ptxas places in the second slot (immediates, kernel parameters). */
const LAST = Number.POSITIVE_INFINITY;

/** Rank of each register of a function (by register id); computed once per function. */
const RANKS = new WeakMap<IrFunction, Float64Array>();

/** Whether `ins` loads an `.entry` parameter (a constant-bank value for ptxas). */
function loadsEntryParam(ins: IrInstruction): boolean {
  if (ins.op !== 'ld' || ins.decoded.mods.space !== 'param') return false;
  const a = ins.operands.find((o) => o.kind === 'addr');
  return a !== undefined && a.kind === 'addr' && a.base !== null && a.base.kind === 'param' && a.base.region === 'entry';
}

function ranksOf(fn: IrFunction): Float64Array {
  const cached = RANKS.get(fn);
  if (cached !== undefined) return cached;
  const n = fn.registers.length;
  const first = new Float64Array(n).fill(-1);
  const defs = new Uint32Array(n);
  /** When the first definition is a plain copy: the source register's id (−1: none). */
  const copyOf = new Int32Array(n).fill(-1);
  /** When the first definition puts an immediate or a kernel parameter in the register. */
  const uniform = new Uint8Array(n);
  let pos = 0;
  for (const block of fn.blocks) {
    for (const ins of block.instructions) {
      usesAndDefs(ins, () => undefined, (reg) => {
        const id = reg.id;
        if (defs[id]++ !== 0) return;
        first[id] = pos;
        if (ins.guard !== null) return;
        if (ins.op === 'mov' && ins.operands.length === 2) {
          const src = ins.operands[1]!;
          if (src.kind === 'reg') copyOf[id] = src.reg.id;
          else if (src.kind === 'imm') uniform[id] = 1;
        } else if (loadsEntryParam(ins)) {
          uniform[id] = 1;
        }
      });
      pos++;
    }
  }
  const ranks = new Float64Array(n);
  for (let id = 0; id < n; id++) {
    let r = id;
    // follow single-definition copies to the value's origin (bounded: copies can form cycles)
    for (let hops = 0; hops < 16 && defs[r] === 1 && copyOf[r]! >= 0; hops++) r = copyOf[r]!;
    ranks[id] = defs[r] === 1 && uniform[r] === 1 ? LAST : first[r]!;
  }
  RANKS.set(fn, ranks);
  return ranks;
}

/** The rank of a source operand: its definition's position, or {@link LAST}. */
function rankOf(fn: IrFunction, o: IrOperand | undefined): number {
  if (o === undefined || o.kind !== 'reg') return LAST;
  return ranksOf(fn)[o.reg.id] ?? LAST;
}

/**
 * Whether ptxas puts operands `j` and `k` of the commutative instruction `ins` (of function `fn`)
 * in the opposite order in SASS: when operand `k` is defined before operand `j`.
 */
export function ptxasSwapsOperands(fn: IrFunction, ins: IrInstruction, j = 1, k = 2): boolean {
  return rankOf(fn, ins.operands[k]) < rankOf(fn, ins.operands[j]);
}
