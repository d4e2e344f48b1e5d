import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PtxSyntaxError } from '../../src/errors.js';
import { compilePtx, formatInstruction } from '../../src/emu/ir/index.js';
import type { IrFunction, IrInstruction, IrKernel, IrModule, IrOperand, IrRegister, RegClass } from '../../src/emu/ir/types.js';
import { ptxFixture, ptxFixtureNames } from '../fixtures/ptx/corpus.js';

const HEADER = '.version 9.0\n.target sm_90\n.address_size 64\n';

const fixture = (name: string): IrModule => compilePtx(ptxFixture(name), name);

function kernel(m: IrModule, name: string): IrKernel {
  const k = m.kernels.get(name);
  assert.ok(k, `no kernel ${name}`);
  return k;
}

function func(m: IrModule, name: string): IrFunction {
  const f = m.functions.find((x) => x.name === name);
  assert.ok(f, `no function ${name}`);
  return f;
}

const all = (f: IrFunction): IrInstruction[] => f.blocks.flatMap((b) => b.instructions);

/** The register named `name` (the first one, when inner scopes shadow it). */
function reg(f: IrFunction, name: string): IrRegister {
  const r = f.registers.find((x) => x.name === name);
  assert.ok(r, `no register ${name} in ${f.name}`);
  return r;
}

function lowerError(body: string, prelude = ''): PtxSyntaxError {
  try {
    compilePtx(`${HEADER}${prelude}\n.visible .entry k(.param .u64 k_p0)\n{\n${body}\n}\n`, 'cuModuleLoadData');
  } catch (e) {
    assert.ok(e instanceof PtxSyntaxError, String(e));
    return e;
  }
  assert.fail('no error');
}

/** Every register operand of `op` (through pairs and vectors). */
function registersIn(op: IrOperand): IrRegister[] {
  switch (op.kind) {
    case 'reg': return [op.reg];
    case 'pair': return [...registersIn(op.first), ...registersIn(op.second)];
    case 'vec': return op.elements.flatMap(registersIn);
    case 'addr': return op.base?.kind === 'register' ? [op.base] : [];
    default: return [];
  }
}

test('every fixture lowers into consistent IR', () => {
  for (const name of ptxFixtureNames()) {
    const m = fixture(name);
    assert.ok(m.kernels.size > 0, name);
    for (const f of m.functions) {
      if (!f.defined) { assert.equal(f.blocks.length, 0); continue; }
      assert.ok(f.blocks.length > 0, `${name} ${f.name}`);
      const slots = new Map<RegClass, Set<number>>();
      for (const r of f.registers) {
        assert.ok(r.slot >= 0 && r.slot < f.registerCounts[r.cls], `${f.name} ${r.name}`);
        const s = slots.get(r.cls) ?? new Set();
        assert.ok(!s.has(r.slot), `${f.name}: slot ${r.cls}#${r.slot} used twice`);
        s.add(r.slot);
        slots.set(r.cls, s);
      }
      const regs = new Set(f.registers);
      f.blocks.forEach((b, i) => {
        assert.equal(b.index, i);
        for (const s of b.successors) assert.ok(f.blocks[s]!.predecessors.includes(i));
        for (const p of b.predecessors) assert.ok(f.blocks[p]!.successors.includes(i));
        assert.ok(b.ipdom >= -1 && b.ipdom < f.blocks.length && b.ipdom !== i);
        for (const ins of b.instructions) {
          assert.equal(ins.roles.length, ins.operands.length, ins.text);
          for (const op of ins.operands) {
            for (const r of registersIn(op)) assert.ok(regs.has(r), `${f.name}: ${ins.text} uses a foreign register`);
            if (op.kind === 'label') assert.ok(op.block >= 0 && op.block < f.blocks.length);
          }
        }
        // Only the last instruction of a block may transfer control.
        b.instructions.slice(0, -1).forEach((ins) => assert.equal(ins.decoded.flow, null, `${f.name} B${i}: ${ins.text}`));
      });
    }
  }
});

