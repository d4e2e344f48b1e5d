/**
 * Every case of the kernel corpus (test/kernels) on the PTX engine directly — a DeviceMemory and
 * the engine, no object layer — with the block JIT and with the reference interpreter: outputs
 * against the case's CPU reference under its tolerance, expected faults by code, printf lines in
 * order; and the two executors agree bit for bit (outputs, printf text, instruction counts).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelFaultError } from '../../src/errors.js';
import { ALL_CASES, compareOutput, inputsOf, outputSpecs, type KernelCase } from '../kernels/corpus.js';
import { runCase, type CaseRun } from './emu-exec-harness.js';

function check(c: KernelCase, r: CaseRun): void {
  if (c.expectError) {
    assert.ok(r.error instanceof KernelFaultError, `${c.name}: expected ${c.expectError.codeName}, got ${String(r.error)}`);
    assert.equal(r.error.codeName, c.expectError.codeName, r.error.message);
    assert.equal(r.error.site.kernel, c.entry);
    return;
  }
  if (r.error !== null) throw r.error;
  const expected = c.reference(inputsOf(c));
  for (const o of outputSpecs(c)) {
    const result = compareOutput(o.type, r.outputs.get(o.name)!, expected[o.name]!, c.compare[o.name]!);
    assert.ok(result.ok, `${c.name}: output ${o.name}: ${result.summary}`);
  }
  if (c.printfExpected) {
    assert.deepEqual(r.printed.join('').split('\n').filter((l) => l !== ''), c.printfExpected);
  }
}

function bytes(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

for (const executor of ['jit', 'interpreter'] as const) {
  describe(`kernel corpus on the PTX engine (${executor})`, () => {
    for (const c of ALL_CASES) {
      test(c.name, () => check(c, runCase(c, { interpret: executor === 'interpreter' })));
    }
  });
}

describe('the JIT and the interpreter agree bit for bit on the corpus', () => {
  for (const c of ALL_CASES) {
    test(c.name, () => {
      const jit = runCase(c);
      const interp = runCase(c, { interpret: true });
      assert.equal(String(jit.error), String(interp.error));
      assert.deepEqual(jit.stats, interp.stats);
      assert.deepEqual(jit.printed, interp.printed);
      for (const [name, out] of jit.outputs) assert.deepEqual(bytes(out), bytes(interp.outputs.get(name)!), `${c.name}: output ${name}`);
    });
  }
});
