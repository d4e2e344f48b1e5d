/**
 * The PTX lexer: one linear pass over the text into a {@link TokenBuffer} (token kinds and
 * positions in typed arrays, no object or string per token — the parser slices the text only
 * for the names it keeps).
 *
 * - Identifiers follow the PTX rules: `[A-Za-z][A-Za-z0-9_$]*` or `[_$%][A-Za-z0-9_$]+`, so
 *   registers (`%r1`, `%tid`), compiler labels (`$L__BB0_2`) and inline-asm names (`__$temp3`)
 *   are all identifiers; `_` alone is an identifier too (the sink operand).
 * - Directives and modifiers are a dot and an identifier (`.reg`, `.f32`, `.x`), optionally with
 *   `::` parts (`.shared::cluster`, `.L2::evict_last`, `.L2::128B`). `ld.global.f32` is thus an
 *   identifier followed by two directives that touch it; the parser checks the adjacency.
 * - Numbers: decimal, hex (`0x`/`0X`), octal (leading `0`), binary (`0b`), each with an optional
 *   `U` suffix; hex floats `0fXXXXXXXX` (f32 bits) and `0dXXXXXXXXXXXXXXXX` (f64 bits); decimal
 *   floats (`1.5`, `2e-3`). A leading minus is a separate `-` token.
 * - Comments (`//`, `/* *\/`) and whitespace are skipped; every token keeps its 1-based line and
 *   column and its offsets in the text.
 * @module
 */
import { PtxSyntaxError } from '../../errors.js';

/** What a token is. */
export type TokenKind = 'ident' | 'directive' | 'int' | 'float' | 'string' | 'punct' | 'eof';

/** Token kind codes stored in {@link TokenBuffer.kinds}. */
export const TK_IDENT = 0;
/** @see TK_IDENT */
export const TK_DIRECTIVE = 1;
/** @see TK_IDENT */
export const TK_INT = 2;
/** @see TK_IDENT */
export const TK_FLOAT = 3;
/** @see TK_IDENT */
export const TK_STRING = 4;
/** @see TK_IDENT */
export const TK_PUNCT = 5;
/** @see TK_IDENT */
export const TK_EOF = 6;

const KIND_NAMES: readonly TokenKind[] = ['ident', 'directive', 'int', 'float', 'string', 'punct', 'eof'];

/** One token, materialized (for tests and tools; the parser reads the {@link TokenBuffer} directly). */
export interface Token {
  readonly kind: TokenKind;
  /** The token as written (for `directive`: including the dot; for `string`: including quotes). */
  readonly text: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** Offset of the first character in the text. */
  readonly start: number;
  /** Offset one past the last character. */
  readonly end: number;
}

/**
 * The tokens of one text, as parallel typed arrays; the last token is always `eof`. Columns are
 * derived from {@link lineStarts} rather than stored.
 */
export class TokenBuffer {
  /** Number of tokens, the final `eof` included. */
  count = 0;
  /** Kind codes (`TK_*`). */
  kinds: Uint8Array;
  /** Start offsets. */
  starts: Int32Array;
  /** End offsets (exclusive). */
  ends: Int32Array;
  /** 1-based lines. */
  lines: Int32Array;
  /** Offset of the first character of each line (index 0 is line 1). */
  readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    const capacity = Math.max(64, text.length >> 2);
    this.kinds = new Uint8Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.lines = new Int32Array(capacity);
  }

  /** The 1-based column of token `k`. */
  column(k: number): number {
    return this.starts[k]! - this.lineStarts[this.lines[k]! - 1]! + 1;
  }

  /** The text of token `k` (`<end of input>` for eof). */
  textOf(k: number): string {
    return this.kinds[k] === TK_EOF ? '<end of input>' : this.text.slice(this.starts[k], this.ends[k]);
  }

  /** Token `k` as an object. */
  token(k: number): Token {
    return {
      kind: KIND_NAMES[this.kinds[k]!]!, text: this.textOf(k), line: this.lines[k]!, column: this.column(k),
      start: this.starts[k]!, end: this.ends[k]!,
    };
  }

  /** Doubles the capacity. */
  grow(): void {
    const n = this.kinds.length * 2;
    const kinds = new Uint8Array(n);
    kinds.set(this.kinds);
    this.kinds = kinds;
    for (const key of ['starts', 'ends', 'lines'] as const) {
      const a = new Int32Array(n);
      a.set(this[key]);
      this[key] = a;
    }
  }
}

