/**
 * The PTX execution engine of the emulated device (see engine.ts for the overview, layout.ts
 * for the address space, runtime/runner.ts for divergence, barriers and scheduling,
 * semantics/ for the opcodes, jit/ and interp/ for the two executors).
 * @module
 */
export { PtxEngine, PtxModule, PtxInstance, createPtxEngine } from './engine.js';
export { formatPrintf, type PrintfArguments } from './printf.js';
export { UnsupportedError, InternalError } from './errors.js';
export * as layout from './layout.js';
