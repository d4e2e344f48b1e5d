import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Context, Device, DriverError, KernelFaultError } from '../../src/index.js';
import { backendKind } from '../support/tiers.js';
import { corePtx } from '../support/kernels.js';

test('an illegal address is a sticky CUDA_ERROR_ILLEGAL_ADDRESS confined to its context', () => {
  const device = Device.get(0);
  const victim = device.createContext();
  Context.pop();
  const module = victim.loadModule(corePtx());
  const buffer = victim.allocate(16);
  let error: unknown;
  try {
    module.getKernel('out_of_bounds').launch({ grid: 1, block: 32 }, buffer, 1n << 36n);
    victim.synchronize();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof DriverError, `expected a DriverError, got ${String(error)}`);
  assert.equal(error.codeName, 'CUDA_ERROR_ILLEGAL_ADDRESS');
  assert.equal(error.code, 700);
  assert.ok(error.sticky);
  if (backendKind() === 'emu') {
    assert.ok(error instanceof KernelFaultError);
    assert.equal(error.site.kernel, 'out_of_bounds');
    assert.deepEqual(error.site.thread, [0, 0, 0]);
    assert.match(error.message, /0x[0-9a-f]+/, 'names the address');
  }
  assert.throws(() => victim.synchronize(), (e: unknown) => e instanceof DriverError && e.code === 700, 'the context stays broken');
  victim.dispose();

  using healthy = device.primaryContext();
  using buf = healthy.upload(new Uint32Array([1, 2, 3]));
  buf.fill(9, 'u32');
  assert.deepEqual([...buf.toArray(Uint32Array)], [9, 9, 9]);
});
