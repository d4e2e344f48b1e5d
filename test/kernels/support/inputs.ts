/**
 * What a runner derives from a case: its buffers (parameters and extra ones), their initial
 * contents, the outputs to compare, struct parameter bytes, and the inputs handed to the reference.
 * @module
 */
import type {
  ArgSpec, BufferArg, ElemArray, ElemArrayMap, ElemType, GlobalSpec, KernelCase, Name, ReferenceInputs, StructArg,
} from '../types.js';
import { ELEM_BYTES, copyArray, isArrayOf, newArray, writeElement } from './elements.js';

/** Every device buffer a case needs: buffer parameters first, then `extraBuffers`. */
export function bufferSpecs(kcase: KernelCase): BufferArg[] {
  const params = kcase.args.filter((a): a is BufferArg => a.kind === 'in' || a.kind === 'out' || a.kind === 'inout');
  return [...params, ...(kcase.extraBuffers ?? [])];
}

/** A buffer's contents before the launch: `data`, or `init`, or zeros. Always a fresh copy. */
export function initialContents(buffer: BufferArg): ElemArray {
  if (buffer.kind === 'out') return buffer.init ? copyArray(buffer.init) : newArray(buffer.type, buffer.length);
  return copyArray(buffer.data);
}

/** Number of elements of a buffer. */
export function bufferLength(buffer: BufferArg): number {
  return buffer.kind === 'out' ? buffer.length : buffer.data.length;
}

/** One value the runner reads back and compares. */
export interface OutputSpec {
  readonly name: Name;
  readonly type: ElemType;
  readonly length: number;
  /** A device buffer, or a module variable. */
  readonly from: 'buffer' | 'global';
}

/** The outputs of a case: out/inout buffers, then globals with `check`. */
export function outputSpecs(kcase: KernelCase): OutputSpec[] {
  const buffers = bufferSpecs(kcase).filter((b) => b.kind !== 'in')
    .map((b): OutputSpec => ({ name: b.name, type: b.type, length: bufferLength(b), from: 'buffer' }));
  const globals = (kcase.globals ?? []).filter((g) => g.check)
    .map((g): OutputSpec => ({ name: g.symbol, type: g.type, length: g.data.length, from: 'global' }));
  return [...buffers, ...globals];
}

/** Size in bytes of a parameter in the packed parameter buffer. */
export function paramBytes(arg: ArgSpec): number {
  switch (arg.kind) {
    case 'in': case 'out': case 'inout': case 'rawPointer': return 8;
    case 'scalar': return ELEM_BYTES[arg.type];
    case 'struct': return arg.size;
  }
}

/**
 * The bytes of a struct parameter: scalar fields from `value`, pointer fields from
 * `addressOf(bufferName)`, padding zero.
 */
export function encodeStruct(arg: StructArg, addressOf: (buffer: Name) => bigint): Uint8Array {
  const bytes = new Uint8Array(arg.size);
  const view = new DataView(bytes.buffer);
  for (const f of arg.fields) {
    if (f.type === 'pointer') {
      view.setBigUint64(f.offset, addressOf(f.buffer), true);
    } else {
      const v = arg.value[f.name];
      if (v === undefined) throw new Error(`struct ${arg.name}: no value for field ${f.name}`);
      writeElement(view, f.offset, f.type, v);
    }
  }
  return bytes;
}

/** The {@link ReferenceInputs} of a case, built from its descriptor; every accessor returns copies. */
export class CaseInputs implements ReferenceInputs {
  private readonly buffers = new Map<Name, BufferArg>();
  private readonly args = new Map<Name, ArgSpec>();
  private readonly globals = new Map<Name, GlobalSpec>();

  constructor(private readonly kcase: KernelCase) {
    for (const b of bufferSpecs(kcase)) this.buffers.set(b.name, b);
    for (const a of kcase.args) this.args.set(a.name, a);
    for (const g of kcase.globals ?? []) this.globals.set(g.symbol, g);
  }

  buffer<T extends ElemType>(name: Name, type: T): ElemArrayMap[T] {
    const b = this.buffers.get(name);
    if (!b) throw new Error(`${this.kcase.name}: no buffer '${name}'`);
    const data = initialContents(b);
    if (b.type !== type || !isArrayOf(type, data)) throw new TypeError(`${this.kcase.name}: buffer '${name}' is ${b.type}, not ${type}`);
    return data;
  }

  num(name: Name): number {
    const v = this.scalar(name);
    if (typeof v !== 'number') throw new TypeError(`${this.kcase.name}: scalar '${name}' is a bigint`);
    return v;
  }

  big(name: Name): bigint {
    const v = this.scalar(name);
    if (typeof v !== 'bigint') throw new TypeError(`${this.kcase.name}: scalar '${name}' is a number`);
    return v;
  }

  struct(name: Name): Readonly<Record<Name, number | bigint>> {
    const a = this.args.get(name);
    if (a?.kind !== 'struct') throw new Error(`${this.kcase.name}: no struct argument '${name}'`);
    return { ...a.value };
  }

  global<T extends ElemType>(symbol: Name, type: T): ElemArrayMap[T] {
    const g = this.globals.get(symbol);
    if (!g) throw new Error(`${this.kcase.name}: no global '${symbol}'`);
    const data = copyArray(g.data as ElemArray);
    if (g.type !== type || !isArrayOf(type, data)) throw new TypeError(`${this.kcase.name}: global '${symbol}' is ${g.type}, not ${type}`);
    return data;
  }

  private scalar(name: Name): number | bigint {
    const a = this.args.get(name);
    if (a?.kind !== 'scalar') throw new Error(`${this.kcase.name}: no scalar argument '${name}'`);
    return a.value;
  }
}

/** The inputs to hand to `kcase.reference`. */
export function inputsOf(kcase: KernelCase): ReferenceInputs {
  return new CaseInputs(kcase);
}
