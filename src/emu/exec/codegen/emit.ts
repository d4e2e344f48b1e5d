/**
 * {@link Emit}: what an opcode's semantic template (`semantics/*.ts`) sees of its instruction — JS
 * expressions that read its source operands in a chosen representation, statements that write
 * its results, hoisted names and helpers — so that one template serves both executors.
 *
 * Value representations ("domains") of a PTX type in generated code:
 * - `pred`: 0 or 1 when read; any truthy/falsy expression when written;
 * - integer and bit types of 8–32 bits: a JS number holding the value as the type reads it
 *   (signed types sign-extended, unsigned and bit types zero-extended: `-1` is 4294967295 as
 *   `.u32`); writes wrap to the register (truncating stores), so a template may write any integer
 *   that is congruent modulo 2^32 and exact (|x| < 2^53);
 * - `.f32`, `.f64`: the value; a NaN written is stored as the GPU's canonical NaN;
 * - `.f16`, `.bf16`: the 16-bit pattern; `.f16x2`, `.bf16x2`, `.u16x2`, `.s16x2`: the 32-bit pattern;
 * - 64-bit integer types, two forms: a *number* ({@link Emit.v}: the signed value, exact below
 *   2^53 — what address arithmetic needs) or a *pair* of int32 words ({@link Emit.p}: exact).
 *   Address-like registers (class `addr`) hold numbers; other 64-bit registers hold words.
 * @module
 */
import type { IrInstruction, IrKernel, IrModule, IrFunction, IrOperand, IrRegister, IrSymbol, IrRegOperand } from '../../ir/types.js';
import type { DecodedInstruction } from '../../ptx/instruction.js';
import type { DecodedModifiers } from '../../ptx/modifiers.js';
import { f32FromBits, f64FromBits } from '../../ptx/literals.js';
import { typeInfo, type PtxType } from '../../ptx/types.js';
import { InternalError, unsupported } from '../errors.js';
import { FUNCTION_STRIDE, FUNCTION_WINDOW, WARPS_PER_SM, SM_COUNT } from '../layout.js';
import { banksFor, type RegisterAccess, type View } from './registers.js';
import type { CodeUnit } from './unit.js';

/** What code generation needs to know about the module instance and kernel being compiled. */
export interface ProgramContext {
  readonly module: IrModule;
  readonly kernel: IrKernel;
  /** The function whose code is generated (the kernel itself or a callee). */
  readonly fn: IrFunction;
  /** Device address of a module variable in this instance. */
  variableAddress(name: string): number;
  /** The fault-site id of an instruction (for messages naming line and text). */
  siteId(ins: IrInstruction): number;
  /** The index of an instruction's entry in the global-memory allocation cache. */
  cacheSlot(ins: IrInstruction): number;
}

const TWO32 = 4294967296;

/** A JS literal for a number (−0, NaN and infinities included). */
export function literal(x: number): string {
  if (x !== x) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0 && 1 / x < 0) return '-0';
  return String(x);
}

/** The int32 words of a 64-bit pattern. */
export function wordsOf(bits: bigint): readonly [number, number] {
  return [Number(BigInt.asIntN(32, bits)), Number(BigInt.asIntN(32, bits >> 32n))];
}

/** The emission interface templates use. One instance per instruction. */
export class Emit {
  readonly d: DecodedInstruction;
  readonly mods: DecodedModifiers;
  #temps = 0;
  #pre = '';

  constructor(
    readonly ins: IrInstruction,
    readonly unit: CodeUnit,
    readonly program: ProgramContext,
    readonly regs: RegisterAccess,
  ) {
    this.d = ins.decoded;
    this.mods = ins.decoded.mods;
  }

  // ---- Names ---------------------------------------------------------------------------------

  /** A hoisted name (see unit.ts `HOISTS`). */
  u(name: string): string {
    return this.unit.use(name);
  }

  /** A helper function's identifier. */
  h(name: string): string {
    return this.unit.helper(name);
  }

