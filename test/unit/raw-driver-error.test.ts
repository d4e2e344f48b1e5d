/** Status codes become typed, named, explained errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DriverError, RuntimeApiError } from '../../src/errors.js';
import { check, checkRuntime, driverError, runtimeError } from '../../src/backend/driver-error.js';

test('driverError names and explains a CUresult', () => {
  const e = driverError(700, 'cuCtxSynchronize');
  assert.ok(e instanceof DriverError);
  assert.equal(e.code, 700);
  assert.equal(e.codeName, 'CUDA_ERROR_ILLEGAL_ADDRESS');
  assert.equal(e.call, 'cuCtxSynchronize');
  assert.equal(e.sticky, true);
  assert.match(e.explanation, /invalid memory address/);
  assert.match(e.message, /^cuCtxSynchronize: CUDA_ERROR_ILLEGAL_ADDRESS: /);
});

test('a detail is appended to the explanation', () => {
  const e = driverError(218, 'cuModuleLoadDataEx', 'JIT log:\nline 3: syntax error');
  assert.equal(e.codeName, 'CUDA_ERROR_INVALID_PTX');
  assert.equal(e.sticky, false);
  assert.match(e.explanation, /PTX/);
  assert.match(e.explanation, /\nJIT log:\nline 3: syntax error$/);
});

test('an unknown code is still a DriverError', () => {
  const e = driverError(123456, 'cuFoo');
  assert.equal(e.codeName, 'CUresult(123456)');
  assert.match(e.explanation, /Unknown CUresult code 123456/);
});

test('check throws only on failure', () => {
  check(0, 'cuInit');
  assert.throws(() => check(100, 'cuInit'), { codeName: 'CUDA_ERROR_NO_DEVICE', call: 'cuInit' });
});

test('runtimeError names and explains a cudaError_t', () => {
  const e = runtimeError(35, 'cudaGetDeviceCount');
  assert.ok(e instanceof RuntimeApiError);
  assert.equal(e.codeName, 'cudaErrorInsufficientDriver');
  assert.match(e.explanation, /driver/);
  checkRuntime(0, 'cudaFree');
  assert.throws(() => checkRuntime(2, 'cudaMalloc'), { codeName: 'cudaErrorMemoryAllocation', call: 'cudaMalloc' });
});
