/**
 * Emits `src/raw/<target>.ts`: the API interface with a TSDoc per function, the function table
 * (name, linked symbol, koffi parameter types, per-thread symbol), the lazy accessors, and the
 * header's structs and unions as koffi types.
 * @module
 */
import { cPrototype } from './cprint.js';
import { recordLayout, type CType, type RecordDef } from './ctypes.js';
import { briefOf, cleanDoc, deprecationOf, tsdoc } from './doc.js';
import { generatedHeader } from './emit-types.js';
import { classifyParam, fieldKoffi, type ParamKind } from './ffi-types.js';
import type { BoundFunction, NamedRecord, TargetModel } from './model.js';
import type { Target } from './targets.js';

/** The largest alignment koffi can give a member. */
const KOFFI_MAX_ALIGN = 8;

const RESERVED = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum',
  'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null',
  'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield',
  'let', 'static', 'implements', 'interface', 'package', 'private', 'protected', 'public', 'await', 'arguments', 'eval',
]);

function paramName(name: string | undefined, index: number, used: Set<string>): string {
  let n = name === undefined || name === '' ? `arg${index}` : name;
  if (RESERVED.has(n)) n = `${n}_`;
  while (used.has(n)) n = `${n}_`;
  used.add(n);
  return n;
}

/** Emits the struct types in dependency order; returns the body of `buildStructs` and the names it defines. */
function emitStructs(model: TargetModel): { body: string; entries: { name: string; variable: string; record: NamedRecord }[] } {
  const { decls } = model;
  const byDef = new Map<RecordDef, NamedRecord>(model.records.map((r) => [r.def, r]));
  const emitted = new Set<RecordDef>();
  let body = '';

  const recordExpr = (def: RecordDef, visiting: Set<RecordDef>): string => {
    const named = byDef.get(def);
    if (named !== undefined) {
      emit(named, visiting);
      return named.name;
    }
    return inline(def, visiting);
  };
  const inline = (def: RecordDef, visiting: Set<RecordDef>): string => {
    const fields = def.fields;
    if (fields === undefined) throw new Error(`a struct member has incomplete type ${def.tag ?? '<anonymous>'}`);
    const members = fields.map((f, k) => {
      if (f.type.k === 'array' && f.type.length === 0) throw new Error(`flexible array member ${f.name} is not supported`);
      const type = fieldKoffi(f.type, decls, (t) => recordExpr(t.def, visiting));
      const forced = f.align ?? (k === 0 ? def.align : undefined);
      const align = forced === undefined ? undefined : Math.min(forced, KOFFI_MAX_ALIGN);
      return `${f.name ?? `_anonymous${k}`}: ${align !== undefined ? `[${align}, ${type}]` : type}`;
    });
    // koffi aligns to at most 8 bytes: keep C's offsets and size, or refuse to emit a wrong layout.
    const c = recordLayout(def, decls.lookup);
    const k = recordLayout(def, decls.lookup, KOFFI_MAX_ALIGN);
    if (c.offsets.some((o, i) => o !== k.offsets[i])) throw new Error(`${def.tag ?? def.typedefs[0]}: member offsets need an alignment above ${KOFFI_MAX_ALIGN}`);
    if (k.size < c.size) members.push(`_alignmentPadding: koffi.array('uint8', ${c.size - k.size})`);
    return `koffi.${def.union ? 'union' : 'struct'}({ ${members.join(', ')} })`;
  };
  const emit = (r: NamedRecord, visiting: Set<RecordDef>): void => {
    if (emitted.has(r.def)) return;
    if (visiting.has(r.def)) throw new Error(`struct ${r.name} contains itself`);
    const next = new Set(visiting).add(r.def);
    const expr = inline(r.def, next);
    emitted.add(r.def);
    body += `  const ${r.name} = ${expr};\n`;
  };
  for (const r of model.records) emit(r, new Set());

  const entries: { name: string; variable: string; record: NamedRecord }[] = [];
  for (const r of model.records) {
    for (const name of [r.name, ...r.aliases]) entries.push({ name, variable: r.name, record: r });
  }
  return { body, entries };
}