  /** A call of helper `name` with the argument expressions `args`. */
  call(name: string, ...args: string[]): string {
    return `${this.unit.helper(name)}(${args.join(', ')})`;
  }

  /** A fresh temporary name. */
  t(): string {
    return `t${this.#temps++}_`;
  }

  /** The fault-site id of this instruction. */
  site(): number {
    return this.program.siteId(this.ins);
  }

  /** Statements emitted by operand reads that must run before the template's code (within the guard). */
  takePre(): string {
    const p = this.#pre;
    this.#pre = '';
    return p;
  }

  // ---- Operands ------------------------------------------------------------------------------

  /** Operand `k`. */
  op(k: number): IrOperand {
    const o = this.ins.operands[k];
    if (o === undefined) throw new InternalError(`${this.d.name} has no operand ${k}`);
    return o;
  }

  /** Whether operand `k` is present (trailing operands may be optional). */
  has(k: number): boolean {
    return k < this.ins.operands.length;
  }

  /** The type operand `k` is read or written as. */
  type(k: number): PtxType {
    return this.ins.roles[k]!.type;
  }

  /** True when operand `k` is a sink `_` (or a pair whose first part is). */
  isSink(k: number): boolean {
    const o = this.op(k);
    return o.kind === 'sink' || (o.kind === 'pair' && o.first.kind === 'sink');
  }

  /** The immediate value of operand `k`, or `null` when it is not an immediate. */
  imm(k: number): number | bigint | null {
    const o = this.op(k);
    return o.kind === 'imm' ? o.value : null;
  }

  /** True when operand `k`, a 64-bit integer, is held as a JS number (no conversion from words needed). */
  isNum(k: number): boolean {
    const o = this.op(k);
    if (o.kind === 'reg') return o.reg.cls === 'addr';
    return o.kind === 'imm' || o.kind === 'sym' || o.kind === 'sreg';
  }

  /** True when the destination operand `k` is an address-like register (a number). */
  isNumDst(k: number): boolean {
    const o = this.op(k);
    return o.kind === 'reg' && o.reg.cls === 'addr';
  }

  /**
   * Operand `k` read as `type` (default: its role type) in the value domain of the type (see the
   * module comment; 64-bit integers as signed numbers).
   */
  v(k: number, type: PtxType = this.type(k)): string {
    return this.valueOf(this.op(k), type);
  }

  /** The 32-bit pattern of operand `k` as an int32 expression (an `.f32` register is read as bits). */
  bits32(k: number): string {
    return this.bits32Of(this.op(k));
  }

  /** The 16-bit pattern of operand `k`. */
  bits16(k: number): string {
    const o = this.op(k);
    if (o.kind === 'imm') return literal(Number(BigInt.asUintN(16, o.bits)));
    return this.valueOf(o, 'b16');
  }

  /** Operand `k`, a 64-bit value, as [low word, high word] int32 expressions. */
  p(k: number): readonly [string, string] {
    return this.pairOf(this.op(k));
  }

  /** A vector operand's element count. */
  vecLength(k: number): number {
    const o = this.op(k);
    return o.kind === 'vec' ? o.elements.length : 1;
  }

  /** Element `j` of vector operand `k` (or the operand itself when it is not a vector). */
  element(k: number, j: number): IrOperand {
    const o = this.op(k);
    return o.kind === 'vec' ? o.elements[j]! : o;
  }

  /** Reads an arbitrary operand (e.g. a vector element) as `type`. */
  valueOf(o: IrOperand, type: PtxType): string {
    switch (o.kind) {
      case 'reg': return this.readReg(o, type);
      case 'imm': return this.immValue(o.value, o.bits, o.type, type);
      case 'sreg': return this.special(o.name, o.component);
      case 'sym': return this.symbolValue(o.symbol);
      case 'pair': return this.valueOf(o.first, type);
      default: throw new InternalError(`${this.d.name}: cannot read a ${o.kind} operand as a value`);
    }
  }

