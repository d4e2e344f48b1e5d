/**
 * The native backend end to end against a mock libcuda (test/fixtures/mock-libcuda.c, built here
 * against the real cuda.h): every value crosses the real koffi bindings, so this checks symbols,
 * out-parameters, 64-bit values, the parameter block, the launch configuration, the JIT logs, and
 * that asynchronous copies use the caller's own memory. It does not check CUDA semantics: the GPU
 * tier (test/gpu) does.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import koffi from 'koffi';
import { CudaError, DriverError } from '../../src/errors.js';
import type { Backend, DevicePointer, FunctionHandle, StreamHandle } from '../../src/backend/types.js';
import { DEFAULT_STREAM } from '../../src/backend/types.js';
import { CUdevice_attribute, CUresult } from '../../src/raw/driver-types.js';
import { compilerSkipReason } from '../support/cuda-headers.js';
import { buildMockLibcuda } from '../support/mock-driver.js';

const skip = compilerSkipReason();
const encoder = new TextEncoder();

describe('native backend over a mock libcuda', { skip }, () => {
  let b: Backend;
  let mockPath: string;

  before(async () => {
    mockPath = buildMockLibcuda();
    process.env['CUDAJS_LIBCUDA_PATH'] = mockPath;
    const { createNativeBackend } = await import('../../src/backend/native/index.js');
    b = createNativeBackend();
  });

  test('loads the library named by CUDAJS_LIBCUDA_PATH and describes itself', () => {
    assert.equal(b.kind, 'gpu');
    assert.match(b.description, /CUDAJS_LIBCUDA_PATH/);
    assert.match(b.description, /driver API 13\.0/);
    assert.equal(b.driverVersion(), 13000);
  });

  test('devices: ordinals map to CUdevice handles, strings and 64-bit values come back intact', () => {
    assert.equal(b.deviceCount(), 2);
    assert.equal(b.deviceName(1), 'Mock GPU 1');
    assert.deepEqual([...b.deviceUuid(1)].slice(0, 3), [101, 102, 103]);
    assert.equal(b.deviceAttribute(1, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK), 11);
    assert.equal(b.deviceTotalMemory(0), 2 ** 40);
    assert.equal(b.deviceCanAccessPeer(0, 1), true);
    assert.equal(b.deviceCanAccessPeer(1, 1), false);
  });

  test('primary contexts', () => {
    const ctx = b.primaryContextRetain(0);
    assert.notEqual(ctx, 0n);
    assert.equal(b.primaryContextRetain(0), ctx);
    assert.deepEqual(b.primaryContextState(0), { flags: 4, active: true });
    b.primaryContextRelease(0);
    b.primaryContextRelease(0);
    assert.deepEqual(b.primaryContextState(0), { flags: 4, active: false });
  });

  test('contexts: create, current, push/pop, id, device', () => {
    assert.equal(b.contextGetCurrent(), null);
    const a = b.contextCreate(0, 0);
    assert.equal(b.contextGetCurrent(), a);
    const other = b.contextCreate(1, 0);
    assert.equal(b.contextPop(), other);
    assert.equal(b.contextGetCurrent(), a);
    b.contextPush(other);
    assert.equal(b.contextGetCurrent(), other);
    b.contextSetCurrent(null);
    assert.equal(b.contextGetCurrent(), a);
    assert.equal(b.contextGetId(a), a + 0x1_0000_0000n);
    assert.equal(b.contextGetDevice(), 1, 'CUdevice 101 maps back to ordinal 1');
    assert.deepEqual(b.memoryInfo(), { free: 3 * 2 ** 32, total: 2 ** 36 });
    assert.deepEqual(b.streamPriorityRange(), { least: 0, greatest: -5 });
    b.contextDestroy(other);
  });

  test('synchronous copies and memset', () => {
    const d = b.memAlloc(16);
    b.memcpyHtoD(d, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    const out = new Uint8Array(8);
    b.memcpyDtoH(out, d);
    assert.deepEqual([...out], [1, 2, 3, 4, 5, 6, 7, 8]);
    const e = b.memAlloc(16);
    b.memcpyDtoD(e, d, 8);
    b.memset(e, 0xab, 1, 2);
    b.memset((e + 4n) as DevicePointer, 0x1234, 2, 1);
    const words = new Uint16Array(4);
    b.memcpyDtoH(new Uint8Array(words.buffer), e);
    assert.deepEqual([...words], [0xabab, 0x0403, 0x1234, 0x0807]);
    b.memset(e, 0xdeadbeef, 4, 2);
    const u32 = new Uint32Array(2);
    b.memcpyDtoH(new Uint8Array(u32.buffer), e);
    assert.deepEqual([...u32], [0xdeadbeef, 0xdeadbeef]);
    b.memFree(d);
    b.memFree(e);
  });

  test('asynchronous copies read and write the caller\'s own memory, after the call returns', () => {
    const stream = b.streamCreate(0, 0);
    const d = b.memAlloc(32);
    const whole = new Uint8Array(64);
    const src = whole.subarray(16, 24);
    src.set([9, 8, 7, 6, 5, 4, 3, 2]);
    b.memcpyHtoD(d, src, stream);
    src.fill(0xee); // the mock copies at synchronize time: it must see these bytes
    const dst = new Uint8Array(8);
    b.memcpyDtoH(dst, d, stream);
    assert.deepEqual([...dst], [0, 0, 0, 0, 0, 0, 0, 0], 'nothing copied before the stream runs');
    assert.equal(b.streamQuery(stream), false, 'CUDA_ERROR_NOT_READY is false');
    b.streamSynchronize(stream);
    assert.equal(b.streamQuery(stream), true);
    assert.deepEqual([...dst], [0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee]);
    b.memFree(d);
    b.streamDestroy(stream);
  });

  test('peer copies name both contexts; peer access reports the driver\'s codes', () => {
    const c0 = b.primaryContextRetain(0);
    const c1 = b.primaryContextRetain(1);
    const src = b.memAlloc(8);
    const dst = b.memAlloc(8);
    b.memcpyHtoD(src, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    b.memcpyPeer(dst, c1, src, c0, 8);
    const out = new Uint8Array(8);
    b.memcpyDtoH(out, dst);
    assert.deepEqual([...out], [1, 2, 3, 4, 5, 6, 7, 8]);
    const stream = b.streamCreate(0, 0);
    b.memset(dst, 0, 1, 8);
    b.memcpyPeer(dst, c1, src, c0, 8, stream);
    b.memcpyDtoH(out, dst);
    assert.deepEqual([...out], [0, 0, 0, 0, 0, 0, 0, 0], 'cuMemcpyPeerAsync is queued on the stream');
    b.streamSynchronize(stream);
    b.memcpyDtoH(out, dst);
    assert.deepEqual([...out], [1, 2, 3, 4, 5, 6, 7, 8]);
    b.contextPush(c1);
    b.contextEnablePeerAccess(c0);
    assert.throws(() => b.contextEnablePeerAccess(c0), (e: unknown) => e instanceof DriverError && e.code === CUresult.CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED);
    b.contextDisablePeerAccess(c0);
    assert.throws(() => b.contextDisablePeerAccess(c0), (e: unknown) => e instanceof DriverError && e.code === CUresult.CUDA_ERROR_PEER_ACCESS_NOT_ENABLED);
    b.contextPop();
    b.streamDestroy(stream);
    b.memFree(src);
    b.memFree(dst);
    b.primaryContextRelease(0);
    b.primaryContextRelease(1);
  });

  test('pinned, managed and registered host memory', () => {
    const pinned = b.memAllocHost(64, 0);
    assert.equal(pinned.bytes.length, 64);
    pinned.bytes[3] = 42;
    assert.equal(koffi.decode(pinned.pointer, 3, 'uint8'), 42, 'the view is the allocation itself');
    b.memFreeHost(pinned.pointer);
    const managed = b.memAllocManaged(16);
    managed.bytes.set([1, 2, 3]);
    const out = new Uint8Array(3);
    b.memcpyDtoH(out, managed.pointer);
    assert.deepEqual([...out], [1, 2, 3]);
    b.memFree(managed.pointer);

    const buffer = Buffer.alloc(4096);
    const host = b.memHostRegister(buffer, 0);
    assert.equal(host, koffi.address(buffer));
    const lib = koffi.load(mockPath);
    const registeredBytes = lib.func('mockRegisteredBytes', 'size_t', ['void *']) as (p: bigint) => number;
    assert.equal(registeredBytes(host), 4096);
    assert.throws(() => b.memHostRegister(buffer, 0), { codeName: 'CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED', call: 'cuMemHostRegister' });
    b.memHostUnregister(host);
  });

  test('modules: PTX is NUL-terminated, options reach the JIT, logs come back', () => {
    const ptx = encoder.encode('.version 9.0\n.target sm_90\n');
    const loaded = b.moduleLoad(ptx, { maxRegisters: 40 });
    assert.notEqual(loaded.module, 0n);
    assert.equal(loaded.infoLog, `ptxas mock: ${ptx.length} bytes, max registers 40`);
    assert.deepEqual(b.moduleFunctionNames(loaded.module), ['kernelA', 'kernelB']);
    const global = b.moduleGlobal(loaded.module, 'counter');
    assert.equal(global.bytes, 4);
    const value = new Int32Array(1);
    b.memcpyDtoH(new Uint8Array(value.buffer), global.pointer);
    assert.equal(value[0], 7);
    assert.throws(() => b.moduleFunction(loaded.module, 'missing'), { codeName: 'CUDA_ERROR_NOT_FOUND', call: 'cuModuleGetFunction' });
    const fn = b.moduleFunction(loaded.module, 'kernelB');
    assert.deepEqual(b.functionParamInfo(fn, 0), { offset: 0, size: 4 });
    assert.deepEqual(b.functionParamInfo(fn, 1), { offset: 8, size: 8 });
    assert.equal(b.functionParamInfo(fn, 2), null);
    assert.equal(b.functionAttribute(fn, 0), 1000);
    assert.equal(b.occupancyMaxActiveBlocks(fn, 256, 0), 8);
    assert.deepEqual(b.occupancyMaxPotentialBlockSize(fn, 0, 512), { minGridSize: 132, blockSize: 512 });
    b.moduleUnload(loaded.module);
  });

  test('a JIT failure is a DriverError whose explanation carries the error log', () => {
    assert.throws(() => b.moduleLoad(encoder.encode('.version 9.0\nBAD\n'), {}), (e: unknown) => {
      assert.ok(e instanceof DriverError);
      assert.equal(e.code, CUresult.CUDA_ERROR_INVALID_PTX);
      assert.equal(e.call, 'cuModuleLoadDataEx');
      assert.match(e.explanation, /JIT log:\nptxas mock: syntax error near BAD \(image of 17 bytes\)/);
      return true;
    });
  });

  test('launch: the kernel receives the values written into the parameter block', () => {
    const { module } = b.moduleLoad(encoder.encode('ok'), {});
    const fn = b.moduleFunction(module, 'kernelA') as FunctionHandle;
    const out = b.memAlloc(64);
    const slots = [b.functionParamInfo(fn, 0)!, b.functionParamInfo(fn, 1)!];
    const params = b.createParamBlock(slots);
    params.view.setInt32(0, 42, true);
    params.view.setBigUint64(8, out, true);
    b.launch(fn, { gridX: 3, gridY: 2, gridZ: 1, blockX: 64, blockY: 1, blockZ: 1, sharedMemBytes: 256 }, params, DEFAULT_STREAM);
    const seen = new Int32Array(9);
    b.memcpyDtoH(new Uint8Array(seen.buffer), out);
    assert.deepEqual([...seen], [42, 3, 2, 1, 64, 1, 1, 256, 0]);
  });

  test('launchEx: configuration and attributes reach cuLaunchKernelEx', () => {
    const { module } = b.moduleLoad(encoder.encode('ok'), {});
    const fn = b.moduleFunction(module, 'kernelA');
    const out = b.memAlloc(128);
    const params = b.createParamBlock([{ offset: 0, size: 4 }, { offset: 8, size: 8 }]);
    params.view.setInt32(0, -1, true);
    params.view.setBigUint64(8, out, true);
    const stream = b.streamCreate(0, 0) as StreamHandle;
    b.launchEx(fn, { gridX: 4, gridY: 1, gridZ: 1, blockX: 32, blockY: 1, blockZ: 1, sharedMemBytes: 0 }, params, stream,
      { cooperative: true, clusterDim: [2, 1, 1], programmaticStreamSerialization: false, priority: -3 });
    const seen = new Int32Array(25);
    b.memcpyDtoH(new Uint8Array(seen.buffer), out);
    assert.deepEqual([...seen.slice(0, 9)], [-1, 4, 1, 1, 32, 1, 1, 0, 4]);
    assert.deepEqual([...seen.slice(9, 11)], [2, 1]);
    assert.deepEqual([...seen.slice(13, 17)], [4, 2, 1, 1]);
    assert.deepEqual([...seen.slice(17, 19)], [6, 0]);
    assert.deepEqual([...seen.slice(21, 23)], [8, -3]);
  });

  test('events', () => {
    const e = b.eventCreate(2);
    assert.equal(b.eventQuery(e), false, 'not recorded yet: CUDA_ERROR_NOT_READY is false');
    b.eventRecord(e, DEFAULT_STREAM);
    assert.equal(b.eventQuery(e), true);
    b.eventSynchronize(e);
    assert.equal(b.eventElapsedTime(e, e), 1.5);
    b.streamWaitEvent(DEFAULT_STREAM, e);
    b.eventDestroy(e);
  });

  test('a function the library lacks throws CUDAJS_SYMBOL_NOT_FOUND when called, not when loading', async () => {
    const { driverApi } = await import('../../src/raw/driver.js');
    const api = driverApi();
    const fn = api.cuGraphCreate;
    assert.throws(() => fn(new BigUint64Array(1), 0), (e: unknown) => {
      assert.ok(e instanceof CudaError);
      assert.equal(e.codeName, 'CUDAJS_SYMBOL_NOT_FOUND');
      assert.equal(e.call, 'cuGraphCreate');
      assert.match(e.explanation, /does not export cuGraphCreate/);
      return true;
    });
  });
});
