/**
 * Kernel parameter types: scalars, C structs passed by value, and opaque byte blocks, with the C
 * layout rules nvcc uses (natural alignment, structs padded to their largest member's alignment).
 * @module
 */
import { InvalidArgumentError } from '../errors.js';

/**
 * Scalar parameter types. Integers of each width accept both signed and unsigned values (PTX
 * does not record signedness: `int` and `unsigned` are both `.u32`); `ptr` takes a DeviceBuffer,
 * a bigint address or `null`; `f16`/`bf16` take a number and are rounded to nearest-even.
 */
export type ScalarTypeName = 'bool' | 'i8' | 'u8' | 'i16' | 'u16' | 'i32' | 'u32' | 'i64' | 'u64' | 'f16' | 'bf16' | 'f32' | 'f64' | 'ptr';

/** Size and alignment in bytes of each scalar type. */
export const SCALAR_SIZES: Readonly<Record<ScalarTypeName, number>> = {
  bool: 1, i8: 1, u8: 1, i16: 2, u16: 2, i32: 4, u32: 4, i64: 8, u64: 8, f16: 2, bf16: 2, f32: 4, f64: 8, ptr: 8,
};

/** One field of a {@link StructType}. */
export interface StructField {
  readonly name: string;
  readonly type: ParamType;
  readonly offset: number;
}

/** A C struct passed by value; create with {@link struct}. */
export interface StructType {
  readonly kind: 'struct';
  readonly fields: readonly StructField[];
  readonly size: number;
  readonly align: number;
}

/** A fixed-length C array (inside a struct); create with {@link array}. */
export interface ArrayType {
  readonly kind: 'array';
  readonly element: ParamType;
  readonly length: number;
  readonly size: number;
  readonly align: number;
}

/**
 * An opaque block of bytes (a struct whose layout cudajs was not told): accepts a Uint8Array,
 * ArrayBuffer or any TypedArray of exactly `size` bytes.
 */
export interface BytesType {
  readonly kind: 'bytes';
  readonly size: number;
  readonly align: number;
}

/** Any kernel parameter type. */
export type ParamType = ScalarTypeName | StructType | ArrayType | BytesType;

/** Size in bytes of a parameter type. */
export function sizeOf(type: ParamType): number {
  return typeof type === 'string' ? SCALAR_SIZES[type] : type.size;
}

/** Alignment in bytes of a parameter type. */
export function alignOf(type: ParamType): number {
  return typeof type === 'string' ? SCALAR_SIZES[type] : type.align;
}

/** Rounds `offset` up to a multiple of `align`. */
export function alignUp(offset: number, align: number): number {
  return Math.ceil(offset / align) * align;
}

/** A readable name of a type, e.g. `f32`, `struct{a: f32, n: i32}`, `bytes[16]`. */
export function typeName(type: ParamType): string {
  if (typeof type === 'string') return type;
  switch (type.kind) {
    case 'struct': return `struct{${type.fields.map((f) => `${f.name}: ${typeName(f.type)}`).join(', ')}}`;
    case 'array': return `${typeName(type.element)}[${type.length}]`;
    case 'bytes': return `bytes[${type.size}]`;
  }
}

function checkType(call: string, type: unknown, where: string): asserts type is ParamType {
  if (typeof type === 'string' && type in SCALAR_SIZES) return;
  if (typeof type === 'object' && type !== null && ['struct', 'array', 'bytes'].includes((type as { kind?: string }).kind ?? '')) return;
  throw new InvalidArgumentError(call, `${where}: '${String(type)}' is not a parameter type; use one of ${Object.keys(SCALAR_SIZES).join(', ')}, struct(), array() or bytes()`);
}

/**
 * Describes a C struct passed by value, with C's layout: each field at the next multiple of its
 * alignment, the size rounded up to the largest alignment (or `options.align`, for
 * `__align__(n)` structs).
 *
 * @example
 * ```ts
 * // struct Params { float scale; int n; double bias; };
 * const Params = struct({ scale: 'f32', n: 'i32', bias: 'f64' });
 * const kernel = module.getKernel('apply', { params: ['ptr', Params] });
 * kernel.launch({ grid: 1, block: 64 }, buf, { scale: 2, n: 64, bias: 0.5 });
 * ```
 */
export function struct(fields: Readonly<Record<string, ParamType>>, options: { readonly align?: number } = {}): StructType {
  const call = 'struct';
  let offset = 0;
  let align = 1;
  const laid: StructField[] = [];
  for (const [name, type] of Object.entries(fields)) {
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new InvalidArgumentError(call, `field name '${name}' is not an identifier`);
    checkType(call, type, `field '${name}'`);
    const fieldAlign = alignOf(type);
    offset = alignUp(offset, fieldAlign);
    laid.push({ name, type, offset });
    offset += sizeOf(type);
    align = Math.max(align, fieldAlign);
  }
  if (laid.length === 0) throw new InvalidArgumentError(call, 'a struct needs at least one field');
  if (options.align !== undefined) {
    if (!Number.isInteger(options.align) || options.align < 1 || (options.align & (options.align - 1)) !== 0) {
      throw new InvalidArgumentError(call, `align must be a power of two, got ${String(options.align)}`);
    }
    align = Math.max(align, options.align);
  }
  return { kind: 'struct', fields: laid, size: alignUp(offset, align), align };
}

/** A fixed-length array of `element`, for struct fields such as `float v[4]`. */
export function array(element: ParamType, length: number): ArrayType {
  checkType('array', element, 'element');
  if (!Number.isInteger(length) || length < 1) throw new InvalidArgumentError('array', `length must be a positive integer, got ${String(length)}`);
  return { kind: 'array', element, length, size: sizeOf(element) * length, align: alignOf(element) };
}

/** An opaque by-value parameter of `size` bytes aligned to `align`. */
export function bytes(size: number, align = 1): BytesType {
  if (!Number.isInteger(size) || size < 1) throw new InvalidArgumentError('bytes', `size must be a positive integer, got ${String(size)}`);
  if (!Number.isInteger(align) || align < 1 || (align & (align - 1)) !== 0) throw new InvalidArgumentError('bytes', `align must be a power of two, got ${String(align)}`);
  return { kind: 'bytes', size, align };
}

/** One parameter of a kernel: its type and where it sits in the packed parameter buffer. */
export interface ParamSpec {
  /** The PTX parameter name, or `arg<i>` when unknown. */
  readonly name: string;
  readonly type: ParamType;
  readonly offset: number;
  readonly size: number;
}

/** Lays out parameters the way the driver packs them (each at its alignment). */
export function layoutParams(types: readonly ParamType[], names?: readonly string[]): ParamSpec[] {
  let offset = 0;
  return types.map((type, i) => {
    checkType('layoutParams', type, `parameter ${i}`);
    offset = alignUp(offset, alignOf(type));
    const spec = { name: names?.[i] ?? `arg${i}`, type, offset, size: sizeOf(type) };
    offset += spec.size;
    return spec;
  });
}
