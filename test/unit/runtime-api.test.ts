/**
 * The runtime functions: implicit initialization, the current device, libcudart's context rule,
 * the kernel registry, synchronize and reset — over the emulated device with the engine double.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Context, ContextResetError, Device, DisposedError, InvalidArgumentError, ResetRefusedError, runtime } from '../../src/index.js';
import { axpbReference, installDoubleBackend, runtimePtx } from './runtime-double.js';

const { backend, engine } = installDoubleBackend(2);
const module = runtime.registerModule(runtimePtx(), { name: 'runtime.cu' });
const axpb = module.kernel('axpb');
const iota = module.kernel('iota');

/** How many times the runtime fixture was compiled (= loaded into a context). */
const loads = (): number => engine.compiled.filter((p) => p.includes('.entry axpb')).length;

test('implicit initialization: the first call retains the current device\'s primary context once and makes it current', () => {
  assert.equal(backend.contextGetCurrent(), null);
  assert.equal(runtime.getDevice(), 0);
  assert.equal(backend.primaryContextState(0).active, false, 'nothing happens before the first call');
  const x = runtime.malloc(64);
  const primary = backend.contextGetCurrent();
  assert.notEqual(primary, null, 'the primary context is current on the thread afterwards');
  assert.ok(Context.current()!.isPrimary);
  assert.equal(Device.get(0).primaryContextState().retainedByCudajs, 1);
  const y = runtime.malloc(64);
  assert.equal(Device.get(0).primaryContextState().retainedByCudajs, 1, 'retained once, like libcudart');
  assert.ok(x.context.equals(y.context));
  assert.deepEqual(runtime.primaryContextHolders(0), { device: 0, active: true, cudajsReferences: 1, scopes: ['runtime'] });
  x.dispose();
  y.dispose();
});

test('setDevice initializes and makes the device\'s primary context current; getDevice follows the current context', () => {
  runtime.setDevice(1);
  assert.equal(runtime.getDevice(), 1);
  const buffer = runtime.malloc(16);
  assert.equal(buffer.context.device.ordinal, 1);
  assert.equal(Context.current()!.device.ordinal, 1);
  // A driver context made current elsewhere decides what getDevice reports, as with cudaGetDevice.
  const created = Device.get(0).createContext();
  assert.equal(runtime.getDevice(), 0);
  Context.pop();
  assert.equal(runtime.getDevice(), 1);
  created.dispose();
  assert.throws(() => runtime.setDevice(2), InvalidArgumentError);
  assert.throws(() => runtime.setDevice(-1), InvalidArgumentError);
  runtime.setDevice(0);
  assert.equal(runtime.getDevice(), 0);
  const pinned = runtime.scope('on-device-1', { device: 1 });
  pinned.run(() => {
    runtime.setDevice(1);
    assert.throws(() => runtime.setDevice(0), (e: unknown) => e instanceof InvalidArgumentError && /bound to device 1/.test(e.message));
    assert.equal(runtime.getDevice(), 1);
  });
  assert.equal(runtime.getDevice(), 0);
  pinned.dispose();
  buffer.dispose();
  assert.equal(runtime.getDeviceCount(), 2);
});

test('libcudart\'s rule: a driver context current on the thread is used instead of the primary context', () => {
  const created = Device.get(0).createContext();
  try {
    const inCreated = runtime.malloc(32);
    assert.ok(inCreated.context.equals(created), 'allocated in the current created context');
    assert.ok(runtime.context().equals(created));
    axpb.launch({ grid: 1, block: 32 }, 0, 1, 1, inCreated);
    const k = axpb.resolve();
    assert.ok(k.module.context.equals(created), 'the registered kernel was loaded into the created context');
    inCreated.dispose();
  } finally {
    Context.pop();
    created.dispose();
  }
  assert.ok(runtime.context().isPrimary, 'back to the primary context once the created one is popped');
});

test('registered kernels load into each context on first launch and stay loaded', () => {
  const before = loads();
  const data = new Float32Array([1, 2, 3, 4, 5]);
  const x = runtime.upload(data);
  axpb.launch({ grid: 1, block: 32 }, 5, 3, 0.5, x);
  axpb.launch({ grid: 1, block: 32 }, 5, 3, 0.5, x);
  runtime.deviceSynchronize();
  assert.deepEqual([...x.toArray(Float32Array)], [...axpbReference(axpbReference(data, 3, 0.5), 3, 0.5)]);
  const out = runtime.malloc(4 * 8);
  iota.launch({ grid: 1, block: 32 }, 8, 100, out);
  assert.deepEqual([...out.toArray(Int32Array)], [100, 101, 102, 103, 104, 105, 106, 107]);
  const afterPrimary = loads();
  assert.equal(afterPrimary, before + 1, 'one load in the primary context, shared by both kernels of the module');
  // A new context loads it once more.
  const created = Device.get(0).createContext();
  const y = runtime.upload(new Float32Array([1]));
  axpb.launch({ grid: 1, block: 32 }, 1, 2, 0, y);
  axpb.launch({ grid: 1, block: 32 }, 1, 2, 0, y);
  assert.deepEqual([...y.toArray(Float32Array)], [4]);
  assert.equal(loads(), afterPrimary + 1);
  y.dispose();
  Context.pop();
  created.dispose();
  // Back in the primary context: still loaded.
  axpb.launch({ grid: 1, block: 32 }, 5, 1, 0, x);
  assert.equal(loads(), afterPrimary + 1);
  x.dispose();
  out.dispose();
});

