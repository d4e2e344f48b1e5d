/**
 * Where the corpus's files are on disk, whether this module runs from the TypeScript sources or
 * from the compiled `dist/` tree.
 * @module
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest ancestor of this module holding package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cudajs corpus: package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** The directory that case paths (`ptxFile`, `source`, alternative images) are relative to. */
export function kernelsDir(): string {
  return join(repoRoot(), 'test', 'kernels');
}

/** Absolute path of a file named relative to `test/kernels`. */
export function kernelFilePath(relative: string): string {
  return resolve(kernelsDir(), relative);
}
