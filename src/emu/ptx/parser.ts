/**
 * The PTX parser: a recursive-descent parser over the lexer's {@link TokenBuffer} that builds the
 * {@link PtxModule} AST, as nvcc 13 writes PTX ISA 9.0. It decodes every instruction on the way
 * (so an unknown opcode or modifier is reported here, with its line) and checks operand counts.
 * Debug sections (`.section .debug_* { … }`), `.file`, `.loc` and `.pragma` never get in the way.
 * @module
 */
import { PtxSyntaxError } from '../../errors.js';
import type {
  Block, BranchTargets, CallOperands, CallPrototype, ConstExpr, DeclSpace, Declaration, FloatOperand, FunctionDecl, Guard,
  Initializer, Instruction, IntOperand, Label, Linkage, LocDirective, ModuleItem, NameOperand, Operand,
  PerformanceDirectives, PointerAttr, PtxModule, SinkOperand, Statement, VectorOperand,
} from './ast.js';
import { decodeInstruction, expectedOperandCounts, operandRoles } from './instruction.js';
import { lex, TK_DIRECTIVE, TK_EOF, TK_FLOAT, TK_IDENT, TK_INT, TK_PUNCT, TK_STRING, type TokenBuffer } from './lexer.js';
import { decodeFloatLiteral, decodeIntLiteral } from './literals.js';
import { isPtxType, type PtxType } from './types.js';

/**
 * Parses a PTX module.
 * @param text - PTX source, e.g. the output of `nvcc -ptx` or NVRTC.
 * @param call - The API call to name in errors (default `cuModuleLoadData`).
 * @throws PtxSyntaxError naming line, column and token on malformed PTX or an unknown opcode/modifier.
 */
export function parsePtx(text: string, call = 'cuModuleLoadData'): PtxModule {
  return new Parser(text, call).module();
}

const LINKAGES: ReadonlySet<string> = new Set(['.visible', '.extern', '.weak', '.common']);
const VARIABLE_SPACES: ReadonlySet<string> = new Set(['.global', '.const', '.shared', '.local']);
const BODY_SPACES: ReadonlySet<string> = new Set(['.reg', '.local', '.shared', '.param', '.const', '.global']);
const POINTER_SPACES: ReadonlySet<string> = new Set(['global', 'shared', 'const', 'local']);

// Punctuation char codes.
const COMMA = 44;
const SEMI = 59;
const COLON = 58;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const LPAREN = 40;
const RPAREN = 41;
const PLUS = 43;
const MINUS = 45;
const BAR = 124;
const BANG = 33;
const AT = 64;
const LT = 60;
const GT = 62;
const EQUALS = 61;

/** Mutable {@link PerformanceDirectives} while parsing. */
type Directives = { -readonly [K in keyof PerformanceDirectives]: PerformanceDirectives[K] };

/** Attributes shared by the names of one declaration. */
interface DeclAttributes {
  readonly type: PtxType;
  readonly vector: 1 | 2 | 4 | 8;
  readonly align: number | null;
  readonly ptr: PointerAttr | null;
}

class Parser {
  private readonly t: TokenBuffer;
  private readonly kinds: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly lines: Int32Array;
  /** Index of the current token. */
  private k = 0;
  /** Token of the opcode being decoded (for decode errors). */
  private opcodeToken = 0;
  private readonly decodeFailure = (message: string, index: number): never => this.fail(message, this.opcodeToken + index);

  constructor(private readonly text: string, private readonly call: string) {
    this.t = lex(text, call);
    this.kinds = this.t.kinds;
    this.starts = this.t.starts;
    this.ends = this.t.ends;
    this.lines = this.t.lines;
  }

  // ---- Token helpers ------------------------------------------------------------------------

  private fail(message: string, at = this.k): never {
    throw new PtxSyntaxError(this.call, message, { line: this.lines[at]!, column: this.col(at), token: this.t.textOf(at) });
  }

  /** 1-based column of token `k`. */
  private col(k: number): number {
    return this.starts[k]! - this.t.lineStarts[this.lines[k]! - 1]! + 1;
  }

