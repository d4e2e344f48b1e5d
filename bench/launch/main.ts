/**
 * Launch and copy benchmark: cudajs against a C++ driver-API baseline built with nvcc in the same
 * run, on the same GPU, from the same PTX. Prints a table of ratios against the targets and writes
 * the numbers to bench/results/ (and to $OUT when set, for the device machine).
 *
 *   npm run build && node dist/bench/launch/main.js [launches]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backend, Device, type Kernel, type Stream } from '../../src/index.js';
import { libcudaLinkArgs, median, printTable, type Row } from '../support.js';

const here = (file: string): string => fileURLToPath(new URL(`../../../bench/launch/${file}`, import.meta.url));
const launches = Number(process.argv[2] ?? 20000);
const reps = 7;

interface Numbers {
  readonly emptyLaunchUs: number;
  readonly fourArgLaunchUs: number;
  readonly launchSyncUs: number;
  readonly htodPinnedGBs: number;
  readonly dtohPinnedGBs: number;
}

function baseline(): Numbers {
  const dir = mkdtempSync(join(tmpdir(), 'cudajs-bench-'));
  const exe = join(dir, 'baseline');
  execFileSync('nvcc', ['-O3', '-o', exe, here('baseline.cu'), ...libcudaLinkArgs()], { stdio: 'inherit' });
  return JSON.parse(execFileSync(exe, [here('kernels.ptx'), String(launches)], { encoding: 'utf8' })) as Numbers;
}

/** Microseconds per launch of `launchOnce`, queued back to back, median of `reps` runs. */
function perLaunch(stream: Stream, count: number, launchOnce: () => void): number {
  return median(Array.from({ length: reps }, () => {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) launchOnce();
    const t1 = performance.now();
    stream.synchronize();
    return ((t1 - t0) * 1000) / count;
  }));
}

async function perAwaitedRoundtrip(stream: Stream, count: number, launchOnce: () => void): Promise<number> {
  const runs: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      launchOnce();
      await stream.synchronized();
    }
    runs.push(((performance.now() - t0) * 1000) / count);
  }
  return median(runs);
}

async function measure(): Promise<Record<string, number>> {
  using ctx = Device.get(0).primaryContext();
  using module = ctx.loadModuleFile(here('kernels.ptx'));
  using stream = ctx.createStream({ nonBlocking: true });
  const empty: Kernel = module.getKernel('empty');
  const four: Kernel = module.getKernel('four_args');
  const n = 256;
  using x = ctx.upload(new Float32Array(n).fill(1));
  using y = ctx.upload(new Float32Array(n).fill(0.5));
  const emptyConfig = { grid: 1, block: 32, stream };
  const fourConfig = { grid: 1, block: 256, stream };
  const launchEmpty = (): void => empty.launch(emptyConfig);
  const launchFour = (): void => four.launch(fourConfig, n, 2, x, y);
  for (let i = 0; i < 2000; i++) launchFour();
  stream.synchronize();

  const result: Record<string, number> = {
    emptyLaunchUs: perLaunch(stream, launches, launchEmpty),
    fourArgLaunchUs: perLaunch(stream, launches, launchFour),
    launchSyncUs: median(Array.from({ length: reps }, () => {
      const t0 = performance.now();
      const count = launches / 10;
      for (let i = 0; i < count; i++) {
        launchFour();
        stream.synchronize();
      }
      return ((performance.now() - t0) * 1000) / (launches / 10);
    })),
    awaitedSyncUs: await perAwaitedRoundtrip(stream, launches / 20, launchFour),
  };

  const bytes = 256 << 20;
  using device = ctx.allocate(bytes);
  using pinned = ctx.allocateHost(bytes);
  new Uint32Array(pinned.bytes.buffer, pinned.bytes.byteOffset, bytes / 4).forEach((_, i, a) => { a[i] = Math.imul(i, 2654435761) >>> 0; });
  const nodeBuffer = Buffer.alloc(bytes, 7);
  using registered = ctx.registerHost(nodeBuffer);
  using start = ctx.createEvent();
  using end = ctx.createEvent();
  const bandwidth = (copy: () => void): number => median(Array.from({ length: reps }, () => {
    start.record(stream);
    copy();
    end.record(stream);
    end.synchronize();
    return bytes / (end.elapsedSince(start) * 1e6);
  }));
  result['htodPinnedGBs'] = bandwidth(() => device.copyFrom(pinned, { stream }));
  result['dtohPinnedGBs'] = bandwidth(() => device.copyTo(pinned, { stream }));
  result['htodRegisteredGBs'] = bandwidth(() => device.copyFrom(registered, { stream }));
  result['dtohRegisteredGBs'] = bandwidth(() => device.copyTo(registered, { stream }));
  return result;
}

async function main(): Promise<void> {
  if (backend().kind !== 'gpu') {
    console.log(`bench/launch compares against the CUDA driver on a GPU; this process runs on the ${backend().description}. Nothing measured.`);
    return;
  }
  const device = Device.get(0);
  const cpp = baseline();
  const js = await measure();
  const rows: Row[] = [
    { metric: 'empty launch (µs, async)', cpp: cpp.emptyLaunchUs, js: js['emptyLaunchUs']!, target: 1.1, lowerIsBetter: true },
    { metric: '4-argument typed launch (µs, async)', cpp: cpp.fourArgLaunchUs, js: js['fourArgLaunchUs']!, target: 1.1, lowerIsBetter: true },
    { metric: 'launch + blocking sync (µs)', cpp: cpp.launchSyncUs, js: js['launchSyncUs']!, target: 1.05, lowerIsBetter: true },
    { metric: 'launch + awaited sync (µs) vs C++ blocking', cpp: cpp.launchSyncUs, js: js['awaitedSyncUs']!, target: 1.5, lowerIsBetter: true },
    { metric: 'HtoD pinned (GB/s)', cpp: cpp.htodPinnedGBs, js: js['htodPinnedGBs']!, target: 0.97, lowerIsBetter: false },
    { metric: 'DtoH pinned (GB/s)', cpp: cpp.dtohPinnedGBs, js: js['dtohPinnedGBs']!, target: 0.97, lowerIsBetter: false },
    { metric: 'HtoD registered Buffer (GB/s) vs C++ pinned', cpp: cpp.htodPinnedGBs, js: js['htodRegisteredGBs']!, target: 0.97, lowerIsBetter: false },
    { metric: 'DtoH registered Buffer (GB/s) vs C++ pinned', cpp: cpp.dtohPinnedGBs, js: js['dtohRegisteredGBs']!, target: 0.97, lowerIsBetter: false },
  ];
  printTable(`bench/launch on ${device.name} (${launches} launches per run, median of ${reps})`, rows);
  const date = new Date().toISOString().slice(0, 10);
  const record = { benchmark: 'launch', date, device: device.name, driver: backend().description, node: process.version, launches, cpp, cudajs: js, rows };
  const name = `launch-${date}-${device.name.replace(/\W+/g, '-')}.json`;
  for (const dir of [fileURLToPath(new URL('../../../bench/results/', import.meta.url)), process.env['OUT']]) {
    if (!dir) continue;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), `${JSON.stringify(record, null, 2)}\n`);
  }
}

await main();
