/**
 * The num truth table run through the engine, against the H100. `test/fixtures/num/truth.ptx` is
 * nvcc's PTX of `truth.cu`: one kernel per PTX instruction under test, run on the GPU into
 * `truth-out.bin.gz` (see emu-num-gpu-truth.test.ts). Here every kernel runs on the PTX engine —
 * its loads, register classes, operand widths, the instruction's template and the stores — with
 * the JIT and with the interpreter:
 *
 * - ops checked `exact` must give the GPU's output words byte for byte (NaN payloads included);
 * - every op must meet the truth table's own check against emu/num's prediction (approximate ops:
 *   identical special values and results within the ISA's bound), i.e. the engine computes what
 *   num computes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { compare, decodeFile, generateInputs, type TruthRecord, type TruthRun } from '../../tools/num-truth/truth.js';
import { IN_WORDS, OUT_WORDS, TRUTH_OPS, TRUTH_OUT_MAGIC } from '../fixtures/num/truth-format.js';
import { load, runPtx } from './emu-exec-harness.js';

const dir = fileURLToPath(new URL('../../../test/fixtures/num/', import.meta.url));
const ptx = readFileSync(`${dir}truth.ptx`, 'utf8');
const gpu = decodeFile(gunzipSync(readFileSync(`${dir}truth-out.bin.gz`)), TRUTH_OUT_MAGIC, OUT_WORDS);
const run = JSON.parse(readFileSync(`${dir}truth-run.json`, 'utf8')) as TruthRun;
const inputs = generateInputs();

/** Runs op `rec`'s kernel on the engine; returns its output record. */
function engineRun(rec: TruthRecord, interpret: boolean, loaded: ReturnType<typeof load>): TruthRecord {
  const { memory } = loaded;
  const inBytes = new Uint8Array(rec.words.buffer, rec.words.byteOffset, rec.words.byteLength);
  const a = memory.alloc(inBytes.byteLength, 'truth in');
  memory.bytes.set(inBytes, a - memory.base);
  const outBytes = rec.count * OUT_WORDS * 8;
  const b = memory.alloc(outBytes, 'truth out');
  memory.bytes.fill(0, b - memory.base, b - memory.base + outBytes);
  runPtx('', `t_${rec.name}`, { grid: [Math.ceil(rec.count / 128), 1, 1], block: [128, 1, 1] }, [BigInt(a), BigInt(b), rec.count], { interpret }, loaded);
  const words = new BigUint64Array(rec.count * OUT_WORDS);
  new Uint8Array(words.buffer).set(memory.bytes.subarray(b - memory.base, b - memory.base + outBytes));
  memory.free(a);
  memory.free(b);
  return { name: rec.name, count: rec.count, status: 0, words };
}

for (const interpret of [false, true]) {
  describe(`the truth table on the PTX engine (${interpret ? 'interpreter' : 'JIT'}) against the H100`, () => {
    const loaded = load(ptx);
    for (const op of TRUTH_OPS) {
      const rec = inputs.find((r) => r.name === op.name)!;
      const measured = run.ops[op.name] !== undefined;
      test(`${op.name} (${op.check.kind})`, () => {
        assert.equal(IN_WORDS, 4);
        const mine = engineRun(rec, interpret, loaded);
        if (measured && op.check.kind === 'exact') {
          const theirs = gpu.find((g) => g.name === op.name)!;
          let diff = 0;
          const examples: string[] = [];
          for (let i = 0; i < rec.count; i++) {
            for (let k = 0; k < OUT_WORDS; k++) {
              if (mine.words[i * OUT_WORDS + k] !== theirs.words[i * OUT_WORDS + k]) {
                diff++;
                if (examples.length < 4) {
                  examples.push(`in [${[...rec.words.subarray(i * IN_WORDS, i * IN_WORDS + 4)].map((w) => `0x${w.toString(16)}`).join(', ')}] ` +
                    `gpu 0x${theirs.words[i * OUT_WORDS + k]!.toString(16)} engine 0x${mine.words[i * OUT_WORDS + k]!.toString(16)}`);
                }
                break;
              }
            }
          }
          assert.equal(diff, 0, `engine vs H100: ${diff} of ${rec.count} cases differ, e.g.\n${examples.join('\n')}`);
        }
        // (compare() labels the engine's words "gpu" and emu/num's prediction "emu".)
        const [rep] = compare([rec], [mine]);
        assert.equal(rep!.mismatches, 0, `engine vs emu/num: ${rep!.mismatches} of ${rep!.count} cases differ, e.g.\n${rep!.examples.join('\n')}`);
      });
    }
  });
}
