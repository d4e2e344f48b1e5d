import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { EventHandle, StreamHandle } from '../../src/backend/types.js';
import { expectCode, kernelsPtx, setup } from './emulated-backend-double.js';

const INVALID_VALUE = 1;
const INVALID_HANDLE = 400;
const S0 = 0n as StreamHandle;
const CU_EVENT_DISABLE_TIMING = 0x2;

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('emulated streams', () => {
  test('priorities range from 0 (least) to −5 (greatest), like an H100', () => {
    const { backend } = setup();
    backend.contextCreate(0, 0);
    assert.deepEqual(backend.streamPriorityRange(), { least: 0, greatest: -5 });
    backend.streamCreate(0, -100);
    backend.streamCreate(1, 7);
    expectCode(() => backend.streamCreate(2, 0), INVALID_VALUE);
    expectCode(() => backend.streamCreate(0, 0.5), INVALID_VALUE);
  });

  test('work runs in issue order; queries report completion; destroyed streams are invalid handles', () => {
    const { backend, engine } = setup();
    engine.behaviours.set('hello', (run) => {
      const counter = run.addressOf('counter');
      const v = new DataView(run.load(counter, 4).buffer).getUint32(0, true);
      run.store(counter, new Uint8Array(new Uint32Array([v * 10 + run.request.grid[0]]).buffer));
    });
    backend.contextCreate(0, 0);
    const { module } = backend.moduleLoad(kernelsPtx(), {});
    const hello = backend.moduleFunction(module, 'hello');
    const counter = backend.moduleGlobal(module, 'counter').pointer;
    const s = backend.streamCreate(0, 0);
    const p = backend.createParamBlock([]);
    const out = new Uint8Array(4);
    for (const g of [1, 2, 3]) backend.launch(hello, { gridX: g, gridY: 1, gridZ: 1, blockX: 1, blockY: 1, blockZ: 1, sharedMemBytes: 0 }, p, s);
    backend.memcpyDtoH(out, counter, s);
    assert.equal(backend.streamQuery(s), true);
    backend.streamSynchronize(s);
    assert.equal(new DataView(out.buffer).getUint32(0, true), 123);
    assert.deepEqual(engine.launches.map((l) => l.grid[0]), [1, 2, 3]);
    assert.equal(backend.streamQuery(S0), true);
    backend.streamDestroy(s);
    expectCode(() => backend.streamQuery(s), INVALID_HANDLE);
    expectCode(() => backend.streamDestroy(s), INVALID_HANDLE);
    expectCode(() => backend.streamDestroy(S0), INVALID_HANDLE);
    expectCode(() => backend.streamSynchronize(0x7c01_0000_0001n as StreamHandle), INVALID_HANDLE);
    backend.streamSynchronize(1n as StreamHandle);
    backend.streamSynchronize(2n as StreamHandle);
  });

  test('streams of another context can be used while it is not current; waits work across contexts', () => {
    const { backend } = setup(2);
    const a = backend.contextCreate(0, 0);
    const sa = backend.streamCreate(0, 0);
    const ea = backend.eventCreate(0);
    backend.contextCreate(1, 0);
    const sb = backend.streamCreate(0, 0);
    backend.eventRecord(ea, sa);
    backend.streamWaitEvent(sb, ea);
    backend.streamSynchronize(sa);
    expectCode(() => backend.eventRecord(ea, sb), INVALID_HANDLE);
    backend.contextDestroy(a);
    expectCode(() => backend.streamWaitEvent(sb, ea), INVALID_HANDLE);
  });
});

describe('emulated events', () => {
  test('elapsed time measures host milliseconds between records, in order', () => {
    const { backend } = setup();
    backend.contextCreate(0, 0);
    const [start, mid, end] = [backend.eventCreate(0), backend.eventCreate(1), backend.eventCreate(0)];
    assert.equal(backend.eventQuery(start), true, 'an event never recorded counts as complete');
    backend.eventSynchronize(start);
    backend.eventRecord(start, S0);
    busy(5);
    backend.eventRecord(mid, S0);
    busy(5);
    backend.eventRecord(end, S0);
    assert.equal(backend.eventQuery(end), true);
    const total = backend.eventElapsedTime(start, end);
    const first = backend.eventElapsedTime(start, mid);
    assert.ok(first >= 5 && total >= 10 && total > first, `${first} ms, ${total} ms`);
    assert.ok(backend.eventElapsedTime(end, start) < 0);
  });

  test('CU_EVENT_DISABLE_TIMING and unrecorded events make cuEventElapsedTime fail with CUDA_ERROR_INVALID_HANDLE', () => {
    const { backend } = setup();
    backend.contextCreate(0, 0);
    const timed = backend.eventCreate(0);
    const untimed = backend.eventCreate(CU_EVENT_DISABLE_TIMING);
    const never = backend.eventCreate(0);
    backend.eventRecord(timed, S0);
    backend.eventRecord(untimed, S0);
    const e = expectCode(() => backend.eventElapsedTime(timed, untimed), INVALID_HANDLE);
    assert.equal(e.call, 'cuEventElapsedTime');
    expectCode(() => backend.eventElapsedTime(timed, never), INVALID_HANDLE);
    expectCode(() => backend.eventCreate(0x8), INVALID_VALUE);
    expectCode(() => backend.eventCreate(0x4), INVALID_VALUE);
    backend.eventCreate(0x4 | CU_EVENT_DISABLE_TIMING);
    backend.eventDestroy(timed);
    expectCode(() => backend.eventQuery(timed), INVALID_HANDLE);
    expectCode(() => backend.eventDestroy(timed), INVALID_HANDLE);
    expectCode(() => backend.eventRecord(0x7c05_0000_0099n as EventHandle, S0), INVALID_HANDLE);
  });
});
