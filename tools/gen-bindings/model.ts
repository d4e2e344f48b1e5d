/**
 * What the emitters need, extracted from the parsed headers of one target (the driver API of
 * cuda.h, or the runtime API of cuda_runtime_api.h): named enums, named structs, the functions
 * returning the API's status type with the symbols they link to, and the constant `#define`s.
 * @module
 */
import { evaluate, type CValue } from './expr.js';
import { enumLayout, isUnsignedPrimitive, layout, resolve, type CType, type EnumDef, type RecordDef } from './ctypes.js';
import type { Declarations, FunctionDecl } from './cparse.js';
import type { Macro, PreprocessResult } from './preprocess.js';

/** An enum with the name it is exported under. */
export interface NamedEnum {
  readonly name: string;
  /** Other names of the same enum (typedefs), exported as aliases. */
  readonly aliases: readonly string[];
  readonly def: EnumDef;
}

/** A struct or union with the name it is exported under. */
export interface NamedRecord {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly def: RecordDef;
}

/** A `#define` whose value is an integer constant. */
export interface Constant {
  readonly name: string;
  readonly value: bigint;
  /** Its C type is a pointer (e.g. `((CUstream)0x1)`): exported as a bigint. */
  readonly pointer: boolean;
  /** The replacement text, for hex spelling. */
  readonly literal: string | undefined;
  readonly doc: string | undefined;
}

/** A bound function: the prototype plus the per-thread-default-stream symbol when it differs. */
export interface BoundFunction {
  readonly decl: FunctionDecl;
  readonly perThreadSymbol: string | undefined;
}

/** One target's model. */
export interface TargetModel {
  readonly decls: Declarations;
  readonly enums: readonly NamedEnum[];
  readonly records: readonly NamedRecord[];
  readonly functions: readonly BoundFunction[];
  readonly constants: readonly Constant[];
  /** The header version (CUDA_VERSION or CUDART_VERSION), e.g. 13000. */
  readonly version: number;
  /**
   * Prototypes returning the status type in the header as a whole, including those declared only
   * for the driver's own build (`__CUDA_API_VERSION_INTERNAL`: legacy ABIs, per-thread variants).
   */
  readonly declaredInHeader: number;
}

/** Options of {@link buildModel}. */
export interface ModelOptions {
  /** The status type the bound functions return, e.g. `CUresult`. */
  readonly resultType: string;
  /** Headers whose `#define`s are exported (relative to the include root). */
  readonly defineFiles: (file: string) => boolean;
  /** The macro holding the header version, e.g. `CUDA_VERSION`. */
  readonly versionMacro: string;
  /** Which status-returning prototypes are bound, by name. Default: all. */
  readonly binds?: (name: string) => boolean;
}

const DIRTY_TAG = /(_st|_s|_enum|_union|_struct)$|^_/;

/**
 * The name a struct or enum is exported under: its tag when that is a clean name (not `…_st`,
 * `…_enum`, `_…`), else its unversioned typedef (`CUipcMemHandle` rather than `CUipcMemHandle_v1`),
 * else its first typedef. Its other names become aliases.
 */
function exportName(tag: string | undefined, typedefs: readonly string[]): { name: string; aliases: string[] } | undefined {
  const clean = tag !== undefined && !DIRTY_TAG.test(tag) ? tag : undefined;
  const names = clean !== undefined ? [clean, ...typedefs.filter((t) => t !== clean)] : [...typedefs];
  if (names.length === 0) return undefined;
  const name = clean ?? names.find((t) => !/_v\d+$/.test(t)) ?? names[0]!;
  return { name, aliases: names.filter((t) => t !== name) };
}

