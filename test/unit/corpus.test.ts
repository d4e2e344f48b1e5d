/**
 * Checks the kernel corpus without a device: files and entries exist, descriptors agree with the
 * PTX entry signatures, references run and produce meaningful outputs, and every kernel in the
 * committed PTX has at least one case.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  ALL_CASES, ELEM_BYTES, bufferSpecs, initialContents, inputsOf, kernelFilePath, kernelsDir, outputSpecs, paramBytes,
} from '../kernels/corpus.js';
import type { ArgSpec, ElemArray, KernelCase } from '../kernels/corpus.js';
import { elementValue, isArrayOf, isFloatType } from '../kernels/support/elements.js';

/** One `.param` of a PTX `.entry`, read with a small regex (not a PTX parser). */
interface PtxParam {
  readonly type: string;
  readonly size: number;
  readonly align: number;
}

const PTX_SCALAR_BYTES: Readonly<Record<string, number>> = {
  u8: 1, s8: 1, b8: 1, u16: 2, s16: 2, b16: 2, f16: 2, u32: 4, s32: 4, b32: 4, f32: 4, u64: 8, s64: 8, b64: 8, f64: 8,
};

const ptxCache = new Map<string, string>();
function ptxText(file: string): string {
  let text = ptxCache.get(file);
  if (text === undefined) {
    text = readFileSync(kernelFilePath(file), 'utf8');
    ptxCache.set(file, text);
  }
  return text;
}

