/**
 * Scopes: shared and dedicated isolation, tracking, reset and recovery, forced and foreign device
 * resets, and misuse — over the emulated device with the engine double.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Context, ContextResetError, Device, DisposedError, InvalidArgumentError, ResetRefusedError, runtime, type Scope } from '../../src/index.js';
import { axpbReference, installDoubleBackend, runtimePtx } from './runtime-double.js';

const { backend, engine } = installDoubleBackend();
const registered = runtime.registerModule(runtimePtx(), { name: 'runtime.cu' });
const axpb = registered.kernel('axpb');
const accumulate = registered.kernel('accumulate');
const spin = registered.kernel('spin');
const loads = (): number => engine.compiled.filter((p) => p.includes('.entry axpb')).length;
const references = (): number => Device.get(0).primaryContextState().retainedByCudajs;
const resetBy = (who: RegExp) => (e: unknown): boolean => e instanceof ContextResetError && who.test(e.reset.by);

/** Runs `n` values through axpb in `scope` and returns the result. */
function compute(scope: Scope, values: Float32Array, a: number, b: number): Float32Array {
  return scope.run(() => {
    const x = runtime.upload(values);
    axpb.launch({ grid: Math.ceil(values.length / 32), block: 32 }, values.length, a, b, x);
    const out = x.toArray(Float32Array);
    x.dispose();
    return out;
  });
}

test('shared scopes: one primary reference each, visible; resources tracked; reset and dispose touch only their own', () => {
  const before = references();
  const a = runtime.scope('a');
  const b = runtime.scope('b', { device: 0, isolation: 'shared' });
  assert.equal(a.isolation, 'shared');
  assert.equal(references(), before, 'nothing is retained before first use');
  const xa = a.upload(new Float32Array([1, 2]));
  const sa = a.createStream();
  const ea = a.createEvent();
  const xb = b.upload(new Float32Array([3, 4]));
  assert.equal(references(), before + 2);
  assert.deepEqual([...runtime.primaryContextHolders(0).scopes].sort(), ['a', 'b']);
  assert.ok(a.context.equals(b.context), 'both use the primary context');
  assert.ok(a.context.isPrimary);
  assert.deepEqual(a.stats(), { buffers: 1, hostBuffers: 0, modules: 0, streams: 1, events: 1, loadedModules: 0, contextReferences: 1, resetPending: false });
  a.kernel(axpb).launch({ grid: 1, block: 32 }, 2, 2, 0, xa);
  assert.equal(a.stats().loadedModules, 1);
  a.reset();
  assert.throws(() => xa.toArray(Float32Array), DisposedError);
  assert.throws(() => sa.synchronize(), DisposedError);
  assert.deepEqual([...xb.toArray(Float32Array)], [3, 4], 'b is untouched by a.reset()');
  assert.equal(references(), before + 1, 'a dropped its reference');
  assert.deepEqual(a.stats(), { buffers: 0, hostBuffers: 0, modules: 0, streams: 0, events: 0, loadedModules: 0, contextReferences: 0, resetPending: false });
  assert.deepEqual(compute(a, new Float32Array([1]), 2, 1), new Float32Array([3]), 'a continues after its reset');
  a.dispose();
  a.dispose();
  assert.equal(a.disposed, true);
  assert.throws(() => a.allocate(4), (e: unknown) => e instanceof DisposedError && /scope\('a'\)\.allocate/.test(e.message));
  assert.throws(() => a.run(() => 1), DisposedError);
  assert.throws(() => a.reset(), DisposedError);
  assert.equal(references(), before + 1);
  assert.deepEqual([...xb.toArray(Float32Array)], [3, 4]);
  b.dispose();
  assert.throws(() => xb.toArray(Float32Array), DisposedError);
  assert.equal(references(), before);
  void ea;
});

