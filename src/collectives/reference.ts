/**
 * The reference collectives: NCCL's semantics, implemented in TypeScript over the object layer
 * (buffers are read and written through host memory), for every rank of a communicator living in
 * this process — several emulated devices, or GPUs when a CPU reference is wanted.
 *
 * Execution model:
 * - A submission is one call outside any group, or everything queued by an outermost
 *   {@link group}. It must be complete by itself: for every communicator it touches, each rank
 *   issues the same collectives (same kind, count, data type, reduction and root, matched in
 *   issue order), and every send has its receive (matched per pair of ranks in issue order, same
 *   size and type). That is what NCCL needs when one thread drives several ranks — anything else
 *   would block that thread forever or mix up data — so the reference reports it as an
 *   ncclInvalidUsage {@link NcclError} naming the ranks and calls, and runs nothing of that
 *   communicator's submission.
 * - A complete submission runs when it is submitted: each rank's stream is synchronized, inputs
 *   are read, results computed (`reduce.ts`) and written with synchronous copies. Collectives run
 *   in issue order; then the point-to-point transfers, all sends read before any receive is
 *   written (as if they ran concurrently, which is all NCCL promises inside one group).
 * - Communicators with several ranks made with a {@link UniqueId} ({@link ReferenceEngine.create})
 *   must be created inside one group, all ranks of the id before the group ends.
 * - The reductions NCCL refuses ({@link refusedReduction}: FP8 before sm_90, FP8 `avg` on one
 *   rank) are refused when issued, with ncclInvalidArgument, as NCCL refuses them.
 * - A call that fails when issued inside a group (a refused reduction, a gone communicator) fails
 *   the group too: its end throws an NcclError with that call's code and none of the group's
 *   operations run, as NCCL cancels a group in which a call failed (ncclGroupEnd returns the
 *   error). NCCL runs the collectives of a one-rank communicator when they are issued, even in a
 *   group, so there the calls before the failing one have run; the reference runs none.
 * @module
 */
import { randomFillSync } from 'node:crypto';
import type { Context, DeviceBuffer } from '../core/index.js';
import type { CudaError } from '../errors.js';
import { ncclResult_t } from '../raw/nccl-types.js';
import { DATA_TYPES, refusedReduction } from './dtypes.js';
import type { CollectiveEngine, EngineCommunicator, Operation } from './engine.js';
import { invalidUsage, ncclError } from './errors.js';
import { reduceBuffers } from './reduce.js';

/** The ranks of one communicator, as the reference keeps them. */
class Clique {
  /** Joined ranks (a rank created from a unique id is `undefined` until it joins). */
  readonly members: Array<ReferenceCommunicator | undefined>;
  /** Set when the clique can no longer be used, with the reason. */
  broken: string | null = null;

  constructor(readonly size: number, readonly name: string) {
    this.members = new Array<ReferenceCommunicator | undefined>(size);
  }

  get complete(): boolean {
    for (let r = 0; r < this.size; r++) if (this.members[r] === undefined) return false;
    return true;
  }

  #computeMajor: number | undefined;

  /** The lowest compute capability (major) of the ranks' devices; the clique must be complete. */
  get computeCapabilityMajor(): number {
    this.#computeMajor ??= Math.min(...this.members.map((m) => m!.context.device.computeCapability.major));
    return this.#computeMajor;
  }
}

/** One rank. */
class ReferenceCommunicator implements EngineCommunicator {
  readonly handle = 0n;
  #gone: string | null = null;

  /** Why this rank can no longer take part (finalized, destroyed, aborted), or `null`. */
  get gone(): string | null {
    return this.#gone;
  }

  constructor(readonly engine: ReferenceEngine, readonly clique: Clique, readonly rank: number, readonly context: Context) {}

  submit(operation: Operation): void {
    try {
      this.#check(operation);
    } catch (e) {
      this.engine.failed(e as CudaError);
      throw e;
    }
    this.engine.enqueue(this, operation);
  }

