/**
 * The C type model of the generator, and the x86-64 Linux (LP64, System V) layout rules that
 * `sizeof` in the headers needs.
 * @module
 */

/** Arithmetic and void types, by their canonical C spelling. */
export type PrimitiveName =
  | 'void' | '_Bool' | 'char' | 'signed char' | 'unsigned char' | 'short' | 'unsigned short'
  | 'int' | 'unsigned int' | 'long' | 'unsigned long' | 'long long' | 'unsigned long long'
  | 'float' | 'double' | 'long double';

/** A C type. `named` refers to a typedef; records and enums are shared by reference. */
export type CType =
  | { readonly k: 'prim'; readonly name: PrimitiveName; readonly isConst?: boolean }
  | { readonly k: 'named'; readonly name: string; readonly isConst?: boolean }
  | { readonly k: 'record'; readonly def: RecordDef; readonly isConst?: boolean }
  | { readonly k: 'enum'; readonly def: EnumDef; readonly isConst?: boolean }
  | { readonly k: 'ptr'; readonly to: CType; readonly isConst?: boolean }
  | { readonly k: 'array'; readonly of: CType; readonly length: number; readonly isConst?: boolean }
  | { readonly k: 'func'; readonly ret: CType; readonly params: readonly Param[]; readonly variadic: boolean; readonly isConst?: boolean };

/** A function parameter. */
export interface Param {
  readonly name: string | undefined;
  readonly type: CType;
}

/** A struct or union member; `name` is undefined for an anonymous struct/union member. */
export interface Field {
  readonly name: string | undefined;
  readonly type: CType;
  /** Alignment forced by `_Alignas` / `__attribute__((aligned))`. */
  readonly align?: number;
  readonly doc?: string;
}

/** A struct or union. `fields` stays undefined while it is only declared. */
export interface RecordDef {
  readonly id: number;
  readonly union: boolean;
  readonly tag: string | undefined;
  fields: Field[] | undefined;
  /** Alignment forced on the whole record by an attribute. */
  align: number | undefined;
  /** Typedef names that denote this record, in declaration order. */
  readonly typedefs: string[];
  doc: string | undefined;
  file: string | undefined;
}

/** One enumerator. */
export interface Enumerator {
  readonly name: string;
  readonly value: bigint;
  readonly doc: string | undefined;
}

/** An enum. */
export interface EnumDef {
  readonly id: number;
  readonly tag: string | undefined;
  members: Enumerator[] | undefined;
  readonly typedefs: string[];
  doc: string | undefined;
  file: string | undefined;
}

/** A typedef. */
export interface TypedefDecl {
  readonly name: string;
  readonly type: CType;
  readonly file: string;
  readonly doc: string | undefined;
}

/** Resolves typedef names. */
export type TypedefLookup = (name: string) => CType | undefined;

/** Types that the CUDA headers take from system headers (stdint.h, stddef.h). */
export const SYSTEM_TYPEDEFS: Readonly<Record<string, PrimitiveName>> = {
  size_t: 'unsigned long',
  ssize_t: 'long',
  ptrdiff_t: 'long',
  intptr_t: 'long',
  uintptr_t: 'unsigned long',
  wchar_t: 'int',
  int8_t: 'signed char',
  uint8_t: 'unsigned char',
  int16_t: 'short',
  uint16_t: 'unsigned short',
  int32_t: 'int',
  uint32_t: 'unsigned int',
  int64_t: 'long',
  uint64_t: 'unsigned long',
};

const PRIMITIVE_SIZE: Readonly<Record<PrimitiveName, number>> = {
  void: 1, _Bool: 1, char: 1, 'signed char': 1, 'unsigned char': 1, short: 2, 'unsigned short': 2,
  int: 4, 'unsigned int': 4, long: 8, 'unsigned long': 8, 'long long': 8, 'unsigned long long': 8,
  float: 4, double: 8, 'long double': 16,
};

/** Whether a primitive integer type is unsigned (char is signed on x86-64). */
export function isUnsignedPrimitive(name: PrimitiveName): boolean {
  return name.startsWith('unsigned') || name === '_Bool';
}

/** Follows typedefs until the type is not a `named` one. */
export function resolve(type: CType, lookup: TypedefLookup): CType {
  let t = type;
  for (let guard = 0; t.k === 'named'; guard++) {
    const next = lookup(t.name);
    if (next === undefined) throw new Error(`unknown type name ${t.name}`);
    if (guard > 64) throw new Error(`typedef cycle at ${t.name}`);
    t = next;
  }
  return t;
}

/** The storage of an enum under GCC: 4 bytes unless a value does not fit in 32 bits. */
export function enumLayout(def: EnumDef): { readonly size: number; readonly signed: boolean } {
  const values = (def.members ?? []).map((m) => m.value);
  const signed = values.some((v) => v < 0n);
  const fits32 = values.every((v) => (signed ? v >= -0x80000000n && v <= 0x7fffffffn : v <= 0xffffffffn));
  return { size: fits32 ? 4 : 8, signed };
}

/**
 * Size and alignment of a type, in bytes. `maxAlign` caps every alignment (koffi supports at most
 * 8), to compute the layout koffi would give the same declaration.
 */
export function layout(type: CType, lookup: TypedefLookup, maxAlign = Infinity): { readonly size: number; readonly align: number } {
  const t = resolve(type, lookup);
  switch (t.k) {
    case 'prim': {
      const size = PRIMITIVE_SIZE[t.name];
      return { size, align: Math.min(size, maxAlign) };
    }
    case 'ptr': return { size: 8, align: 8 };
    case 'enum': {
      const { size } = enumLayout(t.def);
      return { size, align: size };
    }
    case 'array': {
      const e = layout(t.of, lookup, maxAlign);
      return { size: e.size * t.length, align: e.align };
    }
    case 'record': return recordLayout(t.def, lookup, maxAlign);
    case 'func': throw new Error('sizeof a function type');
    default: throw new Error('unresolved type');
  }
}

/** Size, alignment and member offsets of a struct or union (see {@link layout} for `maxAlign`). */
export function recordLayout(def: RecordDef, lookup: TypedefLookup, maxAlign = Infinity): { readonly size: number; readonly align: number; readonly offsets: readonly number[] } {
  if (def.fields === undefined) throw new Error(`sizeof incomplete type ${def.tag ?? def.typedefs[0] ?? '<anonymous>'}`);
  let size = 0;
  let align = Math.min(def.align ?? 1, maxAlign);
  const offsets: number[] = [];
  for (const f of def.fields) {
    const m = layout(f.type, lookup, maxAlign);
    const a = Math.min(Math.max(m.align, f.align ?? 1), maxAlign);
    align = Math.max(align, a);
    if (def.union) {
      offsets.push(0);
      size = Math.max(size, m.size);
    } else {
      const offset = Math.ceil(size / a) * a;
      offsets.push(offset);
      size = offset + m.size;
    }
  }
  return { size: Math.ceil(size / align) * align, align, offsets };
}
