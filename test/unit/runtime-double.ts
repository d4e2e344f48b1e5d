/**
 * The runtime layer's unit tests run the whole object layer over the emulated backend with the
 * test double of the PTX engine (`emulated-backend-double.ts`), whose kernels are JavaScript
 * versions of test/fixtures/runtime/runtime.cu: fast, and independent of the real engine.
 *
 * Not a test file: it does nothing when run on its own.
 * @module
 */
import { EmulatedBackend } from '../../src/backend/emulated/backend.js';
import { useBackend } from '../../src/core/backend.js';
import { fixtureText } from '../support/paths.js';
import { fmaf } from '../support/reference.js';
import { DoubleEngine, type KernelRun } from './emulated-backend-double.js';

/** PTX of test/fixtures/runtime/runtime.cu (kernels axpb, iota, accumulate, spin). */
export const runtimePtx = (): string => fixtureText('runtime', 'runtime.ptx');

/** Threads launched along x (the kernels index with blockIdx.x * blockDim.x + threadIdx.x). */
function threads(run: KernelRun): number {
  return run.request.grid[0] * run.request.block[0];
}

function f32At(run: KernelRun, address: number, n: number): Float32Array {
  return new Float32Array(run.load(address, n * 4).buffer);
}

/** The kernels of runtime.cu, in JavaScript. */
export const RUNTIME_KERNELS: ReadonlyMap<string, (run: KernelRun) => void> = new Map([
  ['axpb', (run: KernelRun) => {
    const p = run.params;
    const n = Math.min(p.getInt32(0, true), threads(run));
    if (n <= 0) return;
    const a = p.getFloat32(4, true);
    const b = p.getFloat32(8, true);
    const x = Number(p.getBigUint64(16, true));
    const values = f32At(run, x, n);
    for (let i = 0; i < n; i++) values[i] = fmaf(a, values[i]!, b);
    run.store(x, new Uint8Array(values.buffer));
  }],
  ['iota', (run: KernelRun) => {
    const p = run.params;
    const n = Math.min(p.getInt32(0, true), threads(run));
    if (n <= 0) return;
    const base = p.getInt32(4, true);
    const out = Number(p.getBigUint64(8, true));
    run.store(out, new Uint8Array(Int32Array.from({ length: n }, (_, i) => base + i).buffer));
  }],
  ['accumulate', (run: KernelRun) => {
    const p = run.params;
    const total = run.addressOf('total');
    const now = new Int32Array(run.load(total, 4).buffer)[0]! + p.getInt32(0, true);
    const bytes = new Uint8Array(Int32Array.of(now).buffer);
    run.store(total, bytes);
    run.store(Number(p.getBigUint64(8, true)), bytes);
  }],
  ['spin', (run: KernelRun) => {
    run.store(Number(run.params.getBigUint64(8, true)), new Uint8Array(Int32Array.of(1).buffer));
  }],
]);

/** `axpb` on the CPU: what a launch leaves in `x`. */
export function axpbReference(x: Float32Array, a: number, b: number): Float32Array {
  return x.map((v) => fmaf(a, v, b));
}

/** A backend over the double engine, installed as this realm's backend. */
export function installDoubleBackend(deviceCount = 1): { backend: EmulatedBackend; engine: DoubleEngine } {
  const engine = new DoubleEngine();
  for (const [name, behaviour] of RUNTIME_KERNELS) engine.behaviours.set(name, behaviour);
  const backend = new EmulatedBackend(engine, deviceCount, { memoryBytes: 64 << 20, stdout: () => {} });
  useBackend(backend);
  return { backend, engine };
}
