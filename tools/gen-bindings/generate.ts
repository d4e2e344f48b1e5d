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

/**
 * Preprocesses and parses `header` as a C17 program on x86-64 Linux sees it, with `target`'s
 * {@link Target.systemHeaders} and {@link Target.plainComments}.
 */
export function parseHeader(includeRoot: string, header: string, variant: HeaderVariant = 'default', target?: Pick<Target, 'systemHeaders' | 'plainComments'>): ParsedHeader {
  const pp = preprocess(header, {
    includeRoot,
    predefined: { ...GCC_X86_64_LINUX, ...VARIANT_MACROS[variant] },
    ...(target?.systemHeaders ? { systemHeaders: target.systemHeaders } : {}),
    plainComments: target?.plainComments ?? false,
  });
  return { pp, decls: parseDeclarations(pp.tokens) };
}

/** The directory `target`'s header is read from, given the CUDA include root. */
export function headerRoot(cudaIncludeRoot: string, target: Target, env: NodeJS.ProcessEnv = process.env): string {
  return target.locate ? target.locate(cudaIncludeRoot, env).root : cudaIncludeRoot;
}

/** The model of one target; `includeRoot` is the directory its header is read from. */
export function targetModel(includeRoot: string, target: Target): TargetModel {
  const parse = (variant: HeaderVariant): ParsedHeader => parseHeader(includeRoot, target.header, variant, target);
  const main = parse('default');
  const perThread = target.perThreadVariants ? parse('per-thread') : main;
  const internal = target.perThreadVariants ? parse('internal') : main;
  return buildModel(main.pp, main.decls, perThread.decls, internal.decls, {
    resultType: target.resultType,
    defineFiles: target.defineFiles,
    versionMacro: target.versionMacro,
    ...(target.binds ? { binds: target.binds } : {}),
  });
}

/**
 * Every generated file: repository-relative path → content. CUDA headers are read from
 * `includeRoot`; a target with its own {@link Target.locate} from where that finds its header.
 */
export function generateAll(includeRoot: string, env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  const files = new Map<string, string>();
  for (const target of TARGETS) {
    const model = targetModel(headerRoot(includeRoot, target, env), target);
    files.set(target.typesFile, emitTypesFile(target, model));
    files.set(target.bindingsFile, emitBindingsFile(target, model));
  }
  return files;
}
