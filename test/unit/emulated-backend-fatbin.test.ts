import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { DriverError } from '../../src/errors.js';
import { parseFatbin, entryPayload, ptxText, FATBIN_KIND_ELF, FATBIN_KIND_PTX } from '../../src/backend/emulated/fatbin.js';
import { ptxFromImage } from '../../src/backend/emulated/image.js';
import { zstdDecompress, isZstd, ZstdError } from '../../src/backend/emulated/zstd.js';
import { lz4DecompressBlock } from '../../src/backend/emulated/lz4.js';

const fixtures = new URL('../../../test/fixtures/fatbin/', import.meta.url);
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, fixtures)));

function codeOf(fn: () => unknown): DriverError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DriverError, `expected a DriverError, got ${String(e)}`);
    return e;
  }
  assert.fail('no error thrown');
}

/** The text `text-150k.*.zst` holds (see test/fixtures/fatbin/README.md). */
function corpus(): string {
  let s = 7;
  const next = (): number => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const words = ['add.s32', '%r1', 'mov.u32', ';', 'bra', '$L__BB0_2', '[%rd2]', ','];
  const parts: string[] = [];
  let n = 0;
  while (n < 150000) {
    const w = words[Math.floor(next() * words.length)]! + (next() < 0.3 ? '\n' : ' ');
    parts.push(w);
    n += w.length;
  }
  return parts.join('');
}

describe('fatbin container', () => {
  test('entries of real nvcc 13 fatbins: kinds, architectures, compression', () => {
    const summary = (name: string): string[] => parseFatbin(fixture(name)).map((e) => `${e.kind === FATBIN_KIND_PTX ? 'ptx' : e.kind === FATBIN_KIND_ELF ? 'elf' : e.kind}:${e.arch}:${e.compression}`);
    assert.deepEqual(summary('ptx-zstd.fatbin'), ['ptx:90:zstd']);
    assert.deepEqual(summary('ptx-lz4.fatbin'), ['ptx:90:lz4']);
    assert.deepEqual(summary('ptx-none.fatbin'), ['ptx:90:none']);
    assert.deepEqual(summary('sm90-sass-ptx.fatbin'), ['elf:90:none', 'ptx:90:zstd']);
    assert.deepEqual(summary('sass-only.fatbin'), ['elf:90:none']);
    assert.deepEqual(summary('multi-ptx.fatbin'), ['ptx:80:zstd', 'ptx:90:zstd', 'ptx:100:zstd']);
  });

  test('zstd, LZ4 and uncompressed entries decode to the same PTX', () => {
    const text = (name: string): string => {
      const image = fixture(name);
      return ptxText(entryPayload(image, parseFatbin(image)[0]!));
    };
    const plain = text('ptx-none.fatbin');
    assert.match(plain, /\.version 9\.0/);
    assert.match(plain, /\.target sm_90/);
    assert.match(plain, /\.entry saxpy/);
    assert.ok(!plain.includes('\0'));
    assert.equal(text('ptx-zstd.fatbin'), plain);
    assert.equal(text('ptx-lz4.fatbin'), plain);
  });
});

