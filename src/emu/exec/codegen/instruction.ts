/**
 * The code of one instruction, guard included, from its semantic template — the piece both
 * executors assemble: the interpreter runs each instruction's code in its own lane loop
 * (interp/), the JIT fuses the lane code of a block's instructions into one loop (jit/).
 * @module
 */
import type { IrInstruction } from '../../ir/types.js';
import { semanticsOf, type Semantics } from '../semantics/index.js';
import { Emit, type ProgramContext } from './emit.js';
import { DirectRegisters, type RegisterAccess } from './registers.js';
import type { CodeUnit } from './unit.js';

/** The loop over the active lanes (`mask`) around per-lane statements. */
export function laneLoop(body: string): string {
  return `for (let l = 0; l < 32; l++) { if (((mask >>> l) & 1) === 0) continue;\n${body}\n}`;
}

/** Per-lane code of `ins` (statements for lane `l`, guard applied), for a lane-kind instruction. */
export function laneCode(ins: IrInstruction, sem: Semantics, unit: CodeUnit, program: ProgramContext, regs: RegisterAccess): string {
  regs.beginInstruction(ins.guard !== null);
  const e = new Emit(ins, unit, program, regs);
  const body = sem.emit(e);
  const pre = e.takePre();
  const guard = ins.guard === null ? null : e.read({ kind: 'reg', reg: ins.guard.reg, negate: ins.guard.negate }, 'P');
  const prelude = regs.takePrelude();
  const code = `${pre}${body}`;
  if (code.trim() === '') return prelude;
  return `${prelude}${guard === null ? code : `if (${guard}) { ${code} }`}\n`;
}

/**
 * Warp-level code of `ins` (runs once; `m` holds the participating lanes: active and guard true).
 * Registers are accessed directly (no caching across warp instructions).
 */
export function warpCode(ins: IrInstruction, sem: Semantics, unit: CodeUnit, program: ProgramContext): string {
  const regs = new DirectRegisters();
  const e = new Emit(ins, unit, program, regs);
  const body = sem.emit(e);
  const pre = e.takePre();
  let participants = 'let m = mask;';
  if (ins.guard !== null) {
    const g = e.read({ kind: 'reg', reg: ins.guard.reg, negate: ins.guard.negate }, 'P');
    participants += ` m = 0; for (let l = 0; l < 32; l++) if (((mask >>> l) & 1) !== 0 && ${g}) m |= 1 << l;`;
  }
  if (pre !== '') throw new Error(`warp template of ${ins.decoded.name} left pre-statements`);
  return `{ ${participants}\n${body}\n}\n`;
}

/** The code of one instruction on its own (the interpreter's unit, and the compile-time check). */
export function instructionCode(ins: IrInstruction, unit: CodeUnit, program: ProgramContext): string {
  const sem = semanticsOf(ins);
  if (sem.kind === 'warp') return warpCode(ins, sem, unit, program);
  return laneLoop(laneCode(ins, sem, unit, program, new DirectRegisters()));
}

/** The resume code of a block terminator (bar.red), or null. */
export function resumeCode(ins: IrInstruction, unit: CodeUnit, program: ProgramContext): string | null {
  const sem = semanticsOf(ins);
  if (sem.kind !== 'lane' || sem.resume === undefined) return null;
  const e = new Emit(ins, unit, program, new DirectRegisters());
  const body = sem.resume(e);
  if (body === '') return null;
  return laneLoop(`${e.takePre()}${body}`);
}
