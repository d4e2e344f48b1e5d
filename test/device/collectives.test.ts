/**
 * Device tier: the collectives on every device of the process — NCCL on GPUs, the reference
 * collectives on the emulated device — against a CPU oracle (test/support/collective-oracle.ts),
 * every collective with every data type and reduction.
 *
 * Where it runs: CI runs it on 4 emulated devices (test/unit/multi-device-emulated.test.ts spawns
 * it with CUDAJS_EMU_DEVICES=4); on one GPU it runs NCCL with a communicator of one rank (every
 * collective is then a copy: the bindings, codes, streams and lifetime are what is tested); on
 * several GPUs it runs NCCL across all of them, comparing floating-point sums and products with a
 * tolerance (NCCL adds in another order). Tests that need two ranks skip with the reason.
 *
 * The reductions NCCL refuses (refusedReduction: FP8 before sm_90, FP8 avg on one rank) are
 * expected to fail with ncclInvalidArgument on both implementations, and every other type and
 * reduction to equal the oracle; a one-device clique tests the one-rank refusal on any machine.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Clique, Communicator, Context, DATA_TYPE_NAMES, Device, DisposedError, group, InvalidArgumentError, NcclError, REDUCE_OP_NAMES, refusedReduction, UniqueId,
  type DataType, type DeviceBuffer, type ReduceOp,
} from '../../src/index.js';
import { ELEMENT_BYTES, oracleReduce, randomElements, sameElements } from '../support/collective-oracle.js';
import { backendKind } from '../support/tiers.js';

const COUNT = 37; // odd, so no operation sees only whole vectors

let clique: Clique;
let size: number;
let implementation: 'nccl' | 'reference';
/** The lowest compute capability (major) of the devices. */
let computeCapabilityMajor: number;

before(() => {
  clique = Clique.create(Device.all());
  size = clique.size;
  implementation = clique.rank(0).implementation;
  computeCapabilityMajor = Math.min(...Device.all().map((d) => d.computeCapability.major));
});
after(() => clique.dispose());

/** Why NCCL (and so the reference) refuses `op` of `dtype` on `ranks` ranks of these devices, or null. */
const refused = (dtype: DataType, op: ReduceOp, ranks = size): string | null => refusedReduction(dtype, op, { ranks, computeCapabilityMajor });

/**
 * `f` fails with ncclInvalidArgument, explained by `why`: the reference's text, or on NCCL the
 * same text added by cudajs where NCCL warns nothing, else NCCL's own warning.
 */
function assertRefused(f: () => void, why: string, what: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof NcclError, `${what}: expected an NcclError, got ${String(e)}`);
    assert.equal(e.codeName, 'ncclInvalidArgument', `${what}: ${e.message}`);
    assert.ok(e.explanation.includes(why) || /FP8 reduction support begins with sm90/.test(e.explanation), `${what}: ${e.explanation}`);
    return true;
  }, `${what} must be refused: ${why}`);
}

const needsRanks = (n: number): string | false => (size >= n ? false : `needs ${n} ranks: this process has ${size} device(s)`);
const tolerance = (): number => (implementation === 'reference' ? 1 : size);

function upload(rank: number, bytes: Uint8Array): DeviceBuffer {
  return clique.rank(rank).context.upload(bytes);
}

function download(b: DeviceBuffer): Uint8Array {
  b.context.synchronize();
  return b.toArray(Uint8Array);
}

function check(dtype: DataType, op: ReduceOp | null, got: Uint8Array, want: Uint8Array, inputs: Uint8Array[], what: string): void {
  const diff = sameElements(dtype, op, got, want, inputs, tolerance());
  assert.equal(diff, null, `${what}, ${dtype}${op ? ` ${op}` : ''}: ${diff}`);
}