  /** Reads an arbitrary 64-bit operand as words. */
  pairOf(o: IrOperand): readonly [string, string] {
    switch (o.kind) {
      case 'reg': {
        const r = o.reg;
        if (r.cls === 'r64') return [this.read(o, 'QL'), this.read(o, 'QH')];
        if (r.cls === 'addr') {
          const a = this.read(o, 'A');
          return [`(${a} | 0)`, `(Math.floor(${a} / ${TWO32}) | 0)`];
        }
        // A narrower register read as 64 bits (cvt sources): its value, extended by the register type.
        const v = this.readReg(o, r.type);
        const signed = typeInfo(r.type).kind === 'signed';
        return [v, signed ? `(${v} >> 31)` : '0'];
      }
      case 'imm': {
        const [lo, hi] = wordsOf(o.bits);
        return [literal(lo), literal(hi)];
      }
      default: {
        const t = this.t();
        this.#pre += `const ${t} = ${this.valueOf(o, 'u64')};\n`;
        return [`(${t} | 0)`, `(Math.floor(${t} / ${TWO32}) | 0)`];
      }
    }
  }

  // ---- Results -------------------------------------------------------------------------------

  /**
   * A statement writing `expr` (in the value domain of `type`, default the role type of operand
   * `k`) to destination operand `k`. For a `d|p` operand this writes `d`.
   */
  set(k: number, expr: string, type: PtxType = this.type(k)): string {
    return this.setOperand(this.op(k), expr, type);
  }

  /** Writes `expr` (a predicate) to the second part of the `d|p` operand `k`, if present. */
  set2(k: number, expr: string): string {
    const o = this.op(k);
    if (o.kind !== 'pair') return '';
    return this.setOperand(o.second, expr, 'pred');
  }

  /** True when operand `k` is a `d|p` pair with a predicate destination. */
  hasSecond(k: number): boolean {
    const o = this.op(k);
    return o.kind === 'pair' && o.second.kind !== 'sink';
  }

  /** Writes a 32-bit pattern (int32 expression) to operand `k` regardless of its type (bit-exact for `.f32`). */
  setBits32(k: number, expr: string): string {
    return this.setBits32Operand(this.op(k), expr);
  }

  /** {@link setBits32} for any operand. */
  setBits32Operand(o: IrOperand, expr: string): string {
    if (o.kind === 'reg' && o.reg.cls === 'r32') return this.write(o.reg, 'I', expr);
    return this.setOperand(o, expr, 'b32');
  }

  /** Writes a 64-bit value given as words to operand `k`. */
  setPair(k: number, lo: string, hi: string): string {
    return this.setPairOperand(this.op(k), lo, hi);
  }

  /** {@link setPair} for any operand. */
  setPairOperand(o: IrOperand, lo: string, hi: string): string {
    if (o.kind === 'sink') return '';
    if (o.kind !== 'reg') throw new InternalError(`${this.d.name}: cannot write a ${o.kind} operand`);
    const r = o.reg;
    if (r.cls === 'r64') {
      const t = this.t();
      return `{ const ${t} = ${hi}; ${this.write(r, 'QL', lo)} ${this.write(r, 'QH', t)} }`;
    }
    if (r.cls === 'addr') return this.write(r, 'A', `(${hi}) * ${TWO32} + ((${lo}) >>> 0)`);
    throw new InternalError(`${this.d.name}: ${r.name} is not a 64-bit register`);
  }

  /** Writes a 64-bit integer given as a (signed, exact) number to operand `k`. */
  setNum(k: number, expr: string): string {
    return this.setOperand(this.op(k), expr, 's64');
  }

  /** Writes `expr` (in the domain of `type`) to an arbitrary operand (e.g. a vector element). */
  setOperand(o: IrOperand, expr: string, type: PtxType): string {
    switch (o.kind) {
      case 'sink': return `void (${expr});`;
      case 'pair': return this.setOperand(o.first, expr, type);
      case 'reg': return this.writeReg(o.reg, type, expr);
      default: throw new InternalError(`${this.d.name}: cannot write a ${o.kind} operand`);
    }
  }

