/**
 * Data movement and conversion (PTX ISA §9.7.9): mov (incl. vector pack/unpack), cvt, cvta,
 * isspacep. Conversions come from num cvt.ts / half.ts.
 *
 * NaN conversions follow the H100 (num): float → integer gives 0 from f16/f32 sources and the
 * destination's sign bit from f64 sources and for 64-bit destinations; `cvt.f32.f64`,
 * `cvt.f16.f64`, `cvt.bf16.f64`, `cvt.f64.f32`, `cvt.f64.f16` and `cvt.f32.bf16` keep the NaN's payload (num nan.ts), which the
 * templates write bit-exactly.
 * @module
 */
import type { Emit } from '../codegen/emit.js';
import type { IrOperand } from '../../ir/types.js';
import { unsupported } from '../errors.js';
import { LOCAL_WINDOW, PARAM_WINDOW, SHARED_WINDOW } from '../layout.js';
import type { PtxType } from '../../ptx/types.js';
import { bool, lane, roundingCode, tinfo, type0 } from './common.js';
import type { Semantics } from './types.js';

// ---- mov ---------------------------------------------------------------------------------------

/** Splits a source of `bits` bits into `n` elements (as numbers, element 0 the lowest). */
function splitParts(e: Emit, bits: number, n: number): string[] {
  const w = bits / n;
  if (bits === 64) {
    const [lo, hi] = e.p(1);
    if (n === 2) return [lo, hi];
    if (n === 4) return [`(${lo} & 65535)`, `(${lo} >>> 16)`, `(${hi} & 65535)`, `(${hi} >>> 16)`];
    return unsupported(e.ins);
  }
  const x = bits === 32 ? e.bits32(1) : e.v(1);
  const out: string[] = [];
  for (let j = 0; j < n; j++) out.push(`((${x} >>> ${j * w}) & ${2 ** w - 1})`);
  return out;
}

/** Reads element `o` of a pack as a `w`-bit unsigned number. */
function partOf(e: Emit, o: IrOperand, w: number): string {
  if (w === 32) return `(${e.valueOf(o, 'b32')} >>> 0)`;
  return `(${e.valueOf(o, w === 16 ? 'b16' : 'b8')} & ${2 ** w - 1})`;
}

function mov(e: Emit): string {
  const t = type0(e);
  const { bits } = tinfo(t);
  const dst = e.op(0);
  const src = e.op(1);
  if (dst.kind === 'vec') {
    const parts = splitParts(e, bits, dst.elements.length);
    const w = bits / dst.elements.length;
    return dst.elements.map((el, j) => (w === 32 ? e.setBits32Operand(el, parts[j]!) : e.setOperand(el, parts[j]!, w === 16 ? 'b16' : 'b8'))).join(' ');
  }
  if (src.kind === 'vec') {
    const n = src.elements.length;
    const w = bits / n;
    const parts = src.elements.map((el) => partOf(e, el, w));
    if (bits === 64) {
      if (n === 2) return e.setPair(0, parts[0]!, parts[1]!);
      if (n === 4) return e.setPair(0, `(${parts[0]} | (${parts[1]} << 16))`, `(${parts[2]} | (${parts[3]} << 16))`);
      return unsupported(e.ins);
    }
    const packed = parts.map((p, j) => (j === 0 ? p : `(${p} << ${j * w})`)).join(' | ');
    return bits === 32 ? e.setBits32(0, packed) : e.set(0, packed);
  }
  if (t === 'pred') return e.set(0, e.v(1));
  if (bits === 64) {
    if (e.isNumDst(0) || (src.kind !== 'reg' && src.kind !== 'imm' && t !== 'f64')) return e.setNum(0, e.v(1, 's64'));
    const [lo, hi] = e.p(1);
    return e.setPair(0, lo, hi);
  }
  if (bits === 32 && (src.kind === 'reg' || src.kind === 'imm')) return e.setBits32(0, e.bits32(1));
  return e.set(0, e.v(1));
}

// ---- cvt ---------------------------------------------------------------------------------------

/**
 * A float source operand decoded to a number. `.ftz` flushes an f32 source — except when the
 * destination is a half type: `cvt.ftz.f16.f32` does not flush on sm_90 (gpu-truth CVT-F16-FTZ).
 */
