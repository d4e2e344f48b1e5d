/**
 * A readable text form of the IR, for debugging, error messages and tests. Registers print as
 * `name:class#slot` (e.g. `%rd4:addr#2`), immediates as their value, symbols as `&name`, memory
 * operands as `[base+offset]`, branch targets as `B<index>`.
 * @module
 */
import type { IrBlock, IrFunction, IrInstruction, IrOperand, IrRegister, IrSymbol } from './types.js';

/** One operand as text. */
export function formatOperand(op: IrOperand): string {
  switch (op.kind) {
    case 'reg': return (op.negate ? '!' : '') + formatRegister(op.reg);
    case 'imm': return typeof op.value === 'bigint' ? `${op.value}n` : String(op.value);
    case 'sreg': return `%${op.name}${op.component === null ? '' : `.${'xyzw'[op.component]}`}`;
    case 'sym': return `&${formatSymbol(op.symbol)}`;
    case 'addr': {
      const base = op.base === null ? '' : op.base.kind === 'register' ? formatRegister(op.base) : formatSymbol(op.base);
      const offset = op.offset === 0 && base !== '' ? '' : `${op.offset >= 0 && base !== '' ? '+' : ''}${op.offset}`;
      return `[${base}${offset}]`;
    }
    case 'vec': return `{${op.elements.map(formatOperand).join(', ')}}`;
    case 'pair': return `${formatOperand(op.first)}|${formatOperand(op.second)}`;
    case 'label': return `B${op.block}`;
    case 'targets': return `{${op.blocks.map((b) => `B${b}`).join(', ')}}`;
    case 'sink': return '_';
  }
}

/** A register as `name:class#slot`. */
export function formatRegister(reg: IrRegister): string {
  return `${reg.name}:${reg.cls}#${reg.slot}`;
}

function formatSymbol(s: IrSymbol): string {
  switch (s.kind) {
    case 'param': return `${s.name}@${s.region}+${s.offset}`;
    case 'local': return `${s.name}@local+${s.offset}`;
    case 'shared': return `${s.name}@shared#${s.id}`;
    case 'variable': return `${s.name}@${s.space}`;
    case 'function': return `${s.name}()`;
  }
}

/** One instruction as text, e.g. `@!%p1:pred#1 bra B2`. */
export function formatInstruction(ins: IrInstruction): string {
  const guard = ins.guard === null ? '' : `@${ins.guard.negate ? '!' : ''}${formatRegister(ins.guard.reg)} `;
  let operands = ins.operands.map(formatOperand).join(', ');
  if (ins.call !== null) {
    const c = ins.call;
    const target = c.target.kind === 'direct' ? `#${c.target.function}` : formatRegister(c.target.reg);
    operands = `(${c.returns.map(formatSymbol).join(', ')}), ${target}, (${c.args.map(formatSymbol).join(', ')})`;
  }
  return `${guard}${ins.decoded.name}${operands === '' ? '' : ' ' + operands}`;
}

/** A block header and its instructions. */
export function formatBlock(block: IrBlock): string {
  const head = `B${block.index}${block.labels.length > 0 ? ` (${block.labels.join(', ')})` : ''}:` +
    ` -> [${block.successors.join(', ')}]${block.exits ? ' exit' : ''} ipdom=${block.ipdom}${block.divergent ? ' divergent' : ''}`;
  return [head, ...block.instructions.map((i) => `  ${formatInstruction(i)}`)].join('\n');
}

/** A whole function. */
export function formatFunction(fn: IrFunction): string {
  const head = `${fn.isKernel ? '.entry' : '.func'} ${fn.name} regs=${JSON.stringify(fn.registerCounts)} frame=${fn.paramFrameBytes} local=${fn.localBytes}`;
  return [head, ...fn.blocks.map(formatBlock)].join('\n');
}
