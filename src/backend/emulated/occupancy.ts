/**
 * The CUDA occupancy calculator for the emulated sm_90 device — the formulas of cuda_occupancy.h
 * (CUDA 13.0) for compute capability 9.x, which the driver's cuOccupancy* functions follow.
 *
 * Blocks resident per SM = the minimum of four limits:
 * - warps:     ⌊64 warp slots / ⌈blockSize / 32⌉⌋ (0 when the block exceeds the device's 1024 threads);
 * - blocks:    32 per SM;
 * - registers: registers are allocated per warp, ⌈numRegs · 32 / 256⌉ · 256 each, out of 16384 per
 *              sub-partition (4 per SM); a block that does not fit the 64 K per-block file (also
 *              checked with its warps rounded up to a multiple of 4) gets 0;
 * - shared memory: each block takes ⌈(static + 1 KiB reserved + dynamic) / 128⌉ · 128 bytes out
 *              of the SM's carveout (228 KiB by default; a carveout preference in percent is
 *              rounded up to the next of 0, 8, 16, 32, 64, 100, 132, 164, 196, 228 KiB and is
 *              ignored when it cannot hold even one block); 0 when the dynamic size exceeds the
 *              function's maximum or the total exceeds the per-block limit.
 * The block-barrier limit of cuda_occupancy.h never binds on sm_90 (64 barriers for ≤ 32
 * blocks, one each), so it is left out.
 * @module
 */
import { SM90 } from './attributes.js';

/** What the calculator needs to know about a kernel. */
export interface OccupancyFunction {
  /** Registers per thread. */
  readonly numRegs: number;
  /** Static shared memory per block, bytes. */
  readonly staticSharedBytes: number;
  /** The kernel's own block-size limit (CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK). */
  readonly maxThreadsPerBlock: number;
  /** CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES. */
  readonly maxDynamicSharedBytes: number;
  /** CU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT: −1 (no preference) or 0–100 percent. */
  readonly carveout: number;
}

/** Each limit separately, and the result. */
export interface OccupancyResult {
  readonly byWarps: number;
  readonly byBlocks: number;
  readonly byRegisters: number;
  readonly bySharedMemory: number;
  /** Blocks resident per SM: the minimum of the limits. */
  readonly activeBlocks: number;
}

const roundUp = (x: number, unit: number): number => Math.ceil(x / unit) * unit;
const KiB = 1024;
/** Register allocation limit per thread for compute capability ≥ 7 (cudaOccRegAllocationMaxPerThread). */
const REG_ALLOCATION_MAX_PER_THREAD = 256;
const SM90_SHARED_CONFIGS = [0, 8, 16, 32, 64, 100, 132, 164, 196, 228].map((k) => k * KiB);

/** Rounds a shared-memory size up to the next carveout size sm_90 supports (cudaOccAlignUpShmemSizeVoltaPlus). */
function alignCarveout(bytes: number): number {
  return SM90_SHARED_CONFIGS.find((c) => bytes <= c) ?? SM90.sharedMemPerMultiprocessor;
}

/** Registers limit (cudaOccMaxBlocksPerSMRegsLimit). */
function blocksByRegisters(numRegs: number, warpsPerBlock: number): number {
  const regsPerWarp = roundUp(numRegs * SM90.warpSize, SM90.regAllocationUnit);
  const perBlock = regsPerWarp * warpsPerBlock;
  const assumedPerBlock = regsPerWarp * roundUp(warpsPerBlock, SM90.subPartitions);
  if (SM90.regsPerBlock < assumedPerBlock || SM90.regsPerBlock < perBlock || numRegs > REG_ALLOCATION_MAX_PER_THREAD) return 0;
  if (regsPerWarp === 0) return Infinity;
  const warpsPerSubPartition = Math.floor(SM90.regsPerMultiprocessor / SM90.subPartitions / regsPerWarp);
  return Math.floor((warpsPerSubPartition * SM90.subPartitions) / warpsPerBlock);
}

/** Shared-memory limit (cudaOccMaxBlocksPerSMSmemLimit, with the opt-in per-function limit). */
function blocksBySharedMemory(fn: OccupancyFunction, dynamicSharedBytes: number): number {
  const preference = fn.carveout < 0
    ? SM90.sharedMemPerMultiprocessor
    : alignCarveout(Math.floor((fn.carveout * SM90.sharedMemPerMultiprocessor) / 100));
  const staticBytes = fn.staticSharedBytes + SM90.reservedSharedMemPerBlock;
  const perBlock = roundUp(staticBytes + dynamicSharedBytes, SM90.sharedMemAllocationUnit);
  const maxUsage = staticBytes + fn.maxDynamicSharedBytes;
  const blockLimit = (maxUsage > SM90.sharedMemPerBlock ? SM90.sharedMemPerBlockOptin : SM90.sharedMemPerBlock) + SM90.reservedSharedMemPerBlock;
  if (dynamicSharedBytes > fn.maxDynamicSharedBytes || perBlock > blockLimit) return 0;
  const perSm = preference >= perBlock ? preference : alignCarveout(perBlock);
  return perBlock > 0 ? Math.floor(perSm / perBlock) : Infinity;
}

/** Blocks of `blockSize` threads resident per SM (cuOccupancyMaxActiveBlocksPerMultiprocessor). */
export function occupancy(fn: OccupancyFunction, blockSize: number, dynamicSharedBytes: number): OccupancyResult {
  const warpsPerBlock = Math.ceil(blockSize / SM90.warpSize);
  const fits = blockSize <= SM90.maxThreadsPerBlock && blockSize <= fn.maxThreadsPerBlock;
  const byWarps = fits ? Math.floor(SM90.maxThreadsPerMultiprocessor / SM90.warpSize / warpsPerBlock) : 0;
  const byBlocks = SM90.maxBlocksPerMultiprocessor;
  const byRegisters = blocksByRegisters(fn.numRegs, warpsPerBlock);
  const bySharedMemory = blocksBySharedMemory(fn, dynamicSharedBytes);
  return { byWarps, byBlocks, byRegisters, bySharedMemory, activeBlocks: Math.min(byWarps, byBlocks, byRegisters, bySharedMemory) };
}

/**
 * The block size with the highest occupancy in threads per SM, and the grid that fills the
 * device with it (cuOccupancyMaxPotentialBlockSize with a constant dynamic shared size).
 * Tries every multiple of 32 from the largest allowed size down, keeping the first best, and
 * stops early at full occupancy (cudaOccMaxPotentialOccupancyBlockSize).
 * @param blockSizeLimit the largest block the caller can use; 0 for no limit.
 */
export function maxPotentialBlockSize(fn: OccupancyFunction, dynamicSharedBytes: number, blockSizeLimit: number): { minGridSize: number; blockSize: number } {
  let limit = Math.min(SM90.maxThreadsPerBlock, fn.maxThreadsPerBlock);
  if (blockSizeLimit > 0) limit = Math.min(limit, blockSizeLimit);
  let bestSize = 0;
  let bestBlocks = 0;
  let bestThreads = 0;
  for (let aligned = roundUp(limit, SM90.warpSize); aligned > 0; aligned -= SM90.warpSize) {
    const size = Math.min(limit, aligned);
    const blocks = occupancy(fn, size, dynamicSharedBytes).activeBlocks;
    if (size * blocks > bestThreads) {
      bestSize = size;
      bestBlocks = blocks;
      bestThreads = size * blocks;
    }
    if (bestThreads === SM90.maxThreadsPerMultiprocessor) break;
  }
  return { minGridSize: bestBlocks * SM90.multiprocessorCount, blockSize: bestSize };
}
