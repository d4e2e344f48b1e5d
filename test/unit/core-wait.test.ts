import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pollUntil } from '../../src/core/wait.js';

test('pollUntil resolves at once when already done', async () => {
  let calls = 0;
  await pollUntil(() => (calls++, true));
  assert.equal(calls, 1);
});

test('pollUntil never blocks the event loop while it waits', async () => {
  let polls = 0;
  let otherWork = 0;
  const ticker = setInterval(() => otherWork++, 1);
  const start = performance.now();
  await pollUntil(() => ++polls > 5 && performance.now() - start > 20);
  clearInterval(ticker);
  assert.ok(otherWork >= 5, `timers ran ${otherWork} times while polling`);
  assert.ok(polls > 5);
});

test('pollUntil backs off to timers after its spin phase', async () => {
  let polls = 0;
  const start = performance.now();
  await pollUntil(() => (polls++, performance.now() - start > 60));
  // Spinning on setImmediate for 60 ms would poll tens of thousands of times.
  assert.ok(polls < 20000, `${polls} polls in 60 ms`);
});

test('pollUntil rejects with what the query throws', async () => {
  let n = 0;
  await assert.rejects(pollUntil(() => {
    if (++n === 3) throw new Error('CUDA_ERROR_LAUNCH_FAILED');
    return false;
  }), /LAUNCH_FAILED/);
});
