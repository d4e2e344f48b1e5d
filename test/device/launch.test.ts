import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Device, DisposedError, InvalidArgumentError, struct } from '../../src/index.js';
import { primaryWithCoreModule, randomFloats } from '../support/kernels.js';

const fx = primaryWithCoreModule();

const Params = struct({ scale: 'f32', n: 'i32', bias: 'f64' });
const WithPointer = struct({ tag: 'i8', data: 'ptr' });

test('every scalar type, a pointer, two structs and a half are marshalled exactly', () => {
  const echo = fx.module.getKernel('echo_params', {
    params: ['ptr', 'i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64', 'f32', 'f64', 'ptr', Params, WithPointer, 'f16'],
  });
  using out = fx.ctx.allocate(14 * 8);
  using ints = fx.ctx.upload(new Int32Array([-77, 3]));
  using floats = fx.ctx.upload(new Float32Array([0.5, 1.25]));
  echo.launch({ grid: 1, block: 32 }, out, -5, 250, -30000, 65000, -2000000000, 4000000000, -(2n ** 40n), 2n ** 53n, 1.5, Math.E, ints,
    { scale: 2.5, n: -4, bias: 0.125 }, { tag: 7, data: floats }, 1 / 3);
  const got = out.toArray(Float64Array);
  assert.deepEqual([...got], [-5, 250, -30000, 65000, -2000000000, 4000000000, -(2 ** 40), 2 ** 53, 1.5, Math.E, -77,
    2.5 * -4 + 0.125, 7 + 1.25, 0.333251953125 /* 1/3 in f16: 0x3555 */]);
});

test('PTX-derived signatures type 32-bit ints as u32 and reject what does not fit', () => {
  const saxpy = fx.module.getKernel('saxpy');
  assert.deepEqual(saxpy.params.map((p) => [p.offset, p.size]), [[0, 4], [4, 4], [8, 8], [16, 8], [24, 8]]);
  using x = fx.ctx.allocate(16);
  const cfg = { grid: 1, block: 4 };
  assert.throws(() => saxpy.launch(cfg, 4, 1, x, x), (e: unknown) => e instanceof InvalidArgumentError && /expects 5 argument/.test(e.message));
  assert.throws(() => saxpy.launch(cfg, 4, 1, x, x, x, x), /got 6/);
  assert.throws(() => saxpy.launch(cfg, 4.5, 1, x, x, x), /argument 0 \(.*: u32\) expects an integer/);
  assert.throws(() => saxpy.launch(cfg, 4, '1' as never, x, x, x), /argument 1 .* expects a number, got string/);
  assert.throws(() => saxpy.launch(cfg, 4, 1, {} as never, x, x), /argument 2 .* got Object/);
  const gone = fx.ctx.allocate(16);
  gone.dispose();
  assert.throws(() => saxpy.launch(cfg, 4, 1, gone, x, x), DisposedError);
});

