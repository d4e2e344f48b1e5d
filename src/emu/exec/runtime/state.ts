/**
 * The execution state generated code and the runner work on: the launch ({@link LaunchState},
 * `K` in generated code), CTAs ({@link Cta}, `C`), warps ({@link Warp}, `w`) and activations
 * ({@link Frame}, `f`). Objects are allocated once per launch configuration and reused for every
 * CTA (see engine.ts), so running a CTA allocates nothing.
 * @module
 */
import type { IrCall, IrFunction, IrInstruction } from '../../ir/types.js';
import type { UnitFunction } from '../codegen/unit.js';
import { WARP_SIZE } from '../layout.js';
import type { MemoryContext } from './memory.js';
import { ParamFrame, Region } from './region.js';

/** Terminator kinds of basic blocks (how the runner continues after a block). */
export const Term = {
  /** No control transfer: continue with the next block (or leave the function after the last). */
  fall: 0,
  /** `bra` without guard. */
  jump: 1,
  /** `@p bra`: taken lanes go to the target, the others fall through. */
  branch: 2,
  /** `brx.idx`: each lane to the block its index selects. */
  indexed: 3,
  call: 4,
  ret: 5,
  exit: 6,
  trap: 7,
  /** `bar.sync` / `barrier.sync` (and `bar.red`, which also reduces). */
  barSync: 9,
  barArrive: 10,
  barRed: 11,
  warpSync: 12,
  clusterArrive: 13,
  clusterWait: 14,
} as const;

/** What the runner needs of a compiled function (see program.ts). */
export interface RunnableFunction {
  readonly ir: IrFunction;
  /** Terminator kind of each block ({@link Term}). */
  readonly kinds: Uint8Array;
  /** Instructions per block. */
  readonly sizes: Int32Array;
  /** Fall-through successor of each block, −1 when it leaves the function. */
  readonly next: Int32Array;
  /** Branch target of each block (`jump`/`branch`), else −1. */
  readonly target: Int32Array;
  /** Immediate post-dominator of each block (reconvergence point), −1 for the function exit. */
  readonly ipdom: Int32Array;
  /** 1 for blocks whose code iterates a loop of one block itself (it reports `Warp.iterations`). */
  readonly loops: Uint8Array;
  /** The executable code of block `pc` (compiled on first use). */
  block(pc: number): UnitFunction;
  /** Code run on resuming after the barrier ending block `pc` (`bar.red`), or null. */
  resume(pc: number): UnitFunction | null;
}

/** Scratch lanes for warp-level instructions and indexed control flow. */
export class Scratch {
  readonly a = new Int32Array(WARP_SIZE);
  readonly b = new Int32Array(WARP_SIZE);
  readonly c = new Int32Array(WARP_SIZE);
  readonly r = new Int32Array(WARP_SIZE);
  readonly p = new Uint8Array(WARP_SIZE);
  readonly f = new Float64Array(WARP_SIZE);
}

/** One activation of a function by one warp: registers, parameter frame, SIMT stack. */
export class Frame {
  readonly pred: Uint8Array;
  readonly u16: Uint16Array;
  readonly i16: Int16Array;
  readonly i32: Int32Array;
  readonly u32: Uint32Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
  readonly q32: Int32Array;
  readonly addr: Float64Array;
  /** CC.CF per lane (extended-precision arithmetic). */
  readonly carry = new Int32Array(WARP_SIZE);
  readonly params: ParamFrame;
  /** Local address of this activation's `.local` frame (per thread). */
  localBase = 0;
  /** SIMT stack: block, lanes and reconvergence block of each entry; the top entry runs. */
  pcs: Int32Array = new Int32Array(16);
  masks: Int32Array = new Int32Array(16);
  rpcs: Int32Array = new Int32Array(16);
  sp = 0;
  /** Lanes that executed `ret` in this activation. */
  returned = 0;
  /** Lanes that entered this activation. */
  entryMask = 0;
  /** The call that created this activation (null for the kernel). */
  call: IrCall | null = null;
  /** Lanes still to run an indirect call whose lanes chose different functions (see runner.ts). */
  pendingCall = 0;
  /** Their target addresses, by lane, and the call instruction. */
  readonly pendingTargets = new Float64Array(WARP_SIZE);
  pendingInstruction: IrInstruction | null = null;

