/**
 * Context benchmark: what isolation costs. Measures, on the GPU, the device memory each context
 * takes, push/pop and scope-switch costs, launches alternating between two contexts, the cost of
 * cudajs's reset check, and the first launch of a registered kernel in a new context (module load
 * from PTX, with the JIT, or from a cubin) — against a C++ driver-API baseline built with nvcc in
 * the same run where one makes sense. Prints tables and writes the numbers to bench/results/ (and
 * to $OUT when set, for the device machine).
 *
 *   npm run build && node dist/bench/contexts/main.js [iterations] [fresh contexts]
 *
 * On the emulated device it runs the cudajs side only, as a smoke test (the numbers mean nothing).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backend, Context, Device, runtime, type ModuleSource, type Scope } from '../../src/index.js';
import { libcudaLinkArgs, median, printTable, type Row, writeResult } from '../support.js';

const here = (file: string): string => fileURLToPath(new URL(`../../../bench/contexts/${file}`, import.meta.url));
const iterations = Number(process.argv[2] ?? 20000);
const fresh = Number(process.argv[3] ?? 5);
const reps = 7;
const MiB = 2 ** 20;

interface Baseline {
  readonly pushPopUs: number;
  readonly sameContextLaunchUs: number;
  readonly alternatingLaunchUs: number;
  readonly contextCreateMs: number;
  readonly contextDestroyMs: number;
  readonly firstLaunchPtxMs: number;
  readonly firstLaunchCubinMs: number;
}

/** Builds the cubin and the C++ baseline, runs it; returns its numbers and the cubin's path. */
function baseline(): { readonly cpp: Baseline; readonly cubin: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cudajs-bench-contexts-'));
  const exe = join(dir, 'baseline');
  const cubin = join(dir, 'kernels.cubin');
  execFileSync('nvcc', ['-arch=sm_90', '-O3', '-cubin', '-o', cubin, here('kernels.cu')], { stdio: 'inherit' });
  execFileSync('nvcc', ['-O3', '-o', exe, here('baseline.cu'), ...libcudaLinkArgs()], { stdio: 'inherit' });
  const cpp = JSON.parse(execFileSync(exe, [here('kernels.ptx'), cubin, String(iterations), String(fresh)], { encoding: 'utf8' })) as Baseline;
  return { cpp, cubin };
}

/** Microseconds per iteration of `body`, median of `reps` runs of `count` iterations. */
function perIteration(count: number, body: (i: number) => void, after?: () => void): number {
  return median(Array.from({ length: reps }, () => {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) body(i);
    const t1 = performance.now();
    after?.();
    return ((t1 - t0) * 1000) / count;
  }));
}

/** Device memory the driver reports as used, seen from `observer` (cuMemGetInfo), bytes. */
function used(observer: Context): number {
  const { free, total } = observer.memoryInfo();
  return total - free;
}

/** Device memory taken by the primary context, each created context, and each after a first launch. */
function memory(): Record<string, number> {
  const device = Device.get(0);
  const observer = device.createContext();
  Context.pop();
  const base = used(observer);
  const primary = device.primaryContext();
  const primaryBytes = used(observer) - base;
  const kernels = runtime.registerModule(readFileSync(here('kernels.ptx'), 'utf8')).kernel('iota');
  const perContext: number[] = [];
  const perContextLaunched: number[] = [];
  const scopes: Scope[] = [];
  for (let k = 0; k < 4; k++) {
    const before = used(observer);
    const s = runtime.scope(`memory-${k}`, { isolation: 'dedicated' });
    void s.context; // creates it
    const created = used(observer);
    const out = s.allocate(4096);
    s.run(() => kernels.launch({ grid: 4, block: 256 }, 1024, out));
    s.synchronize();
    out.dispose();
    perContext.push(created - before);
    perContextLaunched.push(used(observer) - before);
    scopes.push(s);
  }
  for (const s of scopes) s.dispose();
  primary.dispose();
  observer.dispose();
  return {
    primaryContextMiB: primaryBytes / MiB,
    createdContextMiB: median(perContext) / MiB,
    createdContextAfterFirstLaunchMiB: median(perContextLaunched) / MiB,
  };
}