test('registers get storage classes and dense slots per class', () => {
  const m = fixture('saxpy.ptx');
  const k = kernel(m, 'saxpy');
  assert.deepEqual(k.registerCounts, { pred: 1, r16: 0, r32: 9, r64: 0, addr: 7 });
  assert.deepEqual([reg(k, '%p1').cls, reg(k, '%f1').cls, reg(k, '%r1').cls, reg(k, '%rd1').cls], ['pred', 'r32', 'r32', 'addr']);
  const h = kernel(fixture('half.ptx'), 'half_ops');
  assert.equal(reg(h, '%rs1').cls, 'r16');
  const d = kernel(fixture('double_int64.ptx'), 'dmath');
  assert.equal(reg(d, '%fd1').cls, 'r64');
});

test('64-bit integers: address-like registers are addr, hashes and counters are r64', () => {
  const m = fixture('double_int64.ptx');
  const k = kernel(m, 'int64');
  const classes = new Map<string, RegClass>();
  for (const ins of all(k)) {
    if (ins.op === 'mul' && ins.decoded.mods.mode === 'lo' && ins.decoded.type === 's64') {
      const d = ins.operands[0]!;
      if (d.kind === 'reg') classes.set('hash', d.reg.cls);
    }
    if (ins.op === 'ld' && ins.decoded.mods.space === 'param') {
      const d = ins.operands[0]!;
      if (d.kind === 'reg') classes.set(`param${classes.size}`, d.reg.cls);
    }
  }
  assert.equal(classes.get('hash'), 'r64');
  const stride = kernel(fixture('saxpy.ptx'), 'saxpy_stride');
  assert.equal(reg(stride, '%rd35').cls, 'r64'); // n: compared and divided, never an address
  assert.equal(reg(stride, '%rd64').cls, 'addr'); // i: shifted into addresses
  assert.equal(reg(stride, '%rd63').cls, 'r64'); // a loop counter
  assert.equal(reg(stride, '%rd61').cls, 'addr');

  const h = compilePtx(`${HEADER}.visible .entry k(.param .u64 k_p0, .param .u64 k_p1)
{
  .reg .b64 %rd<10>;
  .reg .f32 %f1;
  ld.param.u64 %rd1, [k_p0];
  ld.param.u64 %rd2, [k_p1];
  mul.lo.s64 %rd3, %rd2, -7046029254386353131;
  shr.u64 %rd4, %rd3, 58;
  shl.b64 %rd5, %rd4, 2;
  add.s64 %rd6, %rd1, %rd5;
  ld.global.f32 %f1, [%rd6];
  ret;
}`);
  const hk = kernel(h, 'k');
  assert.deepEqual(['%rd1', '%rd2', '%rd3', '%rd4', '%rd5', '%rd6'].map((n) => reg(hk, n).cls), ['addr', 'r64', 'r64', 'addr', 'addr', 'addr']);
});

test('labels are scoped to their { } block: sibling inline-asm blocks may reuse one', () => {
  const m = compilePtx(`${HEADER}.entry k()
{
  .reg .pred %p<2>;
  .reg .b32 %r<3>;
  { @%p1 bra L1; add.s32 %r1, %r1, 1; L1: add.s32 %r1, %r1, 2; }
  { @%p1 bra L1; add.s32 %r2, %r2, 1; L1: add.s32 %r2, %r2, 2; }
  ret;
}`);
  const k = kernel(m, 'k');
  const targets = all(k).filter((i) => i.op === 'bra').map((i) => i.operands[0]!).map((o) => o.kind === 'label' && o.block);
  assert.equal(targets.length, 2);
  assert.notEqual(targets[0], targets[1]);
  assert.deepEqual(targets.map((b) => k.blocks[b as number]!.instructions[0]!.text), ['add.s32 %r1, %r1, 2;', 'add.s32 %r2, %r2, 2;']);
});

