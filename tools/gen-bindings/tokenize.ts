/**
 * A C tokenizer that keeps what the binding generator needs from comments: doxygen comments
 * (`/** … *\/`, `/*! … *\/`) become the `doc` of the next token, and trailing ones
 * (`/**< … *\/`, `//!< …`, `///< …`) the `trailing` doc of the previous token.
 * @module
 */

/** What kind of C token. */
export type TokenKind = 'id' | 'num' | 'str' | 'char' | 'punct';

/** One C token, with where it came from and the documentation attached to it. */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** The header the token was read from (relative to the include root). */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** First token of its logical line (so a `#` here starts a directive). */
  readonly bol: boolean;
  /** Whitespace or a comment separates it from the previous token. */
  readonly space?: boolean;
  /** Doxygen comment right before the token. */
  readonly doc?: string;
  /** Doxygen `<` comments right after the token. */
  readonly trailing?: string;
  /** Macros that must not expand this token again (C's hide set). */
  readonly hide?: ReadonlySet<string>;
  /** The object-like macro invocation this token was produced from (e.g. `cuCtxCreate`). */
  readonly origin?: string;
}

const PUNCTUATORS = [
  '...', '<<=', '>>=',
  '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||',
  '*=', '/=', '%=', '+=', '-=', '&=', '^=', '|=', '##',
];

/**
 * Splits C source into tokens; comments become docs as described in the module comment. With
 * `plainComments`, every other `/* … *\/` comment documents the next token too (for headers that
 * write no doxygen, such as nccl.h).
 */
export function tokenize(source: string, file: string, plainComments = false): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let bol = true;
  let space = false;
  let pendingDoc: string | undefined;
  const n = source.length;

  const attachTrailing = (text: string): void => {
    const last = tokens.length - 1;
    if (last < 0) return;
    const prev = tokens[last]!;
    tokens[last] = { ...prev, trailing: prev.trailing === undefined ? text : `${prev.trailing}\n${text}` };
  };
  const push = (kind: TokenKind, text: string): void => {
    const base: Token = space ? { kind, text, file, line, bol, space } : { kind, text, file, line, bol };
    tokens.push(pendingDoc === undefined ? base : { ...base, doc: pendingDoc });
    pendingDoc = undefined;
    bol = false;
    space = false;
  };

  while (i < n) {
    const c = source[i]!;
    if (c === '\n') { line++; i++; bol = true; space = true; continue; }
    if (c === '\\' && source[i + 1] === '\n') { line++; i += 2; space = true; continue; }
    if (c === '\\' && source[i + 1] === '\r' && source[i + 2] === '\n') { line++; i += 3; space = true; continue; }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') { i++; space = true; continue; }

    if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end;
      const body = source.slice(i + 2, stop);
      for (let k = i; k < stop; k++) if (source[k] === '\n') line++;
      i = stop + 2;
      space = true;
      if (body.startsWith('*<') || body.startsWith('!<')) attachTrailing(body.slice(2));
      else if ((body.startsWith('*') && body !== '*' && !body.startsWith('**')) || body.startsWith('!')) pendingDoc = body.slice(1);
      else if (plainComments && !body.startsWith('*')) pendingDoc = body;
      continue;
    }
    if (c === '/' && source[i + 1] === '/') {
      let end = source.indexOf('\n', i);
      if (end < 0) end = n;
      const body = source.slice(i + 2, end);
      if (body.startsWith('!<') || body.startsWith('/<')) attachTrailing(body.slice(2));
      i = end;
      space = true;
      continue;
    }

    if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w$]/.test(source[j]!)) j++;
      const word = source.slice(i, j);
      if ((source[j] === '"' || source[j] === '\'') && /^(L|u|U|u8)$/.test(word)) {
        i = j; // encoding prefix: the literal follows
        continue;
      }
      push('id', word);
      i = j;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < n) {
        const d = source[j]!;
        if (/[\w.]/.test(d)) { j++; continue; }
        if ((d === '+' || d === '-') && /[eEpP]/.test(source[j - 1]!)) { j++; continue; }
        break;
      }
      push('num', source.slice(i, j));
      i = j;
      continue;
    }
    if (c === '"' || c === '\'') {
      let j = i + 1;
      while (j < n && source[j] !== c) {
        if (source[j] === '\\') j++;
        if (source[j] === '\n') line++;
        j++;
      }
      push(c === '"' ? 'str' : 'char', source.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    const punct = PUNCTUATORS.find((p) => source.startsWith(p, i)) ?? c;
    push('punct', punct);
    i += punct.length;
  }
  return tokens;
}

/** The text of tokens joined the way a C programmer would write them (for messages and prototypes). */
export function joinTokens(tokens: readonly Token[]): string {
  return tokens.map((t) => t.text).join(' ');
}
