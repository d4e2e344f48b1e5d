/**
 * The modifier vocabulary of PTX instructions, grouped into categories. An instruction is decoded
 * as opcode × modifiers × types: every modifier after the opcode belongs to exactly one category
 * that the opcode accepts (see `opcodes.ts`), so `.lo` is a comparison for `setp` and a
 * multiplication half for `mul`, and `.and` is a boolean combiner for `setp` and an atomic
 * operation for `atom`, without ever matching whole instruction strings.
 * @module
 */

/** Rounding modifiers: float rounding (`rn` …, `rna`, `rs`) and integer rounding of cvt (`rni` …). */
export type Rounding = 'rn' | 'rz' | 'rm' | 'rp' | 'rna' | 'rs' | 'rni' | 'rzi' | 'rmi' | 'rpi';
/** Comparison operators of setp/set/vset (signed, unsigned and unordered-float forms). */
export type CmpOp =
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'lo' | 'ls' | 'hi' | 'hs'
  | 'equ' | 'neu' | 'ltu' | 'leu' | 'gtu' | 'geu' | 'num' | 'nan';
/** Boolean combiners of setp/set (`setp.lt.and.s32 p, a, b, q`). */
export type BoolOp = 'and' | 'or' | 'xor';
/**
 * State spaces as written on instructions. `shared::cta` is normalized to `shared`, and
 * `param::entry` / `param::func` to `param`; `shared::cluster` stays distinct (the cluster window).
 */
export type StateSpace = 'global' | 'shared' | 'shared::cluster' | 'const' | 'local' | 'param';
/** Memory-consistency qualifiers of ld/st/atom/red/fence. */
export type MemSemantics = 'weak' | 'volatile' | 'relaxed' | 'acquire' | 'release' | 'acq_rel' | 'sc' | 'mmio';
/** Memory scopes. */
export type MemScope = 'cta' | 'cluster' | 'gpu' | 'sys';
/** Cache operators of ld/st (`.nc` is separate: {@link DecodedModifiers.nc}). */
export type CacheOp = 'ca' | 'cg' | 'cs' | 'lu' | 'cv' | 'wb' | 'wt';
/** Halves of a product: `mul.hi`, `mul.lo`, `mul.wide`; also `dp2a.lo/.hi`. */
export type MulMode = 'hi' | 'lo' | 'wide';
/** Operations of atom/red/redux/bar.red and the secondary operation of SIMD video instructions. */
export type AtomicOp = 'and' | 'or' | 'xor' | 'cas' | 'exch' | 'add' | 'inc' | 'dec' | 'min' | 'max' | 'popc';
/** shfl.sync modes. */
export type ShflMode = 'up' | 'down' | 'bfly' | 'idx';
/** vote.sync modes. */
export type VoteMode = 'all' | 'any' | 'uni' | 'ballot';
/** match.sync modes. */
export type MatchMode = 'any' | 'all';
/** shf direction. */
export type ShiftDir = 'l' | 'r';
/** Shift-amount handling of shf/bmsk/szext. */
export type ClampMode = 'clamp' | 'wrap';
/** prmt modes (absent: the general byte permute). */
export type PrmtMode = 'f4e' | 'b4e' | 'rc8' | 'ecl' | 'ecr' | 'rc16';
/** testp classes. */
export type TestpClass = 'finite' | 'infinite' | 'number' | 'notanumber' | 'normal' | 'subnormal';
/** Barrier operations: `bar.sync`, `bar.arrive`, `bar.red`, `barrier.cluster.arrive/.wait`. */
export type BarrierOp = 'sync' | 'arrive' | 'red' | 'wait';
/** membar levels. */
export type MembarLevel = 'cta' | 'gl' | 'sys';
/** Cache levels of prefetch. */
export type CacheLevel = 'L1' | 'L2';

/**
 * Every modifier field of a decoded instruction. All fields are always present (`null`/`false`
 * when absent) so that decoded instructions share one object shape.
 */
export interface DecodedModifiers {
  readonly rounding: Rounding | null;
  readonly ftz: boolean;
  readonly sat: boolean;
  readonly satfinite: boolean;
  readonly approx: boolean;
  readonly full: boolean;
  readonly relu: boolean;
  /** `.NaN` on min/max (propagate NaN) and redux. */
  readonly nan: boolean;
  readonly xorsign: boolean;
  /** `.abs` on min/max/redux. */
  readonly abs: boolean;
  readonly noftz: boolean;
  readonly oob: boolean;
  readonly mode: MulMode | null;
  /** `.cc`: write (add/sub/mad) the carry flag. */
  readonly cc: boolean;
  readonly cmp: CmpOp | null;
  readonly boolOp: BoolOp | null;
  readonly space: StateSpace | null;
  /** `cvta.to`: generic → space (otherwise space → generic). */
  readonly to: boolean;
  readonly sem: MemSemantics | null;
  readonly scope: MemScope | null;
  readonly cache: CacheOp | null;
  /** `ld.global.nc`: read-only, non-coherent. */
  readonly nc: boolean;
  /** Eviction and prefetch hints (`L1::evict_last`, `L2::128B` …) — performance only. */
  readonly hints: readonly string[];
  readonly level: CacheLevel | null;
  /** Vector width of ld/st/atom/red (`.v2` → 2), 1 when scalar. */
  readonly vec: 1 | 2 | 4 | 8;
  readonly uni: boolean;
  readonly sync: boolean;
  readonly aligned: boolean;
  readonly shfl: ShflMode | null;
  readonly vote: VoteMode | null;
  readonly match: MatchMode | null;
  readonly op: AtomicOp | null;
  readonly shiftamt: boolean;
  readonly dir: ShiftDir | null;
  readonly clamp: ClampMode | null;
  readonly prmt: PrmtMode | null;
  readonly testp: TestpClass | null;
  readonly barrier: BarrierOp | null;
  readonly membar: MembarLevel | null;
}