  constructor(readonly fn: RunnableFunction) {
    const c = fn.ir.registerCounts;
    const r16 = new ArrayBuffer(Math.max(1, c.r16) * WARP_SIZE * 2);
    const r32 = new ArrayBuffer(Math.max(1, c.r32) * WARP_SIZE * 4);
    const r64 = new ArrayBuffer(Math.max(1, c.r64) * WARP_SIZE * 8);
    this.pred = new Uint8Array(Math.max(1, c.pred) * WARP_SIZE);
    this.u16 = new Uint16Array(r16);
    this.i16 = new Int16Array(r16);
    this.i32 = new Int32Array(r32);
    this.u32 = new Uint32Array(r32);
    this.f32 = new Float32Array(r32);
    this.f64 = new Float64Array(r64);
    this.q32 = new Int32Array(r64);
    this.addr = new Float64Array(Math.max(1, c.addr) * WARP_SIZE);
    this.params = new ParamFrame(fn.ir.paramFrameBytes);
  }

  /** Starts the activation: block 0 with lanes `mask`. */
  enter(mask: number, call: IrCall | null): void {
    this.sp = 1;
    this.pcs[0] = 0;
    this.masks[0] = mask;
    this.rpcs[0] = -1;
    this.returned = 0;
    this.entryMask = mask;
    this.call = call;
    this.pendingCall = 0;
  }

  /** Pushes a SIMT stack entry. */
  push(pc: number, mask: number, rpc: number): void {
    if (this.sp === this.pcs.length) {
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.pcs = grow(this.pcs);
      this.masks = grow(this.masks);
      this.rpcs = grow(this.rpcs);
    }
    this.pcs[this.sp] = pc;
    this.masks[this.sp] = mask;
    this.rpcs[this.sp] = rpc;
    this.sp++;
  }
}

/** Warp states. */
export const WarpState = { ready: 0, barrier: 1, clusterWait: 2, done: 3 } as const;

/** One warp of a CTA. */
export class Warp {
  /** threadIdx of each lane. */
  readonly tidX = new Int32Array(WARP_SIZE);
  readonly tidY = new Int32Array(WARP_SIZE);
  readonly tidZ = new Int32Array(WARP_SIZE);
  /** Lanes that exist (a CTA's last warp may be partial). */
  lanes = 0;
  /** Lanes that have exited. */
  exited = 0;
  /** Lanes that exist and have not exited. */
  alive = 0;
  /** Local address base of lane 0's stack in the CTA's local memory (warp index · 32 · stride). */
  localBase = 0;
  readonly scratch = new Scratch();
  /** The activation stack; `frames[depth]` runs. */
  readonly frames: Frame[] = [];
  depth = 0;
  frame!: Frame;
  readonly frameCache = new Map<number, Frame>();
  state: number = WarpState.ready;
  /** Operands of the barrier instruction just executed. */
  barrierId = 0;
  barrierCount = 0;
  /** bar.red: lanes whose predicate is true, and the result written on resume. */
  redBits = 0;
  barrierResult = 0;
  /** Code to run for the barrier's lanes when the warp resumes (bar.red), and those lanes. */
  resumeUnit: UnitFunction | null = null;
  resumeMask = 0;
  /** The cluster barrier phase this warp waits for (set by barrier.cluster.arrive). */
  clusterPhase = 0;
  /** Fault site of the barrier the warp waits at (for deadlock reports). */
  waitSite = -1;
  /** Blocks executed since the warp was last scheduled. */
  slice = 0;
  /** Iterations the last self-looping block ran (see RunnableFunction.loops). */
  iterations = 1;

  constructor(readonly index: number, readonly cta: Cta, readonly launch: LaunchState) {}

