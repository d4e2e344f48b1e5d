/**
 * Compile-time checks of a module (at `cuModuleLoad`, as the driver's JIT would fail): every
 * instruction of every function a kernel can reach must have semantics the engine can generate
 * code for, and every function called without a body must be one the engine provides.
 * @module
 */
import type { IrInstruction, IrKernel, IrModule } from '../ir/types.js';
import type { ProgramContext } from './codegen/emit.js';
import { instructionCode, resumeCode } from './codegen/instruction.js';
import { CodeUnit } from './codegen/unit.js';
import { UnsupportedError } from './errors.js';
import { BUILTINS } from './runtime/builtins.js';
import { HELPERS } from './runtime/helpers.js';

/** A context that generates code without a module instance (addresses are placeholders). */
function checkingContext(module: IrModule, kernel: IrKernel, fnIndex: number): ProgramContext {
  return {
    module,
    kernel,
    fn: module.functions[fnIndex]!,
    variableAddress: () => 0,
    siteId: () => 0,
    cacheSlot: () => 0,
  };
}

/** Checks one instruction (throws UnsupportedError). */
function checkInstruction(ins: IrInstruction, context: ProgramContext): void {
  const unit = new CodeUnit(HELPERS);
  instructionCode(ins, unit, context);
  resumeCode(ins, unit, context);
  const call = ins.call;
  if (call !== null && call.target.kind === 'direct') {
    const callee = context.module.functions[call.target.function]!;
    if (!callee.defined && !BUILTINS.has(callee.name)) {
      throw new UnsupportedError(`the emulated device does not provide the external function ${callee.name} (it provides ${[...BUILTINS].join(', ')})`, ins);
    }
  }
}

/**
 * Checks every function reachable from a kernel.
 * @throws UnsupportedError naming the first instruction the engine cannot execute.
 */
export function validateModule(module: IrModule): void {
  const checked = new Set<number>();
  for (const kernel of module.kernels.values()) {
    for (const f of kernel.reachable) {
      if (checked.has(f)) continue;
      checked.add(f);
      const fn = module.functions[f]!;
      const context = checkingContext(module, kernel, f);
      for (const block of fn.blocks) for (const ins of block.instructions) checkInstruction(ins, context);
    }
  }
}
