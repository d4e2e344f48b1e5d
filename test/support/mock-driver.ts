/**
 * Builds test/fixtures/mock-libcuda.c and mock-libnccl.c into shared libraries (once per content,
 * in the system temporary directory), so that the native backend's and the NCCL collectives'
 * marshalling can be tested without a GPU.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cCompiler, cudaIncludeRoot } from './cuda-headers.js';
import { REPOSITORY_ROOT } from './paths.js';
import { locateNcclHeader } from '../../tools/gen-bindings/targets.js';

/** The path of the built mock libcuda; throws when there is no compiler or no headers. */
export function buildMockLibcuda(): string {
  return buildMock('mock-libcuda.c', 'libcuda.so.1', []);
}

/**
 * The path of the built mock libnccl (test/fixtures/mock-libnccl.c, against the nccl.h the binding
 * generator reads); throws when there is no compiler or no CUDA headers.
 */
export function buildMockLibnccl(): string {
  return buildMock('mock-libnccl.c', 'libnccl.so.2', [locateNcclHeader().root], ['-ldl']);
}

function buildMock(sourceName: string, libraryName: string, includes: readonly string[], libraries: readonly string[] = []): string {
  const include = cudaIncludeRoot();
  const cc = cCompiler();
  if (include === undefined || cc === undefined) throw new Error(`building ${libraryName} needs cuda.h and a C compiler`);
  const source = join(REPOSITORY_ROOT, 'test/fixtures', sourceName);
  const hash = createHash('sha256').update(readFileSync(source)).update(include).update(includes.join(':')).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `cudajs-${sourceName.replace(/\.c$/, '')}-${hash}`);
  const library = join(dir, libraryName);
  if (!existsSync(library)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${library}.${process.pid}`;
    execFileSync(cc, ['-shared', '-fPIC', '-O1', ...includes.map((i) => `-I${i}`), `-I${include}`, '-o', partial, source, ...libraries]);
    renameSync(partial, library);
  }
  return library;
}
