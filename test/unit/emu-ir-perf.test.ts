import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePtx } from '../../src/emu/ir/index.js';
import { ptxFixture } from '../fixtures/ptx/corpus.js';

/**
 * big.ptx (10.6k lines of nvcc output: unrolled matmul tiles and polynomial kernels) compiles, also
 * when its functions are repeated. How long that takes is measured by bench/frontend, not here:
 * targets belong in benchmarks, where a loaded machine cannot fail a test.
 */
test('a 10k-line module and a 4x copy of it parse and lower', () => {
  const text = ptxFixture('big.ptx');
  assert.ok(text.split('\n').length > 10000);
  assert.equal(compilePtx(text).kernels.size, 8);
  const header = text.slice(0, text.indexOf('.visible .entry'));
  const body = text.slice(header.length);
  const four = header + Array.from({ length: 4 }, (_, i) => body.replace(/_Z(\d+)(matmul_tile|poly_eval)/g, `_Z$1$2_${i}`)).join('\n');
  assert.equal(compilePtx(four).kernels.size, 32);
});
