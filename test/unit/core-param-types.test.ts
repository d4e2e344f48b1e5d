import { test } from 'node:test';
import assert from 'node:assert/strict';
import { array, bytes, layoutParams, struct, typeName } from '../../src/core/param-types.js';
import { InvalidArgumentError } from '../../src/errors.js';

test('struct() lays fields out as C does: natural alignment, padded size', () => {
  // struct { float a; int n; double b; } → 0, 4, 8; size 16, align 8
  const s = struct({ a: 'f32', n: 'i32', b: 'f64' });
  assert.deepEqual(s.fields.map((f) => f.offset), [0, 4, 8]);
  assert.equal(s.size, 16);
  assert.equal(s.align, 8);
  // struct { char c; float* p; } → 0, 8; size 16
  const q = struct({ c: 'i8', p: 'ptr' });
  assert.deepEqual(q.fields.map((f) => f.offset), [0, 8]);
  assert.equal(q.size, 16);
  // struct { char c; short s; char d; } → 0, 2, 4; size 6, align 2
  const r = struct({ c: 'u8', s: 'i16', d: 'u8' });
  assert.deepEqual(r.fields.map((f) => f.offset), [0, 2, 4]);
  assert.equal(r.size, 6);
});

test('struct() honours __align__ and nested structs and arrays', () => {
  const inner = struct({ x: 'f32', y: 'f32' }, { align: 8 });
  assert.equal(inner.align, 8);
  const outer = struct({ c: 'u8', v: inner, w: array('f32', 3) });
  assert.deepEqual(outer.fields.map((f) => f.offset), [0, 8, 16]);
  assert.equal(outer.size, 32);
  assert.equal(typeName(outer), 'struct{c: u8, v: struct{x: f32, y: f32}, w: f32[3]}');
});

test('layoutParams packs parameters like the driver (each at its alignment)', () => {
  const specs = layoutParams(['u8', 'i32', 'u8', 'f64', bytes(12, 4), 'u16']);
  assert.deepEqual(specs.map((p) => [p.offset, p.size]), [[0, 1], [4, 4], [8, 1], [16, 8], [24, 12], [36, 2]]);
});

test('bad type descriptions are InvalidArgumentErrors naming the problem', () => {
  assert.throws(() => struct({}), InvalidArgumentError);
  assert.throws(() => struct({ a: 'float' as never }), /'float' is not a parameter type/);
  assert.throws(() => struct({ 'a-b': 'f32' }), /not an identifier/);
  assert.throws(() => struct({ a: 'f32' }, { align: 3 }), /power of two/);
  assert.throws(() => array('f32', 0), /positive integer/);
  assert.throws(() => bytes(4, 6), /power of two/);
});
