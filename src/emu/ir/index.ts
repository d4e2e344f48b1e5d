/**
 * The emulator's IR: lowering of parsed PTX into resolved, typed, block-structured code.
 *
 * @example Walk a kernel
 * ```ts
 * import { compilePtx } from './emu/ir/index.js';
 * const ir = compilePtx(ptxText, 'cuModuleLoadData');
 * const k = ir.kernels.get('saxpy')!;
 * console.log(k.info.paramBytes, k.registerCounts);
 * for (const block of k.blocks) {
 *   for (const ins of block.instructions) console.log(ins.op, ins.decoded.types, ins.operands);
 *   console.log('->', block.successors, 'reconverge at', block.ipdom);
 * }
 * ```
 * @module
 */
import { parsePtx } from '../ptx/parser.js';
import { lowerModule } from './lower-module.js';
import type { IrModule } from './types.js';

export * from './types.js';
export { lowerModule } from './lower-module.js';
export { buildCfg, postDominators, type Cfg, type CfgInput } from './cfg.js';
export { addressRegisters } from './address-class.js';
export { SPECIAL_REGISTERS, type SpecialRegisterInfo } from './special-registers.js';
export { typedImmediate } from './immediates.js';
export { alignUp } from './layout.js';
export { storageClass } from './lower-function.js';

/**
 * Parses and lowers PTX text in one step.
 * @param text - PTX source.
 * @param call - The API call to name in errors (default `cuModuleLoadData`).
 * @throws PtxSyntaxError naming the line and token of the first problem.
 */
export function compilePtx(text: string, call = 'cuModuleLoadData'): IrModule {
  return lowerModule(parsePtx(text, call));
}
export { formatBlock, formatFunction, formatInstruction, formatOperand, formatRegister } from './print.js';
