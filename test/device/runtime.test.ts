/**
 * Device tier: the runtime layer on the process's backend (the emulated device in CI, the GPU on
 * the device machine) with real kernels (test/fixtures/runtime/runtime.cu): libcudart's context
 * rule, registered kernels, scopes, forced resets and resets made behind cudajs's back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, Context, ContextResetError, Device, DisposedError, ResetRefusedError, runtime, type Scope } from '../../src/index.js';
import { fixtureText } from '../support/paths.js';
import { randomFloats } from '../support/kernels.js';
import { fmaf } from '../support/reference.js';

const registered = runtime.registerModule(fixtureText('runtime', 'runtime.ptx'), { name: 'runtime.cu' });
const axpb = registered.kernel('axpb');
const iota = registered.kernel('iota');
const accumulate = registered.kernel('accumulate');
const spin = registered.kernel('spin');
const resetBy = (who: RegExp) => (e: unknown): boolean => e instanceof ContextResetError && who.test(e.reset.by);

const axpbRef = (x: Float32Array, a: number, b: number): Float32Array => x.map((v) => fmaf(a, v, b));

/** axpb over `n` random values in `scope`, through runtime calls inside run(); returns [result, expected]. */
function compute(scope: Scope, n: number, seed: number, a: number, b: number): [Float32Array, Float32Array] {
  const data = randomFloats(n, seed);
  const got = scope.run(() => {
    const x = runtime.upload(data);
    axpb.launch({ grid: Math.ceil(n / 256), block: 256 }, n, a, b, x);
    const out = x.toArray(Float32Array);
    x.dispose();
    return out;
  });
  return [got, axpbRef(data, a, b)];
}

test('runtime calls use the primary context, or the driver context current on the thread', () => {
  const n = 1000;
  const out = runtime.malloc(n * 4);
  assert.ok(out.context.isPrimary);
  assert.equal(backend().contextGetCurrent(), out.context.handle, 'the primary context was made current');
  iota.launch({ grid: 4, block: 256 }, n, 7, out);
  runtime.deviceSynchronize();
  assert.deepEqual(out.toArray(Int32Array), Int32Array.from({ length: n }, (_, i) => 7 + i));
  const created = Device.get(0).createContext();
  try {
    const there = runtime.malloc(16);
    assert.ok(there.context.equals(created));
    iota.launch({ grid: 1, block: 32 }, 4, -2, there);
    assert.deepEqual([...there.toArray(Int32Array)], [-2, -1, 0, 1]);
    assert.ok(iota.resolve().module.context.equals(created), 'loaded into the created context on first launch there');
    there.dispose();
  } finally {
    Context.pop();
    created.dispose();
  }
  assert.ok(runtime.context().isPrimary);
  out.dispose();
});

test('scopes: shared and dedicated compute correctly; module state is per scope; reset touches only the scope', () => {
  const a = runtime.scope('dev-shared-a');
  const b = runtime.scope('dev-shared-b');
  const d = runtime.scope('dev-dedicated', { isolation: 'dedicated' });
  for (const [k, s] of [a, b, d].entries()) {
    const [got, want] = compute(s, 3000, 10 + k, 1.5 + k, -k);
    assert.deepEqual(got, want, s.toString());
  }
  assert.ok(a.context.isPrimary && b.context.isPrimary && !d.context.isPrimary);
  const sum = (s: Scope, v: number): number => s.run(() => {
    const out = runtime.malloc(4);
    accumulate.launch({ grid: 1, block: 32 }, v, out);
    const value = out.toArray(Int32Array)[0]!;
    out.dispose();
    return value;
  });
  assert.equal(sum(a, 3), 3);
  assert.equal(sum(b, 40), 40);
  assert.equal(sum(a, 3), 6, 'a and b share the primary context but not the module\'s __device__ variable');
  assert.equal(sum(d, 1), 1);
  const kept = b.upload(new Float32Array([1, 2, 3]));
  a.reset();
  assert.deepEqual([...kept.toArray(Float32Array)], [1, 2, 3]);
  assert.equal(sum(a, 5), 5, 'a reloaded its module: a fresh __device__ variable');
  for (const s of [a, b, d]) s.dispose();
  assert.throws(() => kept.toArray(Float32Array), DisposedError);
});

