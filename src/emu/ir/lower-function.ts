/**
 * Lowering of one `.entry` / `.func` body: scopes resolved, registers classified and given
 * slots, operands typed, `.param`/`.local`/`.shared` declarations laid out, calls resolved, and
 * the instructions cut into a CFG with post-dominators.
 * @module
 */
import { PtxSyntaxError } from '../../errors.js';
import type {
  Block, CallOperands, Declaration, FunctionDecl, Instruction, NameOperand, Operand, SourcePos,
} from '../ptx/ast.js';
import { operandRoles, type OperandRole } from '../ptx/instruction.js';
import { typeInfo, type PtxType } from '../ptx/types.js';
import { addressRegisters } from './address-class.js';
import { buildCfg } from './cfg.js';
import { typedImmediate } from './immediates.js';
import { alignUp, declAlign, declBytes, layoutParams, paramAt } from './layout.js';
import { Register, Scope, type LabelInfo, type ScopeEntry } from './scope.js';
import { SPECIAL_REGISTERS } from './special-registers.js';
import {
  REG_CLASSES, type IrCall, type IrFunction, type IrFunctionSymbol, type IrGuard, type IrInstruction, type IrLabelOperand,
  type IrLocalVariable, type IrModuleVariable, type IrOperand, type IrParam, type IrRegOperand, type IrSharedVariable,
  type IrSignature, type IrSinkOperand, type IrSourceLoc, type IrSymbol, type IrTargetsOperand, type RegClass,
  type SpecialRegisterName,
} from './types.js';

/** What a function sees at module scope. */
export interface ModuleScope {
  /** The API call that errors name. */
  readonly call: string;
  /** The PTX text. */
  readonly source: string;
  readonly files: ReadonlyMap<number, string>;
  /** Module-scope variables and functions by name. */
  readonly symbols: ReadonlyMap<string, IrModuleVariable | IrSharedVariable | IrFunctionSymbol>;
  /** Names of `.extern` variables (declared, not defined here). */
  readonly externs: ReadonlySet<string>;
  /** The declaration of each function, by index (for call checks). */
  readonly functionDecls: readonly FunctionDecl[];
  /** Registers a `.shared` variable declared in a function body. */
  addShared(decl: Declaration, owner: number): IrSharedVariable;
}

/** A lowered function and what module lowering needs from it. */
export interface LoweredFunction {
  readonly fn: IrFunction;
  /** Registers declared (range sizes included), for `KernelInfo.registerCount`. */
  readonly declaredRegisters: number;
  /** Functions used as values in the body. */
  readonly addressTaken: ReadonlySet<number>;
}

const RELAXED_WIDTH: ReadonlySet<string> = new Set(['ld', 'ldu', 'st', 'cvt']);
const VECTOR_MEMORY: ReadonlySet<string> = new Set(['ld', 'ldu', 'st', 'atom', 'red']);
const SINK: IrSinkOperand = Object.freeze({ kind: 'sink' });

/**
 * Lowers a function that has a body.
 * @param index - The function's index in the module.
 * @throws PtxSyntaxError on undeclared names, type mismatches and unsupported constructs.
 */
export function lowerFunction(decl: FunctionDecl, index: number, mod: ModuleScope): LoweredFunction {
  return new FunctionLowering(decl, index, mod).run();
}

/** Mutable instruction while lowering (label operands are patched once blocks exist). */
type PendingLabel = { -readonly [K in keyof IrLabelOperand]: IrLabelOperand[K] };
type PendingTargets = { -readonly [K in keyof IrTargetsOperand]: IrTargetsOperand[K] } & { blocks: number[] };

class FunctionLowering {
  private readonly registers: Register[] = [];
  private declaredRegisters = 0;
  private readonly instructions: IrInstruction[] = [];
  private readonly branchTargets = new Map<number, LabelInfo[]>();
  private readonly labelRefs: { operand: PendingLabel; label: LabelInfo }[] = [];
  private readonly tableRefs: { operand: PendingTargets; labels: LabelInfo[] }[] = [];
  private readonly labelsAt = new Map<number, string[]>();
  private readonly localVariables: IrLocalVariable[] = [];
  private readonly sharedVariables: IrSharedVariable[] = [];
  private readonly sharedUses = new Set<number>();
  private readonly callees = new Set<number>();
  private readonly addressTaken = new Set<number>();
  private indirectCalls = false;
  private frameBytes = 0;
  private localBytes = 0;
  private loc: IrSourceLoc | null = null;
  private readonly createRegister = (name: string, type: PtxType, line: number): Register => {
    const reg = new Register(name, type, this.registers.length, line, storageClass(type));
    this.registers.push(reg);
    return reg;
  };

