/**
 * The generated koffi struct types have exactly the C layout: for every struct and union of both
 * headers, size, alignment (koffi caps it at 8) and every named member's offset are compared with
 * what the C compiler says about the real declarations.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import koffi, { type TypeObject } from 'koffi';
import { headerRoot, targetModel } from '../../tools/gen-bindings/generate.js';
import { TARGETS } from '../../tools/gen-bindings/targets.js';
import { driverStructs } from '../../src/raw/driver.js';
import { runtimeStructs } from '../../src/raw/runtime.js';
import { ncclStructs } from '../../src/raw/nccl.js';
import { cCompiler, compilerSkipReason, cudaIncludeRoot } from '../support/cuda-headers.js';

const skip = compilerSkipReason();
const STRUCTS: Readonly<Record<string, () => object>> = { 'cuda.h': driverStructs, 'cuda_runtime_api.h': runtimeStructs, 'nccl.h': ncclStructs };
/** Layout facts expected at least, per header (nccl.h has two structs and a unique-id type). */
const MIN_CHECKS: Readonly<Record<string, number>> = { 'cuda.h': 400, 'cuda_runtime_api.h': 400, 'nccl.h': 20 };

describe('generated struct layouts match the C compiler', { skip }, () => {
  for (const target of TARGETS) {
    test(target.header, () => {
      const include = cudaIncludeRoot()!;
      const root = headerRoot(include, target);
      const model = targetModel(root, target);
      const structs = STRUCTS[target.header]!() as Record<string, TypeObject>;
      let program = `#include <${target.header}>\n#include <stddef.h>\n#include <stdio.h>\nint main(void) {\n`;
      let checks = 0;
      for (const r of model.records) {
        const c = r.def.tag !== undefined ? `${r.def.union ? 'union' : 'struct'} ${r.def.tag}` : r.name;
        program += `  printf("%s %zu %zu\\n", "${r.name}", sizeof(${c}), _Alignof(${c}));\n`;
        for (const f of r.def.fields ?? []) {
          if (f.name !== undefined) program += `  printf("%s.%s %zu\\n", "${r.name}", "${f.name}", offsetof(${c}, ${f.name}));\n`;
        }
      }
      program += '  return 0;\n}\n';
      const dir = mkdtempSync(join(tmpdir(), 'cudajs-layout-'));
      writeFileSync(join(dir, 'layout.c'), program);
      execFileSync(cCompiler()!, [`-I${root}`, `-I${include}`, '-o', join(dir, 'layout'), join(dir, 'layout.c')]);
      const lines = execFileSync(join(dir, 'layout'), { encoding: 'utf8' }).trim().split('\n');
      for (const line of lines) {
        const [what, a, b] = line.split(' ');
        const dot = what!.indexOf('.');
        if (dot < 0) {
          const type = structs[what!];
          assert.ok(type, `${what} has a koffi type`);
          assert.equal(koffi.sizeof(type), Number(a), `sizeof(${what})`);
          assert.equal(koffi.alignof(type), Math.min(Number(b), 8), `alignof(${what})`);
        } else {
          const name = what!.slice(0, dot);
          const field = what!.slice(dot + 1);
          assert.equal(structs[name]!.members?.[field]?.offset, Number(a), `offsetof(${name}, ${field})`);
        }
        checks++;
      }
      assert.ok(checks > MIN_CHECKS[target.header]!, `${checks} layout facts checked`);
    });
  }
});
