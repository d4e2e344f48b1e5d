/**
 * The native backend's memory layouts, checked without a driver: the parameter block's pointer
 * array, the cuLaunchKernelEx configuration, and the JIT option arrays.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import koffi from 'koffi';
import { driverStructs } from '../../src/raw/driver.js';
import { CUjit_option, CUlaunchAttributeID } from '../../src/raw/driver-types.js';
import { NativeParamBlock } from '../../src/backend/native/param-block.js';
import { LaunchConfigWriter } from '../../src/backend/native/launch-config.js';
import { driverImage, JitOptionArrays } from '../../src/backend/native/jit.js';
import type { StreamHandle } from '../../src/backend/types.js';

test('a parameter block points each kernelParams entry at its slot, in native memory shared with the views', () => {
  const slots = [{ offset: 0, size: 4 }, { offset: 8, size: 8 }, { offset: 16, size: 4 }];
  const block = new NativeParamBlock(slots);
  assert.equal(block.bytes.length, 20);
  assert.equal(block.view.byteLength, 20);
  block.view.setFloat32(0, 2.5, true);
  block.view.setBigUint64(8, 0x7f00_dead_beefn, true);
  block.view.setInt32(16, -7, true);
  const pointers = koffi.decode(block.kernelParams, 'uint64', 3) as BigUint64Array;
  const base = koffi.address(block.bytes) as bigint;
  assert.deepEqual([...pointers], [base, base + 8n, base + 16n]);
  // Reading through the native addresses sees what the DataView wrote.
  assert.equal(koffi.decode(pointers[0]!, 'float'), 2.5);
  assert.equal(BigInt(koffi.decode(pointers[1]!, 'uint64') as number | bigint), 0x7f00_dead_beefn);
  assert.equal(koffi.decode(pointers[2]!, 'int32'), -7);
  assert.equal(block.kernelParams % 8n, 0n, 'the pointer array is 8-byte aligned');
});

test('the addresses survive garbage collection', () => {
  const block = new NativeParamBlock([{ offset: 0, size: 8 }]);
  const before = koffi.address(block.bytes) as bigint;
  const garbage: ArrayBuffer[] = [];
  for (let k = 0; k < 20000; k++) garbage.push(new ArrayBuffer(64));
  garbage.length = 0;
  (globalThis as { gc?: () => void }).gc?.();
  assert.equal(koffi.address(block.bytes), before);
  assert.equal(BigInt(koffi.decode(block.kernelParams, 'uint64') as number | bigint), before);
});

test('a kernel without parameters still has a non-NULL kernelParams', () => {
  const block = new NativeParamBlock([]);
  assert.notEqual(block.kernelParams, 0n);
  assert.equal(block.bytes.length, 0);
});

test('the launch configuration decodes as the CUlaunchConfig and CUlaunchAttribute[] of cuda.h', () => {
  const structs = driverStructs();
  const writer = new LaunchConfigWriter(structs);
  writer.write({ gridX: 3, gridY: 2, gridZ: 1, blockX: 128, blockY: 1, blockZ: 1, sharedMemBytes: 4096 }, 0x1234n as StreamHandle,
    { cooperative: true, clusterDim: [2, 1, 1], programmaticStreamSerialization: true, priority: -2 });
  const config = koffi.decode(writer.address, structs.CUlaunchConfig) as Record<string, number | bigint>;
  assert.equal(config['gridDimX'], 3);
  assert.equal(config['gridDimY'], 2);
  assert.equal(config['blockDimX'], 128);
  assert.equal(config['sharedMemBytes'], 4096);
  assert.equal(config['hStream'], 0x1234n);
  assert.equal(config['numAttrs'], 4);
  const attrs = koffi.decode(config['attrs'] as bigint, structs.CUlaunchAttribute, 4) as { id: number; value: Record<string, unknown> }[];
  const { CU_LAUNCH_ATTRIBUTE_COOPERATIVE, CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION, CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION, CU_LAUNCH_ATTRIBUTE_PRIORITY } = CUlaunchAttributeID;
  assert.deepEqual(attrs.map((a) => a.id), [CU_LAUNCH_ATTRIBUTE_COOPERATIVE, CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION, CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION, CU_LAUNCH_ATTRIBUTE_PRIORITY]);
  const value = (k: number): DataView => {
    const start = (config['attrs'] as bigint) + BigInt(k * koffi.sizeof(structs.CUlaunchAttribute) + koffi.offsetof(structs.CUlaunchAttribute, 'value'));
    return new DataView(koffi.view(start, 16));
  };
  assert.equal(value(0).getInt32(0, true), 1);
  assert.deepEqual([value(1).getUint32(0, true), value(1).getUint32(4, true), value(1).getUint32(8, true)], [2, 1, 1]);
  assert.equal(value(2).getInt32(0, true), 1);
  assert.equal(value(3).getInt32(0, true), -2);

  writer.write({ gridX: 1, gridY: 1, gridZ: 1, blockX: 1, blockY: 1, blockZ: 1, sharedMemBytes: 0 }, 0n as StreamHandle, { priority: 5 });
  const again = koffi.decode(writer.address, structs.CUlaunchConfig) as Record<string, number | bigint>;
  assert.equal(again['numAttrs'], 1);
  assert.equal(value(0).getInt32(0, true), 5);
  assert.equal(value(0).getInt32(4, true), 0, 'the rest of the value is cleared');
});

test('PTX text gets a NUL terminator; terminated text and binaries are passed as they are', () => {
  const text = new TextEncoder().encode('.version 9.0');
  const t = driverImage(text);
  assert.equal(t.length, text.length + 1);
  assert.equal(t[t.length - 1], 0);
  const terminated = new Uint8Array([46, 118, 0]);
  assert.equal(driverImage(terminated), terminated);
  const elf = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 9, 9]);
  assert.equal(driverImage(elf), elf);
});

test('JIT options: log buffers first, then the requested options, integers stored in pointer slots', () => {
  const jit = new JitOptionArrays({ maxRegisters: 32, optimizationLevel: 3, generateLineInfo: true, logBufferBytes: 64 });
  assert.deepEqual([...jit.options], [
    CUjit_option.CU_JIT_INFO_LOG_BUFFER, CUjit_option.CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES,
    CUjit_option.CU_JIT_ERROR_LOG_BUFFER, CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
    CUjit_option.CU_JIT_MAX_REGISTERS, CUjit_option.CU_JIT_OPTIMIZATION_LEVEL, CUjit_option.CU_JIT_GENERATE_LINE_INFO,
  ]);
  assert.equal(jit.count, 7);
  assert.equal(jit.values[0], koffi.address(jit.infoLog));
  assert.equal(jit.values[1], 64n);
  assert.equal(jit.values[2], koffi.address(jit.errorLog));
  assert.deepEqual([...jit.values.slice(4)], [32n, 3n, 1n]);
  // What the driver writes back: the log and, in the size slot, the bytes used.
  jit.errorLog.set(new TextEncoder().encode('line 1: error\n\0'));
  jit.values[3] = 15n;
  assert.equal(jit.error(), 'line 1: error');
  assert.equal(jit.info(), '');
});
