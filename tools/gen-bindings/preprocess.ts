/**
 * The part of the C preprocessor that the CUDA headers use: `#include "…"` (system `<…>` headers are
 * skipped; their few names are known to the parser), conditionals with `defined` and integer
 * expressions, object- and function-like macros with `#`, `##` and `__VA_ARGS__`, and `#undef`.
 *
 * The configuration is that of a C17 program compiled by GCC for x86-64 Linux without
 * `CUDA_API_PER_THREAD_DEFAULT_STREAM` (or with it, for the per-thread variant), so the output is
 * what such a program sees. Each token produced by an object-like macro remembers the macro it came
 * from (`origin`): that is how `cuCtxCreate` is known to link to `cuCtxCreate_v4`.
 * @module
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { evaluate, ExprError } from './expr.js';
import { tokenize, type Token } from './tokenize.js';

/** A macro definition. */
export interface Macro {
  readonly name: string;
  /** Parameter names of a function-like macro; `undefined` for object-like macros. */
  readonly params?: readonly string[];
  readonly variadic: boolean;
  readonly body: readonly Token[];
  /** The header that defined it (relative to the include root). */
  readonly file: string;
  /** Its doxygen comment. */
  readonly doc?: string;
}

/** Options of {@link preprocess}. */
export interface PreprocessOptions {
  /** The directory of the CUDA headers; quoted includes resolve against it. */
  readonly includeRoot: string;
  /** Macros defined before the first line, name → replacement text. */
  readonly predefined: Readonly<Record<string, string>>;
  /**
   * Text to read in place of `<system>` headers, by name (`'limits.h'`). System headers not named
   * here are skipped.
   */
  readonly systemHeaders?: Readonly<Record<string, string>>;
  /** Plain `/* … *\/` comments document declarations too (see `tokenize`). Default: false. */
  readonly plainComments?: boolean;
}

/** What {@link preprocess} produces. */
export interface PreprocessResult {
  /** The tokens a compiler would see, with doxygen comments attached. */
  readonly tokens: readonly Token[];
  /** The macros defined at the end. */
  readonly macros: ReadonlyMap<string, Macro>;
  /** Every header read, relative to the include root, in order. */
  readonly files: readonly string[];
}

/** Macros of GCC 13 for x86-64 Linux, C17, that the CUDA headers test. */
export const GCC_X86_64_LINUX: Readonly<Record<string, string>> = {
  __GNUC__: '13',
  __GNUC_MINOR__: '0',
  __STDC__: '1',
  __STDC_VERSION__: '201710L',
  __x86_64__: '1',
  __LP64__: '1',
  __linux__: '1',
  __CHAR_BIT__: '8',
  NULL: '((void*)0)',
};

/** A header construct the generator does not handle. */
export class PreprocessError extends Error {}

interface Conditional {
  /** This branch's lines are compiled. */
  active: boolean;
  /** Some branch of this #if was taken already. */
  taken: boolean;
  /** The enclosing region is compiled. */
  readonly outer: boolean;
}

