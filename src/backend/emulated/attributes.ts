/**
 * What an emulated device is: an H100 SXM (compute capability 9.0) in every number that shapes
 * how a program runs — limits, SM count, shared memory, registers — and honest zeros for the
 * features the emulator does not provide.
 *
 * The device attribute table below answers every CUdevice_attribute of cuda.h 13.0
 * (ids 1 … 147). Values are an H100 SXM5 80GB's, except:
 * - total memory: the emulated store's capacity (4 GiB on Node 20, see `src/emu/mem/layout.ts`);
 * - clearly synthetic identity: PCI bus id = 0x10 + ordinal, device and subsystem ids 0;
 * - 0 for what the emulated device cannot do: textures and surfaces (no texture API), virtual
 *   memory management, memory pools, IPC and shareable handles, RDMA, stream memory operations,
 *   tensor maps (TMA), compression, multicast, direct host access to device memory.
 * @module
 */
import { CUdevice_attribute } from '../../raw/driver-types.js';

const CU_DEVICE_ATTRIBUTE_FIRST = 1;
const CU_DEVICE_ATTRIBUTE_MAX = CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX;

/** Architecture limits of the emulated device (sm_90, H100 SXM), used by launch checks and occupancy. */
export const SM90 = {
  computeMajor: 9,
  computeMinor: 0,
  /** `90`: the architecture number used by fatbins and CU_FUNC_ATTRIBUTE_BINARY_VERSION. */
  arch: 90,
  multiprocessorCount: 132,
  warpSize: 32,
  maxThreadsPerBlock: 1024,
  maxBlockDim: [1024, 1024, 64] as const,
  maxGridDim: [2147483647, 65535, 65535] as const,
  maxThreadsPerMultiprocessor: 2048,
  maxBlocksPerMultiprocessor: 32,
  regsPerBlock: 65536,
  regsPerMultiprocessor: 65536,
  /** Most registers one thread can use. */
  maxRegsPerThread: 255,
  /** Registers are allocated per warp in units of this many (cuda_occupancy.h). */
  regAllocationUnit: 256,
  /** Warp schedulers (register file partitions) per SM. */
  subPartitions: 4,
  /** Default per-block shared memory limit (48 KiB). */
  sharedMemPerBlock: 49152,
  /** Opt-in per-block shared memory limit (227 KiB). */
  sharedMemPerBlockOptin: 232448,
  /** Shared memory per SM (228 KiB). */
  sharedMemPerMultiprocessor: 233472,
  /** Shared memory the driver reserves per block. */
  reservedSharedMemPerBlock: 1024,
  /** Shared memory is allocated in units of this many bytes. */
  sharedMemAllocationUnit: 128,
  totalConstantMemory: 65536,
  /** Largest cluster (blocks) without CU_FUNC_ATTRIBUTE_NON_PORTABLE_CLUSTER_SIZE_ALLOWED. */
  portableClusterSize: 8,
  /** Largest cluster with it. */
  nonPortableClusterSize: 16,
  /** Stream priorities: least (default) and greatest (cuCtxGetStreamPriorityRange). */
  leastStreamPriority: 0,
  greatestStreamPriority: -5,
} as const;

/** The driver version the emulated device reports (cuDriverGetVersion): CUDA 13.0. */
export const EMULATED_DRIVER_VERSION = 13000;

/** The name every emulated device reports. */
export const EMULATED_DEVICE_NAME = 'cudajs emulated device (sm_90, H100-like)';

/**
 * A stable UUID per ordinal: the ASCII bytes `cudajs-emu`, two zero bytes, then the ordinal as a
 * big-endian u32 — obviously synthetic, never equal to a real GPU's.
 */
export function emulatedDeviceUuid(ordinal: number): Uint8Array {
  const uuid = new Uint8Array(16);
  uuid.set(new TextEncoder().encode('cudajs-emu'));
  new DataView(uuid.buffer).setUint32(12, ordinal);
  return uuid;
}

type Value = number | ((ordinal: number) => number);

/**
 * Every CUdevice_attribute: [id, name without `CU_DEVICE_ATTRIBUTE_`, value]. Aliases (ids that
 * cuda.h names twice) appear once, under the current name.
 */
