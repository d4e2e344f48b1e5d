/**
 * Device printf formatting (src/emu/exec/printf.ts) against what glibc prints, and printf from a
 * kernel through the engine (argument buffer in local memory, strings in global memory).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatPrintf, type PrintfArguments } from '../../src/emu/exec/printf.js';
import { load, runPtx } from './emu-exec-harness.js';

type Arg = number | bigint | string | { double: number } | null;

/** Arguments as a queue: integers as numbers/bigints, doubles wrapped, strings by address into a table. */
function args(list: readonly Arg[]): PrintfArguments {
  const strings = new Map<number, string>();
  let k = 0;
  const next = (): Arg => {
    if (k >= list.length) throw new Error('too few arguments');
    return list[k++]!;
  };
  return {
    int: (bytes) => {
      const v = next();
      if (typeof v === 'string') {
        const address = 0x1000 + strings.size * 16;
        strings.set(address, v);
        return BigInt(address);
      }
      if (v === null) return 0n;
      if (typeof v === 'object') throw new Error('a double where an integer was expected');
      return BigInt.asUintN(bytes * 8, BigInt(v));
    },
    double: () => {
      const v = next();
      if (typeof v !== 'object' || v === null) throw new Error('an integer where a double was expected');
      return v.double;
    },
    string: (address) => strings.get(address) ?? '?',
  };
}

const d = (x: number): { double: number } => ({ double: x });

/** [format, arguments, what glibc prints]. */
const CASES: readonly [string, readonly Arg[], string][] = [
  ['%d %i %u', [-42, 7, -1], '-42 7 4294967295'],
  ['[%5d|%-5d|%05d|%+d|% d]', [42, 42, -42, 5, 5], '[   42|42   |-0042|+5| 5]'],
  ['%x %X %#x %#o %o %#x', [255, 255, 255, 8, 0, 0], 'ff FF 0xff 010 0 0'],
  ['%lld %llu %ld %lx', [-9007199254740993n, -1n, 1n << 40n, 0xdeadbeefcafen], '-9007199254740993 18446744073709551615 1099511627776 deadbeefcafe'],
  ['%hhd %hd %hhu', [300, 70000, -1], '44 4464 255'],
  ['%.0d|%5.3d|%-6d|', [0, 7, -42], '|  007|-42   |'],
  ['%c%c%c', [65, 0x142, 99], 'ABc'],
  ['%s|%.3s|%5s|%-5s|%s', ['hello', 'abcdef', 'ab', 'ab', null], 'hello|abc|   ab|ab   |(null)'],
  ['%p %p', [0x7f0000001000n, null], '0x7f0000001000 (nil)'],
  ['100%% %*d|%-*d|%.*f', [6, 42, 4, 7, 2, d(3.14159)], '100%     42|7   |3.14'],
  ['%f %.2f %.0f %.0f %.0f %.0f', [d(1.5), d(1.005), d(0.5), d(1.5), d(2.5), d(-3.5)], '1.500000 1.00 0 2 2 -4'],
  ['%.1f %.1f %.3f %f', [d(0.25), d(0.35), d(-0.0005), d(1e20)], '0.2 0.3 -0.001 100000000000000000000.000000'],
  ['%e %.3e %+.2e %E', [d(0), d(123456), d(-1234.5), d(1e-300)], '0.000000e+00 1.235e+05 -1.23e+03 1.000000E-300'],
  ['%g %g %g %g %g %G', [d(100000), d(1000000), d(1e-5), d(0.0001), d(1234.5678), d(1e-10)], '100000 1e+06 1e-05 0.0001 1234.57 1E-10'],
  ['%#g %g %.3g %g', [d(1.5), d(0), d(2.5e-7), d(-0)], '1.50000 0 2.5e-07 -0'],
  ['%f %5.2f %E %+f %010f', [d(Infinity), d(-Infinity), d(NaN), d(NaN), d(Infinity)], 'inf  -inf NAN +nan        inf'],
  ['%06.2f %-8.1e| %+.0f', [d(-1.5), d(9.96), d(0.5)], '-01.50 1.0e+01 | +0'],
  ['%a %a %.2a %a %A', [d(1), d(0.5), d(1), d(3), d(-0.1)], '0x1p+0 0x1p-1 0x1.00p+0 0x1.8p+1 -0X1.999999999999AP-4'],
  ['tab\tnewline\n', [], 'tab\tnewline\n'],
];

