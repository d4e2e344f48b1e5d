/**
 * Runs kernels on the PTX engine directly — a `DeviceMemory` and the engine, no object layer —
 * for the emu-exec unit tests and the benchmark: corpus cases ({@link runCase}) and small
 * hand-written PTX ({@link runPtx}).
 * @module
 */
import { readFileSync } from 'node:fs';
import { DeviceMemory } from '../../src/emu/mem/device-memory.js';
import { PtxEngine, type PtxInstance } from '../../src/emu/exec/engine.js';
import type { LaunchOptions, LaunchStats } from '../../src/emu/engine.js';
import {
  bufferSpecs, encodeStruct, initialContents, kernelFilePath, newArray, outputSpecs, type ElemArray, type KernelCase,
} from '../kernels/corpus.js';
import { writeElement } from '../kernels/support/elements.js';

/** One engine, shared (it is stateless). */
export const engine = new PtxEngine();

/** A module loaded into its own device memory. */
export interface Loaded {
  readonly memory: DeviceMemory;
  readonly instance: PtxInstance;
  /** Device address of each module variable. */
  readonly variables: ReadonlyMap<string, number>;
}

/** Compiles `ptx`, places its variables in a fresh DeviceMemory (as the backend does) and instantiates it. */
export function load(ptx: string, memory = new DeviceMemory({ device: 0, capacity: 1 << 28 })): Loaded {
  const compiled = engine.compile(ptx, 'cuModuleLoadData');
  const variables = new Map<string, number>();
  for (const v of compiled.variables) {
    const align = Math.max(1, v.align);
    const pad = align > 256 ? align : 0;
    const allocation = memory.alloc(Math.max(1, v.bytes) + pad, `module ${v.space} ${v.name}`);
    const address = pad ? Math.ceil(allocation / align) * align : allocation;
    const off = address - memory.base;
    memory.bytes.fill(0, off, off + v.bytes);
    if (v.init) memory.bytes.set(v.init.subarray(0, v.bytes), off);
    variables.set(v.name, address);
  }
  const instance = compiled.instantiate(memory, (name) => variables.get(name)!) as PtxInstance;
  return { memory, instance, variables };
}

/** What running a case produced. */
export interface CaseRun {
  readonly loaded: Loaded;
  /** Device address of each buffer. */
  readonly buffers: ReadonlyMap<string, number>;
  readonly stats: LaunchStats | null;
  /** Text handed to `printf`, per call. */
  readonly printed: readonly string[];
  /** The launch's error, if it failed. */
  readonly error: unknown;
  /** Each output's bytes after the launch (when it succeeded). */
  readonly outputs: ReadonlyMap<string, ElemArray>;
}

function bytesOf(a: ElemArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** A corpus case placed in engine memory: its buffers (by name → address) and packed parameters. */
export interface PreparedCase {
  readonly buffers: ReadonlyMap<string, number>;
  readonly params: Uint8Array;
}

/** Allocates and fills a case's buffers and globals in `loaded`'s memory and packs its parameters. */
export function prepareCase(c: KernelCase, loaded: Loaded): PreparedCase {
  const { memory, instance, variables } = loaded;
  const buffers = new Map<string, number>();
  for (const spec of bufferSpecs(c)) {
    const data = bytesOf(initialContents(spec));
    const a = memory.alloc(Math.max(1, data.byteLength), `buffer ${spec.name}`);
    memory.bytes.set(data, a - memory.base);
    buffers.set(spec.name, a);
  }
  for (const g of c.globals ?? []) memory.bytes.set(bytesOf(g.data), variables.get(g.symbol)! - memory.base);
  const info = instance.module.kernels.get(c.entry);
  if (info === undefined) throw new Error(`${c.name}: no kernel ${c.entry}`);
  const params = new Uint8Array(Math.max(8, info.paramBytes));
  const view = new DataView(params.buffer);
  c.args.forEach((arg, i) => {
    const p = info.params[i]!;
    switch (arg.kind) {
      case 'in': case 'out': case 'inout': view.setBigUint64(p.offset, BigInt(buffers.get(arg.name)!), true); break;
      case 'rawPointer': view.setBigUint64(p.offset, arg.address, true); break;
      case 'scalar': writeElement(view, p.offset, arg.type, arg.value); break;
      case 'struct': params.set(encodeStruct(arg, (name) => BigInt(buffers.get(name)!)), p.offset); break;
    }
  });
  return { buffers, params };
}

/** Runs a corpus case on the engine. */
export function runCase(c: KernelCase, options: LaunchOptions = {}, loaded = load(readFileSync(kernelFilePath(c.ptxFile), 'utf8'))): CaseRun {
  const { memory, instance, variables } = loaded;
  const { buffers, params } = prepareCase(c, loaded);
  const printed: string[] = [];
  let stats: LaunchStats | null = null;
  let error: unknown = null;
  try {
    stats = instance.launch({
      kernel: c.entry, grid: c.grid, block: c.block, dynamicSharedBytes: c.sharedMemBytes, params,
      options: { ...options, printf: (t) => printed.push(t) },
    });
  } catch (e) {
    error = e;
  }
  const outputs = new Map<string, ElemArray>();
  if (error === null) {
    for (const o of outputSpecs(c)) {
      const got = newArray(o.type, o.length);
      const at = o.from === 'buffer' ? buffers.get(o.name)! : variables.get(o.name)!;
      bytesOf(got).set(memory.bytes.subarray(at - memory.base, at - memory.base + got.byteLength));
      outputs.set(o.name, got);
    }
  }
  return { loaded, buffers, stats, printed, error, outputs };
}

/** A kernel launch on hand-written PTX: `params` are written as given (8 bytes each for bigints, 4 for numbers, aligned). */
export function runPtx(ptx: string, kernel: string, dims: { grid?: readonly [number, number, number]; block?: readonly [number, number, number]; shared?: number; cluster?: readonly [number, number, number] },
  params: readonly (number | bigint)[], options: LaunchOptions = {}, loaded = load(ptx)): { loaded: Loaded; stats: LaunchStats; printed: string[] } {
  const bytes = new Uint8Array(Math.max(8, params.length * 8));
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const p of params) {
    if (typeof p === 'bigint') {
      at = Math.ceil(at / 8) * 8;
      view.setBigUint64(at, BigInt.asUintN(64, p), true);
      at += 8;
    } else {
      view.setUint32(at, p >>> 0, true);
      at += 4;
    }
  }
  const printed: string[] = [];
  const stats = loaded.instance.launch({
    kernel, grid: dims.grid ?? [1, 1, 1], block: dims.block ?? [32, 1, 1], dynamicSharedBytes: dims.shared ?? 0, params: bytes,
    ...(dims.cluster ? { cluster: dims.cluster } : {}),
    options: { ...options, printf: (t) => printed.push(t) },
  });
  return { loaded, stats, printed };
}