describe('module images (ptxFromImage)', () => {
  const call = 'cuModuleLoadDataEx';

  test('a fatbin with SASS and PTX yields its PTX; with several PTX, the newest not above sm_90', () => {
    const both = ptxFromImage(fixture('sm90-sass-ptx.fatbin'), 90, call);
    assert.match(both.ptx, /\.entry hello/);
    const multi = ptxFromImage(fixture('multi-ptx.fatbin'), 90, call);
    assert.match(multi.ptx, /\.target sm_90\b/);
    assert.equal(multi.source !== 'ptx' && multi.source.arch, 90);
    assert.match(ptxFromImage(fixture('multi-ptx.fatbin'), 86, call).ptx, /\.target sm_80\b/);
  });

  test('PTX text with or without a trailing NUL', () => {
    const ptx = ptxFromImage(fixture('ptx-none.fatbin'), 90, call).ptx;
    const bytes = new TextEncoder().encode(ptx);
    assert.equal(ptxFromImage(bytes, 90, call).ptx, ptx);
    const withNul = new Uint8Array(bytes.length + 1);
    withNul.set(bytes);
    assert.equal(ptxFromImage(withNul, 90, call).ptx, ptx);
    assert.equal(ptxFromImage(withNul, 90, call).source, 'ptx');
  });

  test('cubins and SASS-only fatbins fail with CUDA_ERROR_NO_BINARY_FOR_GPU, saying only PTX can be emulated', () => {
    for (const name of ['kernels.cubin', 'sass-only.fatbin', 'ptx-sm100-only.fatbin']) {
      const e = codeOf(() => ptxFromImage(fixture(name), 90, call));
      assert.equal(e.code, 209, name);
      assert.equal(e.codeName, 'CUDA_ERROR_NO_BINARY_FOR_GPU');
      assert.equal(e.call, call);
      assert.match(e.explanation, /executes PTX only/);
    }
    assert.match(codeOf(() => ptxFromImage(fixture('sass-only.fatbin'), 90, call)).explanation, /SASS for sm_90: it contains no PTX/);
    assert.match(codeOf(() => ptxFromImage(fixture('ptx-sm100-only.fatbin'), 90, call)).explanation, /PTX for compute_100: its PTX targets newer architectures/);
  });

  test('empty, garbage, truncated and corrupt images fail with CUDA_ERROR_INVALID_IMAGE', () => {
    assert.equal(codeOf(() => ptxFromImage(new Uint8Array(0), 90, call)).code, 200);
    assert.equal(codeOf(() => ptxFromImage(new TextEncoder().encode('hello world'), 90, call)).code, 200);
    const fat = fixture('ptx-zstd.fatbin');
    assert.equal(codeOf(() => ptxFromImage(fat.subarray(0, 100), 90, call)).code, 200);
    const corrupt = fat.slice();
    corrupt.fill(0x55, 0x70, 0x90);
    const e = codeOf(() => ptxFromImage(corrupt, 90, call));
    assert.equal(e.code, 200);
    assert.match(e.explanation, /cannot decompress the zstd payload/);
  });
});

describe('decompressors', () => {
  test('zstd: multi-block frames from zstd -1 and -19 decode exactly', () => {
    const expected = corpus();
    assert.equal(createHash('sha256').update(expected).digest('hex'), 'b03a29fad9c0f00d1460c95af95b84a74b6696d30d72c415dcbfa759929160d9');
    for (const name of ['text-150k.1.zst', 'text-150k.19.zst']) {
      const data = fixture(name);
      assert.ok(isZstd(data));
      assert.equal(new TextDecoder().decode(zstdDecompress(data)), expected, name);
    }
  });

  test('zstd: malformed input throws ZstdError', () => {
    assert.throws(() => zstdDecompress(Uint8Array.of(1, 2, 3, 4, 5)), ZstdError);
    const data = fixture('text-150k.19.zst').slice(0, 2000);
    assert.throws(() => zstdDecompress(data), ZstdError);
  });

  test('zstd: agrees with the zstd command on varied inputs and levels', (t) => {
    try {
      execFileSync('zstd', ['--version']);
    } catch {
      t.skip('the zstd command is not installed');
      return;
    }
    for (let i = 0; i < 40; i++) {
      const n = [1, 50, 900, 20_000, 140_000][i % 5]! + i;
      const b = randomBytes(n);
      for (let j = 0; j < n; j++) {
        if (i % 4 === 0) b[j]! &= 3;
        else if (i % 4 === 1 && j > 64 && b[j]! & 1) b[j] = b[j - 1 - (b[j]! % 64)]!;
        else if (i % 4 === 2) b[j] = 97 + (b[j]! % 26);
      }
      const level = `-${[1, 3, 9, 19][i % 4]}`;
      const packed = execFileSync('zstd', ['-q', '-c', level], { input: b });
      assert.deepEqual(Buffer.from(zstdDecompress(new Uint8Array(packed))), b, `input ${i}, ${n} bytes, ${level}`);
    }
  });

  test('lz4: literals, overlapping matches, long lengths; size mismatch is an error', () => {
    // "abc" then a match of 10 at offset 3, then literals "xyz" (last sequence).
    const block = Uint8Array.of(0x36, 0x61, 0x62, 0x63, 3, 0, 0x30, 0x78, 0x79, 0x7a);
    assert.equal(new TextDecoder().decode(lz4DecompressBlock(block, 16)), 'abcabcabcabcaxyz');
    // 1 literal then a match of 4 + 15 + 255 + 3 = 277 at offset 1.
    const long = Uint8Array.of(0x1f, 0x41, 1, 0, 255, 3, 0x00);
    assert.equal(new TextDecoder().decode(lz4DecompressBlock(long, 278)), 'A'.repeat(278));
    assert.throws(() => lz4DecompressBlock(block, 17));
    assert.throws(() => lz4DecompressBlock(Uint8Array.of(0x10, 0x41, 5, 0), 10));
  });
});
