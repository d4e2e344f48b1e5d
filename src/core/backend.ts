/**
 * The process's backend, chosen once on first use (see `src/backend/select.ts`): the GPU through
 * libcuda, or the emulated device. Importing cudajs never loads a native library.
 * @module
 */
import type { Backend } from '../backend/types.js';
import { selectBackend } from '../backend/select.js';

let chosen: Backend | undefined;

/** The backend every object of this process (JS realm) uses; chosen on first call. */
export function backend(): Backend {
  return (chosen ??= selectBackend());
}

/**
 * @internal Makes `b` the backend of this realm instead of the one `CUDAJS_DEVICE` selects: for
 * tests that run the object layer over an emulated device with a test engine. Must be called
 * before anything used a backend.
 * @throws Error when another backend is already in use.
 */
export function useBackend(b: Backend): void {
  if (chosen !== undefined && chosen !== b) throw new Error('useBackend: this realm already uses another backend');
  chosen = b;
}
