/**
 * Negative cases: a failing device assert, out-of-bounds, null and misaligned accesses. Each
 * leaves the context unusable (a sticky error); runners recreate it afterwards. Where the same
 * kernel can also succeed, a passing case comes first.
 * @module
 */
import type { KernelCase } from '../types.js';
import { EXACT, inBuf, launch1d, outBuf, rawPointer, scalar, variant } from '../support/builders.js';
import { Rng, i32Array, u8Array } from '../support/prng.js';

function assertCases(): KernelCase[] {
  const n = 500, rng = new Rng('check_nonnegative');
  const good = i32Array(rng, n, 0, 1000);
  const bad = good.slice();
  bad[137] = -5;
  const base = {
    source: 'assert.cu', ptxFile: 'ptx/assert.ptx', entry: 'check_nonnegative', ...launch1d(n, 128), sharedMemBytes: 0,
  };
  const failing: KernelCase = {
    ...base, name: 'assert_fails', description: 'device assert() fails in thread 137 (block 1, thread 9): __assertfail, CUDA_ERROR_ASSERT',
    args: [inBuf('x', 'i32', bad), outBuf('y', 'i32', n), scalar('n', 'i32', n)],
    reference: () => ({}), compare: {}, expectError: { codeName: 'CUDA_ERROR_ASSERT', when: 'always' }, tags: ['assert', 'fault'],
  };
  return [
    {
      ...base, name: 'assert_passes', description: 'the same kernel with non-negative input: the assert holds, y = 2x',
      args: [inBuf('x', 'i32', good), outBuf('y', 'i32', n), scalar('n', 'i32', n)],
      reference: (io) => ({ y: io.buffer('x', 'i32').map((v) => 2 * v) }), compare: { y: EXACT }, tags: ['assert', 'int'],
    },
    failing,
    variant(failing, 'lineinfo', 'ptx/assert.lineinfo.ptx', ['lineinfo']),
  ];
}

function outOfBounds(): KernelCase[] {
  const n = 256;
  const pastEnd: KernelCase = {
    name: 'oob_write_past_end', description: 'the last thread writes one float past the end of a 256-float buffer: caught by bounds checking (emulator, compute-sanitizer), not by a bare GPU',
    source: 'oob.cu', ptxFile: 'ptx/oob.ptx', entry: 'oob_write', ...launch1d(n, 128), sharedMemBytes: 0,
    args: [outBuf('out', 'f32', n), scalar('n', 'i32', n), scalar('offset', 'i32', 1)],
    reference: () => ({}), compare: {}, expectError: { codeName: 'CUDA_ERROR_ILLEGAL_ADDRESS', when: 'memcheck' }, tags: ['fault', 'memcheck'],
  };
  const rng = new Rng('misaligned_read');
  const bytes = u8Array(rng, 64);
  const misaligned = {
    source: 'oob.cu', ptxFile: 'ptx/oob.ptx', entry: 'misaligned_read', grid: [1, 1, 1] as const, block: [8, 1, 1] as const, sharedMemBytes: 0,
  };
  return [
    {
      name: 'oob_write_in_bounds', description: 'the same kernel with offset 0: every write in bounds',
      source: 'oob.cu', ptxFile: 'ptx/oob.ptx', entry: 'oob_write', ...launch1d(n, 128), sharedMemBytes: 0,
      args: [outBuf('out', 'f32', n), scalar('n', 'i32', n), scalar('offset', 'i32', 0)],
      reference: () => ({ out: Float32Array.from({ length: n }, (_, i) => i) }), compare: { out: EXACT }, tags: ['f32'],
    },
    pastEnd,
    variant(pastEnd, 'lineinfo', 'ptx/oob.lineinfo.ptx', ['lineinfo']),
    {
      name: 'oob_read_far', description: 'reads 2^38 bytes past a 64-float buffer: unmapped on every backend, CUDA_ERROR_ILLEGAL_ADDRESS',
      source: 'oob.cu', ptxFile: 'ptx/oob.ptx', entry: 'oob_read_far', grid: [1, 1, 1], block: [64, 1, 1], sharedMemBytes: 0,
      args: [inBuf('in', 'f32', new Float32Array(64).fill(1)), outBuf('out', 'f32', 64), scalar('offset', 'i64', 1n << 36n)],
      reference: () => ({}), compare: {}, expectError: { codeName: 'CUDA_ERROR_ILLEGAL_ADDRESS', when: 'always' }, tags: ['fault'],
    },
    {
      name: 'null_write', description: 'writes through a null pointer parameter: CUDA_ERROR_ILLEGAL_ADDRESS',
      source: 'oob.cu', ptxFile: 'ptx/oob.ptx', entry: 'write_through', grid: [1, 1, 1], block: [32, 1, 1], sharedMemBytes: 0,
      args: [rawPointer('p', 0n), scalar('value', 'i32', 42)],
      reference: () => ({}), compare: {}, expectError: { codeName: 'CUDA_ERROR_ILLEGAL_ADDRESS', when: 'always' }, tags: ['fault'],
    },
    {
      ...misaligned, name: 'aligned_read', description: 'float loads from a byte buffer at a 4-byte aligned offset: reinterpreted bytes',
      args: [inBuf('base', 'u8', bytes), scalar('byte_offset', 'i32', 4), outBuf('out', 'f32', 8)],
      reference: (io) => {
        const b = io.buffer('base', 'u8');
        return { out: new Float32Array(b.buffer.slice(4, 36)) };
      },
      compare: { out: EXACT }, tags: ['f32'],
    },
    {
      ...misaligned, name: 'misaligned_read', description: 'float loads at byte offset 2: CUDA_ERROR_MISALIGNED_ADDRESS',
      args: [inBuf('base', 'u8', bytes), scalar('byte_offset', 'i32', 2), outBuf('out', 'f32', 8)],
      reference: () => ({}), compare: {}, expectError: { codeName: 'CUDA_ERROR_MISALIGNED_ADDRESS', when: 'always' }, tags: ['fault'],
    },
  ];
}

/** Fault cases (and their passing counterparts). */
export function faultCases(): KernelCase[] {
  return [...assertCases(), ...outOfBounds()];
}
