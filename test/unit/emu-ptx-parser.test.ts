import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PtxSyntaxError } from '../../src/errors.js';
import { parsePtx } from '../../src/emu/ptx/parser.js';
import type { Block, Declaration, FunctionDecl, Instruction, PtxModule, Statement } from '../../src/emu/ptx/ast.js';
import { ptxFixture, ptxFixtureNames } from '../fixtures/ptx/corpus.js';

const HEADER = '.version 9.0\n.target sm_90\n.address_size 64\n';

function fn(m: PtxModule, name: string): FunctionDecl {
  const f = m.items.find((i): i is FunctionDecl => i.kind === 'function' && i.name === name);
  assert.ok(f, `no function ${name}`);
  return f;
}

function instructions(block: Block): Instruction[] {
  const out: Instruction[] = [];
  const walk = (s: Statement): void => {
    if (s.kind === 'instruction') out.push(s);
    else if (s.kind === 'block') s.statements.forEach(walk);
  };
  block.statements.forEach(walk);
  return out;
}

function parseError(text: string): PtxSyntaxError {
  try {
    parsePtx(text, 'cuModuleLoadData');
  } catch (e) {
    assert.ok(e instanceof PtxSyntaxError, String(e));
    return e;
  }
  assert.fail('no error');
}

test('every PTX file of the fixture corpus parses', () => {
  const names = ptxFixtureNames();
  assert.ok(names.length >= 25, `corpus has ${names.length} files`);
  for (const name of names) {
    const m = parsePtx(ptxFixture(name), name);
    assert.equal(m.version, '9.0', name);
    assert.equal(m.target, 'sm_90', name);
    assert.equal(m.addressSize, 64, name);
    assert.ok(m.items.some((i) => i.kind === 'function' && i.entry), `${name} has kernels`);
  }
});

test('module header, .target options and .file table (-G output)', () => {
  const m = parsePtx(ptxFixture('saxpy.G.ptx'));
  assert.deepEqual(m.targetOptions, ['debug']);
  assert.match(m.files.get(1)!, /saxpy\.cu$/);
  const saxpy = fn(m, 'saxpy');
  const locs = saxpy.body!.statements.filter((s) => s.kind === 'loc');
  assert.ok(locs.length > 3);
  assert.deepEqual((({ file, sourceLine, sourceColumn }) => ({ file, sourceLine, sourceColumn }))(locs[0] as never), { file: 1, sourceLine: 2, sourceColumn: 0 });
});

test('.loc with inlined_at, debug sections and pragmas do not disturb parsing', () => {
  const m = parsePtx(ptxFixture('reduce.lineinfo.ptx'));
  assert.ok(m.items.length > 0);
  const g = parsePtx(HEADER + `
.entry k()
{
  .loc 2 107 3, function_name $L__info_string0, inlined_at 1 22 3
  .pragma "nounroll";
  ret;
}
  .section .debug_str
  {
$L__info_string0:
.b8 95,0
  }
  .section .debug_info { .b32 .debug_abbrev
.b64 $L__func_begin0-$L__func_end0 }
`);
  const k = fn(g, 'k');
  assert.deepEqual(k.body!.statements.map((s) => s.kind), ['loc', 'pragma', 'instruction']);
});

test('entry parameters: scalars, .align N .b8 arrays, .ptr attributes', () => {
  const m = parsePtx(HEADER + `
.visible .entry k(
  .param .u8 k_p0,
  .param .align 16 .b8 k_p1[48],
  .param .u64 .ptr .global .align 16 k_p2,
  .param .u64 .ptr .shared k_p3
)
.maxntid 128, 1, 1
.minnctapersm 2
{ ret; }`);
  const k = fn(m, 'k');
  assert.equal(k.entry, true);
  assert.equal(k.linkage, 'visible');
  const [p0, p1, p2, p3] = k.params as [Declaration, Declaration, Declaration, Declaration];
  assert.deepEqual([p0.type, p0.align, p0.dims, p0.ptr], ['u8', null, [], null]);
  assert.deepEqual([p1.type, p1.align, p1.dims], ['b8', 16, [48]]);
  assert.deepEqual(p2.ptr, { space: 'global', align: 16 });
  assert.equal(p2.align, null);
  assert.deepEqual(p3.ptr, { space: 'shared', align: null });
  assert.deepEqual(k.directives.maxntid, [128, 1, 1]);
  assert.equal(k.directives.minnctapersm, 2);
});

