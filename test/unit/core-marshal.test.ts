import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileLaunch, type KernelArgument } from '../../src/core/marshal.js';
import { array, bytes, layoutParams, struct, type ParamType } from '../../src/core/param-types.js';
import { InvalidArgumentError } from '../../src/errors.js';

/** Compiles a launch function over a fresh block; returns it with the block and the hook log. */
function compile(types: readonly ParamType[]) {
  const params = layoutParams(types);
  const size = params.length ? params[params.length - 1]!.offset + params[params.length - 1]!.size : 0;
  const bytesOut = new Uint8Array(Math.max(size, 1));
  const view = new DataView(bytesOut.buffer);
  const log: string[] = [];
  const launch = compileLaunch<string>('Kernel.launch(k)', params, view, bytesOut, {
    begin: (config, count) => { log.push(`begin ${config} ${count}`); },
    submit: () => { log.push('submit'); },
  });
  return { launch, view, bytes: bytesOut, log, params };
}

test('scalars are written little-endian at their offsets, then the launch is submitted', () => {
  const { launch, view, log, params } = compile(['u8', 'i16', 'u32', 'i64', 'f32', 'f64', 'bool', 'f16', 'bf16']);
  launch('cfg', 200, -2, -1, -5, 1.5, Math.PI, true, 1, 1);
  assert.deepEqual(log, ['begin cfg 9', 'submit']);
  const at = (i: number) => params[i]!.offset;
  assert.equal(view.getUint8(at(0)), 200);
  assert.equal(view.getInt16(at(1), true), -2);
  assert.equal(view.getUint32(at(2), true), 0xffffffff);
  assert.equal(view.getBigInt64(at(3), true), -5n);
  assert.equal(view.getFloat32(at(4), true), 1.5);
  assert.equal(view.getFloat64(at(5), true), Math.PI);
  assert.equal(view.getUint8(at(6)), 1);
  assert.equal(view.getUint16(at(7), true), 0x3c00);
  assert.equal(view.getUint16(at(8), true), 0x3f80);
});

test('64-bit slots take safe integers and bigints of either sign without loss', () => {
  const { launch, view } = compile(['u64']);
  fc.assert(fc.property(fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }), fc.maxSafeInteger(), fc.maxSafeNat()), (v) => {
    launch('c', v);
    return view.getBigUint64(0, true) === BigInt.asUintN(64, BigInt(v));
  }));
});

test('32-bit slots accept the signed and unsigned ranges and nothing else', () => {
  const { launch, view } = compile(['u32']);
  fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), (v) => {
    launch('c', v);
    return view.getUint32(0, true) === v >>> 0;
  }));
  for (const bad of [2 ** 32, -(2 ** 31) - 1, 1.5, NaN, '1', null, undefined, {}]) {
    assert.throws(() => launch('c', bad as KernelArgument), InvalidArgumentError, String(bad));
  }
  launch('c', 7n);
  assert.equal(view.getUint32(0, true), 7);
  assert.throws(() => launch('c', 2n ** 40n), /fits in 32 bits/);
});

test('struct parameters take plain objects (checked field by field) or raw bytes', () => {
  const Params = struct({ scale: 'f32', n: 'i32', bias: 'f64', v: array('f32', 2) });
  const { launch, view, bytes: block } = compile(['u32', Params]);
  launch('c', 1, { scale: 2, n: -3, bias: 0.25, v: [5, 6] });
  assert.equal(view.getFloat32(8, true), 2);
  assert.equal(view.getInt32(12, true), -3);
  assert.equal(view.getFloat64(16, true), 0.25);
  assert.equal(view.getFloat32(24, true), 5);
  assert.equal(view.getFloat32(28, true), 6);
  const raw = new Uint8Array(Params.size).map((_, i) => i);
  launch('c', 1, raw);
  assert.deepEqual(block.subarray(8, 8 + Params.size), raw);
  assert.throws(() => launch('c', 1, { scale: 2, n: 1, bias: 0, v: [1, 2], extra: 1 }), /only the fields scale, n, bias, v/);
  assert.throws(() => launch('c', 1, { scale: 2, n: 1.5, bias: 0, v: [1, 2] }), /argument 1 \(arg1\.n: i32\)/);
  assert.throws(() => launch('c', 1, { scale: 2, n: 1, bias: 0, v: [1] }), /an array of 2 elements/);
  assert.throws(() => launch('c', 1, new Uint8Array(3)), /expects exactly 24 bytes, got 3 bytes/);
});

test('opaque byte parameters take exactly their size', () => {
  const { launch, bytes: block } = compile([bytes(4, 4)]);
  launch('c', new Uint32Array([0x04030201]));
  assert.deepEqual([...block.subarray(0, 4)], [1, 2, 3, 4]);
  assert.throws(() => launch('c', 5), /a Uint8Array, TypedArray or ArrayBuffer of 4 bytes/);
});

test('the argument count is passed to begin() before anything is written', () => {
  const { launch, log } = compile(['u32', 'f32']);
  // This begin() accepts any count, so the missing argument is then caught by its type check.
  assert.throws(() => (launch as (...a: unknown[]) => void)('c', 1), /argument 1 \(arg1: f32\) expects a number, got undefined/);
  assert.deepEqual(log, ['begin c 1']);
});
