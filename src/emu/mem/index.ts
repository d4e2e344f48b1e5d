/**
 * The emulated device's global memory: address layout, allocator, bounds checks.
 * @module
 */
export type { AllocationInfo, GlobalMemory } from './types.js';
export { RangeAllocator, type RangeStats } from './allocator.js';
export { DeviceMemory, POISON_BYTE, RED_ZONE_BYTES, type DeviceMemoryOptions, type MemoryStats } from './device-memory.js';
export {
  DEVICE_ADDRESS_BASE, DEVICE_ADDRESS_STRIDE, GRANULE, HOST_ADDRESS_BASE, MAX_EMULATED_DEVICES,
  deviceBase, deviceCapacity, deviceOfAddress,
} from './layout.js';
