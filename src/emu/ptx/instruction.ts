/**
 * Orthogonal instruction decoding: `opcode{.modifier}*{.type}*` → {@link DecodedInstruction}.
 *
 * The opcode (possibly compound, e.g. `bar.warp.sync`, `barrier.cluster`, `brx.idx`) selects an
 * {@link OpcodeSpec}; every further part is either a type suffix (kept in order) or a modifier
 * that must belong to one of the categories the opcode accepts. Modifier order is free
 * (`atom.add.relaxed.gpu.s32` and `atom.relaxed.gpu.add.s32` decode alike). Decoded instructions
 * are immutable and cached by spelling, so a module with ten thousand `add.s32` decodes it once.
 * @module
 */
import { COMPOUND_OPCODES, OPCODES, type FlowKind, type OpcodeSpec } from './opcodes.js';
import { lookupModifier, NO_MODIFIERS, type Category, type DecodedModifiers } from './modifiers.js';
import { isPtxType, typeInfo, widenedType, type PtxType } from './types.js';

/** What one operand of an instruction is, as its signature says. */
export interface OperandRole {
  /** True for operands the instruction writes. */
  readonly dst: boolean;
  /** `value`: a register, immediate, symbol or vector; `memory`: `[…]`; `label`: a branch target. */
  readonly form: 'value' | 'memory' | 'label';
  /** The type the instruction reads or writes the operand as (for memory operands: the type of the access). */
  readonly type: PtxType;
  /** For `d|p` destinations: the type of the optional second part (`pred`), else `null`. */
  readonly pairType: PtxType | null;
  /** Whether the operand may be left out (only trailing operands are optional). */
  readonly optional: boolean;
  /** Width of {@link type} in bits (`pred`: 1). */
  readonly bits: number;
}

/** One decoded opcode spelling such as `ld.global.nc.v2.f64` or `setp.lt.and.s32`. */
export interface DecodedInstruction {
  /** The spelling as written, e.g. `cvt.rn.f32.s32`. */
  readonly name: string;
  /** The opcode: a key of {@link OPCODES}, e.g. `cvt`, `bar.warp.sync`, `brx.idx`. */
  readonly opcode: string;
  /** Type suffixes in order (`cvt.rn.f32.s32` → `['f32', 's32']`). */
  readonly types: readonly PtxType[];
  /** The first type suffix, or `null` when there is none. */
  readonly type: PtxType | null;
  /** All modifiers. */
  readonly mods: DecodedModifiers;
  /** Control-flow effect. */
  readonly flow: FlowKind | null;
  /** Operand signatures this instruction accepts (alternatives chosen by operand count). */
  readonly signatures: readonly (readonly OperandRole[])[];
  /** The signature for each operand count (index), `null` where none fits; see {@link operandRoles}. */
  readonly rolesByCount: readonly (readonly OperandRole[] | null)[];
}

/** Reports a decoding error about `parts[index]` (0 is the opcode). Never returns. */
export type DecodeFailure = (message: string, index: number) => never;

const cache = new Map<string, DecodedInstruction>();

/** Whether `opcode` (possibly compound, e.g. `bar.warp.sync`) is an opcode the front end knows. */
export function isKnownOpcode(opcode: string): boolean {
  return OPCODES.has(opcode);
}

/**
 * Decodes an instruction spelling.
 * @param name - The spelling, e.g. `ld.global.nc.f32` (opcode and dot-separated parts).
 * @param fail - Called with a message and the index of the offending part (0 is the opcode).
 */
export function decodeInstruction(name: string, fail: DecodeFailure): DecodedInstruction {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const decoded = decodeUncached(name, name.split('.'), fail);
  cache.set(name, decoded);
  return decoded;
}

