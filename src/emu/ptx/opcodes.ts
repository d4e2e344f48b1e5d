/**
 * The opcode table: for every PTX opcode the front end accepts, which modifier categories it
 * takes, how many type suffixes, which categories are mandatory, its operand signature and
 * whether it transfers control. Adding an opcode is adding one line here.
 *
 * Operand signatures are written as space-separated operand roles:
 * - `d:T` a destination, `s:T` a source, `m` a memory operand `[…]`, `l` a label;
 * - `T` is `0`/`1`/`2` (the instruction's first/second/third type suffix), `w` (twice the width
 *   of the first type, for `mul.wide`), `dp` (the dp4a/dp2a result: `u32` when both inputs are
 *   unsigned, else `s32`) or a literal type name (`u32`, `pred` …);
 * - a trailing `?` marks an optional operand; `d:T|pred` is a destination that may be written
 *   `d|p` with a predicate second part.
 * Several signatures (an array) are alternatives chosen by operand count.
 * @module
 */
import type { Category, DecodedModifiers } from './modifiers.js';

/** How an instruction affects control flow (the IR ends a basic block after each of these). */
export type FlowKind = 'branch' | 'call' | 'return' | 'exit' | 'trap' | 'barrier';

/** One opcode's rules. */
export interface OpcodeSpec {
  /** Modifier categories accepted, in lookup priority order. */
  readonly categories: readonly Category[];
  /** Minimum and maximum number of type suffixes. */
  readonly types: readonly [number, number];
  /** Categories that must be present. */
  readonly required: readonly Category[];
  /** Operand signature(s), or a function of the decoded modifiers giving them. */
  readonly signature: string | readonly string[] | ((m: DecodedModifiers) => string | readonly string[]);
  /** Control-flow effect, if any. */
  readonly flow: FlowKind | null;
}

const op = (
  categories: string,
  types: number | readonly [number, number],
  signature: OpcodeSpec['signature'],
  options: { required?: string; flow?: FlowKind } = {},
): OpcodeSpec => ({
  categories: categories.split(' ').filter(Boolean) as Category[],
  types: typeof types === 'number' ? [types, types] : types,
  required: (options.required ?? '').split(' ').filter(Boolean) as Category[],
  signature,
  flow: options.flow ?? null,
});

const BINARY = 'd:0 s:0 s:0';
const UNARY = 'd:0 s:0';
const TERNARY = 'd:0 s:0 s:0 s:0';
const FLOAT_UNARY = op('rounding approx ftz', 1, UNARY);
const TRANSCENDENTAL = op('approx ftz', 1, UNARY);
const MINMAX = op('ftz relu nan xorsign abs', 1, 'd:0 s:0 s:0 s:0?');
const SIMD_VIDEO = op('sat op cmp', 3, 'd:0 s:1 s:2 s:0?');
const MEMORY = 'space sem scope cache nc hints vec';

