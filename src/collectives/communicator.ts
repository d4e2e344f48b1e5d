/**
 * {@link Communicator}: one rank of an NCCL communicator (or of the reference collectives), with
 * the collectives and point-to-point operations on device buffers and streams. `clique.ts` makes
 * the communicators of several devices of this process together.
 * @module
 */
import { DisposedError, InvalidArgumentError } from '../errors.js';
import { Device, type Context, type DeviceBuffer, type Stream } from '../core/index.js';
import { Resource } from '../core/lifetime.js';
import { dataType, reduceOp, type DataType, type DataTypeInfo, type ReduceOp } from './dtypes.js';
import { collectiveEngine, type CollectiveEngine, type EngineCommunicator, type Implementation, type Operation, type OperationKind } from './engine.js';
import { ncclError } from './errors.js';
import { UniqueId } from './unique-id.js';

/** Options every operation takes. */
export interface StreamOption {
  /**
   * The stream the operation is queued on; it must belong to the communicator's context.
   * Default: that context's legacy default stream.
   */
  readonly stream?: Stream;
}

/** Options of the operations that move data without combining it. */
export interface MoveOptions extends StreamOption {
  /** Element type, which only sets NCCL's element count here. Default: `'uint8'`. */
  readonly dtype?: DataType;
}

/** Options of the reductions. */
export interface ReduceOptions extends StreamOption {
  /** Element type. */
  readonly dtype: DataType;
  /** The reduction. Default: `'sum'`. */
  readonly op?: ReduceOp;
}

/** Options of {@link Communicator.reduce}. */
export interface RootedReduceOptions extends ReduceOptions {
  /** The rank that receives the result. */
  readonly root: number;
}

/** Options of {@link Communicator.broadcast}. */
export interface BroadcastOptions extends MoveOptions {
  /** The rank whose data is sent. */
  readonly root: number;
}

/** Options of {@link Communicator.create}. */
export interface CommunicatorOptions {
  /** The rendezvous token, the same for every rank ({@link UniqueId.create} on one of them). */
  readonly id: UniqueId;
  /** Number of ranks of the communicator. */
  readonly ranks: number;
  /** This rank, 0 … ranks − 1. */
  readonly rank: number;
  /** The device this rank runs on. */
  readonly device: Device;
  /** Which implementation runs it. Default: `'auto'` (NCCL on GPUs, the reference on the emulated device). */
  readonly implementation?: Implementation;
}

/**
 * One rank of a communicator: the collectives (all-reduce, broadcast, reduce, reduce-scatter,
 * all-gather) and point-to-point transfers (send, recv) between the ranks' device buffers, queued
 * on streams. Every call returns once queued; synchronize the stream to see the result.
 *
 * A communicator works in its device's primary context, which it retains until disposed: its
 * buffers and streams must live there (`device.primaryContext()`). With several ranks in one
 * thread, issue each round of calls inside {@link group} (or {@link Clique.run}).
 * `dispose()` destroys it (ncclCommDestroy), idempotently; {@link finalize} first flushes its work
 * (ncclCommFinalize); {@link abort} abandons work in flight (ncclCommAbort).
 *
 * @example
 * ```ts
 * using clique = Clique.create(Device.all());
 * const buffers = clique.communicators.map((c, rank) => c.context.upload(new Float32Array(1024).fill(rank)));
 * clique.run((comm, rank) => comm.allReduce(buffers[rank]!, buffers[rank]!, { dtype: 'float32' }));
 * for (const b of buffers) console.log(b.toArray(Float32Array)[0]); // 0 + 1 + … + (n − 1), on every device
 * ```
 */
export class Communicator extends Resource {
  /** This rank, 0 … size − 1. */
  readonly rank: number;
  /** Number of ranks. */
  readonly size: number;
  /** The device this rank runs on. */
  readonly device: Device;
  /** The device's primary context, where the buffers and streams of this rank must live. */
  readonly context: Context;
  /** Which implementation runs it. */
  readonly implementation: 'nccl' | 'reference';
  readonly #comm: EngineCommunicator;
  #ended: 'finalized' | 'aborted' | null = null;

  private constructor(comm: EngineCommunicator, engine: CollectiveEngine, rank: number, size: number, context: Context) {
    super();
    this.#comm = comm;
    this.implementation = engine.implementation;
    this.rank = rank;
    this.size = size;
    this.context = context;
    this.device = context.device;
    this.track(() => {
      try {
        comm.destroy();
      } finally {
        context.dispose();
      }
    });
  }