test('inner { } scopes shadow registers (inline asm)', () => {
  const k = kernel(fixture('inline_asm.ptx'), 'inline_asm');
  const r2 = k.registers.filter((r) => r.name === '%r2');
  assert.equal(r2.length, 2, 'outer %r2 and the asm block %r2');
  assert.notEqual(r2[0]!.slot, r2[1]!.slot);
  const last = all(k).filter((i) => i.op === 'mov' && i.text.includes('0x7fffffff'))[0]!;
  const inner = last.operands[0]!;
  assert.ok(inner.kind === 'reg' && inner.reg.name === '%r1');
  assert.ok(!all(k).slice(0, 5).some((i) => i.operands.some((o) => o.kind === 'reg' && o.reg === (inner.kind === 'reg' ? inner.reg : null))));
  // Names without % declared in nested asm blocks (cuda_fp16.h) resolve per block.
  const h = kernel(fixture('half.ptx'), 'half_ops');
  const ps = h.registers.filter((r) => r.name === 'p');
  assert.ok(ps.length >= 4);
  assert.ok(ps.every((p) => p.type === 'b16'));
});

test('entry parameter layouts match cuFuncGetParamInfo (natural alignment, .align on structs)', () => {
  const m = fixture('structs.ptx');
  const layout = (name: string): number[][] => kernel(m, name).info.params.map((p) => [p.offset, p.size, p.align]);
  assert.deepEqual(layout('params_mixed'), [[0, 1, 1], [2, 2, 2], [4, 8, 4], [16, 8, 8], [32, 16, 16], [48, 8, 8], [56, 16, 8], [72, 1, 1], [76, 84, 4]]);
  assert.equal(kernel(m, 'params_mixed').info.paramBytes, 160);
  assert.deepEqual(layout('params_vec'), [[0, 16, 16], [16, 16, 16], [32, 12, 4], [44, 2, 2], [48, 8, 8], [56, 8, 8]]);
  const p = kernel(m, 'params_mixed').info.params[2]!;
  assert.deepEqual([p.type, p.arrayLength, p.isPointer], ['b8', 8, false]);
  const ptr = compilePtx(`${HEADER}.entry k(.param .u32 a, .param .u64 .ptr .global .align 16 b) { ret; }`);
  assert.deepEqual(kernel(ptr, 'k').info.params.map((x) => [x.offset, x.isPointer]), [[0, false], [8, true]]);
});

test('KernelInfo: shared memory (own, callees\', dynamic), local memory, launch bounds, registers', () => {
  const r = fixture('reduce.ptx');
  const sum = kernel(r, 'reduce_sum').info;
  assert.deepEqual([sum.staticSharedBytes, sum.maxThreadsPerBlock, sum.usesDynamicShared, sum.localBytesPerThread], [128, 256, false, 0]);
  assert.equal(kernel(r, 'reduce_tree').info.staticSharedBytes, 2048);
  assert.ok(sum.registerCount > 10);
  const c = fixture('noinline.ptx');
  const calls = kernel(c, 'calls');
  assert.deepEqual([calls.info.staticSharedBytes, calls.info.localBytesPerThread, calls.recursive], [32, 64, true]);
  assert.equal(kernel(c, 'local_mem').info.localBytesPerThread, 256);
  assert.equal(kernel(c, 'local_mem').recursive, false);
  const d = fixture('dynshared.ptx');
  assert.deepEqual([kernel(d, 'dyn').info.usesDynamicShared, kernel(d, 'dyn').info.staticSharedBytes, kernel(d, 'dyn').dynamicSharedOffset], [true, 0, 0]);
  const dyn2 = kernel(d, 'dyn2');
  assert.deepEqual([dyn2.info.staticSharedBytes, dyn2.dynamicSharedOffset], [40, 48]);
  const ids = Object.fromEntries(d.sharedVariables.map((v) => [v.name, v.id]));
  assert.equal(dyn2.sharedOffsets[ids['dsm']!], 48);
  assert.equal(dyn2.sharedOffsets[ids['_ZZ4dyn2E4stat']!], 0);
  assert.equal(dyn2.sharedOffsets[ids['sm']!], -1);
  const cl = fixture('cluster.ptx');
  assert.equal(kernel(cl, 'bounded').info.maxThreadsPerBlock, 128);
  assert.equal(kernel(cl, 'clustered').directives.explicitcluster, true);
  const req = compilePtx(`${HEADER}.entry k() .reqntid 64, 2 { ret; }`);
  assert.deepEqual(kernel(req, 'k').info.requiredBlock, [64, 2, 1]);
  assert.equal(kernel(req, 'k').info.requiredBlock !== undefined && kernel(cl, 'bounded').info.requiredBlock, undefined);
  const p = fixture('printf_assert.ptx');
  assert.equal(kernel(p, 'hello').info.localBytesPerThread, 32);
  assert.equal(func(p, 'vprintf').defined, false);
});

