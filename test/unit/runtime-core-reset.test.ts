/**
 * The object layer's side of resets: incarnation ids, ContextResetError, references that survive a
 * reset, and detection of resets made behind cudajs's back (the backend called directly, as
 * another native library calling cudaDeviceReset would).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Context, ContextResetError, Device, DisposedError } from '../../src/index.js';
import { axpbReference, installDoubleBackend, runtimePtx } from './runtime-double.js';

const { backend } = installDoubleBackend();
const device = (): Device => Device.get(0);
const isReset = (by: RegExp) => (e: unknown): boolean => e instanceof ContextResetError && by.test(e.reset.by) && e.codeName === 'CUDA_ERROR_CONTEXT_IS_DESTROYED';

test('a reset made through cudajs: every object of the incarnation fails naming who reset it; references survive it', () => {
  const a = device().primaryContext();
  const b = device().primaryContext();
  const buffer = a.upload(new Float32Array([1, 2, 3]));
  const stream = b.createStream();
  assert.equal(device().primaryContextState().retainedByCudajs, 2);
  Context.resetPrimary(0, { by: "scope 'tester'", context: 'the primary context of device 0', device: 0, forced: true, detectedBy: null, resetter: null });
  assert.throws(() => buffer.toArray(Float32Array), isReset(/scope 'tester'/));
  assert.throws(() => stream.synchronize(), isReset(/scope 'tester'/));
  assert.throws(() => a.synchronize(), isReset(/scope 'tester'/));
  assert.throws(() => buffer.toArray(Float32Array), DisposedError, 'a ContextResetError is a DisposedError');
  // The driver keeps both references through the reset; they are still counted and released.
  assert.equal(device().primaryContextState().retainedByCudajs, 2);
  const c = device().primaryContext();
  assert.notEqual(c.state, a.state, 'a new incarnation');
  assert.notEqual(c.state.id, a.state.id);
  const fresh = c.upload(new Float32Array([4]));
  assert.deepEqual([...fresh.toArray(Float32Array)], [4]);
  buffer.dispose();
  stream.dispose();
  a.dispose();
  b.dispose();
  assert.equal(device().primaryContextState().retainedByCudajs, 1);
  assert.equal(backend.primaryContextState(0).active, true);
  fresh.dispose();
  c.dispose();
  assert.equal(device().primaryContextState().retainedByCudajs, 0);
  assert.equal(backend.primaryContextState(0).active, false, 'every reference, from before and after the reset, was released');
});

test('a reset behind cudajs is detected on the next call, and disposing stale objects never frees the new incarnation\'s memory', () => {
  const ctx = device().primaryContext();
  const old = ctx.upload(new Float32Array([1, 2, 3, 4]));
  const oldPointer = old.pointer;
  backend.primaryContextReset(0); // what cudaDeviceReset in another library does
  let error: unknown;
  try {
    old.toArray(Float32Array);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof ContextResetError, String(error));
  assert.match(error.reset.by, /outside cudajs/);
  assert.equal(error.reset.detectedBy, 'DeviceBuffer.copyTo');
  assert.equal(error.reset.resetter, null);
  // The new incarnation may hand out the same address again: the stale buffer must not free it.
  const again = device().primaryContext();
  const fresh = again.upload(new Float32Array([5, 6, 7, 8]));
  assert.equal(fresh.pointer, oldPointer, 'the emulated allocator reuses the address (the dangerous case)');
  old.dispose();
  assert.deepEqual([...fresh.toArray(Float32Array)], [5, 6, 7, 8]);
  fresh.dispose();
  ctx.dispose();
  again.dispose();
  assert.equal(backend.primaryContextState(0).active, false);
});

test('a launch in a context reset behind cudajs fails with a ContextResetError (diagnosed after the failed launch)', () => {
  const ctx = device().primaryContext();
  const module = ctx.loadModule(runtimePtx());
  const axpb = module.getKernel('axpb');
  const x = ctx.upload(new Float32Array([1, 2]));
  axpb.launch({ grid: 1, block: 32 }, 2, 2, 1, x);
  assert.deepEqual([...x.toArray(Float32Array)], [...axpbReference(new Float32Array([1, 2]), 2, 1)]);
  const y = 0x1234n; // a raw address: no buffer to notice the reset before the launch does
  backend.primaryContextReset(0);
  assert.throws(() => axpb.launch({ grid: 1, block: 32 }, 2, 2, 1, y), (e: unknown) => e instanceof ContextResetError && e.reset.detectedBy === 'Kernel.launch(axpb)');
  assert.throws(() => axpb.launch({ grid: 1, block: 32 }, 2, 2, 1, y), ContextResetError, 'and from then on without a driver call');
  x.dispose();
  module.dispose();
  ctx.dispose();
});

test('created contexts are untouched by a primary reset; borrowed references detect it', () => {
  const created = device().createContext();
  Context.pop();
  const kept = created.upload(new Int32Array([7]));
  const primary = device().primaryContext();
  primary.setCurrent();
  const borrowed = Context.current()!;
  assert.equal(borrowed.kind, 'borrowed');
  assert.ok(borrowed.isPrimary);
  backend.primaryContextReset(0);
  assert.throws(() => borrowed.memoryInfo(), isReset(/outside cudajs/));
  assert.deepEqual([...kept.toArray(Int32Array)], [7]);
  Context.clearCurrent();
  kept.dispose();
  created.dispose();
  primary.dispose();
  assert.equal(Context.current(), null);
});

test('a primary context released by its last holder is not mistaken for a reset', () => {
  const a = device().primaryContext();
  const buffer = a.allocate(16);
  buffer.dispose();
  a.dispose();
  const b = device().primaryContext();
  const other = b.allocate(16);
  other.fill(1);
  assert.throws(() => a.synchronize(), (e: unknown) => e instanceof DisposedError && !(e instanceof ContextResetError));
  other.dispose();
  b.dispose();
});

test('after a reset behind cudajs, waiting on a stream of the primary context reports the reset', async () => {
  // Nothing is checked before a wait on a created stream (a driver call per wait); the driver's
  // rejection of the stale handle is diagnosed as the reset it is (the H100 rejects it too).
  const ctx = device().primaryContext();
  const stream = ctx.createStream();
  const other = ctx.createStream();
  stream.synchronize();
  backend.primaryContextReset(0);
  assert.throws(() => stream.synchronize(), isReset(/outside cudajs/));
  assert.throws(() => stream.query(), ContextResetError);
  await assert.rejects(other.synchronized(), ContextResetError);
  stream.dispose();
  other.dispose();
  ctx.dispose();
});