  /**
   * Creates rank `rank` of a communicator of `ranks` ranks that find each other through `id`
   * (ncclCommInitRank): one call per rank, in different processes or threads, or in one thread
   * inside {@link group}. Blocks until every rank has joined.
   *
   * @example
   * ```ts
   * const id = rank === 0 ? UniqueId.create() : UniqueId.parse(await receiveFromRank0());
   * using comm = Communicator.create({ id, ranks: worldSize, rank, device: Device.get(localRank) });
   * ```
   * @throws NcclError from NCCL (or from the reference: ranks that cannot all join in this process).
   */
  static create(options: CommunicatorOptions): Communicator {
    const call = 'Communicator.create';
    const { id, ranks, rank, device } = options ?? ({} as CommunicatorOptions);
    if (!(id instanceof UniqueId)) throw new InvalidArgumentError(call, 'options.id must be a UniqueId (UniqueId.create(), .parse() or .fromBytes())');
    if (!Number.isInteger(ranks) || ranks < 1) throw new InvalidArgumentError(call, `options.ranks must be a positive integer, got ${String(ranks)}`);
    if (!Number.isInteger(rank) || rank < 0 || rank >= ranks) throw new InvalidArgumentError(call, `options.rank must be an integer in [0, ${ranks}), got ${String(rank)}`);
    if (!(device instanceof Device)) throw new InvalidArgumentError(call, 'options.device must be a Device');
    const engine = collectiveEngine(options.implementation ?? 'auto', call);
    const context = device.primaryContext();
    try {
      return new Communicator(engine.create(id.bytes, ranks, rank, context), engine, rank, ranks, context);
    } catch (e) {
      context.dispose();
      throw e;
    }
  }

  /** @internal One communicator per device, rank = index (ncclCommInitAll). */
  static createAll(devices: readonly Device[], implementation: Implementation): Communicator[] {
    const call = 'Clique.create';
    if (!Array.isArray(devices) || devices.length === 0 || !devices.every((d) => d instanceof Device)) {
      throw new InvalidArgumentError(call, 'expected a non-empty array of Devices');
    }
    const seen = new Set<number>();
    for (const d of devices) {
      if (seen.has(d.ordinal)) throw new InvalidArgumentError(call, `device ${d.ordinal} is listed twice: a communicator has one rank per device`);
      seen.add(d.ordinal);
    }
    const engine = collectiveEngine(implementation, call);
    const contexts = devices.map((d) => d.primaryContext());
    let comms: EngineCommunicator[];
    try {
      comms = engine.createAll(contexts);
    } catch (e) {
      for (const c of contexts) c.dispose();
      throw e;
    }
    return comms.map((comm, rank) => new Communicator(comm, engine, rank, devices.length, contexts[rank]!));
  }

  /**
   * Reduces `send` of every rank element-wise and writes the result to `recv` of every rank
   * (ncclAllReduce). Both hold the same number of `dtype` elements; they may be the same buffer
   * (in place).
   * @throws NcclError ncclInvalidArgument for a reduction NCCL refuses ({@link refusedReduction}:
   *   FP8 before sm_90, FP8 `avg` on one rank), on either implementation.
   */
  allReduce(send: DeviceBuffer, recv: DeviceBuffer, options: ReduceOptions): void {
    const call = 'Communicator.allReduce';
    const info = this.#begin(call, options.dtype);
    const count = this.#elements(call, 'send', this.#buffer(call, 'send', send), info);
    this.#sameSize(call, 'recv', this.#buffer(call, 'recv', recv), send.byteLength);
    this.#submit('allReduce', call, send, recv, count, options.dtype, this.#reduction(call, options), -1, options.stream);
  }

  /**
   * Copies `send` of rank `root` to `recv` of every rank (ncclBroadcast). `send` is read on the
   * root only and may be `null` elsewhere; on the root it has `recv`'s size (or is `recv`).
   */
  broadcast(send: DeviceBuffer | null, recv: DeviceBuffer, options: BroadcastOptions): void {
    const call = 'Communicator.broadcast';
    const dtype = options.dtype ?? 'uint8';
    const info = this.#begin(call, dtype);
    const root = this.#rank(call, 'root', options.root);
    const count = this.#elements(call, 'recv', this.#buffer(call, 'recv', recv), info);
    if (this.rank === root) {
      if (send === null) throw new InvalidArgumentError(call, `rank ${root} is the root and must pass the buffer to send`);
      this.#sameSize(call, 'send', this.#buffer(call, 'send', send), recv.byteLength);
    }
    this.#submit('broadcast', call, this.rank === root ? send : null, recv, count, dtype, null, root, options.stream);
  }