test('launch dimensions are checked against the device and the kernel', () => {
  const geometry = fx.module.getKernel('geometry');
  const blockSum = fx.module.getKernel('block_sum');
  using out = fx.ctx.allocate(7 * 4);
  const limits = Device.get(0).limits;
  assert.throws(() => geometry.launch({ grid: 0, block: 1 }, out), /grid\.x is 0/);
  assert.throws(() => geometry.launch({ grid: 1, block: [1, 0] }, out), /block\.y is 0/);
  assert.throws(() => geometry.launch({ grid: 1, block: 2048 }, out), /block\.x is 2048, over this device's limit of 1024/);
  assert.throws(() => geometry.launch({ grid: [1, limits.maxGridDim[1] + 1], block: 1 }, out), /grid\.y/);
  assert.throws(() => geometry.launch({ grid: 1, block: [32, 32, 2] }, out), /2048 threads exceeds/);
  assert.throws(() => geometry.launch({ grid: 1.5, block: 1 }, out), /grid\.x is 1\.5/);
  assert.throws(() => geometry.launch({ grid: 'a', block: 1 } as never, out), InvalidArgumentError);
  assert.throws(() => geometry.launch(null as never, out), /launch configuration/);
  assert.throws(() => blockSum.launch({ grid: 1, block: 512 }, out, out, 1), /limit of 256 threads/, '__launch_bounds__(256)');
  assert.throws(() => geometry.launch({ grid: 1, block: 1, sharedMemBytes: 200 * 1024 }, out), /dynamic shared memory limit/);
  assert.throws(() => geometry.launch({ grid: 1, block: 1, sharedMemBytes: -1 }, out), /non-negative/);
});

test('grid, block and dynamic shared memory reach the kernel; large shared memory needs the attribute', () => {
  const geometry = fx.module.getKernel('geometry');
  using out = fx.ctx.allocate(7 * 4);
  geometry.launch({ grid: [2, 3, 4], block: { x: 4, y: 2 }, sharedMemBytes: 100 }, out);
  assert.deepEqual([...out.toArray(Uint32Array)], [2, 3, 4, 4, 2, 1, 100]);
  const big = 100 * 1024;
  assert.throws(() => geometry.launch({ grid: 1, block: 32, sharedMemBytes: big }, out), /maxDynamicSharedSizeBytes/);
  geometry.setAttribute('maxDynamicSharedSizeBytes', big);
  assert.equal(geometry.attribute('maxDynamicSharedSizeBytes'), big);
  geometry.launch({ grid: [1], block: [32], sharedMemBytes: big }, out);
  assert.equal(out.toArray(Uint32Array)[6], big);
});

test('kernel attributes and occupancy are consistent with the kernel and the device', () => {
  const blockSum = fx.module.getKernel('block_sum');
  const attrs = blockSum.attributes();
  assert.equal(attrs['maxThreadsPerBlock'], 256);
  assert.equal(attrs['sharedSizeBytes'], 1024);
  assert.ok(attrs['numRegs']! > 0 && attrs['numRegs']! <= 255);
  const perSm = blockSum.maxActiveBlocksPerMultiprocessor(256);
  const device = Device.get(0);
  assert.ok(perSm >= 1 && perSm <= device.attribute('maxThreadsPerMultiprocessor') / 256, `${perSm} blocks per SM`);
  const suggestion = blockSum.suggestLaunch();
  assert.ok(suggestion.blockSize > 0 && suggestion.blockSize <= 256 && suggestion.blockSize % 32 === 0, `block ${suggestion.blockSize}`);
  assert.ok(suggestion.minGridSize >= device.limits.multiprocessorCount, `grid ${suggestion.minGridSize}`);
  assert.throws(() => blockSum.maxActiveBlocksPerMultiprocessor(0), InvalidArgumentError);
  assert.throws(() => blockSum.attribute('bogus' as never), /unknown kernel attribute/);
});

test('a reduction over several blocks with shared memory and atomics', () => {
  const n = 5000;
  const xs = randomFloats(n, 99);
  using x = fx.ctx.upload(xs);
  using sum = fx.ctx.upload(new Float32Array([0]));
  fx.module.getKernel('block_sum').launch({ grid: Math.ceil(n / 256), block: 256 }, x, sum, n);
  const expected = xs.reduce((a, b) => a + b, 0);
  // f32 partial sums in a different order than the f64 reference: |error| ≲ n · 2^-24 · Σ|x|.
  const bound = n * 2 ** -24 * xs.reduce((a, b) => a + Math.abs(b), 0);
  assert.ok(Math.abs(sum.toArray(Float32Array)[0]! - expected) <= bound);
});

test('cooperative launches and thread-block clusters go through cuLaunchKernelEx', () => {
  const geometry = fx.module.getKernel('geometry');
  using out = fx.ctx.allocate(7 * 4);
  geometry.launch({ grid: [2, 2], block: 64, cooperative: true }, out);
  assert.deepEqual([...out.toArray(Uint32Array)].slice(0, 6), [2, 2, 1, 64, 1, 1]);
  geometry.launch({ grid: [4, 2], block: 32, cluster: [2, 1, 1] }, out);
  assert.deepEqual([...out.toArray(Uint32Array)].slice(0, 6), [4, 2, 1, 32, 1, 1]);
  assert.throws(() => geometry.launch({ grid: [3, 1], block: 32, cluster: 2 }, out), /multiple of cluster\.x/);
});