test('dedicated scopes: their own context, current inside run() and restored after; runtime calls inside use it', () => {
  const d = runtime.scope('dedicated', { isolation: 'dedicated' });
  const outside = backend.contextGetCurrent();
  const ctx = d.context;
  assert.equal(ctx.isPrimary, false);
  assert.equal(backend.contextGetCurrent(), outside, 'creating the context left the thread\'s stack as it was');
  const inside = d.run(() => {
    assert.equal(backend.contextGetCurrent(), ctx.handle);
    assert.equal(runtime.currentScope(), d);
    assert.ok(runtime.context().equals(ctx));
    const buffer = runtime.malloc(8);
    assert.ok(buffer.context.equals(ctx));
    return buffer;
  });
  assert.equal(backend.contextGetCurrent(), outside);
  assert.equal(runtime.currentScope().isRuntimeScope, true);
  assert.equal(d.stats().buffers, 1, 'tracked by the scope that was running');
  assert.throws(() => d.run(() => {
    throw new Error('inside');
  }), /inside/);
  assert.equal(backend.contextGetCurrent(), outside, 'restored after a throw');
  // Scope methods enter the context around each call, even outside run().
  assert.deepEqual(compute(d, new Float32Array([1, 2]), 1, 1), new Float32Array([2, 3]));
  const y = d.upload(new Float32Array([5]));
  d.kernel(axpb).launch({ grid: 1, block: 32 }, 1, 2, 0, y);
  assert.deepEqual([...y.toArray(Float32Array)], [10]);
  d.dispose();
  assert.throws(() => inside.toArray(Float32Array), DisposedError);
  assert.equal(backend.contextGetCurrent(), outside);
});

test('module state is per scope: two scopes sharing the primary context each get their own copy of a registered module', () => {
  const a = runtime.scope('acc-a');
  const b = runtime.scope('acc-b');
  const sum = (s: Scope, v: number): number => s.run(() => {
    const out = runtime.malloc(4);
    accumulate.launch({ grid: 1, block: 1 }, v, out);
    return out.toArray(Int32Array)[0]!;
  });
  assert.equal(sum(a, 5), 5);
  assert.equal(sum(b, 100), 100);
  assert.equal(sum(a, 5), 10);
  assert.equal(sum(b, 1), 101);
  a.dispose();
  b.dispose();
});

test('a forced reset: the others are told who did it and recover; dedicated scopes are untouched; kernels reload by themselves', () => {
  const a = runtime.scope('resetter');
  const b = runtime.scope('victim');
  const c = runtime.scope('isolated', { isolation: 'dedicated' });
  const data = new Float32Array([1, 2, 3]);
  for (const s of [a, b, c]) assert.deepEqual(compute(s, data, 2, 1), axpbReference(data, 2, 1));
  const kept = b.upload(data);
  const keptInC = c.upload(data);
  const stream = b.createStream();
  assert.throws(() => a.resetDevice(), (e: unknown) => e instanceof ResetRefusedError && e.holders.includes("scope 'victim'") && !e.holders.includes("scope 'isolated'"));
  const loadsBefore = loads();
  a.resetDevice({ force: true });
  // The resetter continues at once.
  assert.deepEqual(compute(a, data, 3, 0), axpbReference(data, 3, 0));
  assert.equal(loads(), loadsBefore + 1, 'its registered kernel reloaded by itself');
  // The victim: every call fails, naming who reset it, until it recovers.
  assert.throws(() => compute(b, data, 1, 0), (e: unknown) => resetBy(/scope 'resetter'/)(e) && (e as ContextResetError).reset.forced);
  assert.throws(() => b.allocate(4), resetBy(/scope 'resetter'/));
  assert.equal(b.resetPending?.by, "scope 'resetter'");
  assert.equal(b.stats().resetPending, true);
  assert.throws(() => kept.toArray(Float32Array), resetBy(/scope 'resetter'/));
  assert.throws(() => stream.synchronize(), resetBy(/scope 'resetter'/));
  b.recover();
  assert.equal(b.resetPending, null);
  assert.deepEqual(compute(b, data, 1, 5), axpbReference(data, 1, 5));
  assert.equal(loads(), loadsBefore + 2);
  // The dedicated scope never noticed.
  assert.deepEqual([...keptInC.toArray(Float32Array)], [...data]);
  assert.deepEqual(compute(c, data, 2, 2), axpbReference(data, 2, 2));
  for (const s of [a, b, c]) s.dispose();
});

test('a reset behind cudajs (another library\'s cudaDeviceReset) is detected and recovered from like a forced one', () => {
  const s = runtime.scope('unaware');
  const data = new Float32Array([4, 5]);
  assert.deepEqual(compute(s, data, 1, 1), axpbReference(data, 1, 1));
  const k = s.kernel(axpb);
  const x = s.upload(data);
  backend.primaryContextReset(0);
  // The fast path (a kernel object launched with a raw address) only finds out when the launch fails.
  assert.throws(() => k.launch({ grid: 1, block: 32 }, 2, 1, 1, x.pointer), resetBy(/outside cudajs/));
  assert.throws(() => s.upload(data), resetBy(/outside cudajs/));
  assert.throws(() => x.toArray(Float32Array), resetBy(/outside cudajs/));
  s.recover();
  assert.deepEqual(compute(s, data, 2, 0), axpbReference(data, 2, 0));
  // Detected by the first call that touches the context, whichever it is.
  backend.primaryContextReset(0);
  assert.throws(() => s.synchronize(), (e: unknown) => resetBy(/outside cudajs/)(e) && (e as ContextResetError).reset.detectedBy !== null);
  assert.throws(() => s.allocate(4), ContextResetError, 'and stays pending');
  s.recover();
  s.dispose();
});

