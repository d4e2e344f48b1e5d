import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DriverError } from '../../src/errors.js';
import {
  DeviceMemory, RangeAllocator, POISON_BYTE, RED_ZONE_BYTES, GRANULE,
  DEVICE_ADDRESS_BASE, DEVICE_ADDRESS_STRIDE, deviceBase, deviceCapacity, deviceOfAddress,
} from '../../src/emu/mem/index.js';

const MiB = 1 << 20;

type Op = { kind: 'alloc'; size: number } | { kind: 'free'; pick: number };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('alloc' as const), size: fc.oneof(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 70_000 })) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }) },
);

function codeOf(fn: () => unknown): number | null {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DriverError, `expected a DriverError, got ${String(e)}`);
    return e.code;
  }
  return null;
}

const footprint = (bytes: number): number => Math.ceil(bytes / GRANULE) * GRANULE + RED_ZONE_BYTES;

describe('address layout', () => {
  test('devices sit 1 TiB apart from 0x7f0000000000 and addresses map back to their device', () => {
    assert.equal(deviceBase(0), 0x7f00_0000_0000);
    assert.equal(deviceBase(3) - deviceBase(2), DEVICE_ADDRESS_STRIDE);
    assert.equal(deviceOfAddress(deviceBase(5) + 12345), 5);
    assert.equal(deviceOfAddress(0), -1);
    assert.equal(deviceOfAddress(DEVICE_ADDRESS_BASE - 1), -1);
    assert.ok(deviceBase(63) + deviceCapacity() < Number.MAX_SAFE_INTEGER);
  });

  test('the capacity is what V8 lets a resizable ArrayBuffer hold (4 GiB on Node 20), a granule multiple', () => {
    const cap = deviceCapacity();
    assert.ok(cap >= 2 ** 30 && cap <= 2 ** 34);
    assert.equal(cap % GRANULE, 0);
  });
});

describe('RangeAllocator', () => {
  test('best fit, coalescing on release in both directions', () => {
    const a = new RangeAllocator(16 * 256, 256);
    const x = a.allocate(512)!;
    const y = a.allocate(256)!;
    const z = a.allocate(1024)!;
    assert.deepEqual([x, y, z], [0, 512, 768]);
    a.release(x, 512);
    a.release(z, 1024);
    // A 256-byte request goes into the 512-byte hole (best fit), not the big top range.
    assert.equal(a.allocate(256), 0);
    a.release(0, 256);
    a.release(y, 256);
    assert.deepEqual(a.freeRanges(), [[0, 16 * 256]]);
    assert.equal(a.stats().highWater, 0);
  });

  test('returns null when no range is large enough', () => {
    const a = new RangeAllocator(4 * 256, 256);
    assert.equal(a.allocate(4 * 256), 0);
    assert.equal(a.allocate(256), null);
  });

  test('property: free ranges are disjoint, coalesced and complement the allocated ones', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
      const cap = 512 * 256;
      const a = new RangeAllocator(cap, 256);
      const live: Array<[number, number]> = [];
      for (const op of ops) {
        if (op.kind === 'alloc') {
          const size = Math.ceil(op.size / 256) * 256;
          const at = a.allocate(size);
          if (at !== null) live.push([at, size]);
          else assert.ok(a.stats().largestFree < size);
        } else if (live.length) {
          const [at, size] = live.splice(op.pick % live.length, 1)[0]!;
          a.release(at, size);
        }
        const free = a.freeRanges();
        const all = [...free.map(([s, n]) => [s, n, 'f'] as const), ...live.map(([s, n]) => [s, n, 'u'] as const)].sort((p, q) => p[0] - q[0]);
        let cursor = 0;
        for (let i = 0; i < all.length; i++) {
          const [s, n, kind] = all[i]!;
          assert.equal(s, cursor, 'ranges tile the space with no gap or overlap');
          if (kind === 'f' && i > 0) assert.notEqual(all[i - 1]![2], 'f', 'adjacent free ranges are coalesced');
          cursor = s + n;
        }
        assert.equal(cursor, cap);
        const st = a.stats();
        assert.equal(st.usedBytes, live.reduce((t, [, n]) => t + n, 0));
        assert.equal(st.usedRanges, live.length);
        assert.equal(st.freeBytes + st.usedBytes, cap);
      }
    }), { numRuns: 150 });
  });
});