/** Runs the preprocessor over `entry` (a path relative to the include root). */
export function preprocess(entry: string, options: PreprocessOptions): PreprocessResult {
  const macros = new Map<string, Macro>();
  for (const [name, text] of Object.entries(options.predefined)) {
    macros.set(name, { name, variadic: false, body: tokenize(text, '<predefined>'), file: '<predefined>' });
  }
  const output: Token[] = [];
  const files: string[] = [];
  const expander = new Expander(macros);

  const processFile = (absolute: string, text?: string): void => {
    const file = text === undefined ? relative(options.includeRoot, absolute) : absolute;
    files.push(file);
    const tokens = tokenize(text ?? readFileSync(absolute, 'utf8'), file, options.plainComments ?? false);
    const stack: Conditional[] = [];
    const active = (): boolean => stack.length === 0 || stack[stack.length - 1]!.active;
    let run: Token[] = [];
    // A doc comment right before a conditional directive documents the declaration that follows it.
    let carriedDoc: string | undefined;
    const flush = (): void => {
      if (run.length > 0) output.push(...withoutPragmas(expander.expand(run)));
      run = [];
    };

    let i = 0;
    while (i < tokens.length) {
      const t = tokens[i]!;
      if (!(t.bol && t.text === '#' && t.kind === 'punct')) {
        if (active()) {
          run.push(carriedDoc !== undefined && t.doc === undefined ? { ...t, doc: carriedDoc } : t);
          carriedDoc = undefined;
        }
        i++;
        continue;
      }
      let end = i + 1;
      while (end < tokens.length && !tokens[end]!.bol) end++;
      const directive = tokens.slice(i + 1, end);
      const hash = t;
      i = end;
      const name = directive[0]?.text ?? '';
      const rest = directive.slice(1);
      const where = `${file}:${hash.line}`;

      if (hash.doc !== undefined && ['if', 'ifdef', 'ifndef', 'elif', 'else', 'endif'].includes(name)) carriedDoc = hash.doc;

      switch (name) {
        case 'if':
        case 'ifdef':
        case 'ifndef': {
          const outer = active();
          let cond = false;
          if (outer) {
            if (name === 'if') cond = expander.condition(rest, where);
            else cond = macros.has(rest[0]?.text ?? '') === (name === 'ifdef');
          }
          stack.push({ active: outer && cond, taken: cond, outer });
          break;
        }
        case 'elif': {
          const top = stack[stack.length - 1];
          if (!top) throw new PreprocessError(`${where}: #elif without #if`);
          const cond = top.outer && !top.taken && expander.condition(rest, where);
          top.active = cond;
          top.taken ||= cond;
          break;
        }
        case 'else': {
          const top = stack[stack.length - 1];
          if (!top) throw new PreprocessError(`${where}: #else without #if`);
          top.active = top.outer && !top.taken;
          top.taken = true;
          break;
        }
        case 'endif':
          if (!stack.pop()) throw new PreprocessError(`${where}: #endif without #if`);
          break;
        default:
          if (!active()) break;
          flush();
          if (name === 'define') {
            const macro = parseDefine(rest, file, hash.doc, where);
            macros.set(macro.name, macro);
          } else if (name === 'undef') {
            macros.delete(rest[0]?.text ?? '');
          } else if (name === 'include') {
            const target = rest[0];
            if (target?.kind === 'str') {
              processFile(join(dirname(absolute), target.text.slice(1, -1)));
            } else if (target?.text === '<') {
              // <system> headers: stdlib.h, stdint.h, stddef.h, limits.h, ctype.h — nothing the CUDA
              // bindings need; other headers name what they take from them in `systemHeaders`.
              const close = rest.findIndex((r) => r.text === '>');
              const system = rest.slice(1, close < 0 ? undefined : close).map((r) => r.text).join('');
              const stub = options.systemHeaders?.[system];
              if (stub !== undefined) processFile(`<${system}>`, stub);
            }
          } else if (name === 'error') {
            throw new PreprocessError(`${where}: #error ${rest.map((r) => r.text).join(' ')}`);
          } else if (name !== 'pragma' && name !== 'line' && name !== 'warning' && name !== '') {
            throw new PreprocessError(`${where}: unsupported directive #${name}`);
          }
      }
    }
    if (stack.length !== 0) throw new PreprocessError(`${file}: unterminated #if`);
    flush();
  };

  processFile(join(options.includeRoot, entry));
  return { tokens: output, macros, files };
}

/** Drops `_Pragma("…")` operators, which only carry compiler diagnostics settings. */
function withoutPragmas(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (let k = 0; k < tokens.length; k++) {
    if (tokens[k]!.text === '_Pragma' && tokens[k + 1]?.text === '(' && tokens[k + 3]?.text === ')') { k += 3; continue; }
    out.push(tokens[k]!);
  }
  return out;
}

function parseDefine(rest: readonly Token[], file: string, doc: string | undefined, where: string): Macro {
  const nameToken = rest[0];
  if (nameToken?.kind !== 'id') throw new PreprocessError(`${where}: #define without a name`);
  const name = nameToken.text;
  const opening = rest[1];
  // A function-like macro has its '(' right after the name, with no space.
  const functionLike = opening !== undefined && opening.text === '(' && opening.kind === 'punct' && opening.space !== true;
  const macroDoc = doc ?? rest[rest.length - 1]?.trailing;
  const base = macroDoc === undefined ? { name, file } : { name, file, doc: macroDoc };
  if (!functionLike) return { ...base, variadic: false, body: rest.slice(1) };
  const params: string[] = [];
  let variadic = false;
  let k = 2;
  while (k < rest.length && rest[k]!.text !== ')') {
    const p = rest[k]!;
    if (p.text === '...') { variadic = true; params.push('__VA_ARGS__'); }
    else if (p.kind === 'id') params.push(p.text);
    k++;
  }
  return { ...base, params, variadic, body: rest.slice(k + 1) };
}

/** Macro expansion with hide sets (Prosser's algorithm, simplified for these headers). */
class Expander {
  constructor(private readonly macros: ReadonlyMap<string, Macro>) {}

