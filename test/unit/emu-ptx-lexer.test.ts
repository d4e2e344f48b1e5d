import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PtxSyntaxError } from '../../src/errors.js';
import { tokenize, lex } from '../../src/emu/ptx/lexer.js';
import { decodeFloatLiteral, decodeIntLiteral, f32FromBits, f64FromBits } from '../../src/emu/ptx/literals.js';

const kinds = (text: string): string[] => tokenize(text, 'test').map((t) => `${t.kind}:${t.text}`);

test('lexer splits instructions into identifiers, touching directives and punctuation', () => {
  assert.deepEqual(kinds('@!%p1 ld.global.nc.v2.f32 {%f1, _}, [%rd4+-8];'), [
    'punct:@', 'punct:!', 'ident:%p1', 'ident:ld', 'directive:.global', 'directive:.nc', 'directive:.v2', 'directive:.f32',
    'punct:{', 'ident:%f1', 'punct:,', 'ident:_', 'punct:}', 'punct:,', 'punct:[', 'ident:%rd4', 'punct:+', 'punct:-',
    'int:8', 'punct:]', 'punct:;', 'eof:<end of input>',
  ]);
});

test('lexer accepts PTX identifier forms: %names, $labels, __$temp, plain names', () => {
  assert.deepEqual(kinds('$L__BB0_2: __$temp3 %SPL nZ _Z3fooi %tid.x'), [
    'ident:$L__BB0_2', 'punct::', 'ident:__$temp3', 'ident:%SPL', 'ident:nZ', 'ident:_Z3fooi', 'ident:%tid', 'directive:.x',
    'eof:<end of input>',
  ]);
});

test('lexer keeps :: inside modifiers', () => {
  assert.deepEqual(kinds('ld.global.L2::128B.shared::cluster mapa.shared::cluster.u64'), [
    'ident:ld', 'directive:.global', 'directive:.L2::128B', 'directive:.shared::cluster', 'ident:mapa',
    'directive:.shared::cluster', 'directive:.u64', 'eof:<end of input>',
  ]);
});

test('lexer classifies numeric literals', () => {
  assert.deepEqual(kinds('0f3F800000 0d3FF0000000000000 0x3fb8aa3bU 0X1F79U 017 0b101 42 1.5 2e-3 .5 9.0'), [
    'float:0f3F800000', 'float:0d3FF0000000000000', 'int:0x3fb8aa3bU', 'int:0X1F79U', 'int:017', 'int:0b101', 'int:42',
    'float:1.5', 'float:2e-3', 'float:.5', 'float:9.0', 'eof:<end of input>',
  ]);
});

test('lexer skips comments and tracks lines and columns', () => {
  const toks = tokenize('// header\n\t/* a\n b */ mov.u32 %r1, 1; // tail\n  ret;', 'test');
  const mov = toks.find((t) => t.text === 'mov')!;
  assert.equal(mov.line, 3);
  assert.equal(mov.column, 7);
  const ret = toks.find((t) => t.text === 'ret')!;
  assert.deepEqual([ret.line, ret.column], [4, 3]);
  assert.equal(toks.at(-1)!.kind, 'eof');
});

test('lexer token buffer matches token objects', () => {
  const text = '.reg .b32 %r<4>;\nadd.s32 %r1, %r2, -3;';
  const buf = lex(text, 'test');
  const objs = tokenize(text, 'test');
  assert.equal(buf.count, objs.length);
  for (let k = 0; k < buf.count; k++) assert.deepEqual(buf.token(k), objs[k]);
});

function lexError(text: string): PtxSyntaxError {
  try {
    tokenize(text, 'cuModuleLoadData');
  } catch (e) {
    assert.ok(e instanceof PtxSyntaxError, String(e));
    return e;
  }
  assert.fail(`no error for ${JSON.stringify(text)}`);
}

test('lexer errors name line, column and token', () => {
  let e = lexError('mov.u32 %r1, 1;\n  add.u32 %r1, %r1, #;');
  assert.deepEqual(e.location, { line: 2, column: 21, token: '#' });
  assert.equal(e.codeName, 'CUDA_ERROR_INVALID_PTX');
  assert.equal(e.call, 'cuModuleLoadData');
  assert.match(e.message, /line 2, column 21, at '#'/);
  e = lexError('mov.f32 %f1, 0f3F80000;');
  assert.equal(e.location.token, '0f3F80000');
  assert.match(e.message, /8 hex digits/);
  e = lexError('mov.u32 %r1, 12ab;');
  assert.equal(e.location.token, '12ab');
  e = lexError('.pragma "nounroll;\n');
  assert.match(e.message, /unterminated string/);
  e = lexError('/* never closed');
  assert.match(e.message, /unterminated/);
  e = lexError('mov.u32 %r1, % ;');
  assert.equal(e.location.token, '%');
});

