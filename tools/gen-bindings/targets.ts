/**
 * The generated binding sets: the driver API (cuda.h → libcuda), the runtime API
 * (cuda_runtime_api.h → libcudart) and NCCL (nccl.h → libnccl). Adding NVRTC, cuBLAS or cuFFT
 * means adding a target here.
 *
 * The CUDA headers are read from the CUDA include root (`--include`, `$CUDA_PATH/include` …).
 * nccl.h is not part of the toolkit: it is read from `$NCCL_HOME/include`, else `/usr/include`
 * (the `libnccl-dev` package), else the unmodified copy vendored in `tools/gen-bindings/vendor`
 * (see its README for provenance and license).
 * @module
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where a target's header was found. */
export interface HeaderLocation {
  /** The directory that holds the header; its quoted includes resolve against it. */
  readonly root: string;
  /** How it was chosen, for messages (`NCCL_HOME`, `/usr/include`, `vendored copy` …). */
  readonly foundBy: string;
}

/** One header → one `*-types.ts` (no koffi) and one bindings module (koffi). */
export interface Target {
  /** The entry header, relative to the include root. */
  readonly header: string;
  /** What the API is called in generated docs. */
  readonly title: string;
  /** The status type every bound function returns. */
  readonly resultType: string;
  /** The enum whose codes get a `…Docs` explanation table (the status enum, by export name). */
  readonly statusEnum: string;
  /** The macro with the header version. */
  readonly versionMacro: string;
  /** The exported name of that version. */
  readonly versionExport: string;
  /** Which headers' `#define` constants are exported. */
  readonly defineFiles: (file: string) => boolean;
  /** Output paths, relative to the repository root. */
  readonly typesFile: string;
  readonly bindingsFile: string;
  /** Names in the generated bindings module. */
  readonly names: {
    readonly api: string;
    readonly accessor: string;
    readonly perThreadAccessor: string;
    readonly functions: string;
    readonly structs: string;
    readonly structsAccessor: string;
    readonly library: string;
  };
  /** The TypeScript expression, in terms of `./library.js` exports, naming the library to load. */
  readonly libraryExpression: (version: number) => string;
  /** The `./library.js` export that expression uses. */
  readonly libraryImport: string;
  /** The header version in words, e.g. `CUDA 13.0` or `NCCL 2.28.3`, from the version macro's value. */
  readonly versionLabel: (version: number) => string;
  /**
   * Whether the header declares per-thread-default-stream variants (`_ptds`/`_ptsz`) and legacy
   * ABIs under `__CUDA_API_VERSION_INTERNAL`: then a per-thread accessor is emitted too.
   */
  readonly perThreadVariants: boolean;
  /** Which status-returning prototypes are bound, by name. Default: all of them. */
  readonly binds?: (name: string) => boolean;
  /** What the bindings leave out and why, for the generated module comment. */
  readonly unboundNote?: string;
  /**
   * Replacement text for `<system>` headers the header includes (the preprocessor otherwise skips
   * them): the few declarations the header needs from each, e.g. `cudaStream_t`.
   */
  readonly systemHeaders?: Readonly<Record<string, string>>;
  /** The header documents with plain `/* … *\/` comments, not doxygen ones. Default: false. */
  readonly plainComments?: boolean;
  /** Where the header is read from. Default: the CUDA include root. */
  readonly locate?: (cudaIncludeRoot: string, env: NodeJS.ProcessEnv) => HeaderLocation;
}

/** `CUDA 13.0` for 13000. */
function cudaVersionLabel(version: number): string {
  return `CUDA ${Math.floor(version / 1000)}.${Math.floor((version % 1000) / 10)}`;
}

/** `NCCL 2.28.3` for NCCL_VERSION_CODE 22803 (2.9+ encoding: major·10000 + minor·100 + patch). */
function ncclVersionLabel(code: number): string {
  return code >= 10000
    ? `NCCL ${Math.floor(code / 10000)}.${Math.floor((code % 10000) / 100)}.${code % 100}`
    : `NCCL ${Math.floor(code / 1000)}.${Math.floor((code % 1000) / 100)}.${code % 100}`;
}

/** The vendored headers (this file runs as dist/tools/gen-bindings/targets.js). */
export const VENDOR_DIRECTORY = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../tools/gen-bindings/vendor');

