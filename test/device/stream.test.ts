import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Context, Device, DisposedError, InvalidArgumentError, Stream } from '../../src/index.js';
import { primaryWithCoreModule, randomFloats } from '../support/kernels.js';
import { fmaf } from '../support/reference.js';

const fx = primaryWithCoreModule();

test('stream priorities follow the context range', () => {
  const range = Stream.priorityRange(fx.ctx);
  assert.ok(range.greatest <= range.least);
  using high = fx.ctx.createStream({ priority: range.greatest });
  using low = fx.ctx.createStream({ priority: range.least });
  assert.ok(high.query() && low.query());
  assert.throws(() => fx.ctx.createStream({ priority: range.greatest - 1 }), InvalidArgumentError);
  assert.throws(() => fx.ctx.createStream({ priority: 0.5 }), InvalidArgumentError);
});

test('work on two streams is ordered by an event', async () => {
  const n = 1 << 16;
  const xs = randomFloats(n, 1);
  using producer = fx.ctx.createStream({ nonBlocking: true });
  using consumer = fx.ctx.createStream({ nonBlocking: true });
  using ready = fx.ctx.createEvent({ timing: false });
  using x = fx.ctx.upload(xs);
  using y = fx.ctx.allocate(n * 4);
  y.fill(0, 'u32');
  using out = fx.ctx.allocate(n * 4);
  const saxpy = fx.module.getKernel('saxpy');
  saxpy.launch({ grid: n / 256, block: 256, stream: producer }, n, 2, x, y, y); // y = 2x
  ready.record(producer);
  consumer.waitEvent(ready);
  saxpy.launch({ grid: n / 256, block: 256, stream: consumer }, n, 1, x, y, out); // out = x + y = 3x (by fma)
  await consumer.synchronized();
  const got = out.toArray(Float32Array);
  for (let i = 0; i < n; i++) assert.equal(got[i], fmaf(1, xs[i]!, fmaf(2, xs[i]!, 0)));
  assert.throws(() => ready.elapsedSince(ready), (e: unknown) => e instanceof Error && /CUDA_ERROR_INVALID_HANDLE/.test(e.message), 'timing disabled');
});

test('awaiting a stream resolves only after its work is done', async () => {
  using stream = fx.ctx.createStream();
  const n = 1 << 20;
  const xs = randomFloats(n, 2);
  using x = fx.ctx.upload(xs);
  using out = fx.ctx.allocate(n * 4);
  const saxpy = fx.module.getKernel('saxpy');
  for (let i = 0; i < 20; i++) saxpy.launch({ grid: n / 256, block: 256, stream }, n, 1.5, x, x, out);
  const back = new Float32Array(n);
  out.copyTo(back, { stream });
  await stream.synchronized();
  assert.ok(stream.query());
  for (let i = 0; i < n; i += 997) assert.equal(back[i], fmaf(1.5, xs[i]!, xs[i]!), `element ${i}`);
});

test('events: query, synchronize, awaiting, elapsed time, misuse', async () => {
  using start = fx.ctx.createEvent();
  using end = fx.ctx.createEvent({ blockingSync: true });
  start.record();
  end.record();
  end.synchronize();
  await end.synchronized();
  assert.ok(end.query());
  assert.ok(end.elapsedSince(start) >= 0);
  assert.throws(() => fx.ctx.createEvent({ interprocess: true }), /interprocess event cannot record timing/);
  const gone = fx.ctx.createEvent();
  gone.dispose();
  assert.throws(() => gone.record(), DisposedError);
  assert.throws(() => end.elapsedSince(gone), DisposedError);
  const other = Device.get(0).createContext();
  Context.pop();
  try {
    using foreign = other.createStream();
    assert.throws(() => fx.module.getKernel('saxpy').launch({ grid: 1, block: 1, stream: foreign }, 0, 1, null, null, null), /the stream belongs to/);
  } finally {
    other.dispose();
  }
});
