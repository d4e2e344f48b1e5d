/**
 * The PTX execution engine behind the emulated device: {@link PtxEngine} implements the
 * `EmuEngine` seam (src/emu/engine.ts).
 *
 * - `compile` parses and lowers PTX (src/emu/ptx, src/emu/ir) and checks that every reachable
 *   instruction can be executed (validate.ts).
 * - `instantiate` binds a module to one device's memory: patches addresses into module variables
 *   (`generic(x)` and function addresses in initializers) and creates the instance's memory
 *   context.
 * - `launch` runs a kernel to completion: the kernel is compiled on its first launch (per
 *   executor: the block JIT, or with `LaunchOptions.interpret` the reference interpreter) and
 *   cached on the instance; CTAs run one after another — or a cluster's CTAs together — reusing
 *   the warps, frames and memories allocated for the launch configuration.
 * @module
 */
import type { CompiledModule, EmuEngine, KernelInfo, LaunchRequest, LaunchStats, ModuleInstance, ModuleVariable } from '../engine.js';
import { compilePtx } from '../ir/index.js';
import type { IrInstruction, IrKernel, IrModule } from '../ir/types.js';
import type { GlobalMemory } from '../mem/types.js';
import { UnsupportedError, unsupportedPtx } from './errors.js';
import { FUNCTION_STRIDE, FUNCTION_WINDOW, RECURSIVE_STACK_BYTES, RESERVED_SHARED_BYTES, SM_COUNT, TIMEOUT_CHECK_BLOCKS, WARP_SIZE } from './layout.js';
import { KernelProgram, type ExecutorKind, type InstanceServices } from './program.js';
import { MemoryContext } from './runtime/memory.js';
import { Region } from './runtime/region.js';
import { runCluster } from './runtime/runner.js';
import { ClusterState, Cta, LaunchState, WarpState } from './runtime/state.js';
import { validateModule } from './validate.js';
import { kernelRegisters } from './pressure.js';

let gridCounter = 0;

/** Launch configurations whose CTAs (warps, frames, shared and local memory) an instance keeps for reuse. */
const LAUNCH_SLOT_CACHE = 8;

/** The engine: compiles PTX into modules that run on the CPU. */
export class PtxEngine implements EmuEngine {
  /** Parses, lowers and checks `ptx` (see `EmuEngine.compile`). @throws PtxSyntaxError */
  compile(ptx: string, call: string): CompiledModule {
    const ir = compilePtx(ptx, call);
    try {
      validateModule(ir);
    } catch (e) {
      if (e instanceof UnsupportedError) throw unsupportedPtx(call, e);
      throw e;
    }
    return new PtxModule(ir);
  }
}

/** A compiled module (independent of any device). */
export class PtxModule implements CompiledModule {
  readonly version: string;
  readonly target: string;
  readonly kernels: ReadonlyMap<string, KernelInfo>;
  readonly variables: readonly ModuleVariable[];

  constructor(readonly ir: IrModule) {
    this.version = ir.version;
    this.target = ir.target;
    // Report the registers a kernel would get allocated (pressure.ts), not the virtual ones it declares.
    this.kernels = new Map([...ir.kernels].map(([name, k]) => [name, { ...k.info, registerCount: kernelRegisters(ir, k, k.info.registerCount) }]));
    this.variables = ir.variables;
  }

  /** Binds the module to `memory`, its variables at `addressOf(name)` (see `CompiledModule.instantiate`). */
  instantiate(memory: GlobalMemory, addressOf: (variable: string) => number): PtxInstance {
    return new PtxInstance(this, memory, addressOf);
  }
}

/** The objects a launch configuration runs in, reused by later launches with the same configuration. */
interface LaunchSlots {
  readonly launch: LaunchState;
  readonly cluster: ClusterState;
}

/** A module bound to one device's memory. */
export class PtxInstance implements ModuleInstance, InstanceServices {
  readonly ir: IrModule;
  readonly mem: MemoryContext;
  readonly #addresses = new Map<string, number>();
  readonly #sites = new Map<IrInstruction, number>();
  readonly #slots = new Map<IrInstruction, number>();
  readonly #programs = new Map<string, KernelProgram>();
  readonly #launchSlots = new Map<string, LaunchSlots>();

  constructor(readonly module: PtxModule, memory: GlobalMemory, addressOf: (variable: string) => number) {
    this.ir = module.ir;
    this.mem = new MemoryContext(memory);
    for (const v of this.ir.variables) this.#addresses.set(v.name, addressOf(v.name));
    this.#relocate(memory);
    const ranges: number[] = [];
    for (const v of this.ir.variables) if (v.space === 'const') ranges.push(this.addressOf(v.name), this.addressOf(v.name) + v.bytes);
    this.mem.constRanges = ranges;
  }

  // ---- InstanceServices ---------------------------------------------------------------------

  /** Device address of module variable `name`. */
  addressOf(name: string): number {
    const a = this.#addresses.get(name);
    if (a === undefined) throw new RangeError(`module variable ${name} has no address`);
    return a;
  }

