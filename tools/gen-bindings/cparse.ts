/**
 * A parser for the declarations in preprocessed C headers: typedefs, structs and unions, enums
 * (with their values evaluated), and function prototypes (with the symbol each one links to).
 * Function bodies (`static inline` helpers) are skipped.
 * @module
 */
import { evaluate, ExprError, type TypeNameInfo } from './expr.js';
import {
  enumLayout, isUnsignedPrimitive, layout, resolve, SYSTEM_TYPEDEFS,
  type CType, type EnumDef, type Enumerator, type Field, type Param, type PrimitiveName, type RecordDef, type TypedefDecl,
} from './ctypes.js';
import type { Token } from './tokenize.js';

/** A function prototype. */
export interface FunctionDecl {
  /** The name the program writes, e.g. `cuCtxCreate`. */
  readonly name: string;
  /** The symbol it links to after macro expansion, e.g. `cuCtxCreate_v4`. */
  readonly symbol: string;
  readonly ret: CType;
  readonly params: readonly Param[];
  readonly variadic: boolean;
  readonly doc: string | undefined;
  readonly deprecated: boolean;
  readonly file: string;
  readonly line: number;
}

/** Everything {@link parseDeclarations} found. */
export interface Declarations {
  readonly functions: readonly FunctionDecl[];
  readonly enums: readonly EnumDef[];
  readonly records: readonly RecordDef[];
  readonly typedefs: ReadonlyMap<string, TypedefDecl>;
  /** Every enumerator, name → value. */
  readonly enumerators: ReadonlyMap<string, bigint>;
  /** Resolves a typedef name, including the system ones. */
  lookup(name: string): CType | undefined;
}

/** A declaration the parser does not understand. */
export class ParseError extends Error {
  constructor(message: string, token: Token | undefined) {
    super(token === undefined ? `${message} at end of input` : `${token.file}:${token.line}: ${message} at '${token.text}'`);
  }
}

