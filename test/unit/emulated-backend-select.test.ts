import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { chooseBackend, createEmulatedBackend, deviceChoice, loadNativeBackend, NoGpuError, probeNativeBackend, selectBackend } from '../../src/backend/select.js';
import type { Backend } from '../../src/backend/types.js';
import { CudaError, InvalidArgumentError } from '../../src/errors.js';

const fakeGpu = { kind: 'gpu', description: 'fake GPU' } as Backend;

describe('backend selection (CUDAJS_DEVICE)', () => {
  test('parses gpu, emu, auto; unset or empty means auto; anything else is an error', () => {
    assert.equal(deviceChoice({}), 'auto');
    assert.equal(deviceChoice({ CUDAJS_DEVICE: '' }), 'auto');
    assert.equal(deviceChoice({ CUDAJS_DEVICE: 'GPU' }), 'gpu');
    assert.equal(deviceChoice({ CUDAJS_DEVICE: ' emu ' }), 'emu');
    assert.throws(() => deviceChoice({ CUDAJS_DEVICE: 'cpu' }), InvalidArgumentError);
  });

  test('auto prefers the GPU and falls back to the emulated device; emu never asks for the GPU', () => {
    let asked = 0;
    const native = (gpu: Backend | null) => () => {
      asked++;
      return { backend: gpu, reason: gpu ? '' : 'no libcuda here' };
    };
    const emulated = () => createEmulatedBackend({});
    assert.equal(chooseBackend('auto', { native: native(fakeGpu), emulated }), fakeGpu);
    assert.equal(chooseBackend('auto', { native: native(null), emulated }).kind, 'emu');
    assert.equal(chooseBackend('emu', { native: native(fakeGpu), emulated }).kind, 'emu');
    assert.equal(asked, 2);
    assert.equal(chooseBackend('gpu', { native: native(fakeGpu), emulated }), fakeGpu);
  });

  test('gpu without a usable GPU throws a typed error saying why and what to do', () => {
    try {
      chooseBackend('gpu', { native: () => ({ backend: null, reason: 'libcuda.so.1 not found' }), emulated: () => assert.fail('must not fall back') });
      assert.fail('no error');
    } catch (e) {
      assert.ok(e instanceof NoGpuError && e instanceof CudaError);
      assert.equal(e.codeName, 'CUDA_ERROR_NO_DEVICE');
      assert.equal(e.call, 'selectBackend');
      assert.match(e.explanation, /CUDAJS_DEVICE=gpu, but no GPU is usable: libcuda.so.1 not found.*emulated device/);
    }
  });

  test('without libcuda the native factory says why there is no GPU', () => {
    const probe = probeNativeBackend();
    if (probe.backend) return assert.equal(probe.backend.kind, 'gpu');
    assert.equal(loadNativeBackend(), null);
    assert.match(probe.reason, /libcuda|no device|cuInit/);
  });

  test('CUDAJS_EMU_DEVICES sets the number of emulated devices', () => {
    assert.equal(createEmulatedBackend({ CUDAJS_EMU_DEVICES: '4' }).deviceCount(), 4);
    assert.equal(createEmulatedBackend({}).deviceCount(), 1);
    assert.throws(() => createEmulatedBackend({ CUDAJS_EMU_DEVICES: '0' }), InvalidArgumentError);
    assert.throws(() => createEmulatedBackend({ CUDAJS_EMU_DEVICES: 'two' }), InvalidArgumentError);
  });

  test('selectBackend is a per-process singleton', () => {
    const saved = process.env['CUDAJS_DEVICE'];
    process.env['CUDAJS_DEVICE'] = 'emu';
    try {
      const first = selectBackend();
      assert.equal(first.kind, 'emu');
      process.env['CUDAJS_DEVICE'] = 'gpu';
      assert.equal(selectBackend(), first, 'chosen once');
    } finally {
      if (saved === undefined) delete process.env['CUDAJS_DEVICE'];
      else process.env['CUDAJS_DEVICE'] = saved;
    }
  });
});
