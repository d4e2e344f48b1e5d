/**
 * Typing of literal operands: a PTX literal means what its operand's type says (`-1` is
 * 0xFFFFFFFF for `.u32`, −1 for `.s32`; `0f3F800000` is 1.0 for `.f32` and the bits 0x3F800000
 * for `.b32`).
 * @module
 */
import type { FloatOperand, IntOperand } from '../ptx/ast.js';
import { f32Bits, f32FromBits, f64Bits, f64FromBits } from '../ptx/literals.js';
import { typeInfo, type PtxType } from '../ptx/types.js';
import type { IrImmOperand } from './types.js';

/**
 * The immediate operand for `literal` used as `type`.
 * @returns The operand, or a message saying why the literal does not fit the type.
 */
export function typedImmediate(literal: IntOperand | FloatOperand, type: PtxType): IrImmOperand | string {
  const info = typeInfo(type);
  const width = info.bits;
  if (type === 'pred') {
    const v = literal.kind === 'int' ? literal.value !== 0n : literal.value !== 0;
    return { kind: 'imm', type, value: v ? 1 : 0, bits: v ? 1n : 0n };
  }
  if (info.kind === 'float' && info.lanes === 1 && (width === 32 || width === 64)) {
    let value: number;
    if (literal.kind === 'float') value = width === 32 ? Math.fround(literal.value) : literal.value;
    else value = width === 32 ? Math.fround(Number(BigInt.asIntN(64, literal.value))) : Number(BigInt.asIntN(64, literal.value));
    return { kind: 'imm', type, value, bits: width === 32 ? BigInt(f32Bits(value)) : f64Bits(value) };
  }
  // Integer, bit and packed types (f16, bf16, f16x2 … are taken as bit patterns).
  let raw: bigint;
  if (literal.kind === 'int') {
    raw = literal.value;
  } else {
    if (literal.width !== width) {
      return `a ${literal.width}-bit floating-point literal cannot be a .${type} operand (write the bit pattern as an integer)`;
    }
    raw = literal.bits;
  }
  const bits = BigInt.asUintN(width, raw);
  if (width <= 32) {
    const value = info.kind === 'signed' ? Number(BigInt.asIntN(width, raw)) : Number(bits);
    return { kind: 'imm', type, value, bits };
  }
  return { kind: 'imm', type, value: info.kind === 'signed' ? BigInt.asIntN(width, raw) : bits, bits };
}

/** The number an f32 or f64 immediate stands for, from its bits (for tests and printing). */
export function immediateFloat(imm: IrImmOperand): number {
  return imm.type === 'f32' ? f32FromBits(Number(imm.bits)) : f64FromBits(imm.bits);
}