function floatSource(e: Emit, st: PtxType, k = 1): string {
  const half = (e.d.types[0] ?? '').includes('16');
  switch (st) {
    case 'f16': return `${e.h('f16ToNumber')}(${e.v(k, 'f16')})`;
    case 'bf16': return `${e.h('bf16ToNumber')}(${e.v(k, 'bf16')})`;
    case 'f32': return e.mods.ftz && !half ? `${e.h('ftzF32')}(${e.v(k, 'f32')})` : e.v(k, 'f32');
    case 'f64': return e.v(k, 'f64');
    default: return unsupported(e.ins, `conversions from .${st}`);
  }
}

/** Encodes the number `x` (exact) into a float destination type, rounding in `mode`. */
function floatDest(e: Emit, dt: PtxType, x: string, mode: number): string {
  let r = x;
  if (e.mods.relu) r = `${e.h('reluValue')}(${r})`;
  switch (dt) {
    case 'f16': {
      const h = `${e.h('toF16')}(${r}, ${mode})`;
      return e.mods.satfinite ? `${e.h('satfiniteF16')}(${h})` : h;
    }
    case 'bf16': return `${e.h('toBF16')}(${r}, ${mode})`;
    case 'f32': {
      let f = `${e.h('f64ToF32')}(${r}, ${mode})`;
      if (e.mods.ftz) f = `${e.h('ftzF32')}(${f})`;
      if (e.mods.sat) f = `${e.h('satF32')}(${f})`;
      return f;
    }
    case 'f64': return e.mods.sat ? `${e.h('satF32')}(${r})` : r;
    default: return unsupported(e.ins, `conversions to .${dt}`);
  }
}

function isIntegerRounding(e: Emit): boolean {
  const r = e.mods.rounding;
  return r === 'rni' || r === 'rzi' || r === 'rmi' || r === 'rpi';
}

/** int → int. */
function intToInt(e: Emit, dt: PtxType, st: PtxType): string {
  const d = tinfo(dt), s = tinfo(st);
  const sat = e.mods.sat;
  if (d.bits <= 32 && s.bits <= 32) {
    return e.set(0, `${e.h('intToInt')}(${e.v(1, st)}, ${s.bits}, ${bool(s.signed)}, ${d.bits}, ${bool(d.signed)}, ${bool(sat)})`);
  }
  if (d.bits === 64 && s.bits <= 32) {
    const x = e.v(1, st);
    const v = sat && !d.signed && s.signed ? `Math.max(${x}, 0)` : x;
    if (e.isNumDst(0)) return e.setNum(0, v);
    const t = e.t();
    return `{ const ${t} = ${v}; ${e.setPair(0, `${t} | 0`, s.signed ? `${t} >> 31` : '0')} }`;
  }
  if (d.bits <= 32) {
    // 64 → narrower.
    if (!sat) {
      const [lo] = e.p(1);
      return e.set(0, `${e.h('wrapInt')}(${lo}, ${d.bits}, ${bool(d.signed)})`);
    }
    const [lo, hi] = e.p(1);
    return e.set(0, `${e.h('int64ToIntBig')}(${e.h('pairToBigInt')}(${lo}, ${hi}), ${bool(s.signed)}, ${d.bits}, ${bool(d.signed)}, true)`);
  }
  // 64 → 64.
  if (!sat || d.signed === s.signed) {
    if (e.isNumDst(0) && e.isNum(1)) return e.setNum(0, e.v(1));
    const [lo, hi] = e.p(1);
    return e.setPair(0, lo, hi);
  }
  const [lo, hi] = e.p(1);
  const i64 = e.h('I64');
  return `${e.h('bigIntToPair')}(${e.h('int64ToInt64Big')}(${e.h('pairToBigInt')}(${lo}, ${hi}), ${bool(s.signed)}, ${bool(d.signed)}, true)); ${e.setPair(0, `${i64}[0]`, `${i64}[1]`)}`;
}

