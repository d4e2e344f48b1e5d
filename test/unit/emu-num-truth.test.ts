/**
 * The GPU truth-table machinery: truth.cu is in sync with the table, the file format round-trips,
 * and emu/num passes its own comparison (so a GPU run's mismatches are the GPU's differences).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { truthCu } from '../../tools/num-truth/cu.js';
import { compare, decodeFile, encodeFile, generateInputs, predictOutputs } from '../../tools/num-truth/truth.js';
import { IN_WORDS, NAME_BYTES, OUT_WORDS, TRUTH_IN_MAGIC, TRUTH_OPS, TRUTH_OUT_MAGIC } from '../fixtures/num/truth-format.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

test('truth.cu is generated from the current truth table', () => {
  const committed = readFileSync(`${root}test/fixtures/num/truth.cu`, 'utf8');
  assert.equal(committed, truthCu(), 'run: node dist/tools/num-truth/cu.js');
});

test('truth.ptx (nvcc -ptx of truth.cu, for the emulator) has exactly the kernels of the table', () => {
  const ptx = readFileSync(`${root}test/fixtures/num/truth.ptx`, 'utf8');
  const entries = [...ptx.matchAll(/\.visible \.entry (t_\w+)\(/g)].map((m) => m[1]);
  assert.deepEqual(entries, TRUTH_OPS.map((o) => `t_${o.name}`), 'run: nvcc -arch=sm_90 -ptx -o test/fixtures/num/truth.ptx test/fixtures/num/truth.cu');
});

test('op names are unique C identifiers that fit the name field; operand counts fit the layout', () => {
  const names = new Set<string>();
  for (const o of TRUTH_OPS) {
    assert.match(o.name, /^[A-Za-z_][A-Za-z0-9_]*$/);
    assert.ok(o.name.length < NAME_BYTES, o.name);
    assert.ok(!names.has(o.name), `duplicate ${o.name}`);
    names.add(o.name);
    assert.ok(o.ins.length <= IN_WORDS && o.outs.length >= 1 && o.outs.length <= OUT_WORDS, o.name);
  }
});

test('input/output files round-trip, and emu/num agrees with itself on every op', () => {
  const inputs = generateInputs();
  const again = decodeFile(encodeFile(TRUTH_IN_MAGIC, inputs), TRUTH_IN_MAGIC, IN_WORDS);
  assert.deepEqual(again.map((r) => [r.name, r.count]), inputs.map((r) => [r.name, r.count]));
  assert.deepEqual(Array.from(again[3]!.words), Array.from(inputs[3]!.words));
  const outputs = decodeFile(encodeFile(TRUTH_OUT_MAGIC, predictOutputs(inputs)), TRUTH_OUT_MAGIC, OUT_WORDS);
  const reports = compare(inputs, outputs);
  const bad = reports.filter((r) => r.mismatches > 0 || r.status !== 0);
  assert.deepEqual(bad.map((r) => `${r.name}: ${r.examples[0] ?? r.status}`), []);
  // the generator is deterministic
  assert.deepEqual(Array.from(generateInputs()[10]!.words), Array.from(inputs[10]!.words));
});

test('a GPU result that differs is reported with its inputs', () => {
  const inputs = generateInputs().filter((r) => r.name === 'div_u32');
  const outputs = predictOutputs(inputs);
  outputs[0]!.words[0] ^= 1n;
  const [rep] = compare(inputs, outputs);
  assert.equal(rep!.mismatches, 1);
  assert.match(rep!.examples[0]!, /^in \[0x[0-9a-f]+, 0x[0-9a-f]+\] gpu \[0x[0-9a-f]+\] emu \[0x[0-9a-f]+\]$/);
});
