/**
 * The emulated device's address layout, in one place.
 *
 * ```
 * 0x0000_0000_0000 … 0x1fff_ffff_ffff   unmapped: the null pointer and any small offset from it
 *                                        never hit memory (a fault, as on the GPU)
 * 0x2000_0000_0000 …                    synthetic host pointers (pinned and registered host memory)
 * 0x7f00_0000_0000 + d · 1 TiB          global memory of emulated device d (d = 0, 1, …), one flat
 *   … + capacity                        store per device; the rest of each 1 TiB slot is unmapped
 * ```
 *
 * Each device sits in its own 1 TiB slot so that, under unified addressing, the device that owns a
 * pointer is `(address − DEVICE_ADDRESS_BASE) / DEVICE_ADDRESS_STRIDE`. All addresses stay far
 * below 2^53, so they are exact JavaScript numbers.
 * @module
 */
import { largestResizableByteLength } from './resizable.js';

/** Device address of byte 0 of device 0's global memory. */
export const DEVICE_ADDRESS_BASE = 0x7f00_0000_0000;
/** Distance between the bases of consecutive devices: 1 TiB. */
export const DEVICE_ADDRESS_STRIDE = 2 ** 40;
/** Most emulated devices one process can have (keeps every address below 2^53 with room to spare). */
export const MAX_EMULATED_DEVICES = 64;
/** First synthetic host pointer handed out for pinned or registered host memory. */
export const HOST_ADDRESS_BASE = 0x2000_0000_0000;
/** Allocation granule: every allocation starts on a multiple of this (cudaMalloc guarantees 256). */
export const GRANULE = 256;
/** Largest device memory capacity considered, bytes (16 GiB). */
const MAX_CAPACITY = 2 ** 34;

/** Base device address of emulated device `ordinal`. */
export function deviceBase(ordinal: number): number {
  return DEVICE_ADDRESS_BASE + ordinal * DEVICE_ADDRESS_STRIDE;
}

/**
 * The device that owns `address` under unified addressing, or −1 when the address is not in any
 * device's slot.
 */
export function deviceOfAddress(address: number): number {
  const d = Math.floor((address - DEVICE_ADDRESS_BASE) / DEVICE_ADDRESS_STRIDE);
  return d >= 0 && d < MAX_EMULATED_DEVICES ? d : -1;
}

let capacity: number | undefined;

/**
 * Global memory per emulated device, bytes: the largest resizable `ArrayBuffer` this JavaScript
 * engine allows, capped at 16 GiB. V8 in Node 20 allows `maxByteLength` up to 4 GiB, so the
 * emulated device reports 4 GiB there. The memory is committed only as allocations need it.
 */
export function deviceCapacity(): number {
  return (capacity ??= largestResizableByteLength(MAX_CAPACITY, GRANULE * 4096));
}
