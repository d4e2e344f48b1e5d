/**
 * Memory instructions (PTX ISA §9.7.9.8–9.7.13): ld, ldu, st, atom, red, prefetch, mapa,
 * getctarank — with the memcheck of every access.
 *
 * Each access has a fast path checked inline and a slow path in the runtime
 * (`MemoryContext.resolve`, runtime/memory.ts) that resolves the address (generic windows,
 * peers, other CTAs of the cluster), checks bounds and alignment — faulting with the compute-
 * sanitizer-style description — and returns the memory region and offset to use:
 *
 * - global (and `.const`, and generic accesses, which are almost always global): the access lies
 *   inside the allocation this instruction last touched (a per-instruction cache of its bounds,
 *   `IC`, filled by the slow path) and is aligned;
 * - shared: `0 ≤ a` and `a + n ≤` the CTA's shared size, aligned;
 * - local: `0 ≤ a` and `a + n ≤` the per-thread stack size, aligned;
 * - param: a symbol plus a constant offset, checked at compile time.
 *
 * Vector accesses are checked (and must be aligned) as a whole.
 * @module
 */
import type { Emit } from '../codegen/emit.js';
import type { IrOperand } from '../../ir/types.js';
import { InternalError, unsupported } from '../errors.js';
import { Space } from '../layout.js';
import { F32_NAN_I32 } from '../codegen/registers.js';
import { typeInfo, type PtxType } from '../../ptx/types.js';
import { bool, lane, tinfo, type0 } from './common.js';
import type { MemoryEffect, Semantics } from './types.js';

/** The element views of a memory region as generated code names them. */
type ViewKind = 'u8' | 'i8' | 'u16' | 'i16' | 'i32' | 'f32' | 'f64';

/** Where the code inside an access reads and writes: view names and the byte offset variable. */
interface Views {
  view(kind: ViewKind): string;
  readonly o: string;
}

const FAST_VIEWS: Readonly<Record<'G' | 'S' | 'L' | 'KP' | 'FP', Readonly<Record<ViewKind, string>>>> = {
  G: { u8: 'G8', i8: 'Gs8', u16: 'G16', i16: 'Gs16', i32: 'G32', f32: 'GF', f64: 'GD' },
  S: { u8: 'S8', i8: 'Ss8', u16: 'S16', i16: 'Ss16', i32: 'S32', f32: 'SF', f64: 'SD' },
  L: { u8: 'L8', i8: 'Ls8', u16: 'L16', i16: 'Ls16', i32: 'L32', f32: 'LF', f64: 'LD' },
  KP: { u8: 'KP8', i8: 'KPs8', u16: 'KP16', i16: 'KPs16', i32: 'KP32', f32: 'KPF', f64: 'KPD' },
  FP: { u8: 'FP8', i8: 'FPs8', u16: 'FP16', i16: 'FPs16', i32: 'FP32', f32: 'FPF', f64: 'FPD' },
};

/** The space code (layout.ts `Space`) of memory operand `k` of `e`. */
export function spaceOf(e: Emit, k: number): number {
  switch (e.mods.space) {
    case null: return Space.generic;
    case 'global': case 'const': return Space.global;
    case 'shared': return Space.shared;
    case 'shared::cluster': return Space.cluster;
    case 'local': return Space.local;
    case 'param': {
      const s = e.addrSymbol(k);
      if (s !== null && s.kind === 'param') return s.region === 'entry' ? Space.kernelParam : Space.frameParam;
      return e.program.fn.isKernel ? Space.kernelParam : Space.frameParam;
    }
  }
}

/**
 * The memory an instruction touches, for the JIT's lane ordering. Loads through the read-only
 * path (`ld.global.nc`, `ldu`) read memory the kernel does not write, so they order with nothing.
 */
export function memoryEffect(ins: { readonly op: string; readonly decoded: { readonly mods: { readonly space: string | null; readonly nc: boolean } } }): MemoryEffect | undefined {
  const space = ins.decoded.mods.space;
  if ((ins.op === 'ld' && ins.decoded.mods.nc) || ins.op === 'ldu') return undefined;
  const spaces: ('global' | 'shared')[] =
    space === null ? ['global', 'shared'] :
      space === 'global' || space === 'const' ? ['global'] :
        space === 'shared' || space === 'shared::cluster' ? ['shared'] : [];
  switch (ins.op) {
    case 'ld': case 'ldu': return { reads: spaces, writes: [] };
    case 'st': return { reads: [], writes: spaces };
    case 'atom': case 'red': return { reads: spaces, writes: spaces };
    default: return undefined;
  }
}