  // ---- Memory operands ----------------------------------------------------------------------

  /** The address expression (a number) of memory operand `k`, in the state space the instruction names. */
  addr(k: number): string {
    const o = this.op(k);
    if (o.kind !== 'addr') throw new InternalError(`${this.d.name}: operand ${k} is not an address`);
    let base: string;
    if (o.base === null) base = '0';
    else if (o.base.kind === 'register') base = this.addressRegister(o.base);
    else base = this.symbolValue(o.base);
    return o.offset === 0 ? base : `(${base} + ${o.offset})`;
  }

  /** The symbol at the base of memory operand `k`, or `null`. */
  addrSymbol(k: number): IrSymbol | null {
    const o = this.op(k);
    if (o.kind !== 'addr' || o.base === null || o.base.kind === 'register') return null;
    return o.base;
  }

  /** The constant address of memory operand `k` when it is a symbol plus offset known at compile time, else `null`. */
  constAddr(k: number): number | null {
    const o = this.op(k);
    if (o.kind !== 'addr') return null;
    if (o.base === null) return o.offset;
    if (o.base.kind === 'register') return null;
    const c = this.symbolConstant(o.base);
    return c === null ? null : c + o.offset;
  }

  private addressRegister(r: IrRegister): string {
    const o: IrRegOperand = { kind: 'reg', reg: r, negate: false };
    switch (r.cls) {
      case 'addr': return this.read(o, 'A');
      case 'r64': return `(${this.read(o, 'QH')} * ${TWO32} + (${this.read(o, 'QL')} >>> 0))`;
      case 'r32': return this.read(o, 'U');
      default: throw new InternalError(`${r.name} cannot hold an address`);
    }
  }

  // ---- Symbols and special registers ----------------------------------------------------------

  /** The compile-time address of a symbol, or `null` when it depends on the frame (locals). */
  symbolConstant(s: IrSymbol): number | null {
    switch (s.kind) {
      case 'variable': return this.program.variableAddress(s.name);
      case 'shared': {
        const off = this.program.kernel.sharedOffsets[s.id];
        if (off === undefined || off < 0) throw new InternalError(`shared variable ${s.name} is not laid out for kernel ${this.program.kernel.name}`);
        return off;
      }
      case 'param': return s.offset;
      case 'function': return FUNCTION_WINDOW + FUNCTION_STRIDE * s.index;
      case 'local': return null;
    }
  }

  /** A symbol's address as an expression (its state-space address: see layout.ts). */
  symbolValue(s: IrSymbol): string {
    const c = this.symbolConstant(s);
    if (c !== null) return literal(c);
    // A local variable: at its offset in the current activation's frame.
    const off = (s as { offset: number }).offset;
    return off === 0 ? this.u('LB') : `(${this.u('LB')} + ${off})`;
  }