/** Push/pop, run(), scope switches and launches. */
function switching(): Record<string, number> {
  const b = backend();
  const device = Device.get(0);
  const ptx = readFileSync(here('kernels.ptx'), 'utf8');
  const registered = runtime.registerModule(ptx, { name: 'bench kernels' });
  const empty = registered.kernel('empty');
  const created = device.createContext();
  Context.pop();
  const primary = device.primaryContext();
  const noop = (): void => {};
  const pushPopUs = perIteration(iterations, () => {
    b.contextPush(created.handle);
    b.contextPop();
  });
  const createdRunUs = perIteration(iterations, () => created.run(noop));
  const primaryRunUs = perIteration(iterations, () => primary.run(noop));
  const state = primary.state;
  const detectResetNs = 1000 * perIteration(iterations, () => state.detectReset('bench'));

  const sharedA = runtime.scope('bench-shared-a');
  const sharedB = runtime.scope('bench-shared-b');
  const dedicatedA = runtime.scope('bench-dedicated-a', { isolation: 'dedicated' });
  const dedicatedB = runtime.scope('bench-dedicated-b', { isolation: 'dedicated' });
  const scopeSwitchSharedUs = perIteration(iterations, (i) => (i % 2 ? sharedB : sharedA).run(noop));
  const scopeSwitchDedicatedUs = perIteration(iterations, (i) => (i % 2 ? dedicatedB : dedicatedA).run(noop));

  const config = { grid: 1, block: 32 };
  const kA = dedicatedA.kernel(empty);
  const kB = dedicatedB.kernel(empty);
  const syncBoth = (): void => {
    dedicatedA.synchronize();
    dedicatedB.synchronize();
  };
  const sameContextLaunchUs = dedicatedA.run(() => perIteration(iterations, () => kA.launch(config), () => dedicatedA.synchronize()));
  const alternatingLaunchUs = perIteration(iterations, (i) => (i % 2 ? dedicatedB.run(() => kB.launch(config)) : dedicatedA.run(() => kA.launch(config))), syncBoth);
  // The runtime's launch (context looked up per launch) against the kernel object's, in the primary context.
  runtime.setDevice(0);
  const direct = runtime.currentScope().kernel(empty);
  const kernelLaunchUs = perIteration(iterations, () => direct.launch(config), () => runtime.deviceSynchronize());
  const runtimeLaunchUs = perIteration(iterations, () => empty.launch(config), () => runtime.deviceSynchronize());

  for (const s of [sharedA, sharedB, dedicatedA, dedicatedB]) s.dispose();
  primary.dispose();
  created.dispose();
  return {
    pushPopUs, createdRunUs, primaryRunUs, detectResetNs, scopeSwitchSharedUs, scopeSwitchDedicatedUs,
    sameContextLaunchUs, alternatingLaunchUs, kernelLaunchUs, runtimeLaunchUs,
  };
}

/** A fresh dedicated scope: context creation, first launch of a registered kernel (module load included), second launch, dispose. */
function firstLaunch(image: ModuleSource, label: string): Record<string, number> {
  const create: number[] = [];
  const first: number[] = [];
  const second: number[] = [];
  const destroy: number[] = [];
  for (let r = 0; r < fresh; r++) {
    const iota = runtime.registerModule(image, { name: `${label} ${r}` }).kernel('iota');
    const s = runtime.scope(`fresh-${label}-${r}`, { isolation: 'dedicated' });
    const t0 = performance.now();
    void s.context;
    const t1 = performance.now();
    const out = s.allocate(4096);
    s.run(() => iota.launch({ grid: 4, block: 256 }, 1024, out));
    s.synchronize();
    const t2 = performance.now();
    s.run(() => iota.launch({ grid: 4, block: 256 }, 1024, out));
    s.synchronize();
    const t3 = performance.now();
    s.dispose();
    const t4 = performance.now();
    create.push(t1 - t0);
    first.push(t2 - t1);
    second.push((t3 - t2) * 1000);
    destroy.push(t4 - t3);
  }
  return {
    [`contextCreateMs`]: median(create),
    [`firstLaunch${label}Ms`]: median(first),
    [`secondLaunch${label}Us`]: median(second),
    [`contextDestroyMs`]: median(destroy),
  };
}

