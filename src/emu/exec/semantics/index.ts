/**
 * The opcode table: which semantics ({@link Semantics}) execute an instruction. Arithmetic
 * opcodes shared by several type families (`add`, `min`, `fma` …) are routed by their type:
 * `.f32`/`.f64` to float.ts, `.f16`/`.bf16` and packed halves to half.ts, the rest to integer.ts.
 * Instructions the front end knows but the engine cannot execute raise `UnsupportedError`, which
 * module compilation turns into a driver-style error naming the line and instruction.
 * @module
 */
import type { IrInstruction } from '../../ir/types.js';
import { UnsupportedError } from '../errors.js';
import { BITWISE } from './bitwise.js';
import { COMPARE } from './compare.js';
import { CONTROL } from './control.js';
import { CONVERT } from './convert.js';
import { FLOAT } from './float.js';
import { HALF } from './half.js';
import { INTEGER } from './integer.js';
import { MEMORY, memoryEffect } from './memory.js';
import type { MemoryEffect, Semantics } from './types.js';
import { VIDEO } from './video.js';
import { WARP } from './warp.js';

export type { LaneTemplate, MemoryEffect, Semantics } from './types.js';
export { memoryEffect, spaceOf } from './memory.js';

const HALF_TYPES: ReadonlySet<string> = new Set(['f16', 'bf16', 'f16x2', 'bf16x2']);
const TABLES: readonly ReadonlyMap<string, Semantics>[] = [INTEGER, BITWISE, COMPARE, CONVERT, MEMORY, WARP, CONTROL, FLOAT, VIDEO];

/** The semantics of `ins`. @throws UnsupportedError when the engine lacks the instruction. */
export function semanticsOf(ins: IrInstruction): Semantics {
  const t = ins.decoded.type;
  const op = ins.op;
  let s: Semantics | undefined;
  if ((t === 'f32' || t === 'f64') && FLOAT.has(op)) s = FLOAT.get(op);
  else if (t !== null && HALF_TYPES.has(t) && HALF.has(op)) s = HALF.get(op);
  else for (const table of TABLES) if ((s = table.get(op)) !== undefined) break;
  if (s === undefined) throw new UnsupportedError(`the emulated device cannot execute '${ins.decoded.name}'`, ins);
  return s;
}

/** The memory an instruction touches (for the JIT's lane ordering), if any. */
export function effectOf(ins: IrInstruction): MemoryEffect | undefined {
  return memoryEffect(ins);
}
