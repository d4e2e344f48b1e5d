import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePtx } from '../../src/emu/ir/index.js';
import { parsePtx } from '../../src/emu/ptx/parser.js';
import { lowerModule } from '../../src/emu/ir/lower-module.js';
import { ptxFixture } from '../fixtures/ptx/corpus.js';

/**
 * Parse + lower speed on big.ptx (10.6k lines of nvcc output: unrolled matmul tiles and
 * polynomial kernels). The bounds are loose so that a loaded CI machine does not fail them; the
 * timings are reported as diagnostics (`node --test` prints them).
 */
test('a 10k-line module parses and lowers quickly, cold and warm', (t) => {
  const text = ptxFixture('big.ptx');
  const lines = text.split('\n').length;
  assert.ok(lines > 10000);
  // The first functions of big.ptx: about 4.2k lines.
  const cut = text.indexOf('\t// .globl\t_Z9poly_evalILi48EEvPKfPfS1_');
  const medium = text.slice(0, cut);
  const mediumLines = medium.split('\n').length;

  let t0 = performance.now();
  const m = compilePtx(medium);
  const coldMedium = performance.now() - t0;
  assert.equal(m.kernels.size, 7);

  t0 = performance.now();
  const ast = parsePtx(text);
  const parse = performance.now() - t0;
  t0 = performance.now();
  const ir = lowerModule(ast);
  const lower = performance.now() - t0;
  assert.equal(ir.kernels.size, 8);

  const warm: number[] = [];
  for (let i = 0; i < 5; i++) {
    t0 = performance.now();
    compilePtx(text);
    warm.push(performance.now() - t0);
  }
  const best = Math.min(...warm);
  t.diagnostic(`first compile of ${mediumLines} lines: ${coldMedium.toFixed(1)} ms`);
  t.diagnostic(`${lines} lines, second compile: parse ${parse.toFixed(1)} ms + lower ${lower.toFixed(1)} ms; warm best ${best.toFixed(1)} ms`);
  assert.ok(coldMedium < 1000, `first compile took ${coldMedium} ms`);
  assert.ok(best < 500, `warm compile took ${best} ms`);
});

test('compile time is linear in module size', () => {
  const text = ptxFixture('big.ptx');
  const header = text.slice(0, text.indexOf('.visible .entry'));
  const body = text.slice(header.length);
  const time = (copies: number): number => {
    // Rename each copy's functions so that the module stays valid.
    const module = header + Array.from({ length: copies }, (_, i) => body.replace(/_Z(\d+)(matmul_tile|poly_eval)/g, `_Z$1$2_${i}`)).join('\n');
    compilePtx(module);
    let best = Infinity;
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      compilePtx(module);
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  };
  const one = time(1);
  const four = time(4);
  assert.ok(four < one * 8, `4x the code took ${(four / one).toFixed(1)}x the time`);
});
