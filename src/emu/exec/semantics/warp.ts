/**
 * Warp-level instructions (PTX ISA §9.7.13.x): shfl.sync, vote.sync, redux.sync, match.sync,
 * elect.sync, activemask. These read the operands of every participating lane before any lane's
 * result is written. In the templates `m` holds the participating lanes (active, guard true);
 * registers of lanes outside `m` are read as they are (a shuffle from a lane that does not take
 * part gives its current register value, which PTX leaves undefined).
 * @module
 */
import type { Emit } from '../codegen/emit.js';
import { unsupported } from '../errors.js';
import { lane, tinfo, type0 } from './common.js';
import type { Semantics } from './types.js';

/** `for` over the participating lanes. */
function eachLane(body: string): string {
  return `for (let l = 0; l < 32; l++) { if (((m >>> l) & 1) === 0) continue; ${body} }`;
}

const SHFL_MODES: Readonly<Record<string, number>> = { up: 0, down: 1, bfly: 2, idx: 3 };

/** shfl.sync.mode.b32 d[|p], a, b, c, membermask. */
function shfl(e: Emit): string {
  const x = e.u('X');
  const mode = SHFL_MODES[e.mods.shfl!]!;
  return `for (let l = 0; l < 32; l++) ${x}.a[l] = ${e.bits32(1)};\n` +
    eachLane(`${x}.b[l] = ${e.v(2)}; ${x}.c[l] = ${e.v(3)};`) + '\n' +
    `${e.h('shflSync')}(${mode}, ${x}, m);\n` +
    eachLane(`${e.setBits32(0, `${x}.r[l]`)} ${e.set2(0, `${x}.p[l]`)}`);
}

/** vote.sync.mode d, {!}a, membermask. */
function vote(e: Emit): string {
  const bal = e.t(), r = e.t();
  let result: string;
  switch (e.mods.vote) {
    case 'ballot': result = bal; break;
    case 'all': result = `(${bal} === m ? 1 : 0)`; break;
    case 'any': result = `(${bal} !== 0 ? 1 : 0)`; break;
    case 'uni': result = `((${bal} === 0 || ${bal} === m) ? 1 : 0)`; break;
    default: return unsupported(e.ins);
  }
  return `let ${bal} = 0; ${eachLane(`if (${e.v(1, 'pred')}) ${bal} |= 1 << l;`)}\n` +
    `const ${r} = ${result}; ${eachLane(e.set(0, r))}`;
}

/** redux.sync.op.type d, a, membermask. */
function redux(e: Emit): string {
  const t = type0(e);
  const { signed } = tinfo(t);
  const acc = e.t(), x = e.t();
  let init: string;
  let step: string;
  switch (e.mods.op) {
    case 'add': init = '0'; step = `${acc} = (${acc} + ${x}) | 0`; break;
    case 'and': init = '-1'; step = `${acc} &= ${x}`; break;
    case 'or': init = '0'; step = `${acc} |= ${x}`; break;
    case 'xor': init = '0'; step = `${acc} ^= ${x}`; break;
    case 'min': init = signed ? '2147483647' : '4294967295'; step = `if (${x} < ${acc}) ${acc} = ${x}`; break;
    case 'max': init = signed ? '-2147483648' : '0'; step = `if (${x} > ${acc}) ${acc} = ${x}`; break;
    default: return unsupported(e.ins);
  }
  if (t === 'f32' || e.mods.abs || e.mods.nan) return unsupported(e.ins);
  return `let ${acc} = ${init}; ${eachLane(`const ${x} = ${e.v(1)}; ${step};`)}\n${eachLane(e.set(0, acc))}`;
}

/** match.any.sync / match.all.sync on b32 and b64. */
function match(e: Emit): string {
  const t = type0(e);
  const x = e.u('X');
  const wide = tinfo(t).bits === 64;
  const load = wide ? (() => { const [lo, hi] = e.p(1); return `${x}.a[l] = ${lo}; ${x}.b[l] = ${hi};`; })() : `${x}.a[l] = ${e.bits32(1)}; ${x}.b[l] = 0;`;
  const gather = eachLane(load);
  if (e.mods.match === 'any') {
    const r = e.t();
    return `${gather}\n${eachLane(`let ${r} = 0; for (let j = 0; j < 32; j++) if (((m >>> j) & 1) !== 0 && ${x}.a[j] === ${x}.a[l] && ${x}.b[j] === ${x}.b[l]) ${r} |= 1 << j; ${e.setBits32(0, r)}`)}`;
  }
  const same = e.t(), first = e.t();
  return `${gather}\nlet ${same} = true; const ${first} = 31 - Math.clz32(m & -m); ` +
    `for (let j = 0; j < 32; j++) if (((m >>> j) & 1) !== 0 && (${x}.a[j] !== ${x}.a[${first}] || ${x}.b[j] !== ${x}.b[${first}])) ${same} = false;\n` +
    eachLane(`${e.setBits32(0, `${same} ? m : 0`)} ${e.set2(0, same)}`);
}

/** elect.sync d|p, membermask: the lowest participating lane is the leader. */
function elect(e: Emit): string {
  const leader = e.t();
  return `const ${leader} = 31 - Math.clz32(m & -m); ${eachLane(`${e.setBits32(0, leader)} ${e.set2(0, `l === ${leader}`)}`)}`;
}

/** The warp-level opcodes. */
export const WARP: ReadonlyMap<string, Semantics> = new Map<string, Semantics>([
  ['shfl', { kind: 'warp', emit: shfl }],
  ['vote', { kind: 'warp', emit: vote }],
  ['redux', { kind: 'warp', emit: redux }],
  ['match', { kind: 'warp', emit: match }],
  ['elect', { kind: 'warp', emit: elect }],
  ['activemask', lane((e) => e.setBits32(0, 'mask'))],
]);
