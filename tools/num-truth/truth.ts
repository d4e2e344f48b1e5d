/**
 * GPU truth tables for emu/num: writes the input file for `truth.cu` and compares the GPU's
 * output file with emu/num's predictions.
 *
 *   node dist/tools/num-truth/truth.js gen <truth-in.bin>
 *   node dist/tools/num-truth/truth.js compare <truth-in.bin> <truth-out.bin[.gz]> [report.md]
 *   node dist/tools/num-truth/truth.js predict <truth-in.bin> <fake-out.bin>   (emu/num as the "GPU")
 *   node dist/tools/num-truth/truth.js keep <truth-out.bin> [test/fixtures/num]  (the regression fixture)
 *
 * Inputs are deterministic (seeded per op name), so the same file can be regenerated anywhere.
 * `keep` stores a GPU output file as the committed regression fixture: `truth-out.bin.gz` (the
 * file as truth.cu wrote it, gzipped) and `truth-run.json` (per-op digests of the inputs it was
 * computed from, so that a changed generator is caught instead of compared against stale outputs).
 * @module
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ulpDistanceF32 } from '../../src/emu/num/approx.js';
import { bitsToF32 } from '../../src/emu/num/bits.js';
import {
  IN_WORDS, NAME_BYTES, OUT_WORDS, Rng, TRUTH_IN_MAGIC, TRUTH_OPS, TRUTH_OUT_MAGIC, TRUTH_VERSION, type TruthOp,
} from '../../test/fixtures/num/truth-format.js';

/** One op's record in an input or output file. */
export interface TruthRecord {
  readonly name: string;
  readonly count: number;
  /** 0 ran, 1 no such kernel, 2 launch failed (output files only). */
  readonly status: number;
  readonly words: BigUint64Array;
}