test('reset while launches are in flight: the victim\'s queued work and its results are reported lost, not read', () => {
  const a = runtime.scope('impatient');
  const b = runtime.scope('busy');
  const done = b.allocate(4);
  done.fill(0);
  const stream = b.createStream();
  b.kernel(spin).launch({ grid: 1, block: 1, stream }, 1n << 40n, done);
  a.resetDevice({ force: true });
  assert.throws(() => stream.synchronize(), resetBy(/scope 'impatient'/));
  assert.throws(() => done.toArray(Int32Array), resetBy(/scope 'impatient'/));
  a.dispose();
  b.recover();
  b.dispose();
});

test('a dedicated scope\'s device reset, even forced and inside its own run(), resets only its own context', () => {
  const shared = runtime.scope('bystander');
  const mine = runtime.scope('self-contained', { isolation: 'dedicated' });
  const theirs = shared.upload(new Float32Array([1]));
  const outside = backend.contextGetCurrent();
  const result = mine.run(() => {
    const x = runtime.upload(new Float32Array([1, 2]));
    axpb.launch({ grid: 1, block: 32 }, 2, 2, 0, x);
    runtime.deviceReset({ force: true }); // a plug-in calling cudaDeviceReset: only its context goes
    assert.throws(() => x.toArray(Float32Array), DisposedError);
    const y = runtime.upload(new Float32Array([3]));
    axpb.launch({ grid: 1, block: 32 }, 1, 2, 0, y);
    return y.toArray(Float32Array);
  });
  assert.deepEqual(result, new Float32Array([6]));
  assert.equal(backend.contextGetCurrent(), outside, 'the stack is restored although the context was replaced inside run()');
  assert.deepEqual([...theirs.toArray(Float32Array)], [1]);
  shared.dispose();
  mine.dispose();
});

test('misuse is a typed error', () => {
  assert.throws(() => runtime.scope(''), InvalidArgumentError);
  assert.throws(() => runtime.scope('runtime'), InvalidArgumentError);
  assert.throws(() => runtime.scope('x', { isolation: 'private' as never }), InvalidArgumentError);
  assert.throws(() => runtime.scope('x', { device: 3 }), InvalidArgumentError);
  const s = runtime.scope('unique');
  assert.throws(() => runtime.scope('unique'), (e: unknown) => e instanceof InvalidArgumentError && /already exists/.test(e.message));
  s.run(() => runtime.setDevice(0)); // the scope's own device: allowed, nothing changes
  s.dispose();
  const again = runtime.scope('unique');
  // Holders the scopes cannot name are counted.
  const other = Device.get(0).primaryContext();
  again.allocate(4);
  assert.throws(() => again.resetDevice(), (e: unknown) => e instanceof ResetRefusedError && e.holders.some((h) => /1 other cudajs reference/.test(h)));
  other.dispose();
  again.resetDevice();
  again.dispose();
  // A scope's objects cannot reach another thread: structured cloning keeps no method or state.
  const cloned: unknown = structuredClone(runtime.scope('clone-me'));
  assert.equal(typeof (cloned as Scope).run, 'undefined');
  assert.equal(Context.current() === null || Context.current()!.isPrimary, true);
});

test('a scope disposed inside its own run(): later calls in it fail, and the thread\'s stack is restored', () => {
  for (const isolation of ['shared', 'dedicated'] as const) {
    const outside = backend.contextGetCurrent();
    const s = runtime.scope(`self-disposing-${isolation}`, { isolation });
    s.run(() => {
      runtime.malloc(16);
      s.dispose();
      assert.throws(() => runtime.malloc(16), (e: unknown) => e instanceof DisposedError && /Scope\('self-disposing/.test(e.message));
      assert.throws(() => axpb.launch({ grid: 1, block: 1 }, 0, 1, 1, null), DisposedError);
    });
    assert.equal(backend.contextGetCurrent(), outside, isolation);
    assert.equal(runtime.currentScope().isRuntimeScope, true);
  }
});