/** float → int (num `floatToInt`, `floatToIntF64` for f64 sources, `floatToInt64`). */
function floatToInt(e: Emit, dt: PtxType, st: PtxType): string {
  const d = tinfo(dt);
  const mode = roundingCode(e, 1);
  const x = floatSource(e, st);
  if (d.bits <= 32) return e.set(0, `${e.h(st === 'f64' ? 'floatToIntF64' : 'floatToInt')}(${x}, ${mode}, ${d.bits}, ${bool(d.signed)})`);
  const i64 = e.h('I64');
  return `${e.h('floatToInt64')}(${x}, ${mode}, ${bool(d.signed)}); ${e.setPair(0, `${i64}[0]`, `${i64}[1]`)}`;
}

/** int → float. */
function intToFloat(e: Emit, dt: PtxType, st: PtxType): string {
  const s = tinfo(st);
  const mode = roundingCode(e);
  const sat = (r: string): string => (e.mods.sat ? `${e.h('satF32')}(${r})` : r);
  if (s.bits <= 32) {
    const x = e.v(1, st);
    switch (dt) {
      case 'f32': return e.set(0, sat(mode === 0 ? `Math.fround(${x})` : `${e.h('intToF32')}(${x}, ${mode})`));
      case 'f64': return e.set(0, sat(x));
      default: return e.set(0, floatDest(e, dt, x, mode));
    }
  }
  const [lo, hi] = e.p(1);
  const signed = bool(s.signed);
  switch (dt) {
    case 'f32': return e.set(0, sat(`${e.h('int64ToF32')}(${lo}, ${hi}, ${signed}, ${mode})`));
    case 'f64': return e.set(0, sat(`${e.h('int64ToF64')}(${lo}, ${hi}, ${signed}, ${mode})`));
    case 'f16': return e.set(0, `${e.h('toF16')}(${e.h('int64ToF16Value')}(${lo}, ${hi}, ${signed}, ${mode}), 0)`);
    case 'bf16': return e.set(0, `${e.h('toBF16')}(${e.h('int64ToBF16Value')}(${lo}, ${hi}, ${signed}, ${mode}), 0)`);
    default: return unsupported(e.ins);
  }
}

/** An f64 destination from a float source: exact, a NaN widened as the H100 does (num nan.ts). */
function toF64(e: Emit, st: PtxType, value: (x: string) => string): string {
  const x = e.t();
  let nan: string;
  switch (st) {
    case 'f32': nan = `${e.h('nanFromF32BitsF64')}(${e.bits32(1)})`; break;
    case 'f16': nan = `${e.h('nanFromF16BitsF64')}(${e.v(1, 'f16')})`; break;
    case 'bf16': nan = `${e.h('nanFromF32BitsF64')}(${e.h('bf16ToF32Bits')}(${e.v(1, 'bf16')}))`; break;
    default: nan = `${e.h('nanOf1F64')}(${x})`;
  }
  return `{ const ${x} = ${floatSource(e, st)}; ${e.setRawF64Operand(e.op(0), `${x} === ${x} ? ${value(x)} : ${nan}`)} }`;
}

/** float → float. */
function floatToFloat(e: Emit, dt: PtxType, st: PtxType): string {
  if (dt === 'f64') {
    const sat = (r: string): string => (e.mods.sat ? `${e.h('satF32')}(${r})` : r);
    if (!isIntegerRounding(e)) return toF64(e, st, (x) => sat(x));
    if (st !== 'f64') return unsupported(e.ins);
    return toF64(e, st, (x) => sat(`${e.h('roundIntegral')}(${x}, ${roundingCode(e)})`));
  }
  const x = floatSource(e, st);
  if (isIntegerRounding(e)) {
    // Same-size rounding to an integral value.
    if (dt !== st) return unsupported(e.ins);
    const r = `${e.h('roundIntegral')}(${x}, ${roundingCode(e)})`;
    if (dt === 'f32') return e.set(0, e.mods.sat ? `${e.h('satF32')}(${r})` : r);
    return e.set(0, floatDest(e, dt, r, 0));
  }
  const mode = roundingCode(e);
  if (dt === 'f32' && st === 'bf16' && !e.mods.ftz && !e.mods.sat) return e.setBits32(0, `${e.h('bf16ToF32Bits')}(${e.v(1, 'bf16')})`);
  if (dt === 'f32' && (st === 'f16' || st === 'bf16' || st === 'f32')) {
    let r = x;
    if (e.mods.ftz && st === 'f32') r = `${e.h('ftzF32')}(${r})`;
    if (e.mods.sat) r = `${e.h('satF32')}(${r})`;
    return e.set(0, r);
  }
  if (st === 'f64' && (dt === 'f32' || dt === 'f16' || dt === 'bf16')) {
    // A NaN keeps sign and payload bits (num f64NaNToF32Bits / f64NaNToF16Bits / f64NaNToBF16Bits);
    // .sat makes it +0.
    const v = e.t();
    const hi = `${e.h('f64Hi')}(${v})`;
    if (dt !== 'f32') {
      const nan16 = `${e.h(dt === 'f16' ? 'f64NaNToF16Bits' : 'f64NaNToBF16Bits')}(${hi})`;
      return `{ const ${v} = ${x}; ${e.set(0, `${v} !== ${v} ? ${nan16} : ${floatDest(e, dt, v, mode)}`)} }`;
    }
    const nan = e.mods.sat ? '0' : `${e.h('f64NaNToF32Bits')}(${hi}, ${e.h('f64Lo')}(${v}))`;
    return `{ const ${v} = ${x}; ${e.setBits32(0, `${v} !== ${v} ? ${nan} : ${e.h('f32ToBits')}(${floatDest(e, dt, v, mode)})`)} }`;
  }
  return e.set(0, floatDest(e, dt, x, mode));
}

