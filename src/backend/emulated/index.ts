/**
 * The emulated device: the {@link Backend} seam implemented in TypeScript, executing PTX on the
 * CPU through an injected {@link EmuEngine}.
 * @module
 */
export { EmulatedBackend, type EmulatedBackendOptions } from './backend.js';
export { SM90, EMULATED_DEVICE_NAME, EMULATED_DRIVER_VERSION, DEVICE_ATTRIBUTES, emulatedDeviceUuid } from './attributes.js';
export { occupancy, maxPotentialBlockSize, type OccupancyFunction, type OccupancyResult } from './occupancy.js';
export { parseFatbin, isFatbin, type FatbinEntry } from './fatbin.js';
export { ptxFromImage, type PtxImage } from './image.js';
