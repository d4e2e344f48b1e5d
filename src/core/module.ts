/**
 * Modules: PTX, cubin or fatbin images loaded into a context, unloaded, or reloaded with new code;
 * their kernels and their `__device__` / `__constant__` variables.
 * @module
 */
import { readFileSync } from 'node:fs';
import { DriverError, InvalidArgumentError } from '../errors.js';
import type { JitOptions, ModuleHandle } from '../backend/types.js';
import { backend } from './backend.js';
import { ContextBound } from './lifetime.js';
import { DeviceBuffer, describeValue } from './memory.js';
import { Kernel, type KernelOptions } from './kernel.js';
import { readEntrySignatures } from './ptx-signature.js';
import type { ParamSpec } from './param-types.js';
import type { Context } from './context.js';

/** What a module can be loaded from: PTX text, or the bytes of a PTX, cubin or fatbin image. */
export type ModuleSource = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** Options of {@link Context.loadModule}: the JIT's options (used for PTX). */
export type ModuleLoadOptions = JitOptions;

/** The kind of image a module was loaded from. */
export type ModuleFormat = 'ptx' | 'cubin' | 'fatbin';

const ELF_MAGIC = 0x464c457f; // "\x7fELF", little-endian
const FATBIN_MAGIC = 0xba55ed50;

/** An image ready for the driver, with what cudajs knows about it. */
interface Image {
  readonly bytes: Uint8Array;
  readonly format: ModuleFormat;
  /** PTX text, when the image is PTX (for reading kernel signatures). */
  readonly ptx: string | null;
}

function toImage(source: ModuleSource, call: string): Image {
  if (typeof source === 'string') {
    if (source.trim() === '') throw new InvalidArgumentError(call, 'the PTX text is empty');
    return { bytes: new TextEncoder().encode(source), format: 'ptx', ptx: source };
  }
  let bytes: Uint8Array;
  if (source instanceof Uint8Array) bytes = source;
  else if (ArrayBuffer.isView(source)) bytes = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  else if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  else throw new InvalidArgumentError(call, `expected PTX text or image bytes, got ${describeValue(source)}`);
  if (bytes.byteLength === 0) throw new InvalidArgumentError(call, 'the image is empty');
  const magic = bytes.byteLength >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) : 0;
  if (magic === ELF_MAGIC) return { bytes, format: 'cubin', ptx: null };
  if (magic === FATBIN_MAGIC) return { bytes, format: 'fatbin', ptx: null };
  return { bytes, format: 'ptx', ptx: new TextDecoder('latin1').decode(bytes) };
}

/** `_Z5saxpyifPKfPf` → `saxpy`; `null` for names that are not simple mangled function names. */
function demangledBase(name: string): string | null {
  const m = /^_Z(\d+)/.exec(name);
  if (!m) return null;
  const length = Number(m[1]);
  const start = m[0].length;
  return name.length >= start + length ? name.slice(start, start + length) : null;
}

/**
 * A module loaded into a context. Keeps its context alive; its kernels keep it alive.
 *
 * @example
 * ```ts
 * using module = ctx.loadModule(ptxText);
 * const kernel = module.getKernel('saxpy');
 * module.reload(newPtxText); // same kernel object, new code
 * ```
 */
export class Module extends ContextBound {
  /** The current handle, shared with the finalizer backstop so that it unloads the right image after a reload. */
  readonly #cell: { handle: ModuleHandle };
  #image: Image;
  #infoLog: string;
  #signatures: Map<string, ParamSpec[] | null> | null = null;
  #kernels = new Map<string, Kernel>();
  /** Shared with the module's global-variable buffers; replaced (and marked) on reload and unload. */
  #globalsToken = { disposed: false };

  private constructor(context: Context, handle: ModuleHandle, image: Image, infoLog: string) {
    super(context);
    this.#cell = { handle };
    this.#image = image;
    this.#infoLog = infoLog;
    const state = context.state;
    const cell = this.#cell;
    this.track(() => state.runIfAlive(() => backend().moduleUnload(cell.handle)));
  }

  /** @internal Loads `source` into `context`. */
  static load(context: Context, source: ModuleSource, options: ModuleLoadOptions): Module {
    const call = 'Context.loadModule';
    const image = toImage(source, call);
    const loaded = context.enter(call, () => backend().moduleLoad(image.bytes, options));
    return new Module(context, loaded.module, image, loaded.infoLog);
  }

  /** @internal Loads a module file into `context`. */
  static loadFile(context: Context, path: string, options: ModuleLoadOptions): Module {
    return Module.load(context, readImageFile(path, 'Context.loadModuleFile'), options);
  }

  /** The raw handle (CUmodule). Changes on {@link reload}. */
  get handle(): ModuleHandle {
    return this.#cell.handle;
  }