/** cvt.rn{.relu}{.satfinite}.{f16x2,bf16x2}.f32 d, a, b: a → upper half, b → lower half. */
function packHalf(e: Emit, dt: PtxType): string {
  const mode = roundingCode(e);
  const hi = floatDest(e, dt === 'f16x2' ? 'f16' : 'bf16', floatSource(e, 'f32', 1), mode);
  const lo = floatDest(e, dt === 'f16x2' ? 'f16' : 'bf16', floatSource(e, 'f32', 2), mode);
  return e.setBits32(0, `(${hi} << 16) | ${lo}`);
}

function cvt(e: Emit): string {
  const [dt, st] = e.d.types as [PtxType, PtxType];
  if (dt === 'f16x2' || dt === 'bf16x2') {
    if (st !== 'f32' || !e.has(2)) return unsupported(e.ins);
    return packHalf(e, dt);
  }
  const d = tinfo(dt), s = tinfo(st);
  if ((d.float && d.lanes !== 1) || (s.float && s.lanes !== 1) || dt === 'tf32' || st === 'tf32' || d.bits === 8 && d.float || s.bits === 8 && s.float) {
    return unsupported(e.ins);
  }
  if (!d.float && !s.float) return intToInt(e, dt, st);
  if (!d.float) return floatToInt(e, dt, st);
  if (!s.float) return intToFloat(e, dt, st);
  return floatToFloat(e, dt, st);
}

// ---- cvta / isspacep -------------------------------------------------------------------------

/** The generic window of a state space (0 for global and const, whose addresses are already generic). */
function windowOf(e: Emit): number {
  switch (e.mods.space) {
    case 'global': case 'const': return 0;
    case 'shared': case 'shared::cluster': return SHARED_WINDOW;
    case 'local': return LOCAL_WINDOW;
    case 'param': return PARAM_WINDOW;
    default: return unsupported(e.ins);
  }
}

function cvta(e: Emit): string {
  const w = windowOf(e);
  const x = e.v(1, 'u64');
  const value = w === 0 ? x : e.mods.to ? `${x} - ${w}` : `${x} + ${w}`;
  return e.set(0, value, e.type(0) === 'u32' ? 'u32' : 's64');
}

/** Codes of the spaces `isspacep` tests (see MemoryContext.isspace). */
export const SPACE_CODES: Readonly<Record<string, number>> = { global: 0, shared: 1, 'shared::cluster': 2, local: 3, const: 4, param: 5 };

function isspacep(e: Emit): string {
  const code = SPACE_CODES[e.mods.space ?? ''];
  if (code === undefined) return unsupported(e.ins);
  return e.set(0, `${e.u('M')}.isspace(${code}, ${e.v(1, 'u64')}, w)`);
}

/** The movement and conversion opcodes. */
export const CONVERT: ReadonlyMap<string, Semantics> = new Map<string, Semantics>([
  ['mov', lane(mov)],
  ['cvt', lane(cvt)],
  ['cvta', lane(cvta)],
  ['isspacep', lane(isspacep)],
]);
