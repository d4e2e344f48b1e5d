import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Context, Device, DisposedError, InvalidArgumentError } from '../../src/index.js';
import { corePtx, randomFloats } from '../support/kernels.js';
import { fmaf } from '../support/reference.js';

const device = () => Device.get(0);

test('devices: count, properties, attributes, no side effects', () => {
  assert.ok(Device.count() >= 1);
  const d = device();
  assert.equal(Device.get(0), d, 'the same object for the same ordinal');
  assert.match(d.uuid, /^GPU-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.ok(d.name.length > 0);
  assert.ok(d.computeCapability.major >= 7);
  assert.ok(d.totalMemory > 2 ** 30);
  assert.equal(d.attribute('warpSize'), 32);
  const all = d.attributes();
  assert.ok(Object.keys(all).length > 100, `only ${Object.keys(all).length} attributes`);
  assert.equal(all['maxThreadsPerBlock'], 1024);
  assert.equal(d.limits.maxBlockDim[0], 1024);
  assert.throws(() => Device.get(Device.count()), InvalidArgumentError);
  assert.throws(() => Device.get(-1), InvalidArgumentError);
  assert.throws(() => d.attribute('noSuchAttribute' as never), /unknown device attribute/);
});

test('primary context: retains are counted, the handle is shared, dispose is idempotent', () => {
  const d = device();
  const before = d.primaryContextState().retainedByCudajs;
  const a = d.primaryContext();
  const b = d.primaryContext();
  assert.equal(a.kind, 'primary');
  assert.ok(a.equals(b));
  assert.equal(d.primaryContextState().retainedByCudajs, before + 2);
  assert.equal(d.primaryContextState().active, true);
  a.dispose();
  a.dispose();
  assert.equal(d.primaryContextState().retainedByCudajs, before + 1);
  assert.throws(() => a.synchronize(), DisposedError);
  b.synchronize();
  b.dispose();
  assert.equal(d.primaryContextState().retainedByCudajs, before);
});

test('created contexts: creation pushes, pop and run restore the stack, even on throw', () => {
  const d = device();
  assert.equal(Context.current(), null);
  const a = d.createContext();
  assert.ok(a.isCurrent, 'cuCtxCreate makes the new context current');
  const b = d.createContext({ scheduling: 'blockingSync' });
  assert.ok(b.isCurrent);
  assert.ok(!a.equals(b));
  assert.ok(Context.pop()!.equals(b));
  assert.ok(a.isCurrent);
  assert.throws(() => b.run(() => {
    assert.ok(b.isCurrent);
    throw new Error('inside');
  }), /inside/);
  assert.ok(a.isCurrent, 'run() restored the previous context after a throw');
  assert.equal(b.run(() => 7), 7);
  Context.pop();
  assert.equal(Context.current(), null);
  b.dispose();
  a.dispose();
  assert.throws(() => d.createContext({ scheduling: 'sometimes' as never }), InvalidArgumentError);
});

test('several created contexts on one device each run their own module and memory', () => {
  const d = device();
  const contexts = [d.createContext(), d.createContext(), d.createContext()];
  for (let i = 0; i < contexts.length; i++) Context.pop();
  assert.equal(Context.current(), null);
  try {
    const n = 1000;
    const results = contexts.map((ctx, k) => {
      const module = ctx.loadModule(corePtx());
      const saxpy = module.getKernel('saxpy');
      const x = ctx.upload(randomFloats(n, 11 + k));
      const y = ctx.upload(randomFloats(n, 23 + k));
      const out = ctx.allocate(n * 4);
      return { ctx, saxpy, x, y, out, a: k + 0.5, k };
    });
    // Launch each from a thread where another context is current: the kernel's own context is used.
    for (const r of results) {
      const other = results[(r.k + 1) % results.length]!.ctx;
      other.run(() => r.saxpy.launch({ grid: Math.ceil(n / 128), block: 128 }, n, r.a, r.x, r.y, r.out));
    }
    for (const r of results) {
      r.ctx.synchronize();
      const x = randomFloats(n, 11 + r.k);
      const y = randomFloats(n, 23 + r.k);
      const got = r.out.toArray(Float32Array);
      for (let i = 0; i < n; i++) assert.equal(got[i], fmaf(r.a, x[i]!, y[i]!), `context ${r.k}, element ${i}`);
    }
  } finally {
    for (const ctx of contexts) ctx.dispose();
  }
});

test('objects of a destroyed context fail with a DisposedError naming the cause', () => {
  const ctx = device().createContext();
  const buffer = ctx.allocate(64);
  const module = ctx.loadModule(corePtx());
  const kernel = module.getKernel('saxpy');
  const stream = ctx.createStream();
  ctx.dispose();
  assert.throws(() => buffer.fill(1), (e: unknown) => e instanceof DisposedError && /context was destroyed/.test(e.message));
  assert.throws(() => kernel.launch({ grid: 1, block: 1 }, 1, 1, buffer, buffer, buffer), DisposedError);
  assert.throws(() => stream.synchronize(), DisposedError);
  buffer.dispose();
  module.dispose();
  stream.dispose();
  assert.equal(Context.current(), null);
});
