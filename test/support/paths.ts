/**
 * Paths of the repository's data files from compiled tests (dist/test/…), which do not copy them.
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../kernels/support/paths.js';

/** The repository root. */
export const REPOSITORY_ROOT = repoRoot();

/** An absolute path inside the repository. */
export function repoPath(...parts: string[]): string {
  return join(REPOSITORY_ROOT, ...parts);
}

/** The bytes of a file under test/fixtures/. */
export function fixtureBytes(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(repoPath('test', 'fixtures', ...parts)));
}

/** The text of a file under test/fixtures/. */
export function fixtureText(...parts: string[]): string {
  return readFileSync(repoPath('test', 'fixtures', ...parts), 'utf8');
}