  /**
   * Reduces `send` of every rank element-wise into `recv` of rank `root` (ncclReduce). `recv` is
   * written on the root only and may be `null` elsewhere; on the root it has `send`'s size.
   * @throws NcclError ncclInvalidArgument for a reduction NCCL refuses ({@link refusedReduction}).
   */
  reduce(send: DeviceBuffer, recv: DeviceBuffer | null, options: RootedReduceOptions): void {
    const call = 'Communicator.reduce';
    const info = this.#begin(call, options.dtype);
    const root = this.#rank(call, 'root', options.root);
    const count = this.#elements(call, 'send', this.#buffer(call, 'send', send), info);
    if (this.rank === root) {
      if (recv === null) throw new InvalidArgumentError(call, `rank ${root} is the root and must pass the buffer to receive the result`);
      this.#sameSize(call, 'recv', this.#buffer(call, 'recv', recv), send.byteLength);
    }
    this.#submit('reduce', call, send, this.rank === root ? recv : null, count, options.dtype, this.#reduction(call, options), root, options.stream);
  }

  /**
   * Reduces `send` (size × `recv` elements) of every rank element-wise and leaves block `r` of
   * the result in `recv` of rank `r` (ncclReduceScatter). In place when `recv` is block `rank` of
   * `send` (`send.subarray(rank * recv.byteLength, …)`).
   * @throws NcclError ncclInvalidArgument for a reduction NCCL refuses ({@link refusedReduction}).
   */
  reduceScatter(send: DeviceBuffer, recv: DeviceBuffer, options: ReduceOptions): void {
    const call = 'Communicator.reduceScatter';
    const info = this.#begin(call, options.dtype);
    const count = this.#elements(call, 'recv', this.#buffer(call, 'recv', recv), info);
    this.#sameSize(call, 'send', this.#buffer(call, 'send', send), recv.byteLength * this.size, `size × recv = ${this.size} × ${recv.byteLength}`);
    this.#submit('reduceScatter', call, send, recv, count, options.dtype, this.#reduction(call, options), -1, options.stream);
  }

  /**
   * Gathers `send` of every rank into `recv` of every rank, rank `r`'s at block `r`
   * (ncclAllGather); `recv` holds size × `send`. In place when `send` is block `rank` of `recv`.
   */
  allGather(send: DeviceBuffer, recv: DeviceBuffer, options: MoveOptions = {}): void {
    const call = 'Communicator.allGather';
    const dtype = options.dtype ?? 'uint8';
    const info = this.#begin(call, dtype);
    const count = this.#elements(call, 'send', this.#buffer(call, 'send', send), info);
    this.#sameSize(call, 'recv', this.#buffer(call, 'recv', recv), send.byteLength * this.size, `size × send = ${this.size} × ${send.byteLength}`);
    this.#submit('allGather', call, send, recv, count, dtype, null, -1, options.stream);
  }

  /**
   * Sends `buffer` to rank `peer` (ncclSend), which receives it with {@link recv} of the same
   * size and type. Both sides of transfers that depend on each other go in one {@link group}.
   */
  send(buffer: DeviceBuffer, peer: number, options: MoveOptions = {}): void {
    const call = 'Communicator.send';
    const dtype = options.dtype ?? 'uint8';
    const info = this.#begin(call, dtype);
    const to = this.#rank(call, 'peer', peer);
    const count = this.#elements(call, 'buffer', this.#buffer(call, 'buffer', buffer), info);
    this.#submit('send', call, buffer, null, count, dtype, null, to, options.stream);
  }

  /** Receives into `buffer` what rank `peer` sends with {@link send} (ncclRecv). */
  recv(buffer: DeviceBuffer, peer: number, options: MoveOptions = {}): void {
    const call = 'Communicator.recv';
    const dtype = options.dtype ?? 'uint8';
    const info = this.#begin(call, dtype);
    const from = this.#rank(call, 'peer', peer);
    const count = this.#elements(call, 'buffer', this.#buffer(call, 'buffer', buffer), info);
    this.#submit('recv', call, null, buffer, count, dtype, null, from, options.stream);
  }