// Character classes, by char code, for the hot loop.
const NAME_START = 1; // letters, `_`, `$`, `%`
const IDENT_PART = 2;
const HEX = 4;
const PUNCT = 8;
const DIGIT = 16;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_$%]/.test(ch)) CLASS[c]! |= NAME_START;
  if (/[A-Za-z0-9_$]/.test(ch)) CLASS[c]! |= IDENT_PART;
  if (/[0-9A-Fa-f]/.test(ch)) CLASS[c]! |= HEX;
  if (/[0-9]/.test(ch)) CLASS[c]! |= DIGIT;
  if (',;:{}[]()+-|!@<>=*/~&^'.includes(ch)) CLASS[c]! |= PUNCT;
}

// Sticky scanners: the regex engine runs native code from the first call, which keeps cold
// lexing (the first module a process loads) fast.
const IDENT_TAIL = /[A-Za-z0-9_$]*/y;
const DIRECTIVE_TAIL = /[A-Za-z0-9_$]*(?:::[A-Za-z0-9_$]+)*/y;
const STRING_TAIL = /(?:[^"\\\n]|\\.)*"/y;
const BLANKS = /[ \t\r\f\v]*/y;

const isPart = (c: number): boolean => c < 128 && (CLASS[c]! & IDENT_PART) !== 0;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHex = (c: number): boolean => c < 128 && (CLASS[c]! & HEX) !== 0;

/**
 * Splits PTX text into tokens, ending with one `eof` token.
 * @param text - The PTX source.
 * @param call - The API call to name in errors (e.g. `cuModuleLoadData`).
 * @throws PtxSyntaxError on a character that cannot start a token, a malformed number or an
 *   unterminated string or comment.
 */
export function lex(text: string, call: string): TokenBuffer {
  const out = new TokenBuffer(text);
  const count = scan(out, text, call);
  if (count === out.kinds.length) out.grow();
  out.kinds[count] = TK_EOF;
  out.starts[count] = text.length;
  out.ends[count] = text.length;
  out.lines[count] = out.lineStarts.length;
  out.count = count + 1;
  return out;
}

/**
 * The hot loop, kept small so that V8 optimizes it early: blanks, newlines, names, directives
 * and punctuation inline; comments, numbers, strings and errors in helpers.
 * @returns The number of tokens written.
 */
function scan(out: TokenBuffer, text: string, call: string): number {
  const n = text.length;
  const lineStarts = out.lineStarts;
  let kinds = out.kinds;
  let starts = out.starts;
  let ends = out.ends;
  let lines = out.lines;
  let count = 0;
  let i = 0;
  let line = 1;
  for (;;) {
    BLANKS.lastIndex = i;
    BLANKS.test(text);
    i = BLANKS.lastIndex;
    if (i >= n) return count;
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStarts.push(++i);
      continue;
    }
    const cls = c < 128 ? CLASS[c]! : 0;
    let end: number;
    let kind: number;
    if ((cls & NAME_START) !== 0) {
      IDENT_TAIL.lastIndex = i + 1;
      IDENT_TAIL.test(text);
      end = IDENT_TAIL.lastIndex;
      if (end === i + 1 && (c === 36 || c === 37)) lexError(call, `'${text[i]}' must be followed by an identifier`, text, i, lineStarts, 1);
      kind = TK_IDENT;
    } else if ((cls & PUNCT) !== 0) {
      if (c === 47 /* / */ && (text.charCodeAt(i + 1) === 47 || text.charCodeAt(i + 1) === 42)) {
        i = skipComment(text, i, lineStarts, call);
        line = lineStarts.length;
        continue;
      }
      end = i + 1;
      kind = TK_PUNCT;
    } else if (c === 46 /* . */ && (CLASS[text.charCodeAt(i + 1)]! & (NAME_START | DIGIT)) === NAME_START) {
      DIRECTIVE_TAIL.lastIndex = i + 1;
      DIRECTIVE_TAIL.test(text);
      end = DIRECTIVE_TAIL.lastIndex;
      kind = TK_DIRECTIVE;
    } else {
      end = scanLiteral(text, i, lineStarts, call);
      kind = scannedKind;
    }
    if (count === kinds.length) {
      out.grow();
      ({ kinds, starts, ends, lines } = out);
    }
    kinds[count] = kind;
    starts[count] = i;
    ends[count] = end;
    lines[count] = line;
    count++;
    i = end;
  }
}

/** Throws a {@link PtxSyntaxError} at offset `at` of the current (last) line. */
function lexError(call: string, message: string, text: string, at: number, lineStarts: readonly number[], length: number): never {
  const line = lineStarts.length;
  throw new PtxSyntaxError(call, message, { line, column: at - lineStarts[line - 1]! + 1, token: text.slice(at, at + length) });
}

/** Skips a `//` or `/* *\/` comment at `i`, recording line starts; returns the offset after it. */
function skipComment(text: string, i: number, lineStarts: number[], call: string): number {
  if (text.charCodeAt(i + 1) === 47) {
    const nl = text.indexOf('\n', i);
    return nl < 0 ? text.length : nl;
  }
  const close = text.indexOf('*/', i + 2);
  if (close < 0) lexError(call, 'unterminated /* comment', text, i, lineStarts, 2);
  for (let k = text.indexOf('\n', i); k >= 0 && k < close; k = text.indexOf('\n', k + 1)) lineStarts.push(k + 1);
  return close + 2;
}

/** Set by {@link scanLiteral}: the kind of the token it scanned. */
let scannedKind = TK_INT;

/** Scans a number or string at `i` (or reports the character), returns the end; sets {@link scannedKind}. */
function scanLiteral(text: string, i: number, lineStarts: readonly number[], call: string): number {
  const c = text.charCodeAt(i);
  const fail = (message: string, at: number, token: string): never => lexError(call, message, text, at, lineStarts, token.length);
  if (isDigit(c) || c === 46 /* . */) {
    if (c === 46 && !isDigit(text.charCodeAt(i + 1))) fail("'.' must be followed by a directive or modifier name", i, '.');
    const end = scanNumber(text, i, fail);
    scannedKind = scannedFloat ? TK_FLOAT : TK_INT;
    return end;
  }
  if (c === 34 /* " */) {
    STRING_TAIL.lastIndex = i + 1;
    if (!STRING_TAIL.test(text)) fail('unterminated string', i, text.slice(i, Math.min(text.indexOf('\n', i) >>> 0, i + 20)));
    scannedKind = TK_STRING;
    return STRING_TAIL.lastIndex;
  }
  const ch = String.fromCodePoint(text.codePointAt(i)!);
  return fail(`unexpected character '${ch}'`, i, ch);
}

/**
 * Splits PTX text into token objects (a convenience over {@link lex} for tests and tools).
 * @throws PtxSyntaxError as {@link lex} does.
 */
export function tokenize(text: string, call: string): Token[] {
  const buffer = lex(text, call);
  const out: Token[] = [];
  for (let k = 0; k < buffer.count; k++) out.push(buffer.token(k));
  return out;
}

// Number scanners (sticky, see IDENT_TAIL).
const HEX_FLOAT32 = /0[fF][0-9a-fA-F]{8}/y;
const HEX_FLOAT64 = /0[dD][0-9a-fA-F]{16}/y;
const HEX_INT = /0[xX][0-9a-fA-F]+[uU]?/y;
const BIN_INT = /0[bB][01]+[uU]?/y;
const DIGITS = /[0-9]*/y;
const FRACTION_EXPONENT = /(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?/y;

/** Set by {@link scanNumber}: whether the literal it scanned is a float. */
let scannedFloat = false;

/**
 * Scans one numeric literal starting at `i` (a digit, or a dot before a digit), returns the
 * offset past it and sets {@link scannedFloat}.
 */
function scanNumber(text: string, i: number, fail: (m: string, at: number, t: string) => never): number {
  const start = i;
  const c1 = text.charCodeAt(i + 1) | 0x20;
  let re: RegExp | null = null;
  scannedFloat = false;
  if (text.charCodeAt(i) === 48 /* 0 */ && isHex(text.charCodeAt(i + 2))) {
    if (c1 === 0x78 /* x */) re = HEX_INT;
    else if (c1 === 0x66 /* f */) { re = HEX_FLOAT32; scannedFloat = true; }
    else if (c1 === 0x64 /* d */) { re = HEX_FLOAT64; scannedFloat = true; }
    else if (c1 === 0x62 /* b */) re = BIN_INT;
  }
  if (re !== null) {
    re.lastIndex = i;
    i = re.test(text) ? re.lastIndex : i + 2;
  } else {
    DIGITS.lastIndex = i;
    DIGITS.test(text);
    i = DIGITS.lastIndex;
    FRACTION_EXPONENT.lastIndex = i;
    FRACTION_EXPONENT.test(text);
    if (FRACTION_EXPONENT.lastIndex > i) {
      scannedFloat = true;
      i = FRACTION_EXPONENT.lastIndex;
    } else if ((text.charCodeAt(i) | 0x20) === 0x75 /* u */) {
      i++;
    }
  }
  if (isPart(text.charCodeAt(i))) {
    let j = i;
    while (isPart(text.charCodeAt(j))) j++;
    const what = re === HEX_FLOAT32 ? 'a 0f float literal needs exactly 8 hex digits'
      : re === HEX_FLOAT64 ? 'a 0d double literal needs exactly 16 hex digits' : 'malformed number';
    fail(what, start, text.slice(start, j));
  }
  return i;
}
