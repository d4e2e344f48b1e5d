/**
 * The koffi behaviours the bindings rely on (documented in tools/gen-bindings/ffi-types.ts),
 * checked with libc so that a koffi upgrade that changes them fails here first.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import koffi from 'koffi';

const libc = (() => {
  try { return process.platform === 'linux' ? koffi.load('libc.so.6') : undefined; } catch { return undefined; }
})();

describe('koffi 3 behaviour', { skip: libc === undefined ? 'needs glibc (libc.so.6)' : undefined }, () => {
  const memcpy = libc!.func('memcpy', 'void *', ['void *', 'void *', 'size_t']) as (d: unknown, s: unknown, n: number) => bigint | null;
  const memchr = libc!.func('memchr', 'void *', ['void *', 'int', 'size_t']) as (p: unknown, c: number, n: number) => bigint | null;
  const strtoull = libc!.func('strtoull', 'uint64', ['const char *', 'void *', 'int']) as (s: string, e: null, b: number) => number | bigint;

  test('a TypedArray or DataView passed for void * is its own memory, at its byteOffset', () => {
    const whole = new Uint8Array(64);
    const sub = whole.subarray(16, 24);
    const returned = memcpy(sub, new Uint8Array([1, 2, 3, 4]), 4);
    assert.equal(returned, koffi.address(whole) as bigint + 16n, 'the callee received the view\'s own address');
    assert.deepEqual([...whole.subarray(16, 20)], [1, 2, 3, 4]);
    const view = new DataView(whole.buffer, 40, 8);
    memcpy(view, new Uint8Array([9, 9]), 2);
    assert.deepEqual([...whole.subarray(40, 42)], [9, 9]);
  });

  test('the address of an ArrayBuffer-backed view stays the same across garbage collections', () => {
    const small = new Uint8Array(8); // small enough to start on the V8 heap
    const first = koffi.address(small);
    const junk: Uint8Array[] = [];
    for (let k = 0; k < 50000; k++) junk.push(new Uint8Array(16));
    junk.length = 0;
    (globalThis as { gc?: () => void }).gc?.();
    assert.equal(koffi.address(small), first);
  });

  test('a bigint is an address, null is NULL; pointer results are bigints or null', () => {
    const bytes = new Uint8Array([5, 6, 7]);
    const found = memchr(koffi.address(bytes), 7, 3);
    assert.equal(found, koffi.address(bytes) as bigint + 2n);
    assert.equal(memchr(bytes, 99, 3), null);
  });

  test('a 64-bit integer result is a number up to 2^53 and a bigint above (so outputs go through BigUint64Array)', () => {
    assert.equal(strtoull('42', null, 10), 42);
    assert.equal(strtoull('18446744073709551615', null, 10), 18446744073709551615n);
  });

  test('koffi.view is the native memory itself, without a copy', () => {
    const p = koffi.alloc('uint8', 16) as bigint;
    const view = new Uint8Array(koffi.view(p, 16));
    view[3] = 77;
    assert.equal(koffi.decode(p, 3, 'uint8'), 77);
    assert.equal(koffi.address(view), p);
    koffi.free(p);
  });
});
