/**
 * The multi-device device-tier tests, run in CI on four emulated devices.
 *
 * The backend is chosen once per process from `CUDAJS_DEVICE` / `CUDAJS_EMU_DEVICES`, so the
 * files run in a child process with `CUDAJS_DEVICE=emu CUDAJS_EMU_DEVICES=4`; none of their tests
 * may skip there (they skip only with fewer devices), and none may fail.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPOSITORY_ROOT } from '../support/paths.js';

/** Device-tier files that exercise several devices. */
const FILES = ['multi-device.test.js', 'collectives.test.js'];

function withoutTestContext(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_TEST_CONTEXT: _, ...rest } = env;
  return rest;
}

test('the multi-device tests pass on 4 emulated devices, none skipped', () => {
  const files = FILES.map((f) => join(REPOSITORY_ROOT, 'dist/test/device', f));
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', ...files], {
    encoding: 'utf8',
    // Without NODE_TEST_CONTEXT: under `node --test` it would make the child report to this
    // runner in its internal protocol instead of printing TAP.
    env: { ...withoutTestContext(process.env), CUDAJS_DEVICE: 'emu', CUDAJS_EMU_DEVICES: '4' },
    timeout: 300_000,
  });
  const summary = (name: string): number => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(r.stdout)?.[1] ?? NaN);
  const failures = r.stdout.split('\n').filter((l) => /^\s*not ok/.test(l)).join('\n');
  assert.equal(r.status, 0, `child exited ${r.status}\n${failures}\n${r.stderr}\n${r.stdout.slice(-4000)}`);
  assert.equal(summary('fail'), 0);
  assert.equal(summary('skipped'), 0, r.stdout.split('\n').filter((l) => /# SKIP/.test(l)).join('\n'));
  assert.ok(summary('pass') >= 25, `only ${summary('pass')} tests passed`);
});
