import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInstruction, operandRoles, type DecodedInstruction } from '../../src/emu/ptx/instruction.js';
import { OPCODES } from '../../src/emu/ptx/opcodes.js';
import { parsePtx } from '../../src/emu/ptx/parser.js';
import type { Instruction, Statement } from '../../src/emu/ptx/ast.js';
import { ptxFixture, ptxFixtureNames } from '../fixtures/ptx/corpus.js';

class DecodeError extends Error {
  constructor(message: string, readonly index: number) {
    super(message);
  }
}

const decode = (name: string): DecodedInstruction =>
  decodeInstruction(name, (message, index) => { throw new DecodeError(message, index); });

function decodeError(name: string): DecodeError {
  try {
    decode(name);
  } catch (e) {
    assert.ok(e instanceof DecodeError);
    return e;
  }
  assert.fail(`${name} decoded`);
}

test('types are kept in order: cvt.rn.f32.s32, cvt.rzi.ftz.u32.f32', () => {
  const a = decode('cvt.rn.f32.s32');
  assert.deepEqual([a.opcode, a.types, a.mods.rounding], ['cvt', ['f32', 's32'], 'rn']);
  const b = decode('cvt.rzi.ftz.u32.f32');
  assert.deepEqual([b.types, b.mods.rounding, b.mods.ftz], [['u32', 'f32'], 'rzi', true]);
  const c = decode('cvt.rn.satfinite.relu.f16x2.f32');
  assert.deepEqual([c.types, c.mods.satfinite, c.mods.relu], [['f16x2', 'f32'], true, true]);
});

test('the same spelling means different things for different opcodes', () => {
  assert.equal(decode('setp.lo.u32').mods.cmp, 'lo');
  assert.equal(decode('mul.lo.u32').mods.mode, 'lo');
  assert.equal(decode('mul.lo.u32').mods.cmp, null);
  assert.equal(decode('setp.lt.and.s32').mods.boolOp, 'and');
  assert.equal(decode('atom.global.and.b32').mods.op, 'and');
  assert.equal(decode('atom.global.and.b32').mods.boolOp, null);
  assert.equal(decode('vote.sync.uni.pred').mods.vote, 'uni');
  assert.equal(decode('vote.sync.uni.pred').mods.uni, false);
  assert.equal(decode('bra.uni').mods.uni, true);
  assert.equal(decode('membar.cta').mods.membar, 'cta');
  assert.equal(decode('fence.acq_rel.cta').mods.scope, 'cta');
  assert.equal(decode('min.NaN.f32').mods.nan, true);
  assert.equal(decode('setp.nan.f32').mods.cmp, 'nan');
});

test('modifier order is free', () => {
  const a = decode('atom.add.relaxed.gpu.s32');
  const b = decode('atom.relaxed.gpu.add.s32');
  assert.deepEqual([a.mods.op, a.mods.sem, a.mods.scope, a.types], [b.mods.op, b.mods.sem, b.mods.scope, b.types]);
  assert.equal(decode('setp.eq.ftz.f32').mods.ftz, true);
  assert.equal(decode('setp.ftz.eq.f32').mods.cmp, 'eq');
});

test('memory instructions: spaces, cache operators, vectors, semantics, hints', () => {
  const ld = decode('ld.global.nc.v4.f32');
  assert.deepEqual([ld.mods.space, ld.mods.nc, ld.mods.vec, ld.type], ['global', true, 4, 'f32']);
  assert.equal(decode('ld.volatile.shared.u32').mods.sem, 'volatile');
  assert.deepEqual(decode('ld.acquire.gpu.b32').mods.space, null);
  assert.equal(decode('ld.param::entry.u32').mods.space, 'param');
  assert.equal(decode('st.shared::cta.u32').mods.space, 'shared');
  assert.equal(decode('mapa.shared::cluster.u64').mods.space, 'shared::cluster');
  assert.deepEqual(decode('ld.global.L1::evict_last.L2::128B.f32').mods.hints, ['L1::evict_last', 'L2::128B']);
  assert.equal(decode('st.global.wb.u32').mods.cache, 'wb');
  assert.deepEqual(decode('cvta.to.global.u64').mods.to, true);
  assert.deepEqual(decode('cvta.shared.u64').mods.to, false);
  assert.equal(decode('prefetch.global.L2').mods.level, 'L2');
  assert.equal(decode('prefetch.global.L2::evict_last').mods.level, null);
});

