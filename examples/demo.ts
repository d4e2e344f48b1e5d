/**
 * The cudajs demo: enumerate devices, move data between all of them (peer copies, an all-reduce
 * through NCCL or the reference collectives), load PTX modules, launch real kernels (saxpy, a
 * two-pass warp-shuffle reduction, a Mandelbrot set) and check every result against a CPU
 * computation. Runs on the GPU when one is present, else on the emulated device. Exits non-zero
 * on any mismatch.
 *
 *   npm run demo                 # auto: GPU if libcuda and a device are found, else emulated
 *   CUDAJS_DEVICE=emu CUDAJS_EMU_DEVICES=4 npm run demo
 *   npm run demo -- --device 1   # run the kernels on device 1 (default 0)
 */
import { fileURLToPath } from 'node:url';
import { backend, Clique, CudaError, Device, type Context, type DeviceBuffer, type Kernel } from '../src/index.js';
import { fmaF32 } from '../src/emu/num/index.js';

const kernelFile = (name: string): string => fileURLToPath(new URL(`../../kernels/${name}.ptx`, import.meta.url));

let failures = 0;
function check(what: string, ok: boolean, detail: string): void {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}: ${detail}`);
  if (!ok) failures++;
}

/** Deterministic inputs in [-1, 1), never all zero. */
function randomFloats(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Times `fn` with device events around it; returns milliseconds. */
function timed(ctx: Context, fn: () => void): number {
  using start = ctx.createEvent();
  using end = ctx.createEvent();
  start.record();
  fn();
  end.record();
  end.synchronize();
  return end.elapsedSince(start);
}

function saxpy(ctx: Context, kernel: Kernel, n: number): void {
  const x = randomFloats(n, 1);
  const y = randomFloats(n, 2);
  const a = 2.5;
  using dx = ctx.upload(x);
  using dy = ctx.upload(y);
  const ms = timed(ctx, () => kernel.launch({ grid: Math.ceil(n / 256), block: 256 }, n, a, dx, dy));
  const got = dy.toArray(Float32Array);
  let mismatches = 0;
  for (let i = 0; i < n; i++) if (got[i] !== fmaF32(a, x[i]!, y[i]!)) mismatches++;
  check('saxpy', mismatches === 0, `${n} elements bit-exact against fmaf on the CPU (${mismatches} mismatches), ${ms.toFixed(3)} ms`);
}

function reduce(ctx: Context, kernel: Kernel, n: number): void {
  const x = randomFloats(n, 3);
  let input: DeviceBuffer = ctx.upload(x);
  let remaining = n;
  const ms = timed(ctx, () => {
    while (remaining > 1) {
      const blocks = Math.ceil(remaining / 512);
      const partial = ctx.allocate(blocks * 4);
      kernel.launch({ grid: blocks, block: 256 }, input, partial, remaining);
      input.dispose();
      input = partial;
      remaining = blocks;
    }
  });
  const sum = input.toArray(Float32Array)[0]!;
  input.dispose();
  let exact = 0;
  let magnitude = 0;
  for (const v of x) {
    exact += v;
    magnitude += Math.abs(v);
  }
  // A tree of f32 additions: each partial sum carries a relative error of at most 2^-24 per level.
  const bound = Math.ceil(Math.log2(n) + 1) * 2 ** -24 * magnitude;
  check('reduce_sum', Math.abs(sum - exact) <= bound, `sum of ${n} floats = ${sum.toFixed(6)} (f64 reference ${exact.toFixed(6)}, |error| ≤ ${bound.toExponential(1)}), ${ms.toFixed(3)} ms`);
}

function mandelbrot(ctx: Context, kernel: Kernel): void {
  const width = 96;
  const height = 40;
  const maxIter = 200;
  const [x0, y0, dx, dy] = [-2.2, -1.2, 3.2 / width, 2.4 / height].map(Math.fround) as [number, number, number, number];
  using iters = ctx.allocate(width * height * 4);
  const ms = timed(ctx, () => kernel.launch({ grid: [Math.ceil(width / 16), Math.ceil(height / 16)], block: [16, 16] }, iters, width, height, x0, y0, dx, dy, maxIter));
  const got = iters.toArray(Uint32Array);
  let mismatches = 0;
  const rows: string[] = [];
  for (let py = 0; py < height; py++) {
    let row = '';
    for (let px = 0; px < width; px++) {
      const cx = fmaF32(px, dx, x0);
      const cy = fmaF32(py, dy, y0);
      let x = 0;
      let y = 0;
      let it = 0;
      while (it < maxIter && fmaF32(x, x, Math.fround(y * y)) <= 4) {
        const xn = fmaF32(x, x, fmaF32(-y, y, cx));
        y = fmaF32(Math.fround(x + x), y, cy);
        x = xn;
        it++;
      }
      const value = got[py * width + px]!;
      if (value !== it) mismatches++;
      row += ' .:-=+*#%@'[value >= maxIter ? 9 : Math.min(8, Math.floor(Math.log2(value + 1)))];
    }
    if (py % 2 === 0) rows.push(row);
  }
  console.log(rows.map((r) => `      ${r}`).join('\n'));
  check('mandelbrot', mismatches === 0, `${width}×${height} iteration counts equal the CPU's (${mismatches} mismatches), ${ms.toFixed(3)} ms`);
}

