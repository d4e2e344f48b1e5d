/**
 * Device `printf` output, buffered per context and written out in order at the points where the
 * GPU flushes its printf FIFO (CUDA C++ Programming Guide, "Formatted Output"): the start of a
 * kernel launch, stream / context / event synchronization, blocking memory copies, module load
 * and unload, and context destruction or reset.
 *
 * Like the GPU's FIFO (cudaLimitPrintfFifoSize, 1 MiB by default) the buffer is bounded: output
 * past the limit before a flush is dropped silently.
 * @module
 */

/** Default capacity of a context's printf buffer, bytes (the GPU's default FIFO size). */
export const PRINTF_BUFFER_BYTES = 1 << 20;

/** One context's pending printf output. */
export class PrintfBuffer {
  readonly #sink: (text: string) => void;
  readonly #capacity: number;
  #pending: string[] = [];
  #bytes = 0;
  #dropped = 0;

  /**
   * Receives the text of one printf call, as the engine formatted it (newlines included), in
   * execution order. Bound, so it can be handed to the engine as `LaunchOptions.printf`.
   */
  readonly push = (text: string): void => {
    if (this.#bytes + text.length > this.#capacity) {
      this.#dropped += text.length;
      return;
    }
    this.#pending.push(text);
    this.#bytes += text.length;
  };

  /** `sink` receives each flush's text in one call (default use: `process.stdout.write`). */
  constructor(sink: (text: string) => void, capacity = PRINTF_BUFFER_BYTES) {
    this.#sink = sink;
    this.#capacity = capacity;
  }

  /** Characters of output dropped because the buffer was full, since creation. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Writes out everything pending, in order. */
  flush(): void {
    if (this.#pending.length === 0) return;
    const text = this.#pending.join('');
    this.#pending = [];
    this.#bytes = 0;
    this.#sink(text);
  }
}