test('performance and cluster directives', () => {
  const m = parsePtx(ptxFixture('cluster.ptx'));
  const c = fn(m, 'clustered');
  assert.equal(c.directives.explicitcluster, true);
  assert.deepEqual(c.directives.reqnctapercluster, [2, 1, 1]);
  assert.equal(fn(m, 'bounded').directives.maxclusterrank, 2);
  assert.equal(fn(m, 'maxreg').directives.maxnreg, 40);
  const r = parsePtx(HEADER + '.entry k() .reqntid 32, 4 .noreturn { exit; }');
  assert.deepEqual(fn(r, 'k').directives.reqntid, [32, 4]);
  assert.equal(fn(r, 'k').directives.noreturn, true);
});

test('.func with return parameters, forward declarations and .extern declarations', () => {
  const m = parsePtx(ptxFixture('noinline.ptx'));
  const decls = m.items.filter((i): i is FunctionDecl => i.kind === 'function' && i.name === '_Z4addfff');
  assert.equal(decls.length, 2);
  assert.equal(decls[0]!.body, null);
  assert.ok(decls[1]!.body);
  const mk = fn(m, '_Z6mkpairid');
  assert.deepEqual(mk.returns.map((r) => [r.name, r.align, r.dims]), [['func_retval0', 8, [16]]]);
  const p = parsePtx(ptxFixture('printf_assert.ptx'));
  const vprintf = fn(p, 'vprintf');
  assert.equal(vprintf.linkage, 'extern');
  assert.equal(vprintf.body, null);
  assert.equal(vprintf.returns.length, 1);
});

test('register declarations: ranges, lists, and .reg.b32 without a space', () => {
  const m = parsePtx(HEADER + `.entry k() {
  .reg .b32 %r<42>;
  .reg .pred %p, %q;
  {.reg.b32 f, C, nZ;
   .reg.b16 h;
  }
  ret;
}`);
  const body = fn(m, 'k').body!;
  const [r, p, q] = body.statements as Declaration[];
  assert.deepEqual([r!.name, r!.range, r!.type, r!.space], ['%r', 42, 'b32', 'reg']);
  assert.deepEqual([p!.name, q!.name, q!.type], ['%p', '%q', 'pred']);
  const inner = body.statements[3] as Block;
  assert.deepEqual(inner.statements.map((s) => (s as Declaration).name), ['f', 'C', 'nZ', 'h']);
});

test('variables: alignment, arrays, initializers, generic() and function addresses, extern shared', () => {
  const m = parsePtx(ptxFixture('dynshared.ptx'));
  const v = (name: string): Declaration => m.items.find((i): i is Declaration => i.kind === 'decl' && i.name === name)!;
  assert.deepEqual([v('coeffs').space, v('coeffs').align, v('coeffs').dims], ['const', 4, [16]]);
  assert.equal(v('coeffs').init?.kind, 'list');
  const init = v('ptr_into_table').init!;
  assert.deepEqual(init.kind === 'symbol' && [init.name, init.generic, init.addend], ['table', true, 8n]);
  assert.deepEqual([v('sm').linkage, v('sm').space, v('sm').dims, v('sm').align], ['extern', 'shared', [null], 16]);
  assert.equal(v('uninit').init, null);
  const n = parsePtx(ptxFixture('noinline.ptx'));
  const ops = n.items.find((i): i is Declaration => i.kind === 'decl' && i.name === 'ops')!;
  assert.deepEqual(ops.init?.kind === 'list' && ops.init.items.map((x) => x.kind === 'symbol' && x.name), ['_Z4addfff', '_Z4mulfff']);
  const neg = parsePtx(HEADER + '.global .s32 a[3] = {-1, 0x10, 010};\n.global .f32 f = 0f3F800000;\n.global .v2 .f64 w = {1.5, -2.0};');
  const a = neg.items[0] as Declaration;
  assert.deepEqual(a.init?.kind === 'list' && a.init.items.map((x) => x.kind === 'int' && x.value), [-1n, 16n, 8n]);
  assert.equal((neg.items[2] as Declaration).vector, 2);
});

