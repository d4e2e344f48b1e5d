/**
 * The GPU backend: {@link createNativeBackend} implements the backend seam over libcuda.
 * @module
 */
export { createNativeBackend } from './backend.js';
