/**
 * Throughput of the emulated device's PTX engine on corpus kernels: thread-instructions per second
 * (lanes active × instructions executed, as `LaunchStats` counts them) on one core, for the block
 * JIT and for the reference interpreter. Each kernel's module, buffers and parameters are set up
 * once; the kernel is launched repeatedly (after a warm-up that compiles it and lets V8 optimize)
 * for about `--seconds` per executor, and the best of three rounds is reported.
 *
 *   npm run build && npm run bench:emu [-- --seconds 1 --only matmul --executor jit]
 *
 * Results go to stdout and to bench/results/emu-<date>.json.
 * @module
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { LaunchRequest } from '../../src/emu/engine.js';
import { ALL_CASES, kernelFilePath, type KernelCase } from '../../test/kernels/corpus.js';
import { load, prepareCase } from '../../test/unit/emu-exec-harness.js';
import { writeResult } from '../support.js';

/** The corpus cases measured, with the group they stand for. */
const CASES: readonly { readonly name: string; readonly group: string }[] = [
  { name: 'vec_add_f32', group: 'vector' },
  { name: 'saxpy_f32', group: 'vector' },
  { name: 'vec_add_f64', group: 'vector' },
  { name: 'leaky_relu_gs', group: 'vector' },
  { name: 'matmul_tiled_f32', group: 'matmul' },
  { name: 'matmul_naive_f64', group: 'matmul' },
  { name: 'reduce_tree<float,256>', group: 'reduction' },
  { name: 'reduce_sum_warp', group: 'reduction' },
  { name: 'scan_inclusive_hs_i32', group: 'reduction' },
  { name: 'softmax_rows', group: 'softmax' },
  { name: 'layernorm_rows', group: 'softmax' },
  { name: 'bitonic_sort_kv', group: 'sort' },
];

interface Measurement {
  readonly case: string;
  readonly group: string;
  readonly executor: 'jit' | 'interpreter';
  readonly threadInstructionsPerLaunch: number;
  readonly launches: number;
  readonly seconds: number;
  /** Million thread-instructions per second. */
  readonly mtips: number;
}

function argument(name: string, fallback: string): string {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 && k + 1 < process.argv.length ? process.argv[k + 1]! : fallback;
}

/** Loads a case and returns a function that launches it once (buffers are reset only at setup). */
function prepare(c: KernelCase, interpret: boolean): () => number {
  const loaded = load(readFileSync(kernelFilePath(c.ptxFile), 'utf8'));
  const { params } = prepareCase(c, loaded);
  const request: LaunchRequest = {
    kernel: c.entry, grid: c.grid, block: c.block, dynamicSharedBytes: c.sharedMemBytes, params,
    options: { interpret, printf: () => {} },
  };
  return () => loaded.instance.launch(request).threadInstructions;
}

function measure(c: KernelCase, group: string, executor: 'jit' | 'interpreter', seconds: number): Measurement {
  const launch = prepare(c, executor === 'interpreter');
  // Warm-up: compile, and give V8 time to optimize the generated code.
  const warm = performance.now();
  let perLaunch = 0;
  while (performance.now() - warm < Math.min(500, seconds * 500)) perLaunch = launch();
  let best: Measurement | null = null;
  for (let round = 0; round < 3; round++) {
    let launches = 0, instructions = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < (seconds * 1000) / 3) {
      instructions += launch();
      launches++;
      t = performance.now();
    }
    const s = (t - t0) / 1000;
    const m: Measurement = { case: c.name, group, executor, threadInstructionsPerLaunch: perLaunch, launches, seconds: s, mtips: instructions / s / 1e6 };
    if (best === null || m.mtips > best.mtips) best = m;
  }
  return best!;
}

function main(): void {
  const seconds = Number(argument('seconds', '1.5'));
  const only = argument('only', '');
  const executors = argument('executor', 'jit,interpreter').split(',');
  const results: Measurement[] = [];
  console.log(`PTX engine throughput, million thread-instructions per second (one core; ${cpus()[0]?.model ?? 'unknown CPU'}; Node ${process.version})`);
  console.log(`${'case'.padEnd(26)} ${'group'.padEnd(10)} ${'thr-instr/launch'.padStart(16)} ${'JIT'.padStart(8)} ${'interp'.padStart(8)} ${'ratio'.padStart(6)}`);
  for (const { name, group } of CASES) {
    if (only !== '' && !name.includes(only)) continue;
    const c = ALL_CASES.find((k) => k.name === name);
    if (c === undefined) throw new Error(`no corpus case ${name}`);
    const jit = executors.includes('jit') ? measure(c, group, 'jit', seconds) : null;
    const interp = executors.includes('interpreter') ? measure(c, group, 'interpreter', seconds) : null;
    for (const m of [jit, interp]) if (m !== null) results.push(m);
    const perLaunch = (jit ?? interp)?.threadInstructionsPerLaunch ?? 0;
    const cell = (m: Measurement | null): string => (m === null ? '-' : m.mtips.toFixed(0)).padStart(8);
    const ratio = jit !== null && interp !== null ? (jit.mtips / interp.mtips).toFixed(1) : '-';
    console.log(`${name.padEnd(26)} ${group.padEnd(10)} ${String(perLaunch).padStart(16)} ${cell(jit)} ${cell(interp)} ${ratio.padStart(6)}`);
  }
  const file = writeResult('emu', cpus()[0]?.model ?? 'cpu', { node: process.version, unit: 'million thread-instructions per second', results });
  console.log(`written bench/results/${file}`);
}

main();
