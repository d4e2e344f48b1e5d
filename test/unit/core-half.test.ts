import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bf16Bits, f16Bits } from '../../src/core/half.js';

/** Exact value of binary16 bits. */
function f16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  if (e === 0x1f) return m ? NaN : sign * Infinity;
  return sign * (e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15));
}

test('f16Bits encodes landmarks exactly', () => {
  assert.equal(f16Bits(1), 0x3c00);
  assert.equal(f16Bits(-2), 0xc000);
  assert.equal(f16Bits(65504), 0x7bff);
  assert.equal(f16Bits(65520), 0x7c00); // the midpoint to 2^16 rounds to even: infinity
  assert.equal(f16Bits(65519.99), 0x7bff);
  assert.equal(f16Bits(2 ** -24), 0x0001);
  assert.equal(f16Bits(2 ** -25), 0x0000); // tie → even (zero)
  assert.equal(f16Bits(3 * 2 ** -25), 0x0002); // tie → even (2)
  assert.equal(f16Bits(-0), 0x8000);
  assert.equal(f16Bits(Infinity), 0x7c00);
  assert.equal(f16Bits(NaN) & 0x7e00, 0x7e00);
  assert.equal(f16Bits(1 + 2 ** -11), 0x3c00); // tie → even
  assert.equal(f16Bits(1 + 3 * 2 ** -11), 0x3c02); // tie → even (up)
});

test('f16Bits rounds to the nearest representable value, ties to even', () => {
  fc.assert(fc.property(fc.double({ min: -70000, max: 70000, noNaN: true }), (x) => {
    const bits = f16Bits(x);
    const v = f16Value(bits);
    if (!Number.isFinite(v)) return Math.abs(x) >= 65520;
    // no representable value is strictly closer
    const up = f16Value(bits + 1);
    const down = f16Value(bits - 1 < 0 ? 0x8001 : bits - 1);
    const err = Math.abs(v - x);
    return err <= Math.abs(up - x) && (bits === 0 || bits === 0x8000 || err <= Math.abs(down - x));
  }));
});

test('bf16Bits encodes landmarks exactly', () => {
  assert.equal(bf16Bits(1), 0x3f80);
  assert.equal(bf16Bits(-1.5), 0xbfc0);
  assert.equal(bf16Bits(1 + 2 ** -8), 0x3f80); // tie → even
  assert.equal(bf16Bits(1 + 3 * 2 ** -8), 0x3f82);
  assert.equal(bf16Bits(3.3895313892515355e38), 0x7f7f); // max finite
  assert.equal(bf16Bits(Infinity), 0x7f80);
  assert.equal(bf16Bits(2 ** -133), 0x0001); // smallest subnormal
});