  constructor(private readonly decl: FunctionDecl, private readonly index: number, private readonly mod: ModuleScope) {}

  run(): LoweredFunction {
    const { decl } = this;
    const top = new Scope(null);
    for (const p of [...decl.params, ...decl.returns]) {
      if (p.space !== 'param') this.fail(`.reg parameters are not supported (${p.name})`, p, p.name);
    }
    let params: IrParam[];
    let returns: IrParam[] = [];
    if (decl.entry) {
      params = layoutParams(decl.params, 'entry', 0).params;
    } else {
      const laidParams = layoutParams(decl.params, 'frame', 0);
      const laidReturns = layoutParams(decl.returns, 'frame', laidParams.end);
      params = laidParams.params;
      returns = laidReturns.params;
      this.frameBytes = laidReturns.end;
    }
    for (const p of [...params, ...returns]) {
      if (!top.declare(p.name, p)) this.fail(`parameter ${p.name} declared twice`, { line: p.line, column: 1 }, p.name);
    }
    this.walk(decl.body!, new Scope(top));

    const addr = addressRegisters(this.instructions);
    const counts: Record<RegClass, number> = { pred: 0, r16: 0, r32: 0, r64: 0, addr: 0 };
    for (const reg of this.registers) {
      if (addr.has(reg)) reg.cls = 'addr';
      reg.slot = counts[reg.cls]++;
    }

    const cfg = buildCfg({
      instructions: this.instructions,
      branchTargets: new Map([...this.branchTargets].map(([at, labels]) => [at, labels.map((l) => l.position)])),
      labelsAt: this.labelsAt,
    });
    for (const { operand, label } of this.labelRefs) operand.block = cfg.blockAt[label.position]!;
    for (const { operand, labels } of this.tableRefs) operand.blocks = labels.map((l) => cfg.blockAt[l.position]!);

    const fn: IrFunction = {
      name: decl.name,
      index: this.index,
      isKernel: decl.entry,
      linkage: decl.linkage,
      defined: true,
      params,
      returns,
      paramFrameBytes: alignUp(this.frameBytes, 16),
      localBytes: alignUp(this.localBytes, 16),
      localVariables: this.localVariables,
      sharedVariables: this.sharedVariables,
      registers: this.registers,
      registerCounts: Object.fromEntries(REG_CLASSES.map((c) => [c, counts[c]])) as Record<RegClass, number>,
      blocks: cfg.blocks,
      callees: [...this.callees],
      indirectCalls: this.indirectCalls,
      sharedUses: [...this.sharedUses],
      directives: decl.directives,
      line: decl.line,
    };
    return { fn, declaredRegisters: this.declaredRegisters, addressTaken: this.addressTaken };
  }

  private fail(message: string, at: SourcePos, token: string): never {
    throw new PtxSyntaxError(this.mod.call, `${message} (in ${this.decl.name})`, { line: at.line, column: at.column, token });
  }

  // ---- Statements ---------------------------------------------------------------------------

  private walk(block: Block, scope: Scope): void {
    for (const s of block.statements) {
      if (s.kind === 'label' && !scope.declareLabel(s.name, s.line)) this.fail(`label ${s.name} defined twice`, s, s.name);
      if (s.kind === 'branchtargets' && !scope.declareTable(s)) this.fail(`${s.name} defined twice`, s, s.name);
    }
    for (const s of block.statements) {
      switch (s.kind) {
        case 'instruction':
          this.instruction(s, scope);
          break;
        case 'decl':
          this.declaration(s, scope);
          break;
        case 'label': {
          const label = scope.findLabel(s.name)!;
          label.position = this.instructions.length;
          const at = this.labelsAt.get(label.position);
          if (at === undefined) this.labelsAt.set(label.position, [s.name]);
          else at.push(s.name);
          break;
        }
        case 'block':
          this.walk(s, new Scope(scope));
          break;
        case 'loc':
          this.loc = { file: s.file, path: this.mod.files.get(s.file) ?? null, line: s.sourceLine, column: s.sourceColumn };
          break;
        case 'callprototype': {
          const params = layoutParams(s.params, 'frame', 0);
          const returns = layoutParams(s.returns, 'frame', params.end);
          if (!scope.declare(s.name, { kind: 'prototype', name: s.name, signature: { params: params.params, returns: returns.params } })) {
            this.fail(`${s.name} declared twice`, s, s.name);
          }
          break;
        }
        case 'pragma':
        case 'branchtargets':
          break;
      }
    }
  }

