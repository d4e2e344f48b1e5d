import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Context, Device, DisposedError, DriverError, InvalidArgumentError } from '../../src/index.js';
import { backendKind } from '../support/tiers.js';
import { fixtureBytes, fixtureText, repoPath } from '../support/paths.js';
import { corePtx, randomFloats } from '../support/kernels.js';
import { fmaf } from '../support/reference.js';

let ctx: Context;
before(() => { ctx = Device.get(0).primaryContext(); });
after(() => ctx.dispose());

function runTransform(kernel: ReturnType<ReturnType<Context['loadModule']>['getKernel']>, input: Float32Array): Float32Array {
  using x = ctx.upload(input);
  kernel.launch({ grid: Math.ceil(input.length / 64), block: 64 }, input.length, x);
  return x.toArray(Float32Array);
}

test('modules load from PTX text, PTX bytes and files, and list their kernels', () => {
  using fromText = ctx.loadModule(corePtx());
  using fromBytes = ctx.loadModule(fixtureBytes('core', 'core.ptx'));
  using fromFile = ctx.loadModuleFile(repoPath('test', 'fixtures', 'core', 'core.ptx'), { generateLineInfo: true, optimizationLevel: 3 });
  for (const m of [fromText, fromBytes, fromFile]) {
    assert.equal(m.format, 'ptx');
    assert.deepEqual([...m.kernelNames].sort(), ['block_sum', 'echo_params', 'geometry', 'out_of_bounds', 'saxpy', 'use_globals']);
  }
  assert.equal(typeof fromText.infoLog, 'string');
});

test('an unknown kernel name is a CUDA_ERROR_NOT_FOUND that lists the kernels', () => {
  using m = ctx.loadModule(corePtx());
  assert.throws(() => m.getKernel('saxpi'), (e: unknown) =>
    e instanceof DriverError && e.codeName === 'CUDA_ERROR_NOT_FOUND' && /saxpi/.test(e.message) && /block_sum/.test(e.message) && /saxpy/.test(e.message));
  assert.throws(() => m.getKernel(''), InvalidArgumentError);
  assert.equal(m.getKernel('saxpy'), m.getKernel('saxpy'), 'kernels are cached by name');
});

test('reload swaps the code under the same name; old kernel objects follow it', () => {
  using m = ctx.loadModule(fixtureText('core', 'version_a.ptx'));
  const transform = m.getKernel('transform');
  const onlyInA = m.getKernel('only_in_a');
  const input = randomFloats(300, 5);
  assert.deepEqual(runTransform(transform, input), input.map((v) => Math.fround(v + 1)));
  const oldHandle = m.handle;
  m.reload(fixtureText('core', 'version_b.ptx'));
  assert.notEqual(m.handle, oldHandle);
  assert.deepEqual(runTransform(transform, input), input.map((v) => Math.fround(v * 2)));
  using buf = ctx.allocate(4);
  assert.throws(() => onlyInA.launch({ grid: 1, block: 1 }, buf), /only_in_a is not in the reloaded module/);
  assert.deepEqual(m.kernelNames, ['transform']);
  // A failed reload keeps the old code.
  assert.throws(() => m.reload('.version 9.0\n.target sm_90\n.address_size 64\n.visible .entry broken( { bogus; }'), DriverError);
  assert.deepEqual(runTransform(transform, input), input.map((v) => Math.fround(v * 2)));
});

test('unloaded modules and their kernels fail with DisposedError', () => {
  const m = ctx.loadModule(fixtureText('core', 'version_a.ptx'));
  const transform = m.getKernel('transform');
  m.dispose();
  m.dispose();
  using buf = ctx.allocate(4);
  assert.throws(() => transform.launch({ grid: 1, block: 1 }, 1, buf), DisposedError);
  assert.throws(() => m.getKernel('transform'), DisposedError);
});

test('malformed PTX is a CUDA_ERROR_INVALID_PTX whose explanation carries the JIT log', () => {
  const bad = '.version 9.0\n.target sm_90\n.address_size 64\n\n.visible .entry k(.param .u64 p)\n{\n  frobnicate.u32 %r1, 1;\n  ret;\n}\n';
  assert.throws(() => ctx.loadModule(bad), (e: unknown) =>
    e instanceof DriverError && e.codeName === 'CUDA_ERROR_INVALID_PTX' && e.code === 218 && /line 7/.test(e.message));
  assert.throws(() => ctx.loadModule(''), InvalidArgumentError);
  assert.throws(() => ctx.loadModule(42 as never), InvalidArgumentError);
  assert.throws(() => ctx.loadModuleFile(repoPath('no', 'such.ptx')), (e: unknown) => e instanceof DriverError && e.codeName === 'CUDA_ERROR_FILE_NOT_FOUND');
});

test('fatbin images load (PTX inside), and cubins load on GPUs only', () => {
  const input = randomFloats(100, 9);
  using fat = ctx.loadModule(fixtureBytes('core', 'version_b.fatbin'));
  assert.equal(fat.format, 'fatbin');
  // No PTX text to read types from: the 4-byte int parameter is typed by its size (u32).
  assert.deepEqual(runTransform(fat.getKernel('transform'), input), input.map((v) => Math.fround(v * 2)));
  const cubin = fixtureBytes('core', 'version_b.cubin');
  if (backendKind() === 'gpu') {
    using m = ctx.loadModule(cubin);
    assert.equal(m.format, 'cubin');
    assert.deepEqual(runTransform(m.getKernel('transform'), input), input.map((v) => Math.fround(v * 2)));
  } else {
    assert.throws(() => ctx.loadModule(cubin), (e: unknown) => e instanceof DriverError && /PTX/.test(e.message));
  }
});

test('__device__ and __constant__ variables are readable and writable through Module.global', () => {
  using m = ctx.loadModule(corePtx());
  const counter = m.global('counter');
  assert.equal(counter.byteLength, 4);
  assert.deepEqual([...counter.toArray(Int32Array)], [5]);
  const coefficients = m.global('coefficients');
  assert.deepEqual([...coefficients.toArray(Float32Array)], [1, 2, 3, 4]);
  counter.copyFrom(new Int32Array([10]));
  coefficients.copyFrom(new Float32Array([0.5, -1, 2, 4]));
  const n = 10;
  const xs = randomFloats(n, 3);
  using x = ctx.upload(xs);
  using out = ctx.allocate(n * 4);
  m.getKernel('use_globals').launch({ grid: 1, block: 32 }, n, x, out);
  const coef = [0.5, -1, 2, 4];
  assert.deepEqual(out.toArray(Float32Array), xs.map((v, i) => fmaf(coef[i % 4]!, v, 10)));
  assert.throws(() => m.global('nope'), DriverError);
  m.reload(corePtx());
  assert.throws(() => counter.toArray(Int32Array), /unloaded or reloaded/);
});
