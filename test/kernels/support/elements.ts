/**
 * Facts about element types: size, typed-array constructor, and how to read an element as a
 * number (f16/bf16 bit patterns decoded).
 * @module
 */
import type { ElemArray, ElemArrayMap, ElemType } from '../types.js';
import { bf16ToNumber, f16ToNumber } from './float.js';

/** Bytes per element. */
export const ELEM_BYTES: Readonly<Record<ElemType, number>> = {
  f32: 4, f64: 8, i8: 1, u8: 1, i16: 2, u16: 2, i32: 4, u32: 4, i64: 8, u64: 8, f16: 2, bf16: 2,
};

type Ctor<T extends ElemType> = { new (length: number): ElemArrayMap[T]; readonly name: string };

/** The typed-array constructor of each element type. */
export const ELEM_ARRAY: { readonly [T in ElemType]: Ctor<T> } = {
  f32: Float32Array, f64: Float64Array, i8: Int8Array, u8: Uint8Array, i16: Int16Array,
  u16: Uint16Array, i32: Int32Array, u32: Uint32Array, i64: BigInt64Array, u64: BigUint64Array,
  f16: Uint16Array, bf16: Uint16Array,
};

/** A zero-filled array of `length` elements of `type`. */
export function newArray<T extends ElemType>(type: T, length: number): ElemArrayMap[T] {
  return new ELEM_ARRAY[type](length);
}

/** A copy of `data` (same type). */
export function copyArray<A extends ElemArray>(data: A): A {
  return data.slice() as A;
}

/** Whether `data` is the typed array that holds `type`. */
export function isArrayOf<T extends ElemType>(type: T, data: ElemArray): data is ElemArrayMap[T] {
  return data.constructor === ELEM_ARRAY[type];
}

/** Floating-point element types. */
export function isFloatType(type: ElemType): type is 'f32' | 'f64' | 'f16' | 'bf16' {
  return type === 'f32' || type === 'f64' || type === 'f16' || type === 'bf16';
}

/** Element `i` of `data` as a number or bigint, with f16/bf16 decoded to their values. */
export function elementValue(type: ElemType, data: ElemArray, i: number): number | bigint {
  const raw = data[i] as number | bigint;
  if (type === 'f16') return f16ToNumber(raw as number);
  if (type === 'bf16') return bf16ToNumber(raw as number);
  return raw;
}

/** Writes one value of `type` at `offset` of `view`, little-endian (f16/bf16: bit patterns). */
export function writeElement(view: DataView, offset: number, type: ElemType, value: number | bigint): void {
  switch (type) {
    case 'f32': view.setFloat32(offset, value as number, true); break;
    case 'f64': view.setFloat64(offset, value as number, true); break;
    case 'i8': view.setInt8(offset, value as number); break;
    case 'u8': view.setUint8(offset, value as number); break;
    case 'i16': view.setInt16(offset, value as number, true); break;
    case 'u16': case 'f16': case 'bf16': view.setUint16(offset, value as number, true); break;
    case 'i32': view.setInt32(offset, value as number, true); break;
    case 'u32': view.setUint32(offset, value as number, true); break;
    case 'i64': view.setBigInt64(offset, value as bigint, true); break;
    case 'u64': view.setBigUint64(offset, value as bigint, true); break;
  }
}
