/**
 * Paths of the repository's data files from compiled tests (dist/test/…), which do not copy them.
 * @module
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** An absolute path inside the repository. */
export function repoPath(...parts: string[]): string {
  return join(repoRoot, ...parts);
}

/** The text of a file under test/fixtures/. */
export function fixtureText(...parts: string[]): string {
  return readFileSync(repoPath('test', 'fixtures', ...parts), 'utf8');
}

/** The bytes of a file under test/fixtures/. */
export function fixtureBytes(...parts: string[]): Uint8Array {
  return readFileSync(repoPath('test', 'fixtures', ...parts));
}
