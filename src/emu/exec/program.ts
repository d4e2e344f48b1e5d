/**
 * Compiled kernels: {@link KernelProgram} holds, for one kernel of one module instance and one
 * executor (JIT or interpreter), the functions it reaches, each compiled lazily block by block
 * the first time a block runs. A block the JIT cannot compile (generated code V8 rejects — an
 * engine bug) falls back to the interpreter's code for that block.
 * @module
 */
import type { IrBlock, IrFunction, IrInstruction, IrKernel, IrModule } from '../ir/types.js';
import type { ProgramContext } from './codegen/emit.js';
import { resumeCode } from './codegen/instruction.js';
import { CodeUnit, type UnitFunction } from './codegen/unit.js';
import { interpretedBlock } from './interp/block.js';
import { blockSource } from './jit/block.js';
import { liveness } from './liveness.js';
import { HELPERS } from './runtime/helpers.js';
import type { ProgramLink } from './runtime/runner.js';
import { Term, type RunnableFunction } from './runtime/state.js';

/** What a compiled kernel needs of its module instance. */
export interface InstanceServices {
  readonly ir: IrModule;
  /** Device address of a module variable. */
  addressOf(name: string): number;
  /** The fault-site id of an instruction. */
  siteOf(ins: IrInstruction): number;
  /** The global-memory cache slot of a memory instruction. */
  cacheSlot(ins: IrInstruction): number;
}

/** The executor a program is compiled for. */
export type ExecutorKind = 'jit' | 'interpreter';

/** The terminator kind ({@link Term}) of a block. */
export function terminatorKind(block: IrBlock): number {
  const last = block.instructions[block.instructions.length - 1];
  if (last === undefined) return Term.fall;
  const d = last.decoded;
  switch (d.flow) {
    case 'branch': return last.op === 'brx.idx' ? Term.indexed : last.guard === null ? Term.jump : Term.branch;
    case 'call': return Term.call;
    case 'return': return Term.ret;
    case 'exit': return Term.exit;
    case 'trap': return Term.trap;
    case 'barrier':
      if (last.op === 'bar.warp.sync') return Term.warpSync;
      if (last.op === 'barrier.cluster') return d.mods.barrier === 'wait' ? Term.clusterWait : Term.clusterArrive;
      return d.mods.barrier === 'arrive' ? Term.barArrive : d.mods.barrier === 'red' ? Term.barRed : Term.barSync;
    default: return Term.fall;
  }
}

/** One function compiled for one kernel (shared-memory offsets are the kernel's). */
export class CompiledFunction implements RunnableFunction {
  readonly kinds: Uint8Array;
  readonly sizes: Int32Array;
  readonly next: Int32Array;
  readonly target: Int32Array;
  readonly ipdom: Int32Array;
  readonly loops: Uint8Array;
  readonly #code: (UnitFunction | undefined)[];
  readonly #resume: (UnitFunction | null | undefined)[];
  readonly #context: ProgramContext;
  #liveOut: readonly Uint32Array[] | null = null;

  constructor(readonly ir: IrFunction, private readonly program: KernelProgram) {
    const n = ir.blocks.length;
    this.kinds = new Uint8Array(n);
    this.sizes = new Int32Array(n);
    this.next = new Int32Array(n);
    this.target = new Int32Array(n).fill(-1);
    this.ipdom = new Int32Array(n);
    this.loops = new Uint8Array(n);
    for (const b of ir.blocks) {
      this.kinds[b.index] = terminatorKind(b);
      this.sizes[b.index] = b.instructions.length;
      this.next[b.index] = b.index + 1 < n ? b.index + 1 : -1;
      this.ipdom[b.index] = b.ipdom;
      const last = b.instructions[b.instructions.length - 1];
      const label = last?.op === 'bra' ? last.operands[0] : undefined;
      if (label?.kind === 'label') this.target[b.index] = label.block;
    }
    this.#code = new Array<UnitFunction | undefined>(n);
    this.#resume = new Array<UnitFunction | null | undefined>(n);
    const services = program.services;
    this.#context = {
      module: services.ir,
      kernel: program.kernel,
      fn: ir,
      variableAddress: (name) => services.addressOf(name),
      siteId: (ins) => services.siteOf(ins),
      cacheSlot: (ins) => services.cacheSlot(ins),
    };
  }

  /** The code of block `pc`, compiled on first use. */
  block(pc: number): UnitFunction {
    return this.#code[pc] ?? (this.#code[pc] = this.#compile(pc));
  }

  /** The code run after the barrier ending block `pc` releases (bar.red), or null. */
  resume(pc: number): UnitFunction | null {
    let r = this.#resume[pc];
    if (r === undefined) {
      const b = this.ir.blocks[pc]!;
      const unit = new CodeUnit(HELPERS);
      const code = resumeCode(b.instructions[b.instructions.length - 1]!, unit, this.#context);
      r = code === null ? null : unit.compile(`${code}\nreturn 0;`, `${this.ir.name}_B${pc}_resume`);
      this.#resume[pc] = r;
    }
    return r;
  }

  #compile(pc: number): UnitFunction {
    const block = this.ir.blocks[pc]!;
    const label = `${this.ir.name}_B${pc}`;
    if (this.program.kind === 'jit') {
      try {
        const unit = new CodeUnit(HELPERS);
        this.#liveOut ??= liveness(this.ir).liveOut;
        const selfLoop = this.kinds[pc] === Term.branch && this.target[pc] === pc;
        if (selfLoop) this.loops[pc] = 1;
        return unit.compile(blockSource(block, unit, this.#context, this.#liveOut[pc], selfLoop), label);
      } catch (e) {
        this.program.jitFailures.push({ block: label, error: e as Error });
      }
    }
    return interpretedBlock(block, HELPERS, this.#context, label);
  }
}

/** One kernel compiled for one executor. */
export class KernelProgram implements ProgramLink {
  readonly #functions = new Map<number, CompiledFunction>();
  /** Blocks the JIT could not compile (run by the interpreter instead), with the reason. */
  readonly jitFailures: { readonly block: string; readonly error: Error }[] = [];
  /** The kernel's own compiled function. */
  readonly entry: CompiledFunction;

  constructor(readonly services: InstanceServices, readonly kernel: IrKernel, readonly kind: ExecutorKind) {
    this.entry = this.functionAt(kernel.index);
  }

  /** Module function `index` compiled for this kernel (created on first use). */
  functionAt(index: number): CompiledFunction {
    let f = this.#functions.get(index);
    if (f === undefined) {
      f = new CompiledFunction(this.services.ir.functions[index]!, this);
      this.#functions.set(index, f);
    }
    return f;
  }

  /** The IR of module function `index`. */
  irFunction(index: number): IrFunction | undefined {
    return this.services.ir.functions[index];
  }

  /** The fault-site id of `ins`. */
  siteOf(ins: IrInstruction): number {
    return this.services.siteOf(ins);
  }
}