  /** A special register's value (a number; 64-bit ones exact only below 2^53). */
  special(name: string, component: number | null): string {
    const c = component ?? 0;
    switch (name) {
      case 'tid': return `${this.u(['TX', 'TY', 'TZ'][c]!)}[l]`;
      case 'ntid': return `${this.u('K')}.ntid${c}`;
      case 'ctaid': return `${this.u('C')}.ctaid${c}`;
      case 'nctaid': return `${this.u('K')}.nctaid${c}`;
      case 'laneid': return 'l';
      case 'warpid': return 'w.index';
      case 'nwarpid': return String(WARPS_PER_SM);
      case 'smid': return `${this.u('C')}.smid`;
      case 'nsmid': return String(SM_COUNT);
      case 'gridid': return `${this.u('K')}.gridid`;
      case 'lanemask_eq': return '(1 << l)';
      case 'lanemask_le': return '(-1 >>> (31 - l))';
      case 'lanemask_lt': return '((1 << l) - 1)';
      case 'lanemask_ge': return '(-1 << l)';
      case 'lanemask_gt': return '(l === 31 ? 0 : -2 << l)';
      case 'clock': return `${this.u('M')}.clock(w, 0)`;
      case 'clock_hi': return `${this.u('M')}.clock(w, 1)`;
      case 'clock64': return `${this.u('M')}.clock(w, 2)`;
      case 'globaltimer': return `${this.u('M')}.globaltimer(2)`;
      case 'globaltimer_lo': return `${this.u('M')}.globaltimer(0)`;
      case 'globaltimer_hi': return `${this.u('M')}.globaltimer(1)`;
      case 'dynamic_smem_size': return `${this.u('K')}.dynamicSharedBytes`;
      case 'total_smem_size': return `${this.u('K')}.totalSharedBytes`;
      case 'aggr_smem_size': return `${this.u('K')}.aggregateSharedBytes`;
      case 'cluster_ctarank': return `${this.u('C')}.rank`;
      case 'cluster_nctarank': return `${this.u('K')}.clusterSize`;
      case 'cluster_ctaid': return `${this.u('C')}.clusterCtaid${c}`;
      case 'cluster_nctaid': return `${this.u('K')}.cluster${c}`;
      case 'clusterid': return `${this.u('C')}.clusterid${c}`;
      case 'nclusterid': return `${this.u('K')}.nclusterid${c}`;
      case 'is_explicit_cluster': return `${this.u('K')}.explicitCluster`;
      default: return unsupported(this.ins, `special register %${name}`);
    }
  }

  // ---- Registers -------------------------------------------------------------------------------

  /** Reads a register operand through `view` (a negated predicate reads as `x ^ 1`). */
  read(o: IrRegOperand, view: View): string {
    for (const b of banksFor(view)) this.u(b);
    const e = this.regs.read(o.reg, view);
    return o.negate ? `(${e} ^ 1)` : e;
  }

  /** Writes a register through `view` (`raw`: a bit-exact binary64 move, see RegisterAccess.write). */
  write(r: IrRegister, view: View, value: string, raw = false): string {
    for (const b of banksFor(view)) this.u(b);
    return this.regs.write(r, view, value, raw);
  }

  /**
   * Writes a binary64 read bit-exactly from memory or another register (`value`, a double) to
   * operand `o`: no NaN canonicalization.
   */
  setRawF64Operand(o: IrOperand, value: string): string {
    if (o.kind === 'sink') return '';
    if (o.kind === 'reg' && o.reg.cls === 'r64') return this.write(o.reg, 'D', value, true);
    return this.setOperand(o, value, 'f64');
  }

  /** The 32-bit pattern of any operand as an int32 expression (see {@link bits32}). */
  bits32Of(o: IrOperand): string {
    if (o.kind === 'imm') return literal(Number(BigInt.asIntN(32, o.bits)));
    if (o.kind === 'reg' && o.reg.cls === 'r32') return this.read(o, 'I');
    return `(${this.valueOf(o, 'b32')} | 0)`;
  }

  private readReg(o: IrRegOperand, type: PtxType): string {
    const r = o.reg;
    const info = typeInfo(type);
    const signed = info.kind === 'signed';
    const narrow = (word: string, fromBits: number): string => {
      if (info.bits >= fromBits) return word;
      if (info.bits === 8) return signed ? `(${word} << 24 >> 24)` : `(${word} & 255)`;
      if (info.bits === 16) return signed ? `(${word} << 16 >> 16)` : `(${word} & 65535)`;
      return word;
    };
    switch (r.cls) {
      case 'pred': return this.read(o, 'P');
      case 'r16':
        if (info.bits > 16) throw new InternalError(`${r.name} read as .${type}`);
        if (info.bits === 16) return this.read(o, signed ? 'HS' : 'H');
        return signed ? `(${this.read(o, 'HS')} << 24 >> 24)` : `(${this.read(o, 'H')} & 255)`;
      case 'r32':
        if (type === 'f32') return this.read(o, 'F');
        if (info.bits === 32) return this.read(o, signed ? 'I' : 'U');
        if (info.bits > 32) throw new InternalError(`${r.name} read as .${type}`);
        return narrow(this.read(o, 'I'), 32);
      case 'r64':
        if (type === 'f64') return this.read(o, 'D');
        if (info.bits === 64) return `(${this.read(o, 'QH')} * ${TWO32} + (${this.read(o, 'QL')} >>> 0))`;
        if (type === 'f32') return `${this.h('bitsToF32')}(${this.read(o, 'QL')})`;
        if (info.bits === 32) return signed ? this.read(o, 'QL') : `(${this.read(o, 'QL')} >>> 0)`;
        return narrow(this.read(o, 'QL'), 32);
      case 'addr': {
        const a = this.read(o, 'A');
        if (type === 'f64') return `${this.h('f64FromWords')}(Math.floor(${a} / ${TWO32}) >>> 0, ${a} >>> 0)`;
        if (info.bits === 64) return a;
        if (type === 'f32') return `${this.h('bitsToF32')}(${a} | 0)`;
        if (info.bits === 32) return signed ? `(${a} | 0)` : `(${a} >>> 0)`;
        return narrow(`(${a} | 0)`, 32);
      }
    }
  }

