/**
 * The reference interpreter: executes a block instruction by instruction, each instruction over
 * all active lanes before the next (true lockstep), with registers read and written in their
 * banks at every use. Each instruction's code comes from the same semantic template as the JIT's
 * (codegen/instruction.ts); what differs is everything the JIT adds: lane loops fused over a
 * block, the ordering analysis that cuts them, and registers cached in locals. Agreement of the
 * two on the kernel corpus (bit for bit) is a unit test.
 * @module
 */
import type { IrBlock } from '../../ir/types.js';
import type { ProgramContext } from '../codegen/emit.js';
import { instructionCode } from '../codegen/instruction.js';
import { CodeUnit, type HelperTable, type UnitFunction } from '../codegen/unit.js';

/** The unit function of one instruction. */
export function instructionUnit(ins: IrBlock['instructions'][number], helpers: HelperTable, program: ProgramContext, label: string): UnitFunction {
  const unit = new CodeUnit(helpers);
  const body = instructionCode(ins, unit, program);
  return unit.compile(`let T = 0;\n${body}\nreturn T;`, label);
}

/** A block run instruction by instruction; returns the lanes taking its terminator. */
export function interpretedBlock(block: IrBlock, helpers: HelperTable, program: ProgramContext, label: string): UnitFunction {
  const units = block.instructions.map((ins, k) => instructionUnit(ins, helpers, program, `${label}_${k}`));
  const n = units.length;
  return (w, f, mask) => {
    let T = 0;
    for (let k = 0; k < n; k++) T = units[k]!(w, f, mask);
    return T;
  };
}
