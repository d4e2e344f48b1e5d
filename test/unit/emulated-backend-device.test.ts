import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { StreamHandle } from '../../src/backend/types.js';
import { DEVICE_ATTRIBUTES, SM90 } from '../../src/backend/emulated/attributes.js';
import { maxPotentialBlockSize, occupancy, type OccupancyFunction } from '../../src/backend/emulated/occupancy.js';
import { expectCode, setup } from './emulated-backend-double.js';

const INVALID_VALUE = 1;
const INVALID_DEVICE = 101;
const PEER_ACCESS_UNSUPPORTED = 217;
const PEER_ACCESS_ALREADY_ENABLED = 704;
const PEER_ACCESS_NOT_ENABLED = 705;

describe('emulated device description', () => {
  test('identity: count, clearly emulated name, stable distinct UUIDs, CUDA 13.0 driver', () => {
    const { backend } = setup(3);
    assert.equal(backend.kind, 'emu');
    assert.match(backend.description, /emulated device: 3 × sm_90/);
    assert.equal(backend.deviceCount(), 3);
    assert.equal(backend.driverVersion(), 13000);
    assert.match(backend.deviceName(2), /emulated/);
    const uuids = [0, 1, 2].map((d) => Buffer.from(backend.deviceUuid(d)).toString('hex'));
    assert.equal(new Set(uuids).size, 3);
    assert.deepEqual(Buffer.from(setup(3).backend.deviceUuid(1)).toString('hex'), uuids[1]);
    assert.equal(backend.deviceTotalMemory(0), 64 << 20);
    expectCode(() => backend.deviceName(3), INVALID_DEVICE);
    expectCode(() => backend.deviceAttribute(-1, 1), INVALID_DEVICE);
  });

  test('every CUdevice_attribute of cuda.h 13.0 (1 … 147) is answered, nothing else', () => {
    const { backend } = setup();
    assert.deepEqual(DEVICE_ATTRIBUTES.map(([id]) => id), Array.from({ length: 147 }, (_, i) => i + 1));
    for (let id = 1; id <= 147; id++) assert.equal(typeof backend.deviceAttribute(0, id), 'number');
    expectCode(() => backend.deviceAttribute(0, 0), INVALID_VALUE);
    expectCode(() => backend.deviceAttribute(0, 148), INVALID_VALUE);
  });

  test('H100 SXM values', () => {
    const { backend } = setup(2);
    const a = (id: number, d = 0): number => backend.deviceAttribute(d, id);
    assert.deepEqual([a(75), a(76)], [9, 0], 'compute capability 9.0');
    assert.equal(a(16), 132);
    assert.deepEqual([a(1), a(2), a(3), a(4)], [1024, 1024, 1024, 64]);
    assert.deepEqual([a(5), a(6), a(7)], [2 ** 31 - 1, 65535, 65535]);
    assert.deepEqual([a(8), a(97), a(81), a(111)], [49152, 232448, 233472, 1024]);
    assert.deepEqual([a(12), a(82), a(10), a(39), a(106)], [65536, 65536, 32, 2048, 32]);
    assert.deepEqual([a(41), a(83), a(89), a(95), a(120)], [1, 1, 1, 1, 1], 'unified addressing, managed, concurrent managed, cooperative, cluster');
    assert.equal(a(21), 0, 'no textures on the emulated device');
    assert.notEqual(a(33, 0), a(33, 1), 'distinct PCI bus ids');
  });

  test('peer access between distinct emulated devices', () => {
    const { backend } = setup(2);
    assert.equal(backend.deviceCanAccessPeer(0, 1), true);
    assert.equal(backend.deviceCanAccessPeer(1, 0), true);
    assert.equal(backend.deviceCanAccessPeer(0, 0), false);
    expectCode(() => backend.deviceCanAccessPeer(0, 2), INVALID_DEVICE);
    const c0 = backend.contextCreate(0, 0);
    const c1 = backend.contextCreate(1, 0);
    const other0 = backend.contextCreate(0, 0);
    backend.contextEnablePeerAccess(c1);
    expectCode(() => backend.contextEnablePeerAccess(c0), PEER_ACCESS_UNSUPPORTED);
    backend.contextSetCurrent(c0);
    backend.contextEnablePeerAccess(c1);
    expectCode(() => backend.contextEnablePeerAccess(c1), PEER_ACCESS_ALREADY_ENABLED);
    backend.contextDisablePeerAccess(c1);
    expectCode(() => backend.contextDisablePeerAccess(c1), PEER_ACCESS_NOT_ENABLED);
    backend.contextEnablePeerAccess(c1);
    backend.contextDestroy(c1);
    expectCode(() => backend.contextDisablePeerAccess(c1), 201);
    const again = backend.contextCreate(1, 0);
    backend.contextSetCurrent(other0);
    backend.contextEnablePeerAccess(again);
    backend.contextDisablePeerAccess(again);
  });

  test('kernels reach peer memory once access is enabled', () => {
    const { backend, engine } = setup(2);
    let seen: number[] = [];
    engine.behaviours.set('hello', (run) => {
      const target = Number(run.params.getBigUint64(0, true));
      seen = [...run.load(target, 4)];
    });
    const c1 = backend.contextCreate(1, 0);
    const remote = backend.memAlloc(4);
    backend.memcpyHtoD(remote, Uint8Array.of(1, 2, 3, 4));
    backend.contextCreate(0, 0);
    const ptx = new TextEncoder().encode('.version 9.0\n.target sm_90\n.visible .entry hello(.param .u64 p)\n{\nret;\n}\n');
    const hello = backend.moduleFunction(backend.moduleLoad(ptx, {}).module, 'hello');
    const params = backend.createParamBlock([{ offset: 0, size: 8 }]);
    params.view.setBigUint64(0, remote, true);
    const launch = (): void => backend.launch(hello, { gridX: 1, gridY: 1, gridZ: 1, blockX: 1, blockY: 1, blockZ: 1, sharedMemBytes: 0 }, params, 0n as StreamHandle);
    backend.contextEnablePeerAccess(c1);
    launch();
    backend.contextSynchronize();
    assert.deepEqual(seen, [1, 2, 3, 4]);
    backend.contextDisablePeerAccess(c1);
    launch();
    const e = expectCode(() => backend.contextSynchronize(), 700);
    assert.match(e.explanation, /outside emulated device 0's memory/);
  });
});

describe('occupancy (cuda_occupancy.h for sm_90)', () => {
  const fn = (numRegs: number, staticSharedBytes = 0, more: Partial<OccupancyFunction> = {}): OccupancyFunction =>
    ({ numRegs, staticSharedBytes, maxThreadsPerBlock: 1024, maxDynamicSharedBytes: 49152 - staticSharedBytes, carveout: -1, ...more });

  test('limits by warps, registers, blocks and shared memory', () => {
    assert.equal(occupancy(fn(32), 256, 0).activeBlocks, 8);
    assert.equal(occupancy(fn(32), 1024, 0).activeBlocks, 2);
    assert.equal(occupancy(fn(64), 1024, 0).activeBlocks, 1);
    assert.equal(occupancy(fn(16), 32, 0).activeBlocks, 32, 'the 32-blocks-per-SM limit');
    const r = occupancy(fn(255), 256, 0);
    assert.equal(r.byRegisters, 1);
    assert.equal(occupancy(fn(255), 288, 0).activeBlocks, 0, '9 warps round up to 12: more than 64 K registers');
    assert.equal(occupancy(fn(32), 128, 49152).activeBlocks, 4, '(48 K + 1 K reserved) per block out of 228 K');
    assert.equal(occupancy(fn(32, 0, { carveout: 50 }), 128, 49152).activeBlocks, 2, 'a 50 % carveout rounds up to 132 K');
    assert.equal(occupancy(fn(32), 128, 49153).bySharedMemory, 0, 'above the function maximum');
    assert.equal(occupancy(fn(32, 0, { maxDynamicSharedBytes: 232448 }), 64, 200_000).activeBlocks, 1);
    assert.equal(occupancy(fn(32, 0, { maxThreadsPerBlock: 256 }), 512, 0).activeBlocks, 0);
  });

  test('maximum potential block size', () => {
    assert.deepEqual(maxPotentialBlockSize(fn(32), 0, 0), { blockSize: 1024, minGridSize: 2 * SM90.multiprocessorCount });
    assert.deepEqual(maxPotentialBlockSize(fn(128), 0, 0), { blockSize: 512, minGridSize: SM90.multiprocessorCount });
    assert.deepEqual(maxPotentialBlockSize(fn(32), 0, 100), { blockSize: 64, minGridSize: 32 * SM90.multiprocessorCount }, '100 threads give 1600 per SM, 96 give 2016, 64 give all 2048');
  });

  test('through the backend, on a loaded kernel', () => {
    const { backend } = setup();
    backend.contextCreate(0, 0);
    const ptx = new TextEncoder().encode('.version 9.0\n.target sm_90\n.visible .entry k()\n{\n.reg .b32 %r<32>;\nret;\n}\n');
    const k = backend.moduleFunction(backend.moduleLoad(ptx, {}).module, 'k');
    assert.equal(backend.occupancyMaxActiveBlocks(k, 256, 0), 8);
    assert.deepEqual(backend.occupancyMaxPotentialBlockSize(k, 0, 0), { blockSize: 1024, minGridSize: 264 });
    expectCode(() => backend.occupancyMaxActiveBlocks(k, 0, 0), INVALID_VALUE);
    expectCode(() => backend.occupancyMaxActiveBlocks(k, 32, -1), INVALID_VALUE);
  });
});
