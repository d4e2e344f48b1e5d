/**
 * The PTX front end: lexer, parser, AST and orthogonal instruction decoding.
 *
 * @example
 * ```ts
 * import { parsePtx } from './emu/ptx/index.js';
 * const ast = parsePtx(ptxText, 'cuModuleLoadData');
 * for (const item of ast.items) if (item.kind === 'function') console.log(item.name, item.entry);
 * ```
 * @module
 */
export * from './ast.js';
export { parsePtx } from './parser.js';
export { lex, tokenize, TokenBuffer, type Token, type TokenKind } from './lexer.js';
export { decodeInstruction, isKnownOpcode, operandRoles, type DecodedInstruction, type OperandRole } from './instruction.js';
export type * from './modifiers.js';
export { OPCODES, type FlowKind, type OpcodeSpec } from './opcodes.js';
export { decodeFloatLiteral, decodeIntLiteral, type FloatLiteral } from './literals.js';
export { isPtxType, typeInfo, typeBytes, PTX_TYPES, type PtxType, type PtxTypeInfo, type PtxTypeKind } from './types.js';