  /** What NCCL checks when a call is issued (ncclEnqueueCheck). */
  #check(operation: Operation): void {
    if (this.#gone !== null) throw invalidUsage(operation.call, `the communicator was ${this.#gone}`);
    if (this.clique.broken !== null) throw invalidUsage(operation.call, this.clique.broken);
    if (!this.clique.complete) {
      throw invalidUsage(operation.call, `${this.clique.name} is not ready: ranks ${missing(this.clique).join(', ')} have not joined (a communicator made in a group can be used once the group has ended)`);
    }
    const ended = this.clique.members.find((m) => m !== undefined && m.gone !== null);
    if (ended !== undefined) throw invalidUsage(operation.call, `rank ${ended.rank} of ${this.clique.name} was ${ended.gone}: the other ranks can no longer communicate`);
    const refused = refusedReduction(operation.dtype, operation.op, { ranks: this.clique.size, computeCapabilityMajor: this.clique.computeCapabilityMajor });
    if (refused !== null) throw ncclError(ncclResult_t.ncclInvalidArgument, operation.call, refused);
  }

  finalize(): void {
    this.#gone = 'finalized';
  }

  destroy(): void {
    this.#gone = 'destroyed';
  }

  abort(): void {
    this.#gone = 'aborted';
  }

  asyncError(): number {
    return 0;
  }
}

function missing(clique: Clique): number[] {
  const out: number[] = [];
  for (let r = 0; r < clique.size; r++) if (clique.members[r] === undefined) out.push(r);
  return out;
}

interface Queued {
  readonly comm: ReferenceCommunicator;
  readonly operation: Operation;
}

let nextClique = 1;

/** The reference implementation of {@link CollectiveEngine}. See the module comment. */
export class ReferenceEngine implements CollectiveEngine {
  readonly implementation = 'reference' as const;
  readonly description = 'cudajs reference collectives (one process; data staged through host memory)';
  #depth = 0;
  #queue: Queued[] = [];
  /** The first call that failed in the open group (NCCL's ncclGroupError), or `null`. */
  #groupError: CudaError | null = null;
  /** Cliques being joined through unique ids, by id (base64). */
  readonly #joining = new Map<string, Clique>();

  uniqueId(): Uint8Array {
    return randomFillSync(new Uint8Array(128));
  }

  createAll(contexts: readonly Context[]): EngineCommunicator[] {
    const clique = new Clique(contexts.length, `communicator #${nextClique++} (${contexts.length} ranks)`);
    return contexts.map((context, rank) => (clique.members[rank] = new ReferenceCommunicator(this, clique, rank, context)));
  }

  create(id: Uint8Array, ranks: number, rank: number, context: Context): EngineCommunicator {
    const call = 'ncclCommInitRank';
    const key = Buffer.from(id).toString('base64');
    let clique = this.#joining.get(key);
    if (clique === undefined) {
      clique = new Clique(ranks, `communicator #${nextClique++} (${ranks} ranks, from a unique id)`);
      this.#joining.set(key, clique);
    } else if (clique.size !== ranks) {
      throw invalidUsage(call, `rank ${rank} says the unique id's communicator has ${ranks} ranks, an earlier rank said ${clique.size}`);
    }
    if (clique.members[rank] !== undefined) throw invalidUsage(call, `rank ${rank} of that unique id's communicator was created already`);
    const comm = new ReferenceCommunicator(this, clique, rank, context);
    clique.members[rank] = comm;
    if (clique.complete) {
      this.#joining.delete(key);
    } else if (this.#depth === 0) {
      clique.members[rank] = undefined;
      if (missing(clique).length === clique.size) this.#joining.delete(key);
      throw invalidUsage(call, `ncclCommInitRank waits until all ${ranks} ranks have joined, and ranks ${missing(clique).filter((r) => r !== rank).join(', ')} have not: ` +
        'one thread creating several ranks must create them inside one group() (the reference runs every rank in this process)');
    }
    return comm;
  }

  groupStart(): void {
    this.#depth++;
  }

