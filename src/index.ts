/**
 * cudajs: CUDA for TypeScript.
 * @module
 */
export * from './errors.js';
