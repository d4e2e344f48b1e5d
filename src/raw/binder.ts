/**
 * Turns a generated function table into an object of koffi functions, bound lazily: each function
 * is looked up in the library the first time its property is read, then cached as a plain
 * property. A function the installed library does not export (an older driver) becomes a stub that
 * throws a {@link CudaError} naming the symbol and the library when called; it never breaks loading.
 *
 * The argument types below follow koffi 3's behaviour, measured and documented in
 * `tools/gen-bindings/ffi-types.ts`: TypedArrays, DataViews and ArrayBuffers passed for a pointer
 * are passed as the address of their own memory (no copy), bigints are addresses, `null` is NULL.
 * @module
 */
import type { TypeObject } from 'koffi';
import { CudaError } from '../errors.js';
import type { LoadedLibrary } from './library.js';

/**
 * A pointer argument: an address (`bigint`); a TypedArray, DataView or ArrayBuffer, whose own
 * memory is passed (writes by the callee are visible in it, and an asynchronous callee reads or
 * writes it later: keep it alive and do not transfer it); or `null`.
 */
export type Pointer = bigint | ArrayBufferView | ArrayBuffer | null;

/** A `const char *` argument: a JavaScript string (passed as a temporary NUL-terminated UTF-8 copy) or a {@link Pointer}. */
export type CString = string | Pointer;

/** An opaque handle (CUcontext, CUstream, cudaEvent_t …): its address as a bigint; `0n` is NULL. */
export type Handle = bigint;

/** A struct passed by value: a plain object with the struct's members (see the generated struct types). */
export type StructValue = Record<string, unknown>;

/**
 * One function of a generated table: the name programs use, the symbol it links to, the koffi
 * types of its parameters (`struct:<Name>` for a struct passed by value), and the symbol under
 * `CUDA_API_PER_THREAD_DEFAULT_STREAM` when that differs.
 */
export type FunctionSpec = readonly [name: string, symbol: string, params: readonly string[], perThreadSymbol?: string];

/** How {@link bindFunctions} binds a table. */
export interface BindOptions {
  readonly library: LoadedLibrary;
  /** The koffi type of the status code every function returns. */
  readonly result: string;
  /** Bind the per-thread-default-stream symbols instead of the default ones. */
  readonly perThread: boolean;
  /** The struct types (an object of koffi types by name) that `struct:<Name>` parameters refer to. */
  readonly structs: () => object;
  /** What the table was generated from, for messages, e.g. `cuda.h (CUDA 13.0)`. */
  readonly generatedFrom: string;
  /**
   * Bind pointer parameters as `intptr_t`, taking addresses as JS numbers instead of bigints.
   * For hot paths only: koffi converts a number to an integer register faster than a bigint to a
   * pointer (4-argument call: 69 ns against 100 ns, measured with koffi 3.3 on Node 20), and user
   * addresses on x86-64 and arm64 (< 2^48) are exact as numbers. TypedArrays are then not accepted.
   */
  readonly pointersAsIntegers?: boolean;
}

/** Builds the API object of a function table; see the module comment. */
export function bindFunctions<Api extends object>(specs: readonly FunctionSpec[], options: BindOptions): Api {
  const api: Record<string, unknown> = {};
  for (const spec of specs) {
    // The getter keeps the bound function in its closure. Replacing the accessor by a data property
    // on first read would be the obvious alternative, but redefining properties of an object with
    // hundreds of them costs V8 a map copy each time: ~0.35 ms per function, measured. As it is,
    // creating the object takes ~1 ms and binding all 307 runtime functions ~4 ms (Node 20).
    let fn: ((...args: never[]) => number) | undefined;
    Object.defineProperty(api, spec[0], { enumerable: true, get: () => (fn ??= bindFunction(spec, options)) });
  }
  return api as Api;
}

/** Binds one function now (or returns the throwing stub when its symbol is absent). */
export function bindFunction(spec: FunctionSpec, options: BindOptions): (...args: never[]) => number {
  const [name, defaultSymbol, params, perThreadSymbol] = spec;
  const symbol = options.perThread && perThreadSymbol !== undefined ? perThreadSymbol : defaultSymbol;
  const { handle, path } = options.library;
  try {
    handle.symbol(symbol);
  } catch {
    return () => {
      throw new CudaError({
        code: null,
        codeName: 'CUDAJS_SYMBOL_NOT_FOUND',
        explanation: `${path} does not export ${symbol}, which ${name} is bound to by ${options.generatedFrom}; ` +
          'the installed library is older than those headers (update the NVIDIA driver or the CUDA toolkit).',
        call: name,
      });
    };
  }
  const types = params.map((p) => (p.startsWith('struct:') ? structType(p.slice(7), options) : options.pointersAsIntegers && p === 'void *' ? 'intptr_t' : p));
  return handle.func(symbol, options.result, types) as (...args: never[]) => number;
}

function structType(name: string, options: BindOptions): TypeObject {
  const type = (options.structs() as Readonly<Record<string, TypeObject | undefined>>)[name];
  if (type === undefined) throw new Error(`generated bindings refer to unknown struct ${name}`);
  return type;
}
