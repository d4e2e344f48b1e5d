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
 * @module
 */
import type { IrBlock } from '../../ir/types.js';
import type { ProgramContext } from '../codegen/emit.js';
import { laneCode, laneLoop, warpCode } from '../codegen/instruction.js';
import type { CodeUnit } from '../codegen/unit.js';
import { effectOf, semanticsOf, type MemoryEffect } from '../semantics/index.js';
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

/** The body of the block's unit function: `let T = 0; …segments…; return T;`. */
export function blockSource(block: IrBlock, unit: CodeUnit, program: ProgramContext): string {
  let code = 'let T = 0;\n';
  let seg: Segment | null = null;
  const close = (): void => {
    if (seg === null) return;
    const body = seg.body + seg.regs.flushAll();
    if (body.trim() !== '') code += laneLoop(body) + '\n';
    seg = null;
  };
  for (const ins of block.instructions) {
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
    if (effect !== undefined) {
      for (const r of effect.reads) s.reads.add(r);
      for (const w of effect.writes) s.writes.add(w);
    }
  }
  close();
  return `${code}return T;`;
}