/**
 * Every device: a buffer per device, a peer copy around the ring of devices, and an all-reduce
 * of one value per device (NCCL on GPUs, the reference collectives on the emulated device).
 */
function allDevices(): void {
  const devices = Device.all();
  using clique = Clique.create(devices);
  const values = clique.communicators.map((c) => c.context.upload(new Float64Array([c.rank + 1, 2 ** c.rank])));
  if (devices.length > 1) {
    using copy = clique.rank(devices.length - 1).context.allocate(16);
    copy.copyFrom(values[0]!);
    const back = copy.toArray(Float64Array);
    check('peer copy', back[0] === 1 && back[1] === 1, `device 0 → device ${devices.length - 1}: [${back.join(', ')}]`);
  }
  clique.run((comm, rank) => comm.allReduce(values[rank]!, values[rank]!, { dtype: 'float64' }));
  const n = devices.length;
  const want = [(n * (n + 1)) / 2, 2 ** n - 1];
  const got = values.map((v) => [...v.toArray(Float64Array)]);
  check('all-reduce', got.every((g) => g[0] === want[0] && g[1] === want[1]),
    `sum over ${n} device(s) = [${want.join(', ')}] on every device, ${clique.rank(0).implementation}`);
  for (const v of values) v.dispose();
}

function main(): void {
  console.log(`cudajs demo on the ${backend().description}`);
  for (const device of Device.all()) {
    const { major, minor } = device.computeCapability;
    console.log(`  device ${device.ordinal}: ${device.name}, sm_${major}${minor}, ${device.limits.multiprocessorCount} SMs, ${(device.totalMemory / 2 ** 30).toFixed(1)} GiB`);
  }
  allDevices();
  const at = process.argv.indexOf('--device');
  const device = Device.get(at >= 0 ? Number(process.argv[at + 1]) : 0);
  console.log(`  kernels on device ${device.ordinal}`);
  using ctx = device.primaryContext();
  using saxpyModule = ctx.loadModuleFile(kernelFile('saxpy'));
  using reduceModule = ctx.loadModuleFile(kernelFile('reduce_sum'));
  using mandelbrotModule = ctx.loadModuleFile(kernelFile('mandelbrot'));
  const large = backend().kind === 'gpu' ? 1 << 24 : 1 << 16;
  saxpy(ctx, saxpyModule.getKernel('saxpy'), large);
  reduce(ctx, reduceModule.getKernel('reduce_sum'), large + 12345);
  mandelbrot(ctx, mandelbrotModule.getKernel('mandelbrot'));
  if (failures > 0) {
    console.log(`${failures} check(s) failed`);
    process.exitCode = 1;
  } else {
    console.log('all checks passed');
  }
}

try {
  main();
} catch (e) {
  if (!(e instanceof CudaError)) throw e;
  console.error(`cudajs demo failed: ${e.message}`);
  process.exitCode = 1;
}