test('integer literals decode in every base', () => {
  assert.equal(decodeIntLiteral('42'), 42n);
  assert.equal(decodeIntLiteral('0x2A'), 42n);
  assert.equal(decodeIntLiteral('0X2aU'), 42n);
  assert.equal(decodeIntLiteral('052'), 42n);
  assert.equal(decodeIntLiteral('0b101010'), 42n);
  assert.equal(decodeIntLiteral('0'), 0n);
  assert.equal(decodeIntLiteral('18446744073709551615'), (1n << 64n) - 1n);
  assert.equal(decodeIntLiteral('18446744073709551616'), null);
  assert.equal(decodeIntLiteral('09'), null);
  assert.equal(decodeIntLiteral('0xG'), null);
});

test('integer literals round-trip through every base (property)', () => {
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.boolean(), (v, suffix) => {
    const u = suffix ? 'U' : '';
    assert.equal(decodeIntLiteral(v.toString() + u), v);
    assert.equal(decodeIntLiteral('0x' + v.toString(16) + u), v);
    assert.equal(decodeIntLiteral('0X' + v.toString(16).toUpperCase()), v);
    assert.equal(decodeIntLiteral('0b' + v.toString(2) + u), v);
    if (v > 0n) assert.equal(decodeIntLiteral('0' + v.toString(8) + u), v);
  }));
});

test('lexed integers are whole tokens (property)', () => {
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.constantFrom('', '0x', '0b'), (v, prefix) => {
    const text = prefix === '' ? v.toString() : prefix + v.toString(prefix === '0x' ? 16 : 2);
    const toks = tokenize(`add.u64 %rd1, %rd1, ${text};`, 'test');
    const lit = toks[toks.length - 3]!;
    assert.equal(lit.kind, 'int');
    assert.equal(decodeIntLiteral(lit.text), v);
  }));
});

test('hex float literals decode to the bit pattern they spell', () => {
  assert.equal(decodeFloatLiteral('0f3F800000')!.value, 1);
  assert.equal(decodeFloatLiteral('0f7FC00000')!.value, NaN);
  assert.equal(decodeFloatLiteral('0fFF800000')!.value, -Infinity);
  assert.equal(decodeFloatLiteral('0f00000001')!.value, 2 ** -149);
  assert.equal(decodeFloatLiteral('0d400921FB54442D18')!.value, Math.PI);
  assert.deepEqual(decodeFloatLiteral('0d3FF0000000000000'), { value: 1, bits: 0x3ff0000000000000n, width: 64 });
  assert.deepEqual(decodeFloatLiteral('1.5'), { value: 1.5, bits: 0x3ff8000000000000n, width: 64 });
  assert.equal(decodeFloatLiteral('2e-3')!.value, 0.002);
  assert.equal(decodeFloatLiteral('0f3F80'), null);
});

test('0f literals decode like a Float32 view of the bits (property)', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (bits) => {
    const text = '0f' + bits.toString(16).padStart(8, '0').toUpperCase();
    const lit = decodeFloatLiteral(text)!;
    const view = new DataView(new ArrayBuffer(4));
    view.setUint32(0, bits);
    assert.ok(Object.is(lit.value, view.getFloat32(0)));
    assert.equal(lit.bits, BigInt(bits));
    assert.equal(lit.width, 32);
    assert.ok(Object.is(f32FromBits(bits), view.getFloat32(0)));
  }));
});

test('0d literals decode like a Float64 view of the bits (property)', () => {
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (bits) => {
    const text = '0d' + bits.toString(16).padStart(16, '0');
    const lit = decodeFloatLiteral(text)!;
    assert.ok(Object.is(lit.value, f64FromBits(bits)));
    assert.equal(lit.bits, bits);
  }));
});

test('decimal float literals round-trip (property)', () => {
  fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: 0 }), (v) => {
    const text = v.toString().includes('.') || v.toString().includes('e') ? v.toString() : `${v}.0`;
    if (!/^[0-9.e+-]+$/.test(text)) return;
    assert.equal(decodeFloatLiteral(text)!.value, v);
  }));
});