test('instructions: guards, vector operands, d|p destinations, addresses, special-register components', () => {
  const m = parsePtx(HEADER + `.entry k() {
  @%p1 bra $L__BB0_2;
  @!%p2 ld.global.v2.f32 {%f1, _}, [%rd4+-8];
  shfl.sync.bfly.b32 %r16|%p2, %r12, %r14, %r13, %r15;
  st.shared.u32 [sdata+12], %r1;
  ld.param.u64 %rd1, [k_param_0];
  ld.u32 %r2, [%r1];
  mov.u32 %r3, %ctaid.x;
  vote.sync.any.pred %p5, !%p4, %r1;
$L__BB0_2:
  ret;
}`);
  const ins = instructions(fn(m, 'k').body!);
  assert.deepEqual(ins[0]!.guard && [ins[0]!.guard.name, ins[0]!.guard.negate], ['%p1', false]);
  assert.deepEqual(ins[1]!.guard && [ins[1]!.guard.name, ins[1]!.guard.negate], ['%p2', true]);
  const vec = ins[1]!.operands[0]!;
  assert.equal(vec.kind, 'vector');
  assert.deepEqual(vec.kind === 'vector' && vec.elements.map((e) => e.kind), ['name', 'sink']);
  const addr = ins[1]!.operands[1]!;
  assert.deepEqual(addr.kind === 'address' && [addr.base?.name, addr.offset], ['%rd4', -8n]);
  const pair = ins[2]!.operands[0]!;
  assert.deepEqual(pair.kind === 'pair' && [pair.first.kind === 'name' && pair.first.name, pair.second.kind === 'name' && pair.second.name], ['%r16', '%p2']);
  const st = ins[3]!.operands[0]!;
  assert.deepEqual(st.kind === 'address' && [st.base?.name, st.offset], ['sdata', 12n]);
  const tid = ins[6]!.operands[1]!;
  assert.deepEqual(tid.kind === 'name' && [tid.name, tid.component], ['%ctaid', 'x']);
  const neg = ins[7]!.operands[1]!;
  assert.deepEqual(neg.kind === 'name' && [neg.name, neg.negate], ['%p4', true]);
  assert.equal(ins[0]!.line, 5);
});

test('literals in operands: hex floats, negative and octal integers', () => {
  const m = parsePtx(HEADER + `.entry k() {
  mov.f32 %f1, 0f3F800000;
  add.f64 %fd1, %fd1, 0dBFF0000000000000;
  mov.b32 %r1, -0x10;
  add.s32 %r1, %r1, 017;
  mov.f32 %f2, -0f3F800000;
  ret;
}`);
  const ins = instructions(fn(m, 'k').body!);
  const op = (i: number): unknown => {
    const o = ins[i]!.operands.at(-1)!;
    return o.kind === 'float' ? [o.value, o.width, o.bits] : o.kind === 'int' ? o.value : o.kind;
  };
  assert.deepEqual(op(0), [1, 32, 0x3f800000n]);
  assert.deepEqual(op(1), [-1, 64, 0xbff0000000000000n]);
  assert.equal(op(2), -16n);
  assert.equal(op(3), 15n);
  assert.deepEqual(op(4), [-1, 32, 0xbf800000n]);
});

