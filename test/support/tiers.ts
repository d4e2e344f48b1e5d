/**
 * Test tiers. Device-tier tests run on whatever backend the process selected (the emulated device
 * in CI, the GPU on the device machine). GPU-only tests skip, with the reason, when the backend is
 * not a GPU.
 * @module
 */
import { backend } from '../../src/core/backend.js';

/** `gpu` or `emu`: the backend this test process runs on. */
export function backendKind(): 'gpu' | 'emu' {
  return backend().kind;
}

/**
 * `false` when a GPU is present; otherwise the reason GPU-only tests skip (pass it as
 * node:test's `skip` option).
 */
export function skipUnlessGpu(): string | false {
  try {
    return backend().kind === 'gpu' ? false : `needs a GPU: this process runs on the ${backend().description}`;
  } catch (e) {
    return `needs a GPU: ${(e as Error).message}`;
  }
}
