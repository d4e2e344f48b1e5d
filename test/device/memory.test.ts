import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DisposedError, InvalidArgumentError } from '../../src/index.js';
import { primaryWithCoreModule, randomBytes, randomFloats } from '../support/kernels.js';

const fx = primaryWithCoreModule();

test('upload, copy between buffers and download preserve every byte', () => {
  // Device tests run where dev dependencies are absent (the GPU machine): sizes are enumerated,
  // odd ones and ones around allocation granules included, instead of drawn by fast-check.
  for (const n of [1, 3, 255, 256, 257, 4095, 4096, 65537, 1 << 20]) {
    const data = randomBytes(n, n);
    using a = fx.ctx.upload(data);
    using b = fx.ctx.allocate(n);
    b.copyFrom(a);
    const back = new Uint8Array(n);
    b.copyTo(back);
    assert.equal(Buffer.compare(back, data), 0, `${n} bytes`);
  }
});

test('subarray views share memory and die with their buffer', () => {
  const data = randomFloats(64, 4);
  const whole = fx.ctx.upload(data);
  const middle = whole.subarray(64, 128);
  assert.equal(middle.byteLength, 64);
  assert.equal(middle.pointer, whole.pointer + 64n);
  assert.deepEqual(middle.toArray(Float32Array), data.subarray(16, 32));
  middle.fill(0, 'u32');
  const after = whole.toArray(Float32Array);
  assert.deepEqual(after.subarray(16, 32), new Float32Array(16));
  assert.deepEqual(after.subarray(0, 16), data.subarray(0, 16));
  assert.ok(!middle.ownsMemory);
  middle.dispose();
  assert.deepEqual(whole.toArray(Float32Array).subarray(0, 16), data.subarray(0, 16), 'disposing a view frees nothing');
  const tail = whole.subarray(200);
  whole.dispose();
  assert.throws(() => tail.toArray(Uint8Array), (e: unknown) => e instanceof DisposedError && /buffer it views was disposed/.test(e.message));
});

test('fill writes 8-, 16- and 32-bit patterns, and f32 values', () => {
  using buf = fx.ctx.allocate(16);
  buf.fill(0xab);
  assert.deepEqual([...buf.toArray(Uint8Array)], new Array(16).fill(0xab));
  buf.fill(-2, 'i16');
  assert.deepEqual([...buf.toArray(Int16Array)], new Array(8).fill(-2));
  buf.fill(0xdeadbeef, 'u32');
  assert.deepEqual([...buf.toArray(Uint32Array)], new Array(4).fill(0xdeadbeef));
  buf.fill(1.5, 'f32');
  assert.deepEqual([...buf.toArray(Float32Array)], [1.5, 1.5, 1.5, 1.5]);
  assert.throws(() => buf.fill(256), /does not fit in u8/);
  assert.throws(() => buf.fill(1, 'u64' as never), /unknown fill type/);
  using odd = fx.ctx.allocate(6);
  assert.throws(() => odd.fill(1, 'u32'), /whole number of u32/);
});

test('bad sizes and ranges are InvalidArgumentErrors; dispose is idempotent', () => {
  assert.throws(() => fx.ctx.allocate(0), InvalidArgumentError);
  assert.throws(() => fx.ctx.allocate(-5), InvalidArgumentError);
  assert.throws(() => fx.ctx.allocate(1.5), InvalidArgumentError);
  using buf = fx.ctx.allocate(16);
  assert.throws(() => buf.copyFrom(new Float32Array(5)), /size mismatch: destination has 16 bytes, source has 20/);
  assert.throws(() => buf.copyTo(new Uint8Array(15)), /size mismatch/);
  using other = fx.ctx.allocate(32);
  assert.throws(() => buf.copyFrom(other), /size mismatch/);
  assert.throws(() => buf.subarray(8, 17), /not a non-empty range/);
  assert.throws(() => buf.subarray(8, 8), /not a non-empty range/);
  assert.throws(() => buf.copyFrom('text' as never), /expected a TypedArray/);
  using twelve = fx.ctx.allocate(12);
  assert.throws(() => twelve.toArray(Float64Array), /12 bytes is not a whole number of 8-byte elements/);
  const gone = fx.ctx.allocate(8);
  gone.dispose();
  gone.dispose();
  assert.throws(() => gone.copyFrom(new Uint8Array(8)), DisposedError);
  assert.throws(() => buf.copyFrom(gone), DisposedError);
});

test('asynchronous copies on a stream, timed with events', async () => {
  const n = 4 << 20;
  const data = randomFloats(n, 12);
  using stream = fx.ctx.createStream({ nonBlocking: true });
  using start = fx.ctx.createEvent();
  using end = fx.ctx.createEvent();
  using pinned = fx.ctx.allocateHost(n * 4);
  pinned.as(Float32Array).set(data);
  using dev = fx.ctx.allocate(n * 4);
  const back = new Float32Array(n);
  start.record(stream);
  dev.copyFrom(pinned, { stream });
  dev.copyTo(back, { stream });
  end.record(stream);
  await stream.synchronized();
  assert.ok(end.query());
  const ms = end.elapsedSince(start);
  assert.ok(ms > 0 && ms < 10_000, `${ms} ms`);
  assert.deepEqual(back, data);
});

test('registered Node Buffers and managed memory', () => {
  const node = Buffer.from(randomBytes(1 << 16, 3));
  const copy = Buffer.from(node);
  using registered = fx.ctx.registerHost(node);
  assert.ok(registered.registered);
  assert.equal(registered.byteLength, node.byteLength);
  using dev = fx.ctx.allocate(node.byteLength);
  dev.copyFrom(registered);
  node.fill(0);
  dev.copyTo(registered);
  assert.equal(Buffer.compare(node, copy), 0);
  registered.dispose();
  assert.throws(() => registered.bytes, DisposedError);

  const n = 256;
  using managed = fx.ctx.allocateManaged(n * 4);
  const xs = randomFloats(n, 8);
  new Float32Array(managed.bytes.buffer, managed.bytes.byteOffset, n).set(xs);
  using ys = fx.ctx.upload(randomFloats(n, 9));
  fx.module.getKernel('saxpy').launch({ grid: 2, block: 128 }, n, 1, managed, ys, managed);
  fx.ctx.synchronize();
  const ysHost = randomFloats(n, 9);
  const got = new Float32Array(managed.bytes.buffer, managed.bytes.byteOffset, n);
  for (let i = 0; i < n; i++) assert.equal(got[i], Math.fround(xs[i]! + ysHost[i]!));
});
