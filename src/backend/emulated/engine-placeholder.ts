/**
 * The engine the emulated backend uses until the PTX execution engine (`src/emu/ptx`, `ir`,
 * `exec`, built on another branch) is wired in.
 *
 * TODO(lead): replace by the real `EmuEngine` in `createEmulatedBackend()` (src/backend/select.ts)
 * once the engine branch lands.
 * @module
 */
import type { CompiledModule, EmuEngine } from '../../emu/engine.js';
import { CUresult } from '../../raw/driver-types.js';
import { fail } from '../driver-error.js';

/** An engine that cannot compile: every module load fails with CUDA_ERROR_JIT_COMPILER_NOT_FOUND. */
export const unavailableEngine: EmuEngine = {
  compile(_ptx: string, call: string): CompiledModule {
    return fail(CUresult.CUDA_ERROR_JIT_COMPILER_NOT_FOUND, call,
      'the emulated device has no PTX execution engine in this build yet: contexts, memory, streams and events work, modules cannot be loaded');
  },
};
