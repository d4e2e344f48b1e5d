import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ContextHandle, ModuleHandle } from '../../src/backend/types.js';
import { expectCode, kernelsPtx, setup } from './emulated-backend-double.js';

const INVALID_VALUE = 1;
const INVALID_DEVICE = 101;
const INVALID_CONTEXT = 201;
const INVALID_HANDLE = 400;
const CONTEXT_IS_DESTROYED = 709;

describe('emulated contexts: the stack', () => {
  test('without a current context, in-context operations fail with CUDA_ERROR_INVALID_CONTEXT', () => {
    const { backend } = setup();
    assert.equal(backend.contextGetCurrent(), null);
    const e = expectCode(() => backend.memAlloc(16), INVALID_CONTEXT);
    assert.equal(e.call, 'cuMemAlloc');
    expectCode(() => backend.contextSynchronize(), INVALID_CONTEXT);
    expectCode(() => backend.streamCreate(0, 0), INVALID_CONTEXT);
    expectCode(() => backend.moduleLoad(kernelsPtx(), {}), INVALID_CONTEXT);
    expectCode(() => backend.contextPop(), INVALID_CONTEXT);
  });

  test('create pushes, push/pop/setCurrent move the top, ids are unique per context', () => {
    const { backend } = setup(2);
    const a = backend.contextCreate(0, 0);
    assert.equal(backend.contextGetCurrent(), a);
    const b = backend.contextCreate(1, 0);
    assert.equal(backend.contextGetCurrent(), b);
    assert.equal(backend.contextGetDevice(), 1);
    assert.notEqual(backend.contextGetId(a), backend.contextGetId(b));
    assert.equal(backend.contextPop(), b);
    assert.equal(backend.contextGetDevice(), 0);
    backend.contextPush(b);
    backend.contextSetCurrent(a);
    assert.equal(backend.contextGetCurrent(), a);
    assert.equal(backend.contextPop(), a);
    assert.equal(backend.contextPop(), a, 'setCurrent replaced b with a; the stack held [a, a]');
    assert.equal(backend.contextGetCurrent(), null);
    backend.contextSetCurrent(b);
    assert.equal(backend.contextGetCurrent(), b);
    backend.contextSetCurrent(null);
    assert.equal(backend.contextGetCurrent(), null);
    backend.contextSetCurrent(null);
  });

  test('bad devices and flags', () => {
    const { backend } = setup();
    expectCode(() => backend.contextCreate(1, 0), INVALID_DEVICE);
    expectCode(() => backend.contextCreate(-1, 0), INVALID_DEVICE);
    expectCode(() => backend.contextCreate(0, 0x03), INVALID_VALUE);
    expectCode(() => backend.contextCreate(0, 0x100), INVALID_VALUE);
    expectCode(() => backend.contextPush(0x1234n as ContextHandle), INVALID_CONTEXT);
    backend.contextCreate(0, 0x04 | 0x10);
  });
});

describe('emulated contexts: destroy', () => {
  test('destroy pops the current context; its handle is then invalid', () => {
    const { backend } = setup();
    const a = backend.contextCreate(0, 0);
    backend.contextDestroy(a);
    assert.equal(backend.contextGetCurrent(), null);
    expectCode(() => backend.contextPush(a), INVALID_CONTEXT);
    expectCode(() => backend.contextGetId(a), INVALID_CONTEXT);
    expectCode(() => backend.contextDestroy(a), INVALID_CONTEXT);
  });

  test('a destroyed context deeper in the stack stays there and fails with CUDA_ERROR_CONTEXT_IS_DESTROYED when current', () => {
    const { backend } = setup();
    const a = backend.contextCreate(0, 0);
    const b = backend.contextCreate(0, 0);
    backend.contextDestroy(a);
    assert.equal(backend.contextGetCurrent(), b, 'a was not current: nothing popped');
    backend.contextPop();
    assert.equal(backend.contextGetCurrent(), a);
    const e = expectCode(() => backend.memAlloc(4), CONTEXT_IS_DESTROYED);
    assert.match(e.explanation, /destroyed/);
    assert.equal(backend.contextPop(), a);
  });

  test('everything in a context dies with it: memory, modules, streams, events', () => {
    const { backend } = setup();
    const a = backend.contextCreate(0, 0);
    const before = backend.memoryInfo().free;
    const p = backend.memAlloc(1 << 20);
    const { module } = backend.moduleLoad(kernelsPtx(), {});
    const fn = backend.moduleFunction(module, 'saxpy');
    const s = backend.streamCreate(0, 0);
    const ev = backend.eventCreate(0);
    assert.ok(backend.memoryInfo().free < before);
    backend.contextDestroy(a);
    backend.contextCreate(0, 0);
    assert.equal(backend.memoryInfo().free, before, 'allocations and module variables were freed');
    expectCode(() => backend.memFree(p), INVALID_VALUE);
    expectCode(() => backend.moduleFunction(module, 'saxpy'), INVALID_HANDLE);
    expectCode(() => backend.functionAttribute(fn, 0), INVALID_HANDLE);
    expectCode(() => backend.streamQuery(s), INVALID_HANDLE);
    expectCode(() => backend.eventQuery(ev), INVALID_HANDLE);
  });

  test('a primary context cannot be destroyed with cuCtxDestroy', () => {
    const { backend } = setup();
    const p = backend.primaryContextRetain(0);
    expectCode(() => backend.contextDestroy(p), INVALID_CONTEXT);
  });
});