/** Builds the model of one target from its preprocessed headers (default and per-thread variants). */
export function buildModel(pp: PreprocessResult, decls: Declarations, perThread: Declarations, internal: Declarations, options: ModelOptions): TargetModel {
  const enums: NamedEnum[] = [];
  for (const def of decls.enums) {
    if (def.members === undefined) continue;
    const named = exportName(def.tag, def.typedefs);
    if (named === undefined) throw new Error(`anonymous enum in ${def.file} (first member ${def.members[0]?.name}) has no name to export`);
    enums.push({ ...named, def });
  }

  const records: NamedRecord[] = [];
  for (const def of decls.records) {
    if (def.fields === undefined) continue;
    const named = exportName(def.tag, def.typedefs);
    if (named !== undefined) records.push({ ...named, def });
  }

  const binds = options.binds ?? ((): boolean => true);
  const isResult = (f: FunctionDecl): boolean => f.ret.k === 'named' && f.ret.name === options.resultType && binds(f.name);
  const perThreadSymbols = new Map(perThread.functions.filter(isResult).map((f) => [f.name, f.symbol]));
  const functions = decls.functions.filter(isResult).map((decl) => {
    const pt = perThreadSymbols.get(decl.name);
    return { decl, perThreadSymbol: pt !== undefined && pt !== decl.symbol ? pt : undefined };
  });

  const constants = collectConstants(pp, decls, options.defineFiles);
  const versionValue = constants.find((c) => c.name === options.versionMacro)?.value;
  if (versionValue === undefined) throw new Error(`${options.versionMacro} is not defined`);
  const declaredInHeader = internal.functions.filter(isResult).length;
  return { decls, enums, records, functions, constants, version: Number(versionValue), declaredInHeader };
}

function collectConstants(pp: PreprocessResult, decls: Declarations, defineFiles: (file: string) => boolean): Constant[] {
  const constants: Constant[] = [];
  const typeName = (tokens: Parameters<NonNullable<Parameters<typeof evaluate>[1]['typeName']>>[0], index: number) => {
    const t = tokens[index];
    if (t === undefined || t.kind !== 'id') return undefined;
    // Casts in #define values are to a single type name, optionally followed by '*'s.
    let type: CType | undefined = decls.lookup(t.text) ?? primitive(t.text);
    if (type === undefined) return undefined;
    let next = index + 1;
    while (tokens[next]?.text === '*') { type = { k: 'ptr', to: type }; next++; }
    const r = resolve(type, decls.lookup);
    const { size } = layout(r, decls.lookup);
    const unsigned = r.k === 'prim' ? isUnsignedPrimitive(r.name) : r.k === 'enum' ? !enumLayout(r.def).signed : true;
    return { size, unsigned, pointer: r.k === 'ptr', next };
  };
  const expand = (macro: Macro, seen: Set<string>): Macro['body'] => macro.body.flatMap((t) => {
    const inner = t.kind === 'id' && !seen.has(t.text) ? pp.macros.get(t.text) : undefined;
    return inner !== undefined && inner.params === undefined ? expand(inner, new Set([...seen, t.text])) : [t];
  });
  for (const macro of pp.macros.values()) {
    if (macro.params !== undefined || !defineFiles(macro.file) || macro.name.startsWith('_') || macro.body.length === 0) continue;
    let value: CValue;
    try {
      value = evaluate(expand(macro, new Set([macro.name])), { identifier: (n) => decls.enumerators.get(n), typeName });
    } catch (e) {
      if (e instanceof Error) continue; // not an integer constant (a symbol alias, an attribute, …)
      throw e;
    }
    const single = macro.body.length === 1 ? macro.body[0]!.text : undefined;
    constants.push({ name: macro.name, value: value.value, pointer: value.pointer, literal: single, doc: macro.doc });
  }
  return constants;
}

function primitive(word: string): CType | undefined {
  switch (word) {
    case 'void': return { k: 'prim', name: 'void' };
    case 'int': return { k: 'prim', name: 'int' };
    case 'char': return { k: 'prim', name: 'char' };
    case 'unsigned': return { k: 'prim', name: 'unsigned int' };
    default: return undefined;
  }
}
