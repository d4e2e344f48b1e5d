/**
 * Device tier: four worker threads launching registered kernels at once on device 0, in shared and
 * dedicated scopes. On the GPU they share the real device and its primary context; on the emulated
 * device each thread (JS realm) has an emulated device of its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, runtime } from '../../src/index.js';
import { runWorkers } from '../support/runtime-threads.js';

test('four threads launching at once: correct results, no context or device leaks across threads', async () => {
  const mine = runtime.scope('main-thread', { isolation: 'dedicated' });
  const handle = mine.context.handle;
  const before = backend().contextGetCurrent();
  const reports = await runWorkers('process', [
    { isolation: 'shared', device: 0 },
    { isolation: 'shared', device: 0 },
    { isolation: 'dedicated', device: 0 },
    { isolation: 'dedicated', device: 0 },
  ], { iterations: 10, n: 1 << 14, foreignContext: handle });
  const gpu = backend().kind === 'gpu';
  for (const [i, r] of reports.entries()) {
    assert.equal(r.backendKind, backend().kind);
    assert.equal(r.currentAtStart, null, `worker ${i} starts with no context current`);
    assert.equal(r.deviceAtStart, 0);
    assert.equal(r.mismatches, 0, `worker ${i}: wrong results`);
    assert.equal(r.isPrimary, i < 2);
    // A context handle from another thread: the same context on a GPU; not a context on another
    // thread's emulated device.
    assert.equal(r.foreignContextUse, gpu ? 'ok' : 'DriverError CUDA_ERROR_INVALID_CONTEXT');
  }
  if (gpu) {
    assert.equal(reports[0]!.contextHandle, reports[1]!.contextHandle, 'the GPU\'s primary context is one per process');
    assert.notEqual(reports[2]!.contextHandle, reports[3]!.contextHandle);
  }
  assert.equal(backend().contextGetCurrent(), before);
  mine.dispose();
});
