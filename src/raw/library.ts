/**
 * Finding and loading the CUDA shared libraries (libcuda, libcudart, libnvrtc, libcublas, libcufft,
 * libnccl …), lazily: importing a binding module never touches the file system, and a missing
 * library is reported on first use by a {@link LibraryNotFoundError} that lists every path tried
 * and says how to point cudajs at the library.
 *
 * Search order, first hit wins:
 * 1. the library's own environment variable (e.g. `CUDAJS_LIBCUDA_PATH`): a full path to the file;
 *    when it is set nothing else is tried;
 * 2. `$CUDA_PATH/lib64` and `$CUDA_HOME/lib64` (also `…/targets/<arch>-linux/lib`);
 * 3. the dynamic loader's own search (`LD_LIBRARY_PATH`, the ld.so cache, the system directories);
 * 4. `/usr/local/cuda/lib64`, the multiarch directory (`/usr/lib/x86_64-linux-gnu`), `/usr/lib/wsl/lib`.
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import koffi, { type LibraryHandle } from 'koffi';
import { LibraryNotFoundError } from '../errors.js';

/** Where and under which names to look for one library. */
export interface LibrarySpec {
  /** The library's short name, e.g. `libcuda`. */
  readonly name: string;
  /** File names to try in each directory, most specific first (versioned sonames). */
  readonly fileNames: readonly string[];
  /** The environment variable that names the file explicitly. */
  readonly envVar: string;
  /** What provides the library, for the error message (e.g. "the NVIDIA driver"). */
  readonly providedBy: string;
  /**
   * Prepares the process environment before the library is loaded (for settings the library reads
   * with `getenv` when it initializes, such as NCCL's {@link NCCL_ENVIRONMENT_DEFAULTS}).
   */
  readonly prepareEnvironment?: (env: NodeJS.ProcessEnv) => void;
}

/** A loaded library. */
export interface LoadedLibrary {
  readonly spec: LibrarySpec;
  /** The path or soname that loaded. */
  readonly path: string;
  /** How it was found (`CUDAJS_LIBCUDA_PATH`, `CUDA_PATH`, `loader search`, `default location`). */
  readonly foundBy: string;
  readonly handle: LibraryHandle;
}

/** One place {@link loadLibrary} tries. */
export interface LibraryCandidate {
  /** An absolute path, or a bare soname handed to the loader's search. */
  readonly path: string;
  readonly foundBy: string;
}

/** The driver library (installed with the NVIDIA driver, not with the toolkit). */
export const LIBCUDA: LibrarySpec = {
  name: 'libcuda',
  fileNames: ['libcuda.so.1'],
  envVar: 'CUDAJS_LIBCUDA_PATH',
  providedBy: 'the NVIDIA driver',
};

/**
 * A versioned library by base name and major version, e.g. `toolkitLibrary('cudart', 13)` is
 * `libcudart.so.13` with `CUDAJS_LIBCUDART_PATH`, and `toolkitLibrary('nccl', 2, 'NCCL')` is
 * `libnccl.so.2`. Only the versioned soname is tried: another major version has another ABI.
 * `providedBy` names what installs it, for the error message (default: the CUDA toolkit).
 */
export function toolkitLibrary(base: string, major: number, providedBy?: string): LibrarySpec {
  return {
    name: `lib${base}`,
    fileNames: [`lib${base}.so.${major}`],
    envVar: `CUDAJS_LIB${base.toUpperCase()}_PATH`,
    providedBy: providedBy ?? `the CUDA ${major} toolkit (or its redistributable ${base} package)`,
  };
}

/**
 * Settings NCCL reads from the environment when it initializes, which cudajs sets before loading
 * libnccl unless the process already has them (an explicit value, even the same, is never
 * touched):
 *
 * - `NCCL_NVLS_ENABLE=0`: no NVLink SHARP (NVLS). NVLS builds its buffers on NVLink multicast
 *   objects (cuMulticastCreate); on hosts whose GPUs are shared, a fault in that path can take
 *   every GPU of the host out of service, and collectives are correct without it (it is a
 *   bandwidth optimization on NVSwitch systems). Opt in with `NCCL_NVLS_ENABLE=1`.
 *
 * cudajs itself never calls cuMulticastCreate.
 */
export const NCCL_ENVIRONMENT_DEFAULTS: Readonly<Record<string, string>> = {
  NCCL_NVLS_ENABLE: '0',
};