  private declaration(d: Declaration, scope: Scope): void {
    let entry: ScopeEntry;
    switch (d.space) {
      case 'reg': {
        if (d.vector !== 1 || d.dims.length > 0) this.fail('vector and array registers are not supported', d, d.name);
        if (d.type === 'b128') this.fail('.b128 registers are not supported', d, d.name);
        if (d.range !== null) {
          if (!scope.declareRange(d.name, d.type, d.range, d.line)) this.fail(`${d.name} declared twice in one scope`, d, d.name);
          this.declaredRegisters += d.range;
          return;
        }
        this.declaredRegisters++;
        entry = this.createRegister(d.name, d.type, d.line);
        break;
      }
      case 'local': {
        const align = declAlign(d);
        const offset = alignUp(this.localBytes, align);
        const v: IrLocalVariable = { kind: 'local', name: d.name, type: d.type, bytes: declBytes(d), align, offset, line: d.line };
        this.localBytes = offset + v.bytes;
        this.localVariables.push(v);
        entry = v;
        break;
      }
      case 'shared': {
        const v = this.mod.addShared(d, this.index);
        this.sharedVariables.push(v);
        this.sharedUses.add(v.id);
        entry = v;
        break;
      }
      case 'param': {
        const p = paramAt(d, 'frame', this.frameBytes);
        this.frameBytes = p.offset + p.bytes;
        entry = p;
        break;
      }
      default:
        return this.fail(`.${d.space} variables inside a function are not supported`, d, d.name);
    }
    if (!scope.declare(d.name, entry)) this.fail(`${d.name} declared twice in one scope`, d, d.name);
  }

  // ---- Instructions -------------------------------------------------------------------------

  private instruction(ins: Instruction, scope: Scope): void {
    const d = ins.decoded;
    let guard: IrGuard | null = null;
    if (ins.guard !== null) {
      const g = this.lookup(ins.guard.name, scope, ins.guard);
      if (!(g instanceof Register) || g.type !== 'pred') this.fail(`guard ${ins.guard.name} is not a predicate register`, ins.guard, ins.guard.name);
      guard = { reg: g as Register, negate: ins.guard.negate };
    }
    const position = this.instructions.length;
    let operands: IrOperand[] = [];
    let roles: readonly OperandRole[] = [];
    let call: IrCall | null = null;
    if (ins.call !== null) {
      call = this.call(ins.call, ins, scope);
    } else {
      roles = operandRoles(d, ins.operands.length)!;
      operands = new Array<IrOperand>(ins.operands.length);
      for (let k = 0; k < operands.length; k++) operands[k] = this.operand(ins.operands[k]!, roles[k]!, ins, scope, position);
    }
    this.instructions.push({
      op: d.opcode,
      decoded: d,
      guard,
      operands,
      roles,
      call,
      line: ins.line,
      column: ins.column,
      loc: this.loc,
      text: this.mod.source.slice(ins.start, ins.end),
    });
  }

  private lookup(name: string, scope: Scope, at: SourcePos): ScopeEntry | IrSymbol | undefined {
    const local = scope.lookup(name, this.createRegister);
    if (local !== undefined) return local;
    if (this.mod.externs.has(name)) this.fail(`${name} is an .extern variable that this module does not define`, at, name);
    return this.mod.symbols.get(name);
  }

  private operand(op: Operand, role: OperandRole, ins: Instruction, scope: Scope, position: number): IrOperand {
    const d = ins.decoded;
    switch (op.kind) {
      case 'name':
        if (role.form === 'label') return this.labelOperand(op, ins, scope, position);
        if (role.form === 'memory') return this.fail(`${d.name} expects an address [...] here`, op, op.name);
        return this.valueName(op, role, ins, scope);
      case 'int':
      case 'float': {
        if (role.form !== 'value' || role.dst) return this.fail(`${d.name} cannot take a constant here`, op, String(op.value));
        const imm = typedImmediate(op, role.type);
        if (typeof imm === 'string') return this.fail(imm, op, String(op.value));
        return imm;
      }
      case 'address': {
        if (role.form !== 'memory') return this.fail(`${d.name} does not take an address here`, op, '[');
        let base: Register | IrSymbol | null = null;
        if (op.base !== null) {
          const b = this.lookup(op.base.name, scope, op.base);
          if (b instanceof Register) {
            if (b.bits < 32) this.fail(`${b.name} (.${b.type}) cannot hold an address`, op.base, op.base.name);
            base = b;
          } else if (b !== undefined && b.kind !== 'prototype') {
            base = this.useSymbol(b);
          } else {
            this.fail(`undeclared name ${op.base.name}`, op.base, op.base.name);
          }
        }
        return { kind: 'addr', base, offset: Number(op.offset) };
      }
      case 'vector':
        return this.vectorOperand(op, role, ins, scope);
      case 'pair': {
        if (role.pairType === null || !role.dst) return this.fail(`${d.name} does not take a d|p operand here`, op, '|');
        const first = op.first.kind === 'sink' ? SINK : this.register(op.first, role.type, ins, scope);
        const second = op.second.kind === 'sink' ? SINK : this.register(op.second, role.pairType, ins, scope);
        return { kind: 'pair', first, second };
      }
      case 'sink':
        if (!role.dst) return this.fail(`'_' can only stand for a result`, op, '_');
        return SINK;
    }
  }

