/**
 * Three image-filter plug-ins written the way runtime-API libraries are written: against the
 * implicit model (`runtime.upload`, registered kernels, `runtime.deviceReset`), knowing nothing of
 * contexts. Their host (main.ts) gives each one a scope. Each keeps state on the device between
 * frames, which a device reset destroys.
 * @module
 */
import { runtime, type DeviceBuffer, type RegisteredModule } from '../../src/index.js';

/** A plug-in: device state set up once (and again after a recovery), then one call per frame. */
export interface Plugin {
  readonly name: string;
  /** Creates the plug-in's device state. */
  setup(): void;
  /** Filters one frame of pixel values (0..255) on the device. */
  process(frame: Int32Array): Int32Array | Uint32Array;
  /** The same on the CPU, to check the device's answer. */
  reference(frame: Int32Array): Int32Array | Uint32Array;
}

const BLOCK = 256;
const grid = (n: number): number => Math.ceil(n / BLOCK);

/**
 * "levels": brightness and contrast. Badly behaved: after a few frames it calls
 * `runtime.deviceReset({ force: true })` to "free GPU memory", as some libraries call
 * cudaDeviceReset when they are done — destroying every other user's state in the primary context.
 */
export class Levels implements Plugin {
  readonly name = 'levels';
  readonly #kernel;
  #frames = 0;

  constructor(kernels: RegisteredModule, readonly gain: number, readonly bias: number, readonly resetAfterFrames: number, readonly log: (line: string) => void) {
    this.#kernel = kernels.kernel('levels');
  }

  setup(): void {}

  process(frame: Int32Array): Int32Array {
    using input = runtime.upload(frame);
    using output = runtime.malloc(frame.byteLength);
    this.#kernel.launch({ grid: grid(frame.length), block: BLOCK }, frame.length, this.gain, this.bias, input, output);
    const result = output.toArray(Int32Array);
    if (++this.#frames === this.resetAfterFrames) {
      this.log(`  ${this.name}: calls runtime.deviceReset({ force: true }) to "free GPU memory"`);
      runtime.deviceReset({ force: true });
    }
    return result;
  }

  reference(frame: Int32Array): Int32Array {
    return frame.map((v) => Math.min(255, Math.trunc((v * this.gain) / 256) + this.bias));
  }
}

/** "smooth": a 3-tap blur whose weights it uploads once and keeps on the device. */
export class Smooth implements Plugin {
  readonly name = 'smooth';
  readonly #kernel;
  #weights: DeviceBuffer | null = null;

  constructor(kernels: RegisteredModule, readonly weights: readonly [number, number, number]) {
    this.#kernel = kernels.kernel('smooth');
  }

  setup(): void {
    this.#weights = runtime.upload(Int32Array.from(this.weights));
  }

  process(frame: Int32Array): Int32Array {
    using input = runtime.upload(frame);
    using output = runtime.malloc(frame.byteLength);
    this.#kernel.launch({ grid: grid(frame.length), block: BLOCK }, frame.length, this.#weights, input, output);
    return output.toArray(Int32Array);
  }

  reference(frame: Int32Array): Int32Array {
    const [w0, w1, w2] = this.weights;
    const n = frame.length;
    return frame.map((c, i) => Math.trunc((w0 * frame[Math.max(i - 1, 0)]! + w1 * c + w2 * frame[Math.min(i + 1, n - 1)]!) / (w0 + w1 + w2)));
  }
}

/** "histogram": counts pixel values into bins, in a counts buffer it keeps on the device. */
export class Histogram implements Plugin {
  readonly name = 'histogram';
  readonly #kernel;
  #counts: DeviceBuffer | null = null;

  constructor(kernels: RegisteredModule, readonly bins: number) {
    this.#kernel = kernels.kernel('histogram');
  }

  setup(): void {
    this.#counts = runtime.malloc(this.bins * 4);
  }

  process(frame: Int32Array): Uint32Array {
    const counts = this.#counts!;
    counts.fill(0, 'u32');
    using input = runtime.upload(frame);
    this.#kernel.launch({ grid: grid(frame.length), block: BLOCK }, frame.length, this.bins, input, counts);
    return counts.toArray(Uint32Array);
  }

  reference(frame: Int32Array): Uint32Array {
    const out = new Uint32Array(this.bins);
    for (const v of frame) out[Math.trunc((v * this.bins) / 256)]!++;
    return out;
  }
}
