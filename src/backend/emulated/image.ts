/**
 * What `cuModuleLoadData` accepts, reduced to what the emulated device can run: PTX text.
 *
 * - PTX text, NUL-terminated or not → itself.
 * - A fatbin → its best PTX entry: the highest architecture not above the device's (as the
 *   driver JIT-compiles the newest compatible PTX). Compressed entries are decompressed.
 * - A cubin (ELF), or a fatbin with SASS only → CUDA_ERROR_NO_BINARY_FOR_GPU: machine code for a
 *   real GPU cannot be emulated.
 * - Anything else → CUDA_ERROR_INVALID_IMAGE.
 * @module
 */
import { CUresult } from '../../raw/driver-types.js';
import { fail } from '../driver-error.js';
import { FATBIN_KIND_ELF, FATBIN_KIND_PTX, FatbinError, entryPayload, isFatbin, parseFatbin, ptxText, type FatbinEntry } from './fatbin.js';

/** PTX extracted from a module image, and where it came from. */
export interface PtxImage {
  readonly ptx: string;
  /** `ptx` for a PTX image, else the fatbin entry it came from. */
  readonly source: 'ptx' | FatbinEntry;
}

const ONLY_PTX = 'the emulated device executes PTX only; load PTX, or a fatbin that contains PTX ' +
  '(nvcc -gencode arch=compute_90,code=[sm_90,compute_90], or -arch=sm_90 which embeds both)';

function isElf(image: Uint8Array): boolean {
  return image.length >= 4 && image[0] === 0x7f && image[1] === 0x45 && image[2] === 0x4c && image[3] === 0x46;
}

/**
 * The PTX to compile for a device of architecture `deviceArch` (e.g. 90).
 * @throws DriverError CUDA_ERROR_NO_BINARY_FOR_GPU, CUDA_ERROR_INVALID_IMAGE (see the module comment).
 */
export function ptxFromImage(image: Uint8Array, deviceArch: number, call: string): PtxImage {
  if (image.length === 0) fail(CUresult.CUDA_ERROR_INVALID_IMAGE, call, 'the image is empty');
  if (isElf(image)) {
    fail(CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU, call, `the image is a cubin (ELF with SASS machine code), which cannot be emulated: ${ONLY_PTX}`);
  }
  if (isFatbin(image)) return fromFatbin(image, deviceArch, call);
  const ptx = ptxText(image);
  if (!/^\s*\.version\b/m.test(ptx)) {
    fail(CUresult.CUDA_ERROR_INVALID_IMAGE, call, 'the image is neither PTX (no .version directive), a fatbin nor a cubin');
  }
  return { ptx, source: 'ptx' };
}

function fromFatbin(image: Uint8Array, deviceArch: number, call: string): PtxImage {
  let entries: FatbinEntry[];
  try {
    entries = parseFatbin(image);
  } catch (e) {
    if (e instanceof FatbinError) fail(CUresult.CUDA_ERROR_INVALID_IMAGE, call, e.message, e);
    throw e;
  }
  const ptx = entries.filter((e) => e.kind === FATBIN_KIND_PTX);
  const usable = ptx.filter((e) => e.arch <= deviceArch).sort((a, b) => b.arch - a.arch);
  const best = usable[0];
  if (!best) {
    const sass = entries.filter((e) => e.kind === FATBIN_KIND_ELF).map((e) => `sm_${e.arch}`);
    const newer = ptx.map((e) => `compute_${e.arch}`);
    const holds = [...new Set([...sass.map((s) => `SASS for ${s}`), ...newer.map((s) => `PTX for ${s}`)])].join(', ') || 'no code';
    const why = newer.length ? `its PTX targets newer architectures than the device's sm_${deviceArch}` : 'it contains no PTX';
    fail(CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU, call, `the fatbin holds ${holds}: ${why}; ${ONLY_PTX}`);
  }
  try {
    return { ptx: ptxText(entryPayload(image, best)), source: best };
  } catch (e) {
    if (e instanceof FatbinError) fail(CUresult.CUDA_ERROR_INVALID_IMAGE, call, e.message, e);
    throw e;
  }
}