  /** A name in a value position: register, special register or symbol address. */
  private valueName(op: NameOperand, role: OperandRole, ins: Instruction, scope: Scope): IrOperand {
    const entry = this.lookup(op.name, scope, op);
    if (entry instanceof Register) return this.checkedRegister(entry, op, role.type, ins, role.bits);
    if (entry === undefined) {
      const special = op.name.startsWith('%') ? SPECIAL_REGISTERS.get(op.name.slice(1)) : undefined;
      if (special === undefined && /^%envreg\d+$/.test(op.name)) {
        return this.fail(`${op.name} holds the grid workspace of a cooperative launch (cooperative_groups grid.sync()); the emulated device does not support grid-wide synchronization`, op, op.name);
      }
      if (special === undefined) return this.fail(`undeclared name ${op.name}`, op, op.name);
      if (role.dst) return this.fail(`special register ${op.name} is read-only`, op, op.name);
      if (special.vector !== (op.component !== null)) {
        return this.fail(special.vector ? `${op.name} needs a .x, .y or .z component` : `${op.name} has no components`, op, op.name);
      }
      const component = op.component === null ? null : (('xyzw'.indexOf(op.component)) as 0 | 1 | 2 | 3);
      return { kind: 'sreg', name: op.name.slice(1) as SpecialRegisterName, component, type: special.type };
    }
    if (entry.kind === 'prototype') return this.fail(`${op.name} is a call prototype`, op, op.name);
    if (role.dst) return this.fail(`${op.name} is not a register`, op, op.name);
    return { kind: 'sym', symbol: this.useSymbol(entry) };
  }

  private useSymbol(symbol: IrSymbol): IrSymbol {
    if (symbol.kind === 'shared') this.sharedUses.add(symbol.id);
    else if (symbol.kind === 'function') this.addressTaken.add(symbol.index);
    return symbol;
  }

  /** A register by name (for pair and vector elements), checked against `type`. */
  private register(op: NameOperand, type: PtxType, ins: Instruction, scope: Scope): IrRegOperand {
    const entry = this.lookup(op.name, scope, op);
    if (!(entry instanceof Register)) return this.fail(`${op.name} is not a register`, op, op.name);
    return this.checkedRegister(entry, op, type, ins, typeInfo(type).bits);
  }

  /** Checks that `reg` can be used as a `type` operand of `ins` (PTX's size rules). */
  private checkedRegister(reg: Register, op: NameOperand, type: PtxType, ins: Instruction, bits: number): IrRegOperand {
    const regBits = reg.bits;
    const wanted = bits;
    if ((reg.type === 'pred') !== (type === 'pred')) {
      this.fail(`${reg.name} is .${reg.type} but ${ins.decoded.name} expects .${type} here`, op, op.name);
    }
    if (regBits !== wanted && !(RELAXED_WIDTH.has(ins.decoded.opcode) && regBits > wanted)) {
      this.fail(`${reg.name} is .${reg.type} (${regBits} bits) but ${ins.decoded.name} expects ${wanted} bits here`, op, op.name);
    }
    if (op.negate && reg.type !== 'pred') this.fail(`only predicates can be negated`, op, op.name);
    return reg.operand(op.negate);
  }

  private vectorOperand(op: Extract<Operand, { kind: 'vector' }>, role: OperandRole, ins: Instruction, scope: Scope): IrOperand {
    const d = ins.decoded;
    const n = op.elements.length;
    let elementBits: number;
    if (VECTOR_MEMORY.has(d.opcode)) {
      if (d.mods.vec !== n) this.fail(`${d.name} needs ${d.mods.vec === 1 ? 'a scalar' : `a ${d.mods.vec}-element vector`} here`, op, '{');
      elementBits = role.bits;
    } else if (d.opcode === 'mov' && n > 1 && role.bits % n === 0) {
      elementBits = role.bits / n;
    } else {
      return this.fail(`${d.name} does not take a vector operand here`, op, '{');
    }
    const elements = op.elements.map((e) => {
      if (e.kind === 'sink') {
        if (!role.dst) this.fail(`'_' can only stand for a result`, e, '_');
        return SINK;
      }
      if (e.kind === 'name') {
        const entry = this.lookup(e.name, scope, e);
        if (!(entry instanceof Register)) return this.fail(`${e.name} is not a register`, e, e.name);
        return this.checkedRegister(entry, e, role.type, ins, elementBits);
      }
      if (role.dst) return this.fail(`a constant cannot be a result`, e, String(e.value));
      const elementType = (d.opcode === 'mov' ? `b${elementBits}` : role.type) as PtxType;
      const imm = typedImmediate(e, elementType);
      return typeof imm === 'string' ? this.fail(imm, e, String(e.value)) : imm;
    });
    return { kind: 'vec', elements };
  }

