/**
 * {@link UniqueId}: the token that lets the ranks of several processes (or threads) find each
 * other when they create one communicator (ncclUniqueId, 128 bytes).
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { NCCL_UNIQUE_ID_BYTES } from '../raw/nccl-types.js';
import { collectiveEngine, type Implementation } from './engine.js';

/**
 * A communicator's rendezvous token (ncclUniqueId). One rank creates it with
 * {@link UniqueId.create} and sends it to the others — as bytes, or as the base64 text of
 * {@link UniqueId.toString} / `JSON.stringify` — who pass it to {@link Communicator.create}.
 *
 * An NCCL id names a socket of the creating process's bootstrap thread; the reference
 * implementation's ids are random bytes that only communicators of the same process can share.
 *
 * @example
 * ```ts
 * // rank 0
 * const id = UniqueId.create();
 * broadcastToOtherProcesses(id.toString());
 * // every rank r of n
 * using comm = Communicator.create({ id: UniqueId.parse(text), ranks: n, rank: r, device: Device.get(localGpu) });
 * ```
 */
export class UniqueId {
  /** Size of an id in bytes (NCCL_UNIQUE_ID_BYTES). */
  static readonly BYTES = NCCL_UNIQUE_ID_BYTES;
  readonly #bytes: Uint8Array;

  private constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /**
   * A new id (ncclGetUniqueId), from the implementation `implementation` selects (default: NCCL
   * on the GPU backend, the reference collectives on the emulated device).
   */
  static create(implementation: Implementation = 'auto'): UniqueId {
    return new UniqueId(collectiveEngine(implementation, 'UniqueId.create').uniqueId());
  }

  /**
   * The id whose bytes these are (a copy is kept).
   * @throws InvalidArgumentError unless there are exactly {@link UniqueId.BYTES} bytes.
   */
  static fromBytes(bytes: Uint8Array): UniqueId {
    if (!(bytes instanceof Uint8Array) || bytes.byteLength !== UniqueId.BYTES) {
      throw new InvalidArgumentError('UniqueId.fromBytes', `a unique id is ${UniqueId.BYTES} bytes, got ${bytes instanceof Uint8Array ? `${bytes.byteLength} bytes` : typeof bytes}`);
    }
    return new UniqueId(bytes.slice());
  }

  /**
   * The id written by {@link UniqueId.toString} (base64).
   * @throws InvalidArgumentError when the text is not the base64 of {@link UniqueId.BYTES} bytes.
   */
  static parse(text: string): UniqueId {
    const call = 'UniqueId.parse';
    if (typeof text !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw new InvalidArgumentError(call, 'expected the base64 text of a unique id');
    const bytes = new Uint8Array(Buffer.from(text, 'base64'));
    if (bytes.byteLength !== UniqueId.BYTES) throw new InvalidArgumentError(call, `the text holds ${bytes.byteLength} bytes, a unique id ${UniqueId.BYTES}`);
    return new UniqueId(bytes);
  }

  /** A copy of the id's bytes. */
  toBytes(): Uint8Array {
    return this.#bytes.slice();
  }

  /** The id as base64 text (172 characters), for {@link UniqueId.parse}. */
  toString(): string {
    return Buffer.from(this.#bytes).toString('base64');
  }

  /** `JSON.stringify` writes the base64 text. */
  toJSON(): string {
    return this.toString();
  }

  /** Whether both ids have the same bytes. */
  equals(other: UniqueId): boolean {
    return Buffer.compare(this.#bytes, other.#bytes) === 0;
  }

  /** @internal The bytes themselves (not a copy), for the engines. */
  get bytes(): Uint8Array {
    return this.#bytes;
  }
}
