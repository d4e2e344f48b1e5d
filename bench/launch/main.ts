/**
 * Launch and copy benchmark: cudajs against a C++ driver-API baseline built with nvcc in the same
 * run, on the same GPU, from the same PTX. Prints a table of ratios against the targets and writes
 * the numbers to bench/results/ (and to $OUT when set, for the device machine).
 *
 *   npm run build && node dist/bench/launch/main.js [launches]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backend, Device, type Kernel, type Stream } from '../../src/index.js';
import { libcudaLinkArgs, median, printTable, type Row, writeResult } from '../support.js';

const here = (file: string): string => fileURLToPath(new URL(`../../../bench/launch/${file}`, import.meta.url));
const launches = Number(process.argv[2] ?? 20000);
/** Repetitions: the launch measurements alternate between the C++ process and this one. */
const reps = 9;

/** One measurement of every metric, C++ or cudajs. */
type Numbers = Readonly<Record<string, number>>;

/** Builds the C++ baseline with nvcc and returns a function that runs it in a mode. */
function buildBaseline(): (mode: 'launch' | 'copy') => Numbers {
  const dir = mkdtempSync(join(tmpdir(), 'cudajs-bench-'));
  const exe = join(dir, 'baseline');
  execFileSync('nvcc', ['-O3', '-o', exe, here('baseline.cu'), ...libcudaLinkArgs()], { stdio: 'inherit' });
  return (mode) => JSON.parse(execFileSync(exe, [here('kernels.ptx'), String(launches), mode], { encoding: 'utf8' })) as Numbers;
}

/** Microseconds per launch of `launchOnce`, queued back to back. */
function perLaunch(stream: Stream, count: number, launchOnce: () => void): number {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) launchOnce();
  const t1 = performance.now();
  stream.synchronize();
  return ((t1 - t0) * 1000) / count;
}

/** Microseconds per launch followed by a wait for it: blocking, or awaited without blocking. */
async function perRoundtrip(stream: Stream, count: number, launchOnce: () => void, awaited: boolean): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    launchOnce();
    if (awaited) await stream.synchronized();
    else stream.synchronize();
  }
  return ((performance.now() - t0) * 1000) / count;
}

/** The cudajs side: launch measurements one repetition at a time, and the copy bandwidths. */
class CudajsSide implements Disposable {
  readonly #ctx = Device.get(0).primaryContext();
  readonly #module = this.#ctx.loadModuleFile(here('kernels.ptx'));
  readonly #stream = this.#ctx.createStream({ nonBlocking: true });
  readonly #x = this.#ctx.upload(new Float32Array(256).fill(1));
  readonly #y = this.#ctx.upload(new Float32Array(256).fill(0.5));
  readonly #launchEmpty: () => void;
  readonly #launchFour: () => void;

