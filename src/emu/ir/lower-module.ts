/**
 * Lowering of a whole module: module variables with their initial bytes and relocations,
 * shared variables, every function, and per kernel the facts a launch needs (parameter layout,
 * static shared layout including callees', local bytes, reachable functions).
 * @module
 */
import { PtxSyntaxError } from '../../errors.js';
import type { EntryParam, KernelInfo } from '../engine.js';
import type { Declaration, FunctionDecl, PtxModule, SourcePos } from '../ptx/ast.js';
import { PTX_TYPES, type PtxType } from '../ptx/types.js';
import { alignUp, declAlign, declBytes, encodeInitializer, layoutParams } from './layout.js';
import { lowerFunction, type LoweredFunction, type ModuleScope } from './lower-function.js';
import type {
  IrFunction, IrFunctionSymbol, IrKernel, IrModule, IrModuleVariable, IrRelocation, IrSharedVariable, RegClass,
} from './types.js';

/** The scalar types `EntryParam.type` admits (the engine seam's `PtxScalarType`). */
const ENTRY_PARAM_TYPES: ReadonlySet<string> = new Set(
  [...PTX_TYPES.keys()].filter((t) => !['u16x2', 's16x2', 'tf32', 'e4m3', 'e5m2', 'e4m3x2', 'e5m2x2'].includes(t)),
);

/**
 * Lowers a parsed module into the IR.
 * @throws PtxSyntaxError on undeclared names, duplicate definitions, type mismatches and
 *   unsupported constructs, naming the line and token.
 */
export function lowerModule(ast: PtxModule): IrModule {
  return new ModuleLowering(ast).run();
}

class ModuleLowering implements ModuleScope {
  readonly call: string;
  readonly source: string;
  readonly files: ReadonlyMap<number, string>;
  readonly symbols = new Map<string, IrModuleVariable | IrSharedVariable | IrFunctionSymbol>();
  readonly externs = new Set<string>();
  readonly functionDecls: FunctionDecl[] = [];
  private readonly variables: IrModuleVariable[] = [];
  private readonly shared: IrSharedVariable[] = [];
  private readonly initializers: { variable: IrModuleVariable; decl: Declaration }[] = [];

  constructor(private readonly ast: PtxModule) {
    this.call = ast.call;
    this.source = ast.source;
    this.files = ast.files;
  }

  private fail(message: string, at: SourcePos, token: string): never {
    throw new PtxSyntaxError(this.call, message, { line: at.line, column: at.column, token });
  }

  addShared(decl: Declaration, owner: number): IrSharedVariable {
    const dynamic = decl.dims.includes(null);
    if (dynamic && decl.linkage !== 'extern') this.fail(`shared array ${decl.name}[] needs .extern to be dynamic`, decl, decl.name);
    const v: IrSharedVariable = {
      kind: 'shared', id: this.shared.length, name: decl.name, type: decl.type, bytes: declBytes(decl), align: declAlign(decl),
      dynamic, owner, line: decl.line,
    };
    this.shared.push(v);
    return v;
  }

  private define(name: string, symbol: IrModuleVariable | IrSharedVariable | IrFunctionSymbol, at: SourcePos): void {
    if (this.symbols.has(name) || this.externs.has(name)) this.fail(`${name} is defined twice`, at, name);
    this.symbols.set(name, symbol);
  }

  run(): IrModule {
    // Declarations first, so that functions and initializers may refer to anything.
    for (const item of this.ast.items) {
      if (item.kind === 'function') this.declareFunction(item);
      else this.declareVariable(item);
    }
    for (const { variable, decl } of this.initializers) this.initialize(variable, decl);

    const lowered: (LoweredFunction | null)[] = this.functionDecls.map((decl, index) => (decl.body === null ? null : lowerFunction(decl, index, this)));
    const functions: IrFunction[] = this.functionDecls.map((decl, index) => lowered[index]?.fn ?? declaredOnly(decl, index));
    const addressTaken = new Set<number>();
    for (const l of lowered) for (const f of l?.addressTaken ?? []) addressTaken.add(f);
    for (const v of this.variables) for (const r of v.relocations) if (r.target.kind === 'function') addressTaken.add(r.target.index);

    const kernels = new Map<string, IrKernel>();
    for (const fn of functions) {
      if (!fn.isKernel) continue;
      const kernel = this.kernel(fn, functions, lowered[fn.index]!, addressTaken);
      functions[fn.index] = kernel;
      kernels.set(fn.name, kernel);
    }
    return {
      version: this.ast.version,
      target: this.ast.target,
      targetOptions: this.ast.targetOptions,
      addressSize: this.ast.addressSize,
      files: this.ast.files,
      functions,
      kernels,
      kernelInfo: new Map([...kernels].map(([name, k]) => [name, k.info])),
      variables: this.variables,
      sharedVariables: this.shared,
      addressTaken: [...addressTaken].sort((a, b) => a - b),
    };
  }

