/**
 * Runs every case of the kernel corpus (test/kernels) through the object layer on this process's
 * backend — the emulated device in CI, the GPU on the device machine — and compares each output
 * with the case's CPU reference under the case's own tolerance.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bytes, Context, Device, DriverError, type DeviceBuffer, type KernelArgument, type Module, type ParamType } from '../../src/index.js';
import {
  ALL_CASES, bufferSpecs, compareOutput, encodeStruct, initialContents, inputsOf, kernelFilePath, newArray, outputSpecs,
  type ArgSpec, type ElemArray, type KernelCase,
} from '../kernels/corpus.js';
import { backendKind } from '../support/tiers.js';

function paramType(arg: ArgSpec): ParamType {
  switch (arg.kind) {
    case 'in': case 'out': case 'inout': case 'rawPointer': return 'ptr';
    // f16/bf16 scalars are given as bit patterns.
    case 'scalar': return arg.type === 'f16' || arg.type === 'bf16' ? 'u16' : arg.type;
    case 'struct': return bytes(arg.size, arg.align);
  }
}

function asBytes(data: ElemArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Captures what the emulated device prints (it flushes kernel printf to stdout at synchronize). */
function capturingStdout<T>(fn: () => T): { readonly result: T; readonly lines: string[] } {
  const write = process.stdout.write.bind(process.stdout);
  let text = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    return { result: fn(), lines: text.split('\n').filter((l) => l !== '') };
  } finally {
    process.stdout.write = write;
  }
}

/** A launched case: its module and buffers, disposed together. */
interface Launched extends Disposable {
  readonly module: Module;
  readonly buffers: ReadonlyMap<string, DeviceBuffer>;
}

/** Loads, fills, launches and synchronizes one case in `ctx`. */
function launch(ctx: Context, c: KernelCase): Launched {
  const module = ctx.loadModuleFile(kernelFilePath(c.ptxFile));
  const buffers = new Map<string, DeviceBuffer>();
  const launched: Launched = {
    module,
    buffers,
    [Symbol.dispose]() {
      for (const b of buffers.values()) b.dispose();
      module.dispose();
    },
  };
  try {
    for (const spec of bufferSpecs(c)) buffers.set(spec.name, ctx.upload(asBytes(initialContents(spec))));
    for (const g of c.globals ?? []) module.global(g.symbol).copyFrom(asBytes(g.data));
    const addressOf = (name: string): bigint => buffers.get(name)!.pointer;
    const args = c.args.map((a): KernelArgument => {
      switch (a.kind) {
        case 'in': case 'out': case 'inout': return buffers.get(a.name)!;
        case 'rawPointer': return a.address;
        case 'scalar': return a.value;
        case 'struct': return encodeStruct(a, addressOf);
      }
    });
    const kernel = module.getKernel(c.entry, { params: c.args.map(paramType) });
    kernel.launch({ grid: c.grid, block: c.block, sharedMemBytes: c.sharedMemBytes }, ...args);
    ctx.synchronize();
    return launched;
  } catch (e) {
    launched[Symbol.dispose]();
    throw e;
  }
}

function checkOutputs(c: KernelCase, { module, buffers }: Launched): void {
  const expected = c.reference(inputsOf(c));
  for (const out of outputSpecs(c)) {
    const got = newArray(out.type, out.length);
    const source = out.from === 'buffer' ? buffers.get(out.name)! : module.global(out.name);
    source.copyTo(asBytes(got));
    const result = compareOutput(out.type, got, expected[out.name]!, c.compare[out.name]!);
    assert.ok(result.ok, `${c.name}: output ${out.name}: ${result.summary}`);
  }
}

describe(`kernel corpus on the ${backendKind() === 'gpu' ? 'GPU' : 'emulated device'}`, () => {
  let primary: Context;
  before(() => { primary = Device.get(0).primaryContext(); });
  after(() => primary.dispose());

  for (const c of ALL_CASES) {
    const memcheckOnly = c.expectError?.when === 'memcheck' && backendKind() === 'gpu';
    test(c.name, { skip: memcheckOnly ? 'needs byte-exact bounds checks (the emulated device or compute-sanitizer); a bare GPU runs it to completion' : false }, () => {
      if (c.expectError) {
        const ctx = Device.get(0).createContext();
        Context.pop();
        try {
          assert.throws(() => launch(ctx, c), (e: unknown) => e instanceof DriverError && e.codeName === c.expectError!.codeName,
            `${c.name} must fail with ${c.expectError.codeName}`);
        } finally {
          ctx.dispose();
        }
        return;
      }
      const { result, lines } = capturingStdout(() => launch(primary, c));
      using launched = result;
      checkOutputs(c, launched);
      if (c.printfExpected && backendKind() === 'emu') assert.deepEqual(lines, c.printfExpected);
    });
  }
});
