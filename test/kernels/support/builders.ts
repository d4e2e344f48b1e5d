/**
 * Small constructors that keep the case files short: arguments, launch shapes, comparisons, and
 * variants of a case that load another image of the same module.
 * @module
 */
import type {
  AltImage, BufferArg, CaseTag, Comparison, Dim3, ElemArrayMap, ElemType, ElemValue, KernelCase, Name,
  RawPointerArg, ScalarArg, StructArg, StructField,
} from '../types.js';

/** An input buffer. */
export function inBuf<T extends ElemType>(name: Name, type: T, data: ElemArrayMap[T]): BufferArg {
  return { kind: 'in', name, type, data } as BufferArg;
}

/** An output buffer of `length` elements, zero-initialized unless `init` is given. */
export function outBuf<T extends ElemType>(name: Name, type: T, length: number, init?: ElemArrayMap[T]): BufferArg {
  return (init ? { kind: 'out', name, type, length, init } : { kind: 'out', name, type, length }) as BufferArg;
}

/** A buffer copied in and compared after the launch. */
export function inoutBuf<T extends ElemType>(name: Name, type: T, data: ElemArrayMap[T]): BufferArg {
  return { kind: 'inout', name, type, data } as BufferArg;
}

/** A scalar parameter. */
export function scalar<T extends ElemType>(name: Name, type: T, value: ElemValue<T>): ScalarArg {
  return { kind: 'scalar', name, type, value } as ScalarArg;
}

/** A raw device address passed as a pointer parameter. */
export function rawPointer(name: Name, address: bigint): RawPointerArg {
  return { kind: 'rawPointer', name, address };
}

/** A struct parameter. */
export function struct(name: Name, size: number, align: number, fields: readonly StructField[],
  value: Readonly<Record<Name, number | bigint>>): StructArg {
  return { kind: 'struct', name, size, align, fields, value };
}

/** A 1-D launch covering n threads with blocks of `block` (the last block may be partial). */
export function launch1d(n: number, block: number): { grid: Dim3; block: Dim3 } {
  return { grid: [Math.ceil(n / block), 1, 1], block: [block, 1, 1] };
}

/** A 1-D launch with a fixed number of blocks (grid-stride kernels). */
export function launchBlocks(blocks: number, block: number): { grid: Dim3; block: Dim3 } {
  return { grid: [blocks, 1, 1], block: [block, 1, 1] };
}

/** Exact comparison. */
export const EXACT: Comparison = { kind: 'exact' };

/** The same comparison for every named output. */
export function sameFor(names: readonly Name[], cmp: Comparison): Record<Name, Comparison> {
  return Object.fromEntries(names.map((n) => [n, cmp]));
}

/** The ULP tolerance of a math function with a documented bound, plus ½ ulp for the reference's own rounding. */
export function ulp(maxUlp: number, why: string): Comparison {
  return { kind: 'ulp', maxUlp, why };
}

/**
 * The same case loading another PTX image of the same source (e.g. the -lineinfo or -use_fast_math
 * build), named `${name}@${suffix}`. `changes` overrides fields such as `compare`.
 */
export function variant(base: KernelCase, suffix: string, ptxFile: string, tags: readonly CaseTag[],
  changes: Partial<Pick<KernelCase, 'compare' | 'description'>> = {}): KernelCase {
  return {
    ...base,
    name: `${base.name}@${suffix}`,
    ptxFile,
    description: changes.description ?? `${base.description} (${suffix} build)`,
    compare: changes.compare ?? base.compare,
    tags: [...base.tags, ...tags],
    altImages: undefined,
  };
}

/** Attaches alternative images (cubin/fatbin of the same module) to a case. */
export function withAltImages(base: KernelCase, images: readonly AltImage[]): KernelCase {
  return { ...base, altImages: images };
}
