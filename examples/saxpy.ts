// The README's example: run from the repository root with `node dist/examples/saxpy.js`.
import { readFileSync } from 'node:fs';
import { Device } from 'cudajs';

// extern "C" __global__ void saxpy(int n, float a, const float* x, float* y), compiled by nvcc -ptx
const ptx = readFileSync('kernels/saxpy.ptx', 'utf8');

using ctx = Device.get(0).primaryContext();          // retain the primary context
using module = ctx.loadModule(ptx);                  // cuModuleLoadDataEx, JIT log on error
const saxpy = module.getKernel('saxpy');             // signature read from the PTX .entry

const n = 1 << 20;
using x = ctx.upload(new Float32Array(n).fill(1));
using y = ctx.upload(new Float32Array(n).fill(2));
using stream = ctx.createStream({ nonBlocking: true });

saxpy.launch({ grid: Math.ceil(n / 256), block: 256, stream }, n, 3.0, x, y);
await stream.synchronized();                         // never blocks the event loop
console.log(y.toArray(Float32Array)[0]);             // 5
