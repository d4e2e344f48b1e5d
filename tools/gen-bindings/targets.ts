/**
 * The two generated binding sets: the driver API (cuda.h → libcuda) and the runtime API
 * (cuda_runtime_api.h → libcudart). Adding NVRTC, cuBLAS or cuFFT means adding a target here.
 * @module
 */

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
  },
];
