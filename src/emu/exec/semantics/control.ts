/**
 * Control flow and synchronization (PTX ISA §9.7.12–9.7.13): bra, brx.idx, call, ret, exit, trap,
 * brkpt (a fault: no debugger is attached), bar/barrier (sync, arrive, red), bar.warp.sync, barrier.cluster, membar, fence,
 * nanosleep. These instructions end basic blocks; their per-lane code only records which lanes
 * take them (`T`) and their operands, and the runner (runtime/runner.ts) does the rest.
 * `membar`, `fence` and `nanosleep` do nothing in a sequential executor.
 * @module
 */
import type { Emit } from '../codegen/emit.js';
import { FaultCode } from '../runtime/faults.js';
import { lane } from './common.js';
import type { Semantics } from './types.js';

const TAKE = 'T |= 1 << l;';

/** bar / barrier: records the barrier id, thread count and (bar.red) predicate. */
function barrier(e: Emit): string {
  const red = e.mods.barrier === 'red';
  const n = e.ins.operands.length;
  const id = red ? 1 : 0;
  const count = red ? (n === 4 ? 2 : -1) : e.has(1) ? 1 : -1;
  let code = `${TAKE} w.barrierId = ${e.v(id)}; w.barrierCount = ${count < 0 ? 0 : e.v(count)};`;
  if (red) code += ` if (${e.v(n - 1, 'pred')}) w.redBits |= 1 << l;`;
  return code;
}

/** Code run when a warp resumes after `bar.red`: the reduction result to every lane. */
function barrierResume(e: Emit): string {
  return e.mods.barrier === 'red' ? e.set(0, 'w.barrierResult') : '';
}

/** call: the indirect target's address per lane goes to `X.f`. */
function call(e: Emit): string {
  const target = e.ins.call?.target;
  if (target?.kind !== 'indirect') return TAKE;
  return `${TAKE} ${e.u('X')}.f[l] = ${e.valueOf({ kind: 'reg', reg: target.reg, negate: false }, 'u64')};`;
}

/** The control-flow and synchronization opcodes. */
export const CONTROL: ReadonlyMap<string, Semantics> = new Map<string, Semantics>([
  ['bra', lane(() => TAKE)],
  ['brx.idx', lane((e) => `${TAKE} ${e.u('X')}.a[l] = ${e.v(0)};`)],
  ['call', lane(call)],
  ['ret', lane(() => TAKE)],
  ['exit', lane(() => TAKE)],
  ['trap', lane(() => TAKE)],
  ['brkpt', lane((e) => `${e.u('M')}.fault(${FaultCode.launchFailed}, 'the kernel executed brkpt with no debugger attached', w, l, ${e.site()});`)],
  ['bar', { kind: 'lane', emit: barrier, resume: barrierResume }],
  ['barrier', { kind: 'lane', emit: barrier, resume: barrierResume }],
  ['bar.warp.sync', lane(() => TAKE)],
  ['barrier.cluster', lane(() => TAKE)],
  ['membar', lane(() => '')],
  ['fence', lane(() => '')],
  ['nanosleep', lane(() => '')],
]);
