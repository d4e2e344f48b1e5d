/**
 * The NaN of commutative `.f64` instructions follows the operand order ptxas gives them in SASS
 * (src/emu/exec/operand-order.ts): the operand defined first takes the first slot, immediates
 * and kernel parameters the second, whatever the PTX order. Checked through hand-written kernels
 * with both executors, and on the corpus element where the H100 showed it (fp64_ops[235]).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NAN64, nanF64Add, nanF64Fma } from '../../src/emu/num/index.js';
import { compilePtx } from '../../src/emu/ir/index.js';
import { ptxasSwapsOperands } from '../../src/emu/exec/operand-order.js';
import { caseNamed } from '../kernels/corpus.js';
import { laneKernel, runCase, runLanes } from './emu-exec-harness.js';

const N = 64;
const NANS = [0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff0000000000001n, 0xfff4000000000abcn, 0x7fffffffffffffffn];
const words = (x: bigint): [number, number] => [Number(x >> 32n), Number(x & 0xffffffffn)];
const nan64 = (): bigint => (BigInt(NAN64[1]!) << 32n) | BigInt(NAN64[0]!);

/** Operand words: lane i combines NaNs and numbers so that every pair of NaN kinds meets. */
function operand(seed: number): BigUint64Array {
  return BigUint64Array.from({ length: N }, (_, i) => {
    const k = (i * (seed + 1) + seed * 3) % 7;
    return k < NANS.length ? NANS[k]! : k === 5 ? 0x3ff8000000000000n : 0x7ff0000000000000n;
  });
}

function run(body: string, n: number, decls = ''): BigUint64Array {
  const ins = [operand(0), operand(1), operand(2)].slice(0, n).map((w) => new Float64Array(w.buffer));
  const out = runLanes(laneKernel(body, Array(n).fill('f64'), 'f64', decls), ins, new Float64Array(N));
  return new BigUint64Array(out.buffer);
}

describe('commutative .f64 NaN operands in SASS order', () => {
  test('the PTX order of commutative operands does not matter: add, mul, min, max, fma multiplicands', () => {
    for (const [ab, ba, n] of [
      ['add.rn.f64 %d, %a0, %a1;', 'add.rn.f64 %d, %a1, %a0;', 2],
      ['mul.rn.f64 %d, %a0, %a1;', 'mul.rn.f64 %d, %a1, %a0;', 2],
      ['min.f64 %d, %a0, %a1;', 'min.f64 %d, %a1, %a0;', 2],
      ['max.f64 %d, %a0, %a1;', 'max.f64 %d, %a1, %a0;', 2],
      ['fma.rn.f64 %d, %a0, %a1, %a2;', 'fma.rn.f64 %d, %a1, %a0, %a2;', 3],
      ['mad.rn.f64 %d, %a0, %a1, %a2;', 'mad.rn.f64 %d, %a1, %a0, %a2;', 3],
    ] as const) {
      assert.deepEqual(run(ba, n), run(ab, n), ba);
    }
  });

  test('the H100 rules apply to the SASS slots: the earlier-defined operand first', () => {
    const a0 = operand(0), a1 = operand(1), a2 = operand(2);
    const fma = run('fma.rn.f64 %d, %a1, %a0, %a2;', 3);
    const sub = run('sub.rn.f64 %d, %a1, %a0;', 2); // DADD −a0, a1: a1's NaN first, signs kept
    const isNaN = (w: bigint): boolean => (w & 0x7ff0000000000000n) === 0x7ff0000000000000n && (w & 0xfffffffffffffn) !== 0n;
    let nans = 0;
    for (let i = 0; i < N; i++) {
      if (isNaN(fma[i]!)) {
        nans++;
        nanF64Fma(...words(a0[i]!), ...words(a1[i]!), ...words(a2[i]!));
        assert.equal(fma[i], nan64(), `fma [${i}]`);
      }
      if (isNaN(sub[i]!)) {
        nanF64Add(...words(a0[i]!), ...words(a1[i]!));
        assert.equal(sub[i], nan64(), `sub [${i}]`);
      }
    }
    assert.ok(nans > N / 2);
  });

  test('an immediate goes to the second slot (its NaN wins over a register NaN in add)', () => {
    const got = run('mov.f64 %fd1, 0dFFF0000000000001;\nadd.rn.f64 %d, %fd1, %a0;', 1);
    for (let i = 0; i < N; i++) assert.equal(got[i], 0xfff8000000000001n, `[${i}]`);
  });

  test('the order model: definitions, copies, parameters', () => {
    const ptx = `.version 9.0
.target sm_90
.address_size 64
.visible .entry k(.param .u64 p, .param .f64 x)
{
.reg .f64 %fd<12>;
.reg .b64 %rd<4>;
ld.param.u64 %rd1, [p];
ld.param.f64 %fd1, [x];
ld.global.f64 %fd3, [%rd1+8];
ld.global.f64 %fd2, [%rd1];
mov.f64 %fd4, %fd2;
add.rn.f64 %fd5, %fd2, %fd3;
add.rn.f64 %fd6, %fd4, %fd3;
mul.rn.f64 %fd7, %fd1, %fd3;
mul.rn.f64 %fd8, %fd3, %fd1;
fma.rn.f64 %fd9, %fd3, %fd2, %fd1;
st.global.f64 [%rd1], %fd9;
ret;
}
`;
    const fn = compilePtx(ptx).kernels.get('k')!;
    const ins = fn.blocks.flatMap((b) => b.instructions);
    const at = (text: string) => ins.find((i) => i.text.startsWith(text))!;
    assert.equal(ptxasSwapsOperands(fn, at('add.rn.f64 %fd5')), true, '%fd3 is defined before %fd2');
    assert.equal(ptxasSwapsOperands(fn, at('add.rn.f64 %fd6')), true, 'a copy of %fd2 ranks as %fd2');
    assert.equal(ptxasSwapsOperands(fn, at('mul.rn.f64 %fd7')), true, 'a kernel parameter goes second');
    assert.equal(ptxasSwapsOperands(fn, at('mul.rn.f64 %fd8')), false);
    assert.equal(ptxasSwapsOperands(fn, at('fma.rn.f64')), false, 'multiplicands in definition order');
  });

  test('fp64_ops[235] as on the H100: fma(x, +NaN, −NaN) = −NaN, (x·(+NaN)) − (−NaN) = +NaN', () => {
    for (const interpret of [false, true]) {
      const r = runCase(caseNamed('fp64_ops'), { interpret });
      assert.equal(r.error, null);
      const out = new BigUint64Array((r.outputs.get('out') as Float64Array).slice().buffer);
      assert.equal(out[12 * 235 + 0], 0xfff8000000000000n);
      assert.equal(out[12 * 235 + 4], 0x7ff8000000000000n);
    }
  });
});