  /** The activation of `fn` at `depth`, created on first use. */
  frameFor(depth: number, fn: RunnableFunction): Frame {
    const key = depth * 65536 + fn.ir.index;
    let f = this.frameCache.get(key);
    if (f === undefined || f.fn !== fn) {
      f = new Frame(fn);
      this.frameCache.set(key, f);
    }
    return f;
  }
}

/** One barrier (of the 16 per CTA). */
export class BarrierState {
  /** Threads arrived in the current phase. */
  arrived = 0;
  /** Threads expected (0: every non-exited thread of the CTA). */
  expected = 0;
  /** Warps blocked on it. */
  readonly waiting: Warp[] = [];
  /** bar.red accumulators: threads with a true predicate. */
  trueCount = 0;

  /** Back to an unused barrier. */
  reset(): void {
    this.arrived = 0;
    this.expected = 0;
    if (this.waiting.length !== 0) this.waiting.length = 0;
    this.trueCount = 0;
  }
}

/** The CTAs of one cluster (one CTA when the launch has no clusters), run together. */
export class ClusterState {
  readonly ctas: Cta[] = [];
  /** barrier.cluster: threads arrived in the current phase, and the phase number. */
  arrived = 0;
  phase = 0;
  readonly waiting: Warp[] = [];
}

/** One CTA slot (reused for every CTA the launch runs in it). */
export class Cta {
  ctaid0 = 0;
  ctaid1 = 0;
  ctaid2 = 0;
  /** Linear CTA index in the grid. */
  linear = 0;
  smid = 0;
  rank = 0;
  clusterCtaid0 = 0;
  clusterCtaid1 = 0;
  clusterCtaid2 = 0;
  clusterid0 = 0;
  clusterid1 = 0;
  clusterid2 = 0;
  readonly shared: Region;
  readonly local: Region;
  readonly warps: Warp[] = [];
  /** Non-exited threads. */
  live = 0;
  readonly barriers: BarrierState[] = Array.from({ length: 16 }, () => new BarrierState());
  /** Barriers used since the CTA started (bit per id): the ones to check on exits and reset. */
  barriersUsed = 0;
  /** Block shape the warps' thread ids were computed for. */
  shapeX = 0;
  shapeY = 0;

  constructor(readonly launch: LaunchState, readonly sharedBytes: number, readonly cluster: ClusterState) {
    this.shared = Region.allocate(sharedBytes);
    this.local = Region.allocate(launch.localStride * launch.threadsPerCta);
    for (let k = 0; k < launch.warpsPerCta; k++) this.warps.push(new Warp(k, this, launch));
  }
}

/** Per-launch constants and counters (`K` in generated code). */
export class LaunchState {
  ntid0 = 1;
  ntid1 = 1;
  ntid2 = 1;
  nctaid0 = 1;
  nctaid1 = 1;
  nctaid2 = 1;
  gridid = 0;
  dynamicSharedBytes = 0;
  totalSharedBytes = 0;
  aggregateSharedBytes = 0;
  clusterSize = 1;
  cluster0 = 1;
  cluster1 = 1;
  cluster2 = 1;
  nclusterid0 = 1;
  nclusterid1 = 1;
  nclusterid2 = 1;
  explicitCluster = 0;
  threadsPerCta = 1;
  warpsPerCta = 1;
  /** The launch's parameter buffer. */
  params: Region = Region.allocate(8);
  paramBytes = 0;
  /** Local memory per thread, bytes (a multiple of 16). */
  localStride = 0;
  kernel = '';
  /** Warp- and thread-instructions executed. */
  warpInstructions = 0;
  threadInstructions = 0;
  /** Stop after this many warp-instructions. */
  budget = Infinity;
  /** Stop at this `performance.now()`. */
  deadline = Infinity;
  /** Blocks until the next timeout check. */
  timeoutCountdown = 0;
  printf: ((text: string) => void) | null = null;

  constructor(readonly mem: MemoryContext) {}
}
