/**
 * Name scopes of a function body: registers (plain and `%r<N>` ranges, created on first use),
 * variables, call prototypes, labels and jump tables, one {@link Scope} per `{ }` block. Inner
 * declarations shadow outer ones, which is how inline-asm blocks reuse names like `%r1` or `p`.
 * @module
 */
import type { BranchTargets } from '../ptx/ast.js';
import { typeInfo, type PtxType } from '../ptx/types.js';
import type { IrLocalVariable, IrParam, IrRegOperand, IrRegister, IrSharedVariable, IrSignature, RegClass } from './types.js';

/** A register while its function is being lowered (class and slot are final after classification). */
export class Register implements IrRegister {
  readonly kind = 'register';
  cls: RegClass;
  slot = -1;
  /** Width of the declared type in bits (`pred`: 1). */
  readonly bits: number;
  private plain: IrRegOperand | null = null;

  constructor(readonly name: string, readonly type: PtxType, readonly id: number, readonly line: number, cls: RegClass) {
    this.cls = cls;
    this.bits = typeInfo(type).bits;
  }

  /** The operand `reg` or `!reg`; the plain one is shared by every use (operands are immutable). */
  operand(negate: boolean): IrRegOperand {
    if (negate) return { kind: 'reg', reg: this, negate: true };
    return (this.plain ??= { kind: 'reg', reg: this, negate: false });
  }
}

/** A `.callprototype` declared in a body. */
export interface Prototype {
  readonly kind: 'prototype';
  readonly name: string;
  readonly signature: IrSignature;
}

/** What a name declared in a body denotes. */
export type ScopeEntry = Register | IrLocalVariable | IrSharedVariable | IrParam | Prototype;

/** A label; its position (index of the instruction it names) is known once the walk reaches it. */
export interface LabelInfo {
  readonly name: string;
  position: number;
  line: number;
}

/** A jump table and the scope its labels resolve in. */
export interface TableInfo {
  readonly decl: BranchTargets;
  readonly scope: Scope;
}

/** A `%r<N>` declaration: registers are created when first named. */
interface RangeDecl {
  readonly prefix: string;
  readonly type: PtxType;
  readonly count: number;
  readonly line: number;
}

/** One `{ }` level. */
export class Scope {
  private readonly names = new Map<string, ScopeEntry>();
  private readonly ranges: RangeDecl[] = [];
  private readonly labels = new Map<string, LabelInfo>();
  private readonly tables = new Map<string, TableInfo>();

  constructor(readonly parent: Scope | null) {}

  /** Declares a name; false when this scope already has it (range members named so far included). */
  declare(name: string, entry: ScopeEntry): boolean {
    if (this.names.has(name) || this.ranges.some((r) => r.prefix === name)) return false;
    this.names.set(name, entry);
    return true;
  }

  /** Declares `prefix0` … `prefix{count-1}`; false when this scope already has the prefix. */
  declareRange(prefix: string, type: PtxType, count: number, line: number): boolean {
    if (this.ranges.some((r) => r.prefix === prefix) || this.names.has(prefix)) return false;
    this.ranges.push({ prefix, type, count, line });
    return true;
  }

  /**
   * Finds a name in this scope or its parents.
   * @param create - Makes the register for a range member named for the first time.
   */
  lookup(name: string, create: (name: string, type: PtxType, line: number) => Register): ScopeEntry | undefined {
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      const entry = s.names.get(name) ?? (s.ranges.length > 0 ? s.rangeMember(name, create) : undefined);
      if (entry !== undefined) return entry;
    }
    return undefined;
  }

  /** The member of one of this scope's ranges named `name` (`%r12` of `%r<20>`), without allocating. */
  private rangeMember(name: string, create: (name: string, type: PtxType, line: number) => Register): Register | undefined {
    let d = name.length;
    while (d > 0 && name.charCodeAt(d - 1) >= 48 && name.charCodeAt(d - 1) <= 57) d--;
    if (d === name.length || d === 0) return undefined;
    if (name.charCodeAt(d) === 48 && d < name.length - 1) return undefined; // no leading zeros
    for (let r = 0; r < this.ranges.length; r++) {
      const range = this.ranges[r]!;
      if (range.prefix.length !== d || !name.startsWith(range.prefix)) continue;
      let index = 0;
      for (let k = d; k < name.length; k++) index = index * 10 + name.charCodeAt(k) - 48;
      if (index >= range.count) return undefined;
      const reg = create(name, range.type, range.line);
      this.names.set(name, reg); // later lookups find it directly
      return reg;
    }
    return undefined;
  }

  /** Declares a label of this block; false when it already has one of that name. */
  declareLabel(name: string, line: number): boolean {
    if (this.labels.has(name)) return false;
    this.labels.set(name, { name, position: -1, line });
    return true;
  }

  /** The label named `name` in this scope or its parents. */
  findLabel(name: string): LabelInfo | undefined {
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      const l = s.labels.get(name);
      if (l !== undefined) return l;
    }
    return undefined;
  }

  /** Declares a jump table. */
  declareTable(decl: BranchTargets): boolean {
    if (this.tables.has(decl.name)) return false;
    this.tables.set(decl.name, { decl, scope: this });
    return true;
  }

  /** The jump table named `name` in this scope or its parents. */
  findTable(name: string): TableInfo | undefined {
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      const t = s.tables.get(name);
      if (t !== undefined) return t;
    }
    return undefined;
  }
}