test('calls: direct with results, without results, indirect with a prototype', () => {
  const m = parsePtx(ptxFixture('noinline.ptx'));
  const calls = instructions(fn(m, 'calls').body!).filter((i) => i.decoded.opcode === 'call');
  assert.equal(calls.length, 7);
  const first = calls[0]!.call!;
  assert.deepEqual([first.returns.map((r) => r.kind === 'name' && r.name), first.target.name, first.args.length, first.prototype], [['retval0'], '_Z4polyfff', 1, null]);
  assert.equal(calls[0]!.decoded.mods.uni, true);
  const fill = calls.find((c) => c.call!.target.name === '_Z4fillPii')!.call!;
  assert.deepEqual([fill.returns.length, fill.args.length], [0, 2]);
  const indirect = calls.at(-1)!;
  assert.equal(indirect.decoded.mods.uni, false);
  assert.equal(indirect.call!.target.name, '%rd11');
  assert.equal(indirect.call!.prototype?.name, 'prototype_8');
  const protos = fn(m, 'calls').body!.statements.flatMap((s) => (s.kind === 'block' ? s.statements : [s])).filter((s) => s.kind === 'callprototype');
  assert.equal(protos.length, 1);
  assert.deepEqual(protos[0]!.kind === 'callprototype' && [protos[0]!.params.length, protos[0]!.returns.length], [2, 1]);
});

test('nested { } scopes and brx.idx jump tables', () => {
  const m = parsePtx(HEADER + `.entry k() {
  .reg .b32 %r<3>;
  {
    .reg .b32 %r<2>;
    { mov.u32 %r1, 1; }
  }
$tbl: .branchtargets $L1, $L2;
  brx.idx %r1, $tbl;
$L1: ret;
$L2: exit;
}`);
  const body = fn(m, 'k').body!;
  assert.equal((body.statements[1] as Block).statements[1]!.kind, 'block');
  const tbl = body.statements.find((s) => s.kind === 'branchtargets');
  assert.deepEqual(tbl?.kind === 'branchtargets' && tbl.labels, ['$L1', '$L2']);
  const brx = instructions(body).find((i) => i.decoded.opcode === 'brx.idx')!;
  assert.equal(brx.operands.length, 2);
});

test('parse errors name line, column and token', () => {
  let e = parseError(HEADER + '.entry k() {\n  add.s32 %r1, %r2 %r3;\n}');
  assert.deepEqual(e.location, { line: 5, column: 20, token: '%r3' });
  assert.match(e.message, /expected ';'/);
  e = parseError(HEADER + '.entry k() {\n  frobnicate.u32 %r1;\n}');
  assert.deepEqual(e.location, { line: 5, column: 3, token: 'frobnicate' });
  assert.match(e.message, /unknown opcode 'frobnicate'/);
  e = parseError(HEADER + '.entry k() {\n  add.sideways.s32 %r1, %r2, %r3;\n}');
  assert.deepEqual(e.location, { line: 5, column: 6, token: '.sideways' });
  assert.match(e.message, /unknown modifier '\.sideways' for 'add'/);
  e = parseError(HEADER + '.entry k() {\n  add.s32 %r1, %r2;\n}');
  assert.match(e.message, /'add\.s32' takes 3 operands, not 2/);
  assert.equal(e.location.line, 5);
  e = parseError(HEADER + '.entry k() {\n  ret;\n');
  assert.match(e.message, /unterminated block/);
  e = parseError('.target sm_90\n.entry k() { ret; }');
  assert.match(e.message, /missing \.version/);
  e = parseError(HEADER + '.entry k(.param .u32 a .param .u32 b) { ret; }');
  assert.equal(e.location.token, '.param');
  e = parseError(HEADER + '.global .u32 x = {1, 2;');
  assert.match(e.message, /'}'/);
  e = parseError(HEADER + '.entry k() {\n  ld.global.f32 %f1, [%rd1+%rd2];\n}');
  assert.equal(e.location.token, '%rd2');
  e = parseError(HEADER + '.entry k() {\n  setp.s32 %p1, %r1, %r2;\n}');
  assert.match(e.message, /lacks a cmp modifier/);
  e = parseError(HEADER + '.entry k() {\n  mov.u32.u32 %r1, %r2;\n}');
  assert.match(e.message, /too many type suffixes/);
  assert.equal(e.location.token, '.u32');
  e = parseError(HEADER + '.entry k() {\n  add.rn.rz.f32 %f1, %f2, %f3;\n}');
  assert.match(e.message, /conflicting modifier '\.rz'/);
  e = parseError(HEADER + 'garbage');
  assert.match(e.message, /expected a directive/);
  assert.equal(e.codeName, 'CUDA_ERROR_INVALID_PTX');
});
