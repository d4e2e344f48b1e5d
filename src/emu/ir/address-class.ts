/**
 * Classification of 64-bit integer registers as *address-like* (storage class `addr`: a JS
 * number) or *integer* (storage class `r64`: a BigInt64 bit pattern).
 *
 * A register is address-like when its value flows into an address: it is the base of a memory
 * operand, the source of `cvta`/`mapa`/`isspacep`/`getctarank`, or the target of an indirect
 * call — or it is a source of an address-forming instruction (`mov`, `cvta`, `add`, `sub`, `mul`,
 * `mad`, `shl`, `neg`, `selp`, `cvt`, `mapa`) whose result is address-like. Reducing instructions
 * (`shr`, `and`, `div`, `rem`, …) stop the flow: a hash shifted down to an index stays an integer.
 *
 * The assumption behind it: values that contribute to a valid address through these instructions
 * stay within ±2^53, so a double holds them exactly. An engine must store the *signed* value
 * (`Number(BigInt.asIntN(64, x))`) when it writes an `addr` register and convert at every place
 * where a 64-bit bit pattern is needed (memory, `mov.b64` to another class, unsigned compares of
 * negative values).
 * @module
 */
import { typeInfo } from '../ptx/types.js';
import type { IrInstruction, IrOperand, IrRegister } from './types.js';

const WIDE_INT: ReadonlySet<string> = new Set(['b64', 'u64', 's64']);

/** Source operand positions through which addresses flow, by opcode. */
const FLOW_SOURCES: ReadonlyMap<string, readonly number[]> = new Map([
  ['mov', [1]], ['cvta', [1]], ['add', [1, 2]], ['sub', [1, 2]], ['mul', [1, 2]], ['mad', [1, 2, 3]],
  ['shl', [1]], ['neg', [1]], ['selp', [1, 2]], ['cvt', [1]], ['mapa', [1]],
]);

/** Opcodes whose first source is used as an address. */
const ADDRESS_SOURCES: ReadonlySet<string> = new Set(['cvta', 'mapa', 'isspacep', 'getctarank']);

/** Whether `reg` is a candidate (declared `.b64`/`.u64`/`.s64`). */
export function isWideInteger(reg: IrRegister): boolean {
  return WIDE_INT.has(reg.type);
}

/**
 * Finds the address-like registers of one function.
 * @returns The registers to store as `addr`.
 */
export function addressRegisters(instructions: readonly IrInstruction[]): Set<IrRegister> {
  const defs = new Map<IrRegister, IrInstruction[]>();
  const involved = new Set<IrRegister>();
  const work: IrRegister[] = [];
  const mark = (op: IrOperand | undefined): void => {
    if (op?.kind === 'reg' && isWideInteger(op.reg) && !involved.has(op.reg)) {
      involved.add(op.reg);
      work.push(op.reg);
    }
  };
  for (const ins of instructions) {
    const { operands, roles } = ins;
    for (let k = 0; k < operands.length; k++) {
      const op = operands[k]!;
      if (roles[k]!.dst) {
        if (op.kind === 'reg' && isWideInteger(op.reg)) {
          const list = defs.get(op.reg);
          if (list === undefined) defs.set(op.reg, [ins]);
          else list.push(ins);
        }
      } else if (op.kind === 'addr' && op.base?.kind === 'register') {
        mark({ kind: 'reg', reg: op.base, negate: false });
      }
    }
    if (ADDRESS_SOURCES.has(ins.op)) mark(operands[1]);
    if (ins.call?.target.kind === 'indirect') mark({ kind: 'reg', reg: ins.call.target.reg, negate: false });
  }
  while (work.length > 0) {
    const reg = work.pop()!;
    for (const def of defs.get(reg) ?? []) {
      const sources = FLOW_SOURCES.get(def.op);
      if (sources === undefined) continue;
      if (def.op === 'cvt' && typeInfo(def.decoded.types[1]!).kind === 'float') continue;
      for (const k of sources) mark(def.operands[k]);
    }
  }
  return involved;
}