  private advance(): number {
    const k = this.k;
    if (this.kinds[k] !== TK_EOF) this.k++;
    return k;
  }

  private textAt(k: number): string {
    return this.text.slice(this.starts[k], this.ends[k]);
  }

  private isPunct(c: number, k = this.k): boolean {
    return this.kinds[k] === TK_PUNCT && this.text.charCodeAt(this.starts[k]!) === c;
  }

  private accept(c: number): boolean {
    if (!this.isPunct(c)) return false;
    this.k++;
    return true;
  }

  private expect(c: number, what = `'${String.fromCharCode(c)}'`): number {
    if (!this.isPunct(c)) this.fail(`expected ${what}`);
    return this.k++;
  }

  private isDirective(name: string, k = this.k): boolean {
    return this.kinds[k] === TK_DIRECTIVE && this.ends[k]! - this.starts[k]! === name.length && this.text.startsWith(name, this.starts[k]);
  }

  private ident(what: string): number {
    if (this.kinds[this.k] !== TK_IDENT) this.fail(`expected ${what}`);
    return this.k++;
  }

  private int(what: string): number {
    const k = this.k;
    if (this.kinds[k] !== TK_INT) this.fail(`expected ${what}`);
    this.k++;
    const v = decodeIntLiteral(this.textAt(k));
    if (v === null || v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what} out of range`, k);
    return Number(v);
  }

  /** Index one past the last token on the line of token `k` (for directives without ';'). */
  private endOfLine(k: number): number {
    const line = this.lines[k];
    let j = k;
    while (this.kinds[j] !== TK_EOF && this.lines[j] === line) j++;
    return j;
  }

  // ---- Module -------------------------------------------------------------------------------

  module(): PtxModule {
    let version: string | null = null;
    let target: string | null = null;
    const targetOptions: string[] = [];
    let addressSize: 32 | 64 = 64;
    const files = new Map<number, string>();
    const items: ModuleItem[] = [];
    while (this.kinds[this.k] !== TK_EOF) {
      const k = this.k;
      if (this.kinds[k] !== TK_DIRECTIVE) this.fail('expected a directive, variable or function at module scope');
      const word = this.textAt(k);
      switch (word) {
        case '.version': {
          this.k++;
          const v = this.advance();
          if (this.kinds[v] !== TK_FLOAT && this.kinds[v] !== TK_INT) this.fail('expected a version number', v);
          version = this.textAt(v);
          break;
        }
        case '.target': {
          this.k++;
          const end = this.endOfLine(k);
          const names: string[] = [];
          for (; this.k < end; this.k++) {
            if (this.isPunct(COMMA)) continue;
            if (this.kinds[this.k] !== TK_IDENT) this.fail('expected a target name');
            names.push(this.textAt(this.k));
          }
          if (names.length === 0) this.fail('expected a target name', k);
          target = names[0]!;
          targetOptions.push(...names.slice(1));
          break;
        }
        case '.address_size': {
          this.k++;
          const at = this.k;
          const size = this.int('an address size');
          if (size !== 32 && size !== 64) this.fail('address size must be 32 or 64', at);
          addressSize = size;
          break;
        }
        case '.file': {
          this.k++;
          const end = this.endOfLine(k);
          const index = this.int('a file index');
          if (this.kinds[this.k] !== TK_STRING) this.fail('expected a quoted path after .file <index>');
          files.set(index, JSON.parse(this.textAt(this.k)) as string);
          this.k = end;
          break;
        }
        case '.section':
          this.skipSection();
          break;
        case '.pragma':
          this.k++;
          this.pragmaText();
          this.accept(SEMI);
          break;
        case '.entry':
        case '.func':
          items.push(this.functionDecl(null));
          break;
        default:
          if (LINKAGES.has(word)) {
            this.k++;
            const linkage = word.slice(1) as Linkage;
            const what = this.textAt(this.k);
            if (what === '.entry' || what === '.func') items.push(this.functionDecl(linkage));
            else if (VARIABLE_SPACES.has(what)) this.declarations(linkage, items);
            else this.fail(`expected .entry, .func or a variable after ${word}`);
          } else if (VARIABLE_SPACES.has(word)) {
            this.declarations(null, items);
          } else {
            this.fail(`unexpected directive ${word} at module scope`);
          }
      }
    }
    if (version === null) this.fail('missing .version directive', 0);
    if (target === null) this.fail('missing .target directive', 0);
    return { version: version!, target: target!, targetOptions, addressSize, files, items, call: this.call, source: this.text };
  }

  /** `.section name { … }`: skipped with its balanced braces (DWARF from -G / -lineinfo). */
  private skipSection(): void {
    const start = this.k++;
    if (this.kinds[this.k] === TK_DIRECTIVE || this.kinds[this.k] === TK_IDENT) this.k++; // the section name
    if (!this.isPunct(LBRACE)) {
      this.k = this.endOfLine(start);
      return;
    }
    let depth = 0;
    do {
      const k = this.advance();
      if (this.kinds[k] === TK_EOF) this.fail('unterminated .section', start);
      if (this.isPunct(LBRACE, k)) depth++;
      else if (this.isPunct(RBRACE, k)) depth--;
    } while (depth > 0);
  }

  private pragmaText(): string {
    if (this.kinds[this.k] !== TK_STRING) this.fail('expected a string after .pragma');
    return JSON.parse(this.textAt(this.k++)) as string;
  }

  // ---- Declarations -------------------------------------------------------------------------

  /**
   * Parses `space attrs name[<N>][dims][= init] {, name …};` into one declaration per name,
   * appended to `out`. The current token is the space directive.
   */
  private declarations(linkage: Linkage | null, out: (Declaration | ModuleItem | Statement)[]): void {
    const spaceTok = this.k++;
    const attrs = this.declAttributes(spaceTok);
    do out.push(this.declarator(spaceTok, attrs, linkage, true)); while (this.accept(COMMA));
    this.expect(SEMI, "';' after a declaration");
  }

  /** Attributes after the space: `.align N`, `.v4`, the type, `.ptr .space .align N`, `.attribute(…)`. */
  private declAttributes(spaceTok: number): DeclAttributes {
    let type: PtxType | null = null;
    let vector: 1 | 2 | 4 | 8 = 1;
    let align: number | null = null;
    let ptr: { space: DeclSpace | null; align: number | null } | null = null;
    while (this.kinds[this.k] === TK_DIRECTIVE) {
      const at = this.k;
      const word = this.text.slice(this.starts[at]! + 1, this.ends[at]);
      if (word === 'align') {
        this.k++;
        const nAt = this.k;
        const n = this.int('an alignment');
        if (n <= 0 || (n & (n - 1)) !== 0) this.fail('alignment must be a power of two', nAt);
        if (ptr !== null) ptr.align = n;
        else align = n;
      } else if (word === 'v2' || word === 'v4' || word === 'v8') {
        this.k++;
        vector = Number(word.slice(1)) as 2 | 4 | 8;
      } else if (word === 'ptr') {
        this.k++;
        ptr = { space: null, align: null };
      } else if (ptr !== null && POINTER_SPACES.has(word)) {
        this.k++;
        ptr.space = word as DeclSpace;
      } else if (word === 'attribute') {
        this.k++;
        this.expect(LPAREN);
        while (!this.isPunct(RPAREN)) if (this.kinds[this.advance()] === TK_EOF) this.fail('unterminated .attribute', at);
        this.k++;
      } else if (isPtxType(word)) {
        if (type !== null) this.fail(`a declaration has one type, .${word} is a second`);
        this.k++;
        type = word;
      } else {
        this.fail(`unexpected .${word} in a ${this.textAt(spaceTok)} declaration`);
      }
    }
    if (type === null) this.fail(`missing type in a ${this.textAt(spaceTok)} declaration`);
    return { type: type!, vector, align, ptr };
  }

  private declarator(spaceTok: number, attrs: DeclAttributes, linkage: Linkage | null, allowInit: boolean): Declaration {
    const nameTok = this.ident(`a name in a ${this.textAt(spaceTok)} declaration`);
    let range: number | null = null;
    if (this.accept(LT)) {
      const at = this.k;
      range = this.int('a register count');
      if (range <= 0) this.fail('a register range needs a positive count', at);
      this.expect(GT);
    }
    const dims: (number | null)[] = [];
    while (this.accept(LBRACKET)) {
      if (this.accept(RBRACKET)) { dims.push(null); continue; }
      dims.push(this.int('an array size'));
      this.expect(RBRACKET);
    }
    let init: Initializer | null = null;
    if (allowInit && this.accept(EQUALS)) init = this.initializer();
    return {
      kind: 'decl',
      space: this.text.slice(this.starts[spaceTok]! + 1, this.ends[spaceTok]) as DeclSpace,
      name: this.textAt(nameTok),
      type: attrs.type,
      vector: attrs.vector,
      align: attrs.align,
      dims,
      range,
      init,
      linkage,
      ptr: attrs.ptr,
      line: this.lines[nameTok]!,
      column: this.col(nameTok),
    };
  }

  private initializer(): Initializer {
    const k = this.k;
    if (this.accept(LBRACE)) {
      const items: Initializer[] = [];
      if (!this.isPunct(RBRACE)) {
        do items.push(this.initializer()); while (this.accept(COMMA));
      }
      this.expect(RBRACE, "'}' closing an initializer list");
      return { kind: 'list', items, line: this.lines[k]!, column: this.col(k) };
    }
    return this.constExpr();
  }

  /** A constant: `[-]number`, `name`, `generic(name)`, each optionally `± integer`. */
  private constExpr(): ConstExpr {
    const k = this.k;
    const line = this.lines[k]!;
    const column = this.col(k);
    let expr: ConstExpr;
    if (this.kinds[k] === TK_IDENT) {
      this.k++;
      const name = this.textAt(k);
      if (name === 'generic' && this.accept(LPAREN)) {
        const inner = this.textAt(this.ident('a variable name in generic()'));
        this.expect(RPAREN);
        expr = { kind: 'symbol', name: inner, generic: true, addend: 0n, line, column };
      } else {
        expr = { kind: 'symbol', name, generic: false, addend: 0n, line, column };
      }
    } else {
      expr = this.number();
    }
    while (this.isPunct(PLUS) || this.isPunct(MINUS)) {
      const negative = this.isPunct(MINUS);
      this.k++;
      const at = this.k;
      const n = this.number();
      if (n.kind !== 'int' || expr.kind === 'float') this.fail('only integer offsets can be added in an initializer', at);
      const delta = negative ? -(n as IntOperand).value : (n as IntOperand).value;
      expr = expr.kind === 'symbol' ? { ...expr, addend: expr.addend + delta } : { ...expr, value: (expr as IntOperand).value + delta } as ConstExpr;
    }
    return expr;
  }

  /** `[-]int` or `[-]float`. */
  private number(): IntOperand | FloatOperand {
    const first = this.k;
    const negative = this.accept(MINUS);
    const k = this.advance();
    const line = this.lines[first]!;
    const column = this.col(first);
    if (this.kinds[k] === TK_INT) {
      const v = decodeIntLiteral(this.textAt(k));
      if (v === null) this.fail('integer literal out of 64-bit range', k);
      return { kind: 'int', value: negative ? -v! : v!, line, column };
    }
    if (this.kinds[k] === TK_FLOAT) {
      const f = decodeFloatLiteral(this.textAt(k));
      if (f === null) this.fail('malformed floating-point literal', k);
      const signBit = f!.width === 32 ? 1n << 31n : 1n << 63n;
      return { kind: 'float', value: negative ? -f!.value : f!.value, bits: negative ? f!.bits ^ signBit : f!.bits, width: f!.width, line, column };
    }
    return this.fail('expected a number', k);
  }

  // ---- Functions ----------------------------------------------------------------------------

  private functionDecl(linkage: Linkage | null): FunctionDecl {
    const entry = this.isDirective('.entry');
    this.k++;
    let returns: Declaration[] = [];
    if (!entry && this.isPunct(LPAREN)) returns = this.paramList();
    const nameTok = this.ident('a function name');
    const params = this.isPunct(LPAREN) ? this.paramList() : [];
    const directives = this.performanceDirectives();
    let body: Block | null = null;
    if (!this.accept(SEMI)) {
      if (!this.isPunct(LBRACE)) this.fail(`expected '{' or ';' after the declaration of ${this.textAt(nameTok)}`);
      body = this.block();
    }
    return {
      kind: 'function', entry, name: this.textAt(nameTok), linkage, params, returns, directives, body,
      line: this.lines[nameTok]!, column: this.col(nameTok),
    };
  }

  private paramList(): Declaration[] {
    this.expect(LPAREN);
    const out: Declaration[] = [];
    if (this.accept(RPAREN)) return out;
    do {
      const spaceTok = this.k;
      if (!this.isDirective('.param') && !this.isDirective('.reg')) this.fail('expected .param or .reg in a parameter list');
      this.k++;
      out.push(this.declarator(spaceTok, this.declAttributes(spaceTok), null, false));
    } while (this.accept(COMMA));
    this.expect(RPAREN, "')' closing a parameter list");
    return out;
  }

  private performanceDirectives(): PerformanceDirectives {
    const d: Directives = {
      maxntid: null, reqntid: null, minnctapersm: null, maxnctapersm: null, maxnreg: null,
      explicitcluster: false, reqnctapercluster: null, maxclusterrank: null, noreturn: false,
    };
    while (this.kinds[this.k] === TK_DIRECTIVE) {
      const word = this.textAt(this.k++);
      switch (word) {
        case '.maxntid': d.maxntid = this.intList(); break;
        case '.reqntid': d.reqntid = this.intList(); break;
        case '.reqnctapercluster': d.reqnctapercluster = this.intList(); break;
        case '.minnctapersm': d.minnctapersm = this.int('a CTA count'); break;
        case '.maxnctapersm': d.maxnctapersm = this.int('a CTA count'); break;
        case '.maxnreg': d.maxnreg = this.int('a register count'); break;
        case '.maxclusterrank': d.maxclusterrank = this.int('a cluster rank'); break;
        case '.explicitcluster': d.explicitcluster = true; break;
        case '.noreturn': d.noreturn = true; break;
        case '.pragma': this.pragmaText(); this.accept(SEMI); break;
        default: this.fail(`unexpected ${word} in a function header`, this.k - 1);
      }
    }
    return d;
  }

  private intList(): number[] {
    const out = [this.int('a number')];
    while (this.accept(COMMA)) out.push(this.int('a number'));
    if (out.length > 3) this.fail('at most three dimensions');
    return out;
  }

  // ---- Bodies -------------------------------------------------------------------------------

  private block(): Block {
    const open = this.expect(LBRACE);
    const statements: Statement[] = [];
    for (;;) {
      const kind = this.kinds[this.k];
      if (kind === TK_EOF) this.fail("unterminated block: missing '}'", open);
      if (kind === TK_PUNCT && this.isPunct(RBRACE)) { this.k++; break; }
      this.statement(statements);
    }
    return { kind: 'block', statements, line: this.lines[open]!, column: this.col(open) };
  }

  private statement(out: Statement[]): void {
    const k = this.k;
    switch (this.kinds[k]) {
      case TK_IDENT:
        if (this.isPunct(COLON, k + 1)) out.push(this.labelled());
        else out.push(this.instruction());
        return;
      case TK_PUNCT:
        if (this.isPunct(LBRACE)) out.push(this.block());
        else if (this.isPunct(AT)) out.push(this.instruction());
        else this.fail(`unexpected '${this.textAt(k)}'`);
        return;
      case TK_DIRECTIVE: {
        const word = this.textAt(k);
        if (BODY_SPACES.has(word)) this.declarations(null, out);
        else if (word === '.loc') out.push(this.loc());
        else if (word === '.pragma') {
          this.k++;
          out.push({ kind: 'pragma', text: this.pragmaText(), line: this.lines[k]!, column: this.col(k) });
          this.accept(SEMI);
        } else this.fail(`unexpected directive ${word} in a function body`);
        return;
      }
      default:
        this.fail('expected an instruction, label, declaration or block');
    }
  }

  private loc(): LocDirective {
    const k = this.k++;
    const end = this.endOfLine(k);
    const nums: number[] = [];
    for (let j = this.k; j < end && j < this.k + 3 && this.kinds[j] === TK_INT; j++) nums.push(Number(decodeIntLiteral(this.textAt(j))));
    if (nums.length < 2) this.fail('expected .loc <file> <line> <column>', this.k);
    this.k = end;
    return { kind: 'loc', file: nums[0]!, sourceLine: nums[1]!, sourceColumn: nums[2] ?? 0, line: this.lines[k]!, column: this.col(k) };
  }

  /** `name:` followed by an instruction, `.callprototype …;` or `.branchtargets …;`. */
  private labelled(): Label | CallPrototype | BranchTargets {
    const nameTok = this.k;
    this.k += 2; // name ':'
    const name = this.textAt(nameTok);
    const line = this.lines[nameTok]!;
    const column = this.col(nameTok);
    if (this.isDirective('.callprototype')) {
      this.k++;
      const returns = this.isPunct(LPAREN) ? this.paramList() : [];
      const underscore = this.ident("'_' in a .callprototype");
      if (this.textAt(underscore) !== '_') this.fail("expected '_' as the name in a .callprototype", underscore);
      const params = this.isPunct(LPAREN) ? this.paramList() : [];
      this.performanceDirectives();
      this.expect(SEMI);
      return { kind: 'callprototype', name, params, returns, line, column };
    }
    if (this.isDirective('.branchtargets') || this.isDirective('.calltargets')) {
      this.k++;
      const labels = [this.textAt(this.ident('a label'))];
      while (this.accept(COMMA)) labels.push(this.textAt(this.ident('a label')));
      this.expect(SEMI);
      return { kind: 'branchtargets', name, labels, line, column };
    }
    return { kind: 'label', name, line, column };
  }

  // ---- Instructions -------------------------------------------------------------------------

  private instruction(): Instruction {
    const first = this.k;
    let guard: Guard | null = null;
    if (this.accept(AT)) {
      const negate = this.accept(BANG);
      const g = this.ident('a predicate register after @');
      guard = { name: this.textAt(g), negate, line: this.lines[g]!, column: this.col(g) };
    }
    const opTok = this.ident('an instruction');
    let end = this.ends[opTok]!;
    while (this.kinds[this.k] === TK_DIRECTIVE && this.starts[this.k] === end) end = this.ends[this.k++]!;
    this.opcodeToken = opTok;
    const decoded = decodeInstruction(this.text.slice(this.starts[opTok], end), this.decodeFailure);
    const operands: Operand[] = [];
    let call: CallOperands | null = null;
    if (decoded.opcode === 'call') {
      call = this.callOperands();
    } else if (!this.isPunct(SEMI)) {
      do operands.push(this.operand()); while (this.accept(COMMA));
    }
    const semi = this.k;
    if (!this.isPunct(SEMI)) this.fail(`expected ';' after ${decoded.name}`);
    this.k++;
    if (call === null && operandRoles(decoded, operands.length) === null) {
      this.fail(`'${decoded.name}' takes ${expectedOperandCounts(decoded)} operands, not ${operands.length}`, opTok);
    }
    return {
      kind: 'instruction', guard, decoded, operands, call,
      line: this.lines[first]!, column: this.col(first), start: this.starts[first]!, end: this.ends[semi]!,
    };
  }

  private callOperands(): CallOperands {
    const returns: (NameOperand | SinkOperand)[] = [];
    if (this.accept(LPAREN)) {
      if (!this.isPunct(RPAREN)) {
        do returns.push(this.nameOrSink()); while (this.accept(COMMA));
      }
      this.expect(RPAREN);
      this.expect(COMMA, "',' after the return values of call");
    }
    const target = this.nameOperand(this.ident('a call target'));
    const args: Operand[] = [];
    let prototype: NameOperand | null = null;
    if (this.accept(COMMA)) {
      if (this.accept(LPAREN)) {
        if (!this.isPunct(RPAREN)) {
          do args.push(this.operand()); while (this.accept(COMMA));
        }
        this.expect(RPAREN, "')' closing the call arguments");
        if (this.accept(COMMA)) prototype = this.nameOperand(this.ident('a call prototype'));
      } else {
        prototype = this.nameOperand(this.ident('a call prototype'));
      }
    }
    return { returns, target, args, prototype };
  }

  private operand(): Operand {
    const k = this.k;
    switch (this.kinds[k]) {
      case TK_IDENT: {
        const first = this.nameOrSink();
        if (!this.accept(BAR)) return first;
        return { kind: 'pair', first, second: this.nameOrSink(), line: this.lines[k]!, column: this.col(k) };
      }
      case TK_INT:
      case TK_FLOAT:
        return this.number();
      case TK_PUNCT:
        if (this.isPunct(LBRACKET)) return this.address();
        if (this.isPunct(MINUS)) return this.number();
        if (this.isPunct(LBRACE)) return this.vector();
        if (this.isPunct(BANG)) {
          this.k++;
          const name = this.nameOperand(this.ident("a predicate after '!'"));
          return { ...name, negate: true, line: this.lines[k]!, column: this.col(k) };
        }
        return this.fail(`unexpected '${this.textAt(k)}' in an operand`);
      default:
        return this.fail('expected an operand');
    }
  }

  private nameOrSink(): NameOperand | SinkOperand {
    const k = this.ident('a register or name');
    if (this.ends[k]! - this.starts[k]! === 1 && this.text.charCodeAt(this.starts[k]!) === 95) {
      return { kind: 'sink', line: this.lines[k]!, column: this.col(k) };
    }
    return this.nameOperand(k);
  }

  /** A name, with a `.x`/`.y`/`.z`/`.w` component when one touches it (`%tid.x`). */
  private nameOperand(k: number): NameOperand {
    let component: NameOperand['component'] = null;
    const c = this.k;
    if (this.kinds[c] === TK_DIRECTIVE && this.starts[c] === this.ends[k] && this.ends[c]! - this.starts[c]! === 2) {
      const letter = this.text[this.starts[c]! + 1];
      if (letter === 'x' || letter === 'y' || letter === 'z' || letter === 'w') {
        component = letter;
        this.k++;
      }
    }
    return { kind: 'name', name: this.textAt(k), component, negate: false, line: this.lines[k]!, column: this.col(k) };
  }

  private address(): Operand {
    const open = this.k++;
    let base: NameOperand | null = null;
    let offset = 0n;
    if (this.kinds[this.k] === TK_IDENT) {
      base = this.nameOperand(this.k++);
      if (this.isPunct(PLUS) || this.isPunct(MINUS)) {
        const negative = this.isPunct(MINUS);
        const sign = this.k++;
        const n = this.number();
        if (n.kind !== 'int') this.fail('an address offset must be an integer', sign);
        offset = negative ? -(n as IntOperand).value : (n as IntOperand).value;
      }
    } else {
      const n = this.number();
      if (n.kind !== 'int') this.fail('an absolute address must be an integer', open);
      offset = (n as IntOperand).value;
    }
    this.expect(RBRACKET, "']' closing an address");
    return { kind: 'address', base, offset, line: this.lines[open]!, column: this.col(open) };
  }

  private vector(): VectorOperand {
    const open = this.k++;
    const elements: VectorOperand['elements'][number][] = [];
    do {
      const kind = this.kinds[this.k];
      if (kind === TK_IDENT) elements.push(this.nameOrSink());
      else if (kind === TK_INT || kind === TK_FLOAT || this.isPunct(MINUS)) elements.push(this.number());
      else this.fail('expected a register, constant or _ in a vector operand');
    } while (this.accept(COMMA));
    this.expect(RBRACE, "'}' closing a vector operand");
    if (elements.length !== 1 && elements.length !== 2 && elements.length !== 4 && elements.length !== 8) {
      this.fail('a vector operand has 1, 2, 4 or 8 elements', open);
    }
    return { kind: 'vector', elements, line: this.lines[open]!, column: this.col(open) };
  }
}