  /** Evaluates an `#if`/`#elif` condition. */
  condition(tokens: readonly Token[], where: string): boolean {
    const replaced: Token[] = [];
    for (let k = 0; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.kind === 'id' && t.text === 'defined') {
        const paren = tokens[k + 1]?.text === '(';
        const target = tokens[k + (paren ? 2 : 1)];
        replaced.push({ ...t, kind: 'num', text: target !== undefined && this.macros.has(target.text) ? '1' : '0' });
        k += paren ? 3 : 1;
        continue;
      }
      replaced.push(t);
    }
    try {
      return evaluate(this.expand(replaced), { identifier: () => 0n }).value !== 0n;
    } catch (e) {
      if (e instanceof ExprError) throw new PreprocessError(`${where}: cannot evaluate #if: ${e.message}`);
      throw e;
    }
  }

  /** Fully macro-expands a token list. */
  expand(input: readonly Token[]): Token[] {
    const out: Token[] = [];
    const stack = input.slice().reverse();
    let carriedDoc: string | undefined;
    while (stack.length > 0) {
      let t = stack.pop()!;
      const macro = t.kind === 'id' && !t.hide?.has(t.text) ? this.macros.get(t.text) : undefined;
      if (macro !== undefined) {
        let replacement: Token[] | undefined;
        if (macro.params === undefined) {
          replacement = this.instantiate(macro, t, [], t.origin ?? t.text);
        } else if (stack.length > 0 && stack[stack.length - 1]!.text === '(') {
          stack.pop();
          replacement = this.instantiate(macro, t, this.collectArguments(stack, macro.name), t.origin);
        }
        if (replacement !== undefined) {
          const doc = t.doc ?? carriedDoc;
          carriedDoc = undefined;
          if (doc !== undefined) {
            if (replacement.length > 0) replacement[0] = { ...replacement[0]!, doc };
            else carriedDoc = doc;
          }
          for (let k = replacement.length - 1; k >= 0; k--) stack.push(replacement[k]!);
          continue;
        }
      }
      if (carriedDoc !== undefined) {
        if (t.doc === undefined) t = { ...t, doc: carriedDoc };
        carriedDoc = undefined;
      }
      out.push(t);
    }
    return out;
  }

  private collectArguments(stack: Token[], name: string): Token[][] {
    const args: Token[][] = [[]];
    let depth = 0;
    for (;;) {
      const t = stack.pop();
      if (t === undefined) throw new PreprocessError(`unterminated invocation of macro ${name}`);
      if (t.text === '(' && t.kind === 'punct') depth++;
      else if (t.text === ')' && t.kind === 'punct') {
        if (depth === 0) break;
        depth--;
      } else if (t.text === ',' && depth === 0) {
        args.push([]);
        continue;
      }
      args[args.length - 1]!.push(t);
    }
    return args.length === 1 && args[0]!.length === 0 ? [] : args;
  }

  private instantiate(macro: Macro, site: Token, args: readonly Token[][], origin: string | undefined): Token[] {
    const params = macro.params ?? [];
    const argOf = (name: string): readonly Token[] | undefined => {
      const index = params.indexOf(name);
      if (index < 0) return undefined;
      if (macro.variadic && index === params.length - 1) {
        const rest = args.slice(index);
        return rest.flatMap((a, k) => (k === 0 ? a : [{ ...site, kind: 'punct' as const, text: ',' }, ...a]));
      }
      return args[index] ?? [];
    };

    // Parameters are replaced by their expanded arguments, except next to # and ##.
    const body = macro.body;
    const substituted: (Token | 'paste')[] = [];
    for (let k = 0; k < body.length; k++) {
      const b = body[k]!;
      if (b.text === '#' && b.kind === 'punct' && macro.params !== undefined) {
        const arg = argOf(body[k + 1]?.text ?? '');
        if (arg !== undefined) {
          substituted.push({ ...site, kind: 'str', text: JSON.stringify(arg.map((a) => a.text).join(' ')) });
          k++;
          continue;
        }
      }
      if (b.text === '##' && b.kind === 'punct') { substituted.push('paste'); continue; }
      const arg = b.kind === 'id' ? argOf(b.text) : undefined;
      if (arg === undefined) { substituted.push(b); continue; }
      const pasted = body[k - 1]?.text === '##' || body[k + 1]?.text === '##';
      substituted.push(...(pasted ? arg : this.expand(arg)));
    }

    const result: Token[] = [];
    let pasteNext = false;
    for (const s of substituted) {
      if (s === 'paste') { pasteNext = true; continue; }
      if (pasteNext && result.length > 0) {
        const left = result.pop()!;
        const joined = tokenize(left.text + s.text, site.file);
        if (joined.length !== 1) throw new PreprocessError(`## in ${macro.name} does not make one token`);
        result.push({ ...left, kind: joined[0]!.kind, text: joined[0]!.text });
      } else {
        result.push(s);
      }
      pasteNext = false;
    }

    const hide = new Set(site.hide ?? []);
    hide.add(macro.name);
    return result.map((r) => {
      const merged = r.hide === undefined ? hide : new Set([...hide, ...r.hide]);
      const base: Token = { kind: r.kind, text: r.text, file: site.file, line: site.line, bol: false, hide: merged };
      const withOrigin = origin !== undefined ? { ...base, origin } : (r.origin !== undefined ? { ...base, origin: r.origin } : base);
      return r.trailing !== undefined ? { ...withOrigin, trailing: r.trailing } : withOrigin;
    });
  }
}
