/**
 * Runs every case of the kernel corpus (test/kernels) through the object layer on this process's
 * backend — the emulated device in CI, the GPU on the device machine — and compares each output
 * with the case's CPU reference under the case's own tolerance.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Context, Device } from '../../src/index.js';
import { ALL_CASES, compareOutput, inputsOf, outputSpecs, type KernelCase } from '../kernels/corpus.js';
import { launchCase, readOutputs, type Launched } from '../support/corpus-runner.js';
import { backendKind } from '../support/tiers.js';

const runCaseScript = fileURLToPath(new URL('../support/run-case.js', import.meta.url));

/** Runs a case in a child process (a fault ends CUDA for its process); returns the error's code name, or null. */
function codeNameInChild(name: string): string | null {
  const child = spawnSync(process.execPath, [runCaseScript, name], { encoding: 'utf8', env: process.env });
  const last = child.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return (JSON.parse(last) as { codeName: string | null }).codeName;
  } catch {
    throw new Error(`run-case ${name} exited with ${child.status}: ${child.stderr || child.stdout}`);
  }
}

/** Captures what the emulated device prints (it flushes kernel printf to stdout at synchronize). */
function capturingStdout<T>(fn: () => T): { readonly result: T; readonly lines: string[] } {
  const write = process.stdout.write.bind(process.stdout);
  let text = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    return { result: fn(), lines: text.split('\n').filter((l) => l !== '') };
  } finally {
    process.stdout.write = write;
  }
}

function checkOutputs(c: KernelCase, launched: Launched): void {
  const expected = c.reference(inputsOf(c));
  for (const [name, got] of readOutputs(c, launched)) {
    const type = outputSpecs(c).find((o) => o.name === name)!.type;
    const result = compareOutput(type, got, expected[name]!, c.compare[name]!);
    assert.ok(result.ok, `${c.name}: output ${name}: ${result.summary}`);
  }
}

describe(`kernel corpus on the ${backendKind() === 'gpu' ? 'GPU' : 'emulated device'}`, () => {
  let primary: Context;
  before(() => { primary = Device.get(0).primaryContext(); });
  after(() => primary.dispose());

  for (const c of ALL_CASES) {
    const memcheckOnly = c.expectError?.when === 'memcheck' && backendKind() === 'gpu';
    test(c.name, { skip: memcheckOnly ? 'needs byte-exact bounds checks (the emulated device or compute-sanitizer); a bare GPU runs it to completion' : false }, () => {
      if (c.expectError) {
        assert.equal(codeNameInChild(c.name), c.expectError.codeName);
        return;
      }
      const { result, lines } = capturingStdout(() => launchCase(primary, c));
      using launched = result;
      checkOutputs(c, launched);
      if (c.printfExpected && backendKind() === 'emu') assert.deepEqual(lines, c.printfExpected);
    });
  }
});
