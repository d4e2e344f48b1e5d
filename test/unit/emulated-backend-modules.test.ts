import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { EmulatedBackend } from '../../src/backend/emulated/backend.js';
import type { DevicePointer, FunctionHandle, LaunchDims, ParamBlock, StreamHandle } from '../../src/backend/types.js';
import { DriverError, KernelFaultError } from '../../src/errors.js';
import { fail } from '../../src/backend/driver-error.js';
import type { EmuEngine } from '../../src/emu/engine.js';
import { expectCode, fixture, kernelsPtx, setup, type KernelRun } from './emulated-backend-double.js';

const INVALID_VALUE = 1;
const NO_BINARY_FOR_GPU = 209;
const INVALID_PTX = 218;
const JIT_COMPILER_NOT_FOUND = 221;
const INVALID_HANDLE = 400;
const NOT_FOUND = 500;
const ILLEGAL_ADDRESS = 700;
const LAUNCH_OUT_OF_RESOURCES = 701;
const COOPERATIVE_LAUNCH_TOO_LARGE = 720;
const INVALID_CLUSTER_SIZE = 912;
const S0 = 0n as StreamHandle;

const FA = { MAX_THREADS: 0, SHARED: 1, CONST: 2, LOCAL: 3, NUM_REGS: 4, PTX_VERSION: 5, BINARY_VERSION: 6, MAX_DYNAMIC_SHARED: 8, CARVEOUT: 9, CLUSTER_W: 11, NON_PORTABLE: 14 };

const dims = (grid: number, block: number, sharedMemBytes = 0, more: Partial<LaunchDims> = {}): LaunchDims =>
  ({ gridX: grid, gridY: 1, gridZ: 1, blockX: block, blockY: 1, blockZ: 1, sharedMemBytes, ...more });

const f32 = (bytes: Uint8Array): number[] => [...new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)];

/** y[i] = a·x[i] + y[i]·coef[i & 3], as kernels.cu's saxpy. */
function saxpy(run: KernelRun): void {
  const n = run.params.getUint32(0, true);
  const a = run.params.getFloat32(4, true);
  const x = Number(run.params.getBigUint64(8, true));
  const y = Number(run.params.getBigUint64(16, true));
  const coef = new DataView(run.load(run.addressOf('coef'), 16).buffer);
  const threads = run.request.grid[0] * run.request.block[0];
  for (let i = 0; i < Math.min(n, threads); i++) {
    const xi = new DataView(run.load(x + 4 * i, 4).buffer).getFloat32(0, true);
    const yi = new DataView(run.load(y + 4 * i, 4).buffer).getFloat32(0, true);
    const out = new Uint8Array(4);
    new DataView(out.buffer).setFloat32(0, Math.fround(a * xi + yi * coef.getFloat32((i & 3) * 4, true)), true);
    run.store(y + 4 * i, out);
  }
}

/** printf("hi %d\n", threadIdx.x) and atomicAdd(&counter, 1) for every thread, as kernels.cu's hello. */
function hello(run: KernelRun): void {
  const counter = run.addressOf('counter');
  for (let b = 0; b < run.request.grid[0]; b++) {
    for (let t = 0; t < run.request.block[0]; t++) {
      run.request.options!.printf!(`hi ${t}\n`);
      const v = new DataView(run.load(counter, 4).buffer).getUint32(0, true);
      const out = new Uint8Array(4);
      new DataView(out.buffer).setUint32(0, v + 1, true);
      run.store(counter, out);
    }
  }
}

function loaded(deviceCount = 1) {
  const env = setup(deviceCount);
  env.engine.behaviours.set('saxpy', saxpy);
  env.engine.behaviours.set('hello', hello);
  const { backend } = env;
  backend.contextCreate(0, 0);
  const { module } = backend.moduleLoad(kernelsPtx(), {});
  const saxpyFn = backend.moduleFunction(module, 'saxpy');
  const helloFn = backend.moduleFunction(module, 'hello');
  const params = (fn: FunctionHandle): ParamBlock => {
    const slots = [];
    for (let i = 0, slot; (slot = backend.functionParamInfo(fn, i)); i++) slots.push(slot);
    return backend.createParamBlock(slots);
  };
  return { ...env, module, saxpyFn, helloFn, params };
}

