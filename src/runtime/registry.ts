/**
 * The kernel registry: the runtime API's model of code. A module is registered once (PTX text,
 * or PTX / cubin / fatbin bytes, or a function that produces them on first use — the hook NVRTC
 * compilation will use); it is loaded into whichever context first launches one of its kernels,
 * for the scope that launches it, and stays loaded for that context's life (a new incarnation of
 * a reset primary context loads it again, lazily). The driver-style `Module` keeps explicit load,
 * unload and reload.
 * @module
 */
import { readFileSync } from 'node:fs';
import { DriverError, InvalidArgumentError } from '../errors.js';
import type { Context, Kernel, KernelArgument, KernelOptions, LaunchConfig, Module, ModuleLoadOptions, ModuleSource } from '../core/index.js';
import { activeScope } from './scope.js';

/** What a registered module is made from: an image, or a function that produces one on first load. */
export type RegisteredImage = ModuleSource | (() => ModuleSource);

/** Options of `runtime.registerModule`. Every field has a default. */
export interface RegisterOptions {
  /** A name for messages. Default: `module <n>`, numbered in registration order. */
  readonly name?: string;
  /** JIT options for each load of PTX. Default: the driver's defaults. */
  readonly jit?: ModuleLoadOptions;
}

/** A kernel's launch function: the execution configuration, then one argument per kernel parameter. */
export type LaunchFunction = (config: LaunchConfig, ...args: KernelArgument[]) => void;

let registered = 0;

/**
 * A module registered with the runtime: loaded into each context (for each scope) on first use.
 *
 * @example
 * ```ts
 * import { runtime } from 'cudajs';
 *
 * const kernels = runtime.registerModule(ptxText, { name: 'blas1' });
 * const saxpy = kernels.kernel('saxpy');
 * saxpy.launch({ grid: 4, block: 256 }, n, 2.0, x, y, out); // loads the module on first launch
 * ```
 */
export class RegisteredModule {
  /** The name used in messages. */
  readonly name: string;
  /** The JIT options used for each load. */
  readonly jit: ModuleLoadOptions;
  #source: RegisteredImage;
  #image: ModuleSource | undefined;
  readonly #kernels = new Map<string, RegisteredKernel>();

  /** @internal Use `runtime.registerModule`. */
  constructor(source: RegisteredImage, options: RegisterOptions) {
    const call = 'runtime.registerModule';
    if (typeof source !== 'function' && typeof source !== 'string' && !ArrayBuffer.isView(source) && !(source instanceof ArrayBuffer)) {
      throw new InvalidArgumentError(call, 'expected PTX text, image bytes, or a function returning either');
    }
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) throw new InvalidArgumentError(call, 'name must be a non-empty string');
    this.#source = source;
    this.name = options.name ?? `module ${++registered}`;
    this.jit = options.jit ?? {};
  }

  /** The image to load; a producing function runs once, on first use. */
  get image(): ModuleSource {
    if (this.#image === undefined) {
      const source = this.#source;
      this.#image = typeof source === 'function' ? source() : source;
      this.#source = this.#image;
    }
    return this.#image;
  }

  /**
   * A registered kernel of this module, by name (a C++ kernel also by its plain name when it is not
   * overloaded). The same object for the same name and options. The name is checked on first launch.
   */
  kernel(name: string, options: KernelOptions = {}): RegisteredKernel {
    if (typeof name !== 'string' || name === '') throw new InvalidArgumentError('RegisteredModule.kernel', 'expected a kernel name');
    const key = options.params ? `${name}\u0000${JSON.stringify(options.params)}` : name;
    let kernel = this.#kernels.get(key);
    if (!kernel) this.#kernels.set(key, (kernel = new RegisteredKernel(this, name, options)));
    return kernel;
  }

  /** @internal Loads the image into `context` (one load per context and scope; the scope keeps it). */
  loadInto(context: Context): Module {
    return context.loadModule(this.image, this.jit);
  }

  /** `RegisteredModule(blas1)`. */
  toString(): string {
    return `RegisteredModule(${this.name})`;
  }
}

/**
 * A kernel of a registered module. {@link launch} launches it where the runtime API would: in the
 * context current on this thread (inside `scope.run`, the scope's), else in the current device's
 * primary context — loading its module there first if this scope has not yet.
 */
export class RegisteredKernel {
  /** The module the kernel belongs to. */
  readonly module: RegisteredModule;
  /** The name it was asked by. */
  readonly name: string;
  /** Parameter types, as for `Module.getKernel`. */
  readonly options: KernelOptions;
  readonly #call: string;
  #launch: LaunchFunction | undefined;

  /** @internal Use {@link RegisteredModule.kernel}. */
  constructor(module: RegisteredModule, name: string, options: KernelOptions) {
    this.module = module;
    this.name = name;
    this.options = options;
    this.#call = `runtime launch of ${name}`;
  }

  /**
   * The kernel object this thread's runtime would launch now (see {@link launch}), loading its
   * module into that context for the active scope on first use.
   */
  resolve(): Kernel {
    return activeScope().kernelFor(this.#call, 'runtime', this);
  }

  /**
   * Launches the kernel in the context the runtime uses now (see the class comment). Arguments as
   * for `Kernel.launch`. Each launch costs one cuCtxGetCurrent and two map lookups on top of
   * `Kernel.launch`; after the first launch the function is specialized to the kernel's arity, so
   * that a launch allocates nothing.
   */
  get launch(): LaunchFunction {
    return (this.#launch ??= (config: LaunchConfig, ...args: KernelArgument[]): void => {
      const kernel = this.resolve();
      this.#launch = specialize(() => this.resolve(), kernel.params.length);
      kernel.launch(config, ...args);
    });
  }

  /** `RegisteredKernel(saxpy of blas1)`. */
  toString(): string {
    return `RegisteredKernel(${this.name} of ${this.module.name})`;
  }
}

/**
 * A launch function of fixed arity `n` that forwards to the resolved kernel without a rest array;
 * another argument count takes the generic path (which reports the mismatch).
 */
function specialize(resolve: () => Kernel, n: number): LaunchFunction {
  const names = Array.from({ length: n }, (_, i) => `a${i}`);
  const list = names.map((a) => `, ${a}`).join('');
  const source = `'use strict';\nreturn function launch(config${list}) {\n` +
    `if (arguments.length !== ${n + 1}) { const k = resolve(); return k.launch.apply(k, arguments); }\n` +
    `resolve().launch(config${list});\n};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated once per registered kernel
  return new Function('resolve', source)(resolve) as LaunchFunction;
}

/** Reads a module file for `runtime.registerModuleFile`. */
export function readModuleFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new DriverError({ code: 301, codeName: 'CUDA_ERROR_FILE_NOT_FOUND', explanation: `cannot read '${path}': ${(e as Error).message}`, call: 'runtime.registerModuleFile', cause: e });
  }
}
