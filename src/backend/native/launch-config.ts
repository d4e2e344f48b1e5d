/**
 * The `CUlaunchConfig` and `CUlaunchAttribute[]` that cuLaunchKernelEx reads, kept in one
 * preallocated block and rewritten in place for each launch. Offsets come from the generated koffi
 * struct types, never from hand-written numbers.
 * @module
 */
import koffi, { type TypeObject } from 'koffi';
import type { DriverStructs } from '../../raw/driver.js';
import { CUlaunchAttributeID } from '../../raw/driver-types.js';
import type { LaunchAttributes, LaunchDims, StreamHandle } from '../types.js';

/** At most one attribute of each kind {@link LaunchAttributes} can set. */
const MAX_ATTRIBUTES = 4;

function member(type: TypeObject, name: string): { readonly offset: number; readonly type: TypeObject } {
  const m = type.members?.[name];
  if (m === undefined) throw new Error(`${type.name} has no member ${name}`);
  return m;
}

/** Writes launch configurations for cuLaunchKernelEx; see the module comment. */
export class LaunchConfigWriter {
  /** The address of the `CUlaunchConfig`. */
  readonly address: bigint;
  /** The same address as a number, for integer-pointer bindings. */
  readonly addressNumber: number;
  private readonly view: DataView;
  private readonly config: Readonly<Record<'gridDimX' | 'gridDimY' | 'gridDimZ' | 'blockDimX' | 'blockDimY' | 'blockDimZ' | 'sharedMemBytes' | 'hStream' | 'numAttrs', number>>;
  private readonly attrsOffset: number;
  private readonly attrSize: number;
  private readonly idOffset: number;
  /** A view of each attribute's value union. */
  private readonly values: readonly DataView[];
  private readonly cluster: readonly [number, number, number];

  constructor(structs: DriverStructs) {
    const cfg = structs.CUlaunchConfig;
    const attr = structs.CUlaunchAttribute;
    const at = (name: string): number => member(cfg, name).offset;
    this.config = {
      gridDimX: at('gridDimX'), gridDimY: at('gridDimY'), gridDimZ: at('gridDimZ'),
      blockDimX: at('blockDimX'), blockDimY: at('blockDimY'), blockDimZ: at('blockDimZ'),
      sharedMemBytes: at('sharedMemBytes'), hStream: at('hStream'), numAttrs: at('numAttrs'),
    };
    this.attrSize = koffi.sizeof(attr);
    this.attrsOffset = Math.ceil(koffi.sizeof(cfg) / 8) * 8;
    this.idOffset = member(attr, 'id').offset;
    const value = member(attr, 'value');
    const clusterDim = member(value.type, 'clusterDim').type;
    this.cluster = [member(clusterDim, 'x').offset, member(clusterDim, 'y').offset, member(clusterDim, 'z').offset];

    const buffer = new ArrayBuffer(this.attrsOffset + MAX_ATTRIBUTES * this.attrSize);
    this.view = new DataView(buffer);
    this.values = Array.from({ length: MAX_ATTRIBUTES }, (_, k) =>
      new DataView(buffer, this.attrsOffset + k * this.attrSize + value.offset, koffi.sizeof(value.type)));
    this.address = koffi.address(new Uint8Array(buffer)) as bigint;
    this.addressNumber = Number(this.address);
    this.view.setBigUint64(at('attrs'), this.address + BigInt(this.attrsOffset), true);
  }

  /** Fills the configuration of a launch without attributes (the plain cuLaunchKernel case). */
  writePlain(dims: LaunchDims, stream: StreamHandle): void {
    this.writeDims(dims, stream);
    this.view.setUint32(this.config.numAttrs, 0, true);
  }

  /** Fills the configuration for one launch. */
  write(dims: LaunchDims, stream: StreamHandle, attributes: LaunchAttributes): void {
    this.writeDims(dims, stream);
    const v = this.view;
    const c = this.config;
    let n = 0;
    if (attributes.cooperative !== undefined) {
      this.attribute(n++, CUlaunchAttributeID.CU_LAUNCH_ATTRIBUTE_COOPERATIVE).setInt32(0, attributes.cooperative ? 1 : 0, true);
    }
    if (attributes.clusterDim !== undefined) {
      const value = this.attribute(n++, CUlaunchAttributeID.CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION);
      for (let k = 0; k < 3; k++) value.setUint32(this.cluster[k]!, attributes.clusterDim[k]!, true);
    }
    if (attributes.programmaticStreamSerialization !== undefined) {
      this.attribute(n++, CUlaunchAttributeID.CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION)
        .setInt32(0, attributes.programmaticStreamSerialization ? 1 : 0, true);
    }
    if (attributes.priority !== undefined) {
      this.attribute(n++, CUlaunchAttributeID.CU_LAUNCH_ATTRIBUTE_PRIORITY).setInt32(0, attributes.priority, true);
    }
    v.setUint32(c.numAttrs, n, true);
  }

  private writeDims(dims: LaunchDims, stream: StreamHandle): void {
    const v = this.view;
    const c = this.config;
    v.setUint32(c.gridDimX, dims.gridX, true);
    v.setUint32(c.gridDimY, dims.gridY, true);
    v.setUint32(c.gridDimZ, dims.gridZ, true);
    v.setUint32(c.blockDimX, dims.blockX, true);
    v.setUint32(c.blockDimY, dims.blockY, true);
    v.setUint32(c.blockDimZ, dims.blockZ, true);
    v.setUint32(c.sharedMemBytes, dims.sharedMemBytes, true);
    v.setBigUint64(c.hStream, stream, true);
  }

  /** Sets attribute `index`'s id, zeroes its value and returns a view of the value. */
  private attribute(index: number, id: number): DataView {
    this.view.setUint32(this.attrsOffset + index * this.attrSize + this.idOffset, id, true);
    const value = this.values[index]!;
    for (let k = 0; k < value.byteLength; k += 4) value.setUint32(k, 0, true);
    return value;
  }
}