test('a forced reset: the other shared scopes are told who did it and recover; the dedicated scope is untouched', () => {
  const resetter = runtime.scope('dev-resetter');
  const victim = runtime.scope('dev-victim');
  const isolated = runtime.scope('dev-isolated', { isolation: 'dedicated' });
  for (const s of [resetter, victim, isolated]) assert.deepEqual(...compute(s, 500, 3, 2, 1));
  const lost = victim.upload(new Float32Array([1]));
  const safe = isolated.upload(new Float32Array([2]));
  assert.throws(() => resetter.resetDevice(), ResetRefusedError);
  resetter.resetDevice({ force: true });
  assert.deepEqual(...compute(resetter, 500, 4, 3, 0));
  assert.throws(() => compute(victim, 10, 1, 1, 1), resetBy(/scope 'dev-resetter'/));
  assert.throws(() => lost.toArray(Float32Array), resetBy(/scope 'dev-resetter'/));
  victim.recover();
  assert.deepEqual(...compute(victim, 500, 5, 0.5, 0.25));
  assert.deepEqual([...safe.toArray(Float32Array)], [2]);
  assert.deepEqual(...compute(isolated, 500, 6, 1, 0));
  for (const s of [resetter, victim, isolated]) s.dispose();
});

test('a reset made behind cudajs is detected on the next call and recovered from', () => {
  const s = runtime.scope('dev-unaware');
  assert.deepEqual(...compute(s, 100, 7, 2, 2));
  const x = s.upload(new Float32Array([1, 2]));
  backend().primaryContextReset(0); // as another library's cudaDeviceReset would
  assert.throws(() => x.toArray(Float32Array), resetBy(/outside cudajs/));
  assert.throws(() => compute(s, 10, 1, 1, 1), resetBy(/outside cudajs/));
  s.recover();
  assert.deepEqual(...compute(s, 100, 8, 2, 2));
  s.dispose();
});

test('a reset while the victim\'s launch is in flight reports the work lost', () => {
  const resetter = runtime.scope('dev-impatient');
  const busy = runtime.scope('dev-busy');
  const done = busy.allocate(4);
  done.fill(0);
  const stream = busy.createStream({ nonBlocking: true });
  // About a tenth of a second on a GPU; a few instructions on the emulated device.
  busy.kernel(spin).launch({ grid: 1, block: 32, stream }, backend().kind === 'gpu' ? 200_000_000n : 100n, done);
  resetter.resetDevice({ force: true });
  assert.throws(() => stream.synchronize(), resetBy(/scope 'dev-impatient'/));
  assert.throws(() => done.toArray(Int32Array), resetBy(/scope 'dev-impatient'/));
  busy.recover();
  busy.dispose();
  resetter.dispose();
});

test('nothing is left behind; the runtime\'s own scope was reset by the first forced reset and recovers too', () => {
  assert.equal(runtime.primaryContextHolders(0).cudajsReferences, 1, 'only the runtime\'s own reference is left');
  assert.throws(() => runtime.malloc(4), resetBy(/scope 'dev-resetter'/));
  runtime.recover();
  assert.equal(runtime.primaryContextHolders(0).cudajsReferences, 0);
  const x = runtime.upload(new Float32Array([1, 2]));
  axpb.launch({ grid: 1, block: 32 }, 2, 2, 1, x);
  assert.deepEqual([...x.toArray(Float32Array)], [3, 5]);
  assert.deepEqual(runtime.primaryContextHolders(0).scopes, ['runtime']);
  x.dispose();
});