describe('emulated contexts: primary contexts', () => {
  test('retain returns one stable handle and counts references; release at zero deactivates without popping', () => {
    const { backend } = setup();
    assert.deepEqual(backend.primaryContextState(0), { flags: 0, active: false });
    const p = backend.primaryContextRetain(0);
    assert.equal(backend.primaryContextRetain(0), p);
    assert.deepEqual(backend.primaryContextState(0), { flags: 0, active: true });
    backend.contextSetCurrent(p);
    backend.memAlloc(64);
    backend.primaryContextRelease(0);
    assert.equal(backend.primaryContextState(0).active, true);
    backend.primaryContextRelease(0);
    assert.equal(backend.primaryContextState(0).active, false);
    assert.equal(backend.contextGetCurrent(), p, 'release never pops');
    expectCode(() => backend.memAlloc(64), CONTEXT_IS_DESTROYED);
    expectCode(() => backend.primaryContextRelease(0), INVALID_CONTEXT);
    assert.equal(backend.primaryContextRetain(0), p, 'the same handle after re-creation');
    backend.memAlloc(64);
  });

  test('reset destroys everything, keeps the count, and the retained handle is re-created on next use with a new id', () => {
    const { backend } = setup();
    const p = backend.primaryContextRetain(0);
    backend.contextSetCurrent(p);
    const id = backend.contextGetId(p);
    const ptr = backend.memAlloc(4096);
    const s = backend.streamCreate(0, 0);
    const { module } = backend.moduleLoad(kernelsPtx(), {});
    backend.primaryContextReset(0);
    assert.deepEqual(backend.primaryContextState(0), { flags: 0, active: false });
    assert.equal(backend.contextGetCurrent(), p);
    expectCode(() => backend.streamSynchronize(s), INVALID_HANDLE);
    expectCode(() => backend.moduleFunctionNames(module as ModuleHandle), INVALID_HANDLE);
    const again = backend.memAlloc(4096);
    assert.equal(backend.primaryContextState(0).active, true, 're-created by use');
    assert.equal(again, ptr, 'the freed memory is reused');
    assert.notEqual(backend.contextGetId(p), id);
    expectCode(() => backend.memFree(ptr + 256n as typeof ptr), INVALID_VALUE);
    backend.primaryContextRelease(0);
    assert.equal(backend.primaryContextState(0).active, false, 'one reference was held across the reset');
  });

  test('setFlags applies now and to the next incarnation; bad flags fail', () => {
    const { backend } = setup();
    backend.primaryContextSetFlags(0, 0x04);
    assert.deepEqual(backend.primaryContextState(0), { flags: 0x04, active: false });
    backend.primaryContextRetain(0);
    backend.primaryContextSetFlags(0, 0x01);
    assert.deepEqual(backend.primaryContextState(0), { flags: 0x01, active: true });
    backend.primaryContextReset(0);
    assert.equal(backend.primaryContextState(0).flags, 0x01);
    expectCode(() => backend.primaryContextSetFlags(0, 0x06), INVALID_VALUE);
    expectCode(() => backend.primaryContextState(3), INVALID_DEVICE);
  });
});

describe('emulated contexts: memory across contexts', () => {
  test('cuMemFree works whatever context is current (unified addressing)', () => {
    const { backend } = setup(2);
    const a = backend.contextCreate(0, 0);
    const p = backend.memAlloc(100);
    const b = backend.contextCreate(1, 0);
    const q = backend.memAlloc(100);
    assert.equal(Number(q - p), 2 ** 40, 'device 1 sits 1 TiB above device 0');
    backend.memFree(p);
    backend.contextSetCurrent(a);
    backend.memFree(q);
    backend.contextDestroy(b);
  });
});
