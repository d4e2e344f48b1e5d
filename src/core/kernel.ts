/**
 * Kernels: attributes, occupancy, and launch with typed parameter marshalling.
 * @module
 */
import { CUfunction_attribute } from '../raw/driver-types.js';
import { DriverError, InvalidArgumentError } from '../errors.js';
import { DEFAULT_STREAM, type Backend, type FunctionHandle, type LaunchAttributes, type ParamBlock, type StreamHandle } from '../backend/types.js';
import { backend } from './backend.js';
import { camelCaseCodes, type EnumCamelNames } from './enum-names.js';
import { applyLaunchConfig, newLaunchDims, type LaunchConfig } from './launch-config.js';
import { compileLaunch, type CompiledLaunch, type KernelArgument } from './marshal.js';
import { bytes, layoutParams, typeName, type ParamSpec, type ParamType } from './param-types.js';
import type { DeviceLimits } from './device.js';
import type { Module } from './module.js';

/**
 * A kernel attribute by camel-case name: `CU_FUNC_ATTRIBUTE_NUM_REGS` is `numRegs`,
 * `CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES` is `maxDynamicSharedSizeBytes`.
 */
export type KernelAttributeName = EnumCamelNames<typeof CUfunction_attribute, 'CU_FUNC_ATTRIBUTE_', 'CU_FUNC_ATTRIBUTE_MAX'>;

const ATTRIBUTE_CODES = camelCaseCodes(CUfunction_attribute, 'CU_FUNC_ATTRIBUTE_', ['CU_FUNC_ATTRIBUTE_MAX']);

/** Options of {@link Module.getKernel}. */
export interface KernelOptions {
  /**
   * The parameter types, overriding what the PTX declares (PTX does not record signedness, `half`,
   * or struct layouts) or supplying them for cubin/fatbin modules, where only sizes are known.
   * Each must match the kernel's real parameter size and offset.
   */
  readonly params?: readonly ParamType[];
}

/** cuOccupancyMaxPotentialBlockSize's answer. */
export interface SuggestedLaunch {
  /** The smallest grid that reaches full occupancy with `blockSize`. */
  readonly minGridSize: number;
  /** The block size with the highest occupancy. */
  readonly blockSize: number;
}

/** CUresults that mean "this handle is not usable in the current context". */
const WRONG_CONTEXT_CODES: ReadonlySet<number> = new Set([201, 400]);

/** Picks an untyped parameter type from a size reported by cuFuncGetParamInfo. */
function typeFromSize(size: number): ParamType {
  switch (size) {
    case 1: return 'u8';
    case 2: return 'u16';
    case 4: return 'u32';
    case 8: return 'u64';
    default: return bytes(size);
  }
}

function sameLayout(a: readonly ParamSpec[], b: readonly { readonly offset: number; readonly size: number }[]): boolean {
  return a.length === b.length && a.every((p, i) => p.offset === b[i]!.offset && p.size === b[i]!.size);
}

/**
 * A kernel (`__global__` function) of a loaded module. Keeps its module alive. After
 * {@link Module.reload}, the same object launches the new code of the same name.
 *
 * @example
 * ```ts
 * const saxpy = module.getKernel('saxpy'); // extern "C" __global__ void saxpy(int n, float a, const float* x, float* y)
 * saxpy.launch({ grid: Math.ceil(n / 256), block: 256 }, n, 2.5, x, y);
 * const { blockSize } = saxpy.suggestLaunch();
 * ```
 */
export class Kernel {
  /** The module the kernel lives in. */
  readonly module: Module;
  /** The kernel's entry name as the module declares it (mangled for C++ kernels). */
  readonly name: string;
  readonly #explicit: readonly ParamType[] | undefined;
  readonly #backend: Backend;
  readonly #dims = newLaunchDims();
  readonly #call: string;
  #fn!: FunctionHandle;
  #params!: readonly ParamSpec[];
  #block!: ParamBlock;
  #launch!: CompiledLaunch<LaunchConfig>;
  #limits!: DeviceLimits;
  #maxThreads = 0;
  #maxDynamicShared = 0;
  #stream: StreamHandle = DEFAULT_STREAM;
  #attributes: LaunchAttributes | null = null;
  #gone: string | null = null;

  /** @internal Use {@link Module.getKernel}. */
  constructor(module: Module, name: string, fn: FunctionHandle, derived: readonly ParamSpec[] | null, explicit: readonly ParamType[] | undefined) {
    this.module = module;
    this.name = name;
    this.#explicit = explicit;
    this.#backend = backend();
    this.#call = `Kernel.launch(${name})`;
    this.bind(fn, derived);
  }