  private labelOperand(op: NameOperand, ins: Instruction, scope: Scope, position: number): IrOperand {
    const targets = this.branchTargets.get(position) ?? [];
    this.branchTargets.set(position, targets);
    if (ins.decoded.opcode === 'brx.idx') {
      const table = scope.findTable(op.name);
      if (table === undefined) return this.fail(`${op.name} is not a .branchtargets table`, op, op.name);
      const labels = table.decl.labels.map((name) => {
        const l = table.scope.findLabel(name);
        if (l === undefined) return this.fail(`undefined label ${name} in ${op.name}`, table.decl, name);
        return l;
      });
      targets.push(...labels);
      const operand: PendingTargets = { kind: 'targets', name: op.name, blocks: [] };
      this.tableRefs.push({ operand, labels });
      return operand;
    }
    const label = scope.findLabel(op.name);
    if (label === undefined) return this.fail(`undefined label ${op.name}`, op, op.name);
    targets.push(label);
    const operand: PendingLabel = { kind: 'label', name: op.name, block: -1 };
    this.labelRefs.push({ operand, label });
    return operand;
  }

  // ---- Calls --------------------------------------------------------------------------------

  private call(c: CallOperands, ins: Instruction, scope: Scope): IrCall {
    const frameParam = (op: Operand, what: string): IrParam => {
      const name = op.kind === 'name' ? op.name : '';
      const entry = op.kind === 'name' ? this.lookup(op.name, scope, op) : undefined;
      if (entry === undefined || entry instanceof Register || entry.kind !== 'param' || entry.region !== 'frame') {
        return this.fail(`call ${what} must be .param variables declared in the function (register arguments are not supported)`, op, name || op.kind);
      }
      return entry;
    };
    const returns = c.returns.map((r) => frameParam(r, 'results'));
    const args = c.args.map((a) => frameParam(a, 'arguments'));
    const target = this.lookup(c.target.name, scope, c.target);
    let prototype: IrSignature | null = null;
    if (c.prototype !== null) {
      const p = this.lookup(c.prototype.name, scope, c.prototype);
      if (p !== undefined && !(p instanceof Register) && p.kind === 'prototype') prototype = p.signature;
      else if (scope.findTable(c.prototype.name) === undefined) this.fail(`${c.prototype.name} is not a .callprototype`, c.prototype, c.prototype.name);
    }
    if (target instanceof Register) {
      if (target.bits < 32) this.fail(`${target.name} cannot hold a function address`, c.target, c.target.name);
      this.indirectCalls = true;
      return { target: { kind: 'indirect', reg: target }, args, returns, prototype };
    }
    if (target === undefined || target.kind !== 'function') return this.fail(`${c.target.name} is not a function`, c.target, c.target.name);
    const callee = this.mod.functionDecls[target.index]!;
    if (callee.body === null && callee.linkage !== 'extern') {
      this.fail(`${callee.name} is declared but never defined (only .extern functions may lack a body)`, c.target, c.target.name);
    }
    if (callee.entry) this.fail(`${callee.name} is a kernel and cannot be called`, c.target, c.target.name);
    if (args.length !== callee.params.length) {
      this.fail(`${callee.name} takes ${callee.params.length} argument(s), the call passes ${args.length}`, ins, c.target.name);
    }
    if (returns.length > callee.returns.length) {
      this.fail(`${callee.name} returns ${callee.returns.length} value(s), the call expects ${returns.length}`, ins, c.target.name);
    }
    this.callees.add(target.index);
    return { target: { kind: 'direct', function: target.index }, args, returns, prototype };
  }
}

/** The storage class a register of `type` gets before address classification. */
export function storageClass(type: PtxType): RegClass {
  if (type === 'pred') return 'pred';
  const bits = typeInfo(type).bits;
  return bits <= 16 ? 'r16' : bits <= 32 ? 'r32' : 'r64';
}
