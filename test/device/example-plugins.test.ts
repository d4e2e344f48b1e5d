/**
 * Device tier: the plug-in example (npm run example:plugins) run as users run it — a child process
 * from the repository root — on this process's backend, with its real kernels: exit status 0,
 * every frame right, one recovery, and the dedicated plug-in untouched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { REPOSITORY_ROOT } from '../support/paths.js';

test('examples/plugins: three plug-ins, one forced reset, every frame correct', () => {
  // execArgv: a preload given to the test process (e.g. another engine) applies to the example too.
  const child = spawnSync(process.execPath, [...process.execArgv, 'dist/examples/plugins/main.js'], { cwd: REPOSITORY_ROOT, encoding: 'utf8', env: process.env, timeout: 300_000 });
  const output = `${child.stdout}${child.stderr}`;
  assert.equal(child.status, 0, output);
  assert.match(output, /^15 frames checked, 0 wrong; recoveries: smooth at frame 1$/m, output);
  assert.match(output, /smooth: the primary context of device 0 was reset by scope 'levels' \(forced\); recovering/);
  assert.doesNotMatch(output, /histogram: .*reset/);
});
