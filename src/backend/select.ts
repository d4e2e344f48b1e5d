/**
 * Chooses the process's backend from `CUDAJS_DEVICE`:
 *
 * - `gpu`  — the GPU through libcuda; throws {@link NoGpuError} when none is usable;
 * - `emu`  — the emulated device;
 * - `auto` (default, also when unset or empty) — the GPU when libcuda loads and reports at least
 *   one device, else the emulated device.
 *
 * Importing this module loads nothing native: the GPU backend is reached only through
 * {@link loadNativeBackend}, called on first selection. One backend per process (JS realm):
 * {@link selectBackend} returns the same instance every time.
 * @module
 */
import { CudaError, InvalidArgumentError } from '../errors.js';
import { EmulatedBackend, type EmulatedBackendOptions } from './emulated/backend.js';
import { createPtxEngine } from '../emu/exec/engine.js';
import type { Backend } from './types.js';
import { createNativeBackend } from './native/index.js';

/** The values `CUDAJS_DEVICE` accepts. */
export type DeviceChoice = 'gpu' | 'emu' | 'auto';

/** `CUDAJS_DEVICE=gpu` was asked for, but no GPU can be used. */
export class NoGpuError extends CudaError {
  constructor(reason: string) {
    super({
      code: 100,
      codeName: 'CUDA_ERROR_NO_DEVICE',
      explanation: `CUDAJS_DEVICE=gpu, but no GPU is usable: ${reason}. ` +
        'Unset CUDAJS_DEVICE (or set it to auto or emu) to run on the emulated device.',
      call: 'selectBackend',
    });
  }
}

/**
 * The GPU backend, or `null` with the reason when libcuda cannot be loaded, cuInit fails or no
 * device is present. Loads libcuda only when called.
 */
export function loadNativeBackend(): Backend | null {
  return probeNativeBackend().backend;
}

/** {@link loadNativeBackend} with the reason a GPU is not usable. */
export function probeNativeBackend(): { readonly backend: Backend | null; readonly reason: string } {
  try {
    const backend = createNativeBackend();
    const count = backend.deviceCount();
    return count > 0 ? { backend, reason: '' } : { backend: null, reason: `${backend.description} reports no device` };
  } catch (e) {
    if (e instanceof CudaError) return { backend: null, reason: e.message };
    throw e;
  }
}

/**
 * A new emulated backend running PTX on the CPU with the engine of `src/emu/exec`.
 * `CUDAJS_EMU_DEVICES` (1 … 64, default 1) sets the number of devices.
 */
export function createEmulatedBackend(env: NodeJS.ProcessEnv = process.env, options: EmulatedBackendOptions = {}): Backend {
  const raw = env['CUDAJS_EMU_DEVICES'];
  const count = raw === undefined || raw === '' ? 1 : Number(raw);
  if (!Number.isInteger(count) || count < 1 || count > 64) {
    throw new InvalidArgumentError('selectBackend', `CUDAJS_EMU_DEVICES='${raw}' is not a device count from 1 to 64`);
  }
  return new EmulatedBackend(createPtxEngine(), count, options);
}

/** The backend factories {@link chooseBackend} uses (replaceable in tests). */
export interface BackendFactories {
  /** The GPU backend, or the reason there is none. */
  readonly native: () => { readonly backend: Backend | null; readonly reason: string };
  readonly emulated: () => Backend;
}

const DEFAULT_FACTORIES: BackendFactories = {
  native: probeNativeBackend,
  emulated: () => createEmulatedBackend(),
};

/** Parses `CUDAJS_DEVICE` (case-insensitive; unset or empty means `auto`). */
export function deviceChoice(env: NodeJS.ProcessEnv = process.env): DeviceChoice {
  const raw = (env['CUDAJS_DEVICE'] ?? '').trim().toLowerCase();
  if (raw === '') return 'auto';
  if (raw === 'gpu' || raw === 'emu' || raw === 'auto') return raw;
  throw new InvalidArgumentError('selectBackend', `CUDAJS_DEVICE='${env['CUDAJS_DEVICE']}' is not one of gpu, emu, auto`);
}

/**
 * A new backend for `choice`, without the process-wide caching of {@link selectBackend}.
 * @throws NoGpuError for `gpu` when the native factory finds no usable GPU.
 */
export function chooseBackend(choice: DeviceChoice, factories: BackendFactories = DEFAULT_FACTORIES): Backend {
  if (choice === 'emu') return factories.emulated();
  const native = factories.native();
  if (native.backend) return native.backend;
  if (choice === 'gpu') throw new NoGpuError(native.reason);
  return factories.emulated();
}

let selected: Backend | undefined;

/**
 * The process's backend, chosen from `CUDAJS_DEVICE` on the first call and returned by every
 * later call.
 * @throws NoGpuError for `CUDAJS_DEVICE=gpu` without a usable GPU; InvalidArgumentError for an
 *   unknown `CUDAJS_DEVICE` value.
 */
export function selectBackend(): Backend {
  return (selected ??= chooseBackend(deviceChoice()));
}
