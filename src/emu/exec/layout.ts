/**
 * The generic address space as kernels see it on the emulated device, and the engine's limits.
 *
 * ```
 * 0x0000_0000_0000 … 0x1fff_ffff_ffff   unmapped (null and small offsets from it): faults
 * 0x2000_0000_0000 …                    synthetic host pointers: not dereferenceable by kernels
 * 0x7f00_0000_0000 + d · 1 TiB          global memory of device d (see src/emu/mem/layout.ts);
 *                                       `.global` and `.const` module variables live here too, so
 *                                       the const window is the global one (cvta.const is the identity)
 * 2^48                      + a         shared window: `a` is a shared::cluster address (below)
 * 2^48 + 1 · 2^40           + a         local window: `a` is the executing thread's local address
 * 2^48 + 2 · 2^40           + a         kernel parameter window (read-only): `a` is the offset in the
 *                                       launch's parameter buffer (`cvta.param`)
 * 2^48 + 3 · 2^40 + 16 · i              "address" of function i (indirect calls; not dereferenceable)
 * ```
 *
 * Shared addresses (`.shared` state space) are byte offsets in the CTA's shared memory: static
 * variables first (at the kernel's `sharedOffsets`), dynamic (`.extern`) memory after them. In a
 * cluster, `mapa` gives shared::cluster addresses `(rank + 1) · 2^24 + offset` for the CTA of
 * rank `rank`; a plain offset (below 2^24) is the executing CTA's own memory, as PTX requires
 * (the shared::cta window is contained in the shared::cluster window).
 *
 * Local addresses (`.local` state space) are byte offsets in the executing thread's local memory:
 * the kernel's `__local_depot` at 0, each called function's frame after its caller's.
 * @module
 */

/** Start of the generic shared window. */
export const SHARED_WINDOW = 2 ** 48;
/** Start of the generic local window. */
export const LOCAL_WINDOW = SHARED_WINDOW + 2 ** 40;
/** Start of the generic kernel-parameter window. */
export const PARAM_WINDOW = SHARED_WINDOW + 2 * 2 ** 40;
/** Start of the function "address" range. */
export const FUNCTION_WINDOW = SHARED_WINDOW + 3 * 2 ** 40;
/** End of the engine's windows. */
export const WINDOWS_END = SHARED_WINDOW + 4 * 2 ** 40;
/** Size of each window. */
export const WINDOW_SIZE = 2 ** 40;
/** Distance between the shared memories of two cluster ranks in the shared::cluster space. */
export const CLUSTER_RANK_STRIDE = 2 ** 24;
/** Bytes between function addresses. */
export const FUNCTION_STRIDE = 16;

/** Lanes per warp. */
export const WARP_SIZE = 32;
/** Multiprocessors the emulated device reports (%nsmid; %smid is the CTA's linear index modulo this). */
export const SM_COUNT = 132;
/** Warp identifiers per SM (%nwarpid): 2048 threads / 32 on sm_90. */
export const WARPS_PER_SM = 64;
/** Shared memory the sm_90 driver reserves per CTA (counted by %aggr_smem_size). */
export const RESERVED_SHARED_BYTES = 1024;
/** Core clock used for %clock/%clock64, Hz (the H100 SXM boost clock). */
export const CLOCK_HZ = 1.98e9;

/** Deepest chain of active calls per thread (recursion bound): deeper calls fault with CUDA_ERROR_HARDWARE_STACK_ERROR. */
export const MAX_CALL_DEPTH = 1024;
/**
 * Local memory per thread for kernels whose call graph is recursive (their stack depth is dynamic):
 * frames past it fault with CUDA_ERROR_HARDWARE_STACK_ERROR.
 */
export const RECURSIVE_STACK_BYTES = 16 * 1024;
/** Device heap for `malloc` from kernels (cudaLimitMallocHeapSize's default, 8 MiB). */
export const DEVICE_HEAP_BYTES = 8 * 1024 * 1024;
/** Blocks a warp runs before the scheduler moves to another warp of its CTA (lets spin-waits progress). */
export const TIME_SLICE_BLOCKS = 4096;
/** Blocks executed between two checks of the launch's timeout. */
export const TIMEOUT_CHECK_BLOCKS = 2048;

/** State-space codes of memory accesses, as generated code passes them to the runtime's slow path. */
export const Space = {
  /** `.global` and `.const` (module constants live in global memory). */
  global: 0,
  /** No state space: a generic address. */
  generic: 2,
  /** `.shared` / `.shared::cta`: the executing CTA's shared memory (a shared::cluster address is accepted too). */
  shared: 3,
  /** `.shared::cluster`: any CTA of the cluster. */
  cluster: 4,
  /** `.local`: the executing thread's local memory. */
  local: 5,
  /** `.param` of a kernel: the launch's parameter buffer (read-only). */
  kernelParam: 6,
  /** `.param` of a function: the current activation's parameter frame. */
  frameParam: 7,
} as const;