function saxpyArgs(p: ParamBlock, n: number, a: number, x: DevicePointer, y: DevicePointer): ParamBlock {
  p.view.setUint32(0, n, true);
  p.view.setFloat32(4, a, true);
  p.view.setBigUint64(8, x, true);
  p.view.setBigUint64(16, y, true);
  return p;
}

describe('emulated modules: loading', () => {
  test('PTX, zstd fatbin and SASS+PTX fatbin all load; kernels and variables are found', () => {
    const { backend, engine } = setup();
    backend.contextCreate(0, 0);
    for (const image of [kernelsPtx(), fixture('ptx-zstd.fatbin'), fixture('sm90-sass-ptx.fatbin'), fixture('multi-ptx.fatbin')]) {
      const { module, infoLog } = backend.moduleLoad(image, {});
      assert.equal(infoLog, '');
      assert.deepEqual(backend.moduleFunctionNames(module), ['saxpy', 'hello']);
      expectCode(() => backend.moduleFunction(module, 'nope'), NOT_FOUND);
      const coef = backend.moduleGlobal(module, 'coef');
      assert.equal(coef.bytes, 16);
      const out = new Uint8Array(16);
      backend.memcpyDtoH(out, coef.pointer);
      assert.deepEqual(f32(out), [1, 2, 3, 4]);
      const counter = backend.moduleGlobal(module, 'counter');
      const c = new Uint8Array(4).fill(9);
      backend.memcpyDtoH(c, counter.pointer);
      assert.deepEqual([...c], [0, 0, 0, 0], 'variables without an initializer are zeroed');
      assert.equal(backend.moduleGlobal(module, '$str').bytes, 7);
      expectCode(() => backend.moduleGlobal(module, 'nope'), NOT_FOUND);
      backend.moduleUnload(module);
      expectCode(() => backend.moduleUnload(module), INVALID_HANDLE);
    }
    assert.equal(engine.compiled.length, 4);
    assert.match(engine.compiled[3]!, /\.target sm_90\b/, 'the compute_90 entry of the multi-PTX fatbin');
  });

  test('unloading frees the variables and invalidates the functions', () => {
    const { backend, module, saxpyFn } = loaded();
    const used = backend.memoryInfo().free;
    backend.moduleUnload(module);
    assert.ok(backend.memoryInfo().free > used);
    expectCode(() => backend.functionAttribute(saxpyFn, FA.NUM_REGS), INVALID_HANDLE);
  });

  test('images that cannot be emulated or compiled', () => {
    const { backend } = setup();
    backend.contextCreate(0, 0);
    expectCode(() => backend.moduleLoad(fixture('kernels.cubin'), {}), NO_BINARY_FOR_GPU);
    expectCode(() => backend.moduleLoad(fixture('sass-only.fatbin'), {}), NO_BINARY_FOR_GPU);
    const bad = new TextEncoder().encode('.version 9.0\n.target sm_90\n.address_size 64\n bogus.op %r1;\n');
    const e = expectCode(() => backend.moduleLoad(bad, {}), INVALID_PTX);
    assert.equal(e.call, 'cuModuleLoadDataEx');
    assert.match(e.explanation, /PTX JIT compilation failed — error log: line 4, column 1, at 'bogus.op': unknown instruction/);
    const unavailableEngine: EmuEngine = {
      compile: (_ptx, call) => fail(JIT_COMPILER_NOT_FOUND, call, 'no PTX execution engine'),
    };
    const placeholder = new EmulatedBackend(unavailableEngine, 1, { memoryBytes: 1 << 20 });
    placeholder.contextCreate(0, 0);
    expectCode(() => placeholder.moduleLoad(kernelsPtx(), {}), JIT_COMPILER_NOT_FOUND);
  });

  test('the verbose info log and CU_JIT_MAX_REGISTERS', () => {
    const { backend } = setup();
    backend.contextCreate(0, 0);
    const { module, infoLog } = backend.moduleLoad(kernelsPtx(), { logVerbose: true, maxRegisters: 16 });
    assert.match(infoLog, /Function properties for saxpy: 16 registers, 0 bytes smem, 0 bytes lmem, 16 bytes cmem\[3\]/);
    assert.equal(backend.functionAttribute(backend.moduleFunction(module, 'saxpy'), FA.NUM_REGS), 16);
  });
});