  /** The fault-site id of `ins` (assigned on first use). */
  siteOf(ins: IrInstruction): number {
    let id = this.#sites.get(ins);
    if (id === undefined) {
      id = this.mem.siteOf(ins);
      this.#sites.set(ins, id);
    }
    return id;
  }

  /** The allocation-cache slot of memory instruction `ins` (assigned on first use). */
  cacheSlot(ins: IrInstruction): number {
    let id = this.#slots.get(ins);
    if (id === undefined) {
      id = this.#slots.size;
      this.#slots.set(ins, id);
      this.mem.ensureCacheSlots(id + 1);
    }
    return id;
  }

  /** The compiled program of `kernel` for `kind` (created on first use). */
  program(kernel: string, kind: ExecutorKind): KernelProgram {
    const key = `${kind}:${kernel}`;
    let p = this.#programs.get(key);
    if (p === undefined) {
      const k = this.ir.kernels.get(kernel);
      if (k === undefined) throw new RangeError(`the module has no kernel named '${kernel}'`);
      p = new KernelProgram(this, k, kind);
      this.#programs.set(key, p);
    }
    return p;
  }

  // ---- Launch ---------------------------------------------------------------------------------

  /** Runs a kernel to completion (see `ModuleInstance.launch`). @throws KernelFaultError */
  launch(request: LaunchRequest): LaunchStats {
    const options = request.options ?? {};
    const program = this.program(request.kernel, options.interpret === true ? 'interpreter' : 'jit');
    const kernel = program.kernel;
    const [gx, gy, gz] = request.grid;
    const [bx, by, bz] = request.block;
    const [cx, cy, cz] = request.cluster ?? [1, 1, 1];
    for (const v of [gx, gy, gz, bx, by, bz, cx, cy, cz]) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`invalid launch dimensions grid (${request.grid}) block (${request.block}) cluster (${request.cluster ?? [1, 1, 1]})`);
    }
    if (gx % cx !== 0 || gy % cy !== 0 || gz % cz !== 0) throw new RangeError(`the cluster (${cx}, ${cy}, ${cz}) does not divide the grid (${gx}, ${gy}, ${gz})`);
    const threads = bx * by * bz;
    if (threads > 1024) throw new RangeError(`${threads} threads per block exceed 1024`);
    if (request.params.byteLength < kernel.info.paramBytes) {
      throw new RangeError(`the parameter buffer holds ${request.params.byteLength} bytes; kernel ${kernel.name} takes ${kernel.info.paramBytes}`);
    }
    const dynamic = request.dynamicSharedBytes;
    const sharedBytes = dynamic > 0 || kernel.info.usesDynamicShared ? kernel.dynamicSharedOffset + dynamic : kernel.info.staticSharedBytes;
    const localStride = localStrideOf(kernel);
    const clusterSize = cx * cy * cz;
    const slots = this.#slotsFor(program, threads, sharedBytes, localStride, clusterSize);
    const launch = slots.launch;

    launch.ntid0 = bx; launch.ntid1 = by; launch.ntid2 = bz;
    launch.nctaid0 = gx; launch.nctaid1 = gy; launch.nctaid2 = gz;
    launch.gridid = ++gridCounter;
    launch.dynamicSharedBytes = dynamic;
    launch.totalSharedBytes = sharedBytes;
    launch.aggregateSharedBytes = sharedBytes + RESERVED_SHARED_BYTES;
    launch.clusterSize = clusterSize;
    launch.cluster0 = cx; launch.cluster1 = cy; launch.cluster2 = cz;
    launch.nclusterid0 = gx / cx; launch.nclusterid1 = gy / cy; launch.nclusterid2 = gz / cz;
    launch.explicitCluster = request.cluster !== undefined && clusterSize > 1 ? 1 : kernel.directives.explicitcluster ? 1 : 0;
    launch.paramBytes = kernel.info.paramBytes;
    if (launch.params.bytes < request.params.byteLength) launch.params = launchParams(request.params.byteLength);
    launch.params.u8.set(request.params);
    launch.kernel = kernel.name;
    launch.warpInstructions = 0;
    launch.threadInstructions = 0;
    launch.budget = options.instructionBudget ?? Infinity;
    launch.deadline = options.timeoutMs === undefined ? Infinity : performance.now() + options.timeoutMs;
    launch.timeoutCountdown = TIMEOUT_CHECK_BLOCKS;
    launch.printf = options.printf ?? null;
    this.mem.resetCache();

    const cluster = slots.cluster;
    for (let kz = 0; kz < gz / cz; kz++) {
      for (let ky = 0; ky < gy / cy; ky++) {
        for (let kx = 0; kx < gx / cx; kx++) {
          cluster.arrived = 0;
          cluster.phase = 0;
          cluster.waiting.length = 0;
          for (let rank = 0; rank < clusterSize; rank++) {
            const ix = rank % cx, iy = Math.floor(rank / cx) % cy, iz = Math.floor(rank / (cx * cy));
            startCta(cluster.ctas[rank]!, program, kx * cx + ix, ky * cy + iy, kz * cz + iz, rank, [ix, iy, iz], [kx, ky, kz]);
          }
          runCluster(cluster, program);
        }
      }
    }
    return { threadInstructions: launch.threadInstructions, warpInstructions: launch.warpInstructions };
  }

  #slotsFor(program: KernelProgram, threads: number, sharedBytes: number, localStride: number, clusterSize: number): LaunchSlots {
    const key = `${program.kind}:${program.kernel.name}:${threads}:${sharedBytes}:${localStride}:${clusterSize}`;
    let s = this.#launchSlots.get(key);
    if (s !== undefined) {
      // Most recently used last (the map's order), so that the oldest configuration is dropped first.
      this.#launchSlots.delete(key);
      this.#launchSlots.set(key, s);
    } else {
      if (this.#launchSlots.size >= LAUNCH_SLOT_CACHE) this.#launchSlots.delete(this.#launchSlots.keys().next().value!);
      const launch = new LaunchState(this.mem);
      launch.threadsPerCta = threads;
      launch.warpsPerCta = Math.ceil(threads / WARP_SIZE);
      launch.localStride = localStride;
      launch.params = launchParams(program.kernel.info.paramBytes);
      const cluster = new ClusterState();
      for (let r = 0; r < clusterSize; r++) cluster.ctas.push(new Cta(launch, sharedBytes, cluster));
      s = { launch, cluster };
      this.#launchSlots.set(key, s);
    }
    return s;
  }

  /** Writes the addresses that module variables' initializers take (`generic(x)`, function addresses). */
  #relocate(memory: GlobalMemory): void {
    const bytes = new Uint8Array(memory.store);
    for (const v of this.ir.variables) {
      if (v.relocations.length === 0) continue;
      const base = this.addressOf(v.name) - memory.base;
      for (const r of v.relocations) {
        const target = r.target.kind === 'function' ? FUNCTION_WINDOW + FUNCTION_STRIDE * r.target.index : this.addressOf(r.target.name);
        let value = BigInt(target + r.addend);
        for (let k = 0; k < r.size; k++) {
          bytes[base + r.offset + k] = Number(value & 0xffn);
          value >>= 8n;
        }
      }
    }
  }
}

