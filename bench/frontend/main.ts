/**
 * Speed of the emulated device's PTX front end (parse + lower) on big.ptx (10.6k lines of nvcc
 * output: unrolled matmul tiles and polynomial kernels): cold and warm compile times, and how the
 * time grows with module size (it should be linear). Module load cost on the emulated device is
 * dominated by this.
 *
 *   npm run build && node dist/bench/frontend/main.js
 */
import { compilePtx } from '../../src/emu/ir/index.js';
import { parsePtx } from '../../src/emu/ptx/parser.js';
import { lowerModule } from '../../src/emu/ir/lower-module.js';
import { ptxFixture } from '../../test/fixtures/ptx/corpus.js';
import { median } from '../support.js';

const text = ptxFixture('big.ptx');
const lines = text.split('\n').length;
const medium = text.slice(0, text.indexOf('\t// .globl\t_Z9poly_evalILi48EEvPKfPfS1_'));

function ms(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const coldMedium = ms(() => compilePtx(medium));
const parse = ms(() => parsePtx(text));
const ast = parsePtx(text);
const lower = ms(() => lowerModule(ast));
const warm = median(Array.from({ length: 7 }, () => ms(() => compilePtx(text))));

/** A module of `copies` renamed copies of big.ptx's functions, so that it stays valid. */
function scaled(copies: number): string {
  const header = text.slice(0, text.indexOf('.visible .entry'));
  const body = text.slice(header.length);
  return header + Array.from({ length: copies }, (_, i) => body.replace(/_Z(\d+)(matmul_tile|poly_eval)/g, `_Z$1$2_${i}`)).join('\n');
}
const growth = [1, 2, 4].map((copies) => {
  const module = scaled(copies);
  compilePtx(module);
  return { copies, ms: median(Array.from({ length: 5 }, () => ms(() => compilePtx(module)))) };
});

console.log(`PTX front end (parse + lower), ${lines}-line big.ptx`);
console.log(`  first compile of ${medium.split('\n').length} lines in a fresh process: ${coldMedium.toFixed(1)} ms`);
console.log(`  ${lines} lines: parse ${parse.toFixed(1)} ms + lower ${lower.toFixed(1)} ms; warm median ${warm.toFixed(1)} ms (${(lines / warm).toFixed(0)} lines/ms)`);
for (const g of growth) console.log(`  ${g.copies}× the module: ${g.ms.toFixed(1)} ms (${(g.ms / growth[0]!.ms).toFixed(2)}× of 1×)`);
