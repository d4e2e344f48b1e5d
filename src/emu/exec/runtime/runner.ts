/**
 * The warp runner and the CTA scheduler, shared by the JIT and the interpreter (which differ only
 * in the code of a block, `RunnableFunction.block`).
 *
 * **Divergence.** Each activation keeps a SIMT stack of (block, lanes, reconvergence block)
 * entries; the top entry runs. A branch whose lanes disagree replaces the top entry by its
 * reconvergence point — the immediate post-dominator of the branching block (the IR's `ipdom`) —
 * and pushes the taken path and then the fall-through path (which therefore runs first); an entry
 * reaching its reconvergence block is popped, and its lanes continue in the entry below, together
 * again. Lanes that exit, or return from the activation, are dropped from every entry.
 *
 * **Barriers.** `bar.sync`/`barrier.sync` blocks the warp until every non-exited thread of the CTA
 * (or the given thread count) has arrived; `bar.arrive` counts without waiting; `bar.red` also
 * reduces a predicate. A warp must reach a barrier with all its non-exited lanes together (the
 * CUDA rule for `__syncthreads`); otherwise the launch fails ("divergent barrier"). When no warp
 * can run and some wait, the launch fails with a deadlock report. `barrier.cluster.arrive/wait`
 * synchronize the CTAs of a cluster, which run interleaved.
 *
 * **Scheduling.** CTAs (clusters) run one after another; inside one, warps run round-robin in
 * warp order, each until it blocks, finishes, or has run {@link TIME_SLICE_BLOCKS} blocks (so a
 * warp spinning on a flag set by another warp of its CTA lets that warp progress). The warp that
 * completes a barrier yields, so after every barrier the warps continue in warp order.
 * @module
 */
import type { IrCall, IrFunction, IrInstruction } from '../../ir/types.js';
import { FUNCTION_STRIDE, FUNCTION_WINDOW, MAX_CALL_DEPTH, TIMEOUT_CHECK_BLOCKS, TIME_SLICE_BLOCKS } from '../layout.js';
import { callBuiltin } from './builtins.js';
import { FaultCode } from './faults.js';
import { Term, WarpState, type ClusterState, type Cta, type Frame, type RunnableFunction, type Warp } from './state.js';

/** What the runner needs of the compiled kernel. */
export interface ProgramLink {
  /** The compiled function of module function `index`. */
  functionAt(index: number): RunnableFunction;
  /** The IR of module function `index` (declared-only functions included). */
  irFunction(index: number): IrFunction | undefined;
  /** The fault-site id of an instruction. */
  siteOf(ins: IrInstruction): number;
}

/** Why {@link runWarp} returned. */
export const RunResult = { done: 0, blocked: 1, yielded: 2 } as const;

