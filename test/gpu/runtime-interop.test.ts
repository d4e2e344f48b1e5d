/**
 * GPU tier: cudajs's runtime layer next to the real libcudart in one process.
 *
 * - memory from cudaMalloc used by a kernel launched through the driver API, and cudajs memory
 *   used by cudaMemcpy / cudaMemset;
 * - cudajs's runtime and libcudart pick the same context: the primary context, or the driver
 *   context current on the thread (a runtime call made while a created context — or a dedicated
 *   scope — is current acts on it: cuPointerGetAttribute(CU_POINTER_ATTRIBUTE_CONTEXT));
 * - the real cudaDeviceReset behind cudajs's back is detected and recovered from;
 * - what the driver does with references across a reset (the design relies on it);
 * - a launch of a stale kernel object after cudaDeviceReset (in a child process).
 *
 * Skips, saying why, when the process does not run on a GPU.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { backend, Context, ContextResetError, Device, DeviceBuffer, runtime } from '../../src/index.js';
import { driverApi } from '../../src/raw/driver.js';
import { CUpointer_attribute } from '../../src/raw/driver-types.js';
import { runtimeApi } from '../../src/raw/runtime.js';
import { cudaMemcpyKind } from '../../src/raw/runtime-types.js';
import { check, checkRuntime } from '../../src/backend/driver-error.js';
import { skipUnlessGpu } from '../support/tiers.js';
import { fixtureText } from '../support/paths.js';
import { randomFloats } from '../support/kernels.js';
import { fmaf } from '../support/reference.js';

const skip = skipUnlessGpu();
const ptx = (): string => fixtureText('runtime', 'runtime.ptx');
const { cudaMemcpyHostToDevice, cudaMemcpyDeviceToHost } = cudaMemcpyKind;

/** cudaMalloc(bytes), returning the device address. */
function cudaMalloc(bytes: number): bigint {
  const out = new BigUint64Array(1);
  checkRuntime(runtimeApi().cudaMalloc(out, bytes), 'cudaMalloc');
  return out[0]!;
}

/** The context a device address belongs to (cuPointerGetAttribute). */
function contextOfPointer(pointer: bigint): bigint {
  const out = new BigUint64Array(1);
  check(driverApi().cuPointerGetAttribute(out, CUpointer_attribute.CU_POINTER_ATTRIBUTE_CONTEXT, pointer), 'cuPointerGetAttribute');
  return out[0]!;
}

function cudaGetDevice(): number {
  const out = new Int32Array(1);
  checkRuntime(runtimeApi().cudaGetDevice(out), 'cudaGetDevice');
  return out[0]!;
}

