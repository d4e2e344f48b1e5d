import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { DevicePointer, HostPointer, StreamHandle } from '../../src/backend/types.js';
import { expectCode, setup } from './emulated-backend-double.js';

const INVALID_VALUE = 1;
const OUT_OF_MEMORY = 2;
const HOST_MEMORY_ALREADY_REGISTERED = 712;
const HOST_MEMORY_NOT_REGISTERED = 713;
const MiB = 1 << 20;

const at = (p: DevicePointer, offset: number): DevicePointer => (p + BigInt(offset)) as DevicePointer;

function withContext(deviceCount = 1, memoryBytes = 64 * MiB) {
  const env = setup(deviceCount, { memoryBytes });
  env.backend.contextCreate(0, 0);
  return env;
}

describe('emulated memory: allocation', () => {
  test('cuMemAlloc: realistic 256-aligned addresses, memGetInfo accounting, size checks', () => {
    const { backend } = withContext();
    const { free, total } = backend.memoryInfo();
    assert.equal(total, 64 * MiB);
    assert.equal(free, total);
    const p = backend.memAlloc(1000);
    assert.equal(p, 0x7f00_0000_0000n);
    assert.equal(backend.memAlloc(1) - p, 1280n, '1000 bytes round to 1024, plus a 256-byte red zone');
    assert.ok(backend.memoryInfo().free < free);
    expectCode(() => backend.memAlloc(0), INVALID_VALUE);
    expectCode(() => backend.memAlloc(-5), INVALID_VALUE);
    const e = expectCode(() => backend.memAlloc(65 * MiB), OUT_OF_MEMORY);
    assert.equal(e.call, 'cuMemAlloc');
  });

  test('cuMemFree: double free, interior and unknown pointers are CUDA_ERROR_INVALID_VALUE', () => {
    const { backend } = withContext();
    const p = backend.memAlloc(64);
    expectCode(() => backend.memFree(at(p, 8)), INVALID_VALUE);
    expectCode(() => backend.memFree(0n as DevicePointer), INVALID_VALUE);
    backend.memFree(p);
    const e = expectCode(() => backend.memFree(p), INVALID_VALUE);
    assert.match(e.explanation, /use after free/);
  });

  test('managed memory: the host view and the device see the same bytes', () => {
    const { backend } = withContext();
    const m = backend.memAllocManaged(16);
    assert.equal(m.bytes.length, 16);
    m.bytes.set([1, 2, 3, 4]);
    const out = new Uint8Array(4);
    backend.memcpyDtoH(out, m.pointer);
    assert.deepEqual([...out], [1, 2, 3, 4]);
    backend.memcpyHtoD(at(m.pointer, 8), Uint8Array.of(9, 9));
    assert.deepEqual([...m.bytes.subarray(8, 10)], [9, 9]);
    backend.memAlloc(8 * MiB);
    assert.equal(m.bytes.length, 16, 'the view survives the store growing');
    backend.memFree(m.pointer);
  });

  test('freed memory is poisoned and fresh allocations are not zeroed', () => {
    const { backend } = withContext();
    const p = backend.memAlloc(32);
    backend.memset(p, 7, 1, 32);
    backend.memFree(p);
    const q = backend.memAlloc(32);
    assert.equal(q, p);
    const out = new Uint8Array(4);
    backend.memcpyDtoH(out, q);
    assert.deepEqual([...out], [0xcd, 0xcd, 0xcd, 0xcd]);
  });
});