test('compound opcodes: bar.warp.sync, barrier.cluster.*, brx.idx', () => {
  assert.equal(decode('bar.warp.sync').opcode, 'bar.warp.sync');
  const arrive = decode('barrier.cluster.arrive.release.aligned');
  assert.deepEqual([arrive.opcode, arrive.mods.barrier, arrive.mods.sem, arrive.mods.aligned], ['barrier.cluster', 'arrive', 'release', true]);
  assert.equal(decode('barrier.cluster.wait').mods.barrier, 'wait');
  assert.equal(decode('brx.idx.uni').opcode, 'brx.idx');
  const red = decode('bar.red.popc.u32');
  assert.deepEqual([red.opcode, red.mods.barrier, red.mods.op, red.type], ['bar', 'red', 'popc', 'u32']);
  assert.equal(decode('barrier.sync.aligned').mods.aligned, true);
});

test('operand roles: destinations, widened types, d|p pairs, memory operands', () => {
  const roles = (name: string, n: number): string[] =>
    operandRoles(decode(name), n)!.map((r) => `${r.dst ? 'd' : 's'}:${r.form === 'value' ? r.type : r.form}${r.pairType ? '|' + r.pairType : ''}`);
  assert.deepEqual(roles('mul.wide.s32', 3), ['d:s64', 's:s32', 's:s32']);
  assert.deepEqual(roles('mad.wide.u16', 4), ['d:u32', 's:u16', 's:u16', 's:u32']);
  assert.deepEqual(roles('mad.lo.cc.u32', 4), ['d:u32', 's:u32', 's:u32', 's:u32']);
  assert.deepEqual(roles('setp.lt.and.s32', 4), ['d:pred|pred', 's:s32', 's:s32', 's:pred']);
  assert.deepEqual(roles('shfl.sync.down.b32', 5), ['d:b32|pred', 's:b32', 's:u32', 's:u32', 's:b32']);
  assert.deepEqual(roles('st.global.v2.u64', 2), ['s:memory', 's:u64']);
  assert.deepEqual(roles('atom.global.cas.b32', 4), ['d:b32', 's:memory', 's:b32', 's:b32']);
  assert.deepEqual(roles('shl.b64', 3), ['d:b64', 's:b64', 's:u32']);
  assert.deepEqual(roles('cvt.rn.f32.s32', 2), ['d:f32', 's:s32']);
  assert.deepEqual(roles('set.gt.u32.f32', 3), ['d:u32', 's:f32', 's:f32']);
  assert.deepEqual(roles('slct.f32.s32', 4), ['d:f32', 's:f32', 's:f32', 's:s32']);
  assert.deepEqual(roles('vote.sync.ballot.b32', 3), ['d:b32', 's:pred', 's:b32']);
  assert.deepEqual(roles('vote.sync.all.pred', 3), ['d:pred', 's:pred', 's:b32']);
  assert.deepEqual(roles('match.all.sync.b64', 3), ['d:b32|pred', 's:b64', 's:b32']);
  assert.deepEqual(roles('dp4a.u32.s32', 4), ['d:s32', 's:u32', 's:s32', 's:s32']);
  assert.deepEqual(roles('dp4a.u32.u32', 4), ['d:u32', 's:u32', 's:u32', 's:u32']);
  assert.deepEqual(roles('bar.red.popc.u32', 3), ['d:u32', 's:u32', 's:pred']);
  assert.deepEqual(roles('bar.red.and.pred', 4), ['d:pred', 's:u32', 's:u32', 's:pred']);
  assert.deepEqual(roles('bfind.shiftamt.u64', 2), ['d:u32', 's:u64']);
  assert.equal(operandRoles(decode('add.s32'), 2), null);
  assert.equal(operandRoles(decode('bar.sync'), 1)!.length, 1);
  assert.equal(operandRoles(decode('bar.sync'), 2)!.length, 2);
});

test('control-flow classes', () => {
  assert.equal(decode('bra.uni').flow, 'branch');
  assert.equal(decode('brx.idx').flow, 'branch');
  assert.equal(decode('call.uni').flow, 'call');
  assert.equal(decode('ret').flow, 'return');
  assert.equal(decode('exit').flow, 'exit');
  assert.equal(decode('trap').flow, 'trap');
  assert.equal(decode('bar.sync').flow, 'barrier');
  assert.equal(decode('barrier.cluster.wait').flow, 'barrier');
  assert.equal(decode('bar.warp.sync').flow, 'barrier');
  assert.equal(decode('shfl.sync.idx.b32').flow, null);
  assert.equal(decode('membar.gl').flow, null);
});

test('decoding errors name the offending part', () => {
  assert.deepEqual([decodeError('frob.u32').message, decodeError('frob.u32').index], ["unknown opcode 'frob'", 0]);
  assert.equal(decodeError('add.wide.s32').index, 1);
  assert.match(decodeError('setp.s32').message, /lacks a cmp modifier/);
  assert.match(decodeError('shfl.sync.b32').message, /lacks a shfl modifier/);
  assert.match(decodeError('cvt.f32').message, /needs 2 type suffixes/);
  assert.match(decodeError('atom.global.u32').message, /lacks a op modifier/);
  assert.equal(decodeError('ld.global.shared.u32').index, 2);
  assert.equal(decodeError('ret.u32').index, 1);
  assert.equal(decodeError('fence.proxy.alias').index, 1);
});