  private declareFunction(decl: FunctionDecl): void {
    const existing = this.symbols.get(decl.name);
    if (existing !== undefined) {
      if (existing.kind !== 'function') this.fail(`${decl.name} is defined twice`, decl, decl.name);
      const previous = this.functionDecls[existing.index]!;
      if (previous.entry !== decl.entry) this.fail(`${decl.name} is declared as both .entry and .func`, decl, decl.name);
      if (previous.body !== null && decl.body !== null) this.fail(`function ${decl.name} is defined twice`, decl, decl.name);
      if (decl.body !== null) this.functionDecls[existing.index] = decl;
      return;
    }
    const symbol: IrFunctionSymbol = { kind: 'function', name: decl.name, index: this.functionDecls.length };
    this.functionDecls.push(decl);
    this.define(decl.name, symbol, decl);
  }

  private declareVariable(decl: Declaration): void {
    switch (decl.space) {
      case 'shared':
        this.define(decl.name, this.addShared(decl, -1), decl);
        return;
      case 'global':
      case 'const': {
        if (decl.linkage === 'extern') {
          if (this.symbols.has(decl.name) || this.externs.has(decl.name)) this.fail(`${decl.name} is defined twice`, decl, decl.name);
          this.externs.add(decl.name);
          return;
        }
        if (decl.dims.includes(null) && decl.init === null) this.fail(`${decl.name}[] needs a size or an initializer`, decl, decl.name);
        const variable: IrModuleVariable = {
          kind: 'variable',
          name: decl.name,
          space: decl.space,
          type: decl.type,
          bytes: declBytes(decl),
          align: declAlign(decl),
          init: null,
          visible: decl.linkage !== null || !/^(\$|__unnamed_)/.test(decl.name),
          index: this.variables.length,
          relocations: [],
          line: decl.line,
        };
        this.variables.push(variable);
        this.define(decl.name, variable, decl);
        if (decl.init !== null) this.initializers.push({ variable, decl });
        return;
      }
      default:
        this.fail(`.${decl.space} variables at module scope are not supported`, decl, decl.name);
    }
  }

  /** Encodes a variable's initializer and resolves the addresses in it (fills `init`, `bytes`, `relocations`). */
  private initialize(variable: IrModuleVariable, decl: Declaration): void {
    const encoded = encodeInitializer(decl, decl.init!, (message, at) => this.fail(message, at, decl.name));
    const relocations: IrRelocation[] = encoded.relocations.map((r) => {
      const target = this.symbols.get(r.expr.name);
      if (target === undefined) return this.fail(`undeclared name ${r.expr.name} in the initializer of ${decl.name}`, r.expr, r.expr.name);
      if (target.kind === 'shared') return this.fail(`the address of shared variable ${r.expr.name} is not a constant`, r.expr, r.expr.name);
      return { offset: r.offset, size: r.size, target, addend: Number(r.expr.addend), generic: r.expr.generic };
    });
    const mutable = variable as { -readonly [K in keyof IrModuleVariable]: IrModuleVariable[K] };
    mutable.init = encoded.bytes;
    mutable.bytes = encoded.bytes.length;
    mutable.relocations = relocations;
  }