/** Every opcode the front end decodes, keyed by its (possibly compound) name. */
export const OPCODES: ReadonlyMap<string, OpcodeSpec> = new Map<string, OpcodeSpec>([
  // Integer and floating-point arithmetic.
  ['add', op('rounding ftz sat cc relu', 1, BINARY)],
  ['sub', op('rounding ftz sat cc relu', 1, BINARY)],
  ['addc', op('cc', 1, BINARY)],
  ['subc', op('cc', 1, BINARY)],
  ['mul', op('rounding ftz sat mode', 1, (m) => (m.mode === 'wide' ? 'd:w s:0 s:0' : BINARY))],
  ['mad', op('mode rounding ftz sat cc relu', 1, (m) => (m.mode === 'wide' ? 'd:w s:0 s:0 s:w' : TERNARY))],
  ['madc', op('mode cc', 1, TERNARY)],
  ['mul24', op('mode', 1, BINARY)],
  ['mad24', op('mode sat', 1, TERNARY)],
  ['sad', op('', 1, TERNARY)],
  ['fma', op('rounding ftz sat relu oob', 1, TERNARY)],
  ['div', op('rounding ftz approx full', 1, BINARY)],
  ['rem', op('', 1, BINARY)],
  ['abs', op('ftz relu', 1, UNARY)],
  ['neg', op('ftz relu', 1, UNARY)],
  ['min', MINMAX],
  ['max', MINMAX],
  ['copysign', op('', 1, BINARY)],
  ['rcp', FLOAT_UNARY],
  ['sqrt', FLOAT_UNARY],
  ['rsqrt', FLOAT_UNARY],
  ['ex2', TRANSCENDENTAL],
  ['lg2', TRANSCENDENTAL],
  ['sin', TRANSCENDENTAL],
  ['cos', TRANSCENDENTAL],
  ['tanh', TRANSCENDENTAL],
  ['testp', op('testp', 1, 'd:pred s:0', { required: 'testp' })],
  // Bitwise, shifts and bit fields.
  ['and', op('', 1, BINARY)],
  ['or', op('', 1, BINARY)],
  ['xor', op('', 1, BINARY)],
  ['not', op('', 1, UNARY)],
  ['cnot', op('', 1, UNARY)],
  ['lop3', op('', 1, 'd:0 s:0 s:0 s:0 s:b32')],
  ['shl', op('', 1, 'd:0 s:0 s:u32')],
  ['shr', op('', 1, 'd:0 s:0 s:u32')],
  ['shf', op('dir clamp', 1, 'd:b32 s:b32 s:b32 s:u32', { required: 'dir clamp' })],
  ['prmt', op('prmt', 1, 'd:b32 s:b32 s:b32 s:b32')],
  ['bfe', op('', 1, 'd:0 s:0 s:u32 s:u32')],
  ['bfi', op('', 1, 'd:0 s:0 s:0 s:u32 s:u32')],
  ['bfind', op('shiftamt', 1, 'd:u32 s:0')],
  ['brev', op('', 1, UNARY)],
  ['popc', op('', 1, 'd:u32 s:0')],
  ['clz', op('', 1, 'd:u32 s:0')],
  ['fns', op('', 1, 'd:b32 s:b32 s:u32 s:s32')],
  ['bmsk', op('clamp', 1, 'd:b32 s:u32 s:u32', { required: 'clamp' })],
  ['szext', op('clamp', 1, 'd:0 s:0 s:u32', { required: 'clamp' })],
  ['dp4a', op('', 2, 'd:dp s:0 s:1 s:dp')],
  ['dp2a', op('mode', 2, 'd:dp s:0 s:1 s:dp', { required: 'mode' })],
  // Comparison and selection.
  ['setp', op('cmp boolOp ftz', 1, 'd:pred|pred s:0 s:0 s:pred?', { required: 'cmp' })],
  ['set', op('cmp boolOp ftz', 2, 'd:0 s:1 s:1 s:pred?', { required: 'cmp' })],
  ['selp', op('', 1, 'd:0 s:0 s:0 s:pred')],
  ['slct', op('ftz', 2, 'd:0 s:0 s:0 s:1')],
  // Data movement and conversion.
  ['mov', op('', 1, UNARY)],
  ['cvt', op('rounding ftz sat relu satfinite', 2, 'd:0 s:1 s:1?')],
  ['cvta', op('to space', 1, UNARY, { required: 'space' })],
  ['isspacep', op('space', 0, 'd:pred s:u64', { required: 'space' })],
  ['ld', op(MEMORY, 1, 'd:0 m')],
  ['ldu', op('space vec', 1, 'd:0 m')],
  ['st', op(MEMORY, 1, 'm s:0')],
  ['prefetch', op('space level hints', 0, 'm')],
  ['prefetchu', op('level', 0, 'm', { required: 'level' })],
  ['atom', op('space sem scope op vec noftz', 1, (m) => (m.op === 'cas' ? 'd:0 m s:0 s:0' : 'd:0 m s:0'), { required: 'op' })],
  ['red', op('space sem scope op vec noftz', 1, 'm s:0', { required: 'op' })],
  ['mapa', op('space', 1, 'd:0 s:0 s:u32')],
  ['getctarank', op('space', 1, 'd:u32 s:0')],
  // Control flow.
  ['bra', op('uni', 0, 'l', { flow: 'branch' })],
  ['brx.idx', op('uni', 0, 's:u32 l', { flow: 'branch' })],
  ['call', op('uni', 0, '', { flow: 'call' })],
  ['ret', op('uni', 0, '', { flow: 'return' })],
  ['exit', op('', 0, '', { flow: 'exit' })],
  ['trap', op('', 0, '', { flow: 'trap' })],
  ['brkpt', op('', 0, '')],
  ['nanosleep', op('', 1, 's:0')],
  // Synchronization and warp-level operations.
  ['bar', op('barrier aligned op', [0, 1], barrierSignature, { required: 'barrier', flow: 'barrier' })],
  ['barrier', op('barrier aligned op', [0, 1], barrierSignature, { required: 'barrier', flow: 'barrier' })],
  ['bar.warp.sync', op('', 0, 's:b32', { flow: 'barrier' })],
  ['barrier.cluster', op('barrier sem aligned', 0, '', { required: 'barrier', flow: 'barrier' })],
  ['membar', op('membar', 0, '', { required: 'membar' })],
  ['fence', op('sem scope', 0, '')],
  ['shfl', op('sync shfl', 1, 'd:b32|pred s:b32 s:u32 s:u32 s:b32', { required: 'sync shfl' })],
  ['vote', op('sync vote', 1, (m) => (m.vote === 'ballot' ? 'd:b32 s:pred s:b32' : 'd:pred s:pred s:b32'), { required: 'sync vote' })],
  ['activemask', op('', 1, 'd:b32')],
  ['redux', op('sync op abs nan', 1, 'd:0 s:0 s:b32', { required: 'sync op' })],
  ['match', op('match sync', 1, (m) => (m.match === 'all' ? 'd:b32|pred s:0 s:b32' : 'd:b32 s:0 s:b32'), { required: 'match sync' })],
  ['elect', op('sync', 0, 'd:b32|pred s:b32', { required: 'sync' })],
  // SIMD video instructions (emitted for __vadd4, __vabsdiffu4, __vcmpgtu2 …).
  ...['vadd2', 'vsub2', 'vavrg2', 'vabsdiff2', 'vmin2', 'vmax2', 'vset2', 'vadd4', 'vsub4', 'vavrg4', 'vabsdiff4', 'vmin4', 'vmax4', 'vset4']
    .map((name) => [name, SIMD_VIDEO] as const),
]);

/** Operands of `bar`/`barrier`: `sync`/`arrive` take a barrier id and an optional count; `red` a result and a predicate. */
function barrierSignature(m: DecodedModifiers): readonly string[] {
  if (m.barrier !== 'red') return ['s:u32 s:u32?'];
  const d = m.op === 'popc' ? 'd:u32' : 'd:pred';
  return [`${d} s:u32 s:pred`, `${d} s:u32 s:u32 s:pred`];
}

/** Compound opcode names: the longest one matching the written prefix wins. */
export const COMPOUND_OPCODES: ReadonlySet<string> = new Set([...OPCODES.keys()].filter((k) => k.includes('.')));
