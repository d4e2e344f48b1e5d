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
 * Preprocesses and parses `header` as a C program on x86-64 Linux sees it, optionally with
 * `CUDA_API_PER_THREAD_DEFAULT_STREAM` defined.
 */
export function parseHeader(includeRoot: string, header: string, perThreadDefaultStream = false): ParsedHeader {
  const predefined = perThreadDefaultStream ? { ...GCC_X86_64_LINUX, CUDA_API_PER_THREAD_DEFAULT_STREAM: '1' } : GCC_X86_64_LINUX;
  const pp = preprocess(header, { includeRoot, predefined });
  return { pp, decls: parseDeclarations(pp.tokens) };
}

/** The model of one target. */
export function targetModel(includeRoot: string, target: Target): TargetModel {
  const main = parseHeader(includeRoot, target.header);
  const perThread = parseHeader(includeRoot, target.header, true);
  return buildModel(main.pp, main.decls, perThread.decls, {
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
