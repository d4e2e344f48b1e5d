/**
 * A test double of the PTX engine (`EmuEngine`) for the emulated backend's tests: it reads just
 * enough of a PTX text (entries, parameters, directives, module variables) to describe the
 * module, records every launch, and runs per-kernel behaviours written in JavaScript.
 * @module
 */
import type {
  CompiledModule, EmuEngine, EntryParam, KernelInfo, LaunchRequest, LaunchStats, ModuleInstance, ModuleVariable, PtxScalarType,
} from '../../src/emu/engine.js';
import type { GlobalMemory } from '../../src/emu/mem/types.js';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DriverError, KernelFaultError, PtxSyntaxError } from '../../src/errors.js';
import { EmulatedBackend, type EmulatedBackendOptions } from '../../src/backend/emulated/backend.js';
import { entryPayload, parseFatbin, ptxText } from '../../src/backend/emulated/fatbin.js';

/** One launch as the engine saw it (copied: the backend reuses its request object). */
export interface RecordedLaunch {
  readonly kernel: string;
  readonly grid: readonly [number, number, number];
  readonly block: readonly [number, number, number];
  readonly cluster: readonly [number, number, number] | undefined;
  readonly dynamicSharedBytes: number;
  readonly params: Uint8Array;
  /** The device the module instance was bound to. */
  readonly device: number;
}

/** What a kernel behaviour gets to work with. */
export interface KernelRun {
  readonly request: LaunchRequest;
  readonly memory: GlobalMemory;
  readonly params: DataView;
  readonly addressOf: (variable: string) => number;
  /** Reads `n` bytes at a device address (bounds-checked like a kernel load). */
  load(address: number, n: number): Uint8Array;
  /** Writes bytes at a device address (bounds-checked like a kernel store). */
  store(address: number, bytes: Uint8Array): void;
  /** Throws the KernelFaultError a real engine would for an illegal access. */
  fault(address: number, size: number): never;
}

const SIZES: Record<string, number> = { u8: 1, s8: 1, b8: 1, u16: 2, s16: 2, b16: 2, f16: 2, bf16: 2, u32: 4, s32: 4, b32: 4, f32: 4, f16x2: 4, bf16x2: 4, u64: 8, s64: 8, b64: 8, f64: 8, b128: 16, pred: 1 };

function parseParams(list: string): EntryParam[] {
  const params: EntryParam[] = [];
  let offset = 0;
  const re = /\.param\s+\.(\w+)\s+(?:\.ptr\s+(?:\.\w+\s+)*)?(?:\.align\s+(\d+)\s+)?([\w$]+)(?:\[(\d+)\])?/g;
  for (const m of list.matchAll(re)) {
    const type = m[1] as PtxScalarType;
    const arrayLength = m[4] ? Number(m[4]) : 0;
    const size = SIZES[type]! * Math.max(1, arrayLength);
    const align = m[2] ? Number(m[2]) : SIZES[type]!;
    offset = Math.ceil(offset / align) * align;
    params.push({ name: m[3]!, type, arrayLength, align, size, offset, isPointer: m[0].includes('.ptr') });
    offset += size;
  }
  return params;
}

function parseVariables(ptx: string): ModuleVariable[] {
  const vars: ModuleVariable[] = [];
  const re = /^\s*(\.visible\s+|\.extern\s+)?\.(global|const)\s+(?:\.align\s+(\d+)\s+)?\.(\w+)\s+([\w$]+)(?:\[(\d+)\])?\s*(?:=\s*\{([^}]*)\})?\s*;/gm;
  for (const m of ptx.matchAll(re)) {
    const elem = SIZES[m[4]!]!;
    const count = m[6] ? Number(m[6]) : 1;
    const bytes = elem * count;
    let init: Uint8Array | null = null;
    if (m[7] !== undefined) {
      init = new Uint8Array(bytes);
      const values = m[7].split(',').map((v) => Number(v.trim()));
      const view = new DataView(init.buffer);
      values.forEach((v, i) => {
        if (elem === 1) view.setUint8(i, v);
        else if (elem === 4) view.setUint32(i * 4, v, true);
      });
    }
    vars.push({ name: m[5]!, space: m[2] as 'global' | 'const', bytes, align: m[3] ? Number(m[3]) : elem, init, visible: m[1] !== undefined });
  }
  return vars;
}

