/**
 * Waiting for the device without blocking the event loop.
 *
 * koffi's `.async` calls run on libuv's thread pool and cost 28–40 µs per round trip on the H100
 * machine (DESIGN.md), three to four times a blocking synchronize. Polling a cheap query
 * (cuStreamQuery / cuEventQuery, well under a microsecond each) from `setImmediate` notices
 * completion within a loop turn instead; after a short spin phase the poll backs off to timers so
 * that a long wait costs almost no CPU.
 * @module
 */

/** How long to poll on every event-loop turn before backing off to timers. */
const SPIN_PHASE_MS = 2;
/** The longest pause between two polls once backed off. */
const MAX_BACKOFF_MS = 4;

/**
 * Resolves once `done()` returns true, polling it between event-loop turns; rejects with whatever
 * `done()` throws. Never blocks the event loop.
 */
export function pollUntil(done: () => boolean): Promise<void> {
  try {
    if (done()) return Promise.resolve();
  } catch (e) {
    return Promise.reject(e);
  }
  return new Promise<void>((resolve, reject) => {
    const start = performance.now();
    let backoff = 0;
    const poll = (): void => {
      let finished: boolean;
      try {
        finished = done();
      } catch (e) {
        reject(e);
        return;
      }
      if (finished) {
        resolve();
      } else if (performance.now() - start < SPIN_PHASE_MS) {
        setImmediate(poll);
      } else {
        backoff = Math.min(MAX_BACKOFF_MS, backoff + 1);
        setTimeout(poll, backoff);
      }
    };
    setImmediate(poll);
  });
}