function functionDoc(f: BoundFunction, target: Target): string {
  const d = f.decl;
  const lines: string[] = [];
  const brief = briefOf(d.doc);
  lines.push(brief ?? `${d.name} of ${target.header}.`);
  lines.push('');
  const symbolNote = d.symbol === d.name ? '' : `; symbol \`${d.symbol}\``;
  const perThread = f.perThreadSymbol !== undefined ? ` (\`${f.perThreadSymbol}\` with per-thread default streams)` : '';
  lines.push(`C: \`${cPrototype(d)}\`${symbolNote}${perThread}.`);
  if (d.deprecated) lines.push(`@deprecated ${deprecationOf(d.doc) ?? 'Deprecated in the header.'}`);
  return tsdoc(lines.join('\n'), '  ');
}

/** The whole bindings file. */
export function emitBindingsFile(target: Target, model: TargetModel): string {
  const { decls } = model;
  const n = target.names;
  const version = target.versionLabel(model.version);
  const generatedFrom = `${target.header} (${version})`;

  const recordName = new Map<RecordDef, string>(model.records.map((r) => [r.def, r.name]));
  const structName = (t: CType): string => {
    if (t.k !== 'record') throw new Error('not a record');
    const name = recordName.get(t.def);
    if (name === undefined) throw new Error('a struct passed by value has no name');
    return name;
  };

  const usedTs = new Set<string>();
  let iface = '';
  let table = '';
  for (const f of model.functions) {
    const d = f.decl;
    if (d.variadic) throw new Error(`${d.name} is variadic`);
    const used = new Set<string>();
    const kinds: ParamKind[] = d.params.map((p) => classifyParam(p.type, decls, structName));
    const params = d.params.map((p, k) => `${paramName(p.name, k, used)}: ${kinds[k]!.ts}`);
    for (const k of kinds) for (const part of k.ts.split(' | ')) usedTs.add(part);
    iface += functionDoc(f, target);
    iface += `  ${d.name}(${params.join(', ')}): number;\n`;
    const koffiTypes = kinds.map((k) => `'${k.koffi}'`).join(', ');
    table += `  ['${d.name}', '${d.symbol}', [${koffiTypes}]${f.perThreadSymbol !== undefined ? `, '${f.perThreadSymbol}'` : ''}],\n`;
  }

  const aliases = ['CString', 'Handle', 'Pointer', 'StructValue'].filter((a) => usedTs.has(a));
  const binderImports = ['bindFunctions', 'type FunctionSpec', ...aliases.map((a) => `type ${a}`)].sort((a, b) => a.replace('type ', '').localeCompare(b.replace('type ', '')));
  const structs = emitStructs(model);

  let out = generatedHeader(target, model.version);
  out += tsdoc(
    `koffi bindings of ${target.title}: every function of ${target.header} that returns ${target.resultType} ` +
    `(${model.functions.length} in ${version}), ` +
    (target.perThreadVariants
      ? 'each bound to the symbol a C program compiled without `CUDA_API_PER_THREAD_DEFAULT_STREAM` links to, '
      : 'each bound to the symbol of its name, ') +
    'and the header\'s structs and unions as koffi types.\n\n' +
    (target.unboundNote !== undefined ? `${target.unboundNote}\n\n` : '') +
    (model.declaredInHeader > model.functions.length
      ? `${target.header} contains ${model.declaredInHeader} ${target.resultType} prototypes in all; the other ` +
        `${model.declaredInHeader - model.functions.length} are legacy-ABI versions and \`_ptds\`/\`_ptsz\` variants declared ` +
        'only under `__CUDA_API_VERSION_INTERNAL` (the driver\'s own build): a program cannot call them by those names.\n\n'
      : '') +
    'Nothing is loaded at import: the library is loaded by the first accessor call (a missing library throws ' +
    '`LibraryNotFoundError`), and each function is bound the first time it is read. Every function returns its ' +
    `${target.resultType} code; argument types are explained in \`./binder.js\`.\n@module`,
  );
  out += `import koffi, { type TypeObject } from 'koffi';\n`;
  out += `import { ${binderImports.join(', ')} } from './binder.js';\n`;
  out += `import { ${target.libraryImport}, libraryLoader, type LoadedLibrary } from './library.js';\n\n`;

  out += `/** The functions of ${target.header} that return ${target.resultType}; each returns that code. */\n`;
  out += `export interface ${n.api} {\n${iface}}\n\n`;
  out += '/** Every bound function: its name, the symbol it links to, its koffi parameter types, and the per-thread-default-stream symbol where that differs. */\n';
  out += `export const ${n.functions}: readonly FunctionSpec[] = [\n${table}];\n\n`;

  out += `const load = libraryLoader(${target.libraryExpression(model.version)});\n`;
  out += `const GENERATED_FROM = '${generatedFrom}';\n`;
  out += `let legacyStreamApi: ${n.api} | undefined;\n`;
  out += target.perThreadVariants ? `let perThreadApi: ${n.api} | undefined;\n\n` : '\n';
  out += tsdoc('The loaded library (loaded by the first call).\n@throws LibraryNotFoundError when it cannot be found; see `./library.js` for where it is searched.');
  out += `export function ${n.library}(): LoadedLibrary {\n  return load('${n.library}');\n}\n\n`;
  out += tsdoc(
    `${target.title[0]!.toUpperCase()}${target.title.slice(1)}, ${target.perThreadVariants ? 'bound to the default (legacy default stream) symbols' : 'bound to its symbols'}. ` +
    'The first call loads the library; functions are bound on first access, and one the library lacks throws ' +
    '`CUDAJS_SYMBOL_NOT_FOUND` when called.\n@throws LibraryNotFoundError when the library cannot be found.',
  );
  out += `export function ${n.accessor}(): ${n.api} {\n`;
  out += `  return (legacyStreamApi ??= bindFunctions<${n.api}>(${n.functions}, { library: load('${n.accessor}'), result: 'int32', perThread: false, structs: ${n.structsAccessor}, generatedFrom: GENERATED_FROM }));\n}\n\n`;
  if (target.perThreadVariants) {
    out += tsdoc(
      `The same API bound to the symbols a program compiled with \`CUDA_API_PER_THREAD_DEFAULT_STREAM\` links to ` +
      '(`_ptds`/`_ptsz` variants: stream 0 is the per-thread default stream).\n@throws LibraryNotFoundError when the library cannot be found.',
    );
    out += `export function ${n.perThreadAccessor}(): ${n.api} {\n`;
    out += `  return (perThreadApi ??= bindFunctions<${n.api}>(${n.functions}, { library: load('${n.perThreadAccessor}'), result: 'int32', perThread: true, structs: ${n.structsAccessor}, generatedFrom: GENERATED_FROM }));\n}\n\n`;
  }

  out += `/** The structs and unions of ${target.header} as koffi types (every typedef name of each is a key). */\n`;
  out += `export interface ${n.structs} {\n`;
  for (const e of structs.entries) {
    const doc = e.record.def.doc !== undefined ? cleanDoc(e.record.def.doc) : '';
    const what = e.name === e.variable ? (doc !== '' ? doc : `\`${e.name}\`.`) : `\`${e.name}\`: the same type as {@link ${n.structs}.${e.variable}}.`;
    out += tsdoc(what, '  ');
    out += `  readonly ${e.name}: TypeObject;\n`;
  }
  out += '}\n\n';
  out += `let structTypes: ${n.structs} | undefined;\n\n`;
  out += tsdoc('The struct types, created on the first call (no library is needed). Use them with `koffi.sizeof`, `koffi.offsetof`, `koffi.encode` and `koffi.decode`.');
  out += `export function ${n.structsAccessor}(): ${n.structs} {\n  return (structTypes ??= buildStructs());\n}\n\n`;
  out += `function buildStructs(): ${n.structs} {\n${structs.body}`;
  out += '  return {\n';
  for (const e of structs.entries) out += e.name === e.variable ? `    ${e.name},\n` : `    ${e.name}: ${e.variable},\n`;
  out += '  };\n}\n';
  return out;
}