/** Sets each of `defaults` in `env` that is not set there (an empty string counts as set). */
export function applyEnvironmentDefaults(env: NodeJS.ProcessEnv, defaults: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(defaults)) if (env[name] === undefined) env[name] = value;
}

/**
 * NCCL 2 (`libnccl.so.2`, `CUDAJS_LIBNCCL_PATH`). Loading it first applies
 * {@link NCCL_ENVIRONMENT_DEFAULTS} to `process.env`: Node's `process.env` writes go to the C
 * environment, where NCCL's `getenv` reads them when a communicator is created.
 */
export const LIBNCCL: LibrarySpec = {
  ...toolkitLibrary('nccl', 2, 'NCCL (the libnccl2 package, or the nvidia-nccl-cu13 wheel\'s nvidia/nccl/lib)'),
  prepareEnvironment: (env) => applyEnvironmentDefaults(env, NCCL_ENVIRONMENT_DEFAULTS),
};

function multiarchDir(): string {
  const triple = process.arch === 'arm64' ? 'aarch64-linux-gnu' : process.arch === 'ppc64' ? 'powerpc64le-linux-gnu' : 'x86_64-linux-gnu';
  return `/usr/lib/${triple}`;
}

function toolkitArchDir(): string {
  return process.arch === 'arm64' ? 'targets/sbsa-linux/lib' : 'targets/x86_64-linux/lib';
}

/** Every place {@link loadLibrary} tries, in order (see the module comment). */
export function libraryCandidates(spec: LibrarySpec, env: NodeJS.ProcessEnv = process.env): LibraryCandidate[] {
  const explicit = env[spec.envVar];
  if (explicit !== undefined && explicit !== '') return [{ path: explicit, foundBy: spec.envVar }];
  const candidates: LibraryCandidate[] = [];
  const inDir = (dir: string, foundBy: string): void => {
    for (const f of spec.fileNames) candidates.push({ path: join(dir, f), foundBy });
  };
  for (const variable of ['CUDA_PATH', 'CUDA_HOME']) {
    const root = env[variable];
    if (root === undefined || root === '') continue;
    inDir(join(root, 'lib64'), variable);
    inDir(join(root, toolkitArchDir()), variable);
  }
  for (const f of spec.fileNames) candidates.push({ path: f, foundBy: 'loader search' });
  for (const dir of ['/usr/local/cuda/lib64', multiarchDir(), '/usr/lib/wsl/lib']) inDir(dir, 'default location');
  const seen = new Set<string>();
  return candidates.filter((c) => (seen.has(c.path) ? false : (seen.add(c.path), true)));
}

/**
 * Loads a library, trying each {@link libraryCandidates} in turn. `call` names the operation that
 * needed it, for the error.
 * @throws LibraryNotFoundError naming every path tried, when none loads.
 */
export function loadLibrary(spec: LibrarySpec, call = 'loadLibrary', env: NodeJS.ProcessEnv = process.env): LoadedLibrary {
  spec.prepareEnvironment?.(env);
  const tried: string[] = [];
  const failures: string[] = [];
  for (const candidate of libraryCandidates(spec, env)) {
    const absolute = candidate.path.includes('/');
    tried.push(absolute ? candidate.path : `${candidate.path} (${candidate.foundBy})`);
    if (absolute && !existsSync(candidate.path)) continue;
    try {
      const handle = koffi.load(candidate.path);
      return { spec, path: candidate.path, foundBy: candidate.foundBy, handle };
    } catch (e) {
      failures.push(e instanceof Error ? e.message : String(e));
    }
  }
  const explicit = env[spec.envVar];
  const hint = explicit !== undefined && explicit !== ''
    ? `${spec.envVar} is set to ${explicit}, which could not be loaded${failures.length > 0 ? ` (${failures.join('; ')})` : ' (no such file)'}.`
    : `It comes with ${spec.providedBy}. If it is installed elsewhere, set ${spec.envVar} to the file's full path, ` +
      `or add its directory to LD_LIBRARY_PATH, or set CUDA_PATH to the CUDA installation.` +
      (failures.length > 0 ? ` Loader errors: ${failures.join('; ')}` : '');
  throw new LibraryNotFoundError(call, spec.fileNames[0] ?? spec.name, tried, hint);
}

/**
 * A memoized loader: the first call loads the library (throwing if it is missing, and trying again
 * on the next call), later calls return the same {@link LoadedLibrary}.
 */
export function libraryLoader(spec: LibrarySpec): (call?: string) => LoadedLibrary {
  let loaded: LoadedLibrary | undefined;
  return (call) => (loaded ??= loadLibrary(spec, call));
}