  constructor() {
    const empty: Kernel = this.#module.getKernel('empty');
    const four: Kernel = this.#module.getKernel('four_args');
    const stream = this.#stream;
    const emptyConfig = { grid: 1, block: 32, stream };
    const fourConfig = { grid: 1, block: 256, stream };
    const [x, y] = [this.#x, this.#y];
    this.#launchEmpty = () => empty.launch(emptyConfig);
    this.#launchFour = () => four.launch(fourConfig, 256, 2, x, y);
    for (let i = 0; i < 2000; i++) this.#launchFour();
    stream.synchronize();
  }

  async launchOnce(): Promise<Numbers> {
    const s = this.#stream;
    return {
      emptyLaunchUs: perLaunch(s, launches, this.#launchEmpty),
      fourArgLaunchUs: perLaunch(s, launches, this.#launchFour),
      launchSyncUs: await perRoundtrip(s, launches / 10, this.#launchFour, false),
      awaitedSyncUs: await perRoundtrip(s, launches / 20, this.#launchFour, true),
    };
  }

  copies(): Numbers {
    const ctx = this.#ctx;
    const stream = this.#stream;
    const bytes = 256 << 20;
    using device = ctx.allocate(bytes);
    using pinned = ctx.allocateHost(bytes);
    new Uint32Array(pinned.bytes.buffer, pinned.bytes.byteOffset, bytes / 4).forEach((_, i, a) => { a[i] = Math.imul(i, 2654435761) >>> 0; });
    using registered = ctx.registerHost(Buffer.alloc(bytes, 7));
    using start = ctx.createEvent();
    using end = ctx.createEvent();
    const bandwidth = (copy: () => void): number => median(Array.from({ length: reps }, () => {
      start.record(stream);
      copy();
      end.record(stream);
      end.synchronize();
      return bytes / (end.elapsedSince(start) * 1e6);
    }));
    return {
      htodPinnedGBs: bandwidth(() => device.copyFrom(pinned, { stream })),
      dtohPinnedGBs: bandwidth(() => device.copyTo(pinned, { stream })),
      htodRegisteredGBs: bandwidth(() => device.copyFrom(registered, { stream })),
      dtohRegisteredGBs: bandwidth(() => device.copyTo(registered, { stream })),
    };
  }

  [Symbol.dispose](): void {
    for (const r of [this.#x, this.#y, this.#stream, this.#module, this.#ctx]) r.dispose();
  }
}

/** Per-metric medians of a list of measurements. */
function medians(runs: readonly Numbers[]): Numbers {
  return Object.fromEntries(Object.keys(runs[0]!).map((k) => [k, median(runs.map((r) => r[k]!))]));
}

async function main(): Promise<void> {
  if (backend().kind !== 'gpu') {
    console.log(`bench/launch compares against the CUDA driver on a GPU; this process runs on the ${backend().description}. Nothing measured.`);
    return;
  }
  const device = Device.get(0);
  const runBaseline = buildBaseline();
  using side = new CudajsSide();
  const cppRuns: Numbers[] = [];
  const jsRuns: Numbers[] = [];
  for (let r = 0; r < reps; r++) {
    cppRuns.push(runBaseline('launch'));
    jsRuns.push(await side.launchOnce());
  }
  const cpp = { ...medians(cppRuns), ...runBaseline('copy') };
  const js = { ...medians(jsRuns), ...side.copies() };
  const rows: Row[] = [
    { metric: 'empty launch (µs, async)', cpp: cpp['emptyLaunchUs']!, js: js['emptyLaunchUs']!, target: 1.1, lowerIsBetter: true },
    { metric: '4-argument typed launch (µs, async)', cpp: cpp['fourArgLaunchUs']!, js: js['fourArgLaunchUs']!, target: 1.1, lowerIsBetter: true },
    { metric: 'launch + blocking sync (µs)', cpp: cpp['launchSyncUs']!, js: js['launchSyncUs']!, target: 1.05, lowerIsBetter: true },
    { metric: 'launch + awaited sync (µs) vs C++ blocking', cpp: cpp['launchSyncUs']!, js: js['awaitedSyncUs']!, target: 1.5, lowerIsBetter: true },
    { metric: 'HtoD pinned (GB/s)', cpp: cpp['htodPinnedGBs']!, js: js['htodPinnedGBs']!, target: 0.97, lowerIsBetter: false },
    { metric: 'DtoH pinned (GB/s)', cpp: cpp['dtohPinnedGBs']!, js: js['dtohPinnedGBs']!, target: 0.97, lowerIsBetter: false },
    { metric: 'HtoD registered Buffer (GB/s) vs C++ pinned', cpp: cpp['htodPinnedGBs']!, js: js['htodRegisteredGBs']!, target: 0.97, lowerIsBetter: false },
    { metric: 'DtoH registered Buffer (GB/s) vs C++ pinned', cpp: cpp['dtohPinnedGBs']!, js: js['dtohRegisteredGBs']!, target: 0.97, lowerIsBetter: false },
  ];
  printTable(`bench/launch on ${device.name} (${launches} launches per run, median of ${reps})`, rows);
  const record = { device: device.name, driver: backend().description, node: process.version, launches, reps, cpp, cudajs: js, cppRuns, jsRuns, rows };
  writeResult('launch', device.name, record);
}

await main();
