/**
 * The seam between the collectives' object layer (`communicator.ts`) and an implementation:
 * NCCL through koffi (`nccl.ts`), or the reference collectives (`reference.ts`) that run on any
 * backend by staging through host memory — the default on the emulated device, so multi-device
 * code can be developed and tested without GPUs.
 *
 * Both implementations take the same checked {@link Operation}s and follow NCCL's rules; the
 * reference reports as {@link NcclError}s the misuse NCCL would hang on or corrupt data with.
 * Also here: {@link group}, NCCL's group calls as a scope.
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { backend } from '../core/backend.js';
import type { Context, DeviceBuffer, Stream } from '../core/index.js';
import type { DataType, ReduceOp } from './dtypes.js';
import { createNcclEngine } from './nccl.js';
import { ReferenceEngine } from './reference.js';

/**
 * Which implementation runs the collectives: `nccl` (libnccl, GPU backend only), `reference`
 * (cudajs's own, any backend, one process), or `auto` (default): NCCL on the GPU backend, the
 * reference on the emulated device.
 */
export type Implementation = 'auto' | 'nccl' | 'reference';

/** The operations a communicator runs. */
export type OperationKind = 'allReduce' | 'broadcast' | 'reduce' | 'reduceScatter' | 'allGather' | 'send' | 'recv';

/**
 * One rank's part of a collective or point-to-point operation, checked by the communicator:
 * buffers live in the communicator's context, sizes fit, ranks are in range.
 */
export interface Operation {
  readonly kind: OperationKind;
  /** The public call, for errors (`Communicator.allReduce`). */
  readonly call: string;
  /** The send buffer (for `send`: the buffer sent), or `null` where this rank sends nothing. */
  readonly send: DeviceBuffer | null;
  /** The receive buffer (for `recv`: the buffer received into), or `null` where unused. */
  readonly recv: DeviceBuffer | null;
  /** NCCL's `count` argument, in elements (reduceScatter: per rank received; allGather: per rank sent). */
  readonly count: number;
  readonly dtype: DataType;
  /** The reduction, for allReduce, reduce and reduceScatter. */
  readonly op: ReduceOp | null;
  /** The root rank (broadcast, reduce), the peer rank (send, recv), or −1. */
  readonly root: number;
  readonly stream: Stream;
}

/** One rank of a communicator, as an implementation holds it. */
export interface EngineCommunicator {
  /** The NCCL handle (ncclComm_t), or 0n for the reference. */
  readonly handle: bigint;
  /** Queues (in a group) or runs one operation. */
  submit(operation: Operation): void;
  /** ncclCommFinalize: flushes the communicator's work. */
  finalize(): void;
  /** ncclCommDestroy. */
  destroy(): void;
  /** ncclCommAbort: frees it and aborts its operations in flight. */
  abort(): void;
  /** ncclCommGetAsyncError: the ncclResult_t, 0 for none. */
  asyncError(): number;
}

/** An implementation of the collectives. */
export interface CollectiveEngine {
  readonly implementation: 'nccl' | 'reference';
  /** One line: what it is and which version. */
  readonly description: string;
  /** A fresh ncclUniqueId. */
  uniqueId(): Uint8Array;
  /** ncclCommInitAll: one communicator per context (rank = index), in one call. */
  createAll(contexts: readonly Context[]): EngineCommunicator[];
  /** ncclCommInitRank, with `context` (the device's primary context) current. */
  create(id: Uint8Array, ranks: number, rank: number, context: Context): EngineCommunicator;
  /** ncclGroupStart. */
  groupStart(): void;
  /** ncclGroupEnd: submits what the group queued; throws what it found wrong. */
  groupEnd(): void;
}

const engines = new Map<'nccl' | 'reference', CollectiveEngine>();
let groupDepth = 0;

/**
 * The engine `implementation` selects, created on first use. An engine created inside
 * {@link group} enters the open groups first.
 * @throws InvalidArgumentError naming `call` for an unknown name, or `nccl` on the emulated device.
 */
export function collectiveEngine(implementation: Implementation, call: string): CollectiveEngine {
  const kind = backend().kind;
  let resolved: 'nccl' | 'reference';
  if (implementation === 'auto') resolved = kind === 'gpu' ? 'nccl' : 'reference';
  else if (implementation === 'nccl' || implementation === 'reference') resolved = implementation;
  else throw new InvalidArgumentError(call, `unknown implementation '${String(implementation)}'; use auto, nccl or reference`);
  if (resolved === 'nccl' && kind !== 'gpu') {
    throw new InvalidArgumentError(call, `NCCL runs on GPUs, and this process runs on the ${backend().description}; use implementation 'reference' (the default there)`);
  }
  let engine = engines.get(resolved);
  if (engine === undefined) {
    engine = resolved === 'nccl' ? createNcclEngine(call) : new ReferenceEngine();
    for (let i = 0; i < groupDepth; i++) engine.groupStart();
    engines.set(resolved, engine);
  }
  return engine;
}

/**
 * Runs `fn` as one NCCL group (ncclGroupStart … ncclGroupEnd): the collectives and
 * point-to-point calls it makes are queued and submitted together when it returns. One thread
 * driving several ranks (every communicator of a {@link Clique}, or several
 * {@link Communicator.create} calls) must put each round of calls — one per rank — in a group,
 * as NCCL requires; sends and receives that depend on each other must share a group too.
 * Groups nest; only the outermost one submits.
 *
 * `fn` must be synchronous. If it throws, the group is still ended (NCCL has no way to cancel
 * one) and `fn`'s error is rethrown; what the group end reports is then dropped.
 *
 * @example
 * ```ts
 * group(() => {
 *   for (const [rank, comm] of clique.communicators.entries()) comm.allReduce(x[rank], x[rank], { dtype: 'float32' });
 * });
 * ```
 * @throws NcclError from ncclGroupEnd: on NCCL, what the submission returned; on the reference,
 *   operations the ranks did not all issue, or issued with different arguments. On both, a call
 *   that failed inside the group (say a refused reduction caught by `fn`) fails the group with its
 *   code, and what the group queued is cancelled (NCCL runs a one-rank communicator's collectives
 *   when they are issued, so those have run; the reference runs none).
 */
export function group<T>(fn: () => T): T {
  for (const engine of engines.values()) engine.groupStart();
  groupDepth++;
  let result: T | undefined;
  let failure: unknown;
  let failed = false;
  try {
    result = fn();
    if (typeof (result as { then?: unknown } | null | undefined)?.then === 'function') {
      failed = true;
      failure = new InvalidArgumentError('group', 'the function returned a promise: a group must be issued synchronously (await after group() returns)');
    }
  } catch (e) {
    failed = true;
    failure = e;
  } finally {
    groupDepth--;
  }
  for (const engine of engines.values()) {
    try {
      engine.groupEnd();
    } catch (e) {
      if (!failed) {
        failed = true;
        failure = e;
      }
    }
  }
  if (failed) throw failure;
  return result as T;
}

/** @internal How many {@link group} scopes are open (0 outside any). */
export function openGroups(): number {
  return groupDepth;
}
