/**
 * The block JIT: the code of one basic block as one JS function that loops over the active lanes
 * around the instructions' per-lane code, with registers cached in locals (cache.ts).
 *
 * **Lane order.** Looping lanes around several instructions runs lane 0's instructions before
 * lane 1's, where the GPU runs each instruction for all lanes first. The difference is visible
 * only through memory shared between lanes, so a block is cut into segments — each a separate
 * lane loop — wherever a later instruction could read what an earlier one of the segment wrote in
 * another lane, or overwrite what it read (read-after-write and write-after-read on global or
 * shared memory; generic accesses count as both; local and parameter memory are per thread).
 * Warp-level instructions (shuffles, votes …) are segments of their own. Two writes to one
 * location by different lanes without synchronization are a data race in CUDA; their order is
 * not preserved.
 *
 * A block that branches back to itself runs its iterations inside its function while every lane
 * takes the branch (the runner accounts for the iterations, `w.iterations`).
 * @module
 */
import type { IrBlock } from '../../ir/types.js';
import type { ProgramContext } from '../codegen/emit.js';
import { laneCode, laneLoop, warpCode } from '../codegen/instruction.js';
import type { CodeUnit } from '../codegen/unit.js';
import { effectOf, semanticsOf, type MemoryEffect } from '../semantics/index.js';
import { usesAndDefs } from '../liveness.js';
import { CachedRegisters } from './cache.js';

/** A lane-loop segment under construction. */
interface Segment {
  body: string;
  readonly regs: CachedRegisters;
  readonly reads: Set<string>;
  readonly writes: Set<string>;
}

/** Whether an access with effect `e` must not share a lane loop with the accesses of `s`. */
function conflicts(s: Segment, e: MemoryEffect): boolean {
  for (const r of e.reads) if (s.writes.has(r)) return true;
  for (const w of e.writes) if (s.reads.has(w)) return true;
  return false;
}

/**
 * For each instruction of the block, the registers read after it (in the block, or by a successor
 * when `liveOut` says so): a segment writes back only those of its cached registers.
 */
function liveAfter(block: IrBlock, liveOut: Uint32Array): Uint32Array[] {
  const live = Uint32Array.from(liveOut);
  const out: Uint32Array[] = new Array<Uint32Array>(block.instructions.length);
  for (let k = block.instructions.length - 1; k >= 0; k--) {
    out[k] = Uint32Array.from(live);
    const ins = block.instructions[k]!;
    usesAndDefs(ins, () => {}, (r) => { if (ins.guard === null && r.id >>> 5 < live.length) live[r.id >>> 5]! &= ~(1 << (r.id & 31)); });
    usesAndDefs(ins, (r) => { if (r.id >>> 5 < live.length) live[r.id >>> 5]! |= 1 << (r.id & 31); }, () => {});
  }
  return out;
}

/**
 * The body of the block's unit function: `let T = 0; …segments…; return T;`. With `liveOut` (the
 * registers live after the block, liveness.ts) dead registers are not written back.
 */
export function blockSource(block: IrBlock, unit: CodeUnit, program: ProgramContext, liveOut?: Uint32Array, selfLoop = false): string {
  let code = 'T = 0;\n';
  let seg: Segment | null = null;
  const after = liveOut === undefined ? null : liveAfter(block, liveOut);
  let last = -1;
  const close = (): void => {
    if (seg === null) return;
    const live = after === null ? undefined : after[last]!;
    const body = seg.body + seg.regs.flushAll(live === undefined ? undefined : (id) => ((live[id >>> 5]! >>> (id & 31)) & 1) !== 0);
    if (body.trim() !== '') code += laneLoop(body) + '\n';
    seg = null;
  };
  for (const [k, ins] of block.instructions.entries()) {
    const sem = semanticsOf(ins);
    if (sem.kind === 'warp') {
      close();
      code += warpCode(ins, sem, unit, program);
      continue;
    }
    const effect = effectOf(ins);
    if (seg !== null && effect !== undefined && conflicts(seg, effect)) close();
    const s: Segment = seg ?? { body: '', regs: new CachedRegisters(), reads: new Set(), writes: new Set() };
    seg = s;
    s.body += laneCode(ins, sem, unit, program, s.regs);
    last = k;
    if (effect !== undefined) {
      for (const r of effect.reads) s.reads.add(r);
      for (const w of effect.writes) s.writes.add(w);
    }
  }
  close();
  if (!selfLoop) return `let T = 0;\n${code}return T;`;
  // A loop of one block: iterate here while every lane takes the branch back (up to 1024 times
  // per call, so that the runner still checks the budget and the timeout).
  return `let T = 0, n$ = 0;\nfor (;;) {\n${code}n$++;\nif ((T & mask) !== mask || n$ === ${SELF_LOOP_LIMIT}) break;\n}\nw.iterations = n$;\nreturn T;`;
}

/** Most iterations a self-looping block runs per call. */
export const SELF_LOOP_LIMIT = 1024;
