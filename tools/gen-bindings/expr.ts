/**
 * Integer constant expressions of C: `#if` conditions, enumerator values, array bounds and the
 * values of `#define` constants. Values are BigInts; unsigned arithmetic wraps where C's would.
 * @module
 */
import type { Token } from './tokenize.js';

/** A C integer value: its mathematical value and the properties of its type that matter here. */
export interface CValue {
  readonly value: bigint;
  readonly unsigned: boolean;
  /** 64-bit (long, long long, pointers) rather than 32-bit. */
  readonly wide: boolean;
  /** The value of a cast to a pointer type, e.g. `((void*)0x01)`. */
  readonly pointer: boolean;
}

/** What a type name inside an expression (a cast or `sizeof`) denotes. */
export interface TypeNameInfo {
  readonly size: number;
  readonly unsigned: boolean;
  readonly pointer: boolean;
  /** Index of the first token after the type name. */
  readonly next: number;
}

/** How an expression's identifiers and type names are resolved. */
export interface ExprContext {
  /** The value of an identifier, or `undefined` when it has none (an error). */
  identifier(name: string): bigint | undefined;
  /** Parses a type name starting at `tokens[index]`, or returns `undefined` when none starts there. */
  typeName?(tokens: readonly Token[], index: number): TypeNameInfo | undefined;
}

/** An expression the generator cannot evaluate. */
export class ExprError extends Error {}

const int = (value: bigint, unsigned = false, wide = false, pointer = false): CValue => ({ value, unsigned, wide, pointer });

function wrap(v: CValue): CValue {
  if (!v.unsigned) return v;
  const bits = v.wide ? 64n : 32n;
  return { ...v, value: BigInt.asUintN(Number(bits), v.value) };
}

/** Parses a C integer literal (`0x1F`, `017`, `42ULL`, `'a'`). */
export function parseIntegerLiteral(text: string): CValue {
  if (text.startsWith('\'')) {
    const body = text.slice(1, -1);
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, '\\': 92, '\'': 39, '"': 34 };
    if (body.startsWith('\\')) {
      const code = simple[body[1]!];
      if (code === undefined) throw new ExprError(`unsupported character literal ${text}`);
      return int(BigInt(code));
    }
    return int(BigInt(body.codePointAt(0) ?? 0));
  }
  const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)([uUlL]*)$/.exec(text);
  if (!m) throw new ExprError(`not an integer literal: ${text}`);
  const digits = m[1]!;
  const suffix = m[2]!.toLowerCase();
  let value: bigint;
  if (/^0[0-7]+$/.test(digits)) value = BigInt(`0o${digits.slice(1)}`);
  else value = BigInt(digits);
  const unsigned = suffix.includes('u');
  const wide = suffix.includes('l') || value > 0xffffffffn;
  return int(value, unsigned, wide);
}

/**
 * Evaluates a C integer constant expression. Identifiers are resolved through `ctx`;
 * casts and `sizeof` need `ctx.typeName`.
 */
