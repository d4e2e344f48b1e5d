/**
 * Memory layout: sizes and alignments of declarations, parameter layouts (as the CUDA driver
 * reports them through cuFuncGetParamInfo: each parameter at the next multiple of its alignment),
 * and the little-endian initial bytes of initialized variables.
 * @module
 */
import type { ConstExpr, Declaration, Initializer } from '../ptx/ast.js';
import { f32Bits, f64Bits } from '../ptx/literals.js';
import { typeBytes, typeInfo } from '../ptx/types.js';
import type { IrParam } from './types.js';

/** Rounds `n` up to a multiple of `align` (a power of two). */
export function alignUp(n: number, align: number): number {
  return (n + align - 1) & -align;
}

/** Natural alignment of a declaration: its element size times its vector width. */
export function naturalAlign(decl: Declaration): number {
  return typeBytes(decl.type) * decl.vector;
}

/** Alignment of a declaration: `.align` if given, else natural. */
export function declAlign(decl: Declaration): number {
  return decl.align ?? naturalAlign(decl);
}

/** Elements (scalars × vector lanes) of a declaration; unsized dimensions count as 0. */
export function declElements(decl: Declaration): number {
  let n = decl.vector;
  for (const d of decl.dims) n *= d ?? 0;
  return n;
}

/** Size in bytes of a declaration (0 for an unsized array without initializer). */
export function declBytes(decl: Declaration): number {
  return declElements(decl) * typeBytes(decl.type);
}

/**
 * Lays out parameters one after another, each at the next multiple of its alignment.
 * @param start - Offset of the first byte available.
 * @returns The parameters and the offset one past the last.
 */
export function layoutParams(decls: readonly Declaration[], region: IrParam['region'], start: number): { params: IrParam[]; end: number } {
  let offset = start;
  const params = decls.map((decl) => {
    const p = paramAt(decl, region, offset);
    offset = p.offset + p.bytes;
    return p;
  });
  return { params, end: offset };
}

/** One parameter placed at the next multiple of its alignment at or after `offset`. */
export function paramAt(decl: Declaration, region: IrParam['region'], offset: number): IrParam {
  const align = declAlign(decl);
  return {
    kind: 'param',
    name: decl.name,
    region,
    type: decl.type,
    arrayLength: decl.dims.length > 0 ? declElements(decl) / decl.vector : 0,
    bytes: declBytes(decl),
    align,
    offset: alignUp(offset, align),
    isPointer: decl.ptr !== null,
    line: decl.line,
  };
}

/** A symbolic address found in an initializer: at `offset`, `size` bytes. */
export interface PendingRelocation {
  readonly offset: number;
  readonly size: 4 | 8;
  readonly expr: Extract<ConstExpr, { kind: 'symbol' }>;
}

/** The encoded initializer of a variable. */
export interface EncodedInit {
  readonly bytes: Uint8Array;
  readonly relocations: readonly PendingRelocation[];
}

/** Reports an encoding problem at an initializer element. */
export type InitFailure = (message: string, at: ConstExpr) => never;

/**
 * Encodes the initializer of `decl` into little-endian bytes.
 * @returns The bytes (sized for the declaration; for an unsized array, for the initializer) and
 *   the places that hold symbol addresses (left zero).
 */
export function encodeInitializer(decl: Declaration, init: Initializer, fail: InitFailure): EncodedInit {
  const leaves: ConstExpr[] = [];
  flatten(init, leaves);
  const elementBytes = typeBytes(decl.type);
  let elements = declElements(decl);
  if (decl.dims.includes(null)) {
    let inner = decl.vector;
    for (const d of decl.dims) if (d !== null) inner *= d;
    elements = Math.ceil(leaves.length / inner) * inner;
  }
  if (leaves.length > elements) fail(`too many initializers for ${decl.name} (${elements} elements)`, leaves[elements]!);
  const bytes = new Uint8Array(elements * elementBytes);
  const view = new DataView(bytes.buffer);
  const relocations: PendingRelocation[] = [];
  const info = typeInfo(decl.type);
  leaves.forEach((leaf, k) => {
    const at = k * elementBytes;
    if (leaf.kind === 'symbol') {
      if (elementBytes !== 4 && elementBytes !== 8) fail(`an address needs a 32- or 64-bit element, ${decl.name} has .${decl.type}`, leaf);
      relocations.push({ offset: at, size: elementBytes as 4 | 8, expr: leaf });
      return;
    }
    let bits: bigint;
    if (info.kind === 'float' && info.lanes === 1 && (elementBytes === 4 || elementBytes === 8)) {
      const value = leaf.kind === 'float' ? leaf.value : Number(leaf.value);
      bits = elementBytes === 4 ? BigInt(f32Bits(value)) : f64Bits(value);
    } else if (leaf.kind === 'float') {
      if (leaf.width !== elementBytes * 8) fail(`a ${leaf.width}-bit float literal cannot initialize .${decl.type} elements`, leaf);
      bits = leaf.bits;
    } else {
      bits = leaf.value;
    }
    for (let b = 0; b < elementBytes; b++) view.setUint8(at + b, Number((bits >> BigInt(8 * b)) & 0xffn));
  });
  return { bytes, relocations };
}

function flatten(init: Initializer, out: ConstExpr[]): void {
  if (init.kind === 'list') for (const item of init.items) flatten(item, out);
  else out.push(init);
}
