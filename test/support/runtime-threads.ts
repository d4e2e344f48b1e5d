/**
 * Starts the runtime thread tests' workers (see runtime-thread-worker.ts) and collects their
 * reports.
 * @module
 */
import { Worker } from 'node:worker_threads';
import type { Isolation } from '../../src/index.js';
import type { WorkerInput, WorkerReport } from './runtime-thread-worker.js';

const WORKER = new URL('./runtime-thread-worker.js', import.meta.url);

/** One worker's part: its isolation and device. */
export interface WorkerPlan {
  readonly isolation: Isolation;
  readonly device: number;
}

/** Runs one worker per plan, all at once; resolves with their reports, in plan order. */
export async function runWorkers(mode: WorkerInput['mode'], plans: readonly WorkerPlan[], options: { iterations: number; n: number; foreignContext?: bigint }): Promise<WorkerReport[]> {
  const barrier = new SharedArrayBuffer(4);
  const runs = plans.map((plan, i) => new Promise<WorkerReport>((resolve, reject) => {
    const input: WorkerInput = {
      mode, isolation: plan.isolation, device: plan.device, iterations: options.iterations, n: options.n, seed: i + 1,
      barrier, workers: plans.length, foreignContext: options.foreignContext ?? 0n,
    };
    const worker = new Worker(WORKER, { workerData: input });
    worker.once('message', (m: WorkerReport | { ok: false; error: string }) => {
      if (m.ok) resolve(m);
      else reject(new Error(`worker ${i} (${plan.isolation}, device ${plan.device}) failed: ${m.error}`));
      void worker.terminate();
    });
    worker.once('error', reject);
  }));
  return Promise.all(runs);
}
