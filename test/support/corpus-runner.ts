/**
 * Runs one corpus case (test/kernels) through the object layer: loads its module, fills its
 * buffers and globals, marshals its arguments, launches and synchronizes.
 * @module
 */
import { bytes, type Context, type DeviceBuffer, type KernelArgument, type Module, type ParamType } from '../../src/index.js';
import { bufferSpecs, encodeStruct, initialContents, kernelFilePath, newArray, outputSpecs, type ArgSpec, type ElemArray, type KernelCase } from '../kernels/corpus.js';

/** The cudajs parameter type of a corpus argument. */
function paramType(arg: ArgSpec): ParamType {
  switch (arg.kind) {
    case 'in': case 'out': case 'inout': case 'rawPointer': return 'ptr';
    // f16/bf16 scalars are given as bit patterns.
    case 'scalar': return arg.type === 'f16' || arg.type === 'bf16' ? 'u16' : arg.type;
    case 'struct': return bytes(arg.size, arg.align);
  }
}

/** The bytes of a typed array, without copying. */
export function asBytes(data: ElemArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A launched case: its module and buffers, disposed together. */
export interface Launched extends Disposable {
  readonly module: Module;
  readonly buffers: ReadonlyMap<string, DeviceBuffer>;
}

/** Loads, fills, launches and synchronizes one case in `ctx`. */
export function launchCase(ctx: Context, c: KernelCase): Launched {
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


/** Every output of a launched case (out/inout buffers, checked globals), read back, by name. */
export function readOutputs(c: KernelCase, { module, buffers }: Launched): Map<string, ElemArray> {
  const outputs = new Map<string, ElemArray>();
  for (const out of outputSpecs(c)) {
    const data = newArray(out.type, out.length);
    const source = out.from === 'buffer' ? buffers.get(out.name)! : module.global(out.name);
    source.copyTo(asBytes(data));
    outputs.set(out.name, data);
  }
  return outputs;
}