  private kernel(fn: IrFunction, functions: readonly IrFunction[], lowered: LoweredFunction, addressTaken: ReadonlySet<number>): IrKernel {
    const reachable = reachableFrom(fn.index, functions, addressTaken);
    const recursive = hasCycle(fn.index, functions, addressTaken);

    // Static shared layout over every reachable function; dynamic arrays after it.
    const used = new Set<number>();
    for (const f of reachable) for (const id of functions[f]!.sharedUses) used.add(id);
    const sharedOffsets = new Array<number>(this.shared.length).fill(-1);
    let staticBytes = 0;
    let dynamicAlign = 1;
    let usesDynamic = false;
    for (const v of this.shared) {
      if (!used.has(v.id)) continue;
      if (v.dynamic) {
        usesDynamic = true;
        dynamicAlign = Math.max(dynamicAlign, v.align);
        continue;
      }
      staticBytes = alignUp(staticBytes, v.align);
      sharedOffsets[v.id] = staticBytes;
      staticBytes += v.bytes;
    }
    const dynamicSharedOffset = alignUp(staticBytes, dynamicAlign);
    for (const v of this.shared) if (v.dynamic && used.has(v.id)) sharedOffsets[v.id] = dynamicSharedOffset;

    const entryParams: EntryParam[] = fn.params.map((p) => {
      if (!ENTRY_PARAM_TYPES.has(p.type)) this.fail(`kernel parameter ${p.name} has unsupported type .${p.type}`, { line: p.line, column: 1 }, p.name);
      return { name: p.name, type: p.type as EntryParam['type'], arrayLength: p.arrayLength, align: p.align, size: p.bytes, offset: p.offset, isPointer: p.isPointer };
    });
    const last = entryParams[entryParams.length - 1];
    const d = fn.directives;
    const info: KernelInfo = {
      name: fn.name,
      params: entryParams,
      paramBytes: last === undefined ? 0 : last.offset + last.size,
      staticSharedBytes: staticBytes,
      localBytesPerThread: localStack(fn.index, functions, addressTaken, new Set()),
      registerCount: lowered.declaredRegisters,
      maxThreadsPerBlock: d.maxntid === null ? 0 : d.maxntid.reduce((a, b) => a * b, 1),
      ...(d.reqntid === null ? {} : { requiredBlock: [d.reqntid[0] ?? 1, d.reqntid[1] ?? 1, d.reqntid[2] ?? 1] as const }),
      usesDynamicShared: usesDynamic,
    };
    return { ...fn, isKernel: true, info, entryParams, sharedOffsets, dynamicSharedOffset, reachable, recursive };
  }
}

/** An `IrFunction` for a declaration without body. */
function declaredOnly(decl: FunctionDecl, index: number): IrFunction {
  const params = layoutParams(decl.params, decl.entry ? 'entry' : 'frame', 0);
  const returns = layoutParams(decl.returns, 'frame', params.end);
  const none: Record<RegClass, number> = { pred: 0, r16: 0, r32: 0, r64: 0, addr: 0 };
  return {
    name: decl.name, index, isKernel: decl.entry, linkage: decl.linkage, defined: false, params: params.params,
    returns: returns.params, paramFrameBytes: alignUp(returns.end, 16), localBytes: 0, localVariables: [], sharedVariables: [],
    registers: [], registerCounts: none, blocks: [], callees: [], indirectCalls: false, sharedUses: [],
    directives: decl.directives, line: decl.line,
  };
}

/** Callees of `f`: its direct callees, plus every address-taken function when it calls indirectly. */
function calleesOf(f: IrFunction, addressTaken: ReadonlySet<number>): readonly number[] {
  return f.indirectCalls ? [...f.callees, ...addressTaken] : f.callees;
}

/** Functions reachable from `root` (itself included), in discovery order. */
function reachableFrom(root: number, functions: readonly IrFunction[], addressTaken: ReadonlySet<number>): number[] {
  const seen = new Set([root]);
  const order = [root];
  for (let k = 0; k < order.length; k++) {
    for (const c of calleesOf(functions[order[k]!]!, addressTaken)) if (!seen.has(c)) { seen.add(c); order.push(c); }
  }
  return order;
}

/** Whether a call cycle is reachable from `root`. */
function hasCycle(root: number, functions: readonly IrFunction[], addressTaken: ReadonlySet<number>): boolean {
  const state = new Map<number, 1 | 2>(); // 1: on the path, 2: done
  const visit = (f: number): boolean => {
    state.set(f, 1);
    for (const c of calleesOf(functions[f]!, addressTaken)) {
      const s = state.get(c);
      if (s === 1 || (s === undefined && visit(c))) return true;
    }
    state.set(f, 2);
    return false;
  };
  return visit(root);
}

/**
 * Local bytes of `f` plus its deepest call chain; a recursive call adds nothing (the real depth
 * is dynamic, see {@link IrKernel.recursive}).
 */
function localStack(
  f: number, functions: readonly IrFunction[], addressTaken: ReadonlySet<number>, onPath: Set<number>, memo = new Map<number, number>(),
): number {
  const known = memo.get(f);
  if (known !== undefined) return known;
  onPath.add(f);
  let deepest = 0;
  for (const c of calleesOf(functions[f]!, addressTaken)) {
    if (!onPath.has(c)) deepest = Math.max(deepest, localStack(c, functions, addressTaken, onPath, memo));
  }
  onPath.delete(f);
  const total = functions[f]!.localBytes + deepest;
  memo.set(f, total);
  return total;
}

/** Types that can be kernel parameters in `KernelInfo` (exported for tests). */
export function isEntryParamType(type: PtxType): boolean {
  return ENTRY_PARAM_TYPES.has(type);
}