/**
 * Code for one checked access of `bytes` bytes at the address of memory operand `k`: `body` is
 * emitted twice, for the fast path and for the slow path, with the views and offset of each.
 */
function access(e: Emit, k: number, bytes: number, write: boolean, body: (v: Views) => string): string {
  const space = spaceOf(e, k);
  const a = e.t(), o = e.t(), r = e.t();
  const align = bytes > 1 ? ` && (${a} & ${bytes - 1}) === 0` : '';
  const fast = (views: Readonly<Record<ViewKind, string>>, offset: string): Views => ({ view: (kind) => e.u(views[kind]), o: offset });
  const constant = e.constAddr(k);
  if (space === Space.kernelParam || space === Space.frameParam) {
    if (write && space === Space.kernelParam) return unsupported(e.ins, 'a store to a kernel parameter');
    if (constant !== null) {
      const limit = space === Space.kernelParam ? e.program.kernel.info.paramBytes : e.program.fn.paramFrameBytes;
      if (constant < 0 || constant + bytes > Math.max(limit, 0) || constant % bytes !== 0) {
        // Out of the parameter space: left to the slow path (a fault at run time).
      } else if (space === Space.kernelParam) {
        return `{ const ${o} = ${constant}; ${body(fast(FAST_VIEWS.KP, o))} }`;
      } else {
        const fs = e.u('FS');
        return `{ const ${o} = l * ${fs} + ${constant}; ${body(fast(FAST_VIEWS.FP, o))} }`;
      }
    }
  }
  let cond: string;
  let views: Views;
  let offset: string;
  let refresh = '';
  switch (space) {
    case Space.global: case Space.generic: {
      const ic = e.u('IC');
      const slot = e.program.cacheSlot(e.ins);
      // The cached allocation bounds, in locals of the unit (reloaded after a slow path).
      const lo = e.unit.local(`ic${slot}`, `${ic}[${2 * slot}]`);
      const hi = e.unit.local(`ic${slot}_`, `${ic}[${2 * slot + 1}]`);
      refresh = ` ${lo} = ${ic}[${2 * slot}]; ${hi} = ${ic}[${2 * slot + 1}];`;
      cond = `${a} >= ${lo} && ${a} + ${bytes} <= ${hi}${align}`;
      offset = `${a} - ${e.u('GB')}`;
      views = fast(FAST_VIEWS.G, o);
      break;
    }
    case Space.shared: case Space.cluster:
      cond = `${a} >= 0 && ${a} + ${bytes} <= ${e.u('SS')}${align}`;
      offset = a;
      views = fast(FAST_VIEWS.S, o);
      break;
    case Space.local:
      cond = `${a} >= 0 && ${a} + ${bytes} <= ${e.u('LS')}${align}`;
      offset = `${e.u('LT')} + l * ${e.u('LS')} + ${a}`;
      views = fast(FAST_VIEWS.L, o);
      break;
    case Space.kernelParam:
      cond = `${a} >= 0 && ${a} + ${bytes} <= ${e.u('KS')}${align}`;
      offset = a;
      views = fast(FAST_VIEWS.KP, o);
      break;
    case Space.frameParam:
      cond = `${a} >= 0 && ${a} + ${bytes} <= ${e.u('FS')}${align}`;
      offset = `l * ${e.u('FS')} + ${a}`;
      views = fast(FAST_VIEWS.FP, o);
      break;
    default: throw new InternalError(`space ${space}`);
  }
  const slot = space === Space.global || space === Space.generic ? e.program.cacheSlot(e.ins) : -1;
  const slowViews: Views = { view: (kind) => `${r}.${kind}`, o };
  return `{ const ${a} = ${e.addr(k)}; if (${cond}) { const ${o} = ${offset}; ${body(views)} } else { ` +
    `const ${r} = ${e.u('M')}.resolve(${space}, ${a}, ${bytes}, ${write ? 1 : 0}, w, f, l, ${e.site()}, ${slot});${refresh} ` +
    `const ${o} = ${e.u('M')}.offset; ${body(slowViews)} } }`;
}

