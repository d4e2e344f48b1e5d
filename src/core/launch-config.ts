/**
 * Launch configuration: grid and block dimensions, dynamic shared memory, stream, and the
 * attributes of cuLaunchKernelEx (cooperative launch, thread-block clusters).
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { LaunchAttributes, LaunchDims } from '../backend/types.js';
import type { DeviceLimits } from './device.js';
import type { Stream } from './stream.js';

/** Dimensions: `n`, `[x]`, `[x, y]`, `[x, y, z]` or `{ x, y?, z? }`; missing ones are 1. */
export type Dim3 =
  | number
  | readonly [number]
  | readonly [number, number]
  | readonly [number, number, number]
  | { readonly x: number; readonly y?: number; readonly z?: number };

/**
 * How to launch a kernel.
 *
 * @example
 * ```ts
 * kernel.launch({ grid: Math.ceil(n / 256), block: 256 }, n, 2.0, x, y);
 * kernel.launch({ grid: [16, 16], block: [16, 16], sharedMemBytes: 8192, stream }, a, b, c);
 * ```
 */
export interface LaunchConfig {
  /** Blocks in the grid. */
  readonly grid: Dim3;
  /** Threads in a block. */
  readonly block: Dim3;
  /** Dynamic shared memory per block, bytes. Default: 0. */
  readonly sharedMemBytes?: number;
  /** The stream to launch on. Default: the legacy default stream of the kernel's context. */
  readonly stream?: Stream;
  /** Launch cooperatively, so that the whole grid can synchronize (all blocks co-resident). Default: false. */
  readonly cooperative?: boolean;
  /** Thread-block cluster dimensions (compute capability 9.0+). Default: no clusters. */
  readonly cluster?: Dim3;
}

/** The mutable dimensions a kernel reuses for every launch. */
export interface MutableLaunchDims extends LaunchDims {
  gridX: number; gridY: number; gridZ: number;
  blockX: number; blockY: number; blockZ: number;
  sharedMemBytes: number;
}

/** A fresh {@link MutableLaunchDims}, all ones. */
export function newLaunchDims(): MutableLaunchDims {
  return { gridX: 1, gridY: 1, gridZ: 1, blockX: 1, blockY: 1, blockZ: 1, sharedMemBytes: 0 };
}

const AXES = ['x', 'y', 'z'] as const;

function badDims(call: string, what: string, dims: unknown): never {
  throw new InvalidArgumentError(call, `${what} must be a positive integer, [x, y?, z?] or { x, y?, z? }, got ${JSON.stringify(dims) ?? String(dims)}`);
}

/** Reads a {@link Dim3} into three numbers (not yet range-checked). */
function readDim3(call: string, what: string, dims: Dim3, out: [number, number, number]): void {
  if (typeof dims === 'number') {
    out[0] = dims; out[1] = 1; out[2] = 1;
  } else if (Array.isArray(dims)) {
    if (dims.length < 1 || dims.length > 3) badDims(call, what, dims);
    out[0] = dims[0]; out[1] = dims[1] ?? 1; out[2] = dims[2] ?? 1;
  } else if (typeof dims === 'object' && dims !== null && 'x' in dims) {
    const d = dims as { readonly x: number; readonly y?: number; readonly z?: number };
    out[0] = d.x; out[1] = d.y ?? 1; out[2] = d.z ?? 1;
  } else {
    badDims(call, what, dims);
  }
}

function checkRange(call: string, what: string, values: readonly number[], limits: readonly number[]): void {
  for (let i = 0; i < 3; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 1) {
      throw new InvalidArgumentError(call, `${what}.${AXES[i]} is ${String(v)}: each dimension must be an integer ≥ 1`);
    }
    if (v > limits[i]!) {
      throw new InvalidArgumentError(call, `${what}.${AXES[i]} is ${v}, over this device's limit of ${limits[i]}`);
    }
  }
}

const scratch: [number, number, number] = [1, 1, 1];

/**
 * Validates `config` against the device's limits and the kernel's (`maxThreadsPerBlock`,
 * `maxDynamicSharedBytes`) and writes grid, block and shared memory into `dims`. Returns the
 * cuLaunchKernelEx attributes when the config asks for any, else `null`.
 */
