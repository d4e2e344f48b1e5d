/**
 * The NCCL collectives end to end over a mock libcuda and a mock libnccl
 * (test/fixtures/mock-lib{cuda,nccl}.c): every call crosses the real koffi bindings, so this
 * checks the symbols, the unique id passed by value (with its NUL bytes), counts, type and
 * reduction codes, roots and peers, streams, the context current during each call, group calls,
 * the restored context stack after ncclCommInitAll, NCCL's error strings, and lifetime. It does
 * not check NCCL's semantics (test/device/collectives.test.ts does, on the GPU).
 *
 * The backend is chosen once per process: this file sets CUDAJS_DEVICE=gpu and the mock library
 * paths before the first use (node --test runs each file in its own process).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import koffi from 'koffi';
import { Clique, Communicator, Context, Device, DisposedError, group, InvalidArgumentError, NcclError, UniqueId } from '../../src/index.js';
import { collectiveEngine } from '../../src/collectives/engine.js';
import { compilerSkipReason } from '../support/cuda-headers.js';
import { buildMockLibcuda, buildMockLibnccl } from '../support/mock-driver.js';

const skip = compilerSkipReason();

describe('NCCL collectives over a mock libnccl', { skip }, () => {
  let log: () => string;
  let clearLog: () => void;
  const nvlsBefore = process.env['NCCL_NVLS_ENABLE'];

  before(() => {
    process.env['CUDAJS_DEVICE'] = 'gpu';
    process.env['CUDAJS_LIBCUDA_PATH'] = buildMockLibcuda();
    const nccl = buildMockLibnccl();
    process.env['CUDAJS_LIBNCCL_PATH'] = nccl;
    delete process.env['NCCL_NVLS_ENABLE'];
    const lib = koffi.load(nccl);
    log = lib.func('mockNcclLog', 'const char *', []) as () => string;
    clearLog = lib.func('mockNcclClearLog', 'void', []) as () => void;
  });

  const lines = (): string[] => log().trim().split('\n').filter((l) => l !== '');

  test('a clique is made by ncclCommInitAll over the listed devices; the context stack is restored', () => {
    assert.equal(Context.current(), null);
    clearLog();
    using clique = Clique.create([Device.get(1), Device.get(0)]);
    assert.equal(process.env['NCCL_NVLS_ENABLE'], '0', 'loading libnccl turned NVLS off');
    assert.match(lines()[0]!, /^ncclCommInitAll ndev=2 devices=1,0 ctx=\(nil\)/);
    assert.equal(Context.current(), null, 'the context ncclCommInitAll left pushed was popped');
    assert.deepEqual(clique.communicators.map((c) => [c.rank, c.size, c.device.ordinal, c.implementation]), [[0, 2, 1, 'nccl'], [1, 2, 0, 'nccl']]);
  });

  test('collectives of a clique run in one group, each with its communicator\'s context current', () => {
    using clique = Clique.create();
    const buffers = clique.communicators.map((c) => c.context.allocate(64));
    using stream = clique.rank(1).context.createStream();
    clearLog();
    clique.run((comm, rank) => comm.allReduce(buffers[rank]!, buffers[rank]!, { dtype: 'float32', op: 'avg', ...(rank === 1 ? { stream } : {}) }));
    const l = lines();
    assert.equal(l.length, 4, l.join('\n'));
    assert.match(l[0]!, /^ncclGroupStart ctx=\(nil\) group=1/);
    for (const rank of [0, 1]) {
      const comm = clique.rank(rank);
      const line = l[rank + 1]!;
      assert.match(line, /^ncclAllReduce /);
      assert.ok(line.includes(`send=0x${buffers[rank]!.pointer.toString(16)} recv=0x${buffers[rank]!.pointer.toString(16)}`), line);
      assert.ok(line.includes('count=16 dtype=7 op=4'), line);
      assert.ok(line.includes(`ctx=0x${comm.context.handle.toString(16)} group=1`), line);
      assert.ok(line.includes(rank === 1 ? `stream=0x${stream.handle.toString(16)}` : 'stream=(nil)'), line);
    }
    assert.match(l[3]!, /^ncclGroupEnd ctx=\(nil\) group=1/);
    assert.equal(Context.current(), null);
    for (const b of buffers) b.dispose();
  });

  test('every operation passes its counts, type codes, roots and peers', () => {
    using clique = Clique.create();
    const c = clique.communicators;
    const big = c.map((comm) => comm.context.allocate(256));
    const small = c.map((comm) => comm.context.allocate(128));
    clearLog();
    clique.run((comm, r) => comm.reduceScatter(big[r]!, small[r]!, { dtype: 'bfloat16', op: 'max' }));
    clique.run((comm, r) => comm.allGather(small[r]!, big[r]!, { dtype: 'int64' }));
    clique.run((comm, r) => comm.reduce(big[r]!, r === 1 ? big[r]! : null, { dtype: 'uint8', op: 'prod', root: 1 }));
    clique.run((comm, r) => comm.broadcast(r === 0 ? small[r]! : null, small[r]!, { root: 0, dtype: 'float64' }));
    clique.run((comm, r) => {
      comm.send(small[r]!, 1 - r, { dtype: 'int32' });
      comm.recv(small[r]!, 1 - r, { dtype: 'int32' });
    });
    const ops = lines().filter((l) => !l.startsWith('ncclGroup'));
    const p = (b: { pointer: bigint }): string => `0x${b.pointer.toString(16)}`;
    assert.ok(ops[0]!.startsWith(`ncclReduceScatter send=${p(big[0]!)} recv=${p(small[0]!)} count=64 dtype=9 op=2`), ops[0]);
    assert.ok(ops[2]!.startsWith(`ncclAllGather send=${p(small[0]!)} recv=${p(big[0]!)} count=16 dtype=4`), ops[2]);
    assert.ok(ops[4]!.startsWith(`ncclReduce send=${p(big[0]!)} recv=(nil) count=256 dtype=1 op=1 root=1`), ops[4]);
    assert.ok(ops[5]!.startsWith(`ncclReduce send=${p(big[1]!)} recv=${p(big[1]!)} count=256 dtype=1 op=1 root=1`), ops[5]);
    assert.ok(ops[6]!.startsWith(`ncclBroadcast send=${p(small[0]!)} recv=${p(small[0]!)} count=16 dtype=8 root=0`), ops[6]);
    assert.ok(ops[7]!.startsWith(`ncclBroadcast send=${p(small[1]!)} recv=${p(small[1]!)} count=16 dtype=8 root=0`), 'a non-root rank passes its receive buffer');
    assert.ok(ops[8]!.startsWith(`ncclSend buf=${p(small[0]!)} count=32 dtype=2 peer=1`), ops[8]);
    assert.ok(ops[9]!.startsWith(`ncclRecv buf=${p(small[0]!)} count=32 dtype=2 peer=1`), ops[9]);
    for (const b of [...big, ...small]) b.dispose();
  });

  test('a unique id crosses by value, NUL bytes included, and one-rank collectives move the data', () => {
    const id = UniqueId.create();
    const bytes = id.toBytes();
    assert.equal(bytes[0], 0);
    assert.equal(bytes[1], 10);
    let checksum = 0;
    for (const b of bytes) checksum = (Math.imul(checksum, 31) + b) >>> 0;
    clearLog();
    using comm = Communicator.create({ id: UniqueId.parse(id.toString()), ranks: 1, rank: 0, device: Device.get(1) });
    const line = lines()[0]!;
    assert.ok(line.startsWith(`ncclCommInitRank nranks=1 rank=0 id=${checksum.toString(16).padStart(8, '0')} ctx=0x${comm.context.handle.toString(16)}`), line);
    using x = comm.context.upload(new Float32Array([1, 2, 3, 4]));
    using y = comm.context.allocate(16);
    comm.allReduce(x, y, { dtype: 'float32' });
    assert.deepEqual([...y.toArray(Float32Array)], [1, 2, 3, 4]);
  });

  test('NCCL errors carry the code name and ncclGetErrorString, and not a last error the call did not change', () => {
    const engine = collectiveEngine('nccl', 'test');
    assert.match(engine.description, /^NCCL 2\.28\.3 \(.*libnccl\.so\.2, found by CUDAJS_LIBNCCL_PATH\)$/);
    using ctx = Device.get(0).primaryContext();
    // The mock's ncclGetLastError never changes, like NCCL's after a warning of an earlier call:
    // it is not this error's detail (test/gpu/nccl.test.ts checks that a fresh warning is).
    assert.throws(() => engine.create(new Uint8Array(128), 1, 5, ctx), (e: unknown) =>
      e instanceof NcclError && e.code === 4 && e.codeName === 'ncclInvalidArgument' && e.call === 'ncclCommInitRank' &&
      e.explanation === 'mock NCCL error string 4');
  });

  test('lifetime: dispose destroys once, abort skips destroy, finalize ends use', () => {
    using clique = Clique.create();
    const [a, b] = clique.communicators as [Communicator, Communicator];
    clearLog();
    a.finalize();
    assert.throws(() => a.send(a.context.allocate(4), 1), (e: unknown) => e instanceof DisposedError && /finalized/.test(e.message));
    a.dispose();
    a.dispose();
    b.abort();
    b.abort();
    clique.dispose();
    const l = lines().map((x) => x.split(' ')[0]);
    assert.deepEqual(l, ['ncclCommFinalize', 'ncclCommDestroy', 'ncclCommAbort']);
    assert.throws(() => b.allGather(b.context.allocate(4), b.context.allocate(8)), DisposedError);
    assert.equal(a.context.disposed, true, 'the primary context reference was released');
  });

  test('buffers and streams of another context are refused before NCCL is called', () => {
    using clique = Clique.create();
    const comm = clique.rank(0);
    using other = Device.get(0).createContext();
    Context.pop();
    using foreign = other.allocate(16);
    using mine = comm.context.allocate(16);
    using stream = other.createStream();
    clearLog();
    group(() => {
      assert.throws(() => comm.allReduce(foreign, mine, { dtype: 'float32' }), (e: unknown) => e instanceof InvalidArgumentError && /send buffer lives in Context\(created, device 0\)/.test(e.message));
      assert.throws(() => comm.allReduce(mine, mine, { dtype: 'float32', stream }), (e: unknown) => e instanceof InvalidArgumentError && /stream belongs to/.test(e.message));
    });
    assert.deepEqual(lines().map((x) => x.split(' ')[0]), ['ncclGroupStart', 'ncclGroupEnd']);
  });

  after(() => {
    if (nvlsBefore === undefined) delete process.env['NCCL_NVLS_ENABLE'];
    else process.env['NCCL_NVLS_ENABLE'] = nvlsBefore;
  });
});
