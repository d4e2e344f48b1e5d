/**
 * Register allocation estimate: what a kernel reports as its register count (CU_FUNC_ATTRIBUTE_NUM_REGS,
 * the launch limit on threads per block, occupancy). PTX declares virtual registers by the
 * hundred (`%r<836>`); ptxas assigns far fewer hardware registers, about as many as are live at
 * once. The engine estimates that: the most 32-bit register units live at any instruction (64-bit
 * values count two, predicates none — they have their own file), over the kernel and the functions
 * it calls, plus a few for the ABI (stack pointer, return address), capped by the declared count.
 * @module
 */
import type { IrFunction, IrKernel, IrModule, RegClass } from '../ir/types.js';
import { liveness, usesAndDefs } from './liveness.js';

const WEIGHT: Readonly<Record<RegClass, number>> = { pred: 0, r16: 1, r32: 1, r64: 2, addr: 2 };
/** Registers ptxas keeps besides the program's values. */
const OVERHEAD = 2;

/** The most register units live at once in `fn`. */
export function registerPressure(fn: IrFunction): number {
  const n = fn.registers.length;
  const blocks = fn.blocks;
  const { liveOut } = liveness(fn);
  const has = (s: Uint32Array, id: number): boolean => ((s[id >>> 5]! >>> (id & 31)) & 1) !== 0;
  const add = (s: Uint32Array, id: number): void => { s[id >>> 5]! |= 1 << (id & 31); };
  const regs = fn.registers;
  let max = 0;
  for (const b of blocks) {
    const live = Uint32Array.from(liveOut[b.index]!);
    let size = 0;
    for (let id = 0; id < n; id++) if (has(live, id)) size += WEIGHT[regs[id]!.cls];
    max = Math.max(max, size);
    for (let k = b.instructions.length - 1; k >= 0; k--) {
      const ins = b.instructions[k]!;
      usesAndDefs(ins, () => {}, (r) => {
        if (ins.guard === null && has(live, r.id)) { live[r.id >>> 5]! &= ~(1 << (r.id & 31)); size -= WEIGHT[r.cls]; }
      });
      usesAndDefs(ins, (r) => { if (!has(live, r.id)) { add(live, r.id); size += WEIGHT[r.cls]; } }, () => {});
      // Results written here occupy registers too, even if never read.
      let defined = 0;
      usesAndDefs(ins, () => {}, (r) => { if (!has(live, r.id)) defined += WEIGHT[r.cls]; });
      max = Math.max(max, size + defined);
    }
  }
  return max;
}

/** The register count the engine reports for `kernel`. */
export function kernelRegisters(module: IrModule, kernel: IrKernel, declared: number): number {
  let max = 0;
  for (const f of kernel.reachable) {
    const fn = module.functions[f]!;
    if (fn.defined) max = Math.max(max, registerPressure(fn));
  }
  return Math.max(1, Math.min(declared, max + OVERHEAD));
}
