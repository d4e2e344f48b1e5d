import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Context, Device, DriverError, KernelFaultError } from '../../src/index.js';
import { backendKind } from '../support/tiers.js';
import { corePtx } from '../support/kernels.js';

test('an illegal address is a sticky CUDA_ERROR_ILLEGAL_ADDRESS that ends CUDA on the device for the process', () => {
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
  const sameCode = (e: unknown): boolean => e instanceof DriverError && e.code === 700;
  assert.throws(() => victim.synchronize(), sameCode, 'the context stays broken');
  // Measured on the H100 (driver 580): the error is not confined to the faulting context.
  assert.throws(() => device.primaryContext(), sameCode, 'retaining the primary context fails too');
  assert.throws(() => device.createContext(), sameCode, 'creating a context fails too');
  buffer.dispose();
  module.dispose();
  victim.dispose();
});
