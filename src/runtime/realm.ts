/**
 * The runtime's per-thread state. Node gives every worker thread its own JavaScript realm, with its
 * own copy of this module: the current device, the stack of entered scopes and the default scope
 * are therefore per thread, as libcudart's are, without any thread-local storage.
 * @module
 */
import type { DeviceOrdinal } from '../backend/types.js';
import type { Scope } from './scope.js';

/** This thread's runtime state. */
export const realm = {
  /** The device set by `setDevice` (default 0). */
  device: 0 as DeviceOrdinal,
  /** Scopes whose `run()` is executing, innermost last. */
  stack: [] as Scope[],
  /** The scope runtime calls use outside any `run()`, created on first use. */
  runtimeScope: undefined as Scope | undefined,
  /** Every live scope of this thread, by name. */
  scopes: new Map<string, Scope>(),
};