export function evaluate(tokens: readonly Token[], ctx: ExprContext): CValue {
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const is = (text: string): boolean => {
    const t = tokens[pos];
    return t !== undefined && t.text === text && (t.kind === 'punct' || t.kind === 'id');
  };
  const expect = (text: string): void => {
    if (!is(text)) throw new ExprError(`expected '${text}' at '${peek()?.text ?? 'end'}'`);
    pos++;
  };

  const BINARY: ReadonlyArray<readonly string[]> = [
    ['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
  ];

  function conditional(): CValue {
    const c = binary(0);
    if (!is('?')) return c;
    pos++;
    const a = conditional();
    expect(':');
    const b = conditional();
    return c.value !== 0n ? a : b;
  }

  function binary(level: number): CValue {
    if (level === BINARY.length) return unary();
    let left = binary(level + 1);
    for (;;) {
      const t = peek();
      if (t === undefined || t.kind !== 'punct' || !BINARY[level]!.includes(t.text)) return left;
      pos++;
      const right = binary(level + 1);
      left = apply(t.text, left, right);
    }
  }

  function apply(op: string, a: CValue, b: CValue): CValue {
    const unsigned = a.unsigned || b.unsigned;
    const wide = a.wide || b.wide;
    const bool = (x: boolean): CValue => int(x ? 1n : 0n);
    switch (op) {
      case '||': return bool(a.value !== 0n || b.value !== 0n);
      case '&&': return bool(a.value !== 0n && b.value !== 0n);
      case '|': return wrap(int(a.value | b.value, unsigned, wide));
      case '^': return wrap(int(a.value ^ b.value, unsigned, wide));
      case '&': return wrap(int(a.value & b.value, unsigned, wide));
      case '==': return bool(a.value === b.value);
      case '!=': return bool(a.value !== b.value);
      case '<': return bool(a.value < b.value);
      case '>': return bool(a.value > b.value);
      case '<=': return bool(a.value <= b.value);
      case '>=': return bool(a.value >= b.value);
      case '<<': return wrap(int(a.value << b.value, a.unsigned, a.wide));
      case '>>': return wrap(int(a.value >> b.value, a.unsigned, a.wide));
      case '+': return wrap(int(a.value + b.value, unsigned, wide));
      case '-': return wrap(int(a.value - b.value, unsigned, wide));
      case '*': return wrap(int(a.value * b.value, unsigned, wide));
      case '/':
      case '%':
        if (b.value === 0n) throw new ExprError('division by zero');
        return wrap(int(op === '/' ? a.value / b.value : a.value % b.value, unsigned, wide));
      default: throw new ExprError(`unsupported operator ${op}`);
    }
  }

  function unary(): CValue {
    const t = peek();
    if (t === undefined) throw new ExprError('unexpected end of expression');
    if (t.kind === 'punct') {
      switch (t.text) {
        case '+': pos++; return unary();
        case '-': { pos++; const v = unary(); return wrap(int(-v.value, v.unsigned, v.wide)); }
        case '~': { pos++; const v = unary(); return wrap(int(~v.value, v.unsigned, v.wide)); }
        case '!': { pos++; const v = unary(); return int(v.value === 0n ? 1n : 0n); }
        case '(': {
          const type = ctx.typeName?.(tokens, pos + 1);
          if (type !== undefined && tokens[type.next]?.text === ')') {
            pos = type.next + 1;
            const v = unary();
            if (type.pointer) return int(v.value, true, true, true);
            const cast = int(v.value, type.unsigned, type.size === 8);
            return type.unsigned ? wrap(cast) : int(BigInt.asIntN(type.size * 8, v.value), false, type.size === 8);
          }
          break;
        }
        default: break;
      }
    }
    if (t.kind === 'id' && t.text === 'sizeof') {
      pos++;
      const paren = is('(');
      if (paren) pos++;
      const type = ctx.typeName?.(tokens, pos);
      if (type === undefined) throw new ExprError('sizeof of an expression is not supported');
      pos = type.next;
      if (paren) expect(')');
      return int(BigInt(type.size), true, true);
    }
    return primary();
  }

  function primary(): CValue {
    const t = peek();
    if (t === undefined) throw new ExprError('unexpected end of expression');
    pos++;
    if (t.kind === 'num' || t.kind === 'char') return parseIntegerLiteral(t.text);
    if (t.kind === 'id') {
      const v = ctx.identifier(t.text);
      if (v === undefined) throw new ExprError(`unknown identifier '${t.text}'`);
      return int(v, false, v > 0x7fffffffn || v < -0x80000000n);
    }
    if (t.text === '(') {
      const v = conditional();
      expect(')');
      return v;
    }
    throw new ExprError(`unexpected '${t.text}'`);
  }

  const result = conditional();
  if (pos !== tokens.length) throw new ExprError(`unexpected '${tokens[pos]!.text}' after expression`);
  return result;
}
