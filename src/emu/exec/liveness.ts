/**
 * Register liveness over a function's CFG (bit sets indexed by register id): which registers a
 * block's successors may still read. The JIT writes back only the cached registers that are live
 * after a segment (jit/block.ts); pressure.ts estimates register counts from it.
 * @module
 */
import type { IrFunction, IrInstruction, IrOperand, IrRegister } from '../ir/types.js';

/**
 * Calls `use` for every register `ins` reads, then `def` for every register it writes (reads come
 * first: `add %r1, %r1, 1` reads %r1 before writing it).
 */
export function usesAndDefs(ins: IrInstruction, use: (r: IrRegister) => void, def: (r: IrRegister) => void): void {
  if (ins.guard !== null) use(ins.guard.reg);
  const visit = (o: IrOperand, dst: boolean, pass: boolean): void => {
    switch (o.kind) {
      case 'reg': if (dst === pass) (dst ? def : use)(o.reg); break;
      case 'addr': if (!pass && o.base?.kind === 'register') use(o.base); break;
      case 'vec': for (const e of o.elements) visit(e, dst, pass); break;
      case 'pair': visit(o.first, dst, pass); visit(o.second, dst, pass); break;
      default: break;
    }
  };
  if (ins.call?.target.kind === 'indirect') use(ins.call.target.reg);
  ins.operands.forEach((o, k) => visit(o, ins.roles[k]!.dst, false));
  ins.operands.forEach((o, k) => visit(o, ins.roles[k]!.dst, true));
}

/** Live registers at the entry and exit of every block (bit sets over register ids). */
export interface Liveness {
  readonly liveIn: readonly Uint32Array[];
  readonly liveOut: readonly Uint32Array[];
}

/** Backward dataflow to a fixed point; a guarded write does not kill (the old value may survive). */
export function liveness(fn: IrFunction): Liveness {
  const words = Math.ceil(fn.registers.length / 32) || 1;
  const blocks = fn.blocks;
  const B = blocks.length;
  const has = (s: Uint32Array, id: number): boolean => ((s[id >>> 5]! >>> (id & 31)) & 1) !== 0;
  const add = (s: Uint32Array, id: number): void => { s[id >>> 5]! |= 1 << (id & 31); };
  const useSets = Array.from({ length: B }, () => new Uint32Array(words));
  const defSets = Array.from({ length: B }, () => new Uint32Array(words));
  for (const b of blocks) {
    const u = useSets[b.index]!, d = defSets[b.index]!;
    for (const ins of b.instructions) {
      usesAndDefs(ins, (r) => { if (!has(d, r.id)) add(u, r.id); }, (r) => { if (ins.guard === null) add(d, r.id); });
    }
  }
  const liveIn = Array.from({ length: B }, () => new Uint32Array(words));
  const liveOut = Array.from({ length: B }, () => new Uint32Array(words));
  for (let changed = true; changed;) {
    changed = false;
    for (let b = B - 1; b >= 0; b--) {
      const out = liveOut[b]!, inn = liveIn[b]!;
      for (const s of blocks[b]!.successors) {
        const si = liveIn[s]!;
        for (let w = 0; w < words; w++) out[w]! |= si[w]!;
      }
      for (let w = 0; w < words; w++) {
        const v = (useSets[b]![w]! | (out[w]! & ~defSets[b]![w]!)) >>> 0;
        if (v !== inn[w]) { inn[w] = v; changed = true; }
      }
    }
  }
  return { liveIn, liveOut };
}