function popc(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

const lowestLane = (mask: number): number => 31 - Math.clz32(mask & -mask);

/** The last instruction of block `pc` of `fn`. */
function terminator(fn: RunnableFunction, pc: number): IrInstruction {
  const ins = fn.ir.blocks[pc]!.instructions;
  return ins[ins.length - 1]!;
}

/** Runs warp `w` until it finishes, blocks at a barrier, or uses up its time slice. */
export function runWarp(w: Warp, program: ProgramLink): number {
  const launch = w.launch;
  for (;;) {
    if (w.resumeUnit !== null) {
      const unit = w.resumeUnit;
      w.resumeUnit = null;
      unit(w, w.frame, w.resumeMask & w.alive);
    }
    const f = w.frame;
    if (f.sp === 0) {
      if (w.depth === 0) {
        w.state = WarpState.done;
        return RunResult.done;
      }
      returnFromCall(w, program);
      continue;
    }
    const top = f.sp - 1;
    const pc = f.pcs[top]!;
    const mask = f.masks[top]! & w.alive & ~f.returned;
    if (pc < 0) {
      // Lanes that reached the end of the function without ret.
      if (mask !== 0) leave(w, f, mask);
      f.sp = top;
      continue;
    }
    if (mask === 0 || pc === f.rpcs[top]) {
      f.sp = top;
      continue;
    }
    const fn = f.fn;
    const size = fn.sizes[pc]!;
    launch.warpInstructions += size;
    launch.threadInstructions += size * popc(mask);
    if (launch.warpInstructions > launch.budget) {
      launch.mem.fault(FaultCode.timeout, `the launch ran past its instruction budget of ${launch.budget} warp-instructions (LaunchOptions.instructionBudget): a runaway kernel?`, w, lowestLane(mask), program.siteOf(fn.ir.blocks[pc]!.instructions[0]!));
    }
    if (--launch.timeoutCountdown <= 0) {
      launch.timeoutCountdown = TIMEOUT_CHECK_BLOCKS;
      if (performance.now() > launch.deadline) {
        launch.mem.fault(FaultCode.timeout, 'the launch ran past its time limit (LaunchOptions.timeoutMs): a runaway kernel?', w, lowestLane(mask), program.siteOf(fn.ir.blocks[pc]!.instructions[0]!));
      }
    }
    const kind = fn.kinds[pc]!;
    if (kind === Term.barRed) w.redBits = 0;
    const taken = fn.block(pc)(w, f, mask) & mask;
    if (fn.loops[pc] === 1 && w.iterations > 1) {
      const more = w.iterations - 1;
      launch.warpInstructions += size * more;
      launch.threadInstructions += size * more * popc(mask);
      w.slice += more;
    }
    switch (kind) {
      case Term.fall:
        f.pcs[top] = fn.next[pc]!;
        break;
      case Term.jump:
        f.pcs[top] = fn.target[pc]!;
        break;
      case Term.branch:
        if (taken === mask) f.pcs[top] = fn.target[pc]!;
        else if (taken === 0) f.pcs[top] = fn.next[pc]!;
        else diverge(f, top, fn.target[pc]!, taken, fn.next[pc]!, mask & ~taken, fn.ipdom[pc]!);
        break;
      case Term.indexed:
        indexedBranch(w, f, top, pc, mask, program);
        break;
      case Term.call:
        f.pcs[top] = fn.next[pc]!;
        if (taken !== 0) startCall(w, f, terminator(fn, pc), taken, program);
        break;
      case Term.ret:
        f.pcs[top] = fn.next[pc]!;
        if (taken !== 0) leave(w, f, taken);
        break;
      case Term.exit:
        f.pcs[top] = fn.next[pc]!;
        if (taken !== 0) exitLanes(w, taken);
        break;
      case Term.trap:
        f.pcs[top] = fn.next[pc]!;
        if (taken !== 0) launch.mem.fault(FaultCode.launchFailed, 'the kernel executed trap', w, lowestLane(taken), program.siteOf(terminator(fn, pc)));
        break;
      case Term.barArrive:
        f.pcs[top] = fn.next[pc]!;
        if (taken !== 0) arrive(w, fn, pc, kind, taken, program);
        break;
      case Term.barSync: case Term.barRed:
        f.pcs[top] = fn.next[pc]!;
        if (taken !== 0) {
          // Blocked, or the last to arrive: then the other warps resume first, in warp order.
          if (arrive(w, fn, pc, kind, taken, program)) return RunResult.blocked;
          if (w.cta.warps.length > 1) return RunResult.yielded;
        }
        break;
      case Term.warpSync:
        f.pcs[top] = fn.next[pc]!;
        break;
      case Term.clusterArrive:
        f.pcs[top] = fn.next[pc]!;
        if (taken !== 0) clusterArrive(w, taken);
        break;
      case Term.clusterWait:
        f.pcs[top] = fn.next[pc]!;
        if (taken !== 0 && clusterWait(w)) return RunResult.blocked;
        break;
    }
    if (++w.slice >= TIME_SLICE_BLOCKS) {
      w.slice = 0;
      return RunResult.yielded;
    }
  }
}

/** Splits the top entry: taken lanes to `target`, the others to `fall`, meeting again at `rpc`. */
function diverge(f: Frame, top: number, target: number, taken: number, fall: number, notTaken: number, rpc: number): void {
  if (f.rpcs[top] === rpc) {
    // The top entry already reconverges there: reuse it for one of the paths.
    f.pcs[top] = target;
    f.masks[top] = taken;
  } else {
    f.pcs[top] = rpc;
    f.push(target, taken, rpc);
  }
  f.push(fall, notTaken, rpc);
}

/** brx.idx: lanes go to the block their index selects (grouped by target). */
function indexedBranch(w: Warp, f: Frame, top: number, pc: number, mask: number, program: ProgramLink): void {
  const ins = terminator(f.fn, pc);
  const op = ins.operands[1];
  const table = op?.kind === 'targets' ? op.blocks : [];
  const idx = w.scratch.a;
  let rest = mask;
  const groups: [number, number][] = [];
  while (rest !== 0) {
    const l = lowestLane(rest);
    const i = idx[l]! >>> 0;
    if (i >= table.length) w.launch.mem.fault(FaultCode.launchFailed, `brx.idx index ${i} is outside its table of ${table.length} targets`, w, l, program.siteOf(ins));
    let lanes = 0;
    for (let k = 0; k < 32; k++) if (((rest >>> k) & 1) !== 0 && idx[k]! >>> 0 === i) lanes |= 1 << k;
    groups.push([table[i]!, lanes]);
    rest &= ~lanes;
  }
  if (groups.length === 1) {
    f.pcs[top] = groups[0]![0];
    return;
  }
  const rpc = f.fn.ipdom[pc]!;
  if (f.rpcs[top] !== rpc) {
    f.pcs[top] = rpc;
  } else {
    f.sp = top;
  }
  for (let g = groups.length - 1; g >= 0; g--) f.push(groups[g]![0], groups[g]![1], rpc);
}

/** Lanes `lanes` leave the current activation (ret; at depth 0 that is exit). */
function leave(w: Warp, f: Frame, lanes: number): void {
  if (w.depth === 0) exitLanes(w, lanes);
  else f.returned |= lanes;
}

/** Lanes `lanes` exit the kernel. */
function exitLanes(w: Warp, lanes: number): void {
  const gone = lanes & w.alive;
  if (gone === 0) return;
  w.exited |= gone;
  w.alive &= ~gone;
  const cta = w.cta;
  cta.live -= popc(gone);
  for (let used = cta.barriersUsed; used !== 0; used &= used - 1) tryRelease(cta, lowestLane(used));
  tryReleaseCluster(cta.cluster);
}

// ---- Calls ---------------------------------------------------------------------------------------

/** Starts `call` (the terminator of the current block) for lanes `lanes`. */
function startCall(w: Warp, f: Frame, ins: IrInstruction, lanes: number, program: ProgramLink): void {
  const call = ins.call!;
  if (call.target.kind === 'direct') {
    invoke(w, f, ins, call, call.target.function, lanes, program);
    return;
  }
  // Indirect: group lanes by target; run the first group now, the rest after it returns.
  const targets = w.scratch.f;
  const first = lowestLane(lanes);
  const address = targets[first]!;
  let group = 0;
  for (let l = 0; l < 32; l++) if (((lanes >>> l) & 1) !== 0 && targets[l] === address) group |= 1 << l;
  const index = (address - FUNCTION_WINDOW) / FUNCTION_STRIDE;
  const target = Number.isInteger(index) ? program.irFunction(index) : undefined;
  if (target === undefined || target.isKernel) {
    w.launch.mem.fault(FaultCode.launchFailed, `indirect call through 0x${address.toString(16)}, which is not the address of a function of this module`, w, first, program.siteOf(ins));
  }
  f.pendingCall = lanes & ~group;
  if (f.pendingCall !== 0) {
    f.pendingTargets.set(targets);
    f.pendingInstruction = ins;
  }
  invoke(w, f, ins, call, index, group, program);
}

/** Calls module function `index` (a builtin when it has no body) for lanes `lanes`. */
function invoke(w: Warp, f: Frame, ins: IrInstruction, call: IrCall, index: number, lanes: number, program: ProgramLink): void {
  const ir = program.irFunction(index)!;
  if (!ir.defined) {
    callBuiltin(ir.name, w, f, call, lanes, program.siteOf(ins));
    continueIndirect(w, f, program);
    return;
  }
  const callee = program.functionAt(index);
  const launch = w.launch;
  if (w.depth + 1 >= MAX_CALL_DEPTH) {
    launch.mem.fault(FaultCode.stack, `call stack overflow: more than ${MAX_CALL_DEPTH} nested calls (calling ${ir.name})`, w, lowestLane(lanes), program.siteOf(ins));
  }
  const frame = w.frameFor(w.depth + 1, callee);
  const base = f.localBase + f.fn.ir.localBytes;
  if (base + callee.ir.localBytes > launch.localStride) {
    launch.mem.fault(FaultCode.stack, `local memory stack overflow calling ${ir.name}: ${base + callee.ir.localBytes} bytes needed, ${launch.localStride} per thread`, w, lowestLane(lanes), program.siteOf(ins));
  }
  frame.localBase = base;
  const params = callee.ir.params;
  for (let k = 0; k < call.args.length; k++) copyParam(f, call.args[k]!.offset, frame, params[k]!.offset, Math.min(call.args[k]!.bytes, params[k]!.bytes), lanes);
  frame.enter(lanes, call);
  w.depth++;
  w.frames[w.depth] = frame;
  w.frame = frame;
}

/** After an indirect call's group returned: starts the next group, if any. */
function continueIndirect(w: Warp, f: Frame, program: ProgramLink): void {
  if (f.pendingCall === 0) return;
  const lanes = f.pendingCall;
  f.pendingCall = 0;
  w.scratch.f.set(f.pendingTargets);
  startCall(w, f, f.pendingInstruction!, lanes & w.alive, program);
}

/** Copies `bytes` bytes of lanes `lanes` from `src` frame offset `so` to `dst` frame offset `do_`. */
function copyParam(src: Frame, so: number, dst: Frame, do_: number, bytes: number, lanes: number): void {
  const s = src.params.u8, d = dst.params.u8;
  const ss = src.params.stride, ds = dst.params.stride;
  for (let l = 0; l < 32; l++) {
    if (((lanes >>> l) & 1) === 0) continue;
    const a = l * ss + so, b = l * ds + do_;
    for (let k = 0; k < bytes; k++) d[b + k] = s[a + k]!;
  }
}

/** Pops the finished activation: copies its return values to the caller's return parameters. */
function returnFromCall(w: Warp, program: ProgramLink): void {
  const callee = w.frame;
  const caller = w.frames[w.depth - 1]!;
  const call = callee.call!;
  const lanes = callee.entryMask & w.alive;
  const returns = callee.fn.ir.returns;
  for (let k = 0; k < call.returns.length; k++) {
    copyParam(callee, returns[k]!.offset, caller, call.returns[k]!.offset, Math.min(returns[k]!.bytes, call.returns[k]!.bytes), lanes);
  }
  w.depth--;
  w.frame = caller;
  continueIndirect(w, caller, program);
}

// ---- Barriers ------------------------------------------------------------------------------------

/** A warp's lanes `lanes` arrive at the barrier ending block `pc`; true when the warp must wait. */
function arrive(w: Warp, fn: RunnableFunction, pc: number, kind: number, lanes: number, program: ProgramLink): boolean {
  const cta = w.cta;
  const ins = terminator(fn, pc);
  const id = w.barrierId >>> 0;
  const m = w.launch.mem;
  if (id > 15) m.fault(FaultCode.launchFailed, `barrier id ${id} is out of range (0–15)`, w, lowestLane(lanes), program.siteOf(ins));
  if (lanes !== w.alive) {
    const missing = w.alive & ~lanes;
    m.fault(FaultCode.launchFailed,
      `divergent barrier: lanes 0x${(lanes >>> 0).toString(16)} of warp ${w.index} reached ${ins.decoded.name} while its lanes 0x${(missing >>> 0).toString(16)} are on another path (every non-exited thread of a warp must reach a CTA barrier together)`,
      w, lowestLane(missing), program.siteOf(ins));
  }
  const b = cta.barriers[id]!;
  cta.barriersUsed |= 1 << id;
  const count = w.barrierCount >>> 0;
  if (count !== 0) {
    if (count % 32 !== 0 && count < cta.launch.threadsPerCta) {
      m.fault(FaultCode.launchFailed, `barrier thread count ${count} is not a multiple of the warp size`, w, lowestLane(lanes), program.siteOf(ins));
    }
    b.expected = count;
  }
  b.arrived += popc(lanes);
  if (kind === Term.barRed) b.trueCount += popc(w.redBits & lanes);
  if (kind === Term.barArrive) {
    tryRelease(cta, id);
    return false;
  }
  w.state = WarpState.barrier;
  w.waitSite = program.siteOf(ins);
  b.waiting.push(w);
  if (kind === Term.barRed) {
    w.resumeUnit = fn.resume(pc);
    w.resumeMask = lanes;
    w.barrierResult = redOpCode(ins);
  }
  tryRelease(cta, id);
  return w.state === WarpState.barrier;
}

/** bar.red operation: 1 popc, 2 and, 3 or (kept in barrierResult until release). */
function redOpCode(ins: IrInstruction): number {
  return ins.decoded.mods.op === 'popc' ? 1 : ins.decoded.mods.op === 'and' ? 2 : 3;
}

/** Releases barrier `id` of `cta` when enough threads have arrived. */
function tryRelease(cta: Cta, id: number): void {
  const b = cta.barriers[id]!;
  if (b.arrived === 0 && b.waiting.length === 0) return;
  if (b.arrived < (b.expected !== 0 ? b.expected : cta.live)) return;
  for (const w of b.waiting) {
    w.state = WarpState.ready;
    if (w.resumeUnit !== null) {
      const op = w.barrierResult;
      w.barrierResult = op === 1 ? b.trueCount : op === 2 ? (b.trueCount === b.arrived ? 1 : 0) : b.trueCount > 0 ? 1 : 0;
    }
  }
  b.reset();
}

function clusterArrive(w: Warp, lanes: number): void {
  const cl = w.cta.cluster;
  cl.arrived += popc(lanes);
  w.clusterPhase = cl.phase + 1;
  tryReleaseCluster(cl);
}

/** True when the warp must wait for the cluster barrier's current phase to complete. */
function clusterWait(w: Warp): boolean {
  const cl = w.cta.cluster;
  if (cl.phase >= w.clusterPhase) return false;
  w.state = WarpState.clusterWait;
  cl.waiting.push(w);
  return true;
}

function tryReleaseCluster(cl: ClusterState): void {
  if (cl.arrived === 0) return;
  let live = 0;
  for (const c of cl.ctas) live += c.live;
  if (cl.arrived < live) return;
  cl.phase++;
  cl.arrived = 0;
  for (const w of cl.waiting) w.state = WarpState.ready;
  cl.waiting.length = 0;
}

// ---- The scheduler -------------------------------------------------------------------------------

/**
 * Runs the CTAs of one cluster to completion (their warps must be ready).
 * @throws KernelFaultError on faults and barrier deadlock.
 */
export function runCluster(cluster: ClusterState, program: ProgramLink): void {
  for (;;) {
    let ran = false;
    let pending = false;
    for (const cta of cluster.ctas) {
      for (const w of cta.warps) {
        if (w.state === WarpState.ready) {
          ran = true;
          w.slice = 0;
          runWarp(w, program);
        }
        if (w.state !== WarpState.done) pending = true;
      }
    }
    if (!pending) return;
    if (!ran) deadlock(cluster);
  }
}

/** Reports a deadlock: warps wait at barriers that can no longer complete. */
function deadlock(cluster: ClusterState): never {
  for (const cta of cluster.ctas) {
    for (const w of cta.warps) {
      if (w.state === WarpState.done) continue;
      const lane = lowestLane(w.alive);
      if (w.state === WarpState.clusterWait) {
        let live = 0;
        for (const c of cluster.ctas) live += c.live;
        w.launch.mem.fault(FaultCode.illegalAddress,
          `barrier deadlock: warp ${w.index} waits at barrier.cluster.wait, but only ${cluster.arrived} of the cluster's ${live} non-exited threads arrived (the others exited or wait elsewhere)`,
          w, lane, -1);
      }
      const id = w.barrierId >>> 0;
      const b = cta.barriers[id]!;
      const expected = b.expected !== 0 ? b.expected : cta.live;
      w.launch.mem.fault(FaultCode.illegalAddress,
        `barrier deadlock: ${b.arrived} thread(s) wait at barrier ${id} for ${expected}; the CTA's other ${Math.max(0, expected - b.arrived)} thread(s) never arrive (they exited, or wait at another barrier)`,
        w, lane, w.waitSite);
    }
  }
  throw new Error('deadlock without waiting warps');
}
