/**
 * GPU tier: devices, primary contexts and created contexts on a real GPU through the native backend.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { CUdevice_attribute } from '../../src/raw/driver-types.js';
import type { Backend } from '../../src/backend/types.js';
import { gpuSkipReason } from '../support/gpu.js';

describe('native backend: devices and contexts', { skip: gpuSkipReason() }, () => {
  let b: Backend;

  before(async () => {
    const { createNativeBackend } = await import('../../src/backend/native/index.js');
    b = createNativeBackend();
  });

  test('driver and devices', () => {
    assert.match(b.description, /^libcuda \(/);
    assert.ok(b.driverVersion() >= 13000, `driver API ${b.driverVersion()}`);
    const count = b.deviceCount();
    assert.ok(count >= 1);
    assert.ok(b.deviceName(0).length > 0);
    const uuid = b.deviceUuid(0);
    assert.equal(uuid.length, 16);
    assert.ok(uuid.some((x) => x !== 0));
    assert.ok(b.deviceAttribute(0, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR) >= 7);
    assert.ok(b.deviceAttribute(0, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK) >= 1024);
    assert.ok(b.deviceTotalMemory(0) > 2 ** 30);
    if (count >= 2) assert.equal(typeof b.deviceCanAccessPeer(0, 1), 'boolean');
  });

  test('created contexts: current, push/pop, device, ids', () => {
    assert.equal(b.contextGetCurrent(), null, 'the test thread starts without a context');
    const a = b.contextCreate(0, 0);
    assert.equal(b.contextGetCurrent(), a, 'cuCtxCreate makes the new context current');
    assert.equal(b.contextGetDevice(), 0);
    const c = b.contextCreate(0, 0);
    assert.notEqual(c, a);
    assert.notEqual(b.contextGetId(c), b.contextGetId(a));
    assert.equal(b.contextPop(), c);
    assert.equal(b.contextGetCurrent(), a);
    b.contextPush(c);
    assert.equal(b.contextGetCurrent(), c);
    b.contextSynchronize();
    const info = b.memoryInfo();
    assert.ok(info.free > 0 && info.free <= info.total);
    assert.ok(Math.abs(info.total - b.deviceTotalMemory(0)) <= 2 ** 30);
    b.contextDestroy(c);
    assert.equal(b.contextGetCurrent(), a, 'destroying the current context pops it');
    b.contextDestroy(a);
    assert.equal(b.contextGetCurrent(), null);
    b.contextSetCurrent(null);
  });

  test('the primary context: retain, state, release; a re-created one has a new id', () => {
    const p = b.primaryContextRetain(0);
    assert.equal(b.primaryContextState(0).active, true);
    b.contextSetCurrent(p);
    assert.equal(b.contextGetCurrent(), p);
    const first = b.contextGetId(p);
    b.contextSetCurrent(null);
    b.primaryContextReset(0);
    b.primaryContextRelease(0);
    const again = b.primaryContextRetain(0);
    assert.notEqual(b.contextGetId(again), first, 'cuCtxGetId distinguishes a re-created primary context');
    b.primaryContextRelease(0);
  });

  test('primary context flags', () => {
    const before = b.primaryContextState(0);
    b.primaryContextSetFlags(0, 4 /* CU_CTX_SCHED_BLOCKING_SYNC */);
    assert.equal(b.primaryContextState(0).flags & 7, 4);
    b.primaryContextSetFlags(0, before.flags);
  });
});
