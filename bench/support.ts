/**
 * Shared pieces of the benchmarks: statistics, the ratio table, and finding libcuda for the C++
 * baselines.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** One line of a comparison: cudajs against the C++ baseline, with the target ratio. */
export interface Row {
  readonly metric: string;
  readonly cpp: number;
  readonly js: number;
  /** For times: the largest acceptable js/cpp; for rates: the smallest. */
  readonly target: number;
  readonly lowerIsBetter: boolean;
}

/** Prints rows as a table with the ratio and whether it meets the target. */
export function printTable(title: string, rows: readonly Row[]): void {
  console.log(`\n${title}`);
  console.log(`${'metric'.padEnd(48)} ${'C++'.padStart(9)} ${'cudajs'.padStart(9)} ${'ratio'.padStart(7)} ${'target'.padStart(8)}  met`);
  for (const r of rows) {
    const ratio = r.js / r.cpp;
    const met = r.lowerIsBetter ? ratio <= r.target : ratio >= r.target;
    console.log(`${r.metric.padEnd(48)} ${r.cpp.toFixed(3).padStart(9)} ${r.js.toFixed(3).padStart(9)} ${ratio.toFixed(3).padStart(7)} ${`${r.lowerIsBetter ? '≤' : '≥'}${r.target}`.padStart(8)}  ${met ? 'yes' : 'NO'}`);
  }
}

/** nvcc arguments that link a C++ baseline against libcuda.so.1 (the toolkit may have no unversioned libcuda.so). */
export function libcudaLinkArgs(): string[] {
  return ['-Xlinker', findLibcuda()];
}

/** The path of libcuda.so.1. */
export function findLibcuda(): string {
  const listing = execFileSync('ldconfig', ['-p'], { encoding: 'utf8' });
  const found = /libcuda\.so\.1 .*=> (\S+)/.exec(listing)?.[1];
  if (found && existsSync(found)) return found;
  for (const candidate of ['/usr/lib/x86_64-linux-gnu/libcuda.so.1', '/usr/local/cuda/lib64/stubs/libcuda.so']) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('libcuda.so.1 not found (ldconfig -p); the C++ baseline cannot be linked');
}

/**
 * Writes a benchmark's record to bench/results/ and, when set, to $OUT (the device machine's
 * folder that comes back). The name carries the benchmark, the UTC date and time, and the device,
 * e.g. `launch-2026-11-24T2205-NVIDIA-H100-80GB-HBM3.json`, so that runs of one day are all kept.
 * Returns the file name.
 */
export function writeResult(benchmark: string, device: string, record: object): string {
  const stamp = new Date().toISOString().slice(0, 16).replace(':', '');
  const name = `${benchmark}-${stamp}-${device.replace(/\W+/g, '-')}.json`;
  for (const dir of [fileURLToPath(new URL('../../bench/results/', import.meta.url)), process.env['OUT']]) {
    if (!dir) continue;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), `${JSON.stringify({ benchmark, recordedAt: new Date().toISOString(), device, ...record }, null, 2)}\n`);
  }
  return name;
}
