/**
 * cudajs: CUDA for TypeScript — the driver API's explicit contexts, modules and launches, the
 * runtime API's implicit model, and an emulated device that runs PTX on the CPU where no GPU is.
 *
 * @example
 * ```ts
 * import { Device } from 'cudajs';
 *
 * using ctx = Device.get(0).primaryContext();
 * using module = ctx.loadModule(ptx);
 * const saxpy = module.getKernel('saxpy');
 * using x = ctx.upload(new Float32Array([1, 2, 3]));
 * using y = ctx.upload(new Float32Array([10, 20, 30]));
 * saxpy.launch({ grid: 1, block: 32 }, 3, 2.0, x, y);
 * console.log(y.toArray(Float32Array)); // Float32Array [12, 24, 36]
 * ```
 *
 * The runtime API's implicit model, with plug-in isolation:
 * ```ts
 * import { runtime } from 'cudajs';
 *
 * const saxpy = runtime.registerModule(ptx).kernel('saxpy');
 * using plugin = runtime.scope('plugin', { isolation: 'shared' });
 * plugin.run(() => saxpy.launch({ grid: 1, block: 32 }, 3, 2.0, x, y, out));
 * ```
 * @module
 */
export * from './errors.js';
export * from './core/index.js';
export * from './collectives/index.js';
export * as runtime from './runtime/index.js';
export { Scope, RegisteredKernel, RegisteredModule, type Isolation, type ScopeOptions, type ResetOptions } from './runtime/index.js';
export type { Backend, BackendKind, JitOptions } from './backend/types.js';
