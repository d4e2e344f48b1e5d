/**
 * {@link Clique}: the communicators of several devices of this process, made together
 * (ncclCommInitAll), with their collectives issued one round at a time.
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { Device } from '../core/index.js';
import { Communicator } from './communicator.js';
import { group, type Implementation } from './engine.js';

/** Options of {@link Clique.create}. */
export interface CliqueOptions {
  /** Which implementation runs it. Default: `'auto'`. */
  readonly implementation?: Implementation;
}

/**
 * The communicators of several devices of this process, one rank per device in the given order
 * (ncclCommInitAll). Disposing the clique destroys them all.
 *
 * @example
 * ```ts
 * using clique = Clique.create(); // every device
 * const x = clique.communicators.map((c) => c.context.upload(new Float64Array([c.rank + 1])));
 * clique.run((comm, rank) => comm.allReduce(x[rank]!, x[rank]!, { dtype: 'float64', op: 'prod' }));
 * ```
 */
export class Clique implements Disposable, Iterable<Communicator> {
  /** The communicators, rank order. */
  readonly communicators: readonly Communicator[];

  private constructor(communicators: Communicator[]) {
    this.communicators = communicators;
  }

  /**
   * One communicator per device (default: every device), rank = position in `devices`.
   * @throws InvalidArgumentError for an empty list or a device listed twice; NcclError from NCCL.
   */
  static create(devices: readonly Device[] = Device.all(), options: CliqueOptions = {}): Clique {
    return new Clique(Communicator.createAll(devices, options.implementation ?? 'auto'));
  }

  /** Number of ranks. */
  get size(): number {
    return this.communicators.length;
  }

  /** The communicator of `rank`. */
  rank(rank: number): Communicator {
    const comm = this.communicators[rank];
    if (comm === undefined) throw new InvalidArgumentError('Clique.rank', `rank must be in [0, ${this.size}), got ${String(rank)}`);
    return comm;
  }

  /** Calls `fn` for every rank, in rank order, inside one {@link group}. */
  run(fn: (comm: Communicator, rank: number) => void): void {
    group(() => this.communicators.forEach((comm, rank) => fn(comm, rank)));
  }

  /** Destroys every communicator (ncclCommDestroy). Idempotent; the first error is rethrown after all were tried. */
  dispose(): void {
    let failure: unknown;
    let failed = false;
    for (const comm of this.communicators) {
      try {
        comm.dispose();
      } catch (e) {
        if (!failed) {
          failed = true;
          failure = e;
        }
      }
    }
    if (failed) throw failure;
  }

  /** Same as {@link Clique.dispose}; lets `using` scope the clique. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** The communicators, rank order. */
  [Symbol.iterator](): Iterator<Communicator> {
    return this.communicators[Symbol.iterator]();
  }
}
