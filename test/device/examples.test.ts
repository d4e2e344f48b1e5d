/**
 * The demo and the examples, run as users run them (child processes from the repository root),
 * on this process's backend.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { REPOSITORY_ROOT } from '../support/paths.js';

function run(script: string): { readonly status: number | null; readonly output: string } {
  const child = spawnSync(process.execPath, [script], { cwd: REPOSITORY_ROOT, encoding: 'utf8', env: process.env, timeout: 300_000 });
  return { status: child.status, output: `${child.stdout}${child.stderr}` };
}

test('the demo launches its kernels and every check passes', () => {
  const { status, output } = run('dist/examples/demo.js');
  assert.equal(status, 0, output);
  assert.match(output, /all checks passed/);
  assert.doesNotMatch(output, /FAIL/);
});

test("the README's example prints 5", () => {
  const { status, output } = run('dist/examples/saxpy.js');
  assert.equal(status, 0, output);
  assert.equal(output.trim(), '5');
});
