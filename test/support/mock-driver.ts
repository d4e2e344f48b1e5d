/**
 * Builds test/fixtures/mock-libcuda.c into a shared library (once per content, in the system
 * temporary directory), so that the native backend's marshalling can be tested without a GPU.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cCompiler, cudaIncludeRoot } from './cuda-headers.js';
import { REPOSITORY_ROOT } from './paths.js';

/** The path of the built mock libcuda; throws when there is no compiler or no headers. */
export function buildMockLibcuda(): string {
  const include = cudaIncludeRoot();
  const cc = cCompiler();
  if (include === undefined || cc === undefined) throw new Error('building the mock libcuda needs cuda.h and a C compiler');
  const source = join(REPOSITORY_ROOT, 'test/fixtures/mock-libcuda.c');
  const hash = createHash('sha256').update(readFileSync(source)).update(include).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `cudajs-mock-libcuda-${hash}`);
  const library = join(dir, 'libcuda.so.1');
  if (!existsSync(library)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${library}.${process.pid}`;
    execFileSync(cc, ['-shared', '-fPIC', '-O1', `-I${include}`, '-o', partial, source]);
    renameSync(partial, library);
  }
  return library;
}