describe('emulated modules: function attributes and parameters', () => {
  test('attributes from the kernel info', () => {
    const { backend, saxpyFn, helloFn } = loaded();
    const attr = (fn: FunctionHandle, a: number): number => backend.functionAttribute(fn, a);
    assert.equal(attr(saxpyFn, FA.MAX_THREADS), 1024);
    assert.equal(attr(saxpyFn, FA.NUM_REGS), 28, 'the registers the PTX declares: 2 + 7 + 7 + 12');
    assert.equal(attr(saxpyFn, FA.SHARED), 0);
    assert.equal(attr(saxpyFn, FA.CONST), 16);
    assert.equal(attr(helloFn, FA.LOCAL), 8);
    assert.equal(attr(saxpyFn, FA.PTX_VERSION), 90);
    assert.equal(attr(saxpyFn, FA.BINARY_VERSION), 90);
    assert.equal(attr(saxpyFn, FA.MAX_DYNAMIC_SHARED), 49152);
    assert.equal(attr(saxpyFn, FA.CARVEOUT), -1);
    expectCode(() => attr(saxpyFn, 99), INVALID_VALUE);
  });

  test('settable attributes and their ranges', () => {
    const { backend, saxpyFn } = loaded();
    backend.functionSetAttribute(saxpyFn, FA.MAX_DYNAMIC_SHARED, 200_000);
    assert.equal(backend.functionAttribute(saxpyFn, FA.MAX_DYNAMIC_SHARED), 200_000);
    expectCode(() => backend.functionSetAttribute(saxpyFn, FA.MAX_DYNAMIC_SHARED, 232_449), INVALID_VALUE);
    backend.functionSetAttribute(saxpyFn, FA.CARVEOUT, 50);
    expectCode(() => backend.functionSetAttribute(saxpyFn, FA.CARVEOUT, 101), INVALID_VALUE);
    expectCode(() => backend.functionSetAttribute(saxpyFn, FA.NUM_REGS, 32), INVALID_VALUE);
    expectCode(() => backend.functionSetAttribute(saxpyFn, FA.NON_PORTABLE, 2), INVALID_VALUE);
  });

  test('parameter slots follow the PTX .param list', () => {
    const { backend, saxpyFn, helloFn } = loaded();
    const slots = [0, 1, 2, 3].map((i) => backend.functionParamInfo(saxpyFn, i));
    assert.deepEqual(slots, [{ offset: 0, size: 4 }, { offset: 4, size: 4 }, { offset: 8, size: 8 }, { offset: 16, size: 8 }]);
    assert.equal(backend.functionParamInfo(saxpyFn, 4), null);
    assert.equal(backend.functionParamInfo(helloFn, 0), null);
    expectCode(() => backend.functionParamInfo(saxpyFn, -1), INVALID_VALUE);
  });

  test('register and directive limits shape MAX_THREADS_PER_BLOCK', () => {
    const { backend, engine } = setup();
    engine.overrides.set('saxpy', { registerCount: 128 });
    engine.overrides.set('hello', { maxThreadsPerBlock: 256, registerCount: 200 });
    backend.contextCreate(0, 0);
    const { module } = backend.moduleLoad(kernelsPtx(), {});
    const s = backend.moduleFunction(module, 'saxpy');
    const h = backend.moduleFunction(module, 'hello');
    assert.equal(backend.functionAttribute(s, FA.MAX_THREADS), 512);
    assert.equal(backend.functionAttribute(h, FA.MAX_THREADS), 256);
    assert.equal(backend.functionAttribute(h, FA.NUM_REGS), 200, '256 threads × 200 registers fit');
  });
});