test('module variables: sizes, little-endian initial bytes, relocations, visibility', () => {
  const d = fixture('dynshared.ptx');
  const v = (name: string) => d.variables.find((x) => x.name === name)!;
  const hex = (name: string): string | null => { const i = v(name).init; return i === null ? null : Buffer.from(i).toString('hex'); };
  assert.deepEqual([v('coeffs').space, v('coeffs').bytes, v('coeffs').align], ['const', 16, 4]);
  assert.equal(hex('coeffs'), '0000803f0000003f0000803e0000003e');
  assert.equal(hex('lut')!.length, 64); // 29 listed bytes, padded to 32
  assert.equal(hex('dconst'), '182d4454fb210940');
  assert.equal(hex('counter'), '2a000000');
  assert.equal(hex('big'), 'efcdab8967452301');
  assert.equal(hex('greeting'), '68692100');
  assert.equal(hex('uninit'), null);
  assert.equal(v('uninit').bytes, 64);
  const reloc = v('ptr_into_table').relocations[0]!;
  assert.deepEqual([reloc.offset, reloc.size, reloc.target.name, reloc.addend, reloc.generic], [0, 8, 'table', 8, true]);
  assert.ok(d.variables.every((x) => x.visible));
  const n = fixture('noinline.ptx');
  const ops = n.variables.find((x) => x.name === 'ops')!;
  assert.deepEqual(ops.relocations.map((r) => [r.offset, r.target.kind, r.target.name]), [[0, 'function', '_Z4addfff'], [8, 'function', '_Z4mulfff']]);
  assert.deepEqual(n.addressTaken.map((i) => n.functions[i]!.name), ['_Z4addfff', '_Z4mulfff']);
  const p = fixture('printf_assert.ptx');
  assert.equal(p.variables.find((x) => x.name === '$str')!.visible, false);
  const s = compilePtx(`${HEADER}.global .align 1 .b8 s[] = {104, 105, 0};\n.global .f32 f[2] = {1.5, 0f40000000};\n.global .u64 p = generic(s)+1;`);
  assert.deepEqual([s.variables[0]!.bytes, Buffer.from(s.variables[1]!.init!).toString('hex')], [3, '0000c03f00000040']);
});

