/**
 * Four worker threads launching registered kernels at once, in shared and dedicated scopes: every
 * result is right, and neither contexts nor current devices leak between threads. With the engine
 * double, every thread (JS realm) has its own emulated device, as with the real emulated backend.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runtime } from '../../src/index.js';
import { installDoubleBackend } from './runtime-double.js';
import { runWorkers } from '../support/runtime-threads.js';

const { backend } = installDoubleBackend(2);

test('four threads, shared and dedicated scopes, two devices: correct results, nothing leaks across threads', async () => {
  runtime.setDevice(1);
  const mine = runtime.scope('main-thread', { isolation: 'dedicated' });
  const handle = mine.context.handle;
  const currentBefore = backend.contextGetCurrent();
  const reports = await runWorkers('double', [
    { isolation: 'shared', device: 0 },
    { isolation: 'dedicated', device: 0 },
    { isolation: 'shared', device: 1 },
    { isolation: 'dedicated', device: 1 },
  ], { iterations: 20, n: 1000, foreignContext: handle });
  for (const [i, r] of reports.entries()) {
    assert.equal(r.currentAtStart, null, `worker ${i} starts with no context current`);
    assert.equal(r.deviceAtStart, 0, `worker ${i} starts on device 0 although the main thread set device 1`);
    assert.equal(r.deviceAfterSet, i < 2 ? 0 : 1);
    assert.equal(r.isPrimary, i % 2 === 0);
    assert.equal(r.mismatches, 0, `worker ${i}: wrong results`);
    assert.equal(r.launches, 40);
    // Each thread has its own emulated device: another thread's context handle is not a context here.
    assert.equal(r.foreignContextUse, 'DriverError CUDA_ERROR_INVALID_CONTEXT');
  }
  assert.equal(runtime.getDevice(), 1, 'the main thread\'s device is unchanged');
  assert.equal(backend.contextGetCurrent(), currentBefore, 'and so is its current context');
  const x = mine.upload(new Float32Array([1]));
  assert.deepEqual([...x.toArray(Float32Array)], [1]);
  mine.dispose();
});