  /**
   * @internal Points this object at a (re)loaded function: resolves the parameter layout,
   * allocates the parameter block and compiles the launch function.
   */
  bind(fn: FunctionHandle, derived: readonly ParamSpec[] | null): void {
    const b = this.#backend;
    const actual = derived ?? this.#slotsFromDriver(fn);
    let params: readonly ParamSpec[];
    if (this.#explicit) {
      params = layoutParams(this.#explicit, actual.map((p) => p.name));
      if (!sameLayout(params, actual)) {
        throw new InvalidArgumentError('Module.getKernel', `the declared params (${params.map((p) => `${typeName(p.type)}@${p.offset}`).join(', ')}) do not match kernel ${this.name}'s (${actual.map((p) => `${p.size} bytes@${p.offset}`).join(', ')})`);
      }
    } else {
      params = actual;
    }
    this.#fn = fn;
    this.#params = params;
    this.#gone = null;
    this.#block = b.createParamBlock(params.map(({ offset, size }) => ({ offset, size })));
    this.#limits = this.module.context.device.limits;
    this.#refreshLimits();
    this.#launch = compileLaunch(this.#call, params, this.#block.view, this.#block.bytes, {
      begin: (config, argumentCount) => this.#begin(config, argumentCount),
      submit: () => this.#submit(),
    });
  }

  /** @internal Marks the kernel absent from its reloaded module. */
  markGone(reason: string): void {
    this.#gone = reason;
  }

  #slotsFromDriver(fn: FunctionHandle): ParamSpec[] {
    const specs: ParamSpec[] = [];
    this.module.enterContext('Module.getKernel', () => {
      for (let i = 0; ; i++) {
        const slot = this.#backend.functionParamInfo(fn, i);
        if (slot === null) break;
        specs.push({ name: `arg${i}`, type: typeFromSize(slot.size), offset: slot.offset, size: slot.size });
      }
    });
    return specs;
  }

  #refreshLimits(): void {
    this.#maxThreads = this.attribute('maxThreadsPerBlock');
    this.#maxDynamicShared = this.attribute('maxDynamicSharedSizeBytes');
  }

  /** The raw handle (CUfunction). Changes when the module is reloaded. */
  get handle(): FunctionHandle {
    return this.#fn;
  }

  /** The parameters: names, types, offsets and sizes in the packed parameter buffer. */
  get params(): readonly ParamSpec[] {
    return this.#params;
  }

  /**
   * Launches the kernel with one argument per parameter: numbers for numeric parameters
   * (checked against the parameter's type), bigints for 64-bit ones, DeviceBuffers (or bigint
   * addresses, or null) for pointers, plain objects for struct parameters with a declared layout,
   * and Uint8Arrays of the exact size for opaque ones. Asynchronous: returns once queued.
   *
   * The kernel's context is made current for the launch if another one is.
   */
  get launch(): (config: LaunchConfig, ...args: KernelArgument[]) => void {
    return this.#launch;
  }

  #begin(config: LaunchConfig, argumentCount: number): void {
    const call = this.#call;
    if (this.#gone !== null) throw new InvalidArgumentError(call, this.#gone);
    this.module.assertLive(call);
    if (argumentCount !== this.#params.length) {
      throw new InvalidArgumentError(call, `expects ${this.#params.length} argument(s) (${this.#params.map((p) => `${p.name}: ${typeName(p.type)}`).join(', ')}), got ${argumentCount}`);
    }
    this.#attributes = applyLaunchConfig(call, config, this.#limits, this.#maxThreads, this.#maxDynamicShared, this.#dims);
    const stream = config.stream;
    if (stream === undefined) {
      this.#stream = DEFAULT_STREAM;
    } else {
      stream.assertLive(call);
      if (stream.context.state !== this.module.context.state) {
        throw new InvalidArgumentError(call, `the stream belongs to ${stream.context.toString()}, the kernel to ${this.module.context.toString()}`);
      }
      this.#stream = stream.handle;
    }
  }

  #submitOnce(): void {
    if (this.#attributes === null) this.#backend.launch(this.#fn, this.#dims, this.#block, this.#stream);
    else this.#backend.launchEx(this.#fn, this.#dims, this.#block, this.#stream, this.#attributes);
  }

  /**
   * Submits the launch. The hot path makes no check of its own: a primary context reset outside
   * cudajs is not looked for here (that would cost a driver call per launch) but diagnosed after
   * the fact — a launch in a reset context fails, and then `ContextState.detectReset` tells a
   * ContextResetError from an ordinary launch error.
   */
  #submit(): void {
    try {
      this.#submitOnce();
    } catch (e) {
      const ctx = this.module.context;
      if (e instanceof DriverError && !e.sticky && ctx.state.detectReset(this.#call) !== null) this.module.assertLive(this.#call);
      if (!(e instanceof DriverError) || e.code === null || !WRONG_CONTEXT_CODES.has(e.code) || this.#backend.contextGetCurrent() === ctx.handle) throw e;
      ctx.run(() => this.#submitOnce());
    }
  }

  /**
   * One attribute, by camel-case name (`'numRegs'`, `'maxThreadsPerBlock'`, `'sharedSizeBytes'`,
   * `'localSizeBytes'` …) or CUfunction_attribute code (cuFuncGetAttribute).
   */
  attribute(attribute: KernelAttributeName | number): number {
    const call = 'Kernel.attribute';
    const code = typeof attribute === 'number' ? attribute : ATTRIBUTE_CODES.get(attribute);
    if (code === undefined) throw new InvalidArgumentError(call, `unknown kernel attribute '${String(attribute)}'`);
    return this.module.enterContext(call, () => this.#backend.functionAttribute(this.#fn, code));
  }

  /** Every attribute, by camel-case name. */
  attributes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, code] of ATTRIBUTE_CODES) {
      try {
        out[name] = this.attribute(code);
      } catch {
        // The installed driver predates this attribute.
      }
    }
    return out;
  }

  /** Sets an attribute (cuFuncSetAttribute), e.g. `'maxDynamicSharedSizeBytes'` to use over 48 KiB. */
  setAttribute(attribute: KernelAttributeName | number, value: number): void {
    const call = 'Kernel.setAttribute';
    const code = typeof attribute === 'number' ? attribute : ATTRIBUTE_CODES.get(attribute);
    if (code === undefined) throw new InvalidArgumentError(call, `unknown kernel attribute '${String(attribute)}'`);
    if (!Number.isInteger(value)) throw new InvalidArgumentError(call, `value must be an integer, got ${String(value)}`);
    this.module.enterContext(call, () => this.#backend.functionSetAttribute(this.#fn, code, value));
    this.#refreshLimits();
  }

  /** How many blocks of `blockSize` threads fit on one multiprocessor at once (cuOccupancyMaxActiveBlocksPerMultiprocessor). */
  maxActiveBlocksPerMultiprocessor(blockSize: number, dynamicSharedBytes = 0): number {
    const call = 'Kernel.maxActiveBlocksPerMultiprocessor';
    if (!Number.isInteger(blockSize) || blockSize < 1) throw new InvalidArgumentError(call, `blockSize must be a positive integer, got ${String(blockSize)}`);
    if (!Number.isInteger(dynamicSharedBytes) || dynamicSharedBytes < 0) throw new InvalidArgumentError(call, `dynamicSharedBytes must be a non-negative integer, got ${String(dynamicSharedBytes)}`);
    return this.module.enterContext(call, () => this.#backend.occupancyMaxActiveBlocks(this.#fn, blockSize, dynamicSharedBytes));
  }

  /**
   * The block size that maximizes occupancy, and the grid size that fills the device with it
   * (cuOccupancyMaxPotentialBlockSize).
   */
  suggestLaunch(options: { readonly dynamicSharedBytes?: number; readonly blockSizeLimit?: number } = {}): SuggestedLaunch {
    const call = 'Kernel.suggestLaunch';
    const shared = options.dynamicSharedBytes ?? 0;
    const limit = options.blockSizeLimit ?? 0;
    if (!Number.isInteger(shared) || shared < 0) throw new InvalidArgumentError(call, `dynamicSharedBytes must be a non-negative integer, got ${String(shared)}`);
    if (!Number.isInteger(limit) || limit < 0) throw new InvalidArgumentError(call, `blockSizeLimit must be a non-negative integer, got ${String(limit)}`);
    return this.module.enterContext(call, () => this.#backend.occupancyMaxPotentialBlockSize(this.#fn, shared, limit));
  }

  /** `Kernel(saxpy)`. */
  toString(): string {
    return `Kernel(${this.name})`;
  }
}
