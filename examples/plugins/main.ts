/**
 * Three plug-ins in one process, each in its own scope. "levels" (shared) force-resets the device
 * after its second frame, as a badly behaved library calling cudaDeviceReset would; "smooth"
 * (shared) is told who destroyed its state, recovers and carries on; "histogram" (dedicated, its
 * own context) never notices. Every frame of every plug-in is checked against the CPU. Runs on the
 * GPU when one is present, else on the emulated device; exits non-zero on any wrong result.
 *
 *   npm run example:plugins
 *   CUDAJS_DEVICE=emu npm run example:plugins
 */
import { fileURLToPath } from 'node:url';
import { backend, ContextResetError, runtime, type Isolation, type Scope } from '../../src/index.js';
import { Histogram, Levels, Smooth, type Plugin } from './plugins.js';

/** Options of {@link runPluginsExample}. Every field has a default. */
export interface PluginsExampleOptions {
  /** Frames each plug-in processes. Default: 5. */
  readonly frames?: number;
  /** Pixels per frame. Default: 65536. */
  readonly pixels?: number;
  /** After how many frames "levels" resets the device. Default: 2. */
  readonly resetAfterFrames?: number;
  /** Where the report goes. Default: console.log. */
  readonly log?: (line: string) => void;
}

/** What happened. */
export interface PluginsExampleResult {
  /** Frames checked, over all plug-ins. */
  readonly checked: number;
  /** Frames whose result differed from the CPU's. */
  readonly wrong: number;
  /** `smooth after frame 2` for each recovery. */
  readonly recoveries: readonly string[];
}

interface Hosted {
  readonly plugin: Plugin;
  readonly scope: Scope;
}

const kernelsFile = fileURLToPath(new URL('../../../examples/plugins/kernels.ptx', import.meta.url));

/** A deterministic frame of pixel values 0..255. */
function frameOf(index: number, pixels: number): Int32Array {
  let s = 0x9e3779b9 ^ index;
  return Int32Array.from({ length: pixels }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 24;
  });
}

function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Calls the plug-in inside its scope. If someone reset the device under it, the scope says who;
 * the host recovers the scope, has the plug-in set its state up again, and retries once.
 */
function call(host: Hosted, frame: Int32Array, index: number, log: (line: string) => void, recoveries: string[]): Int32Array | Uint32Array {
  try {
    return host.scope.run(() => host.plugin.process(frame));
  } catch (e) {
    if (!(e instanceof ContextResetError)) throw e;
    log(`  ${host.plugin.name}: ${e.reset.context} was reset by ${e.reset.by}${e.reset.forced ? ' (forced)' : ''}; recovering`);
    host.scope.recover();
    host.scope.run(() => host.plugin.setup());
    recoveries.push(`${host.plugin.name} at frame ${index}`);
    return host.scope.run(() => host.plugin.process(frame));
  }
}

/** Runs the example; see the module comment. */
export function runPluginsExample(options: PluginsExampleOptions = {}): PluginsExampleResult {
  const frames = options.frames ?? 5;
  const pixels = options.pixels ?? 65536;
  const log = options.log ?? ((line: string): void => console.log(line));
  log(`cudajs plug-in example on ${backend().description}`);
  const kernels = runtime.registerModuleFile(kernelsFile, { name: 'plug-in kernels' });
  const plan: ReadonlyArray<readonly [Plugin, Isolation]> = [
    [new Levels(kernels, 300, 10, options.resetAfterFrames ?? 2, log), 'shared'],
    [new Smooth(kernels, [1, 2, 1]), 'shared'],
    [new Histogram(kernels, 16), 'dedicated'],
  ];
  const hosts: Hosted[] = plan.map(([plugin, isolation]) => ({ plugin, scope: runtime.scope(plugin.name, { isolation }) }));
  const recoveries: string[] = [];
  let checked = 0;
  let wrong = 0;
  try {
    for (const host of hosts) host.scope.run(() => host.plugin.setup());
    for (let f = 0; f < frames; f++) {
      const frame = frameOf(f, pixels);
      for (const host of hosts) {
        const ok = same(call(host, frame, f, log, recoveries), host.plugin.reference(frame));
        checked++;
        if (!ok) wrong++;
        log(`  ${host.plugin.name.padEnd(9)} ${host.scope.isolation.padEnd(9)} frame ${f}: ${ok ? 'correct' : 'WRONG'}`);
      }
    }
  } finally {
    for (const host of hosts) host.scope.dispose();
  }
  log(`${checked} frames checked, ${wrong} wrong; recoveries: ${recoveries.length ? recoveries.join(', ') : 'none'}`);
  return { checked, wrong, recoveries };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = runPluginsExample();
  if (result.wrong > 0 || result.recoveries.length === 0) process.exitCode = 1;
}
