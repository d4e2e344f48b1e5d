/**
 * The differential run: every corpus case executes on the GPU (this process) and on the emulated
 * device (a child process with CUDAJS_DEVICE=emu), from the same PTX with the same inputs, and the
 * two outputs are compared with each other — byte for byte where the case's results are exact
 * (integer and IEEE-exact paths), and within twice the case's own tolerance elsewhere (each side
 * is within the tolerance of the CPU reference, so they are within twice of each other). A summary
 * is written to $OUT/differential.json when $OUT is set.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Device } from '../../src/index.js';
import { ALL_CASES, compareOutput, outputSpecs, type Comparison, type ElemArray } from '../kernels/corpus.js';
import { asBytes, launchCase, readOutputs } from '../support/corpus-runner.js';
import { skipUnlessGpu } from '../support/tiers.js';

const dumpScript = fileURLToPath(new URL('../support/dump-corpus.js', import.meta.url));

/** Twice a case's tolerance: the distance allowed between two results that are each within it of the reference. */
function doubled(cmp: Comparison): Comparison {
  switch (cmp.kind) {
    case 'exact': return cmp;
    case 'ulp': return { ...cmp, maxUlp: 2 * cmp.maxUlp };
    case 'relative': return { ...cmp, tol: 2 * cmp.tol, ...(cmp.atol === undefined ? {} : { atol: 2 * cmp.atol }) };
    case 'absolute': return { ...cmp, tol: 2 * cmp.tol };
  }
}

function sameBytes(a: ElemArray, b: ElemArray): boolean {
  return Buffer.compare(Buffer.from(asBytes(a)), Buffer.from(asBytes(b))) === 0;
}

/** The first elements whose bits differ, as `[i] gpu 0x… emu 0x…`. */
function differingElements(gpu: ElemArray, emu: ElemArray, most = 4): string {
  const size = gpu.BYTES_PER_ELEMENT;
  const g = Buffer.from(asBytes(gpu));
  const e = Buffer.from(asBytes(emu));
  const hex = (b: Buffer, i: number): string => `0x${Buffer.from(b.subarray(i * size, (i + 1) * size)).reverse().toString('hex')}`;
  const found: string[] = [];
  for (let i = 0; i < gpu.length && found.length < most; i++) {
    if (g.compare(e, i * size, (i + 1) * size, i * size, (i + 1) * size) !== 0) found.push(`[${i}] gpu ${hex(g, i)} emu ${hex(e, i)}`);
  }
  return found.join(', ');
}

test('the emulated device computes what the GPU computes, on every corpus case', { skip: skipUnlessGpu() }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cudajs-differential-'));
  const child = spawnSync(process.execPath, [dumpScript, dir], { encoding: 'utf8', env: { ...process.env, CUDAJS_DEVICE: 'emu' }, maxBuffer: 64 << 20 });
  assert.equal(child.status, 0, `the emulated run failed: ${child.stderr}`);

  const rows: { case: string; output: string; kind: string; identical: boolean; ok: boolean; summary: string }[] = [];
  using ctx = Device.get(0).primaryContext();
  for (const c of ALL_CASES.filter((k) => !k.expectError)) {
    using launched = launchCase(ctx, c);
    for (const [name, gpu] of readOutputs(c, launched)) {
      const type = outputSpecs(c).find((o) => o.name === name)!.type;
      const emuBytes = readFileSync(join(dir, `${c.name}.${name}.bin`));
      const emu = new (gpu.constructor as new (b: ArrayBuffer) => ElemArray)(emuBytes.buffer.slice(emuBytes.byteOffset, emuBytes.byteOffset + emuBytes.byteLength));
      const cmp = c.compare[name]!;
      const identical = sameBytes(gpu, emu);
      const result = cmp.kind === 'exact'
        ? { ok: identical, summary: identical ? 'identical' : `bits differ: ${differingElements(gpu, emu)}` }
        : compareOutput(type, emu, gpu, doubled(cmp));
      rows.push({ case: c.name, output: name, kind: cmp.kind, identical, ok: result.ok, summary: result.summary });
    }
  }
  const failed = rows.filter((r) => !r.ok);
  const summary = {
    outputs: rows.length,
    exactOutputs: rows.filter((r) => r.kind === 'exact').length,
    identical: rows.filter((r) => r.identical).length,
    withinTolerance: rows.filter((r) => r.ok && !r.identical).length,
    failed: failed.length,
    rows,
  };
  const out = process.env['OUT'];
  if (out) writeFileSync(join(out, 'differential.json'), `${JSON.stringify(summary, null, 2)}\n`);
  assert.deepEqual(failed.map((r) => `${r.case}.${r.output} (${r.kind}): ${r.summary}`), []);
  assert.ok(rows.length > 100, `${rows.length} outputs compared`);
});