test('a registered kernel checks its arguments like Kernel.launch, before and after its launch is specialized', () => {
  const fresh = runtime.registerModule(() => runtimePtx()).kernel('iota');
  const out = runtime.malloc(16);
  assert.throws(() => fresh.launch({ grid: 1, block: 4 }, 4, 0), (e: unknown) => e instanceof InvalidArgumentError && /expects 3 argument/.test(e.message));
  fresh.launch({ grid: 1, block: 4 }, 4, 0, out);
  assert.throws(() => fresh.launch({ grid: 1, block: 4 }, 4, 0), /expects 3 argument/);
  assert.throws(() => fresh.launch({ grid: 1, block: 4 }, 4, 0, out, out), /expects 3 argument/);
  assert.throws(() => fresh.launch({ grid: 1, block: 4 }, 4, 'zero' as never, out), InvalidArgumentError);
  fresh.launch({ grid: 1, block: 4 }, 4, 7, out);
  assert.deepEqual([...out.toArray(Int32Array)], [7, 8, 9, 10]);
  const missing = runtime.registerModule(runtimePtx()).kernel('nope');
  assert.throws(() => missing.launch({ grid: 1, block: 1 }), /no kernel named 'nope'/);
  assert.throws(() => runtime.registerModule(42 as never), InvalidArgumentError);
  assert.throws(() => runtime.registerModuleFile('/no/such/file.ptx'), /CUDA_ERROR_FILE_NOT_FOUND/);
  out.dispose();
});

test('memGetInfo and deviceSynchronize act on the runtime\'s context', () => {
  const info = runtime.memGetInfo();
  assert.ok(info.free > 0 && info.free <= info.total);
  const buffer = runtime.malloc(1 << 20);
  assert.ok(runtime.memGetInfo().free <= info.free - (1 << 20));
  runtime.deviceSynchronize();
  buffer.dispose();
});

test('deviceReset: refused while a scope holds the primary context, forced or free otherwise; the runtime continues', () => {
  const x = runtime.upload(new Float32Array([1, 2]));
  axpb.launch({ grid: 1, block: 32 }, 2, 1, 1, x);
  const plugin = runtime.scope('holder');
  const theirs = plugin.upload(new Float32Array([9]));
  assert.throws(() => runtime.deviceReset(), (e: unknown) => e instanceof ResetRefusedError && e.holders.includes("scope 'holder'"));
  assert.deepEqual([...theirs.toArray(Float32Array)], [9], 'a refused reset changes nothing');
  runtime.deviceReset({ force: true });
  // The runtime (who reset) continues at once; its old buffers are gone.
  assert.throws(() => x.toArray(Float32Array), (e: unknown) => e instanceof ContextResetError && e.reset.by === 'runtime.deviceReset()');
  const y = runtime.upload(new Float32Array([1, 2]));
  const before = loads();
  axpb.launch({ grid: 1, block: 32 }, 2, 2, 0, y);
  assert.equal(loads(), before + 1, 'the registered kernel reloaded by itself');
  assert.deepEqual([...y.toArray(Float32Array)], [2, 4]);
  // The scope is told who reset the device, and recovers.
  assert.throws(() => plugin.allocate(4), (e: unknown) => e instanceof ContextResetError && /runtime\.deviceReset\(\)/.test(e.message) && /recover\(\)/.test(e.message));
  assert.throws(() => theirs.toArray(Float32Array), ContextResetError);
  plugin.recover();
  const again = plugin.upload(new Float32Array([10]));
  assert.deepEqual([...again.toArray(Float32Array)], [10]);
  plugin.dispose();
  assert.throws(() => again.toArray(Float32Array), DisposedError, 'disposing a scope frees what it made');
  // Nobody else holds it now: an unforced reset goes through.
  runtime.deviceReset();
  assert.throws(() => y.toArray(Float32Array), ContextResetError);
  runtime.recover();
  x.dispose();
  y.dispose();
  theirs.dispose();
});
