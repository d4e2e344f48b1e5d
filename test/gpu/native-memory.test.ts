/**
 * GPU tier: device, pinned, registered and managed memory, synchronous and asynchronous copies,
 * memset, streams and events on a real GPU through the native backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import koffi from 'koffi';
import { CU_MEMHOSTALLOC_PORTABLE, CUevent_flags, CUresult, CUstream_flags } from '../../src/raw/driver-types.js';
import { DEFAULT_STREAM } from '../../src/backend/types.js';
import type { Backend, DevicePointer } from '../../src/backend/types.js';
import { gpuSkipReason } from '../support/gpu.js';

const MiB = 1 << 20;

function pattern(bytes: number, seed: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

describe('native backend: memory, streams and events', { skip: gpuSkipReason() }, () => {
  let b: Backend;

  before(async () => {
    const { createNativeBackend } = await import('../../src/backend/native/index.js');
    b = createNativeBackend();
    b.contextSetCurrent(b.primaryContextRetain(0));
  });

  after(() => {
    b.contextSetCurrent(null);
    b.primaryContextRelease(0);
  });

  test('synchronous copies host → device → device → host', () => {
    const src = pattern(4 * MiB + 3, 1);
    const d1 = b.memAlloc(src.length);
    const d2 = b.memAlloc(src.length);
    b.memcpyHtoD(d1, src);
    b.memcpyDtoD(d2, d1, src.length);
    const out = new Uint8Array(src.length);
    b.memcpyDtoH(out, d2);
    assert.deepEqual(out, src);
    // Views with an offset copy exactly their own bytes.
    const window = new Uint8Array(64);
    b.memcpyDtoH(window.subarray(8, 24), (d2 + 100n) as DevicePointer);
    assert.deepEqual(window.subarray(8, 24), src.subarray(100, 116));
    assert.ok(window.subarray(0, 8).every((x) => x === 0) && window.subarray(24).every((x) => x === 0));
    b.memFree(d1);
    b.memFree(d2);
  });

  test('asynchronous copies on a stream, from pinned and into pageable memory', () => {
    const stream = b.streamCreate(CUstream_flags.CU_STREAM_NON_BLOCKING, 0);
    const pinned = b.memAllocHost(8 * MiB, CU_MEMHOSTALLOC_PORTABLE);
    pinned.bytes.set(pattern(pinned.bytes.length, 2));
    assert.equal(koffi.address(pinned.bytes), pinned.pointer, 'the view is the pinned allocation');
    const d = b.memAlloc(pinned.bytes.length);
    b.memcpyHtoD(d, pinned.bytes, stream);
    const back = new Uint8Array(pinned.bytes.length);
    b.memcpyDtoH(back, d, stream);
    b.streamSynchronize(stream);
    assert.equal(b.streamQuery(stream), true);
    assert.deepEqual(back, pinned.bytes);
    b.memFree(d);
    b.memFreeHost(pinned.pointer);
    b.streamDestroy(stream);
  });

  test('streamQuery is false while work is pending', () => {
    const stream = b.streamCreate(CUstream_flags.CU_STREAM_NON_BLOCKING, 0);
    const pinned = b.memAllocHost(64 * MiB, 0);
    const d = b.memAlloc(pinned.bytes.length);
    let sawPending = false;
    for (let k = 0; k < 8 && !sawPending; k++) {
      for (let j = 0; j < 8; j++) b.memcpyHtoD(d, pinned.bytes, stream);
      sawPending = !b.streamQuery(stream);
      b.streamSynchronize(stream);
    }
    assert.ok(sawPending, 'CUDA_ERROR_NOT_READY was reported as false');
    assert.equal(b.streamQuery(stream), true);
    b.memFree(d);
    b.memFreeHost(pinned.pointer);
    b.streamDestroy(stream);
  });

  test('a registered Node Buffer: its own address, usable for asynchronous copies', () => {
    const buffer = Buffer.alloc(2 * MiB);
    buffer.set(pattern(buffer.length, 3));
    const host = b.memHostRegister(buffer, 0);
    assert.equal(host, koffi.address(buffer));
    const target = Buffer.alloc(buffer.length);
    const targetHost = b.memHostRegister(target, 0);
    const d = b.memAlloc(buffer.length);
    const stream = b.streamCreate(CUstream_flags.CU_STREAM_NON_BLOCKING, 0);
    b.memcpyHtoD(d, buffer, stream);
    b.memcpyDtoH(target, d, stream);
    b.streamSynchronize(stream);
    assert.ok(target.equals(buffer));
    assert.throws(() => b.memHostRegister(buffer, 0), { code: CUresult.CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED, call: 'cuMemHostRegister' });
    b.memHostUnregister(host);
    b.memHostUnregister(targetHost);
    b.streamDestroy(stream);
    b.memFree(d);
  });

  test('managed memory: one address for host and device', () => {
    const managed = b.memAllocManaged(4096);
    managed.bytes.set(pattern(4096, 4));
    const out = new Uint8Array(4096);
    b.memcpyDtoH(out, managed.pointer);
    assert.deepEqual(out, managed.bytes);
    b.memset(managed.pointer, 0x5a, 1, 4096);
    b.contextSynchronize();
    assert.ok(managed.bytes.every((x) => x === 0x5a));
    b.memFree(managed.pointer);
  });

  test('memset of 8, 16 and 32-bit elements, synchronous and asynchronous', () => {
    const d = b.memAlloc(64);
    b.memset(d, 0x11, 1, 64);
    b.memset((d + 8n) as DevicePointer, 0xbeef, 2, 4);
    const stream = b.streamCreate(0, 0);
    b.memset((d + 16n) as DevicePointer, 0xcafef00d, 4, 4, stream);
    b.streamSynchronize(stream);
    const out = new DataView(new ArrayBuffer(64));
    b.memcpyDtoH(new Uint8Array(out.buffer), d);
    assert.equal(out.getUint32(0, true), 0x11111111);
    assert.equal(out.getUint16(8, true), 0xbeef);
    assert.equal(out.getUint16(14, true), 0xbeef);
    assert.equal(out.getUint32(16, true), 0xcafef00d);
    assert.equal(out.getUint32(28, true), 0xcafef00d);
    assert.equal(out.getUint32(32, true), 0x11111111);
    b.streamDestroy(stream);
    b.memFree(d);
  });

  test('events: record, query, wait, elapsed time', () => {
    const stream = b.streamCreate(CUstream_flags.CU_STREAM_NON_BLOCKING, b.streamPriorityRange().greatest);
    const start = b.eventCreate(CUevent_flags.CU_EVENT_DEFAULT);
    const end = b.eventCreate(CUevent_flags.CU_EVENT_DEFAULT);
    const d = b.memAlloc(16 * MiB);
    b.eventRecord(start, stream);
    b.memset(d, 0, 4, 4 * MiB, stream);
    b.eventRecord(end, stream);
    b.streamWaitEvent(DEFAULT_STREAM, end);
    b.eventSynchronize(end);
    assert.equal(b.eventQuery(end), true);
    const ms = b.eventElapsedTime(start, end);
    assert.ok(ms >= 0 && ms < 10_000, `${ms} ms`);
    const untimed = b.eventCreate(CUevent_flags.CU_EVENT_DISABLE_TIMING);
    b.eventRecord(untimed, stream);
    b.eventSynchronize(untimed);
    assert.throws(() => b.eventElapsedTime(start, untimed), { code: CUresult.CUDA_ERROR_INVALID_HANDLE, call: 'cuEventElapsedTime' });
    for (const e of [start, end, untimed]) b.eventDestroy(e);
    b.memFree(d);
    b.streamDestroy(stream);
  });

  test('stream priorities', () => {
    const { least, greatest } = b.streamPriorityRange();
    assert.equal(least, 0);
    assert.ok(greatest <= least);
    b.streamDestroy(b.streamCreate(0, greatest));
  });
});