function main(): void {
  const gpu = backend().kind === 'gpu';
  const device = Device.get(0);
  const built = gpu ? baseline() : null;
  const js: Record<string, number> = {
    ...memory(),
    ...switching(),
    ...firstLaunch(readFileSync(here('kernels.ptx'), 'utf8'), 'Ptx'),
    ...(built ? { ...firstLaunch(readFileSync(built.cubin), 'Cubin') } : {}),
  };
  console.log(`\nbench/contexts on ${device.name} (${backend().description})`);
  console.log(`  device memory: primary context ${js['primaryContextMiB']!.toFixed(1)} MiB; each created context ` +
    `${js['createdContextMiB']!.toFixed(1)} MiB, ${js['createdContextAfterFirstLaunchMiB']!.toFixed(1)} MiB after a module load and a launch`);
  console.log(`  reset check (cuCtxGetId) ${js['detectResetNs']!.toFixed(0)} ns, made before every non-launch call on a primary context`);
  console.log(`  Context.run(): created ${js['createdRunUs']!.toFixed(3)} µs, primary ${js['primaryRunUs']!.toFixed(3)} µs; ` +
    `scope.run() alternating between two scopes: shared ${js['scopeSwitchSharedUs']!.toFixed(3)} µs, dedicated ${js['scopeSwitchDedicatedUs']!.toFixed(3)} µs`);
  console.log(`  launch of an empty kernel: Kernel.launch ${js['kernelLaunchUs']!.toFixed(3)} µs, registered kernel (runtime) ${js['runtimeLaunchUs']!.toFixed(3)} µs`);
  const cpp = built?.cpp;
  if (!cpp) {
    console.log(`  (no C++ baseline: this process runs on the ${backend().description}; the numbers above are a smoke test)`);
    return;
  }
  const rows: Row[] = [
    { metric: 'context push + pop (µs)', cpp: cpp.pushPopUs, js: js['pushPopUs']!, target: 1.5, lowerIsBetter: true },
    { metric: 'empty launch, one context (µs)', cpp: cpp.sameContextLaunchUs, js: js['sameContextLaunchUs']!, target: 1.1, lowerIsBetter: true },
    { metric: 'launch alternating 2 dedicated scopes (µs)', cpp: cpp.alternatingLaunchUs, js: js['alternatingLaunchUs']!, target: 1.25, lowerIsBetter: true },
    { metric: 'context creation (ms)', cpp: cpp.contextCreateMs, js: js['contextCreateMs']!, target: 1.1, lowerIsBetter: true },
    { metric: 'context destruction (ms)', cpp: cpp.contextDestroyMs, js: js['contextDestroyMs']!, target: 1.1, lowerIsBetter: true },
    { metric: 'first launch in a new context, PTX (ms)', cpp: cpp.firstLaunchPtxMs, js: js['firstLaunchPtxMs']!, target: 1.1, lowerIsBetter: true },
    { metric: 'first launch in a new context, cubin (ms)', cpp: cpp.firstLaunchCubinMs, js: js['firstLaunchCubinMs']!, target: 1.1, lowerIsBetter: true },
  ];
  printTable(`bench/contexts on ${device.name} (${iterations} iterations per run, median of ${reps}; ${fresh} fresh contexts)`, rows);
  const record = { device: device.name, driver: backend().description, node: process.version, iterations, fresh, cpp, cudajs: js, rows };
  writeResult('contexts', device.name, record);
}

main();
