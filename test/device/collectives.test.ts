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
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Clique, Communicator, Context, DATA_TYPE_NAMES, Device, DisposedError, group, InvalidArgumentError, NcclError, REDUCE_OP_NAMES, UniqueId,
  type DataType, type DeviceBuffer, type ReduceOp,
} from '../../src/index.js';
import { ELEMENT_BYTES, oracleReduce, randomElements, sameElements } from '../support/collective-oracle.js';
import { backendKind } from '../support/tiers.js';

const COUNT = 37; // odd, so no operation sees only whole vectors

let clique: Clique;
let size: number;
let implementation: 'nccl' | 'reference';

before(() => {
  clique = Clique.create(Device.all());
  size = clique.size;
  implementation = clique.rank(0).implementation;
});
after(() => clique.dispose());

/** FP8 needs sm_90 on NCCL. */
function dtypesHere(): DataType[] {
  if (implementation === 'reference') return [...DATA_TYPE_NAMES];
  const fp8 = Device.all().every((d) => d.computeCapability.major >= 9);
  return DATA_TYPE_NAMES.filter((t) => fp8 || !t.startsWith('float8'));
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

  test('allReduce: every data type and reduction, out of place and in place, equals the oracle', () => {
    for (const dtype of dtypesHere()) {
      for (const op of REDUCE_OP_NAMES) {
        const inputs = Array.from({ length: size }, (_, r) => randomElements(dtype, COUNT, 17 * r + 3));
        const sends = inputs.map((x, r) => upload(r, x));
        const recvs = inputs.map((x, r) => clique.rank(r).context.allocate(x.byteLength));
        clique.run((comm, r) => comm.allReduce(sends[r]!, recvs[r]!, { dtype, op }));
        const want = oracleReduce(dtype, op, inputs);
        recvs.forEach((b, r) => check(dtype, op, download(b), want, inputs, `allReduce rank ${r}`));
        clique.run((comm, r) => comm.allReduce(sends[r]!, sends[r]!, { dtype, op }));
        sends.forEach((b, r) => check(dtype, op, download(b), want, inputs, `in-place allReduce rank ${r}`));
        for (const b of [...sends, ...recvs]) b.dispose();
      }
    }
  });

  test('reduce: every data type and reduction, to every root', () => {
    for (const dtype of dtypesHere()) {
      for (const op of REDUCE_OP_NAMES) {
        const root = (DATA_TYPE_NAMES.indexOf(dtype) + REDUCE_OP_NAMES.indexOf(op)) % size;
        const inputs = Array.from({ length: size }, (_, r) => randomElements(dtype, COUNT, 31 * r + 5));
        const sends = inputs.map((x, r) => upload(r, x));
        const out = clique.rank(root).context.allocate(inputs[0]!.byteLength);
        clique.run((comm, r) => comm.reduce(sends[r]!, r === root ? out : null, { dtype, op, root }));
        check(dtype, op, download(out), oracleReduce(dtype, op, inputs), inputs, `reduce to ${root}`);
        for (const b of [...sends, out]) b.dispose();
      }
    }
  });

  test('reduceScatter: every data type and reduction; rank r gets block r', () => {
    for (const dtype of dtypesHere()) {
      for (const op of REDUCE_OP_NAMES) {
        const bytes = COUNT * ELEMENT_BYTES[dtype];
        const inputs = Array.from({ length: size }, (_, r) => randomElements(dtype, COUNT * size, 43 * r + 7));
        const sends = inputs.map((x, r) => upload(r, x));
        const recvs = sends.map((_, r) => clique.rank(r).context.allocate(bytes));
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
    for (const dtype of dtypesHere()) {
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
    for (const dtype of dtypesHere()) {
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

describe('the reference collectives report what NCCL would hang on', { skip: needsRanks(2) }, () => {
  const reference = (): Clique => Clique.create(Device.all(), { implementation: 'reference' });

  test('a collective not issued by every rank', () => {
    using ref = reference();
    const bufs = ref.communicators.map((c) => c.context.allocate(16));
    assert.throws(() => ref.rank(0).allReduce(bufs[0]!, bufs[0]!, { dtype: 'float32' }), (e: unknown) =>
      e instanceof NcclError && e.codeName === 'ncclInvalidUsage' && /was not issued by ranks 1/.test(e.message));
    assert.throws(() => group(() => ref.rank(1).allGather(bufs[1]!.subarray(0, 16 / size), bufs[1]!)), /was not issued by ranks 0/);
    for (const b of bufs) b.dispose();
  });

  test('ranks that disagree on a collective\'s arguments', () => {
    using ref = reference();
    const bufs = ref.communicators.map((c) => c.context.allocate(16));
    assert.throws(() => ref.run((comm, r) => comm.allReduce(bufs[r]!, bufs[r]!, { dtype: 'float32', op: r === 1 ? 'max' : 'sum' })), (e: unknown) =>
      e instanceof NcclError && /allReduce\(count 4, float32, sum\) on rank 0 but allReduce\(count 4, float32, max\) on rank 1/.test(e.message));
    for (const b of bufs) b.dispose();
  });

  test('a send without its receive', () => {
    using ref = reference();
    const bufs = ref.communicators.map((c) => c.context.allocate(16));
    assert.throws(() => group(() => ref.rank(0).send(bufs[0]!, 1)), (e: unknown) => e instanceof NcclError && /rank 0 sends 1 time\(s\) to rank 1.*receives 0 time/.test(e.message));
    for (const b of bufs) b.dispose();
  });

  test('collectives after another rank was destroyed', () => {
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
});