function parseKernels(ptx: string, overrides: ReadonlyMap<string, Partial<KernelInfo>>): Map<string, KernelInfo> {
  const kernels = new Map<string, KernelInfo>();
  const re = /\.entry\s+([\w$]+)\s*\(([^)]*)\)([^{]*)\{/g;
  for (const m of ptx.matchAll(re)) {
    const name = m[1]!;
    const params = parseParams(m[2]!);
    const directives = m[3]!;
    const body = ptx.slice(m.index! + m[0].length, ptx.indexOf('\n}', m.index!));
    const maxntid = /\.maxntid\s+(\d+)(?:,\s*(\d+))?(?:,\s*(\d+))?/.exec(directives);
    const reqntid = /\.reqntid\s+(\d+)(?:,\s*(\d+))?(?:,\s*(\d+))?/.exec(directives);
    const registers = [...body.matchAll(/\.reg\s+\.\w+\s+%\w+<(\d+)>/g)].reduce((n, r) => n + Number(r[1]), 0);
    const shared = [...body.matchAll(/^\s*\.shared\s+(?:\.align\s+\d+\s+)?\.(\w+)\s+[\w$]+\[(\d+)\]/gm)].reduce((n, r) => n + SIZES[r[1]!]! * Number(r[2]), 0);
    const local = /__local_depot\d+\[(\d+)\]/.exec(body);
    const dims = (d: RegExpExecArray | null): [number, number, number] | undefined => d ? [Number(d[1]), Number(d[2] ?? 1), Number(d[3] ?? 1)] : undefined;
    const last = params.at(-1);
    const info: KernelInfo = {
      name,
      params,
      paramBytes: last ? last.offset + last.size : 0,
      staticSharedBytes: shared,
      localBytesPerThread: local ? Number(local[1]) : 0,
      registerCount: registers,
      maxThreadsPerBlock: maxntid ? dims(maxntid)!.reduce((a, b) => a * b, 1) : 0,
      ...(reqntid ? { requiredBlock: dims(reqntid)! } : {}),
      usesDynamicShared: /\.extern\s+\.shared/.test(body),
      ...overrides.get(name),
    };
    kernels.set(name, info);
  }
  return kernels;
}

/** The test double. Configure {@link behaviours} and {@link overrides} before loading modules. */
export class DoubleEngine implements EmuEngine {
  /** Every launch, in order. */
  readonly launches: RecordedLaunch[] = [];
  /** Every PTX text compiled, in order. */
  readonly compiled: string[] = [];
  /** JavaScript bodies of kernels, by entry name. Kernels without one do nothing. */
  readonly behaviours = new Map<string, (run: KernelRun) => void>();
  /** KernelInfo fields to replace, by entry name. */
  readonly overrides = new Map<string, Partial<KernelInfo>>();

  compile(ptx: string, call: string): CompiledModule {
    this.compiled.push(ptx);
    const version = /\.version\s+(\d+\.\d+)/.exec(ptx);
    const target = /\.target\s+(\w+)/.exec(ptx);
    if (!version || !target) throw new PtxSyntaxError(call, 'expected .version and .target', { line: 1, column: 1, token: ptx.slice(0, 8) });
    const bad = /^\s*(bogus\.\w+)/m.exec(ptx);
    if (bad) {
      const line = ptx.slice(0, bad.index).split('\n').length + (bad[0].startsWith('\n') ? 1 : 0);
      throw new PtxSyntaxError(call, `unknown instruction '${bad[1]}'`, { line, column: 1, token: bad[1]! });
    }
    const kernels = parseKernels(ptx, this.overrides);
    const variables = parseVariables(ptx);
    const engine = this;
    const module: CompiledModule = {
      version: version[1]!,
      target: target[1]!,
      kernels,
      variables,
      instantiate(memory: GlobalMemory, addressOf: (variable: string) => number): ModuleInstance {
        for (const v of variables) addressOf(v.name);
        return {
          module,
          launch(request: LaunchRequest): LaunchStats {
            engine.launches.push({
              kernel: request.kernel,
              grid: [...request.grid] as [number, number, number],
              block: [...request.block] as [number, number, number],
              cluster: request.cluster ? [...request.cluster] as [number, number, number] : undefined,
              dynamicSharedBytes: request.dynamicSharedBytes,
              params: request.params.slice(),
              device: memory.device,
            });
            const behaviour = engine.behaviours.get(request.kernel);
            if (behaviour) behaviour(engine.#run(request, memory, addressOf));
            const threads = request.grid.reduce((a, b) => a * b, 1) * request.block.reduce((a, b) => a * b, 1);
            return { threadInstructions: threads, warpInstructions: Math.ceil(threads / 32) };
          },
        };
      },
    };
    return module;
  }

  #run(request: LaunchRequest, memory: GlobalMemory, addressOf: (v: string) => number): KernelRun {
    const fault = (address: number, size: number): never => {
      throw new KernelFaultError({
        code: 700,
        codeName: 'CUDA_ERROR_ILLEGAL_ADDRESS',
        call: 'cuLaunchKernel',
        explanation: `invalid global access: ${memory.describe(address, size)}`,
        site: { kernel: request.kernel, block: [0, 0, 0], thread: [0, 0, 0] },
      });
    };
    const target = (address: number, size: number): [GlobalMemory, number] => {
      const m = memory.resolve?.(address) ?? memory;
      if (!m.isValid(address, size)) fault(address, size);
      return [m, address - m.base];
    };
    return {
      request,
      memory,
      params: new DataView(request.params.buffer, request.params.byteOffset, request.params.byteLength),
      addressOf,
      load: (address, n) => {
        const [m, off] = target(address, n);
        return new Uint8Array(m.store).slice(off, off + n);
      },
      store: (address, data) => {
        const [m, off] = target(address, data.length);
        new Uint8Array(m.store).set(data, off);
      },
      fault,
    };
  }
}

// --- Shared helpers of the emulated-backend tests ---------------------------------------------------

/** Runs `fn`, expects a DriverError with `code`, and returns it. */
export function expectCode(fn: () => unknown, code: number): DriverError {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof DriverError)) throw new assert.AssertionError({ message: `expected a DriverError ${code}, got ${String(e)}` });
    assert.equal(e.code, code, `expected code ${code}, got ${e.code} ${e.codeName}: ${e.message}`);
    return e;
  }
  assert.fail(`expected a DriverError with code ${code}, but nothing was thrown`);
}

const fixtures = new URL('../../../test/fixtures/fatbin/', import.meta.url);

/** A fixture file's bytes (test/fixtures/fatbin). */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, fixtures)));
}

/** The PTX of test/fixtures/fatbin/kernels.cu (kernels `saxpy` and `hello`; variables `coef`, `counter`, `$str`). */
export function kernelsPtx(): Uint8Array {
  const image = fixture('ptx-none.fatbin');
  return new TextEncoder().encode(ptxText(entryPayload(image, parseFatbin(image)[0]!)));
}

/** A backend over a fresh {@link DoubleEngine}, with printf output captured and 64 MiB per device. */
export function setup(deviceCount = 1, options: EmulatedBackendOptions = {}): { backend: EmulatedBackend; engine: DoubleEngine; printed: string[] } {
  const engine = new DoubleEngine();
  const printed: string[] = [];
  const backend = new EmulatedBackend(engine, deviceCount, { memoryBytes: 64 << 20, stdout: (t) => printed.push(t), ...options });
  return { backend, engine, printed };
}