describe('runtime layer and libcudart in one process', { skip }, () => {
  // First, while nothing else in the process holds the primary context.
  test('measured: a reset keeps every reference; references from before it are released normally', (t) => {
    const b = backend();
    assert.equal(b.primaryContextState(0).active, false, 'nothing holds the primary context yet');
    const a1 = b.primaryContextRetain(0);
    const a2 = b.primaryContextRetain(0);
    b.contextSetCurrent(a1);
    const idBefore = b.contextGetId(a1);
    b.primaryContextReset(0);
    const afterReset = b.primaryContextState(0);
    let idAfter: string;
    try {
      idAfter = String(b.contextGetId(a1));
    } catch (e) {
      idAfter = (e as Error).message.split(':')[1] ?? String(e);
    }
    // If cuCtxGetId already fails or changes here, cudajs's reset check could drop its second call
    // (cuDevicePrimaryCtxGetState): see ContextState.detectReset.
    t.diagnostic(`after cuDevicePrimaryCtxReset with 2 references: active=${afterReset.active}; cuCtxGetId ${idBefore} -> ${idAfter}`);
    const c = b.primaryContextRetain(0);
    assert.equal(c, a1, 'the primary context keeps its handle');
    assert.notEqual(b.contextGetId(c), idBefore, 'a new incarnation');
    b.primaryContextRelease(0);
    b.primaryContextRelease(0);
    assert.equal(b.primaryContextState(0).active, true, 'the reference taken after the reset still holds it');
    b.primaryContextRelease(0);
    assert.equal(b.primaryContextState(0).active, false, 'three retains, three releases, across the reset');
    b.contextSetCurrent(null);
    void a2;
  });

  test('cudaMalloc memory in a driver-API launch, and cudajs memory under cudaMemcpy / cudaMemset', () => {
    const rt = runtimeApi();
    checkRuntime(rt.cudaSetDevice(0), 'cudaSetDevice');
    const n = 1 << 16;
    const data = randomFloats(n, 3);
    const pointer = cudaMalloc(n * 4);
    checkRuntime(rt.cudaMemcpy(pointer, data, n * 4, cudaMemcpyHostToDevice), 'cudaMemcpy');
    // libcudart made the primary context current: the driver API sees the same one.
    using primary = Device.get(0).primaryContext();
    assert.equal(backend().contextGetCurrent(), primary.handle);
    assert.equal(contextOfPointer(pointer), primary.handle);
    using module = primary.loadModule(ptx());
    const borrowed = DeviceBuffer.fromPointer(primary, pointer, n * 4);
    module.getKernel('axpb').launch({ grid: n / 256, block: 256 }, n, 2, 0.5, borrowed);
    primary.synchronize();
    const back = new Float32Array(n);
    checkRuntime(rt.cudaMemcpy(back, pointer, n * 4, cudaMemcpyDeviceToHost), 'cudaMemcpy');
    for (let i = 0; i < n; i++) assert.equal(back[i], fmaf(2, data[i]!, 0.5), `element ${i}`);
    borrowed.dispose();
    checkRuntime(rt.cudaFree(pointer), 'cudaFree');
    // The other way: cudajs memory, read and written by libcudart.
    using mine = primary.upload(data);
    const viaCudart = new Float32Array(n);
    checkRuntime(rt.cudaMemcpy(viaCudart, mine.pointer, n * 4, cudaMemcpyDeviceToHost), 'cudaMemcpy');
    assert.deepEqual(viaCudart, data);
    checkRuntime(rt.cudaMemset(mine.pointer, 0x3f, n * 4), 'cudaMemset');
    assert.ok(new Uint8Array(mine.toArray(Float32Array).buffer).every((b) => b === 0x3f));
  });

  test('cudajs\'s runtime and libcudart use the same context: the primary one, or the driver context current on the thread', () => {
    const rt = runtimeApi();
    checkRuntime(rt.cudaSetDevice(0), 'cudaSetDevice');
    runtime.setDevice(0);
    const ours = runtime.malloc(256);
    const theirs = cudaMalloc(256);
    assert.equal(contextOfPointer(theirs), ours.context.handle, 'both in the primary context');
    assert.equal(cudaGetDevice(), runtime.getDevice());
    checkRuntime(rt.cudaFree(theirs), 'cudaFree');
    ours.dispose();

    const created = Device.get(0).createContext();
    try {
      const inCreated = cudaMalloc(1 << 20);
      assert.equal(contextOfPointer(inCreated), created.handle, 'cudaMalloc while a created context is current allocates in it');
      const viaRuntime = runtime.malloc(16);
      assert.ok(viaRuntime.context.equals(created), 'and so does runtime.malloc');
      viaRuntime.dispose();
      assert.equal(cudaGetDevice(), runtime.getDevice());
      const free = new BigUint64Array(1);
      const total = new BigUint64Array(1);
      checkRuntime(rt.cudaMemGetInfo(free, total), 'cudaMemGetInfo');
      const info = created.memoryInfo();
      assert.equal(Number(total[0]), info.total);
      assert.ok(Math.abs(Number(free[0]) - info.free) < 64 << 20, `cudaMemGetInfo ${free[0]} vs cuMemGetInfo ${info.free}`);
      checkRuntime(rt.cudaFree(inCreated), 'cudaFree');
    } finally {
      Context.pop();
      created.dispose();
    }

    // A runtime-based library called inside a dedicated scope allocates in the scope's context.
    const plugin = runtime.scope('cudart-plugin', { isolation: 'dedicated' });
    plugin.run(() => {
      const p = cudaMalloc(4096);
      assert.equal(contextOfPointer(p), plugin.context.handle);
      checkRuntime(rt.cudaFree(p), 'cudaFree');
    });
    plugin.dispose();
  });

  test('the real cudaDeviceReset, called behind cudajs\'s back, is detected on the next call and recovered from', () => {
    const rt = runtimeApi();
    const scope = runtime.scope('cudart-victim');
    const registered = runtime.registerModule(ptx()).kernel('axpb');
    const run = (seed: number): void => {
      const data = randomFloats(4096, seed);
      const got = scope.run(() => {
        const x = runtime.upload(data);
        registered.launch({ grid: 16, block: 256 }, 4096, 3, 1, x);
        return x.toArray(Float32Array);
      });
      for (let i = 0; i < data.length; i++) assert.equal(got[i], fmaf(3, data[i]!, 1));
    };
    run(1);
    const kept = scope.upload(new Float32Array([1, 2, 3]));
    checkRuntime(rt.cudaSetDevice(0), 'cudaSetDevice');
    checkRuntime(rt.cudaDeviceReset(), 'cudaDeviceReset');
    assert.throws(() => kept.toArray(Float32Array), (e: unknown) => e instanceof ContextResetError && /outside cudajs/.test(e.reset.by));
    assert.throws(() => run(2), ContextResetError);
    scope.recover();
    run(3);
    // libcudart keeps working too.
    const p = cudaMalloc(64);
    checkRuntime(rt.cudaFree(p), 'cudaFree');
    scope.dispose();
  });

  test('a launch of a stale kernel object after cudaDeviceReset fails and is reported as a ContextResetError', () => {
    const child = fileURLToPath(new URL('../support/runtime-stale-launch-child.js', import.meta.url));
    const output = execFileSync(process.execPath, [child, '--run'], { encoding: 'utf8', env: { ...process.env, CUDAJS_DEVICE: 'gpu' } });
    const report = JSON.parse(output.trim().split('\n').pop()!) as Record<string, unknown>;
    assert.equal(report['outcome'], 'ContextResetError', JSON.stringify(report));
    assert.equal(report['streamSynchronize'], 'ContextResetError', JSON.stringify(report));
    assert.equal(report['streamQuery'], 'ContextResetError', JSON.stringify(report));
    assert.equal(report['next'], 'ContextResetError');
    assert.equal(report['recovered'], true);
  });
});