  private writeReg(r: IrRegister, type: PtxType, expr: string): string {
    const info = typeInfo(type);
    switch (r.cls) {
      case 'pred': return this.write(r, 'P', `(${expr}) ? 1 : 0`);
      case 'r16': return this.write(r, 'H', expr);
      case 'r32': return type === 'f32' ? this.write(r, 'F', expr) : this.write(r, 'I', expr);
      case 'r64': {
        if (type === 'f64') return this.write(r, 'D', expr);
        const t = this.t();
        if (info.bits === 64) {
          return `{ const ${t} = ${expr}; ${this.write(r, 'QL', `${t} | 0`)} ${this.write(r, 'QH', `Math.floor(${t} / ${TWO32}) | 0`)} }`;
        }
        // A narrower type widened into a 64-bit register (ld.u32 into %rd…): extended by the type.
        const hi = info.kind === 'signed' ? `${t} >> 31` : '0';
        const lo = type === 'f32' ? `${this.h('f32ToBits')}(${t})` : t;
        return `{ const ${t} = ${expr}; ${this.write(r, 'QL', lo)} ${this.write(r, 'QH', hi)} }`;
      }
      case 'addr':
        if (type === 'f64') {
          const t = this.t();
          return `{ const ${t} = ${expr}; ${this.write(r, 'A', `${this.h('f64Hi')}(${t}) * ${TWO32} + ${this.h('f64Lo')}(${t})`)} }`;
        }
        return this.write(r, 'A', expr);
    }
  }

  private immValue(value: number | bigint, bits: bigint, immType: PtxType, type: PtxType): string {
    const info = typeInfo(type);
    if (type === 'f64' && (immType === 'f64' || typeInfo(immType).bits === 64)) {
      const pattern = BigInt.asUintN(64, bits);
      if ((pattern & 0x7ff0000000000000n) === 0x7ff0000000000000n && (pattern & 0xfffffffffffffn) !== 0n) {
        // A NaN immediate keeps its payload (which the NaN rules may return): built from its words
        // at run time, as a NaN literal would be V8's own.
        const [lo, hi] = wordsOf(pattern);
        return `${this.h('f64FromWords')}(${literal(hi >>> 0)}, ${literal(lo >>> 0)})`;
      }
    }
    if (type === 'f32' || type === 'f64') {
      if (immType === type && typeof value === 'number') return literal(value);
      // An immediate typed as bits read as a float: reinterpret its pattern.
      return literal(type === 'f32' ? f32FromBits(Number(BigInt.asUintN(32, bits))) : f64FromBits(BigInt.asUintN(64, bits)));
    }
    // Integer, bit and packed types: the pattern's low bits in the type's domain.
    if (info.bits <= 32) {
      const b = BigInt.asUintN(info.bits, bits);
      return literal(info.kind === 'signed' ? Number(BigInt.asIntN(info.bits, b)) : Number(b));
    }
    return literal(Number(BigInt.asIntN(64, bits)));
  }
}