  /** The kind of image loaded. */
  get format(): ModuleFormat {
    return this.#image.format;
  }

  /** The JIT's information log from the last load (empty for cubin, often empty for PTX). */
  get infoLog(): string {
    return this.#infoLog;
  }

  /** The entry names of every kernel in the module. */
  get kernelNames(): string[] {
    const call = 'Module.kernelNames';
    return this.enterContext(call, () => backend().moduleFunctionNames(this.#cell.handle));
  }

  /**
   * A kernel by name. C++ kernels can be named by their plain name (`saxpy` for
   * `_Z5saxpyifPKfPf`) when exactly one kernel has it. The same object is returned for the same
   * name and options.
   * @throws DriverError CUDA_ERROR_NOT_FOUND listing the available kernels when none matches.
   */
  getKernel(name: string, options: KernelOptions = {}): Kernel {
    const call = 'Module.getKernel';
    this.assertLive(call);
    if (typeof name !== 'string' || name === '') throw new InvalidArgumentError(call, `expected a kernel name, got ${describeValue(name)}`);
    const key = options.params ? `${name}\u0000${JSON.stringify(options.params)}` : name;
    let kernel = this.#kernels.get(key);
    if (!kernel) {
      const entry = this.#resolveName(name, call);
      kernel = new Kernel(this, entry, this.#function(entry, call), this.#signature(entry), options.params);
      this.#kernels.set(key, kernel);
    }
    return kernel;
  }

  #resolveName(name: string, call: string): string {
    const names = this.kernelNames;
    if (names.includes(name)) return name;
    const candidates = names.filter((n) => demangledBase(n) === name);
    if (candidates.length === 1) return candidates[0]!;
    const explanation = candidates.length > 1
      ? `'${name}' is overloaded in this module; name one of: ${candidates.join(', ')}`
      : `no kernel named '${name}' in this module; it has: ${names.length ? names.join(', ') : '(no kernels)'}`;
    throw new DriverError({ code: 500, codeName: 'CUDA_ERROR_NOT_FOUND', explanation, call });
  }

  #function(entry: string, call: string) {
    return this.enterContext(call, () => backend().moduleFunction(this.#cell.handle, entry));
  }

  #signature(entry: string): ParamSpec[] | null {
    if (this.#image.ptx === null) return null;
    this.#signatures ??= readEntrySignatures(this.#image.ptx);
    return this.#signatures.get(entry) ?? null;
  }

  /**
   * A `__device__` or `__constant__` variable as a device buffer (cuModuleGetGlobal). The buffer
   * is borrowed from the module and becomes unusable when the module is unloaded or reloaded.
   */
  global(name: string): DeviceBuffer {
    const call = 'Module.global';
    const { pointer, bytes } = this.enterContext(call, () => backend().moduleGlobal(this.#cell.handle, name));
    return DeviceBuffer.viewOf(this.context, pointer, bytes, this.#globalsToken, `global '${name}' of a module that was unloaded or reloaded`);
  }

  /**
   * Replaces the module's code: loads `source`, then unloads the old image. Kernel objects
   * obtained before keep working and launch the new code of the same name; a kernel whose name
   * is gone fails on its next launch. On a load error the old code stays loaded.
   */
  reload(source: ModuleSource, options: ModuleLoadOptions = {}): void {
    const call = 'Module.reload';
    this.assertLive(call);
    const image = toImage(source, call);
    const loaded = this.enterContext(call, () => backend().moduleLoad(image.bytes, options));
    const old = this.#cell.handle;
    this.#cell.handle = loaded.module;
    this.#image = image;
    this.#infoLog = loaded.infoLog;
    this.#signatures = null;
    this.#globalsToken.disposed = true;
    this.#globalsToken = { disposed: false };
    this.enterContext(call, () => backend().moduleUnload(old));
    const names = new Set(this.kernelNames);
    for (const kernel of this.#kernels.values()) {
      if (names.has(kernel.name)) kernel.bind(this.#function(kernel.name, call), this.#signature(kernel.name));
      else kernel.markGone(`kernel ${kernel.name} is not in the reloaded module`);
    }
  }

  /** Reloads from a file (see {@link reload}). */
  reloadFile(path: string, options: ModuleLoadOptions = {}): void {
    this.reload(readImageFile(path, 'Module.reloadFile'), options);
  }

  protected override describe(): string {
    return `Module(${this.#image.format})`;
  }


  protected override release(): void {
    this.#globalsToken.disposed = true;
    this.context.state.runIfAlive(() => backend().moduleUnload(this.#cell.handle));
  }
}

function readImageFile(path: string, call: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new DriverError({ code: 301, codeName: 'CUDA_ERROR_FILE_NOT_FOUND', explanation: `cannot read '${path}': ${(e as Error).message}`, call, cause: e });
  }
}