/** The `.entry` names of a PTX text. */
function entryNames(ptx: string): string[] {
  return [...ptx.matchAll(/^\.visible \.entry (\S+)\(/gm)].map((m) => m[1] as string);
}

/** The parameters of `.entry name(...)`. */
function entryParams(ptx: string, name: string): PtxParam[] | null {
  const start = ptx.indexOf(`.entry ${name}(`);
  if (start < 0) return null;
  const body = ptx.slice(start, ptx.indexOf(')', start));
  return [...body.matchAll(/\.param\s+(?:\.align\s+(\d+)\s+)?\.(\w+)\s+\S+?(?:\[(\d+)\])?\s*,?\s*$/gm)].map((m) => {
    const type = m[2] as string, count = m[3] === undefined ? 1 : Number(m[3]);
    const elem = PTX_SCALAR_BYTES[type] ?? NaN;
    return { type, size: elem * count, align: m[1] === undefined ? elem : Number(m[1]) };
  });
}

const isBuffer = (a: ArgSpec): boolean => a.kind === 'in' || a.kind === 'out' || a.kind === 'inout';
const allZero = (data: ElemArray): boolean => Array.prototype.every.call(data, (v: number | bigint) => v === 0 || v === 0n);

describe('kernel corpus: descriptors', () => {
  it('has at least 30 distinct kernels and unique case names', () => {
    const names = ALL_CASES.map((c) => c.name);
    assert.equal(new Set(names).size, names.length, 'duplicate case names');
    const kernels = new Set(ALL_CASES.map((c) => `${c.source}:${c.entry}`));
    assert.ok(kernels.size >= 30, `only ${kernels.size} kernels`);
  });

  for (const c of ALL_CASES) {
    describe(c.name, () => {
      it('names files that exist, and an entry its PTX defines', () => {
        for (const f of [c.source, c.ptxFile, ...(c.altImages ?? []).map((i) => i.file)]) {
          assert.ok(existsSync(kernelFilePath(f)), `${f} does not exist`);
        }
        assert.ok(entryNames(ptxText(c.ptxFile)).includes(c.entry), `${c.ptxFile} has no .entry ${c.entry}`);
        for (const img of c.altImages ?? []) {
          const bytes = readFileSync(kernelFilePath(img.file));
          assert.ok(bytes.includes(Buffer.from(c.entry)), `${img.file} does not mention ${c.entry}`);
        }
      });

      it('passes as many parameters as the entry declares, of the declared sizes', () => {
        const params = entryParams(ptxText(c.ptxFile), c.entry);
        assert.ok(params, 'entry not found');
        assert.equal(c.args.length, params.length, `${c.args.length} args for ${params.length} .param`);
        c.args.forEach((a, i) => {
          const p = params[i] as PtxParam;
          assert.equal(paramBytes(a), p.size, `arg ${i} (${a.name}): ${paramBytes(a)} bytes, .param .${p.type} is ${p.size}`);
          if (a.kind === 'struct') assert.equal(a.align, p.align, `struct ${a.name} align`);
          if (isBuffer(a) || a.kind === 'rawPointer') assert.equal(p.type, 'u64', `arg ${i} (${a.name}) is a pointer`);
        });
      });

      it('has a consistent launch and argument list', () => {
        for (const d of [...c.grid, ...c.block]) assert.ok(Number.isInteger(d) && d >= 1, `dimension ${d}`);
        const threads = c.block[0] * c.block[1] * c.block[2];
        assert.ok(threads <= 1024, `${threads} threads per block`);
        assert.ok(c.sharedMemBytes >= 0 && c.sharedMemBytes <= 48 * 1024, 'dynamic shared memory');
        // Keep each case small enough for a CPU emulator (see "Sizing" in corpus.ts).
        assert.ok(threads * c.grid[0] * c.grid[1] * c.grid[2] <= 65_536, 'too many threads for the emulator budget');
        const names = [...c.args.map((a) => a.name), ...(c.extraBuffers ?? []).map((b) => b.name)];
        assert.equal(new Set(names).size, names.length, 'argument and buffer names must be unique');
        for (const b of bufferSpecs(c)) {
          const data = initialContents(b);
          assert.ok(isArrayOf(b.type, data), `buffer ${b.name}: data is ${data.constructor.name}, type ${b.type}`);
          if (b.kind === 'out') assert.equal(data.length, b.length, `buffer ${b.name}: init length`);
          else assert.ok(!allZero(data), `input ${b.name} is all zeros`);
        }
        for (const a of c.args) {
          if (a.kind === 'scalar') assert.equal(typeof a.value, a.type === 'i64' || a.type === 'u64' ? 'bigint' : 'number', `scalar ${a.name}`);
          if (a.kind !== 'struct') continue;
          for (const f of a.fields) {
            const size = f.type === 'pointer' ? 8 : ELEM_BYTES[f.type];
            assert.ok(f.offset % size === 0 && f.offset + size <= a.size, `struct ${a.name}.${f.name} at ${f.offset}`);
            if (f.type === 'pointer') assert.ok(bufferSpecs(c).some((b) => b.name === f.buffer), `no buffer ${f.buffer}`);
            else assert.ok(f.name in a.value, `struct ${a.name}.${f.name} has no value`);
          }
        }
      });

      it('compares exactly the outputs it produces, with justified tolerances on floats only', () => {
        const outs = outputSpecs(c);
        if (c.expectError) {
          assert.deepEqual(Object.keys(c.compare), [], 'negative cases compare nothing');
          assert.equal(c.expectError.when === 'memcheck', c.tags.includes('memcheck'), "'memcheck' tag iff when: 'memcheck'");
          return;
        }
        assert.deepEqual(Object.keys(c.compare).sort(), outs.map((o) => o.name).sort());
        for (const o of outs) {
          const cmp = c.compare[o.name];
          assert.ok(cmp);
          if (cmp.kind !== 'exact') {
            assert.ok(isFloatType(o.type), `${o.name}: ${cmp.kind} comparison on ${o.type}`);
            assert.ok(cmp.why.length > 10, `${o.name}: tolerance without a reason`);
          }
        }
        if (outs.length === 0) assert.ok(c.printfExpected && c.printfExpected.length > 0, 'a case without outputs must print');
      });
    });
  }
});

describe('kernel corpus: references', () => {
  for (const c of ALL_CASES) {
    it(`${c.name}: runs and produces non-trivial outputs`, () => {
      const expected = c.reference(inputsOf(c));
      if (c.expectError) {
        assert.deepEqual(Object.keys(expected), []);
        return;
      }
      const outs = outputSpecs(c);
      assert.deepEqual(Object.keys(expected).sort(), outs.map((o) => o.name).sort());
      const nanAllowed = c.tags.includes('special-values');
      for (const o of outs) {
        const data = expected[o.name] as ElemArray;
        assert.ok(isArrayOf(o.type, data), `${o.name}: ${data.constructor.name} for ${o.type}`);
        assert.equal(data.length, o.length, `${o.name}: length`);
        // Counters that legitimately end at zero (a wrapping retirement counter) are exempt.
        if (!(o.from === 'global' && o.length === 1)) assert.ok(!allZero(data), `${o.name} is all zeros`);
        if (isFloatType(o.type) && !nanAllowed) {
          for (let i = 0; i < data.length; i++) {
            assert.ok(!Number.isNaN(elementValue(o.type, data, i)), `${o.name}[${i}] is NaN`);
          }
        }
      }
    });

    it(`${c.name}: reference is deterministic and leaves the inputs untouched`, () => {
      const before = bufferSpecs(c).map((b) => initialContents(b));
      const a = c.reference(inputsOf(c)), b = c.reference(inputsOf(c));
      for (const [k, v] of Object.entries(a)) assert.deepEqual(v, b[k], `${k} differs between runs`);
      bufferSpecs(c).forEach((buf, i) => assert.deepEqual(initialContents(buf), before[i], `${buf.name} was modified`));
    });
  }
});

describe('kernel corpus: coverage', () => {
  it('every entry of every committed test PTX has a case', () => {
    const covered = new Set(ALL_CASES.map((c: KernelCase) => `${c.ptxFile}:${c.entry}`));
    const ptxFiles = readdirSync(kernelFilePath('ptx')).filter((f) => f.endsWith('.ptx') && !f.includes('.lineinfo.') && !f.includes('.fastmath.'));
    const missing = ptxFiles.flatMap((f) => entryNames(ptxText(`ptx/${f}`)).filter((e) => !covered.has(`ptx/${f}:${e}`)).map((e) => `${f}:${e}`));
    assert.deepEqual(missing, []);
  });

  it('every CUDA source has its PTX committed', () => {
    const sources = readdirSync(kernelsDir()).filter((f) => f.endsWith('.cu'));
    assert.ok(sources.length >= 25, `${sources.length} sources`);
    for (const s of sources) assert.ok(existsSync(kernelFilePath(`ptx/${s.replace(/\.cu$/, '.ptx')}`)), `${s} has no PTX`);
  });
});
