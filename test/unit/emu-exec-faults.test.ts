/**
 * Memcheck and faults on the PTX engine: out-of-bounds, null, misaligned, freed and host addresses
 * in every state space, with the site and the compute-sanitizer-style description; trap, assert,
 * divergent barriers, barrier deadlock, the instruction budget and the timeout; PTX the engine
 * cannot execute, refused at compile time naming the line and instruction.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelFaultError, PtxSyntaxError } from '../../src/errors.js';
import { caseNamed } from '../kernels/corpus.js';
import { engine, load, runCase, runPtx, type Loaded } from './emu-exec-harness.js';

const HEAD = '.version 9.0\n.target sm_90\n.address_size 64\n';

/** A kernel storing tid.x to p[i + offset] (i: the global thread index, offset in elements). */
const STORE = `${HEAD}.visible .entry k(.param .u64 p, .param .u32 off)
{
  .reg .b32 %r<6>; .reg .b64 %rd<4>;
  ld.param.u64 %rd1, [p];
  ld.param.u32 %r1, [off];
  mov.u32 %r2, %tid.x; mov.u32 %r4, %ctaid.x; mov.u32 %r5, %ntid.x; mad.lo.s32 %r3, %r4, %r5, %r2;
  add.u32 %r3, %r3, %r1;
  mul.wide.u32 %rd2, %r3, 4;
  add.s64 %rd3, %rd1, %rd2;
  st.global.u32 [%rd3], %r2;
}`;

function fault(fn: () => unknown, code: string, pattern: RegExp): KernelFaultError {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof KernelFaultError, `expected a KernelFaultError, got ${String(caught)}`);
  assert.equal(caught.codeName, code, caught.message);
  assert.match(caught.message, pattern);
  return caught;
}

function alloc(l: Loaded, bytes: number, label = 'cuMemAlloc'): bigint {
  return BigInt(l.memory.alloc(bytes, label));
}

