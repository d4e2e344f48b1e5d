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
