/**
 * A worker thread of the runtime thread tests (test/unit/runtime-threads.test.ts with the engine
 * double, test/device/runtime-threads.test.ts on the process's backend): it reports what it finds
 * when it starts (no context current, device 0), waits for its siblings at a barrier, then launches
 * a registered kernel many times in a shared or dedicated scope and checks every result.
 *
 * Does nothing when not started as a worker (the test runner also runs it as a file).
 * @module
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { Isolation } from '../../src/index.js';

/** What the test passes to each worker. */
export interface WorkerInput {
  /** `double`: install the emulated backend with the engine double; `process`: the backend CUDAJS_DEVICE selects. */
  readonly mode: 'double' | 'process';
  readonly isolation: Isolation;
  /** The device this worker sets (runtime.setDevice). */
  readonly device: number;
  readonly iterations: number;
  readonly n: number;
  readonly seed: number;
  /** Int32Array over a SharedArrayBuffer: [arrived]. Workers start launching when all have arrived. */
  readonly barrier: SharedArrayBuffer;
  readonly workers: number;
  /** A context handle from another thread, to try to use here (or 0n). */
  readonly foreignContext: bigint;
}

/** What each worker reports. */
export interface WorkerReport {
  readonly ok: true;
  readonly backendKind: 'gpu' | 'emu';
  /** The context current on the thread when the worker started (must be none). */
  readonly currentAtStart: bigint | null;
  /** runtime.getDevice() at start (must be 0, whatever other threads set). */
  readonly deviceAtStart: number;
  readonly deviceAfterSet: number;
  /** The handle of the scope's context. */
  readonly contextHandle: bigint;
  readonly isPrimary: boolean;
  readonly launches: number;
  readonly mismatches: number;
  /** What using the other thread's context handle did: `ok`, or the error's class and code name. */
  readonly foreignContextUse: string;
  readonly currentAtEnd: bigint | null;
}

async function main(input: WorkerInput): Promise<WorkerReport> {
  if (input.mode === 'double') {
    const { installDoubleBackend } = await import('../unit/runtime-double.js');
    installDoubleBackend(2);
  }
  const { Context, CudaError, runtime, backend } = await import('../../src/index.js');
  const { fixtureText } = await import('./paths.js');
  const { fmaf } = await import('./reference.js');
  const { randomFloats } = await import('./kernels.js');
  const b = backend();
  const currentAtStart = b.contextGetCurrent();
  const deviceAtStart = runtime.getDevice();
  runtime.setDevice(input.device);
  const deviceAfterSet = runtime.getDevice();

  const axpb = runtime.registerModule(fixtureText('runtime', 'runtime.ptx')).kernel('axpb');
  const scope = runtime.scope(`worker-${input.seed}`, { isolation: input.isolation });
  const contextHandle = scope.context.handle;
  const isPrimary = scope.context.isPrimary;

  // Start together, so that the launches of all workers overlap.
  const arrived = new Int32Array(input.barrier);
  Atomics.add(arrived, 0, 1);
  Atomics.notify(arrived, 0);
  while (Atomics.load(arrived, 0) < input.workers) Atomics.wait(arrived, 0, Atomics.load(arrived, 0), 50);

  let mismatches = 0;
  const n = input.n;
  const config = { grid: Math.ceil(n / 128), block: 128 };
  for (let it = 0; it < input.iterations; it++) {
    const data = randomFloats(n, input.seed * 1000 + it + 1);
    const a = 0.5 + (it % 7);
    const c = it - 3;
    const got = scope.run(() => {
      const x = runtime.upload(data);
      axpb.launch(config, n, a, c, x);
      axpb.launch(config, n, 1, 1, x);
      const out = x.toArray(Float32Array);
      x.dispose();
      return out;
    });
    for (let i = 0; i < n; i++) if (got[i] !== fmaf(1, fmaf(a, data[i]!, c), 1)) mismatches++;
  }

  let foreignContextUse = 'not tried';
  if (input.foreignContext !== 0n) {
    try {
      const borrowed = Context.fromHandle(input.foreignContext as never);
      borrowed.allocate(16).dispose();
      foreignContextUse = 'ok';
    } catch (e) {
      foreignContextUse = e instanceof CudaError ? `${e.constructor.name} ${e.codeName}` : `untyped ${String(e)}`;
    }
  }
  scope.dispose();
  return {
    ok: true, backendKind: b.kind, currentAtStart, deviceAtStart, deviceAfterSet, contextHandle, isPrimary,
    launches: input.iterations * 2, mismatches, foreignContextUse, currentAtEnd: b.contextGetCurrent(),
  };
}

if (!isMainThread && parentPort && workerData !== null && typeof workerData === 'object' && 'barrier' in workerData) {
  const port = parentPort;
  main(workerData as WorkerInput).then(
    (report) => port.postMessage(report),
    (e: unknown) => port.postMessage({ ok: false, error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e) }),
  );
}