describe('emulated modules: launches', () => {
  test('saxpy end to end: parameters, a constant, device memory', () => {
    const { backend, engine, saxpyFn, params } = loaded();
    const n = 10;
    const x = backend.memAlloc(4 * n);
    const y = backend.memAlloc(4 * n);
    backend.memcpyHtoD(x, new Uint8Array(Float32Array.from({ length: n }, (_, i) => i).buffer));
    backend.memcpyHtoD(y, new Uint8Array(new Float32Array(n).fill(1).buffer));
    backend.launch(saxpyFn, dims(1, 32), saxpyArgs(params(saxpyFn), n, 2, x, y), S0);
    const out = new Uint8Array(4 * n);
    backend.memcpyDtoH(out, y);
    assert.deepEqual(f32(out), [1, 4, 7, 10, 9, 12, 15, 18, 17, 20]);
    assert.equal(engine.launches.length, 1);
    assert.deepEqual(engine.launches[0]!.grid, [1, 1, 1]);
    assert.deepEqual(engine.launches[0]!.block, [32, 1, 1]);
    assert.deepEqual(engine.launches[0]!.cluster, [1, 1, 1]);
  });

  test('the driver\'s checks of the execution configuration', () => {
    const { backend, saxpyFn, params } = loaded();
    const p = params(saxpyFn);
    expectCode(() => backend.launch(saxpyFn, dims(0, 32), p, S0), INVALID_VALUE);
    expectCode(() => backend.launch(saxpyFn, dims(1, 0), p, S0), INVALID_VALUE);
    expectCode(() => backend.launch(saxpyFn, dims(1, 1025), p, S0), INVALID_VALUE);
    expectCode(() => backend.launch(saxpyFn, dims(1, 1, 0, { blockZ: 65 }), p, S0), INVALID_VALUE);
    expectCode(() => backend.launch(saxpyFn, dims(1, 64, 0, { blockY: 32 }), p, S0), INVALID_VALUE);
    expectCode(() => backend.launch(saxpyFn, dims(1, 1, 0, { gridY: 65536 }), p, S0), INVALID_VALUE);
    backend.launch(saxpyFn, dims(2 ** 31 - 1, 1), saxpyArgs(p, 0, 0, 0n as DevicePointer, 0n as DevicePointer), S0);
    const e = expectCode(() => backend.launch(saxpyFn, dims(1, 32, 49153), p, S0), INVALID_VALUE);
    assert.match(e.explanation, /raise CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES/);
    backend.functionSetAttribute(saxpyFn, FA.MAX_DYNAMIC_SHARED, 100_000);
    backend.launch(saxpyFn, dims(1, 32, 100_000), p, S0);
    expectCode(() => backend.launch(saxpyFn, dims(1, 32), backend.createParamBlock([{ offset: 0, size: 4 }]), S0), INVALID_VALUE);
  });

  test('too many threads: CUDA_ERROR_INVALID_VALUE for .maxntid/.reqntid, LAUNCH_OUT_OF_RESOURCES for registers', () => {
    const { backend, engine } = setup();
    engine.overrides.set('saxpy', { registerCount: 255 });
    engine.overrides.set('hello', { requiredBlock: [64, 2, 1], maxThreadsPerBlock: 128 });
    backend.contextCreate(0, 0);
    const { module } = backend.moduleLoad(kernelsPtx(), {});
    const s = backend.moduleFunction(module, 'saxpy');
    const h = backend.moduleFunction(module, 'hello');
    const p = backend.createParamBlock([{ offset: 0, size: 24 }]);
    const e = expectCode(() => backend.launch(s, dims(1, 512), p, S0), LAUNCH_OUT_OF_RESOURCES);
    assert.match(e.explanation, /too many resources requested for launch/);
    backend.launch(s, dims(1, 256), p, S0);
    expectCode(() => backend.launch(h, dims(1, 128), p, S0), INVALID_VALUE);
    backend.launch(h, dims(1, 64, 0, { blockY: 2 }), p, S0);
  });

  test('launchEx: clusters reach the engine, invalid clusters and oversized cooperative grids are refused', () => {
    const { backend, engine, saxpyFn, params } = loaded();
    const p = params(saxpyFn);
    backend.launchEx(saxpyFn, dims(8, 32), p, S0, { clusterDim: [4, 1, 1] });
    assert.deepEqual(engine.launches.at(-1)!.cluster, [4, 1, 1]);
    expectCode(() => backend.launchEx(saxpyFn, dims(6, 32), p, S0, { clusterDim: [4, 1, 1] }), INVALID_CLUSTER_SIZE);
    expectCode(() => backend.launchEx(saxpyFn, dims(16, 32), p, S0, { clusterDim: [16, 1, 1] }), INVALID_CLUSTER_SIZE);
    backend.functionSetAttribute(saxpyFn, FA.NON_PORTABLE, 1);
    backend.launchEx(saxpyFn, dims(16, 32), p, S0, { clusterDim: [16, 1, 1] });
    backend.functionSetAttribute(saxpyFn, FA.CLUSTER_W, 2);
    backend.launch(saxpyFn, dims(4, 32), p, S0);
    assert.deepEqual(engine.launches.at(-1)!.cluster, [2, 1, 1], 'the required cluster size applies to plain launches');
    expectCode(() => backend.launchEx(saxpyFn, dims(4, 32), p, S0, { clusterDim: [4, 1, 1] }), INVALID_CLUSTER_SIZE);
    backend.functionSetAttribute(saxpyFn, FA.CLUSTER_W, 0);
    // 28 registers, 1024 threads: 2 blocks per SM × 132 SMs.
    backend.launchEx(saxpyFn, dims(264, 1024), p, S0, { cooperative: true });
    const e = expectCode(() => backend.launchEx(saxpyFn, dims(265, 1024), p, S0, { cooperative: true }), COOPERATIVE_LAUNCH_TOO_LARGE);
    assert.match(e.explanation, /264 that can be co-resident \(2 per SM × 132 SMs\)/);
  });

  test('a kernel of another context cannot be launched on this context\'s streams', () => {
    const { backend, saxpyFn, params } = loaded(2);
    const p = params(saxpyFn);
    const other = backend.contextCreate(1, 0);
    const e = expectCode(() => backend.launch(saxpyFn, dims(1, 1), p, S0), INVALID_HANDLE);
    assert.equal(e.call, 'cuLaunchKernel');
    const s = backend.streamCreate(0, 0);
    expectCode(() => backend.launch(saxpyFn, dims(1, 1), p, s), INVALID_HANDLE);
    backend.contextDestroy(other);
    backend.launch(saxpyFn, dims(1, 1), p, S0);
  });
});