function seedOf(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The input words of every op (deterministic). */
export function generateInputs(ops: readonly TruthOp[] = TRUTH_OPS): TruthRecord[] {
  return ops.map((o) => {
    const r = new Rng(seedOf(o.name));
    const words = new BigUint64Array(o.count * IN_WORDS);
    for (let i = 0; i < o.count; i++) {
      const w = o.gen(r, i);
      for (let k = 0; k < IN_WORDS; k++) words[i * IN_WORDS + k] = BigInt.asUintN(64, w[k] ?? 0n);
    }
    return { name: o.name, count: o.count, status: 0, words };
  });
}

/** Serializes records with the given magic (see truth-format.ts for the layout). */
export function encodeFile(magic: string, records: readonly TruthRecord[]): Uint8Array {
  const size = 16 + records.reduce((s, r) => s + NAME_BYTES + 8 + r.words.length * 8, 0);
  const buf = new Uint8Array(size);
  const dv = new DataView(buf.buffer);
  buf.set(new TextEncoder().encode(magic), 0);
  dv.setUint32(4, TRUTH_VERSION, true);
  dv.setUint32(8, records.length, true);
  let p = 16;
  for (const r of records) {
    buf.set(new TextEncoder().encode(r.name.slice(0, NAME_BYTES - 1)), p);
    dv.setUint32(p + NAME_BYTES, r.count, true);
    dv.setUint32(p + NAME_BYTES + 4, r.status, true);
    p += NAME_BYTES + 8;
    for (let i = 0; i < r.words.length; i++, p += 8) dv.setBigUint64(p, r.words[i]!, true);
  }
  return buf;
}

/** Parses a file written by {@link encodeFile} or by truth.cu. */
export function decodeFile(buf: Uint8Array, magic: string, wordsPerCase: number): TruthRecord[] {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (new TextDecoder().decode(buf.subarray(0, 4)) !== magic || dv.getUint32(4, true) !== TRUTH_VERSION) {
    throw new Error(`not a truth file with magic ${magic}, version ${TRUTH_VERSION}`);
  }
  const n = dv.getUint32(8, true);
  const out: TruthRecord[] = [];
  let p = 16;
  for (let k = 0; k < n; k++) {
    const raw = buf.subarray(p, p + NAME_BYTES);
    const name = new TextDecoder().decode(raw.subarray(0, raw.indexOf(0) < 0 ? NAME_BYTES : raw.indexOf(0)));
    const count = dv.getUint32(p + NAME_BYTES, true);
    const status = dv.getUint32(p + NAME_BYTES + 4, true);
    p += NAME_BYTES + 8;
    const words = new BigUint64Array(count * wordsPerCase);
    for (let i = 0; i < words.length; i++, p += 8) words[i] = dv.getBigUint64(p, true);
    out.push({ name, count, status, words });
  }
  return out;
}

/** emu/num's predicted output file for the given inputs. */
export function predictOutputs(inputs: readonly TruthRecord[]): TruthRecord[] {
  return inputs.map((rec) => {
    const o = TRUTH_OPS.find((x) => x.name === rec.name);
    const words = new BigUint64Array(rec.count * OUT_WORDS);
    if (o) {
      for (let i = 0; i < rec.count; i++) {
        const r = o.emu(Array.from(rec.words.subarray(i * IN_WORDS, (i + 1) * IN_WORDS)));
        for (let k = 0; k < OUT_WORDS; k++) words[i * OUT_WORDS + k] = BigInt.asUintN(64, r[k] ?? 0n);
      }
    }
    return { name: rec.name, count: rec.count, status: o ? 0 : 1, words };
  });
}

/** {@link OpReport} status of an op that the output file does not have (added to the table after the run). */
export const NOT_RUN = -1;

/** Comparison of one op. */
export interface OpReport {
  readonly name: string;
  readonly confirms: string | undefined;
  readonly status: number;
  readonly count: number;
  /** Cases whose GPU result differs from emu/num's prediction (for approximate ops: beyond the bound, or special values that differ). */
  readonly mismatches: number;
  /** First few mismatches: inputs, GPU result, emu/num result (hex words). */
  readonly examples: string[];
  /**
   * Approximate ops: largest ulp distance between GPU and emu/num (20-bit steps for
   * `approx-hi20`), and largest error / bound ratio of the GPU's and of emu/num's results.
   */
  readonly maxUlpVsEmu?: number;
  readonly maxBoundRatio?: number;
  readonly maxEmuBoundRatio?: number;
  /** Approximate ops: cases whose result is bit-identical to emu/num's. */
  readonly identical?: number;
}

const hex = (w: bigint) => '0x' + w.toString(16);

/** NaN, ±∞ or ±0: the values an approximate instruction must reproduce exactly. */
function isSpecialF32(x: number): boolean {
  return x !== x || !Number.isFinite(x) || x === 0;
}

/** A "1.11.20" high word whose exponent field is 0 or all ones (zero, subnormal, ∞, NaN). */
function isSpecialHi(hi: number): boolean {
  const e = (hi >>> 20) & 0x7ff;
  return e === 0 || e === 0x7ff;
}

/** Error of `got` against `ref` as a fraction of the allowed error (∞ for a non-finite `got`). */
function boundRatio(got: number, ref: number, allowed: { readonly ulp?: number; readonly abs?: number }): number {
  if (got !== got) return Infinity;
  return allowed.ulp !== undefined ? ulpDistanceF32(got, Math.fround(ref)) / allowed.ulp : Math.abs(got - ref) / allowed.abs!;
}

/** Compares GPU outputs with emu/num for every op. */
export function compare(inputs: readonly TruthRecord[], outputs: readonly TruthRecord[]): OpReport[] {
  return inputs.map((inRec) => {
    const outRec = outputs.find((r) => r.name === inRec.name);
    const o = TRUTH_OPS.find((x) => x.name === inRec.name);
    if (!o || !outRec || outRec.name !== inRec.name || outRec.status !== 0) {
      return { name: inRec.name, confirms: o?.confirms, status: outRec ? outRec.status : o ? NOT_RUN : 1, count: inRec.count, mismatches: 0, examples: [] };
    }
    let mismatches = 0;
    let maxUlp = 0;
    let maxRatio = 0;
    let maxEmuRatio = 0;
    let identical = 0;
    const examples: string[] = [];
    for (let i = 0; i < inRec.count; i++) {
      const w = Array.from(inRec.words.subarray(i * IN_WORDS, (i + 1) * IN_WORDS));
      const got = Array.from(outRec.words.subarray(i * OUT_WORDS, (i + 1) * OUT_WORDS));
      const want = o.emu(w).map((x) => BigInt.asUintN(64, x));
      let bad = false;
      const check = o.check;
      if (check.kind === 'exact') {
        bad = got.some((g, j) => g !== (want[j] ?? 0n));
      } else if (check.kind === 'exact-nan') {
        const isNaN64 = (x: bigint) => (x & 0x7ff0000000000000n) === 0x7ff0000000000000n && (x & 0xfffffffffffffn) !== 0n;
        bad = got.some((g, j) => g !== (want[j] ?? 0n) && !(isNaN64(g) && isNaN64(want[j] ?? 0n)));
      } else if (check.kind === 'approx-hi20') {
        const gw = got[0]!;
        const ew = want[0] ?? 0n;
        if (gw === ew) identical++;
        const gh = Number(gw >> 32n);
        const eh = Number(ew >> 32n);
        if ((gw & 0xffffffffn) !== 0n || (ew & 0xffffffffn) !== 0n || isSpecialHi(Number(w[0]! >> 32n)) || isSpecialHi(gh) || isSpecialHi(eh)) {
          bad = gw !== ew;
        } else {
          const steps = (gh ^ eh) >>> 31 !== 0 ? Infinity : Math.abs(gh - eh);
          maxUlp = Math.max(maxUlp, steps);
          bad = steps > check.maxSteps;
        }
      } else {
        const xs = o.ins.map((_, j) => bitsToF32(Number(w[j]! & 0xffffffffn)));
        const g = bitsToF32(Number(got[0]! & 0xffffffffn));
        const e = bitsToF32(Number((want[0] ?? 0n) & 0xffffffffn));
        if (got[0] === want[0]) identical++;
        if (xs.some(isSpecialF32) || isSpecialF32(e) || isSpecialF32(g)) {
          bad = !(Object.is(g, e) || (g !== g && e !== e));
        } else {
          maxUlp = Math.max(maxUlp, ulpDistanceF32(g, e));
          const ref = check.ref(xs);
          const allowed = check.allowed(xs, ref);
          if (allowed) {
            const ratio = boundRatio(g, ref, allowed);
            const emuRatio = boundRatio(e, ref, allowed);
            maxRatio = Math.max(maxRatio, ratio);
            maxEmuRatio = Math.max(maxEmuRatio, emuRatio);
            bad = ratio > 1 || emuRatio > 1;
          }
        }
      }
      if (bad) {
        mismatches++;
        if (examples.length < 6) examples.push(`in [${w.slice(0, o.ins.length).map(hex).join(', ')}] gpu [${got.slice(0, o.outs.length).map(hex).join(', ')}] emu [${want.slice(0, o.outs.length).map(hex).join(', ')}]`);
      }
    }
    return {
      name: o.name, confirms: o.confirms, status: 0, count: inRec.count, mismatches, examples,
      ...(o.check.kind === 'approx' ? { maxUlpVsEmu: maxUlp, maxBoundRatio: maxRatio, maxEmuBoundRatio: maxEmuRatio, identical } : {}),
      ...(o.check.kind === 'approx-hi20' ? { maxUlpVsEmu: maxUlp, identical } : {}),
    };
  });
}

/** A markdown report of {@link compare}'s result. */
export function reportMarkdown(reports: readonly OpReport[]): string {
  const lines = [
    '| op | confirms | cases | status | mismatches | identical to emu | max ulp vs emu | max error / bound | emu error / bound |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const fix = (x: number | undefined) => (x === undefined ? '' : x.toFixed(3));
  for (const r of reports) {
    lines.push(`| ${r.name} | ${r.confirms ?? ''} | ${r.count} | ${r.status === NOT_RUN ? 'not in this run' : ['ran', 'no kernel', 'launch failed'][r.status] ?? r.status} | ${r.mismatches} | ${r.identical ?? ''} | ${r.maxUlpVsEmu ?? ''} | ${fix(r.maxBoundRatio)} | ${fix(r.maxEmuBoundRatio)} |`);
  }
  const details = reports.filter((r) => r.examples.length > 0).map((r) => `### ${r.name}\n\n${r.examples.map((e) => `- ${e}`).join('\n')}\n`);
  return `# GPU truth vs emu/num\n\n${lines.join('\n')}\n\n${details.join('\n')}`;
}

/** Reads a truth file, gunzipping it when its name ends in `.gz`. */
export function readTruthFile(path: string): Uint8Array {
  const raw = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(raw) : raw;
}

/** Short digest of one op's input words (the first 16 hex digits of their SHA-256). */
export function inputDigest(rec: TruthRecord): string {
  return createHash('sha256').update(new Uint8Array(rec.words.buffer, rec.words.byteOffset, rec.words.byteLength)).digest('hex').slice(0, 16);
}

/** The manifest stored next to a kept GPU output file. */
export interface TruthRun {
  /** What produced the outputs (free text: device, driver, CUDA, date). */
  readonly run: string;
  /** Per op: case count and {@link inputDigest} of the inputs the GPU ran. */
  readonly ops: Record<string, { readonly count: number; readonly inputs: string }>;
}

/** The manifest of a GPU output file for the current generator's inputs. */
export function truthRun(run: string, inputs: readonly TruthRecord[], outputs: readonly TruthRecord[]): TruthRun {
  const ops: Record<string, { count: number; inputs: string }> = {};
  for (const rec of inputs) {
    if (outputs.some((o) => o.name === rec.name && o.status === 0)) ops[rec.name] = { count: rec.count, inputs: inputDigest(rec) };
  }
  return { run, ops };
}

/** {@link TruthRun} as JSON with one line per op. */
export function truthRunJson(r: TruthRun): string {
  const ops = Object.entries(r.ops).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{\n  "run": ${JSON.stringify(r.run)},\n  "ops": {\n${ops.join(',\n')}\n  }\n}\n`;
}

function main(argv: readonly string[]): number {
  const [cmd, a, b, c] = argv;
  if (cmd === 'gen' && a) {
    writeFileSync(a, encodeFile(TRUTH_IN_MAGIC, generateInputs()));
    console.log(`wrote ${a}: ${TRUTH_OPS.length} ops`);
    return 0;
  }
  if (cmd === 'predict' && a && b) {
    writeFileSync(b, encodeFile(TRUTH_OUT_MAGIC, predictOutputs(decodeFile(readFileSync(a), TRUTH_IN_MAGIC, IN_WORDS))));
    return 0;
  }
  if (cmd === 'keep' && a) {
    const dir = b ?? 'test/fixtures/num';
    const out = readTruthFile(a);
    const run = c ?? 'NVIDIA H100 (sm_90), driver 580, CUDA 13.0';
    writeFileSync(`${dir}/truth-out.bin.gz`, gzipSync(out, { level: 9 }));
    writeFileSync(`${dir}/truth-run.json`, truthRunJson(truthRun(run, generateInputs(), decodeFile(out, TRUTH_OUT_MAGIC, OUT_WORDS))));
    console.log(`wrote ${dir}/truth-out.bin.gz and ${dir}/truth-run.json`);
    return 0;
  }
  if (cmd === 'compare' && a && b) {
    const reports = compare(decodeFile(readFileSync(a), TRUTH_IN_MAGIC, IN_WORDS), decodeFile(readTruthFile(b), TRUTH_OUT_MAGIC, OUT_WORDS));
    const md = reportMarkdown(reports);
    if (c) writeFileSync(c, md);
    console.log(md);
    return reports.some((r) => r.mismatches > 0 || (r.status !== 0 && r.status !== NOT_RUN)) ? 1 : 0;
  }
  console.error('usage: truth.js gen <in.bin> | predict <in.bin> <out.bin> | compare <in.bin> <out.bin[.gz]> [report.md] | keep <out.bin> [dir] [run]');
  return 2;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