/** The element index expression of element `j` of `bytes`-byte elements at byte offset `o`. */
function index(o: string, bytes: number, j: number): string {
  const shift = Math.log2(bytes);
  const base = shift === 0 ? o : `(${o} >>> ${shift})`;
  return j === 0 ? base : `${base} + ${j}`;
}

/** Code loading element `j` of type `t` from `v` into operand `dst`. */
function loadElement(e: Emit, v: Views, t: PtxType, j: number, dst: IrOperand): string {
  if (dst.kind === 'sink') return '';
  const info = tinfo(t);
  const bytes = typeInfo(t).bytes;
  switch (bytes) {
    case 1: return e.setOperand(dst, `${v.view(info.signed ? 'i8' : 'u8')}[${index(v.o, 1, j)}]`, t);
    case 2: return e.setOperand(dst, `${v.view(info.signed ? 'i16' : 'u16')}[${index(v.o, 2, j)}]`, t);
    case 4: {
      const word = `${v.view('i32')}[${index(v.o, 4, j)}]`;
      if (dst.kind === 'reg' && dst.reg.cls === 'r32') return e.setBits32Operand(dst, word);
      if (t === 'f32') return e.setOperand(dst, `${v.view('f32')}[${index(v.o, 4, j)}]`, t);
      return e.setOperand(dst, info.signed ? word : `(${word} >>> 0)`, t);
    }
    case 8: {
      if (t === 'f64') return e.setRawF64Operand(dst, `${v.view('f64')}[${index(v.o, 8, j)}]`);
      const w = v.view('i32');
      return e.setPairOperand(dst, `${w}[${index(v.o, 4, 2 * j)}]`, `${w}[${index(v.o, 4, 2 * j + 1)}]`);
    }
    default: return unsupported(e.ins);
  }
}

/** Code storing operand `src` as element `j` of type `t` into `v`. */
function storeElement(e: Emit, v: Views, t: PtxType, j: number, src: IrOperand): string {
  const bytes = typeInfo(t).bytes;
  switch (bytes) {
    case 1: return `${v.view('u8')}[${index(v.o, 1, j)}] = ${e.valueOf(src, t)};`;
    case 2: return `${v.view('u16')}[${index(v.o, 2, j)}] = ${e.valueOf(src, t)};`;
    case 4: return `${v.view('i32')}[${index(v.o, 4, j)}] = ${e.bits32Of(src)};`;
    case 8: {
      if (t === 'f64' && src.kind === 'reg' && src.reg.cls === 'r64') return `${v.view('f64')}[${index(v.o, 8, j)}] = ${e.valueOf(src, 'f64')};`;
      const [lo, hi] = e.pairOf(src);
      const w = v.view('i32');
      return `${w}[${index(v.o, 4, 2 * j)}] = ${lo}; ${w}[${index(v.o, 4, 2 * j + 1)}] = ${hi};`;
    }
    default: return unsupported(e.ins);
  }
}

function load(e: Emit): string {
  const t = type0(e);
  const n = e.vecLength(0);
  const bytes = typeInfo(t).bytes;
  if (t === 'b128' || bytes * n > 16 * 2) return unsupported(e.ins);
  return access(e, 1, bytes * n, false, (v) => {
    let code = '';
    for (let j = 0; j < n; j++) code += loadElement(e, v, t, j, e.element(0, j)) + ' ';
    return code;
  });
}

function store(e: Emit): string {
  const t = type0(e);
  const n = e.vecLength(1);
  const bytes = typeInfo(t).bytes;
  if (t === 'b128' || bytes * n > 16 * 2) return unsupported(e.ins);
  return access(e, 0, bytes * n, true, (v) => {
    let code = '';
    for (let j = 0; j < n; j++) code += storeElement(e, v, t, j, e.element(1, j)) + ' ';
    return code;
  });
}

/**
 * atom / red: read-modify-write. `k` is the memory operand (1 for atom, 0 for red), `b` and `c`
 * the value operands, `dst` the destination (atom) or −1 (red).
 */