  groupEnd(): void {
    if (this.#depth === 0) throw invalidUsage('ncclGroupEnd', 'no group is open');
    if (--this.#depth === 0) this.#flush();
  }

  /** @internal A call failed when issued: inside a group, the group fails with it. */
  failed(error: CudaError): void {
    if (this.#depth > 0) this.#groupError ??= error;
  }

  /** @internal Queues an operation; outside a group it is submitted at once. */
  enqueue(comm: ReferenceCommunicator, operation: Operation): void {
    this.#queue.push({ comm, operation });
    if (this.#depth === 0) this.#flush();
  }

  #flush(): void {
    const queue = this.#queue;
    this.#queue = [];
    const cancelled = this.#groupError;
    this.#groupError = null;
    const incomplete = [...this.#joining.values()];
    this.#joining.clear();
    for (const clique of incomplete) {
      clique.broken = `${clique.name} was never complete: ranks ${missing(clique).join(', ')} did not join in the group that created the others`;
    }
    if (cancelled !== null) {
      throw ncclError(cancelled.code ?? ncclResult_t.ncclInvalidUsage, 'ncclGroupEnd',
        `${cancelled.call} failed in this group (${cancelled.codeName}), so the group was cancelled: none of its ${queue.length} queued operation(s) ran`);
    }
    const byClique = new Map<Clique, Queued[]>();
    for (const q of queue) {
      const list = byClique.get(q.comm.clique);
      if (list) list.push(q);
      else byClique.set(q.comm.clique, [q]);
    }
    let failure: Error | undefined;
    for (const [clique, list] of byClique) {
      try {
        runSubmission(clique, list);
      } catch (e) {
        failure ??= e as Error;
      }
    }
    if (failure) throw failure;
    if (incomplete.length > 0) throw invalidUsage('ncclGroupEnd', incomplete[0]!.broken!);
  }
}

/** Checks that one clique's submission is complete and runs it. */
function runSubmission(clique: Clique, queued: readonly Queued[]): void {
  const collectives: Operation[][] = Array.from({ length: clique.size }, () => []);
  const p2p: Queued[] = [];
  for (const q of queued) {
    if (q.operation.kind === 'send' || q.operation.kind === 'recv') p2p.push(q);
    else collectives[q.comm.rank]!.push(q.operation);
  }
  const rounds = matchCollectives(clique, collectives);
  const transfers = matchTransfers(clique, p2p);
  for (const round of rounds) runCollective(round);
  runTransfers(transfers);
}

function describe(op: Operation): string {
  const parts = [`count ${op.count}`, op.dtype];
  if (op.op !== null) parts.push(op.op);
  if (op.kind === 'broadcast' || op.kind === 'reduce') parts.push(`root ${op.root}`);
  return `${op.kind}(${parts.join(', ')})`;
}

/** The k-th collective of every rank, checked to agree. */
function matchCollectives(clique: Clique, perRank: readonly Operation[][]): Operation[][] {
  const counts = perRank.map((l) => l.length);
  const most = Math.max(...counts);
  const rounds: Operation[][] = [];
  for (let k = 0; k < most; k++) {
    const round = perRank.map((l) => l[k]);
    const absent = round.flatMap((op, r) => (op === undefined ? [r] : []));
    const first = round.find((op) => op !== undefined)!;
    if (absent.length > 0) {
      throw invalidUsage(first.call, `collective #${k + 1} of this submission to ${clique.name}, ${describe(first)}, was not issued by ranks ${absent.join(', ')}: ` +
        'NCCL would wait for them forever (one thread driving several ranks issues each collective on every rank inside one group())');
    }
    for (let r = 1; r < round.length; r++) {
      const a = round[0]!;
      const b = round[r]!;
      if (describe(a) !== describe(b)) {
        throw invalidUsage(b.call, `collective #${k + 1} of this submission to ${clique.name} is ${describe(a)} on rank 0 but ${describe(b)} on rank ${r}: every rank must issue the same collectives in the same order`);
      }
    }
    rounds.push(round as Operation[]);
  }
  return rounds;
}

interface Transfer {
  readonly from: number;
  readonly to: number;
  readonly send: Operation;
  readonly recv: Operation;
}

/** Sends paired with receives, per ordered pair of ranks, in issue order. */
function matchTransfers(clique: Clique, p2p: readonly Queued[]): Transfer[] {
  const sends = new Map<string, Operation[]>();
  const recvs = new Map<string, Operation[]>();
  for (const { comm, operation } of p2p) {
    const from = operation.kind === 'send' ? comm.rank : operation.root;
    const to = operation.kind === 'send' ? operation.root : comm.rank;
    const key = `${from}→${to}`;
    const map = operation.kind === 'send' ? sends : recvs;
    const list = map.get(key);
    if (list) list.push(operation);
    else map.set(key, [operation]);
  }
  const transfers: Transfer[] = [];
  for (const key of new Set([...sends.keys(), ...recvs.keys()])) {
    const s = sends.get(key) ?? [];
    const r = recvs.get(key) ?? [];
    const [from, to] = key.split('→').map(Number) as [number, number];
    if (s.length !== r.length) {
      const call = (s[0] ?? r[0])!.call;
      throw invalidUsage(call, `rank ${from} sends ${s.length} time(s) to rank ${to} in this submission to ${clique.name}, and rank ${to} receives ${r.length} time(s) from rank ${from}: ` +
        'every send needs its receive in the same group (NCCL would block)');
    }
    for (let k = 0; k < s.length; k++) {
      const send = s[k]!;
      const recv = r[k]!;
      const bytes = (op: Operation): number => op.count * DATA_TYPES[op.dtype].bytes;
      if (send.dtype !== recv.dtype || bytes(send) !== bytes(recv)) {
        throw invalidUsage(recv.call, `transfer #${k + 1} from rank ${from} to rank ${to}: the send is ${send.count} × ${send.dtype}, the receive ${recv.count} × ${recv.dtype}; they must match`);
      }
      transfers.push({ from, to, send, recv });
    }
  }
  return transfers;
}

/** The bytes of a rank's buffer, after its stream's earlier work. */
function read(buffer: DeviceBuffer, op: Operation): Uint8Array {
  op.stream.synchronize();
  return buffer.toArray(Uint8Array);
}

function write(buffer: DeviceBuffer, bytes: Uint8Array): void {
  buffer.copyFrom(bytes);
}

function runCollective(round: readonly Operation[]): void {
  const first = round[0]!;
  const n = round.length;
  switch (first.kind) {
    case 'allReduce': {
      const result = reduceBuffers(first.dtype, first.op!, round.map((op) => read(op.send!, op)));
      for (const op of round) write(op.recv!, result);
      break;
    }
    case 'reduce': {
      const result = reduceBuffers(first.dtype, first.op!, round.map((op) => read(op.send!, op)));
      write(round[first.root]!.recv!, result);
      break;
    }
    case 'broadcast': {
      const root = round[first.root]!;
      const data = read(root.send!, root);
      for (const op of round) write(op.recv!, data);
      break;
    }
    case 'reduceScatter': {
      const result = reduceBuffers(first.dtype, first.op!, round.map((op) => read(op.send!, op)));
      const slice = result.byteLength / n;
      round.forEach((op, r) => write(op.recv!, result.subarray(r * slice, (r + 1) * slice)));
      break;
    }
    case 'allGather': {
      const parts = round.map((op) => read(op.send!, op));
      const all = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
      let at = 0;
      for (const p of parts) {
        all.set(p, at);
        at += p.byteLength;
      }
      for (const op of round) write(op.recv!, all);
      break;
    }
    default:
      throw new Error(`not a collective: ${first.kind}`);
  }
}

function runTransfers(transfers: readonly Transfer[]): void {
  const data = transfers.map((t) => read(t.send.send!, t.send));
  transfers.forEach((t, k) => write(t.recv.recv!, data[k]!));
}
