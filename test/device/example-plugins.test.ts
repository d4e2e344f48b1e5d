/**
 * Device tier: the plug-in example (npm run example:plugins) as a child process on the process's
 * backend, with its real kernels: exit status 0, every frame right, one recovery.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('examples/plugins runs: three plug-ins, one forced reset, every frame correct', () => {
  const main = fileURLToPath(new URL('../../examples/plugins/main.js', import.meta.url));
  const output = execFileSync(process.execPath, [...process.execArgv, main], { encoding: 'utf8', timeout: 300_000 });
  assert.match(output, /15 frames checked, 0 wrong; recoveries: smooth at frame 1$/m, output);
  assert.match(output, /smooth: the primary context of device 0 was reset by scope 'levels' \(forced\); recovering/);
  assert.doesNotMatch(output, /histogram: .*reset/);
});