function atomic(e: Emit, red: boolean): string {
  const t = type0(e);
  const op = e.mods.op!;
  if (e.mods.vec !== 1) return unsupported(e.ins);
  const k = red ? 0 : 1;
  const b = k + 1;
  const c = k + 2;
  const { bits, signed, float, lanes } = tinfo(t);
  const old = e.t(), nv = e.t();
  const dst = (code: () => string): string => (red ? '' : code());
  if (bits === 32 && !float) {
    const bv = op === 'inc' || op === 'dec' || !signed ? `(${e.v(b)} >>> 0)` : e.v(b);
    const x = e.t();
    let next: string;
    switch (op) {
      case 'add': next = `${old} + ${x}`; break;
      case 'and': next = `${old} & ${x}`; break;
      case 'or': next = `${old} | ${x}`; break;
      case 'xor': next = `${old} ^ ${x}`; break;
      case 'exch': next = x; break;
      case 'cas': next = `(${old} === (${x} | 0) ? ${e.bits32(c)} : ${old})`; break;
      case 'min': next = signed ? `(${x} < ${old} ? ${x} : ${old})` : `((${x} >>> 0) < (${old} >>> 0) ? ${x} : ${old})`; break;
      case 'max': next = signed ? `(${x} > ${old} ? ${x} : ${old})` : `((${x} >>> 0) > (${old} >>> 0) ? ${x} : ${old})`; break;
      case 'inc': next = `((${old} >>> 0) >= ${x} ? 0 : ${old} + 1)`; break;
      case 'dec': next = `((${old} === 0 || (${old} >>> 0) > ${x}) ? ${x} : ${old} - 1)`; break;
      default: return unsupported(e.ins);
    }
    return `{ const ${x} = ${bv}; ` + access(e, k, 4, true, (v) => {
      const w = `${v.view('i32')}[${index(v.o, 4, 0)}]`;
      return `const ${old} = ${w}; ${w} = ${next}; ${dst(() => e.setOperand(e.op(0), signed ? old : `(${old} >>> 0)`, t === 'b32' ? 'u32' : t))}`;
    }) + ' }';
  }
  if (t === 'f32') {
    if (op !== 'add') return unsupported(e.ins);
    const x = e.t();
    const ftz = e.h('ftzF32');
    return `{ const ${x} = ${ftz}(${e.v(b)}); ` + access(e, k, 4, true, (v) => {
      const w = `${v.view('i32')}[${index(v.o, 4, 0)}]`;
      const f = `${v.view('f32')}[${index(v.o, 4, 0)}]`;
      return `const ${old} = ${w}; const ${nv} = ${ftz}(Math.fround(${ftz}(${f}) + ${x})); if (${nv} === ${nv}) ${f} = ${nv}; else ${w} = ${F32_NAN_I32}; ` +
        dst(() => e.setBits32(0, old));
    }) + ' }';
  }
  if (t === 'f64') {
    if (op !== 'add') return unsupported(e.ins);
    const x = e.t();
    return `{ const ${x} = ${e.v(b)}; ` + access(e, k, 8, true, (v) => {
      const d = `${v.view('f64')}[${index(v.o, 8, 0)}]`;
      return `const ${old} = ${d}; const ${nv} = ${old} + ${x}; ${d} = ${nv} === ${nv} ? ${nv} : ${e.u('DN')}[0]; ` +
        dst(() => e.setRawF64Operand(e.op(0), old));
    }) + ' }';
  }
  if (float && (bits === 16 || lanes === 2)) {
    // f16, bf16 (16-bit) and f16x2, bf16x2 (32-bit): add, rounded to nearest, no flushing.
    if (op !== 'add') return unsupported(e.ins);
    const fn = t === 'f16' ? 'addF16' : t === 'bf16' ? 'addBF16' : t === 'f16x2' ? 'addF16x2' : 'addBF16x2';
    const extra = t.startsWith('bf') ? '' : ', 0';
    const x = e.t();
    const size = bits / 8;
    const view: ViewKind = size === 2 ? 'u16' : 'i32';
    return `{ const ${x} = ${e.v(b)}; ` + access(e, k, size, true, (v) => {
      const w = `${v.view(view)}[${index(v.o, size, 0)}]`;
      const oldv = size === 2 ? w : `(${w} >>> 0)`;
      return `const ${old} = ${oldv}; ${w} = ${e.h(fn)}(${old}, ${x}, 0${extra}); ${dst(() => e.set(0, old))}`;
    }) + ' }';
  }
  if (bits === 16 && !float) {
    if (op !== 'cas' && op !== 'exch') return unsupported(e.ins);
    const x = e.t();
    return `{ const ${x} = ${e.v(b)}; ` + access(e, k, 2, true, (v) => {
      const w = `${v.view('u16')}[${index(v.o, 2, 0)}]`;
      const next = op === 'exch' ? x : `(${old} === ${x} ? ${e.v(c)} : ${old})`;
      return `const ${old} = ${w}; ${w} = ${next}; ${dst(() => e.set(0, old))}`;
    }) + ' }';
  }
  if (bits === 64 && !float) {
    const [blo, bhi] = e.p(b);
    const xl = e.t(), xh = e.t(), ol = e.t(), oh = e.t();
    const i64 = e.h('I64');
    let update: (w: string, il: string, ih: string) => string;
    const put = (w: string, il: string, ih: string, lo: string, hi: string): string => `${w}[${il}] = ${lo}; ${w}[${ih}] = ${hi};`;
    switch (op) {
      case 'add': update = (w, il, ih) => `${e.h('add64')}(${ol}, ${oh}, ${xl}, ${xh}); ${put(w, il, ih, `${i64}[0]`, `${i64}[1]`)}`; break;
      case 'and': case 'or': case 'xor': {
        const s = op === 'and' ? '&' : op === 'or' ? '|' : '^';
        update = (w, il, ih) => put(w, il, ih, `${ol} ${s} ${xl}`, `${oh} ${s} ${xh}`);
        break;
      }
      case 'exch': update = (w, il, ih) => put(w, il, ih, xl, xh); break;
      case 'cas': {
        const [clo, chi] = e.p(c);
        update = (w, il, ih) => `if (${ol} === ${xl} && ${oh} === ${xh}) { ${put(w, il, ih, clo, chi)} }`;
        break;
      }
      case 'min': case 'max':
        update = (w, il, ih) => `${e.h('minMax64')}(${ol}, ${oh}, ${xl}, ${xh}, ${bool(signed)}, ${bool(op === 'max')}); ${put(w, il, ih, `${i64}[0]`, `${i64}[1]`)}`;
        break;
      default: return unsupported(e.ins);
    }
    return `{ const ${xl} = ${blo}, ${xh} = ${bhi}; ` + access(e, k, 8, true, (v) => {
      const w = v.view('i32');
      const il = index(v.o, 4, 0), ih = index(v.o, 4, 1);
      return `const ${ol} = ${w}[${il}], ${oh} = ${w}[${ih}]; ${update(w, il, ih)} ${dst(() => e.setPair(0, ol, oh))}`;
    }) + ' }';
  }
  return unsupported(e.ins);
}

/** mapa{.space}.type d, a, b: the address of `a`'s counterpart in the shared memory of cluster rank `b`. */
function mapa(e: Emit): string {
  const generic = e.mods.space === null;
  return e.set(0, `${e.u('M')}.mapa(${e.v(1, 'u64')}, ${e.v(2)}, ${bool(generic)}, w)`, type0(e) === 'u32' ? 'u32' : 's64');
}

/** getctarank{.space}.type d, a: the cluster rank of the CTA whose shared memory holds `a`. */
function getctarank(e: Emit): string {
  return e.set(0, `${e.u('M')}.ctarank(${e.v(1, 'u64')}, ${bool(e.mods.space === null)}, w)`);
}

/** The memory opcodes. */
export const MEMORY: ReadonlyMap<string, Semantics> = new Map<string, Semantics>([
  ['ld', lane(load)],
  ['ldu', lane(load)],
  ['st', lane(store)],
  ['atom', lane((e) => atomic(e, false))],
  ['red', lane((e) => atomic(e, true))],
  ['prefetch', lane(() => '')],
  ['prefetchu', lane(() => '')],
  ['mapa', lane(mapa)],
  ['getctarank', lane(getctarank)],
]);
