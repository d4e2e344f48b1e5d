/**
 * The plug-in example (examples/plugins) end to end over the emulated device with the engine
 * double, whose kernels are the plug-ins' own CPU references: the example's host logic (scopes, a
 * forced reset, detection, recovery) is checked here; test/device/example-plugins.test.ts runs the
 * real kernels on the process's backend.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runtime } from '../../src/index.js';
import { Histogram, Levels, Smooth } from '../../examples/plugins/plugins.js';
import { runPluginsExample } from '../../examples/plugins/main.js';
import { installDoubleBackend } from './runtime-double.js';
import type { KernelRun } from './emulated-backend-double.js';

const { engine } = installDoubleBackend();
const unused = runtime.registerModule(() => '');
const ints = (run: KernelRun, address: bigint, n: number): Int32Array => new Int32Array(run.load(Number(address), n * 4).buffer);
const store = (run: KernelRun, address: bigint, values: Int32Array | Uint32Array): void => run.store(Number(address), new Uint8Array(values.buffer));

engine.behaviours.set('levels', (run) => {
  const p = run.params;
  const n = p.getInt32(0, true);
  const frame = ints(run, p.getBigUint64(16, true), n);
  store(run, p.getBigUint64(24, true), new Levels(unused, p.getInt32(4, true), p.getInt32(8, true), 0, () => {}).reference(frame));
});
engine.behaviours.set('smooth', (run) => {
  const p = run.params;
  const n = p.getInt32(0, true);
  const w = ints(run, p.getBigUint64(8, true), 3);
  store(run, p.getBigUint64(24, true), new Smooth(unused, [w[0]!, w[1]!, w[2]!]).reference(ints(run, p.getBigUint64(16, true), n)));
});
engine.behaviours.set('histogram', (run) => {
  const p = run.params;
  const counts = new Histogram(unused, p.getInt32(4, true)).reference(ints(run, p.getBigUint64(8, true), p.getInt32(0, true)));
  const address = p.getBigUint64(16, true);
  const before = new Uint32Array(run.load(Number(address), counts.byteLength).buffer);
  store(run, address, counts.map((c, i) => c + before[i]!));
});

test('the plug-in example: the shared victim recovers after the forced reset, the dedicated one never notices, every frame is right', () => {
  const lines: string[] = [];
  const result = runPluginsExample({ frames: 4, pixels: 1000, log: (line) => lines.push(line) });
  assert.equal(result.wrong, 0, lines.join('\n'));
  assert.equal(result.checked, 12);
  assert.deepEqual(result.recoveries, ['smooth at frame 1']);
  assert.ok(lines.some((l) => /smooth: the primary context of device 0 was reset by scope 'levels'/.test(l)), lines.join('\n'));
  assert.ok(!lines.some((l) => /histogram: .*reset/.test(l)));
  assert.deepEqual(runtime.primaryContextHolders(0).scopes, [], 'the example disposed its scopes');
});
