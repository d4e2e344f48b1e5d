/**
 * {@link CachedRegisters}: the JIT keeps the registers a lane-loop segment uses in JS locals —
 * loaded once per lane at first use, written back once at the end of the segment — instead of
 * reading and writing the typed banks at every use.
 *
 * A local holds one *family* of views of its register: `i` (I/U: an int32), `h` (H/HS: a uint16),
 * `f` (F: a binary32 value), `d` (D: a binary64), `q` (QL/QH: two int32 words), `a` (A: a
 * number), `p` (P: 0/1). Using a register through another family in the same segment first writes
 * the local back (when dirty) and reloads the register in the new family, so bit-level
 * reinterpretation (`mov.b32 %r, %f`) stays exact. Loads and write-backs are emitted before the
 * instruction's guard (the prelude), so a guarded write keeps the old value in lanes where the
 * guard is false: a local is loaded before its first write unless that write is by an unguarded
 * instruction (which writes every lane).
 *
 * Write-back of `f` canonicalizes NaN (arithmetic results: the GPU's 0x7FFFFFFF). A `d` local
 * holds binary64 bits exactly: an arithmetic NaN result is replaced by the canonical NaN (`DN[0]`,
 * codegen/registers.ts) when assigned, so every later use — a store included — sees its bits.
 * @module
 */
import type { IrRegister } from '../../ir/types.js';
import { elementIndex, F32_NAN_I32, type RegisterAccess, type View } from '../codegen/registers.js';

type Family = 'p' | 'h' | 'i' | 'f' | 'd' | 'q' | 'a';

interface Local {
  readonly name: string;
  readonly family: Family;
  readonly reg: IrRegister;
  dirty: boolean;
}

function familyOf(view: View): Family {
  switch (view) {
    case 'P': return 'p';
    case 'H': case 'HS': return 'h';
    case 'I': case 'U': return 'i';
    case 'F': return 'f';
    case 'D': return 'd';
    case 'QL': case 'QH': return 'q';
    case 'A': return 'a';
  }
}

/** Register access through per-segment locals (see the module comment). */
export class CachedRegisters implements RegisterAccess {
  readonly #locals = new Map<number, Local>();
  #prelude = '';
  #names = 0;
  #guarded = true;

  beginInstruction(guarded: boolean): void {
    this.#guarded = guarded;
  }

  read(reg: IrRegister, view: View): string {
    const c = this.#ensure(reg, familyOf(view), true);
    switch (view) {
      case 'HS': return `(${c.name} << 16 >> 16)`;
      case 'U': return `(${c.name} >>> 0)`;
      case 'QL': return `${c.name}l`;
      case 'QH': return `${c.name}h`;
      default: return c.name;
    }
  }

  write(reg: IrRegister, view: View, value: string, raw = false): string {
    // An unguarded instruction writes its destination in every lane: no need to load it first.
    const c = this.#ensure(reg, familyOf(view), this.#guarded);
    c.dirty = true;
    switch (view) {
      case 'H': case 'HS': return `${c.name} = (${value}) & 65535;`;
      case 'I': case 'U': return `${c.name} = (${value}) | 0;`;
      case 'QL': return `${c.name}l = (${value}) | 0;`;
      case 'QH': return `${c.name}h = (${value}) | 0;`;
      case 'D': return raw ? `${c.name} = ${value};` : `{ const t$ = ${value}; ${c.name} = t$ === t$ ? t$ : DN[0]; }`;
      default: return `${c.name} = ${value};`;
    }
  }

  takePrelude(): string {
    const p = this.#prelude;
    this.#prelude = '';
    return p;
  }

  /**
   * Statements writing the dirty locals back to their banks (end of the segment) — those of the
   * registers `live` says are read later, or all when `live` is absent.
   */
  flushAll(live?: (id: number) => boolean): string {
    let code = '';
    for (const c of this.#locals.values()) if (live === undefined || live(c.reg.id)) code += this.#flush(c);
    this.#locals.clear();
    return code;
  }

  #ensure(reg: IrRegister, family: Family, load: boolean): Local {
    const existing = this.#locals.get(reg.id);
    if (existing !== undefined && existing.family === family) return existing;
    if (existing !== undefined) {
      this.#prelude += this.#flush(existing);
      this.#locals.delete(reg.id);
    }
    const c: Local = { name: `r${reg.id}_${this.#names++}`, family, reg, dirty: false };
    this.#locals.set(reg.id, c);
    this.#prelude += load ? this.#load(c) : this.#declare(c);
    return c;
  }

  #load(c: Local): string {
    const r = c.reg;
    switch (c.family) {
      case 'p': return `let ${c.name} = P[${elementIndex(r, 'P')}];\n`;
      case 'h': return `let ${c.name} = H[${elementIndex(r, 'H')}];\n`;
      case 'i': return `let ${c.name} = I[${elementIndex(r, 'I')}];\n`;
      case 'f': return `let ${c.name} = F[${elementIndex(r, 'F')}];\n`;
      case 'd': return `let ${c.name} = D[${elementIndex(r, 'D')}];\n`;
      case 'q': return `let ${c.name}l = Q[${elementIndex(r, 'QL')}], ${c.name}h = Q[${elementIndex(r, 'QH')}];\n`;
      case 'a': return `let ${c.name} = A[${elementIndex(r, 'A')}];\n`;
    }
  }

  #declare(c: Local): string {
    return c.family === 'q' ? `let ${c.name}l = 0, ${c.name}h = 0;\n` : `let ${c.name} = 0;\n`;
  }

  #flush(c: Local): string {
    if (!c.dirty) return '';
    c.dirty = false;
    const r = c.reg;
    switch (c.family) {
      case 'p': return `P[${elementIndex(r, 'P')}] = ${c.name};\n`;
      case 'h': return `H[${elementIndex(r, 'H')}] = ${c.name};\n`;
      case 'i': return `I[${elementIndex(r, 'I')}] = ${c.name};\n`;
      case 'f': return `if (${c.name} === ${c.name}) F[${elementIndex(r, 'F')}] = ${c.name}; else I[${elementIndex(r, 'I')}] = ${F32_NAN_I32};\n`;
      case 'd': return `D[${elementIndex(r, 'D')}] = ${c.name};\n`;
      case 'q': return `Q[${elementIndex(r, 'QL')}] = ${c.name}l; Q[${elementIndex(r, 'QH')}] = ${c.name}h;\n`;
      case 'a': return `A[${elementIndex(r, 'A')}] = ${c.name};\n`;
    }
  }
}