describe('emulated memory: copies and memset', () => {
  test('HtoD, DtoH, DtoD (overlapping too) and memset D8/D16/D32', () => {
    const { backend } = withContext();
    const a = backend.memAlloc(64);
    const b = backend.memAlloc(64);
    backend.memcpyHtoD(a, Uint8Array.from({ length: 64 }, (_, i) => i));
    backend.memcpyDtoD(b, a, 64);
    backend.memcpyDtoD(at(b, 4), b, 16);
    const out = new Uint8Array(24);
    backend.memcpyDtoH(out, b);
    assert.deepEqual([...out], [0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 20, 21, 22, 23]);
    backend.memset(a, 0x1ab, 1, 4);
    backend.memset(at(a, 4), 0xbeef, 2, 2);
    backend.memset(at(a, 8), 0xdeadbeef, 4, 2);
    const m = new Uint8Array(16);
    backend.memcpyDtoH(m, a);
    assert.deepEqual([...m], [0xab, 0xab, 0xab, 0xab, 0xef, 0xbe, 0xef, 0xbe, 0xef, 0xbe, 0xad, 0xde, 0xef, 0xbe, 0xad, 0xde]);
    backend.memcpyHtoD(a, new Uint8Array(0));
    backend.memcpyDtoD(a, 0n as DevicePointer, 0);
  });

  test('out-of-range copies and memsets fail with CUDA_ERROR_INVALID_VALUE naming the allocation', () => {
    const { backend } = withContext();
    const a = backend.memAlloc(100);
    const e = expectCode(() => backend.memcpyHtoD(a, new Uint8Array(101)), INVALID_VALUE);
    assert.equal(e.call, 'cuMemcpyHtoD');
    assert.match(e.explanation, /overruns the end of a 100-byte cuMemAlloc block at 0x7f0000000000 by 1 bytes/);
    expectCode(() => backend.memcpyDtoH(new Uint8Array(4), at(a, 98)), INVALID_VALUE);
    expectCode(() => backend.memcpyDtoH(new Uint8Array(4), 0x10n as DevicePointer), INVALID_VALUE);
    expectCode(() => backend.memcpyDtoD(a, at(a, 50), 51), INVALID_VALUE);
    expectCode(() => backend.memset(a, 0, 4, 26), INVALID_VALUE);
    expectCode(() => backend.memset(at(a, 1), 0, 2, 1), INVALID_VALUE);
    expectCode(() => backend.memset(a, 0, 3 as 4, 1), INVALID_VALUE);
    const async = expectCode(() => backend.memcpyHtoD(at(a, 200), new Uint8Array(4), 0n as StreamHandle), INVALID_VALUE);
    assert.equal(async.call, 'cuMemcpyHtoDAsync');
    assert.match(async.explanation, /100 bytes past the end of a 100-byte cuMemAlloc block/);
  });

  test('copies between devices: DtoD under unified addressing and cuMemcpyPeer with context checks', () => {
    const { backend } = withContext(2);
    const c0 = backend.contextGetCurrent()!;
    const a = backend.memAlloc(16);
    const c1 = backend.contextCreate(1, 0);
    const b = backend.memAlloc(16);
    backend.memcpyHtoD(a, Uint8Array.of(5, 6, 7, 8));
    backend.memcpyPeer(b, c1, a, c0, 4);
    backend.memcpyDtoD(at(b, 4), a, 4);
    const out = new Uint8Array(8);
    backend.memcpyDtoH(out, b);
    assert.deepEqual([...out], [5, 6, 7, 8, 5, 6, 7, 8]);
    expectCode(() => backend.memcpyPeer(b, c0, a, c0, 4), INVALID_VALUE);
    backend.memcpyPeer(a, c0, b, c1, 4, 0n as StreamHandle);
  });
});

describe('emulated memory: host memory', () => {
  test('pinned memory: synthetic page-aligned host pointers in their own range', () => {
    const { backend } = withContext();
    const a = backend.memAllocHost(10, 0);
    const b = backend.memAllocHost(5000, 0x01 | 0x02);
    assert.equal(a.bytes.length, 10);
    assert.ok(a.pointer >= 0x2000_0000_0000n && a.pointer < 0x7f00_0000_0000n);
    assert.equal(b.pointer % 4096n, 0n);
    assert.ok(b.pointer > a.pointer);
    backend.memFreeHost(a.pointer);
    expectCode(() => backend.memFreeHost(a.pointer), INVALID_VALUE);
    expectCode(() => backend.memAllocHost(10, 0x08), INVALID_VALUE);
    expectCode(() => backend.memAllocHost(0, 0), INVALID_VALUE);
  });

  test('registration: overlapping ranges refused, unregister once', () => {
    const { backend } = withContext();
    const buffer = new Uint8Array(8192);
    const p = backend.memHostRegister(buffer.subarray(0, 4096), 0);
    expectCode(() => backend.memHostRegister(buffer.subarray(4000, 5000), 0), HOST_MEMORY_ALREADY_REGISTERED);
    const q = backend.memHostRegister(buffer.subarray(4096), 0x08);
    backend.memHostUnregister(p);
    expectCode(() => backend.memHostUnregister(p), HOST_MEMORY_NOT_REGISTERED);
    expectCode(() => backend.memFreeHost(q), INVALID_VALUE);
    expectCode(() => backend.memHostUnregister(0x1000n as HostPointer), HOST_MEMORY_NOT_REGISTERED);
    expectCode(() => backend.memHostRegister(buffer, 0x10), INVALID_VALUE);
  });

  test('host memory of a destroyed context is forgotten', () => {
    const { backend } = withContext();
    const ctx = backend.contextGetCurrent()!;
    const pinned = backend.memAllocHost(64, 0);
    const registered = backend.memHostRegister(new Uint8Array(64), 0);
    backend.contextDestroy(ctx);
    backend.contextCreate(0, 0);
    expectCode(() => backend.memFreeHost(pinned.pointer), INVALID_VALUE);
    expectCode(() => backend.memHostUnregister(registered), HOST_MEMORY_NOT_REGISTERED);
  });
});