const TYPE_KEYWORDS = new Set(['void', '_Bool', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned']);
const QUALIFIERS = new Set(['const', 'volatile', 'restrict', '__restrict', '__restrict__', 'register', 'auto', '__extension__']);
const STORAGE = new Set(['typedef', 'extern', 'static', 'inline', '__inline', '__inline__']);

interface Specifiers {
  readonly type: CType;
  readonly typedef: boolean;
  readonly deprecated: boolean;
  readonly align: number | undefined;
}

interface Declarator {
  readonly name: Token | undefined;
  readonly type: CType;
  readonly align: number | undefined;
}

/** Parses preprocessed header tokens into declarations. */
export function parseDeclarations(tokens: readonly Token[]): Declarations {
  const state = new State();
  new Parser(tokens, 0, state).translationUnit();
  return {
    functions: state.functions,
    enums: state.enums,
    records: state.records,
    typedefs: state.typedefs,
    enumerators: state.enumerators,
    lookup: (name) => state.lookup(name),
  };
}

class State {
  readonly functions: FunctionDecl[] = [];
  readonly enums: EnumDef[] = [];
  readonly records: RecordDef[] = [];
  readonly typedefs = new Map<string, TypedefDecl>();
  readonly enumerators = new Map<string, bigint>();
  readonly tags = new Map<string, RecordDef | EnumDef>();
  private nextId = 0;

  lookup(name: string): CType | undefined {
    const system = SYSTEM_TYPEDEFS[name];
    if (system !== undefined) return { k: 'prim', name: system };
    return this.typedefs.get(name)?.type;
  }

  isTypeName(name: string): boolean {
    return SYSTEM_TYPEDEFS[name] !== undefined || this.typedefs.has(name);
  }

  record(union: boolean, tag: string | undefined): RecordDef {
    const key = `${union ? 'union' : 'struct'} ${tag}`;
    if (tag !== undefined) {
      const known = this.tags.get(key);
      if (known !== undefined) return known as RecordDef;
    }
    const def: RecordDef = { id: this.nextId++, union, tag, fields: undefined, align: undefined, typedefs: [], doc: undefined, file: undefined };
    this.records.push(def);
    if (tag !== undefined) this.tags.set(key, def);
    return def;
  }

  enum(tag: string | undefined): EnumDef {
    const key = `enum ${tag}`;
    if (tag !== undefined) {
      const known = this.tags.get(key);
      if (known !== undefined) return known as EnumDef;
    }
    const def: EnumDef = { id: this.nextId++, tag, members: undefined, typedefs: [], doc: undefined, file: undefined };
    this.enums.push(def);
    if (tag !== undefined) this.tags.set(key, def);
    return def;
  }
}

class Parser {
  constructor(private readonly tokens: readonly Token[], private pos: number, private readonly state: State) {}

  private peek(offset = 0): Token | undefined { return this.tokens[this.pos + offset]; }
  private is(text: string, offset = 0): boolean {
    const t = this.tokens[this.pos + offset];
    return t !== undefined && t.text === text && t.kind !== 'str' && t.kind !== 'char';
  }
  private accept(text: string): boolean {
    if (!this.is(text)) return false;
    this.pos++;
    return true;
  }
  private expect(text: string): Token {
    const t = this.peek();
    if (!this.is(text)) throw new ParseError(`expected '${text}'`, t);
    this.pos++;
    return t!;
  }

  translationUnit(): void {
    while (this.pos < this.tokens.length) {
      if (this.accept(';')) continue;
      this.declaration();
    }
  }

  private declaration(): void {
    const first = this.peek()!;
    const spec = this.specifiers();
    if (this.accept(';')) return;
    for (;;) {
      const d = this.declarator(spec.type);
      if (spec.typedef) {
        this.defineTypedef(d, first);
      } else if (d.type.k === 'func' && d.name !== undefined) {
        if (this.is('{')) { this.skipBalanced('{', '}'); return; }
        this.state.functions.push({
          name: d.name.origin ?? d.name.text,
          symbol: d.name.text,
          ret: d.type.ret,
          params: d.type.params,
          variadic: d.type.variadic,
          doc: first.doc,
          deprecated: spec.deprecated,
          file: d.name.file,
          line: d.name.line,
        });
      }
      if (this.accept('=')) this.skipInitializer();
      if (this.accept(',')) continue;
      this.expect(';');
      return;
    }
  }

  private defineTypedef(d: Declarator, first: Token): void {
    if (d.name === undefined) throw new ParseError('typedef without a name', first);
    const name = d.name.text;
    if (this.state.typedefs.has(name)) return; // a repeated identical typedef is legal C11
    this.state.typedefs.set(name, { name, type: d.type, file: d.name.file, doc: first.doc ?? d.name.trailing });
    // A typedef of the record itself, or of another typedef name of it, is one more name for it.
    let target: CType | undefined = d.type;
    while (target !== undefined && target.k === 'named') target = this.state.typedefs.get(target.name)?.type;
    if (target !== undefined && (target.k === 'record' || target.k === 'enum')) {
      target.def.typedefs.push(name);
      target.def.doc ??= first.doc;
    }
  }

  private skipInitializer(): void {
    let depth = 0;
    while (this.pos < this.tokens.length) {
      const t = this.peek()!;
      if (depth === 0 && (t.text === ',' || t.text === ';')) return;
      if (t.text === '{' || t.text === '(') depth++;
      if (t.text === '}' || t.text === ')') depth--;
      this.pos++;
    }
  }

  private skipBalanced(open: string, close: string): void {
    let depth = 0;
    do {
      const t = this.peek();
      if (t === undefined) throw new ParseError(`unbalanced '${open}'`, t);
      if (t.text === open) depth++;
      else if (t.text === close) depth--;
      this.pos++;
    } while (depth > 0);
  }

  /** `__attribute__((…))`: returns what the generator cares about. */
  private attribute(): { deprecated: boolean; align: number | undefined } {
    this.expect('__attribute__');
    const start = this.pos;
    this.skipBalanced('(', ')');
    const body = this.tokens.slice(start, this.pos);
    let align: number | undefined;
    const k = body.findIndex((t) => t.text === 'aligned' || t.text === '__aligned__');
    if (k >= 0 && body[k + 1]?.text === '(') {
      let depth = 0;
      let end = k + 1;
      for (; end < body.length; end++) {
        if (body[end]!.text === '(') depth++;
        else if (body[end]!.text === ')' && --depth === 0) break;
      }
      align = Number(this.constant(body.slice(k + 2, end)));
    }
    return { deprecated: body.some((t) => t.text === 'deprecated' || t.text === '__deprecated__'), align };
  }

  /** `_Alignas(n)`, `_Alignas(type)`, `alignas(…)`. */
  private alignas(): number {
    this.pos++;
    this.expect('(');
    const type = this.typeNameAt(this.pos);
    if (type !== undefined) {
      this.pos = type.next;
      this.expect(')');
      return type.align;
    }
    const start = this.pos;
    this.skipUntilClosing(')');
    return Number(this.constant(this.tokens.slice(start, this.pos - 1)));
  }

  private specifiers(): Specifiers {
    let typedef = false;
    let deprecated = false;
    let isConst = false;
    let align: number | undefined;
    let base: CType | undefined;
    const words: string[] = [];
    for (;;) {
      const t = this.peek();
      if (t === undefined || t.kind !== 'id') break;
      if (t.text === 'const') { isConst = true; this.pos++; continue; }
      if (QUALIFIERS.has(t.text)) { this.pos++; continue; }
      if (STORAGE.has(t.text)) { typedef ||= t.text === 'typedef'; this.pos++; continue; }
      if (t.text === '__attribute__') {
        const a = this.attribute();
        deprecated ||= a.deprecated;
        align = a.align ?? align;
        continue;
      }
      if (t.text === '__declspec') { this.pos++; this.skipBalanced('(', ')'); continue; }
      if (t.text === '_Alignas' || t.text === 'alignas') { align = this.alignas(); continue; }
      if (TYPE_KEYWORDS.has(t.text)) { words.push(t.text); this.pos++; continue; }
      if (base !== undefined || words.length > 0) break;
      if (t.text === 'struct' || t.text === 'union') { base = this.recordSpecifier(); continue; }
      if (t.text === 'enum') { base = this.enumSpecifier(); continue; }
      if (this.state.isTypeName(t.text)) { base = { k: 'named', name: t.text }; this.pos++; continue; }
      break;
    }
    if (base === undefined) {
      if (words.length === 0) throw new ParseError('expected a type', this.peek());
      base = { k: 'prim', name: primitiveName(words, this.peek()) };
    }
    if (isConst) base = { ...base, isConst: true };
    return { type: base, typedef, deprecated, align };
  }

  private recordSpecifier(): CType {
    const keyword = this.peek()!;
    this.pos++;
    let align: number | undefined;
    while (this.is('__attribute__') || this.is('_Alignas')) {
      align = this.is('_Alignas') ? this.alignas() : (this.attribute().align ?? align);
    }
    const tag = this.peek()?.kind === 'id' && !this.is('{') ? this.peek()!.text : undefined;
    if (tag !== undefined) this.pos++;
    const def = this.state.record(keyword.text === 'union', tag);
    if (this.is('{')) {
      if (def.fields !== undefined) throw new ParseError(`redefinition of ${keyword.text} ${tag}`, keyword);
      def.doc ??= keyword.doc;
      def.file = keyword.file;
      this.pos++;
      const fields: Field[] = [];
      while (!this.accept('}')) fields.push(...this.fieldDeclaration());
      def.fields = fields;
      while (this.is('__attribute__')) align = this.attribute().align ?? align;
    }
    if (align !== undefined) def.align = align;
    return { k: 'record', def };
  }

  private fieldDeclaration(): Field[] {
    const first = this.peek();
    const spec = this.specifiers();
    const fields: Field[] = [];
    if (this.is(';')) {
      // An anonymous struct or union member (C11).
      const last = this.peek()!;
      this.pos++;
      const doc = first?.doc ?? last.trailing;
      fields.push({ name: undefined, type: spec.type, ...(spec.align !== undefined ? { align: spec.align } : {}), ...(doc !== undefined ? { doc } : {}) });
      return fields;
    }
    for (;;) {
      const d = this.declarator(spec.type);
      if (this.is(':')) throw new ParseError('bit-fields are not supported', this.peek());
      const sep = this.peek()!;
      const align = d.align ?? spec.align;
      const doc = first?.doc ?? d.name?.trailing ?? sep.trailing;
      fields.push({ name: d.name?.text, type: d.type, ...(align !== undefined ? { align } : {}), ...(doc !== undefined ? { doc } : {}) });
      if (this.accept(',')) continue;
      const end = this.expect(';');
      if (doc === undefined && end.trailing !== undefined) fields[fields.length - 1] = { ...fields[fields.length - 1]!, doc: end.trailing };
      return fields;
    }
  }

  private enumSpecifier(): CType {
    const keyword = this.peek()!;
    this.pos++;
    while (this.is('__attribute__')) this.attribute();
    const tag = this.peek()?.kind === 'id' && !this.is('{') ? this.peek()!.text : undefined;
    if (tag !== undefined) this.pos++;
    const def = this.state.enum(tag);
    if (this.accept('{')) {
      def.doc ??= keyword.doc;
      def.file = keyword.file;
      const members: Enumerator[] = [];
      let next = 0n;
      while (!this.accept('}')) {
        const name = this.peek()!;
        if (name.kind !== 'id') throw new ParseError('expected an enumerator', name);
        this.pos++;
        let docs = [name.doc, name.trailing];
        if (this.accept('=')) {
          const start = this.pos;
          let depth = 0;
          while (this.pos < this.tokens.length) {
            const t = this.peek()!;
            if (depth === 0 && (t.text === ',' || t.text === '}')) break;
            if (t.text === '(') depth++;
            if (t.text === ')') depth--;
            this.pos++;
          }
          const expr = this.tokens.slice(start, this.pos);
          docs = docs.concat(expr.map((t) => t.trailing));
          next = this.constant(expr);
        }
        if (this.is(',')) docs.push(this.peek()!.trailing);
        this.accept(',');
        const doc = docs.find((d) => d !== undefined);
        members.push({ name: name.text, value: next, doc });
        this.state.enumerators.set(name.text, next);
        next++;
      }
      def.members = members;
      while (this.is('__attribute__')) this.attribute();
    }
    return { k: 'enum', def };
  }

  /** A (possibly abstract) declarator applied to `base`. */
  private declarator(base: CType): Declarator {
    const pointers: boolean[] = [];
    let align: number | undefined;
    while (this.accept('*')) {
      let isConst = false;
      for (;;) {
        if (this.accept('const')) { isConst = true; continue; }
        const t = this.peek();
        if (t !== undefined && QUALIFIERS.has(t.text)) { this.pos++; continue; }
        if (this.is('__attribute__')) { this.attribute(); continue; }
        break;
      }
      pointers.push(isConst);
    }
    while (this.is('__attribute__')) align = this.attribute().align ?? align;
    let inner: Declarator | undefined;
    let innerStart = -1;
    let name: Token | undefined;
    if (this.is('(') && (this.is('*', 1) || this.is('__attribute__', 1))) {
      // A parenthesized declarator such as (*fn)(…): parse it later against the full outer type.
      innerStart = this.pos + 1;
      this.skipBalanced('(', ')');
    } else if (this.peek()?.kind === 'id' && !TYPE_KEYWORDS.has(this.peek()!.text) && !QUALIFIERS.has(this.peek()!.text)) {
      name = this.peek()!;
      this.pos++;
    }
    const suffixes: ((t: CType) => CType)[] = [];
    for (;;) {
      if (this.accept('[')) {
        const start = this.pos;
        this.skipUntilClosing(']');
        const expr = this.tokens.slice(start, this.pos - 1);
        const length = expr.length === 0 ? 0 : Number(this.constant(expr));
        suffixes.push((t) => ({ k: 'array', of: t, length }));
        continue;
      }
      if (this.is('(')) {
        const { params, variadic } = this.parameters();
        suffixes.push((t) => ({ k: 'func', ret: t, params, variadic }));
        continue;
      }
      if (this.is('__attribute__')) { align = this.attribute().align ?? align; continue; }
      break;
    }
    let type = base;
    for (const isConst of pointers) type = isConst ? { k: 'ptr', to: type, isConst: true } : { k: 'ptr', to: type };
    for (let k = suffixes.length - 1; k >= 0; k--) type = suffixes[k]!(type);
    if (innerStart >= 0) {
      const sub = new Parser(this.tokens, innerStart, this.state);
      inner = sub.declarator(type);
      return { name: inner.name, type: inner.type, align: inner.align ?? align };
    }
    return { name, type, align };
  }

  private skipUntilClosing(close: string): void {
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t === undefined) throw new ParseError(`missing '${close}'`, t);
      this.pos++;
      if (t.text === '[' || t.text === '(') depth++;
      else if (t.text === ']' || t.text === ')') {
        if (depth === 0) return;
        depth--;
      }
    }
  }

  private parameters(): { params: Param[]; variadic: boolean } {
    this.expect('(');
    const params: Param[] = [];
    let variadic = false;
    if (this.is('void') && this.is(')', 1)) { this.pos += 2; return { params, variadic }; }
    while (!this.accept(')')) {
      if (this.accept('...')) { variadic = true; continue; }
      const spec = this.specifiers();
      const d = this.declarator(spec.type);
      // Arrays and functions as parameters are pointers.
      let type = d.type;
      if (type.k === 'array') type = { k: 'ptr', to: type.of };
      else if (type.k === 'func') type = { k: 'ptr', to: type };
      params.push({ name: d.name?.text, type });
      this.accept(',');
    }
    return { params, variadic };
  }

  /** A type name (for casts, sizeof, _Alignas) at `index`, or undefined. */
  typeNameAt(index: number): (TypeNameInfo & { readonly align: number }) | undefined {
    const t = this.tokens[index];
    if (t === undefined || t.kind !== 'id') return undefined;
    const starts = TYPE_KEYWORDS.has(t.text) || QUALIFIERS.has(t.text) || t.text === 'struct' || t.text === 'union' ||
      t.text === 'enum' || this.state.isTypeName(t.text);
    if (!starts) return undefined;
    const sub = new Parser(this.tokens, index, this.state);
    const spec = sub.specifiers();
    const d = sub.declarator(spec.type);
    const lookup = (n: string): CType | undefined => this.state.lookup(n);
    const resolved = resolve(d.type, lookup);
    const { size, align } = layout(resolved, lookup);
    const unsigned = resolved.k === 'prim' ? isUnsignedPrimitive(resolved.name) : resolved.k === 'enum' ? !enumLayout(resolved.def).signed : false;
    return { size, align, unsigned, pointer: resolved.k === 'ptr', next: sub.pos };
  }

  private constant(expr: readonly Token[]): bigint {
    try {
      return evaluate(expr, {
        identifier: (name) => this.state.enumerators.get(name),
        typeName: (tokens, index) => (tokens === this.tokens ? this.typeNameAt(index) : new Parser(tokens, 0, this.state).typeNameAt(index)),
      }).value;
    } catch (e) {
      if (e instanceof ExprError) throw new ParseError(`cannot evaluate constant: ${e.message}`, expr[0]);
      throw e;
    }
  }
}

function primitiveName(words: readonly string[], at: Token | undefined): PrimitiveName {
  const count = (w: string): number => words.filter((x) => x === w).length;
  const unsigned = count('unsigned') > 0;
  const longs = count('long');
  if (count('void')) return 'void';
  if (count('_Bool')) return '_Bool';
  if (count('float')) return 'float';
  if (count('double')) return longs > 0 ? 'long double' : 'double';
  if (count('char')) return unsigned ? 'unsigned char' : count('signed') ? 'signed char' : 'char';
  if (count('short')) return unsigned ? 'unsigned short' : 'short';
  if (longs >= 2) return unsigned ? 'unsigned long long' : 'long long';
  if (longs === 1) return unsigned ? 'unsigned long' : 'long';
  if (count('int') || unsigned || count('signed')) return unsigned ? 'unsigned int' : 'int';
  throw new ParseError(`not a type: ${words.join(' ')}`, at);
}
