/**
 * Device tier: every device gets its own contexts and memory, and buffers move between contexts
 * and devices through peer copies (sync and on streams); peer access is enabled and disabled
 * idempotently and refused clearly where impossible.
 *
 * Runs on whatever backend the process selected. With one device (one GPU, or the emulated device
 * by default) the tests that need two devices skip with the reason; CI runs this file with
 * `CUDAJS_DEVICE=emu CUDAJS_EMU_DEVICES=4` (test/unit/multi-device-emulated.test.ts spawns it), and
 * a multi-GPU machine runs it on its GPUs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Context, Device, DisposedError, InvalidArgumentError, PeerAccessError } from '../../src/index.js';
import { randomBytes } from '../support/kernels.js';

const count = Device.count();
const needs = (n: number): string | false => (count >= n ? false : `needs ${n} devices: this backend has ${count}`);

test('every device has its own primary context, memory and memory info', () => {
  const contexts = Device.all().map((d) => d.primaryContext());
  try {
    assert.equal(contexts.length, count);
    contexts.forEach((ctx, i) => {
      assert.equal(ctx.device.ordinal, i);
      assert.equal(ctx.device, Device.get(i));
      const info = ctx.memoryInfo();
      assert.ok(info.total > 0 && info.free <= info.total, `device ${i}: ${JSON.stringify(info)}`);
    });
    // Distinct contexts with distinct handles.
    assert.equal(new Set(contexts.map((c) => c.handle)).size, count);
    // Each device holds its own data: write a distinct pattern per device, then read all back.
    const buffers = contexts.map((ctx, i) => ctx.upload(randomBytes(4096 + i, i + 1)));
    buffers.forEach((b, i) => {
      assert.equal(Buffer.compare(b.toArray(Uint8Array), randomBytes(4096 + i, i + 1)), 0, `device ${i}`);
      b.dispose();
    });
  } finally {
    for (const c of contexts) c.dispose();
  }
});

test('Device.memoryInfo uses that device, whichever context is current', () => {
  const last = Device.get(count - 1);
  using ctx = Device.get(0).primaryContext();
  ctx.run(() => {
    const info = last.memoryInfo();
    assert.ok(info.total > 0);
    assert.ok(ctx.isCurrent, 'the current context is restored');
  });
});

test('a created context per device: work runs in each one even when another is current', () => {
  const contexts = Device.all().map((d) => d.createContext());
  try {
    // cuCtxCreate pushed every one; the last is current.
    assert.ok(contexts[count - 1]!.isCurrent);
    contexts.forEach((ctx, i) => {
      using buf = ctx.upload(new Uint32Array([i, i + 1, i + 2]));
      assert.deepEqual([...buf.toArray(Uint32Array)], [i, i + 1, i + 2]);
      assert.equal(ctx.device.ordinal, i);
    });
  } finally {
    for (const c of contexts.reverse()) c.dispose();
  }
  assert.equal(Context.current(), null);
});

test('copies between two contexts of one device go through cuMemcpyPeer and keep every byte', () => {
  using primary = Device.get(0).primaryContext();
  using created = Device.get(0).createContext();
  Context.pop();
  const data = randomBytes(65537, 3);
  using a = primary.upload(data);
  using b = created.allocate(data.length);
  b.copyFrom(a);
  assert.equal(Buffer.compare(b.toArray(Uint8Array), data), 0);
  using stream = created.createStream();
  using c = primary.allocate(data.length);
  b.copyTo(c, { stream });
  stream.synchronize();
  assert.equal(Buffer.compare(c.toArray(Uint8Array), data), 0);
});

test('peer copies between every ordered pair of devices, synchronous and on either side\'s stream', { skip: needs(2) }, () => {
  const contexts = Device.all().map((d) => d.primaryContext());
  try {
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < count; j++) {
        if (i === j) continue;
        for (const n of [1, 255, 4096, 1 << 20]) {
          const data = randomBytes(n, 10 * i + j + n);
          using src = contexts[i]!.upload(data);
          using dst = contexts[j]!.allocate(n);
          dst.copyFrom(src);
          assert.equal(Buffer.compare(dst.toArray(Uint8Array), data), 0, `${i} → ${j}, ${n} bytes`);
          // Asynchronous, on the source's stream and on the destination's.
          for (const side of [contexts[i]!, contexts[j]!]) {
            using stream = side.createStream({ nonBlocking: true });
            dst.fill(0);
            src.copyTo(dst, { stream });
            stream.synchronize();
            assert.equal(Buffer.compare(dst.toArray(Uint8Array), data), 0, `${i} → ${j} async on device ${side.device.ordinal}'s stream`);
          }
        }
      }
    }
  } finally {
    for (const c of contexts) c.dispose();
  }
});

test('a peer copy on a third device\'s stream is refused by name', { skip: needs(3) }, () => {
  using c0 = Device.get(0).primaryContext();
  using c1 = Device.get(1).primaryContext();
  using c2 = Device.get(2).primaryContext();
  using a = c0.allocate(64);
  using b = c1.allocate(64);
  using stream = c2.createStream();
  assert.throws(() => b.copyFrom(a, { stream }), (e: unknown) =>
    e instanceof InvalidArgumentError && e.call === 'DeviceBuffer.copyFrom' && /neither the destination's .* nor the source's/.test(e.explanation));
});

test('subarray views copy across devices at their offsets', { skip: needs(2) }, () => {
  using c0 = Device.get(0).primaryContext();
  using c1 = Device.get(1).primaryContext();
  const data = randomBytes(1024, 5);
  using a = c0.upload(data);
  using b = c1.allocate(1024);
  b.fill(0);
  b.subarray(256, 512).copyFrom(a.subarray(512, 768));
  const back = b.toArray(Uint8Array);
  assert.equal(Buffer.compare(back.subarray(256, 512), data.subarray(512, 768)), 0);
  assert.ok(back.subarray(0, 256).every((x) => x === 0));
  assert.ok(back.subarray(512).every((x) => x === 0));
});

test('peer access: enable and disable are idempotent and say whether they changed anything', { skip: needs(2) }, () => {
  using c0 = Device.get(0).primaryContext();
  using c1 = Device.get(1).primaryContext();
  if (!Device.get(0).canAccessPeer(Device.get(1))) {
    assert.throws(() => c0.enablePeerAccess(c1), (e: unknown) => e instanceof PeerAccessError && e.codeName === 'CUDA_ERROR_PEER_ACCESS_UNSUPPORTED' && e.device === 0 && e.peer === 1);
    return;
  }
  assert.equal(c0.enablePeerAccess(c1), true);
  assert.equal(c0.enablePeerAccess(c1), false, 'already enabled');
  assert.equal(c1.enablePeerAccess(c0), true, 'the other direction is separate');
  assert.equal(c0.disablePeerAccess(c1), true);
  assert.equal(c0.disablePeerAccess(c1), false, 'already disabled');
  assert.equal(c1.disablePeerAccess(c0), true);
  // Copies never needed it.
  using a = c0.upload(new Float64Array([1.5, -2.5]));
  using b = c1.allocate(16);
  b.copyFrom(a);
  assert.deepEqual([...b.toArray(Float64Array)], [1.5, -2.5]);
});

test('peer access within one device is refused with a PeerAccessError naming the device', () => {
  using primary = Device.get(0).primaryContext();
  using created = Device.get(0).createContext();
  Context.pop();
  assert.throws(() => primary.enablePeerAccess(created), (e: unknown) =>
    e instanceof PeerAccessError && e.call === 'Context.enablePeerAccess' && e.code === 217 && e.device === 0 && e.peer === 0 && /both contexts are on device 0/.test(e.explanation));
});

test('canAccessPeer: never a device with itself; symmetric answers between distinct devices', () => {
  for (const a of Device.all()) {
    assert.equal(a.canAccessPeer(a), false);
    for (const b of Device.all()) if (a !== b) assert.equal(typeof a.canAccessPeer(b), 'boolean');
  }
});

test('peer access and peer copies with a destroyed context fail with DisposedError', { skip: needs(2) }, () => {
  using c0 = Device.get(0).primaryContext();
  const c1 = Device.get(1).createContext();
  Context.pop();
  using a = c0.allocate(16);
  const b = c1.allocate(16);
  c1.dispose();
  assert.throws(() => b.copyFrom(a), DisposedError);
  assert.throws(() => a.copyTo(b), DisposedError);
  assert.throws(() => c0.enablePeerAccess(c1), DisposedError);
});
