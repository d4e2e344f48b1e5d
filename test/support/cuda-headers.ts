/**
 * Where the CUDA headers and a C compiler are, for tests that read the headers (the binding
 * generator) or compile C against them (layout checks, the mock driver).
 * @module
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The CUDA include directory, or `undefined` when cuda.h is not installed. */
export function cudaIncludeRoot(): string | undefined {
  const base = process.env['CUDA_PATH'] ?? process.env['CUDA_HOME'] ?? '/usr/local/cuda';
  const root = join(base, 'include');
  return existsSync(join(root, 'cuda.h')) ? root : undefined;
}

/** Why header-based tests are skipped, or `undefined`. */
export function headersSkipReason(): string | undefined {
  return cudaIncludeRoot() === undefined ? 'the CUDA headers (cuda.h) are not installed; set CUDA_PATH' : undefined;
}

let compiler: string | null | undefined;

/** A C compiler (`cc` or `gcc`) on the PATH, or `undefined`. */
export function cCompiler(): string | undefined {
  if (compiler === undefined) {
    compiler = null;
    for (const candidate of ['cc', 'gcc']) {
      try {
        execFileSync(candidate, ['--version'], { stdio: 'ignore' });
        compiler = candidate;
        break;
      } catch {
        // try the next one
      }
    }
  }
  return compiler ?? undefined;
}

/** Why tests compiling C against the headers are skipped, or `undefined`. */
export function compilerSkipReason(): string | undefined {
  return headersSkipReason() ?? (cCompiler() === undefined ? 'no C compiler (cc/gcc) on the PATH' : undefined);
}