export const DEVICE_ATTRIBUTES: ReadonlyArray<readonly [number, string, Value]> = [
  [1, 'MAX_THREADS_PER_BLOCK', SM90.maxThreadsPerBlock],
  [2, 'MAX_BLOCK_DIM_X', SM90.maxBlockDim[0]],
  [3, 'MAX_BLOCK_DIM_Y', SM90.maxBlockDim[1]],
  [4, 'MAX_BLOCK_DIM_Z', SM90.maxBlockDim[2]],
  [5, 'MAX_GRID_DIM_X', SM90.maxGridDim[0]],
  [6, 'MAX_GRID_DIM_Y', SM90.maxGridDim[1]],
  [7, 'MAX_GRID_DIM_Z', SM90.maxGridDim[2]],
  [8, 'MAX_SHARED_MEMORY_PER_BLOCK', SM90.sharedMemPerBlock],
  [9, 'TOTAL_CONSTANT_MEMORY', SM90.totalConstantMemory],
  [10, 'WARP_SIZE', SM90.warpSize],
  [11, 'MAX_PITCH', 2147483647],
  [12, 'MAX_REGISTERS_PER_BLOCK', SM90.regsPerBlock],
  [13, 'CLOCK_RATE', 1980000],
  [14, 'TEXTURE_ALIGNMENT', 512],
  [15, 'GPU_OVERLAP', 1],
  [16, 'MULTIPROCESSOR_COUNT', SM90.multiprocessorCount],
  [17, 'KERNEL_EXEC_TIMEOUT', 0],
  [18, 'INTEGRATED', 0],
  [19, 'CAN_MAP_HOST_MEMORY', 1],
  [20, 'COMPUTE_MODE', 0],
  // 21–29, 42–49, 52–74, 77: texture and surface limits — no texture API on the emulated device.
  [21, 'MAXIMUM_TEXTURE1D_WIDTH', 0],
  [22, 'MAXIMUM_TEXTURE2D_WIDTH', 0],
  [23, 'MAXIMUM_TEXTURE2D_HEIGHT', 0],
  [24, 'MAXIMUM_TEXTURE3D_WIDTH', 0],
  [25, 'MAXIMUM_TEXTURE3D_HEIGHT', 0],
  [26, 'MAXIMUM_TEXTURE3D_DEPTH', 0],
  [27, 'MAXIMUM_TEXTURE2D_LAYERED_WIDTH', 0],
  [28, 'MAXIMUM_TEXTURE2D_LAYERED_HEIGHT', 0],
  [29, 'MAXIMUM_TEXTURE2D_LAYERED_LAYERS', 0],
  [30, 'SURFACE_ALIGNMENT', 512],
  [31, 'CONCURRENT_KERNELS', 1],
  [32, 'ECC_ENABLED', 1],
  [33, 'PCI_BUS_ID', (ordinal) => 0x10 + ordinal],
  [34, 'PCI_DEVICE_ID', 0],
  [35, 'TCC_DRIVER', 0],
  [36, 'MEMORY_CLOCK_RATE', 2619000],
  [37, 'GLOBAL_MEMORY_BUS_WIDTH', 5120],
  [38, 'L2_CACHE_SIZE', 52428800],
  [39, 'MAX_THREADS_PER_MULTIPROCESSOR', SM90.maxThreadsPerMultiprocessor],
  [40, 'ASYNC_ENGINE_COUNT', 3],
  [41, 'UNIFIED_ADDRESSING', 1],
  [42, 'MAXIMUM_TEXTURE1D_LAYERED_WIDTH', 0],
  [43, 'MAXIMUM_TEXTURE1D_LAYERED_LAYERS', 0],
  [44, 'CAN_TEX2D_GATHER', 0],
  [45, 'MAXIMUM_TEXTURE2D_GATHER_WIDTH', 0],
  [46, 'MAXIMUM_TEXTURE2D_GATHER_HEIGHT', 0],
  [47, 'MAXIMUM_TEXTURE3D_WIDTH_ALTERNATE', 0],
  [48, 'MAXIMUM_TEXTURE3D_HEIGHT_ALTERNATE', 0],
  [49, 'MAXIMUM_TEXTURE3D_DEPTH_ALTERNATE', 0],
  [50, 'PCI_DOMAIN_ID', 0],
  [51, 'TEXTURE_PITCH_ALIGNMENT', 32],
  [52, 'MAXIMUM_TEXTURECUBEMAP_WIDTH', 0],
  [53, 'MAXIMUM_TEXTURECUBEMAP_LAYERED_WIDTH', 0],
  [54, 'MAXIMUM_TEXTURECUBEMAP_LAYERED_LAYERS', 0],
  [55, 'MAXIMUM_SURFACE1D_WIDTH', 0],
  [56, 'MAXIMUM_SURFACE2D_WIDTH', 0],
  [57, 'MAXIMUM_SURFACE2D_HEIGHT', 0],
  [58, 'MAXIMUM_SURFACE3D_WIDTH', 0],
  [59, 'MAXIMUM_SURFACE3D_HEIGHT', 0],
  [60, 'MAXIMUM_SURFACE3D_DEPTH', 0],
  [61, 'MAXIMUM_SURFACE1D_LAYERED_WIDTH', 0],
  [62, 'MAXIMUM_SURFACE1D_LAYERED_LAYERS', 0],
  [63, 'MAXIMUM_SURFACE2D_LAYERED_WIDTH', 0],
  [64, 'MAXIMUM_SURFACE2D_LAYERED_HEIGHT', 0],
  [65, 'MAXIMUM_SURFACE2D_LAYERED_LAYERS', 0],
  [66, 'MAXIMUM_SURFACECUBEMAP_WIDTH', 0],
  [67, 'MAXIMUM_SURFACECUBEMAP_LAYERED_WIDTH', 0],
  [68, 'MAXIMUM_SURFACECUBEMAP_LAYERED_LAYERS', 0],
  [69, 'MAXIMUM_TEXTURE1D_LINEAR_WIDTH', 0],
  [70, 'MAXIMUM_TEXTURE2D_LINEAR_WIDTH', 0],
  [71, 'MAXIMUM_TEXTURE2D_LINEAR_HEIGHT', 0],
  [72, 'MAXIMUM_TEXTURE2D_LINEAR_PITCH', 0],
  [73, 'MAXIMUM_TEXTURE2D_MIPMAPPED_WIDTH', 0],
  [74, 'MAXIMUM_TEXTURE2D_MIPMAPPED_HEIGHT', 0],
  [75, 'COMPUTE_CAPABILITY_MAJOR', SM90.computeMajor],
  [76, 'COMPUTE_CAPABILITY_MINOR', SM90.computeMinor],
  [77, 'MAXIMUM_TEXTURE1D_MIPMAPPED_WIDTH', 0],
  [78, 'STREAM_PRIORITIES_SUPPORTED', 1],
  [79, 'GLOBAL_L1_CACHE_SUPPORTED', 1],
  [80, 'LOCAL_L1_CACHE_SUPPORTED', 1],
  [81, 'MAX_SHARED_MEMORY_PER_MULTIPROCESSOR', SM90.sharedMemPerMultiprocessor],
  [82, 'MAX_REGISTERS_PER_MULTIPROCESSOR', SM90.regsPerMultiprocessor],
  [83, 'MANAGED_MEMORY', 1],
  [84, 'MULTI_GPU_BOARD', 0],
  [85, 'MULTI_GPU_BOARD_GROUP_ID', (ordinal) => ordinal],
  [86, 'HOST_NATIVE_ATOMIC_SUPPORTED', 0],
  [87, 'SINGLE_TO_DOUBLE_PRECISION_PERF_RATIO', 2],
  [88, 'PAGEABLE_MEMORY_ACCESS', 0],
  [89, 'CONCURRENT_MANAGED_ACCESS', 1],
  [90, 'COMPUTE_PREEMPTION_SUPPORTED', 1],
  [91, 'CAN_USE_HOST_POINTER_FOR_REGISTERED_MEM', 0],
  [92, 'CAN_USE_STREAM_MEM_OPS_V1', 0],
  [93, 'CAN_USE_64_BIT_STREAM_MEM_OPS_V1', 0],
  [94, 'CAN_USE_STREAM_WAIT_VALUE_NOR_V1', 0],
  [95, 'COOPERATIVE_LAUNCH', 1],
  [96, 'COOPERATIVE_MULTI_DEVICE_LAUNCH', 0],
  [97, 'MAX_SHARED_MEMORY_PER_BLOCK_OPTIN', SM90.sharedMemPerBlockOptin],
  [98, 'CAN_FLUSH_REMOTE_WRITES', 0],
  [99, 'HOST_REGISTER_SUPPORTED', 1],
  [100, 'PAGEABLE_MEMORY_ACCESS_USES_HOST_PAGE_TABLES', 0],
  [101, 'DIRECT_MANAGED_MEM_ACCESS_FROM_HOST', 0],
  [102, 'VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED', 0],
  [103, 'HANDLE_TYPE_POSIX_FILE_DESCRIPTOR_SUPPORTED', 0],
  [104, 'HANDLE_TYPE_WIN32_HANDLE_SUPPORTED', 0],
  [105, 'HANDLE_TYPE_WIN32_KMT_HANDLE_SUPPORTED', 0],
  [106, 'MAX_BLOCKS_PER_MULTIPROCESSOR', SM90.maxBlocksPerMultiprocessor],
  [107, 'GENERIC_COMPRESSION_SUPPORTED', 0],
  [108, 'MAX_PERSISTING_L2_CACHE_SIZE', 32505856],
  [109, 'MAX_ACCESS_POLICY_WINDOW_SIZE', 134213632],
  [110, 'GPU_DIRECT_RDMA_WITH_CUDA_VMM_SUPPORTED', 0],
  [111, 'RESERVED_SHARED_MEMORY_PER_BLOCK', SM90.reservedSharedMemPerBlock],
  [112, 'SPARSE_CUDA_ARRAY_SUPPORTED', 0],
  [113, 'READ_ONLY_HOST_REGISTER_SUPPORTED', 1],
  [114, 'TIMELINE_SEMAPHORE_INTEROP_SUPPORTED', 0],
  [115, 'MEMORY_POOLS_SUPPORTED', 0],
  [116, 'GPU_DIRECT_RDMA_SUPPORTED', 0],
  [117, 'GPU_DIRECT_RDMA_FLUSH_WRITES_OPTIONS', 0],
  [118, 'GPU_DIRECT_RDMA_WRITES_ORDERING', 0],
  [119, 'MEMPOOL_SUPPORTED_HANDLE_TYPES', 0],
  [120, 'CLUSTER_LAUNCH', 1],
  [121, 'DEFERRED_MAPPING_CUDA_ARRAY_SUPPORTED', 0],
  [122, 'CAN_USE_64_BIT_STREAM_MEM_OPS', 0],
  [123, 'CAN_USE_STREAM_WAIT_VALUE_NOR', 0],
  [124, 'DMA_BUF_SUPPORTED', 0],
  [125, 'IPC_EVENT_SUPPORTED', 0],
  [126, 'MEM_SYNC_DOMAIN_COUNT', 4],
  [127, 'TENSOR_MAP_ACCESS_SUPPORTED', 0],
  [128, 'HANDLE_TYPE_FABRIC_SUPPORTED', 0],
  [129, 'UNIFIED_FUNCTION_POINTERS', 0],
  [130, 'NUMA_CONFIG', 0],
  [131, 'NUMA_ID', -1],
  [132, 'MULTICAST_SUPPORTED', 0],
  [133, 'MPS_ENABLED', 0],
  [134, 'HOST_NUMA_ID', -1],
  [135, 'D3D12_CIG_SUPPORTED', 0],
  [136, 'MEM_DECOMPRESS_ALGORITHM_MASK', 0],
  [137, 'MEM_DECOMPRESS_MAXIMUM_LENGTH', 0],
  [138, 'VULKAN_CIG_SUPPORTED', 0],
  [139, 'GPU_PCI_DEVICE_ID', 0],
  [140, 'GPU_PCI_SUBSYSTEM_ID', 0],
  [141, 'HOST_NUMA_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED', 0],
  [142, 'HOST_NUMA_MEMORY_POOLS_SUPPORTED', 0],
  [143, 'HOST_NUMA_MULTINODE_IPC_SUPPORTED', 0],
  [144, 'HOST_MEMORY_POOLS_SUPPORTED', 0],
  [145, 'HOST_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED', 0],
  [146, 'HOST_ALLOC_DMA_BUF_SUPPORTED', 0],
  [147, 'ONLY_PARTIAL_HOST_NATIVE_ATOMIC_SUPPORTED', 0],
];

const VALUES: ReadonlyMap<number, Value> = new Map(DEVICE_ATTRIBUTES.map(([id, , value]) => [id, value]));

/**
 * The value of attribute `id` for emulated device `ordinal`, or `undefined` for an id outside
 * cuda.h's range (the caller turns that into CUDA_ERROR_INVALID_VALUE).
 */
export function deviceAttributeValue(ordinal: number, id: number): number | undefined {
  if (!(id >= CU_DEVICE_ATTRIBUTE_FIRST && id < CU_DEVICE_ATTRIBUTE_MAX)) return undefined;
  const v = VALUES.get(id);
  return typeof v === 'function' ? v(ordinal) : v;
}