/** Where nccl.h is read from: `$NCCL_HOME/include`, `/usr/include`, else the vendored copy. */
export function locateNcclHeader(env: NodeJS.ProcessEnv = process.env, vendor: string = VENDOR_DIRECTORY): HeaderLocation {
  const home = env['NCCL_HOME'];
  if (home !== undefined && home !== '' && existsSync(join(home, 'include', 'nccl.h'))) return { root: join(home, 'include'), foundBy: 'NCCL_HOME' };
  if (existsSync('/usr/include/nccl.h')) return { root: '/usr/include', foundBy: '/usr/include' };
  return { root: vendor, foundBy: 'vendored copy' };
}

/** The generated targets. */
export const TARGETS: readonly Target[] = [
  {
    header: 'cuda.h',
    title: 'the CUDA driver API',
    resultType: 'CUresult',
    statusEnum: 'CUresult',
    versionMacro: 'CUDA_VERSION',
    versionExport: 'CUDA_HEADER_VERSION',
    defineFiles: (file) => file === 'cuda.h',
    typesFile: 'src/raw/driver-types.ts',
    bindingsFile: 'src/raw/driver.ts',
    names: {
      api: 'DriverApi',
      accessor: 'driverApi',
      perThreadAccessor: 'driverApiPerThread',
      functions: 'DRIVER_FUNCTIONS',
      structs: 'DriverStructs',
      structsAccessor: 'driverStructs',
      library: 'driverLibrary',
    },
    libraryExpression: () => 'LIBCUDA',
    libraryImport: 'LIBCUDA',
    versionLabel: cudaVersionLabel,
    perThreadVariants: true,
  },
  {
    header: 'cuda_runtime_api.h',
    title: 'the CUDA runtime API',
    resultType: 'cudaError_t',
    statusEnum: 'cudaError',
    versionMacro: 'CUDART_VERSION',
    versionExport: 'CUDART_HEADER_VERSION',
    defineFiles: (file) => !file.startsWith('crt/'),
    typesFile: 'src/raw/runtime-types.ts',
    bindingsFile: 'src/raw/runtime.ts',
    names: {
      api: 'RuntimeApi',
      accessor: 'runtimeApi',
      perThreadAccessor: 'runtimeApiPerThread',
      functions: 'RUNTIME_FUNCTIONS',
      structs: 'RuntimeStructs',
      structsAccessor: 'runtimeStructs',
      library: 'runtimeLibrary',
    },
    libraryExpression: (version) => `toolkitLibrary('cudart', ${Math.floor(version / 1000)})`,
    libraryImport: 'toolkitLibrary',
    versionLabel: cudaVersionLabel,
    perThreadVariants: true,
  },
  {
    header: 'nccl.h',
    title: 'NCCL',
    resultType: 'ncclResult_t',
    statusEnum: 'ncclResult_t',
    versionMacro: 'NCCL_VERSION_CODE',
    versionExport: 'NCCL_HEADER_VERSION',
    defineFiles: (file) => file === 'nccl.h',
    typesFile: 'src/raw/nccl-types.ts',
    bindingsFile: 'src/raw/nccl.ts',
    names: {
      api: 'NcclApi',
      accessor: 'ncclApi',
      perThreadAccessor: 'ncclApiPerThread',
      functions: 'NCCL_FUNCTIONS',
      structs: 'NcclStructs',
      structsAccessor: 'ncclStructs',
      library: 'ncclLibrary',
    },
    libraryExpression: () => 'LIBNCCL',
    libraryImport: 'LIBNCCL',
    versionLabel: ncclVersionLabel,
    perThreadVariants: false,
    binds: (name) => !name.startsWith('pnccl'),
    unboundNote: 'nccl.h also declares a `pnccl…` twin of every function (NCCL\'s profiling interface, for tools that intercept the `nccl…` symbols); those are not bound.',
    systemHeaders: {
      // nccl.h takes only cudaStream_t from the runtime headers, and INT_MIN from limits.h.
      'cuda_runtime.h': 'typedef struct CUstream_st *cudaStream_t;',
      'limits.h': '#define INT_MIN (-2147483647 - 1)',
    },
    plainComments: true,
    locate: (_cuda, env) => locateNcclHeader(env),
  },
];
