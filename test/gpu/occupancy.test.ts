/**
 * The emulated device's occupancy calculator (src/backend/emulated/occupancy.ts, after CUDA's
 * cuda_occupancy.h for sm_90) against what the H100's driver reports, for real kernels with the
 * register counts and shared memory the GPU's compiler gave them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Device, type Kernel } from '../../src/index.js';
import { maxPotentialBlockSize, occupancy } from '../../src/backend/emulated/occupancy.js';
import { kernelFilePath } from '../kernels/corpus.js';
import { skipUnlessGpu } from '../support/tiers.js';

const KERNELS: readonly (readonly [file: string, entry: string])[] = [
  ['ptx/vector_add.ptx', 'vec_add_f32'],
  ['ptx/matmul.ptx', 'matmul_tiled_f32'],
  ['ptx/bitonic_sort.ptx', 'bitonic_sort_kv'],
  ['ptx/softmax.ptx', 'softmax_rows'],
  ['ptx/local_memory.ptx', 'local_window_sort'],
];
const BLOCK_SIZES = [32, 64, 96, 128, 192, 256, 384, 512, 640, 768, 1024];
const DYNAMIC_SHARED = [0, 1024, 12 * 1024, 40 * 1024];

function asOccupancyFunction(kernel: Kernel) {
  return {
    numRegs: kernel.attribute('numRegs'),
    staticSharedBytes: kernel.attribute('sharedSizeBytes'),
    maxThreadsPerBlock: kernel.attribute('maxThreadsPerBlock'),
    maxDynamicSharedBytes: kernel.attribute('maxDynamicSharedSizeBytes'),
    carveout: kernel.attribute('preferredSharedMemoryCarveout'),
  };
}

test('the emulated occupancy calculator agrees with the H100 driver', { skip: skipUnlessGpu() }, () => {
  using ctx = Device.get(0).primaryContext();
  let compared = 0;
  for (const [file, entry] of KERNELS) {
    using module = ctx.loadModuleFile(kernelFilePath(file));
    const kernel = module.getKernel(entry);
    const fn = asOccupancyFunction(kernel);
    for (const block of BLOCK_SIZES.filter((b) => b <= fn.maxThreadsPerBlock)) {
      for (const shared of DYNAMIC_SHARED.filter((s) => s <= fn.maxDynamicSharedBytes)) {
        const driver = kernel.maxActiveBlocksPerMultiprocessor(block, shared);
        const emulated = occupancy(fn, block, shared).activeBlocks;
        assert.equal(emulated, driver, `${kernel.name} (${fn.numRegs} registers, ${fn.staticSharedBytes} B static shared), block ${block}, dynamic shared ${shared}`);
        compared++;
      }
    }
    const suggestion = kernel.suggestLaunch();
    const limits = Device.get(0).limits;
    const emulatedSuggestion = maxPotentialBlockSize(fn, 0, 0);
    assert.equal(emulatedSuggestion.blockSize, suggestion.blockSize, `${kernel.name}: suggested block size`);
    assert.equal(emulatedSuggestion.minGridSize, suggestion.minGridSize, `${kernel.name}: minimum grid (${limits.multiprocessorCount} SMs)`);
  }
  assert.ok(compared > 100, `${compared} configurations compared`);
});
