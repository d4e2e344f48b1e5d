/**
 * The generator as a library: headers in, file contents out (used by `main.ts` and by the tests).
 * @module
 */
import { parseDeclarations, type Declarations } from './cparse.js';
import { emitBindingsFile } from './emit-bindings.js';
import { emitTypesFile } from './emit-types.js';
import { buildModel, type TargetModel } from './model.js';
import { GCC_X86_64_LINUX, preprocess, type PreprocessResult } from './preprocess.js';
import { TARGETS, type Target } from './targets.js';

/** A parsed header: the preprocessor output and its declarations. */
export interface ParsedHeader {
  readonly pp: PreprocessResult;
  readonly decls: Declarations;
}

/**
 * Which configuration a header is read in: what a C program sees (`default`), the same with
 * `CUDA_API_PER_THREAD_DEFAULT_STREAM` (`per-thread`), or with `__CUDA_API_VERSION_INTERNAL`, the
 * driver's own build, which also declares the legacy-ABI and per-thread variants (`internal`).
 */
export type HeaderVariant = 'default' | 'per-thread' | 'internal';

const VARIANT_MACROS: Readonly<Record<HeaderVariant, Readonly<Record<string, string>>>> = {
  default: {},
  'per-thread': { CUDA_API_PER_THREAD_DEFAULT_STREAM: '1' },
  internal: { __CUDA_API_VERSION_INTERNAL: '1' },
};

/** Preprocesses and parses `header` as a C17 program on x86-64 Linux sees it. */
export function parseHeader(includeRoot: string, header: string, variant: HeaderVariant = 'default'): ParsedHeader {
  const pp = preprocess(header, { includeRoot, predefined: { ...GCC_X86_64_LINUX, ...VARIANT_MACROS[variant] } });
  return { pp, decls: parseDeclarations(pp.tokens) };
}

/** The model of one target. */
export function targetModel(includeRoot: string, target: Target): TargetModel {
  const main = parseHeader(includeRoot, target.header);
  const perThread = parseHeader(includeRoot, target.header, 'per-thread');
  const internal = parseHeader(includeRoot, target.header, 'internal');
  return buildModel(main.pp, main.decls, perThread.decls, internal.decls, {
    resultType: target.resultType,
    defineFiles: target.defineFiles,
    versionMacro: target.versionMacro,
  });
}

/** Every generated file: repository-relative path → content. */
export function generateAll(includeRoot: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const target of TARGETS) {
    const model = targetModel(includeRoot, target);
    files.set(target.typesFile, emitTypesFile(target, model));
    files.set(target.bindingsFile, emitBindingsFile(target, model));
  }
  return files;
}