describe('memcheck', () => {
  for (const interpret of [false, true]) {
    const mode = interpret ? 'interpreter' : 'JIT';
    test(`an overrun of a global buffer names the thread, the line and the allocation (${mode})`, () => {
      const l = load(STORE);
      const p = alloc(l, 256 * 4);
      runPtx('', 'k', { grid: [2, 1, 1], block: [128, 1, 1] }, [p, 0], { interpret }, l);
      const e = fault(() => runPtx('', 'k', { grid: [2, 1, 1], block: [128, 1, 1] }, [p, 1], { interpret }, l), 'CUDA_ERROR_ILLEGAL_ADDRESS',
        /__global__ write of size 4 bytes: 4-byte access at 0x[0-9a-f]+: (overruns|0 bytes past) the end of a 1024-byte cuMemAlloc block/);
      assert.deepEqual(e.site.block, [1, 0, 0]);
      assert.deepEqual(e.site.thread, [127, 0, 0]);
      assert.equal(e.site.kernel, 'k');
      assert.equal(e.site.line, 13);
      assert.equal(e.site.instruction, 'st.global.u32 [%rd3], %r2;');
    });
  }

  test('null, host, freed and misaligned global addresses', () => {
    const l = load(STORE);
    fault(() => runPtx('', 'k', { block: [1, 1, 1] }, [0n, 0], {}, l), 'CUDA_ERROR_ILLEGAL_ADDRESS', /null pointer/);
    fault(() => runPtx('', 'k', { block: [1, 1, 1] }, [0x2000_0000_1000n, 0], {}, l), 'CUDA_ERROR_ILLEGAL_ADDRESS', /host pointer/);
    const p = l.memory.alloc(1024, 'cuMemAlloc');
    l.memory.free(p);
    fault(() => runPtx('', 'k', { block: [1, 1, 1] }, [BigInt(p), 3], {}, l), 'CUDA_ERROR_ILLEGAL_ADDRESS', /use after free/);
    const q = alloc(l, 1024);
    fault(() => runPtx('', 'k', { block: [1, 1, 1] }, [q + 2n, 0], {}, l), 'CUDA_ERROR_MISALIGNED_ADDRESS', /Misaligned __global__ write of size 4 bytes at 0x[0-9a-f]+: the address is not a multiple of 4/);
  });

  test('shared, local and generic accesses are bounds-checked too', () => {
    const shared = `${HEAD}.visible .entry k(.param .u32 i)
{
  .reg .b32 %r<4>; .shared .align 4 .b32 s[16];
  ld.param.u32 %r1, [i]; shl.b32 %r2, %r1, 2; mov.u32 %r3, s; add.u32 %r3, %r3, %r2; st.shared.u32 [%r3], %r1;
}`;
    const l = load(shared);
    runPtx('', 'k', { block: [1, 1, 1], shared: 0 }, [15], {}, l);
    fault(() => runPtx('', 'k', { block: [1, 1, 1] }, [16], {}, l), 'CUDA_ERROR_ILLEGAL_ADDRESS', /__shared__ write of size 4 bytes at shared address 0x40: 4 bytes past the end of the CTA's 64 bytes of shared memory \(64 static \+ 0 dynamic\)/);
    runPtx('', 'k', { block: [1, 1, 1], shared: 64 }, [31], {}, l);
    const local = `${HEAD}.visible .entry k(.param .u32 i, .param .u64 out)
{
  .local .align 4 .b8 depot[32];
  .reg .b32 %r<4>; .reg .b64 %rd<6>;
  ld.param.u32 %r1, [i]; mov.u64 %rd1, depot; cvta.local.u64 %rd2, %rd1; mul.wide.u32 %rd3, %r1, 4; add.s64 %rd4, %rd2, %rd3;
  st.u32 [%rd4], %r1; ld.u32 %r2, [%rd4]; ld.param.u64 %rd5, [out]; st.global.u32 [%rd5], %r2;
}`;
    const m = load(local);
    const out = alloc(m, 4);
    runPtx('', 'k', { block: [1, 1, 1] }, [7, out], {}, m);
    assert.equal(m.memory.bytes[Number(out) - m.memory.base], 7);
    fault(() => runPtx('', 'k', { block: [1, 1, 1] }, [8, out], {}, m), 'CUDA_ERROR_ILLEGAL_ADDRESS', /generic write of size 4 bytes at local address 0x20: outside the thread's 32 bytes of local memory/);
  });

  test('the corpus out-of-bounds, null and misaligned cases fault on the engine', () => {
    for (const name of ['oob_write_past_end', 'oob_read_far', 'null_write', 'misaligned_read']) {
      const c = caseNamed(name);
      const r = runCase(c);
      assert.ok(r.error instanceof KernelFaultError, name);
      assert.equal(r.error.codeName, c.expectError!.codeName, name);
    }
  });
});

describe('trap, assert, barriers, budget', () => {
  test('trap is CUDA_ERROR_LAUNCH_FAILED', () => {
    const l = load(`${HEAD}.visible .entry k() { .reg .b32 %r<2>; .reg .pred %p<2>; mov.u32 %r1, %tid.x; setp.eq.u32 %p1, %r1, 5; @%p1 trap; }`);
    const e = fault(() => runPtx('', 'k', { block: [32, 1, 1] }, [], {}, l), 'CUDA_ERROR_LAUNCH_FAILED', /executed trap/);
    assert.deepEqual(e.site.thread, [5, 0, 0]);
  });

  test('a failed assert prints what the GPU prints and is CUDA_ERROR_ASSERT', () => {
    const r = runCase(caseNamed('assert_fails'));
    assert.ok(r.error instanceof KernelFaultError);
    assert.equal(r.error.codeName, 'CUDA_ERROR_ASSERT');
    assert.match(r.error.message, /device-side assertion `.+` failed/);
    assert.deepEqual(r.error.site.block, [1, 0, 0]);
    assert.deepEqual(r.error.site.thread, [9, 0, 0]);
    assert.equal(r.printed.length, 1);
    assert.match(r.printed[0]!, /^.*assert\.cu:\d+: void check_nonnegative\(const int \*, int \*, int\): block: \[1,0,0\], thread: \[9,0,0\] Assertion `.+` failed\.\n$/);
  });

  test('a barrier reached by part of a warp is a divergent barrier', () => {
    const l = load(`${HEAD}.visible .entry k() { .reg .b32 %r<2>; .reg .pred %p<2>; mov.u32 %r1, %tid.x; setp.lt.u32 %p1, %r1, 16; @%p1 bra A; bar.sync 0; bra.uni B; A: bar.sync 0; B: ret; }`);
    fault(() => runPtx('', 'k', { block: [32, 1, 1] }, [], {}, l), 'CUDA_ERROR_LAUNCH_FAILED', /divergent barrier/);
  });

  test('a barrier that can never complete is reported as a deadlock', () => {
    const l = load(`${HEAD}.visible .entry k() { .reg .b32 %r<2>; .reg .pred %p<2>; mov.u32 %r1, %tid.x; setp.lt.u32 %p1, %r1, 32; @%p1 bar.sync 1, 64; @!%p1 bar.sync 2, 64; }`);
    fault(() => runPtx('', 'k', { block: [64, 1, 1] }, [], {}, l), 'CUDA_ERROR_ILLEGAL_ADDRESS', /barrier deadlock: 32 thread\(s\) wait at barrier [12] for 64/);
  });

  test('runaway kernels stop at the instruction budget or the timeout', () => {
    const l = load(`${HEAD}.visible .entry k() { .reg .b32 %r<2>; mov.u32 %r1, 0; L: add.u32 %r1, %r1, 1; bra.uni L; }`);
    fault(() => runPtx('', 'k', { block: [32, 1, 1] }, [], { instructionBudget: 100000 }, l), 'CUDA_ERROR_LAUNCH_TIMEOUT', /instruction budget of 100000/);
    const t0 = performance.now();
    fault(() => runPtx('', 'k', { block: [32, 1, 1] }, [], { timeoutMs: 50 }, l), 'CUDA_ERROR_LAUNCH_TIMEOUT', /time limit/);
    assert.ok(performance.now() - t0 < 2000);
  });

  test('instruction counts: warp- and thread-instructions', () => {
    const l = load(`${HEAD}.visible .entry k() { .reg .b32 %r<2>; .reg .pred %p<2>; mov.u32 %r1, %tid.x; setp.lt.u32 %p1, %r1, 8; @%p1 bra A; add.u32 %r1, %r1, 1; A: ret; }`);
    const { stats } = runPtx('', 'k', { block: [40, 1, 1] }, [], {}, l);
    // Warp 0: the 3 instructions of the first block; lanes 8–31 run the add; the branch's lanes wait
    // at the reconvergence block, which runs once for all 32. Warp 1 (8 lanes, none below 8): 3 + 1 + 1.
    assert.deepEqual(stats, { warpInstructions: 5 + 5, threadInstructions: 3 * 32 + 24 + 32 + 3 * 8 + 8 + 8 });
  });
});

describe('PTX the engine cannot execute is refused when the module loads', () => {
  test('an unsupported instruction names its line and text', () => {
    const ptx = `${HEAD}.visible .entry k() {\n .reg .b32 %r<4>;\n .reg .f16 %h<2>;\n ex2.approx.f16 %h1, %h0;\n}`;
    assert.throws(() => engine.compile(ptx, 'cuModuleLoadData'), (e: unknown) =>
      e instanceof PtxSyntaxError && e.codeName === 'CUDA_ERROR_UNSUPPORTED_PTX_VERSION' && e.location.line === 7 && /cannot execute 'ex2.approx.f16'/.test(e.message));
  });

  test('grid-wide synchronization (cooperative_groups grid.sync reads %envreg) is refused with a reason', () => {
    const ptx = `${HEAD}.visible .entry k() {\n .reg .b32 %r<2>;\n mov.u32 %r1, %envreg1;\n}`;
    assert.throws(() => engine.compile(ptx, 'cuModuleLoadData'), (e: unknown) =>
      e instanceof PtxSyntaxError && e.location.line === 6 && /grid-wide synchronization/.test(e.message));
  });

  test('a call to an external function the engine does not provide', () => {
    const ptx = `${HEAD}.extern .func (.param .b32 r) mystery (.param .b32 x);\n.visible .entry k() {\n .reg .b32 %r<2>;\n { .param .b32 p; st.param.b32 [p], 1; .param .b32 q; call.uni (q), mystery, (p); }\n}`;
    assert.throws(() => engine.compile(ptx, 'cuModuleLoadData'), (e: unknown) => e instanceof PtxSyntaxError && /does not provide the external function mystery/.test(e.message));
  });
});