  /**
   * Flushes the communicator's queued work and releases what it shares with the other ranks
   * (ncclCommFinalize); afterwards only `dispose()` is allowed. Optional: `dispose()` finalizes
   * a communicator that was not.
   */
  finalize(): void {
    this.assertLive('Communicator.finalize');
    this.#comm.finalize();
    this.#ended = 'finalized';
  }

  /**
   * Frees the communicator at once and aborts its operations in flight (ncclCommAbort), e.g.
   * after another rank failed. The object is disposed afterwards.
   */
  abort(): void {
    if (this.disposed) return;
    this.#ended = 'aborted';
    try {
      this.#comm.abort();
    } finally {
      this.dispose();
    }
  }

  /**
   * The error an asynchronous operation of this communicator met, or `null` (ncclCommGetAsyncError).
   * A communicator with such an error must be aborted.
   */
  asyncError(): Error | null {
    const call = 'Communicator.asyncError';
    this.assertLive(call);
    const code = this.#comm.asyncError();
    return code === 0 ? null : ncclError(code, call);
  }

  protected override describe(): string {
    return `Communicator(rank ${this.rank} of ${this.size}, device ${this.device.ordinal}, ${this.implementation})`;
  }

  protected override invalidReason(): string | null {
    const dead = this.context.state.deadReason;
    return dead === null ? null : `its device's primary context is gone: ${dead}`;
  }

  protected override release(): void {
    try {
      if (this.#ended !== 'aborted') this.#comm.destroy();
    } finally {
      this.context.dispose();
    }
  }

  /** `Communicator(rank 0 of 4, device 0, nccl)`. */
  override toString(): string {
    return this.describe();
  }

  #begin(call: string, dtype: DataType): DataTypeInfo {
    this.assertLive(call);
    if (this.#ended !== null) throw new DisposedError(call, this.describe(), `it was ${this.#ended}`);
    return dataType(call, dtype);
  }

  #buffer(call: string, role: string, buffer: DeviceBuffer): DeviceBuffer {
    if (buffer === null || typeof buffer !== 'object' || typeof (buffer as { assertLive?: unknown }).assertLive !== 'function' || !('pointer' in buffer)) {
      throw new InvalidArgumentError(call, `the ${role} buffer must be a DeviceBuffer`);
    }
    buffer.assertLive(call);
    if (buffer.context.state !== this.context.state) {
      throw new InvalidArgumentError(call, `the ${role} buffer lives in ${buffer.context.toString()}, but rank ${this.rank} works in device ${this.device.ordinal}'s primary context: allocate it with device.primaryContext()`);
    }
    return buffer;
  }

  #elements(call: string, role: string, buffer: DeviceBuffer, info: DataTypeInfo): number {
    if (buffer.byteLength % info.bytes !== 0) {
      throw new InvalidArgumentError(call, `the ${role} buffer's ${buffer.byteLength} bytes are not a whole number of ${info.bytes}-byte elements`);
    }
    return buffer.byteLength / info.bytes;
  }

  #sameSize(call: string, role: string, buffer: DeviceBuffer, expected: number, why = 'the same size'): void {
    if (buffer.byteLength !== expected) {
      throw new InvalidArgumentError(call, `the ${role} buffer has ${buffer.byteLength} bytes, but needs ${expected} (${why})`);
    }
  }

  #rank(call: string, what: string, value: number): number {
    if (!Number.isInteger(value) || value < 0 || value >= this.size) {
      throw new InvalidArgumentError(call, `${what} must be a rank in [0, ${this.size}), got ${String(value)}`);
    }
    return value;
  }

  #reduction(call: string, options: ReduceOptions): ReduceOp {
    const op = options.op ?? 'sum';
    reduceOp(call, op);
    return op;
  }

  #submit(kind: OperationKind, call: string, send: DeviceBuffer | null, recv: DeviceBuffer | null, count: number, dtype: DataType, op: ReduceOp | null, root: number, stream: Stream | undefined): void {
    if (stream !== undefined) {
      stream.assertLive(call);
      if (stream.context.state !== this.context.state) {
        throw new InvalidArgumentError(call, `the stream belongs to ${stream.context.toString()}, but rank ${this.rank} works in device ${this.device.ordinal}'s primary context`);
      }
    }
    const operation: Operation = { kind, call, send, recv, count, dtype, op, root, stream: stream ?? this.context.defaultStream };
    this.#comm.submit(operation);
  }
}
