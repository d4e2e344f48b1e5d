/**
 * GPU tier: modules from PTX, parameter blocks, cuLaunchKernel and cuLaunchKernelEx on a real GPU
 * through the native backend. Kernels: test/fixtures/native-kernels.cu (compiled to PTX for
 * compute_75) and native-cluster.cu (compute_90).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DriverError } from '../../src/errors.js';
import { CUdevice_attribute, CUfunction_attribute, CUresult } from '../../src/raw/driver-types.js';
import { DEFAULT_STREAM } from '../../src/backend/types.js';
import type { Backend, DevicePointer, FunctionHandle, LaunchDims, ModuleHandle, ParamSlot } from '../../src/backend/types.js';
import { gpuSkipReason } from '../support/gpu.js';
import { fixtureBytes } from '../support/paths.js';

const dims = (grid: number, block: number, sharedMemBytes = 0): LaunchDims =>
  ({ gridX: grid, gridY: 1, gridZ: 1, blockX: block, blockY: 1, blockZ: 1, sharedMemBytes });

function paramSlots(b: Backend, fn: FunctionHandle): ParamSlot[] {
  const slots: ParamSlot[] = [];
  for (let slot = b.functionParamInfo(fn, 0); slot !== null; slot = b.functionParamInfo(fn, slots.length)) slots.push(slot);
  return slots;
}

function readInts(b: Backend, pointer: DevicePointer, count: number): number[] {
  const out = new Int32Array(count);
  b.memcpyDtoH(new Uint8Array(out.buffer), pointer);
  return [...out];
}

describe('native backend: modules and launches', { skip: gpuSkipReason() }, () => {
  let b: Backend;
  let module: ModuleHandle;

  before(async () => {
    const { createNativeBackend } = await import('../../src/backend/native/index.js');
    b = createNativeBackend();
    b.contextSetCurrent(b.primaryContextRetain(0));
    module = b.moduleLoad(fixtureBytes('native-kernels.ptx'), {}).module;
  });

  after(() => {
    b.moduleUnload(module);
    b.contextSetCurrent(null);
    b.primaryContextRelease(0);
  });

  test('the module lists its kernels; parameter layouts come from cuFuncGetParamInfo', () => {
    assert.deepEqual(b.moduleFunctionNames(module).sort(), ['add_one', 'axpy', 'bump_counter', 'describe_launch']);
    assert.deepEqual(paramSlots(b, b.moduleFunction(module, 'axpy')), [
      { offset: 0, size: 4 }, { offset: 8, size: 8 }, { offset: 16, size: 8 }, { offset: 24, size: 4 },
    ]);
    assert.deepEqual(paramSlots(b, b.moduleFunction(module, 'bump_counter')), []);
    assert.throws(() => b.moduleFunction(module, 'no_such_kernel'), { code: CUresult.CUDA_ERROR_NOT_FOUND, call: 'cuModuleGetFunction' });
  });

  test('launch: a parameter block written once and launched twice', () => {
    const n = 1000;
    const x = Float32Array.from({ length: n }, (_, i) => i * 0.5);
    const d = b.memAlloc(n * 4);
    b.memcpyHtoD(d, new Uint8Array(x.buffer));
    const fn = b.moduleFunction(module, 'add_one');
    const slots = paramSlots(b, fn);
    const params = b.createParamBlock(slots);
    params.view.setBigUint64(slots[0]!.offset, d, true);
    params.view.setInt32(slots[1]!.offset, n, true);
    b.launch(fn, dims(Math.ceil(n / 256), 256), params, DEFAULT_STREAM);
    b.launch(fn, dims(Math.ceil(n / 256), 256), params, DEFAULT_STREAM);
    b.contextSynchronize();
    const out = new Float32Array(n);
    b.memcpyDtoH(new Uint8Array(out.buffer), d);
    for (let i = 0; i < n; i++) assert.equal(out[i], x[i]! + 2, `x[${i}]`);
    b.memFree(d);
  });

  test('launch: parameters of mixed sizes (float, pointers, int)', () => {
    const n = 300;
    const x = Float32Array.from({ length: n }, (_, i) => i);
    const y = Float32Array.from({ length: n }, (_, i) => 1000 - i);
    const dx = b.memAlloc(n * 4);
    const dy = b.memAlloc(n * 4);
    b.memcpyHtoD(dx, new Uint8Array(x.buffer));
    b.memcpyHtoD(dy, new Uint8Array(y.buffer));
    const fn = b.moduleFunction(module, 'axpy');
    const [a, px, py, pn] = paramSlots(b, fn);
    const params = b.createParamBlock([a!, px!, py!, pn!]);
    params.view.setFloat32(a!.offset, 2.5, true);
    params.view.setBigUint64(px!.offset, dx, true);
    params.view.setBigUint64(py!.offset, dy, true);
    params.view.setInt32(pn!.offset, n, true);
    b.launch(fn, dims(3, 128), params, DEFAULT_STREAM);
    const out = new Float32Array(n);
    b.memcpyDtoH(new Uint8Array(out.buffer), dy); // synchronous copy on the legacy stream waits for the kernel
    for (let i = 0; i < n; i++) assert.equal(out[i], 2.5 * x[i]! + y[i]!, `y[${i}]`);
    b.memFree(dx);
    b.memFree(dy);
  });

  test('a kernel without parameters, and a __device__ variable', () => {
    const counter = b.moduleGlobal(module, 'counter');
    assert.equal(counter.bytes, 4);
    assert.deepEqual(readInts(b, counter.pointer, 1), [7]);
    b.memcpyHtoD(counter.pointer, new Uint8Array(new Int32Array([100]).buffer));
    b.launch(b.moduleFunction(module, 'bump_counter'), dims(2, 64), b.createParamBlock([]), DEFAULT_STREAM);
    b.contextSynchronize();
    assert.deepEqual(readInts(b, counter.pointer, 1), [228]);
  });

  test('launchEx: cooperative launch with a priority', () => {
    assert.equal(b.deviceAttribute(0, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COOPERATIVE_LAUNCH), 1);
    const fn = b.moduleFunction(module, 'describe_launch');
    const slots = paramSlots(b, fn);
    const out = b.memAlloc(16);
    const params = b.createParamBlock(slots);
    params.view.setInt32(slots[0]!.offset, 1234, true);
    params.view.setBigUint64(slots[1]!.offset, out, true);
    const stream = b.streamCreate(0, b.streamPriorityRange().greatest);
    const counter = readInts(b, b.moduleGlobal(module, 'counter').pointer, 1)[0];
    b.launchEx(fn, dims(2, 64), params, stream, { cooperative: true, priority: 0 });
    b.streamSynchronize(stream);
    assert.deepEqual(readInts(b, out, 4), [1234, 2, 64, counter]);
    b.streamDestroy(stream);
    b.memFree(out);
  });

  test('launchEx: thread-block clusters and programmatic stream serialization (sm_90+)', (t) => {
    if (b.deviceAttribute(0, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR) < 9) {
      t.skip('clusters need compute capability 9.0');
      return;
    }
    const cluster = b.moduleLoad(fixtureBytes('native-cluster.ptx'), {}).module;
    const fn = b.moduleFunction(cluster, 'cluster_size');
    const out = b.memAlloc(4);
    const params = b.createParamBlock(paramSlots(b, fn));
    params.view.setBigUint64(params.slots[0]!.offset, out, true);
    const stream = b.streamCreate(0, 0);
    b.launchEx(fn, dims(4, 32), params, stream, { clusterDim: [2, 1, 1], programmaticStreamSerialization: true });
    b.streamSynchronize(stream);
    b.streamDestroy(stream);
    assert.deepEqual(readInts(b, out, 1), [2]);
    b.launch(fn, dims(4, 32), params, DEFAULT_STREAM);
    b.contextSynchronize();
    assert.deepEqual(readInts(b, out, 1), [1], 'without the attribute each block is its own cluster');
    b.memFree(out);
    b.moduleUnload(cluster);
  });

  test('JIT options reach the compiler and its log comes back', () => {
    // A comment unique to this run keeps the driver's JIT cache from skipping the compilation.
    const text = new TextDecoder().decode(fixtureBytes('native-kernels.ptx')) + `\n// ${process.pid} ${Date.now()}\n`;
    const loaded = b.moduleLoad(new TextEncoder().encode(text), { logVerbose: true, maxRegisters: 32, optimizationLevel: 3 });
    assert.match(loaded.infoLog, /add_one/);
    const fn = b.moduleFunction(loaded.module, 'axpy');
    assert.ok(b.functionAttribute(fn, CUfunction_attribute.CU_FUNC_ATTRIBUTE_NUM_REGS) <= 32);
    b.moduleUnload(loaded.module);
  });

  test('malformed PTX: a DriverError whose explanation has the JIT error log', () => {
    const bad = '.version 9.0\n.target sm_75\n.address_size 64\n.visible .entry broken()\n{\n\tnot_an_instruction.u32 %r1;\n\tret;\n}\n';
    assert.throws(() => b.moduleLoad(new TextEncoder().encode(bad), {}), (e: unknown) => {
      assert.ok(e instanceof DriverError, String(e));
      assert.equal(e.code, CUresult.CUDA_ERROR_INVALID_PTX);
      assert.equal(e.call, 'cuModuleLoadDataEx');
      assert.match(e.explanation, /JIT log:\n[\s\S]*error/i);
      return true;
    });
  });

  test('function attributes and occupancy', () => {
    const fn = b.moduleFunction(module, 'add_one');
    assert.ok(b.functionAttribute(fn, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK) >= 256);
    b.functionSetAttribute(fn, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, 1024);
    assert.equal(b.functionAttribute(fn, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES), 1024);
    assert.ok(b.occupancyMaxActiveBlocks(fn, 256, 0) >= 1);
    const best = b.occupancyMaxPotentialBlockSize(fn, 0, 0);
    assert.ok(best.blockSize > 0 && best.blockSize <= 1024 && best.minGridSize > 0, JSON.stringify(best));
  });

  test('an invalid launch configuration is a DriverError naming cuLaunchKernelEx', () => {
    const fn = b.moduleFunction(module, 'bump_counter');
    assert.throws(() => b.launch(fn, dims(1, 4096), b.createParamBlock([]), DEFAULT_STREAM), {
      code: CUresult.CUDA_ERROR_INVALID_VALUE, call: 'cuLaunchKernelEx', sticky: false,
    });
  });

  test('launch cost (informational)', (t) => {
    const fn = b.moduleFunction(module, 'bump_counter');
    const params = b.createParamBlock([]);
    const d = dims(1, 32);
    for (let k = 0; k < 1000; k++) b.launch(fn, d, params, DEFAULT_STREAM);
    b.contextSynchronize();
    const n = 20000;
    const start = process.hrtime.bigint();
    for (let k = 0; k < n; k++) b.launch(fn, d, params, DEFAULT_STREAM);
    const micros = Number(process.hrtime.bigint() - start) / 1000 / n;
    b.contextSynchronize();
    t.diagnostic(`${micros.toFixed(2)} µs per asynchronous launch (no arguments)`);
    assert.ok(micros > 0);
  });
});