/** Instruction spellings nvcc emits for ordinary code and the warp-level set, each decoded. */
const SPELLINGS = `
mov.u32 mov.b64 mov.pred mov.f32 mov.b16 ld.param.u64 ld.param.v4.u8 ld.global.f32 ld.global.nc.v2.f64 ld.shared.u32 ld.local.u64
ld.const.f64 ld.f32 ld.volatile.global.u32 ldu.global.f32 st.global.f32 st.shared.v4.f32 st.local.v2.u64 st.param.b32 st.u64
cvta.to.global.u64 cvta.global.u64 cvta.local.u64 cvta.shared.u64 cvta.to.shared.u32 cvta.const.u64 cvta.param.u64
add.s32 add.f32 add.rn.f32 add.rz.ftz.f32 add.sat.s32 add.cc.u32 add.f16x2 add.u16x2 add.bf16 addc.u32 addc.cc.u32
sub.s64 sub.rn.f64 sub.f16 subc.cc.u32 mul.lo.s32 mul.wide.u32 mul.wide.s16 mul.hi.u64 mul.rn.f32 mul.rp.ftz.f32 mul.f16x2
mul24.lo.s32 mad.lo.s32 mad.wide.s32 mad.hi.u32 mad.lo.cc.u32 madc.hi.cc.u32 madc.lo.u32 mad.rn.f32 mad24.lo.u32 sad.u32
fma.rn.f32 fma.rz.ftz.sat.f32 fma.rn.f64 fma.rn.f16 fma.rn.relu.bf16 fma.rn.f16x2 div.u32 div.s64 div.rn.f32 div.full.f32
div.approx.ftz.f32 div.rn.f64 rem.u32 rem.s64 min.s32 min.u64 min.f32 min.NaN.f32 min.ftz.f32 min.xorsign.abs.f32
max.relu.s32 max.f64 max.bf16x2 neg.s32 neg.f32 neg.ftz.f32 neg.f64 neg.f16 abs.s32 abs.f32 abs.ftz.f32 abs.f16 abs.f64
copysign.f32 copysign.f64 rcp.rn.f32 rcp.approx.ftz.f32 rcp.approx.ftz.f64 rcp.rn.f64 sqrt.rn.f32 sqrt.approx.f32
sqrt.rz.ftz.f32 sqrt.rn.f64 rsqrt.approx.f32 rsqrt.approx.ftz.f64 ex2.approx.f32 ex2.approx.ftz.f32 ex2.approx.f16x2
lg2.approx.f32 lg2.approx.ftz.f32 sin.approx.f32 sin.approx.ftz.f32 cos.approx.ftz.f32 tanh.approx.f32 tanh.approx.f16
testp.finite.f32 testp.notanumber.f64 testp.subnormal.f32
and.b32 and.pred and.b64 and.b16 or.b32 or.pred xor.b32 xor.pred not.b32 not.pred not.b64 cnot.b32
lop3.b32 shl.b32 shl.b64 shr.u32 shr.s32 shr.u64 shr.s64 shf.l.wrap.b32 shf.r.clamp.b32 prmt.b32 prmt.b32.f4e
bfe.u32 bfe.s64 bfi.b32 bfi.b64 bfind.u32 bfind.shiftamt.s64 brev.b32 brev.b64 popc.b32 popc.b64 clz.b32 clz.b64
fns.b32 bmsk.clamp.b32 szext.wrap.s32 dp4a.u32.u32 dp4a.s32.s32 dp2a.lo.s32.s32 dp2a.hi.u32.u32
setp.eq.s32 setp.ne.u64 setp.lt.f32 setp.ltu.ftz.f32 setp.ge.u32 setp.gtu.f64 setp.lo.u32 setp.ls.u64 setp.hi.u16 setp.hs.u32
setp.equ.f32 setp.neu.f64 setp.leu.f32 setp.geu.f32 setp.num.f32 setp.nan.f64 setp.eq.s16 setp.gt.f16 setp.lt.and.s32
setp.eq.or.f32 setp.ne.xor.b32 set.eq.f16.f16 set.gt.u32.f32 set.lt.and.s32.s32 selp.b32 selp.f32 selp.u16 selp.b64
slct.f32.s32 slct.ftz.f32.s32 slct.s32.f32
cvt.u64.u32 cvt.s64.s32 cvt.u32.u64 cvt.rn.f32.s32 cvt.rzi.s32.f32 cvt.rni.s64.f64 cvt.rmi.f32.f32 cvt.rpi.f64.f64
cvt.rn.f16.f32 cvt.f32.f16 cvt.rn.bf16.f32 cvt.f32.bf16 cvt.rz.f16.f32 cvt.rn.f16.f64 cvt.sat.f32.f32 cvt.ftz.f64.f32
cvt.rn.f16x2.f32 cvt.rn.bf16x2.f32 cvt.rni.sat.u32.f32 cvt.s32.s8 cvt.u16.u32 cvt.rna.tf32.f32 cvt.rn.satfinite.e4m3x2.f32
bra bra.uni brx.idx call call.uni ret ret.uni exit trap brkpt nanosleep.u32
bar.sync bar.sync.aligned bar.arrive barrier.sync barrier.sync.aligned barrier.arrive bar.red.popc.u32 bar.red.and.pred
bar.red.or.pred bar.warp.sync barrier.cluster.arrive barrier.cluster.arrive.relaxed barrier.cluster.wait
barrier.cluster.arrive.release.aligned barrier.cluster.wait.acquire
membar.cta membar.gl membar.sys fence.sc.cta fence.acq_rel.gpu fence.sc.sys fence.acq_rel.cluster
shfl.sync.up.b32 shfl.sync.down.b32 shfl.sync.bfly.b32 shfl.sync.idx.b32 vote.sync.all.pred vote.sync.any.pred
vote.sync.uni.pred vote.sync.ballot.b32 redux.sync.add.u32 redux.sync.min.s32 redux.sync.max.u32 redux.sync.and.b32
redux.sync.or.b32 redux.sync.xor.b32 redux.sync.min.abs.NaN.f32 match.any.sync.b32 match.all.sync.b64 activemask.b32
elect.sync
atom.global.add.u32 atom.global.add.f32 atom.global.add.f64 atom.global.add.u64 atom.shared.add.u32 atom.global.exch.b32
atom.global.cas.b32 atom.global.cas.b64 atom.global.min.s32 atom.global.max.u64 atom.global.inc.u32 atom.global.dec.u32
atom.global.and.b32 atom.global.or.b64 atom.global.xor.b32 atom.global.cta.add.u32 atom.global.sys.add.u32 atom.add.f32
atom.add.relaxed.gpu.s32 atom.global.add.noftz.f16 atom.global.add.noftz.bf16x2 atom.acq_rel.gpu.global.cas.b32
red.global.add.u32 red.shared.add.f32 red.global.add.noftz.f16x2 red.release.gpu.global.add.s32
isspacep.global isspacep.shared isspacep.local isspacep.const prefetch.global.L2 prefetch.local.L1 prefetchu.L1
prefetch.global.L2::evict_last mapa.u64 mapa.shared::cluster.u32 getctarank.shared::cluster.u32 getctarank.u64
vabsdiff4.u32.u32.u32 vabsdiff4.u32.u32.u32.add vadd4.s32.s32.s32.sat vset4.u32.u32.u32.gt vmin2.u32.u32.u32 vavrg2.u32.u32.u32
vadd2.u32.u32.u32 vsub2.s32.s32.s32.sat vabsdiff2.u32.u32.u32 vmax2.s32.s32.s32 vset2.u32.u32.u32.ne vsub4.u32.u32.u32
vavrg4.u32.u32.u32 vmin4.s32.s32.s32 vmax4.u32.u32.u32.max
`;