describe(`collectives on ${Device.count()} device(s)`, () => {
  test('the implementation is NCCL on GPUs and the reference on the emulated device; ranks follow the device list', () => {
    assert.equal(size, Device.count());
    clique.communicators.forEach((c, r) => {
      assert.equal(c.rank, r);
      assert.equal(c.size, size);
      assert.equal(c.device.ordinal, r);
      assert.ok(c.context.isPrimary);
    });
    assert.equal(implementation, backendKind() === 'gpu' ? 'nccl' : 'reference');
  });

  test('allReduce: every data type and reduction, out of place and in place, equals the oracle (or is refused as NCCL refuses it)', () => {
    for (const dtype of DATA_TYPE_NAMES) {
      for (const op of REDUCE_OP_NAMES) {
        const inputs = Array.from({ length: size }, (_, r) => randomElements(dtype, COUNT, 17 * r + 3));
        const sends = inputs.map((x, r) => upload(r, x));
        const recvs = inputs.map((x, r) => clique.rank(r).context.allocate(x.byteLength));
        const why = refused(dtype, op);
        if (why !== null) {
          assertRefused(() => clique.run((comm, r) => comm.allReduce(sends[r]!, recvs[r]!, { dtype, op })), why, `allReduce ${dtype} ${op}`);
          assertRefused(() => clique.run((comm, r) => comm.allReduce(sends[r]!, sends[r]!, { dtype, op })), why, `in-place allReduce ${dtype} ${op}`);
          for (const b of [...sends, ...recvs]) b.dispose();
          continue;
        }
        clique.run((comm, r) => comm.allReduce(sends[r]!, recvs[r]!, { dtype, op }));
        const want = oracleReduce(dtype, op, inputs);
        recvs.forEach((b, r) => check(dtype, op, download(b), want, inputs, `allReduce rank ${r}`));
        clique.run((comm, r) => comm.allReduce(sends[r]!, sends[r]!, { dtype, op }));
        sends.forEach((b, r) => check(dtype, op, download(b), want, inputs, `in-place allReduce rank ${r}`));
        for (const b of [...sends, ...recvs]) b.dispose();
      }
    }
  });

  test('reduce: every data type and reduction, to every root (or refused as NCCL refuses it)', () => {
    for (const dtype of DATA_TYPE_NAMES) {
      for (const op of REDUCE_OP_NAMES) {
        const root = (DATA_TYPE_NAMES.indexOf(dtype) + REDUCE_OP_NAMES.indexOf(op)) % size;
        const inputs = Array.from({ length: size }, (_, r) => randomElements(dtype, COUNT, 31 * r + 5));
        const sends = inputs.map((x, r) => upload(r, x));
        const out = clique.rank(root).context.allocate(inputs[0]!.byteLength);
        const reduce = (): void => clique.run((comm, r) => comm.reduce(sends[r]!, r === root ? out : null, { dtype, op, root }));
        const why = refused(dtype, op);
        if (why !== null) assertRefused(reduce, why, `reduce ${dtype} ${op}`);
        else {
          reduce();
          check(dtype, op, download(out), oracleReduce(dtype, op, inputs), inputs, `reduce to ${root}`);
        }
        for (const b of [...sends, out]) b.dispose();
      }
    }
  });

  test('reduceScatter: every data type and reduction; rank r gets block r (or refused as NCCL refuses it)', () => {
    for (const dtype of DATA_TYPE_NAMES) {
      for (const op of REDUCE_OP_NAMES) {
        const bytes = COUNT * ELEMENT_BYTES[dtype];
        const inputs = Array.from({ length: size }, (_, r) => randomElements(dtype, COUNT * size, 43 * r + 7));
        const sends = inputs.map((x, r) => upload(r, x));
        const recvs = sends.map((_, r) => clique.rank(r).context.allocate(bytes));
        const why = refused(dtype, op);
        if (why !== null) {
          assertRefused(() => clique.run((comm, r) => comm.reduceScatter(sends[r]!, recvs[r]!, { dtype, op })), why, `reduceScatter ${dtype} ${op}`);
          for (const b of [...sends, ...recvs]) b.dispose();
          continue;
        }
        clique.run((comm, r) => comm.reduceScatter(sends[r]!, recvs[r]!, { dtype, op }));
        const want = oracleReduce(dtype, op, inputs);
        recvs.forEach((b, r) => {
          const block = (x: Uint8Array): Uint8Array => x.subarray(r * bytes, (r + 1) * bytes);
          check(dtype, op, download(b), block(want), inputs.map(block), `reduceScatter rank ${r}`);
        });
        for (const b of [...sends, ...recvs]) b.dispose();
      }
    }
  });

  test('broadcast from every root, every data type; non-roots pass no send buffer', () => {
    for (const dtype of DATA_TYPE_NAMES) {
      for (let root = 0; root < size; root++) {
        const data = randomElements(dtype, COUNT, 59 + root);
        const src = upload(root, data);
        const recvs = clique.communicators.map((c) => c.context.allocate(data.byteLength));
        clique.run((comm, r) => comm.broadcast(r === root ? src : null, recvs[r]!, { root, dtype }));
        recvs.forEach((b, r) => assert.equal(Buffer.compare(download(b), data), 0, `broadcast ${dtype} from ${root} to ${r}`));
        // In place: the root's buffer is both.
        clique.run((comm, r) => comm.broadcast(r === root ? recvs[r]! : null, recvs[r]!, { root, dtype }));
        recvs.forEach((b, r) => assert.equal(Buffer.compare(download(b), data), 0, `in-place broadcast ${dtype} to ${r}`));
        for (const b of [src, ...recvs]) b.dispose();
      }
    }
  });

  test('allGather, out of place and in place: rank r\'s data at block r everywhere', () => {
    for (const dtype of DATA_TYPE_NAMES) {
      const parts = Array.from({ length: size }, (_, r) => randomElements(dtype, COUNT, 71 + r));
      const bytes = parts[0]!.byteLength;
      const all = new Uint8Array(bytes * size);
      parts.forEach((p, r) => all.set(p, r * bytes));
      const sends = parts.map((p, r) => upload(r, p));
      const recvs = parts.map((_, r) => clique.rank(r).context.allocate(bytes * size));
      clique.run((comm, r) => comm.allGather(sends[r]!, recvs[r]!, { dtype }));
      recvs.forEach((b, r) => assert.equal(Buffer.compare(download(b), all), 0, `allGather ${dtype} rank ${r}`));
      recvs.forEach((b) => b.fill(0));
      parts.forEach((p, r) => recvs[r]!.subarray(r * bytes, (r + 1) * bytes).copyFrom(p));
      clique.run((comm, r) => comm.allGather(recvs[r]!.subarray(r * bytes, (r + 1) * bytes), recvs[r]!, { dtype }));
      recvs.forEach((b, r) => assert.equal(Buffer.compare(download(b), all), 0, `in-place allGather ${dtype} rank ${r}`));
      for (const b of [...sends, ...recvs]) b.dispose();
    }
  });

  test('send/recv around the ring (to itself with one rank), in one group', () => {
    const data = Array.from({ length: size }, (_, r) => randomElements('float32', COUNT, 83 + r));
    const sends = data.map((d, r) => upload(r, d));
    const recvs = data.map((d, r) => clique.rank(r).context.allocate(d.byteLength));
    clique.run((comm, r) => {
      comm.send(sends[r]!, (r + 1) % size, { dtype: 'float32' });
      comm.recv(recvs[r]!, (r + size - 1) % size, { dtype: 'float32' });
    });
    recvs.forEach((b, r) => assert.equal(Buffer.compare(download(b), data[(r + size - 1) % size]!), 0, `rank ${r} received from ${(r + size - 1) % size}`));
    for (const b of [...sends, ...recvs]) b.dispose();
  });

  test('one rank refuses avg of the FP8 types, in or out of a group; the group fails with it; the communicator stays usable', () => {
    using one = Clique.create([Device.get(0)]);
    const comm = one.rank(0);
    for (const dtype of ['float8e4m3', 'float8e5m2'] as const) {
      const why = refused(dtype, 'avg', 1);
      assert.ok(why !== null, `avg of ${dtype} on one rank is refused`);
      using x = comm.context.upload(randomElements(dtype, COUNT, 7));
      using y = comm.context.allocate(x.byteLength);
      assertRefused(() => comm.allReduce(x, y, { dtype, op: 'avg' }), why, `allReduce ${dtype} avg, outside a group`);
      assertRefused(() => comm.reduce(x, y, { dtype, op: 'avg', root: 0 }), why, `reduce ${dtype} avg, outside a group`);
      assertRefused(() => comm.reduceScatter(x, y, { dtype, op: 'avg' }), why, `reduceScatter ${dtype} avg, outside a group`);
      assertRefused(() => one.run((c) => c.allReduce(x, x, { dtype, op: 'avg' })), why, `in-place allReduce ${dtype} avg, in a group`);
      // A caller that catches the call's error inside the group still sees the group fail (ncclGroupEnd).
      let inner: unknown;
      assert.throws(() => group(() => {
        try {
          comm.allReduce(x, y, { dtype, op: 'avg' });
        } catch (e) {
          inner = e;
        }
      }), (e: unknown) => e instanceof NcclError && e.call === 'ncclGroupEnd' && e.codeName === 'ncclInvalidArgument');
      assert.ok(inner instanceof NcclError && inner.codeName === 'ncclInvalidArgument', String(inner));
    }
    // Every other reduction of the FP8 types works on one rank (a copy), and so does the communicator after the refusals.
    for (const dtype of ['float8e4m3', 'float8e5m2'] as const) {
      for (const op of REDUCE_OP_NAMES.filter((o) => refused(dtype, o, 1) === null)) {
        const data = randomElements(dtype, COUNT, 11);
        using x = comm.context.upload(data);
        using y = comm.context.allocate(data.byteLength);
        comm.allReduce(x, y, { dtype, op });
        check(dtype, op, download(y), oracleReduce(dtype, op, [data]), [data], `one-rank allReduce ${dtype} ${op}`);
      }
    }
    using f = comm.context.upload(new Float32Array([1.5, -2]));
    one.run((c) => c.allReduce(f, f, { dtype: 'float32', op: 'avg' }));
    assert.deepEqual([...download(f).slice()], [...new Uint8Array(new Float32Array([1.5, -2]).buffer)]);
  });

  test('collectives on created streams, several in one group, in issue order', () => {
    const streams = clique.communicators.map((c) => c.context.createStream({ nonBlocking: true }));
    const inputs = Array.from({ length: size }, (_, r) => randomElements('int32', COUNT, 97 + r));
    const x = inputs.map((d, r) => upload(r, d));
    group(() => {
      clique.communicators.forEach((c, r) => c.allReduce(x[r]!, x[r]!, { dtype: 'int32', stream: streams[r]! }));
      clique.communicators.forEach((c, r) => c.allReduce(x[r]!, x[r]!, { dtype: 'int32', op: 'max', stream: streams[r]! }));
    });
    for (const s of streams) s.synchronize();
    const want = oracleReduce('int32', 'sum', inputs); // then max over equal values: the same
    x.forEach((b, r) => assert.equal(Buffer.compare(b.toArray(Uint8Array), want), 0, `rank ${r}`));
    for (const b of x) b.dispose();
    for (const s of streams) s.dispose();
  });

  test('arguments are checked before any implementation runs', () => {
    const comm = clique.rank(0);
    using a = comm.context.allocate(64);
    using b = comm.context.allocate(32);
    using odd = comm.context.allocate(6);
    using other = Device.get(0).createContext();
    Context.pop();
    using foreign = other.allocate(64);
    const invalid = (f: () => void, pattern: RegExp): void => assert.throws(f, (e: unknown) => e instanceof InvalidArgumentError && pattern.test(e.message));
    invalid(() => comm.allReduce(a, b, { dtype: 'float32' }), /Communicator\.allReduce: .*recv buffer has 32 bytes, but needs 64/);
    invalid(() => comm.allReduce(odd, odd, { dtype: 'float32' }), /6 bytes are not a whole number of 4-byte elements/);
    invalid(() => comm.allReduce(a, a, { dtype: 'float128' as DataType }), /unknown data type 'float128'/);
    invalid(() => comm.allReduce(a, a, { dtype: 'float32', op: 'xor' as ReduceOp }), /unknown reduction 'xor'/);
    invalid(() => comm.broadcast(a, a, { root: size }), new RegExp(`root must be a rank in \\[0, ${size}\\)`));
    invalid(() => comm.broadcast(null, a, { root: 0 }), /rank 0 is the root and must pass the buffer to send/);
    invalid(() => comm.reduceScatter(b, a, { dtype: 'uint8' }), /send buffer has 32 bytes, but needs/);
    invalid(() => comm.send(a, -1), /peer must be a rank/);
    invalid(() => comm.allGather(foreign, foreign), /send buffer lives in Context\(created, device 0\).*primaryContext\(\)/);
  });

  test('unique ids serialize, and communicators made from one (inside a group) work like the clique', () => {
    const id = UniqueId.create();
    assert.equal(id.toBytes().byteLength, UniqueId.BYTES);
    assert.ok(UniqueId.parse(id.toString()).equals(id));
    assert.ok(UniqueId.fromBytes(id.toBytes()).equals(id));
    assert.equal(JSON.parse(JSON.stringify({ id })).id, id.toString());
    assert.throws(() => UniqueId.parse('not base64!'), InvalidArgumentError);
    assert.throws(() => UniqueId.fromBytes(new Uint8Array(12)), InvalidArgumentError);
    const comms: Communicator[] = [];
    group(() => {
      for (let r = 0; r < size; r++) comms.push(Communicator.create({ id, ranks: size, rank: r, device: Device.get(r) }));
    });
    try {
      const inputs = comms.map((_, r) => randomElements('float64', COUNT, 101 + r));
      const x = inputs.map((d, r) => comms[r]!.context.upload(d));
      group(() => comms.forEach((c, r) => c.allReduce(x[r]!, x[r]!, { dtype: 'float64' })));
      const want = oracleReduce('float64', 'sum', inputs);
      x.forEach((b, r) => check('float64', 'sum', download(b), want, inputs, `rank ${r}`));
      for (const b of x) b.dispose();
    } finally {
      for (const c of comms) c.dispose();
    }
  });

  test('lifetime: dispose is idempotent, a disposed communicator refuses work, the clique disposes all', () => {
    using local = Clique.create(Device.all());
    const c = local.rank(0);
    using buf = c.context.allocate(16);
    c.dispose();
    c.dispose();
    assert.throws(() => c.allReduce(buf, buf, { dtype: 'float32' }), DisposedError);
    local.dispose();
    local.dispose();
    assert.ok(local.communicators.every((x) => x.disposed));
  });
});