describe('DeviceMemory', () => {
  test('allocations are 256-aligned, 512 bytes apart when small, and bounds-checked exactly', () => {
    const m = new DeviceMemory({ device: 0, capacity: 4 * MiB });
    const a = m.alloc(4, 'cuMemAlloc');
    const b = m.alloc(100, 'cuMemAlloc');
    assert.equal(a, deviceBase(0));
    assert.equal(b - a, 512);
    assert.equal(a % 256, 0);
    assert.ok(m.isValid(a, 4));
    assert.ok(!m.isValid(a, 5), 'past the requested size, inside the granule');
    assert.ok(!m.isValid(a + 4, 1));
    assert.ok(!m.isValid(a - 1, 1));
    assert.ok(!m.isValid(a, 0));
    assert.ok(!m.isValid(0, 4));
    assert.ok(!m.isValid(a + 256, 1), 'red zone');
    assert.ok(m.isValid(b + 96, 4));
    assert.ok(!m.isValid(b + 97, 4));
    assert.deepEqual(m.allocationAt(b + 50), { id: 2, address: b, bytes: 100, label: 'cuMemAlloc', footprint: 512 });
    assert.equal(m.allocationAt(b + 100), null);
  });

  test('errors: zero or fractional sizes, double free, interior and foreign pointers are CUDA_ERROR_INVALID_VALUE', () => {
    const m = new DeviceMemory({ device: 1, capacity: MiB });
    assert.equal(codeOf(() => m.alloc(0, 'x')), 1);
    assert.equal(codeOf(() => m.alloc(1.5, 'x')), 1);
    const a = m.alloc(1000, 'x');
    assert.equal(codeOf(() => m.free(a + 8)), 1);
    assert.equal(codeOf(() => m.free(deviceBase(0))), 1);
    m.free(a);
    assert.equal(codeOf(() => m.free(a)), 1);
    try {
      m.free(a, 'cuMemFree_v2');
      assert.fail('double free accepted');
    } catch (e) {
      assert.ok(e instanceof DriverError);
      assert.equal(e.call, 'cuMemFree_v2');
      assert.match(e.explanation, /use after free/);
    }
  });

  test('out of memory is CUDA_ERROR_OUT_OF_MEMORY and leaves the allocator consistent', () => {
    const m = new DeviceMemory({ device: 0, capacity: MiB });
    const a = m.alloc(MiB - RED_ZONE_BYTES, 'big');
    assert.equal(codeOf(() => m.alloc(1, 'one more')), 2);
    m.free(a);
    assert.equal(codeOf(() => m.alloc(MiB, 'too big with its red zone')), 2);
    assert.equal(m.stats().usedBytes, 0);
    m.alloc(1, 'fits again');
  });

  test('memory is not zeroed on allocation; freed memory is poisoned with 0xCD', () => {
    const m = new DeviceMemory({ device: 0, capacity: MiB });
    const a = m.alloc(64, 'a');
    const off = a - m.base;
    assert.equal(m.bytes[off], 0, 'never-used store reads zero');
    m.bytes.fill(7, off, off + 64);
    m.free(a);
    assert.ok(m.bytes.subarray(off, off + 256).every((b) => b === POISON_BYTE));
    const b = m.alloc(64, 'b');
    assert.equal(b, a, 'best fit reuses the hole');
    assert.equal(m.bytes[b - m.base], POISON_BYTE, 'a fresh allocation shows the poison');
  });

  test('the store grows on demand, views survive growth, trim and reset give memory back', () => {
    const m = new DeviceMemory({ device: 0, capacity: 64 * MiB });
    const a = m.alloc(100, 'a');
    const view = m.view(a, 100);
    view[99] = 42;
    assert.equal(m.stats().committedBytes, MiB);
    const big = m.alloc(10 * MiB, 'big');
    assert.ok(m.stats().committedBytes >= 10 * MiB + 512);
    assert.equal(view.length, 100);
    assert.equal(view[99], 42);
    assert.ok(m.isValid(big + 10 * MiB - 8, 8));
    m.free(big);
    m.trim();
    assert.equal(m.stats().committedBytes, MiB);
    assert.equal(view[99], 42);
    m.reset();
    assert.equal(m.stats().committedBytes, 0);
    assert.equal(m.stats().usedRanges, 0);
    assert.ok(!m.isValid(a, 1));
  });

  test('describe words faults like compute-sanitizer', () => {
    const m = new DeviceMemory({ device: 0, capacity: MiB });
    const a = m.alloc(4096, 'cuMemAlloc');
    const hexA = `0x${a.toString(16)}`;
    assert.equal(m.describe(a + 4108, 4), `4-byte access at 0x${(a + 4108).toString(16)}: 12 bytes past the end of a 4096-byte cuMemAlloc block at ${hexA}`);
    assert.match(m.describe(a + 4094, 4), /overruns the end of a 4096-byte cuMemAlloc block at 0x7f0000000000 by 2 bytes \(starts at offset 4094\)/);
    assert.match(m.describe(a + 16, 4), /inside a 4096-byte cuMemAlloc block at 0x7f0000000000, at offset 16/);
    assert.match(m.describe(8, 4), /null pointer plus 8/);
    assert.match(m.describe(deviceBase(1), 4), /outside emulated device 0's memory/);
    const b = m.alloc(256, 'module global counter');
    assert.match(m.describe(b - 8, 4), /8 bytes before the start of a 256-byte module global counter block/);
    m.free(a);
    assert.match(m.describe(a + 100, 4), /use after free — inside a 4096-byte cuMemAlloc block at 0x7f0000000000 that was freed, at offset 100/);
    m.free(b);
    m.reset();
    assert.match(m.describe(a, 4), /has no live allocations/);
  });

  test('resolve: own memory, linked peers only', () => {
    const m0 = new DeviceMemory({ device: 0, capacity: MiB });
    const m1 = new DeviceMemory({ device: 1, capacity: MiB });
    assert.equal(m0.resolve(m0.base + 5), m0);
    assert.equal(m0.resolve(m1.base + 5), null);
    m0.linkPeer(m1);
    m0.linkPeer(m1);
    assert.equal(m0.resolve(m1.base + 5), m1);
    m0.unlinkPeer(m1);
    assert.equal(m0.resolve(m1.base + 5), m1, 'still linked once');
    m0.unlinkPeer(m1);
    assert.equal(m0.resolve(m1.base + 5), null);
  });

  test('property: random alloc/free keeps isValid equal to the live ranges, aligned and disjoint', () => {
    fc.assert(fc.property(
      fc.array(opArb, { maxLength: 80 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: -300, max: 300 }), fc.integer({ min: 1, max: 64 })), { minLength: 8, maxLength: 8 }),
      (ops, probes) => {
        const cap = 2 * MiB;
        const m = new DeviceMemory({ device: 2, capacity: cap });
        const live: Array<{ address: number; bytes: number }> = [];
        const reference = (a: number, n: number): boolean => live.some((l) => a >= l.address && a + n <= l.address + l.bytes);
        for (const op of ops) {
          if (op.kind === 'alloc') {
            const code = codeOf(() => live.push({ address: m.alloc(op.size, `a${op.size}`), bytes: op.size }));
            if (code !== null) {
              assert.equal(code, 2);
              assert.ok(m.stats().largestFree < footprint(op.size));
            }
          } else if (live.length) {
            const [l] = live.splice(op.pick % live.length, 1);
            m.free(l!.address);
          }
          const sorted = [...live].sort((p, q) => p.address - q.address);
          for (let i = 0; i < sorted.length; i++) {
            const l = sorted[i]!;
            assert.equal(l.address % GRANULE, 0);
            if (i > 0) assert.ok(sorted[i - 1]!.address + footprint(sorted[i - 1]!.bytes) <= l.address, 'footprints do not overlap');
            for (const [a, n] of [[l.address, l.bytes], [l.address - 1, 1], [l.address + l.bytes - 1, 1], [l.address + l.bytes, 1], [l.address, l.bytes + 1]] as const) {
              assert.equal(m.isValid(a, n), reference(a, n), `isValid(${a - m.base}, ${n})`);
            }
            assert.match(m.describe(l.address + l.bytes + 3, 1), new RegExp(`3 bytes past the end of a ${l.bytes}-byte a${l.bytes} block|inside a|before the start`));
          }
          for (const [pick, delta, n] of probes) {
            const anchor = sorted.length ? sorted[pick % sorted.length]!.address : m.base;
            const a = anchor + delta;
            assert.equal(m.isValid(a, n), reference(a, n), `probe isValid(${a - m.base}, ${n})`);
          }
          const st = m.stats();
          assert.equal(st.usedRanges, live.length);
          assert.equal(st.requestedBytes, live.reduce((t, l) => t + l.bytes, 0));
          assert.equal(st.usedBytes, live.reduce((t, l) => t + footprint(l.bytes), 0));
          assert.equal(st.freeBytes, cap - st.usedBytes);
        }
        for (const l of live) m.free(l.address);
        assert.equal(m.stats().freeRanges, 1);
        assert.equal(m.stats().highWater, 0);
      },
    ), { numRuns: 120 });
  });
});