/** Local memory per thread of `kernel`: its static stack, or the recursion allowance; a multiple of 16. */
function localStrideOf(kernel: IrKernel): number {
  const n = kernel.recursive ? Math.max(kernel.info.localBytesPerThread, RECURSIVE_STACK_BYTES) : kernel.info.localBytesPerThread;
  return Math.ceil(n / 16) * 16;
}

/** A parameter buffer region of at least `bytes` bytes. */
function launchParams(bytes: number): Region {
  return Region.allocate(bytes);
}

/** Prepares CTA slot `cta` to run block (x, y, z) of the grid. */
function startCta(cta: Cta, program: KernelProgram, x: number, y: number, z: number, rank: number, inCluster: readonly number[], clusterId: readonly number[]): void {
  const launch = cta.launch;
  cta.ctaid0 = x; cta.ctaid1 = y; cta.ctaid2 = z;
  cta.linear = x + launch.nctaid0 * (y + launch.nctaid1 * z);
  cta.smid = cta.linear % SM_COUNT;
  cta.rank = rank;
  cta.clusterCtaid0 = inCluster[0]!; cta.clusterCtaid1 = inCluster[1]!; cta.clusterCtaid2 = inCluster[2]!;
  cta.clusterid0 = clusterId[0]!; cta.clusterid1 = clusterId[1]!; cta.clusterid2 = clusterId[2]!;
  cta.live = launch.threadsPerCta;
  for (let used = cta.barriersUsed, id = 0; used !== 0; used >>>= 1, id++) if (used & 1) cta.barriers[id]!.reset();
  cta.barriersUsed = 0;
  const threads = launch.threadsPerCta;
  const bx = launch.ntid0, by = launch.ntid1;
  const reshape = cta.shapeX !== bx || cta.shapeY !== by;
  cta.shapeX = bx;
  cta.shapeY = by;
  for (const w of cta.warps) {
    const first = w.index * WARP_SIZE;
    const n = Math.min(WARP_SIZE, threads - first);
    w.lanes = n >= 32 ? -1 : (1 << n) - 1;
    w.exited = 0;
    w.alive = w.lanes;
    w.localBase = first * launch.localStride;
    if (reshape) {
      for (let l = 0; l < WARP_SIZE; l++) {
        const t = first + l;
        w.tidX[l] = t % bx;
        w.tidY[l] = Math.floor(t / bx) % by;
        w.tidZ[l] = Math.floor(t / (bx * by));
      }
    }
    const frame = w.frameFor(0, program.entry);
    frame.localBase = 0;
    frame.enter(w.lanes, null);
    w.depth = 0;
    w.frames[0] = frame;
    w.frame = frame;
    w.state = WarpState.ready;
    w.resumeUnit = null;
    w.slice = 0;
    w.clusterPhase = 0;
  }
}

/** Creates the engine (what `createEmulatedBackend` passes to the emulated backend). */
export function createPtxEngine(): PtxEngine {
  return new PtxEngine();
}