describe('printf formatting (glibc semantics)', () => {
  for (const [format, list, want] of CASES) {
    test(JSON.stringify(format), () => {
      assert.equal(formatPrintf(format, args(list)).text, want);
    });
  }

  test('the count of arguments consumed (vprintf\'s return value)', () => {
    assert.equal(formatPrintf('%d %s %*d %%', args([1, 'x', 3, 4])).count, 4);
  });

  test('%d and %x agree with BigInt formatting; %.Nf with exact decimal rounding of the value', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (v) => {
      assert.equal(formatPrintf('%lld %llx', args([v, v])).text, `${v} ${BigInt.asUintN(64, v).toString(16)}`);
    }), { numRuns: 300 });
    fc.assert(fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 8 }), (x, p) => {
      const got = formatPrintf(`%.${p}f`, args([d(x)])).text;
      // JS toFixed rounds exact ties away from zero; glibc to even: compare where no tie is possible.
      const scaled = Math.abs(x) * 10 ** p;
      if (Math.abs(scaled - Math.floor(scaled) - 0.5) > 1e-6) {
        // glibc keeps the sign of negative values that round to zero (and of −0); toFixed drops it for −0.
        const fixed = x.toFixed(p);
        assert.equal(got, (x < 0 || Object.is(x, -0)) && !fixed.startsWith('-') ? `-${fixed}` : fixed);
      }
    }), { numRuns: 500 });
  });
});

describe('printf from kernels', () => {
  test('one line per lane, in lane order, with arguments from local memory and strings from global memory', () => {
    const fmt = 'lane %d of %d: %s %.2f %llx\n';
    const bytes = [...Buffer.from(fmt), 0].join(', ');
    const name = [...Buffer.from('warp'), 0].join(', ');
    const ptx = `.version 9.0\n.target sm_90\n.address_size 64
.extern .func (.param .b32 r) vprintf (.param .b64 f, .param .b64 a);
.global .align 1 .b8 $fmt[${fmt.length + 1}] = {${bytes}};
.global .align 1 .b8 $name[5] = {${name}};
.visible .entry k()
{
  .local .align 8 .b8 depot[32];
  .reg .b32 %r<4>; .reg .b64 %rd<8>; .reg .f64 %fd<2>; .reg .pred %p<2>;
  mov.u64 %rd1, depot; cvta.local.u64 %rd2, %rd1;
  mov.u32 %r1, %tid.x; mov.u32 %r2, %ntid.x;
  st.local.v2.u32 [%rd1], {%r1, %r2};
  mov.u64 %rd3, $name; cvta.global.u64 %rd4, %rd3; st.local.u64 [%rd1+8], %rd4;
  cvt.rn.f64.u32 %fd1, %r1; mul.f64 %fd1, %fd1, 0d3FD0000000000000; st.local.f64 [%rd1+16], %fd1;
  mul.wide.u32 %rd5, %r1, 4096; st.local.u64 [%rd1+24], %rd5;
  setp.eq.u32 %p1, %r1, 2;
  @%p1 bra SKIP;
  mov.u64 %rd6, $fmt; cvta.global.u64 %rd7, %rd6;
  { .param .b64 p0; st.param.b64 [p0], %rd7; .param .b64 p1; st.param.b64 [p1], %rd2; .param .b32 r0;
    call.uni (r0), vprintf, (p0, p1); ld.param.b32 %r3, [r0]; }
SKIP:
  ret;
}`;
    for (const interpret of [false, true]) {
      const { printed } = runPtx(ptx, 'k', { block: [5, 1, 1] }, [], { interpret }, load(ptx));
      assert.deepEqual(printed, [0, 1, 3, 4].map((t) => `lane ${t} of 5: warp ${(t * 0.25).toFixed(2)} ${(t * 4096).toString(16)}\n`));
    }
  });
});