test('the opcode census decodes (ordinary code and the warp-level set)', () => {
  const spellings = SPELLINGS.trim().split(/\s+/);
  const opcodes = new Set<string>();
  for (const s of spellings) {
    const d = decode(s);
    assert.equal(d.name, s);
    opcodes.add(d.opcode);
  }
  assert.ok(spellings.length > 300, `${spellings.length} spellings`);
  // Every opcode of the table is exercised.
  const missing = [...OPCODES.keys()].filter((k) => !opcodes.has(k));
  assert.deepEqual(missing, []);
});

test('every instruction spelling in the fixture corpus decodes with a matching signature', () => {
  const seen = new Set<string>();
  const visit = (s: Statement): void => {
    if (s.kind === 'block') s.statements.forEach(visit);
    else if (s.kind === 'instruction') {
      const ins = s as Instruction;
      seen.add(ins.decoded.name);
      if (ins.call === null) assert.ok(operandRoles(ins.decoded, ins.operands.length), ins.decoded.name);
    }
  };
  for (const name of ptxFixtureNames()) {
    for (const item of parsePtx(ptxFixture(name)).items) if (item.kind === 'function' && item.body) visit(item.body);
  }
  assert.ok(seen.size > 250, `${seen.size} distinct spellings in the corpus`);
});