describe('the reference collectives report what NCCL would hang on', () => {
  const reference = (): Clique => Clique.create(Device.all(), { implementation: 'reference' });

  test('a collective not issued by every rank', { skip: needsRanks(2) }, () => {
    using ref = reference();
    const bufs = ref.communicators.map((c) => c.context.allocate(16));
    assert.throws(() => ref.rank(0).allReduce(bufs[0]!, bufs[0]!, { dtype: 'float32' }), (e: unknown) =>
      e instanceof NcclError && e.codeName === 'ncclInvalidUsage' && /was not issued by ranks 1/.test(e.message));
    assert.throws(() => group(() => ref.rank(1).allGather(bufs[1]!.subarray(0, 16 / size), bufs[1]!)), /was not issued by ranks 0/);
    for (const b of bufs) b.dispose();
  });

  test('ranks that disagree on a collective\'s arguments', { skip: needsRanks(2) }, () => {
    using ref = reference();
    const bufs = ref.communicators.map((c) => c.context.allocate(16));
    assert.throws(() => ref.run((comm, r) => comm.allReduce(bufs[r]!, bufs[r]!, { dtype: 'float32', op: r === 1 ? 'max' : 'sum' })), (e: unknown) =>
      e instanceof NcclError && /allReduce\(count 4, float32, sum\) on rank 0 but allReduce\(count 4, float32, max\) on rank 1/.test(e.message));
    for (const b of bufs) b.dispose();
  });

  test('a send without its receive (to itself with one rank)', () => {
    using ref = reference();
    const bufs = ref.communicators.map((c) => c.context.allocate(16));
    const peer = 1 % ref.size;
    assert.throws(() => group(() => ref.rank(0).send(bufs[0]!, peer)), (e: unknown) => e instanceof NcclError && new RegExp(`rank 0 sends 1 time\\(s\\) to rank ${peer}.*receives 0 time`).test(e.message));
    for (const b of bufs) b.dispose();
  });

  test('collectives after another rank was destroyed', { skip: needsRanks(2) }, () => {
    using ref = reference();
    const bufs = ref.communicators.map((c) => c.context.allocate(16));
    ref.rank(1).dispose();
    assert.throws(() => group(() => ref.communicators.forEach((c, r) => r !== 1 && c.allReduce(bufs[r]!, bufs[r]!, { dtype: 'float32' }))), (e: unknown) =>
      e instanceof NcclError && /rank 1 of .* was destroyed/.test(e.message));
    for (const b of bufs) b.dispose();
  });

  test('ranks of a unique id created one at a time outside a group', () => {
    const id = UniqueId.create('reference');
    assert.throws(() => Communicator.create({ id, ranks: 2, rank: 0, device: Device.get(0), implementation: 'reference' }), (e: unknown) =>
      e instanceof NcclError && /waits until all 2 ranks have joined.*inside one group/.test(e.message));
  });

  test('a call that fails inside a group cancels the group: none of its operations run', () => {
    using one = Clique.create([Device.get(0)], { implementation: 'reference' });
    const comm = one.rank(0);
    using x = comm.context.upload(new Float32Array([1, 2, 3, 4]));
    using y = comm.context.upload(new Float32Array(4));
    using z = comm.context.upload(new Uint8Array(16).fill(0x38));
    assert.throws(() => group(() => {
      comm.allReduce(x, y, { dtype: 'float32' });
      try {
        comm.allReduce(z, z, { dtype: 'float8e4m3', op: 'avg' });
      } catch {
        // The group still fails at its end.
      }
    }), (e: unknown) => e instanceof NcclError && e.call === 'ncclGroupEnd' && e.codeName === 'ncclInvalidArgument' &&
      /Communicator\.allReduce failed in this group .*none of its 1 queued operation\(s\) ran/.test(e.explanation));
    assert.deepEqual([...y.toArray(Float32Array)], [0, 0, 0, 0], 'the allReduce queued before the failing call did not run');
    one.run((c) => c.allReduce(x, y, { dtype: 'float32' }));
    assert.deepEqual([...y.toArray(Float32Array)], [1, 2, 3, 4], 'the next group runs');
  });
});