describe('emulated modules: faults and printf', () => {
  test('a kernel fault is sticky for its device: the launch returns, every later call on the device fails', () => {
    const { backend, saxpyFn, params } = loaded(2);
    const ctx = backend.contextGetCurrent()!;
    const y = backend.memAlloc(16);
    const s = backend.streamCreate(0, 0);
    backend.launch(saxpyFn, dims(1, 8), saxpyArgs(params(saxpyFn), 8, 1, y, y), S0);
    const first = expectCode(() => backend.contextSynchronize(), ILLEGAL_ADDRESS);
    assert.ok(first.sticky);
    assert.equal(first.call, 'cuCtxSynchronize');
    assert.ok(first instanceof KernelFaultError, 'the synchronize reports the fault itself, with its site');
    assert.equal(first.site.kernel, 'saxpy');
    assert.ok(first.cause instanceof KernelFaultError);
    assert.match(first.explanation, /; the device stays unusable in this process .* — in kernel saxpy, block \(0,0,0\)/);
    assert.match(first.explanation, /4-byte access at 0x[0-9a-f]+: 0 bytes past the end of a 16-byte cuMemAlloc block at 0x[0-9a-f]+;/);
    for (const call of [() => backend.memAlloc(4), () => backend.streamSynchronize(s), () => backend.memFree(y), () => backend.launch(saxpyFn, dims(1, 1), params(saxpyFn), S0), () => backend.moduleFunctionNames(backend.moduleLoad(kernelsPtx(), {}).module)]) {
      expectCode(call, ILLEGAL_ADDRESS);
    }
    // As on the H100: creating or retaining another context on the faulted device fails too.
    expectCode(() => backend.contextCreate(0, 0), ILLEGAL_ADDRESS);
    expectCode(() => backend.primaryContextRetain(0), ILLEGAL_ADDRESS);
    backend.contextDestroy(ctx);
    // Another device is unaffected.
    backend.contextCreate(1, 0);
    backend.memAlloc(4);
  });

  test('a primary context reset does not clear a sticky fault', () => {
    const { backend, engine } = setup();
    engine.behaviours.set('hello', (run) => run.fault(8, 4));
    const p = backend.primaryContextRetain(0);
    backend.contextSetCurrent(p);
    const { module } = backend.moduleLoad(kernelsPtx(), {});
    backend.launch(backend.moduleFunction(module, 'hello'), dims(1, 1), backend.createParamBlock([]), S0);
    const e = expectCode(() => backend.memAlloc(4), ILLEGAL_ADDRESS);
    assert.match(e.explanation, /null pointer plus 8/);
    backend.primaryContextReset(0);
    expectCode(() => backend.memAlloc(4), ILLEGAL_ADDRESS);
  });

  test('engine errors that are not faults: non-sticky driver errors pass through, crashes become sticky launch failures', () => {
    const { backend, engine, helloFn, params } = loaded();
    engine.behaviours.set('hello', () => {
      throw new DriverError({ code: 701, codeName: 'CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES', explanation: 'too much local memory', call: 'engine' });
    });
    expectCode(() => backend.launch(helloFn, dims(1, 1), params(helloFn), S0), LAUNCH_OUT_OF_RESOURCES);
    backend.memAlloc(4);
    engine.behaviours.set('hello', () => {
      throw new TypeError('engine bug');
    });
    backend.launch(helloFn, dims(1, 1), params(helloFn), S0);
    const e = expectCode(() => backend.contextSynchronize(), 719);
    assert.match(e.explanation, /engine bug/);
  });

  test('printf output is buffered per context and written in order at synchronize points', () => {
    const { backend, helloFn, params, printed, module } = loaded();
    const p = params(helloFn);
    backend.launch(helloFn, dims(1, 2), p, S0);
    assert.deepEqual(printed, [], 'nothing before a synchronize point');
    backend.contextSynchronize();
    assert.deepEqual(printed, ['hi 0\nhi 1\n']);
    backend.launch(helloFn, dims(1, 1), p, S0);
    backend.launch(helloFn, dims(1, 3), p, S0);
    assert.deepEqual(printed.slice(1), ['hi 0\n'], 'a launch flushes the output of earlier kernels first');
    const s = backend.streamCreate(0, 0);
    backend.streamSynchronize(s);
    assert.deepEqual(printed.slice(2), ['hi 0\nhi 1\nhi 2\n']);
    backend.launch(helloFn, dims(1, 1), p, S0);
    const out = new Uint8Array(4);
    const counter = backend.moduleGlobal(module, 'counter').pointer;
    backend.memcpyDtoH(out, counter, S0);
    assert.equal(printed.length, 3, 'an asynchronous copy does not flush');
    backend.memcpyDtoH(out, counter);
    assert.deepEqual(printed.slice(3), ['hi 0\n'], 'a blocking copy does');
    assert.equal(new DataView(out.buffer).getUint32(0, true), 7);
    backend.launch(helloFn, dims(2, 1), p, S0);
    const ev = backend.eventCreate(0);
    backend.eventRecord(ev, S0);
    backend.eventSynchronize(ev);
    assert.deepEqual(printed.slice(4), ['hi 0\nhi 0\n']);
    backend.launch(helloFn, dims(1, 1), p, S0);
    backend.contextDestroy(backend.contextGetCurrent()!);
    assert.deepEqual(printed.slice(5), ['hi 0\n'], 'context destruction flushes');
  });

  test('the printf buffer is bounded like the GPU FIFO: overflow is dropped', () => {
    const { backend, engine, printed } = setup(1, { printfBufferBytes: 12 });
    engine.behaviours.set('hello', hello);
    backend.contextCreate(0, 0);
    const { module } = backend.moduleLoad(kernelsPtx(), {});
    backend.launch(backend.moduleFunction(module, 'hello'), dims(1, 5), backend.createParamBlock([]), S0);
    backend.contextSynchronize();
    assert.deepEqual(printed, ['hi 0\nhi 1\n']);
  });
});
