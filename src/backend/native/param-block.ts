/**
 * Parameter blocks for cuLaunchKernel: the argument bytes and the `void *kernelParams[]` that
 * points at each of them, in one memory block built once per kernel.
 *
 * The memory is a JavaScript ArrayBuffer, not `koffi.alloc` or cuMemAllocHost: its backing store
 * lives outside the V8 heap and never moves while the buffer is reachable and not transferred
 * (V8 moves the JS object, never the store; see tools/gen-bindings/ffi-types.ts), so the addresses
 * computed here stay valid for the block's lifetime, and the garbage collector frees it when the
 * block (or a view of its bytes) is no longer referenced. Nothing can be used after free, no
 * FinalizationRegistry is needed, and pinned memory would buy nothing: cuLaunchKernel copies the
 * argument values during the call.
 * @module
 */
import koffi from 'koffi';
import type { ParamBlock, ParamSlot } from '../types.js';

/** A {@link ParamBlock} with the address of its `kernelParams` array. */
export class NativeParamBlock implements ParamBlock {
  readonly view: DataView;
  readonly bytes: Uint8Array;
  readonly slots: readonly ParamSlot[];
  /** The address of `void *kernelParams[slots.length]`, each entry pointing at its slot's bytes. */
  readonly kernelParams: bigint;
  /** {@link kernelParams} as a number, for integer-pointer bindings. */
  readonly kernelParamsNumber: number;

  constructor(slots: readonly ParamSlot[]) {
    const end = slots.reduce((max, s) => Math.max(max, s.offset + s.size), 0);
    const argBytes = Math.ceil(end / 8) * 8;
    // At least one pointer slot, so that the block has a real (non-NULL) address.
    const buffer = new ArrayBuffer(argBytes + 8 * Math.max(slots.length, 1));
    const base = koffi.address(new Uint8Array(buffer)) as bigint;
    const pointers = new BigUint64Array(buffer, argBytes, slots.length);
    slots.forEach((s, k) => { pointers[k] = base + BigInt(s.offset); });
    this.bytes = new Uint8Array(buffer, 0, end);
    this.view = new DataView(buffer, 0, end);
    this.slots = Object.freeze(slots.map((s) => ({ offset: s.offset, size: s.size })));
    this.kernelParams = base + BigInt(argBytes);
    this.kernelParamsNumber = Number(this.kernelParams);
  }
}
