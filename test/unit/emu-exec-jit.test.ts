/**
 * The block JIT's own machinery: the fallback to the interpreter for a block it cannot compile,
 * lazy compilation, and the generated code's shape (segments cut where lanes could observe each
 * other through memory, registers cached in locals).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeUnit } from '../../src/emu/exec/codegen/unit.js';
import { blockSource } from '../../src/emu/exec/jit/block.js';
import { HELPERS } from '../../src/emu/exec/runtime/helpers.js';
import { load, runPtx } from './emu-exec-harness.js';

const HEAD = '.version 9.0\n.target sm_90\n.address_size 64\n';
const KERNEL = `${HEAD}.visible .entry k(.param .u64 p)
{
  .reg .b32 %r<8>; .reg .b64 %rd<4>; .reg .pred %p<2>;
  ld.param.u64 %rd1, [p];
  mov.u32 %r1, %tid.x;
  mul.wide.u32 %rd2, %r1, 4; add.s64 %rd3, %rd1, %rd2;
  ld.global.u32 %r2, [%rd3];
  add.u32 %r3, %r2, 1;
  st.global.u32 [%rd3], %r3;
  ld.global.u32 %r4, [%rd3+4];
  mov.u32 %r5, 0;
L: add.u32 %r5, %r5, %r4;
  add.u32 %r4, %r4, -1;
  setp.ne.u32 %p1, %r4, 0;
  @%p1 bra L;
  st.global.u32 [%rd3], %r5;
}`;

function run(interpret: boolean): { out: Uint32Array; stats: unknown; failures: number } {
  const l = load(KERNEL);
  const p = l.memory.alloc(33 * 4, 'p');
  const init = Uint32Array.from({ length: 33 }, (_, i) => (i % 5) + 1);
  l.memory.bytes.set(new Uint8Array(init.buffer), p - l.memory.base);
  const { stats } = runPtx('', 'k', { block: [32, 1, 1] }, [BigInt(p)], { interpret }, l);
  const out = new Uint32Array(33);
  new Uint8Array(out.buffer).set(l.memory.bytes.subarray(p - l.memory.base, p - l.memory.base + 132));
  return { out, stats, failures: l.instance.program('k', interpret ? 'interpreter' : 'jit').jitFailures.length };
}

test('a block the JIT cannot compile runs on the interpreter instead', () => {
  const expected = run(true);
  const original = CodeUnit.prototype.compile;
  CodeUnit.prototype.compile = function (this: CodeUnit, body: string, label: string) {
    // JIT units are labelled <kernel>_B<block>; interpreter units add _<instruction>.
    if (/_B\d+$/.test(label)) throw new Error('simulated JIT failure');
    return original.call(this, body, label);
  };
  try {
    const got = run(false);
    assert.ok(got.failures > 0);
    assert.deepEqual(got.out, expected.out);
    assert.deepEqual(got.stats, expected.stats);
  } finally {
    CodeUnit.prototype.compile = original;
  }
  const jit = run(false);
  assert.equal(jit.failures, 0);
  assert.deepEqual(jit.out, expected.out);
  assert.deepEqual(jit.stats, expected.stats, 'the self-loop block accounts for all its iterations');
  // out[i] = 1 + … + n with n = p[i+1] as lane i+1 has just incremented it (lockstep: every lane's
  // store happens before any lane's next load); lane 31 reads p[32], which no lane writes.
  for (let i = 0; i < 32; i++) {
    const n = i < 31 ? ((i + 1) % 5) + 2 : (32 % 5) + 1;
    assert.equal(jit.out[i], (n * (n + 1)) / 2);
  }
});

test('generated code: a store after loads of the same space starts a new lane loop; registers live in locals', () => {
  const l = load(KERNEL);
  const program = l.instance.program('k', 'jit');
  const block = program.kernel.blocks[0]!;
  const unit = new CodeUnit(HELPERS);
  const source = blockSource(block, unit, {
    module: l.instance.ir, kernel: program.kernel, fn: program.kernel,
    variableAddress: (n) => l.instance.addressOf(n), siteId: (i) => l.instance.siteOf(i), cacheSlot: (i) => l.instance.cacheSlot(i),
  });
  // ld (global) … st (global) … ld (global): the store and the load after it are each a new loop.
  assert.equal(source.match(/for \(let l = 0; l < 32; l\+\+\)/g)?.length, 3);
  assert.match(source, /let r\d+_\d+ = /);
});