function decodeUncached(name: string, parts: readonly string[], fail: DecodeFailure): DecodedInstruction {
  let consumed = 1;
  let opcode = parts[0]!;
  for (let n = Math.min(3, parts.length); n > 1; n--) {
    const compound = parts.slice(0, n).join('.');
    if (COMPOUND_OPCODES.has(compound)) { opcode = compound; consumed = n; break; }
  }
  const spec = OPCODES.get(opcode);
  if (spec === undefined) fail(`unknown opcode '${opcode}'`, 0);
  const types: PtxType[] = [];
  const mods: Record<string, unknown> = { ...NO_MODIFIERS };
  const seen = new Set<Category>();
  for (let i = consumed; i < parts.length; i++) {
    const part = parts[i]!;
    if (isPtxType(part)) {
      if (types.length >= spec!.types[1]) fail(`too many type suffixes for '${opcode}' at '.${part}'`, i);
      types.push(part);
      continue;
    }
    const category = categoryOf(spec!, part);
    if (category === null) fail(`unknown modifier '.${part}' for '${opcode}'`, i);
    if (category === 'hints') {
      mods.hints = [...(mods.hints as string[]), part];
      continue;
    }
    if (seen.has(category!)) fail(`conflicting modifier '.${part}' for '${opcode}' (${category} given twice)`, i);
    seen.add(category!);
    mods[category!] = lookupModifier(category!, part);
  }
  if (types.length < spec!.types[0]) {
    fail(`'${name}' needs ${spec!.types[0]} type suffix${spec!.types[0] > 1 ? 'es' : ''}`, parts.length - 1);
  }
  for (const required of spec!.required) {
    if (!seen.has(required)) fail(`'${name}' lacks a ${required} modifier`, 0);
  }
  const decodedMods = Object.freeze(mods) as unknown as DecodedModifiers;
  const signature = typeof spec!.signature === 'function' ? spec!.signature(decodedMods) : spec!.signature;
  const variants = typeof signature === 'string' ? [signature] : signature;
  const signatures = variants.map((v) => parseSignature(v, types, name, fail));
  const rolesByCount: (readonly OperandRole[] | null)[] = [];
  for (const roles of signatures) {
    const required = roles.filter((r) => !r.optional).length;
    for (let c = required; c <= roles.length; c++) rolesByCount[c] ??= c === roles.length ? roles : Object.freeze(roles.slice(0, c));
  }
  for (let c = 0; c < rolesByCount.length; c++) rolesByCount[c] ??= null;
  return Object.freeze({
    name,
    opcode,
    types: Object.freeze(types),
    type: types[0] ?? null,
    mods: decodedMods,
    flow: spec!.flow,
    signatures: Object.freeze(signatures),
    rolesByCount: Object.freeze(rolesByCount),
  });
}

function categoryOf(spec: OpcodeSpec, word: string): Category | null {
  for (const category of spec.categories) {
    if (lookupModifier(category, word) !== undefined) return category;
  }
  return null;
}

function parseSignature(signature: string, types: readonly PtxType[], name: string, fail: DecodeFailure): readonly OperandRole[] {
  const roles: OperandRole[] = [];
  for (const word of signature.split(' ')) {
    if (word === '') continue;
    const optional = word.endsWith('?');
    const text = optional ? word.slice(0, -1) : word;
    if (text === 'm' || text === 'l') {
      const type = types[0] ?? 'b64';
      roles.push({ dst: false, form: text === 'm' ? 'memory' : 'label', type, pairType: null, optional, bits: typeInfo(type).bits });
      continue;
    }
    const [access, spelled] = text.split(':') as [string, string];
    const [main, pair] = spelled.split('|') as [string, string | undefined];
    const type = resolveType(main, types, name, fail);
    roles.push({
      dst: access === 'd',
      form: 'value',
      type,
      pairType: pair === undefined ? null : resolveType(pair, types, name, fail),
      optional,
      bits: typeInfo(type).bits,
    });
  }
  return Object.freeze(roles);
}

function resolveType(token: string, types: readonly PtxType[], name: string, fail: DecodeFailure): PtxType {
  switch (token) {
    case '0': case '1': case '2': {
      const t = types[Number(token)];
      if (t === undefined) fail(`'${name}' needs ${Number(token) + 1} type suffixes`, 0);
      return t!;
    }
    case 'w': return widenedType(types[0]!);
    case 'dp': return typeInfo(types[0]!).kind === 'unsigned' && typeInfo(types[1]!).kind === 'unsigned' ? 'u32' : 's32';
    default: return token as PtxType;
  }
}

/**
 * The operand roles of `decoded` for an instruction written with `count` operands (exactly
 * `count` roles), or `null` when no signature accepts that many.
 */
export function operandRoles(decoded: DecodedInstruction, count: number): readonly OperandRole[] | null {
  return decoded.rolesByCount[count] ?? null;
}

/** A readable description of the operand counts `decoded` accepts, for error messages. */
export function expectedOperandCounts(decoded: DecodedInstruction): string {
  const counts: number[] = [];
  decoded.rolesByCount.forEach((roles, c) => { if (roles !== null) counts.push(c); });
  return counts.join(' or ');
}
