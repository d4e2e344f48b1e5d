/**
 * Paths of the repository, for tests running from dist/test.
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs as dist/test/support/paths.js). */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The bytes of a file under test/fixtures. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(REPOSITORY_ROOT, 'test/fixtures', name)));
}