/** The name of a modifier category (a key of {@link DecodedModifiers}). */
export type Category = keyof DecodedModifiers;

/** Modifiers that are absent. */
export const NO_MODIFIERS: DecodedModifiers = Object.freeze({
  rounding: null, ftz: false, sat: false, satfinite: false, approx: false, full: false, relu: false, nan: false,
  xorsign: false, abs: false, noftz: false, oob: false, mode: null, cc: false, cmp: null, boolOp: null, space: null,
  to: false, sem: null, scope: null, cache: null, nc: false, hints: Object.freeze([]) as readonly string[], level: null,
  vec: 1, uni: false, sync: false, aligned: false, shfl: null, vote: null, match: null, op: null, shiftamt: false,
  dir: null, clamp: null, prmt: null, testp: null, barrier: null, membar: null,
});

/** Maps one category's modifier spellings (without the dot) to the decoded value. */
type Vocabulary = ReadonlyMap<string, unknown>;

const words = (...list: string[]): Vocabulary => new Map(list.map((w) => [w, w]));
const flag = (word: string): Vocabulary => new Map([[word, true]]);

/** The spellings each category accepts. `hints` is matched by pattern instead (see {@link lookupModifier}). */
export const VOCABULARY: { readonly [C in Category]: Vocabulary } = {
  rounding: words('rn', 'rz', 'rm', 'rp', 'rna', 'rs', 'rni', 'rzi', 'rmi', 'rpi'),
  ftz: flag('ftz'), sat: flag('sat'), satfinite: flag('satfinite'), approx: flag('approx'), full: flag('full'),
  relu: flag('relu'), nan: flag('NaN'), xorsign: flag('xorsign'), abs: flag('abs'), noftz: flag('noftz'), oob: flag('oob'),
  mode: words('hi', 'lo', 'wide'),
  cc: flag('cc'),
  cmp: words('eq', 'ne', 'lt', 'le', 'gt', 'ge', 'lo', 'ls', 'hi', 'hs', 'equ', 'neu', 'ltu', 'leu', 'gtu', 'geu', 'num', 'nan'),
  boolOp: words('and', 'or', 'xor'),
  space: new Map<string, StateSpace>([
    ['global', 'global'], ['shared', 'shared'], ['shared::cta', 'shared'], ['shared::cluster', 'shared::cluster'],
    ['const', 'const'], ['local', 'local'], ['param', 'param'], ['param::entry', 'param'], ['param::func', 'param'],
  ]),
  to: flag('to'),
  sem: words('weak', 'volatile', 'relaxed', 'acquire', 'release', 'acq_rel', 'sc', 'mmio'),
  scope: words('cta', 'cluster', 'gpu', 'sys'),
  cache: words('ca', 'cg', 'cs', 'lu', 'cv', 'wb', 'wt'),
  nc: flag('nc'),
  hints: new Map(),
  level: words('L1', 'L2'),
  vec: new Map([['v2', 2], ['v4', 4], ['v8', 8]]),
  uni: flag('uni'), sync: flag('sync'), aligned: flag('aligned'),
  shfl: words('up', 'down', 'bfly', 'idx'),
  vote: words('all', 'any', 'uni', 'ballot'),
  match: words('any', 'all'),
  op: words('and', 'or', 'xor', 'cas', 'exch', 'add', 'inc', 'dec', 'min', 'max', 'popc'),
  shiftamt: flag('shiftamt'),
  dir: words('l', 'r'),
  clamp: words('clamp', 'wrap'),
  prmt: words('f4e', 'b4e', 'rc8', 'ecl', 'ecr', 'rc16'),
  testp: words('finite', 'infinite', 'number', 'notanumber', 'normal', 'subnormal'),
  barrier: words('sync', 'arrive', 'red', 'wait'),
  membar: words('cta', 'gl', 'sys'),
};

const HINT = /^L[12]::[A-Za-z0-9_]+$/;

/**
 * Looks a modifier up in one category.
 * @returns The decoded value, or `undefined` when the category does not contain the spelling.
 */
export function lookupModifier(category: Category, word: string): unknown {
  if (category === 'hints') return HINT.test(word) ? word : undefined;
  return VOCABULARY[category].get(word);
}
