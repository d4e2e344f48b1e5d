/**
 * GPU tier: NCCL itself — library loading with NVLS off, version, real NCCL errors with NCCL's
 * own text, the context stack around NCCL calls, the reference collectives on the GPU agreeing
 * with NCCL, and communicators of several processes joined through a serialized unique id
 * (one process on one GPU; one process per GPU where there are several). Every collective with
 * every type runs in the device tier (test/device/collectives.test.ts) on the same GPUs.
 *
 * Skips with the reason without a GPU or without libnccl.so.2; tests that need two GPUs skip on
 * one. NVLink multicast stays off (NCCL_NVLS_ENABLE=0 unless set; spawned ranks inherit it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Clique, Context, DATA_TYPE_NAMES, Device, NcclError, REDUCE_OP_NAMES, UniqueId, type DataType } from '../../src/index.js';
import { collectiveEngine } from '../../src/collectives/engine.js';
import { LIBNCCL, loadLibrary } from '../../src/raw/library.js';
import { REPOSITORY_ROOT } from '../support/paths.js';
import { skipUnlessGpu } from '../support/tiers.js';
import { oracleReduce, randomElements, sameElements } from '../support/collective-oracle.js';

const userNvls = process.env['NCCL_NVLS_ENABLE'];

function ncclSkipReason(): string | false {
  const gpu = skipUnlessGpu();
  if (gpu !== false) return gpu;
  try {
    loadLibrary(LIBNCCL, 'nccl.test');
    return false;
  } catch (e) {
    return `needs NCCL: ${(e as Error).message}`;
  }
}

const skip = ncclSkipReason();
const gpus = skip === false ? Device.count() : 0;
const needsTwo = gpus >= 2 ? false : `needs two GPUs: this machine has ${gpus}`;

describe('NCCL on the GPU', { skip }, () => {
  test('libnccl loads with NVLink SHARP off unless the user set it, and reports its version', () => {
    const engine = collectiveEngine('nccl', 'test');
    assert.match(engine.description, /^NCCL 2\.\d+\.\d+ \(/);
    assert.equal(process.env['NCCL_NVLS_ENABLE'], userNvls ?? '0');
  });

  test('the calling thread\'s context stack is the same after NCCL calls', () => {
    assert.equal(Context.current(), null);
    using clique = Clique.create([Device.get(0)]);
    assert.equal(Context.current(), null, 'ncclCommInitAll leaves no context current');
    using mine = Device.get(0).createContext();
    assert.ok(mine.isCurrent);
    using x = clique.rank(0).context.upload(new Float32Array([1, 2]));
    clique.run((comm) => comm.allReduce(x, x, { dtype: 'float32' }));
    assert.ok(mine.isCurrent, 'a created context stays current across a group of NCCL calls');
    Context.pop();
  });

  test('a real NCCL error is an NcclError with NCCL\'s text', () => {
    const engine = collectiveEngine('nccl', 'test');
    using ctx = Device.get(0).primaryContext();
    assert.throws(() => engine.create(UniqueId.create('nccl').bytes, 1, 5, ctx), (e: unknown) => {
      assert.ok(e instanceof NcclError, String(e));
      assert.equal(e.call, 'ncclCommInitRank');
      assert.equal(e.codeName, 'ncclInvalidArgument');
      assert.match(e.explanation, /invalid argument/i);
      return true;
    });
  });

  test('the reference collectives on the GPU agree with NCCL, every type and reduction', () => {
    using nccl = Clique.create(Device.all(), { implementation: 'nccl' });
    using reference = Clique.create(Device.all(), { implementation: 'reference' });
    const fp8 = Device.all().every((d) => d.computeCapability.major >= 9);
    for (const dtype of DATA_TYPE_NAMES.filter((t) => fp8 || !t.startsWith('float8')) as DataType[]) {
      for (const op of REDUCE_OP_NAMES) {
        const inputs = nccl.communicators.map((_, r) => randomElements(dtype, 1000, 13 * r + 1));
        const results = [nccl, reference].map((clique) => {
          const x = clique.communicators.map((c, r) => c.context.upload(inputs[r]!));
          clique.run((comm, r) => comm.allReduce(x[r]!, x[r]!, { dtype, op }));
          const out = x.map((b) => b.toArray(Uint8Array));
          for (const b of x) b.dispose();
          return out;
        });
        const want = oracleReduce(dtype, op, inputs);
        results[1]!.forEach((got, r) => assert.equal(sameElements(dtype, op, got, want), null, `reference ${dtype} ${op} rank ${r}`));
        results[0]!.forEach((got, r) => assert.equal(sameElements(dtype, op, got, want, inputs, gpus), null, `NCCL ${dtype} ${op} rank ${r}`));
      }
    }
  });

  test('a communicator joined through a unique id passed to another process as text (one rank)', () => {
    const id = UniqueId.create();
    const r = spawnSync(process.execPath, [join(REPOSITORY_ROOT, 'dist/test/gpu/nccl-rank.js'), id.toString(), '1', '0', '0'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), { rank: 0, values: [1, 1] });
  });

  test('one process per GPU, joined through a unique id, all-reduce across processes', { skip: needsTwo }, async () => {
    const id = UniqueId.create();
    const { spawn } = await import('node:child_process');
    const runs = Array.from({ length: gpus }, (_, rank) => new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [join(REPOSITORY_ROOT, 'dist/test/gpu/nccl-rank.js'), id.toString(), String(gpus), String(rank), String(rank)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (err += d));
      const timer = setTimeout(() => child.kill(), 120_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(out.trim());
        else reject(new Error(`rank ${rank} exited ${code}: ${err}`));
      });
    }));
    const total = (gpus * (gpus + 1)) / 2;
    for (const line of await Promise.all(runs)) assert.deepEqual(JSON.parse(line).values, [total, total]);
  });

  test('peer access between the first two GPUs follows cuDeviceCanAccessPeer', { skip: needsTwo }, () => {
    using c0 = Device.get(0).primaryContext();
    using c1 = Device.get(1).primaryContext();
    const can = Device.get(0).canAccessPeer(Device.get(1));
    if (can) {
      const first = c0.enablePeerAccess(c1);
      assert.equal(c0.enablePeerAccess(c1), false);
      if (first) c0.disablePeerAccess(c1);
    } else {
      assert.throws(() => c0.enablePeerAccess(c1), /PEER_ACCESS_UNSUPPORTED/);
    }
  });
});