// ---- Per-lane kernels ------------------------------------------------------------------------

/** The element array of a PTX memory type. */
type LaneArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array | BigUint64Array | BigInt64Array;

const LOAD_TYPE: Readonly<Record<string, string>> = { f16: 'b16', bf16: 'b16', f16x2: 'b32', bf16x2: 'b32', pred: 'u8' };
const REG_TYPE: Readonly<Record<string, string>> = { f16: 'b16', bf16: 'b16', f16x2: 'b32', bf16x2: 'b32', u8: 'b16', s8: 'b16', b8: 'b16' };

function bytesOfType(t: string): number {
  if (t === 'pred' || t.endsWith('8')) return 1;
  if (t.endsWith('16') || t === 'f16' || t === 'bf16') return 2;
  if (t.endsWith('64')) return 8;
  return 4;
}

/**
 * A kernel that loads operand `%a<j>` (of type `inputs[j]`) from buffer j at the thread's global
 * index, runs `body` (which writes `%d`, of type `output`), and stores `%d` to the last buffer.
 * `decls` declares extra registers.
 */
export function laneKernel(body: string, inputs: readonly string[], output: string, decls = ''): string {
  const params = [...inputs.map((_, j) => `.param .u64 k_p${j}`), '.param .u64 k_out'].join(', ');
  let code = `.version 9.0\n.target sm_90\n.address_size 64\n.visible .entry k(${params})\n{\n`;
  code += '.reg .pred %p<8>;\n.reg .b16 %h<16>;\n.reg .b32 %r<32>;\n.reg .f32 %f<16>;\n.reg .b64 %rd<32>;\n.reg .f64 %fd<16>;\n.reg .b64 %ia<16>;\n';
  inputs.forEach((t, j) => { code += `.reg .${REG_TYPE[t] ?? t} %a${j};\n`; });
  code += `.reg .${REG_TYPE[output] ?? output} %d;\n${decls}\n`;
  code += 'mov.u32 %r29, %ctaid.x;\nmov.u32 %r30, %ntid.x;\nmov.u32 %r31, %tid.x;\nmad.lo.s32 %r28, %r29, %r30, %r31;\n';
  inputs.forEach((t, j) => {
    const size = bytesOfType(t);
    code += `ld.param.u64 %ia${j}, [k_p${j}];\nmul.wide.u32 %ia${8 + j}, %r28, ${size};\nadd.s64 %ia${j}, %ia${j}, %ia${8 + j};\n`;
    if (t === 'pred') code += `ld.global.u8 %h15, [%ia${j}];\nsetp.ne.s16 %a${j}, %h15, 0;\n`;
    else code += `ld.global.${LOAD_TYPE[t] ?? t} %a${j}, [%ia${j}];\n`;
  });
  code += `${body}\n`;
  code += `ld.param.u64 %ia7, [k_out];\nmul.wide.u32 %ia15, %r28, ${bytesOfType(output)};\nadd.s64 %ia7, %ia7, %ia15;\n`;
  if (output === 'pred') code += 'selp.u16 %h14, 1, 0, %d;\nst.global.u8 [%ia7], %h14;\n';
  else code += `st.global.${LOAD_TYPE[output] ?? output} [%ia7], %d;\n`;
  return `${code}ret;\n}\n`;
}

/** Runs a {@link laneKernel} over `n` threads (blocks of 32) with both executors; fails unless they agree bit for bit. */
export function runLanes<T extends LaneArray>(ptx: string, inputs: readonly LaneArray[], output: T, options: LaunchOptions = {}): T {
  const n = output.length;
  const results: T[] = [];
  for (const interpret of [false, true]) {
    const loaded = load(ptx);
    const { memory } = loaded;
    const addresses: bigint[] = [];
    for (const data of [...inputs, output]) {
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      const a = memory.alloc(Math.max(1, bytes.byteLength), 'lane buffer');
      memory.bytes.set(bytes, a - memory.base);
      addresses.push(BigInt(a));
    }
    runPtx(ptx, 'k', { grid: [Math.ceil(n / 32), 1, 1], block: [32, 1, 1] }, addresses, { ...options, interpret }, loaded);
    const out = new (output.constructor as new (length: number) => T)(n);
    const at = Number(addresses[addresses.length - 1]!) - memory.base;
    new Uint8Array(out.buffer).set(memory.bytes.subarray(at, at + out.byteLength));
    results.push(out);
  }
  const [jit, interp] = results as [T, T];
  const a = new Uint8Array(jit.buffer), b = new Uint8Array(interp.buffer);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) throw new Error(`JIT and interpreter differ at byte ${i}: ${a[i]} vs ${b[i]}`);
  }
  return jit;
}