export function applyLaunchConfig(
  call: string,
  config: LaunchConfig,
  limits: DeviceLimits,
  kernelMaxThreads: number,
  kernelMaxDynamicShared: number,
  dims: MutableLaunchDims,
): LaunchAttributes | null {
  if (typeof config !== 'object' || config === null) {
    throw new InvalidArgumentError(call, `the first argument must be a launch configuration { grid, block, … }, got ${String(config)}`);
  }
  // The common case — 1-D grid and block as numbers, no attributes — checked in a few comparisons.
  // Anything unusual, invalid values included, takes the general path below, which names the problem.
  const grid = config.grid;
  const block = config.block;
  const shared = config.sharedMemBytes ?? 0;
  if (typeof grid === 'number' && typeof block === 'number' && typeof shared === 'number' &&
      config.cooperative === undefined && config.cluster === undefined &&
      grid >= 1 && grid <= limits.maxGridDim[0] && Math.floor(grid) === grid &&
      block >= 1 && block <= limits.maxBlockDim[0] && block <= kernelMaxThreads && Math.floor(block) === block &&
      shared >= 0 && shared <= kernelMaxDynamicShared && Math.floor(shared) === shared) {
    dims.gridX = grid; dims.gridY = 1; dims.gridZ = 1;
    dims.blockX = block; dims.blockY = 1; dims.blockZ = 1;
    dims.sharedMemBytes = shared;
    return null;
  }
  return applyGeneralLaunchConfig(call, config, limits, kernelMaxThreads, kernelMaxDynamicShared, dims);
}

function applyGeneralLaunchConfig(
  call: string,
  config: LaunchConfig,
  limits: DeviceLimits,
  kernelMaxThreads: number,
  kernelMaxDynamicShared: number,
  dims: MutableLaunchDims,
): LaunchAttributes | null {
  readDim3(call, 'grid', config.grid, scratch);
  checkRange(call, 'grid', scratch, limits.maxGridDim);
  dims.gridX = scratch[0]; dims.gridY = scratch[1]; dims.gridZ = scratch[2];
  readDim3(call, 'block', config.block, scratch);
  checkRange(call, 'block', scratch, limits.maxBlockDim);
  dims.blockX = scratch[0]; dims.blockY = scratch[1]; dims.blockZ = scratch[2];
  const threads = dims.blockX * dims.blockY * dims.blockZ;
  if (threads > kernelMaxThreads) {
    throw new InvalidArgumentError(call, `a block of ${threads} threads exceeds this kernel's limit of ${kernelMaxThreads} threads per block`);
  }
  const shared = config.sharedMemBytes ?? 0;
  if (!Number.isInteger(shared) || shared < 0) {
    throw new InvalidArgumentError(call, `sharedMemBytes must be a non-negative integer, got ${String(shared)}`);
  }
  if (shared > kernelMaxDynamicShared) {
    throw new InvalidArgumentError(call, `sharedMemBytes ${shared} exceeds this kernel's dynamic shared memory limit of ${kernelMaxDynamicShared} bytes; raise it with kernel.setAttribute('maxDynamicSharedSizeBytes', n)`);
  }
  dims.sharedMemBytes = shared;
  if (!config.cooperative && config.cluster === undefined) return null;
  let clusterDim: readonly [number, number, number] | undefined;
  if (config.cluster !== undefined) {
    const cluster: [number, number, number] = [1, 1, 1];
    readDim3(call, 'cluster', config.cluster, cluster);
    checkRange(call, 'cluster', cluster, [Infinity, Infinity, Infinity]);
    for (let i = 0; i < 3; i++) {
      if ([dims.gridX, dims.gridY, dims.gridZ][i]! % cluster[i]! !== 0) {
        throw new InvalidArgumentError(call, `grid.${AXES[i]} must be a multiple of cluster.${AXES[i]} (${cluster[i]})`);
      }
    }
    clusterDim = cluster;
  }
  return { cooperative: config.cooperative === true, ...(clusterDim ? { clusterDim } : {}) };
}