test('calls: direct and indirect, parameter frames, callee layouts', () => {
  const m = fixture('noinline.ptx');
  const fib = func(m, '_Z3fibi');
  assert.deepEqual(fib.params.map((p) => [p.name, p.region, p.offset]), [['_Z3fibi_param_0', 'frame', 0]]);
  assert.deepEqual(fib.returns.map((p) => [p.name, p.offset]), [['func_retval0', 4]]);
  const calls = all(fib).filter((i) => i.call !== null);
  assert.equal(calls.length, 2);
  const c0 = calls[0]!.call!;
  assert.deepEqual([c0.target, c0.args.map((a) => a.offset), c0.returns.map((r) => r.offset)], [{ kind: 'direct', function: fib.index }, [8], [12]]);
  assert.ok(fib.paramFrameBytes >= 24 && fib.paramFrameBytes % 16 === 0);
  assert.deepEqual(fib.callees, [fib.index]);
  const k = kernel(m, 'calls');
  assert.equal(k.indirectCalls, true);
  const indirect = all(k).find((i) => i.call?.target.kind === 'indirect')!.call!;
  assert.equal(indirect.target.kind === 'indirect' && indirect.target.reg.cls, 'addr');
  assert.deepEqual(indirect.prototype?.params.map((p) => p.bytes), [4, 4]);
  const mk = func(m, '_Z6mkpairid');
  assert.deepEqual(mk.returns.map((r) => [r.bytes, r.align, r.offset]), [[16, 8, 16]]);
  const sum = func(m, '_Z7sumpair4Pair6float4');
  assert.deepEqual(sum.params.map((p) => [p.offset, p.bytes, p.align]), [[0, 16, 8], [16, 16, 16]]);
  assert.equal(func(m, '_Z4addfff').defined, true);
  assert.ok(k.reachable.includes(func(m, '_Z4addfff').index));
  assert.match(formatInstruction(calls[0]!), /^call\.uni \(retval0@frame\+12\), #\d+, \(param0@frame\+8\)$/);
});

test('immediates are typed by their operand', () => {
  const m = compilePtx(`${HEADER}.entry k()
{
  .reg .b32 %r<4>; .reg .b64 %rd<4>; .reg .f32 %f<3>; .reg .f64 %fd<2>; .reg .pred %p<2>; .reg .b16 %rs<2>;
  mov.u32 %r1, -1;
  add.s32 %r2, %r1, -1;
  and.b64 %rd1, %rd2, -4294967296;
  setp.eq.s64 %p1, %rd1, 0;
  mov.f32 %f1, 0f3F800000;
  add.f64 %fd1, %fd1, 0d3FF8000000000000;
  mov.b32 %r3, 0f3F800000;
  mul.f32 %f2, %f1, 2.5;
  mov.b16 %rs1, 0X1F79U;
  shl.b64 %rd3, %rd2, 3;
  mov.pred %p1, 1;
  ret;
}`);
  const imms = all(kernel(m, 'k')).flatMap((i) => i.operands.slice(-1)).filter((o) => o.kind === 'imm').map((o) => o.kind === 'imm' && [o.type, o.value]);
  assert.deepEqual(imms, [
    ['u32', 4294967295], ['s32', -1], ['b64', 18446744069414584320n], ['s64', 0n], ['f32', 1], ['f64', 1.5], ['b32', 0x3f800000],
    ['f32', 2.5], ['b16', 0x1f79], ['u32', 3], ['pred', 1],
  ]);
});

test('special registers, symbols and addresses resolve', () => {
  const m = fixture('dynshared.ptx');
  const k = kernel(m, 'dyn');
  const ops = all(k).flatMap((i) => i.operands);
  const tid = ops.find((o) => o.kind === 'sreg')!;
  assert.deepEqual(tid, { kind: 'sreg', name: 'tid', component: 0, type: 'u32' });
  const coeffs = ops.find((o) => o.kind === 'sym' && o.symbol.name === 'coeffs');
  assert.ok(coeffs?.kind === 'sym' && coeffs.symbol.kind === 'variable' && coeffs.symbol.space === 'const');
  const sm = ops.find((o) => o.kind === 'sym' && o.symbol.name === 'sm');
  assert.ok(sm?.kind === 'sym' && sm.symbol.kind === 'shared' && sm.symbol.dynamic);
  const table = ops.find((o) => o.kind === 'addr' && o.base?.kind === 'variable' && o.base.name === 'table');
  assert.deepEqual(table?.kind === 'addr' && table.offset, 12);
  const param = ops.find((o) => o.kind === 'addr' && o.base?.kind === 'param');
  assert.ok(param?.kind === 'addr' && param.base?.kind === 'param' && param.base.region === 'entry');
  const c = kernel(fixture('cluster.ptx'), 'clustered');
  const sregs = all(c).flatMap((i) => i.operands).filter((o) => o.kind === 'sreg').map((o) => o.kind === 'sreg' && `${o.name}${o.component ?? ''}`);
  assert.ok(sregs.includes('cluster_ctarank') && sregs.includes('cluster_nctaid2'));
  const g = kernel(fixture('inline_asm.ptx'), 'inline_asm');
  assert.ok(all(g).flatMap((i) => i.operands).some((o) => o.kind === 'sreg' && o.name === 'globaltimer' && o.type === 'u64'));
});

test('instructions keep PTX lines, .loc positions and their text', () => {
  const m = fixture('saxpy.lineinfo.ptx');
  const k = kernel(m, 'saxpy');
  const fma = all(k).find((i) => i.op === 'fma')!;
  assert.ok(fma.line > 20);
  assert.ok(fma.loc !== null);
  assert.match(fma.loc.path!, /saxpy\.cu$/);
  assert.equal(fma.loc.line, 4);
  assert.match(fma.text, /^fma\.rn\.f32\s+%f4, %f2, %f1, %f3;$/);
  const plain = kernel(fixture('saxpy.ptx'), 'saxpy');
  assert.ok(all(plain).every((i) => i.loc === null));
});

test('lowering errors name line and token', () => {
  let e = lowerError('  .reg .b32 %r<3>;\n  mov.u32 %r3, 1;');
  assert.match(e.message, /undeclared name %r3/);
  assert.deepEqual([e.location.line, e.location.token], [8, '%r3']);
  e = lowerError('  .reg .b32 %r<3>; .reg .b64 %rd<3>;\n  add.s32 %r1, %rd1, %r2;');
  assert.match(e.message, /%rd1 is \.b64 \(64 bits\) but add\.s32 expects 32 bits/);
  e = lowerError('  .reg .b32 %r<3>;\n  @%r1 bra $L1;\n$L1: ret;');
  assert.match(e.message, /guard %r1 is not a predicate/);
  e = lowerError('  .reg .pred %p<3>;\n  @%p1 bra $nowhere;');
  assert.match(e.message, /undefined label \$nowhere/);
  e = lowerError('  .reg .b32 %r<3>;\n  mov.u32 5, %r1;');
  assert.match(e.message, /cannot take a constant here/);
  e = lowerError('  .reg .b32 %r<3>;\n  add.u32 %r1, _, %r2;');
  assert.match(e.message, /'_' can only stand for a result/);
  e = lowerError('  .reg .b32 %r<3>;\n  mov.u32 %r1, %tid;');
  assert.match(e.message, /needs a \.x, \.y or \.z component/);
  e = lowerError('  .reg .b32 %r<3>;\n  mov.u32 %r1, %bogus;');
  assert.match(e.message, /undeclared name %bogus/);
  e = lowerError('  .reg .b32 %r<3>;\n  mov.u32 %tid.x, %r1;');
  assert.match(e.message, /read-only/);
  e = lowerError('  .reg .f32 %f<3>; .reg .b64 %rd<2>;\n  ld.global.v4.f32 {%f1, %f2}, [%rd1];');
  assert.match(e.message, /needs a 4-element vector/);
  e = lowerError('  .reg .b32 %r<3>;\n  ld.global.u32 %r1, %r2;');
  assert.match(e.message, /expects an address/);
  e = lowerError('  .reg .b32 %r<3>;\n  call.uni f, (%r1);', '.func f(.param .b32 a) { ret; }');
  assert.match(e.message, /register arguments are not supported/);
  e = lowerError('  { .param .b32 a; call.uni f, (a); }', '.func f(.param .b32 a, .param .b32 b) { ret; }');
  assert.match(e.message, /takes 2 argument/);
  e = lowerError('  .reg .b32 %r<3>;\n  ld.global.u32 %r1, [ext];', '.extern .global .u32 ext;');
  assert.match(e.message, /\.extern variable/);
  e = lowerError('  .reg .b32 %r<3>;\n  .reg .b32 %r<4>;');
  assert.match(e.message, /declared twice/);
  e = lowerError('  ret;', '.global .u32 k;');
  assert.match(e.message, /defined twice/);
  e = lowerError('  .reg .b32 %r<2>; .reg .pred %p<2>;\n  setp.eq.u32 %r1, %r1, 0;');
  assert.match(e.message, /%r1 is \.b32 but setp\.eq\.u32 expects \.pred/);
  e = lowerError('  call.uni g, ();', '.func g();');
  assert.match(e.message, /declared but never defined/);
  e = lowerError('  ret;\n}\n.entry k2()\n{\n  call.uni k, ();');
  assert.match(e.message, /is a kernel and cannot be called/);
  e = lowerError('  .reg .b128 %q;');
  assert.match(e.message, /\.b128 registers are not supported/);
  assert.equal(e.codeName, 'CUDA_ERROR_INVALID_PTX');
  assert.match(e.message, /in k\)/);
});
