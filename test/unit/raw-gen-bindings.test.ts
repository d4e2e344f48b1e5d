/**
 * The binding generator against the installed CUDA headers: what it finds, the symbols it maps to,
 * the constants it emits, and that the committed files are what it generates.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseHeader, type ParsedHeader } from '../../tools/gen-bindings/generate.js';
import { locateNcclHeader, TARGETS, VENDOR_DIRECTORY } from '../../tools/gen-bindings/targets.js';
import { DRIVER_FUNCTIONS } from '../../src/raw/driver.js';
import { RUNTIME_FUNCTIONS } from '../../src/raw/runtime.js';
import { NCCL_FUNCTIONS } from '../../src/raw/nccl.js';
import * as driverTypes from '../../src/raw/driver-types.js';
import * as runtimeTypes from '../../src/raw/runtime-types.js';
import * as ncclTypes from '../../src/raw/nccl-types.js';
import { cCompiler, compilerSkipReason, cudaIncludeRoot, headersSkipReason } from '../support/cuda-headers.js';
import { REPOSITORY_ROOT } from '../support/paths.js';

const include = cudaIncludeRoot();
const skip = headersSkipReason();

function resultFunctions(h: ParsedHeader, type: string) {
  return h.decls.functions.filter((f) => f.ret.k === 'named' && f.ret.name === type);
}

describe('gen-bindings: cuda.h', { skip }, () => {
  const main = include === undefined ? undefined : parseHeader(include, 'cuda.h');
  const internal = include === undefined ? undefined : parseHeader(include, 'cuda.h', 'internal');
  const perThread = include === undefined ? undefined : parseHeader(include, 'cuda.h', 'per-thread');

  test('cuda.h declares 634 CUresult prototypes, of which a C program sees 449 distinct functions', () => {
    const all = resultFunctions(internal!, 'CUresult');
    assert.equal(all.length, 634);
    const visible = resultFunctions(main!, 'CUresult');
    assert.equal(visible.length, 449);
    assert.equal(new Set(visible.map((f) => f.name)).size, 449);
    // Every name a program can call is among the header's declarations.
    const declared = new Set(all.map((f) => f.name));
    for (const f of visible) assert.ok(declared.has(f.name), f.name);
  });

  test('the generated table binds exactly those 449 functions', () => {
    assert.deepEqual(DRIVER_FUNCTIONS.map((f) => f[0]).sort(), resultFunctions(main!, 'CUresult').map((f) => f.name).sort());
  });

  test('symbols are the ones the header maps each name to', () => {
    const table = new Map(DRIVER_FUNCTIONS.map((f) => [f[0], f]));
    const expect: [string, string, string | undefined][] = [
      ['cuCtxCreate', 'cuCtxCreate_v4', undefined],
      ['cuMemAlloc', 'cuMemAlloc_v2', undefined],
      ['cuMemFree', 'cuMemFree_v2', undefined],
      ['cuCtxPopCurrent', 'cuCtxPopCurrent_v2', undefined],
      ['cuDevicePrimaryCtxRelease', 'cuDevicePrimaryCtxRelease_v2', undefined],
      ['cuStreamQuery', 'cuStreamQuery', 'cuStreamQuery_ptsz'],
      ['cuLaunchKernel', 'cuLaunchKernel', 'cuLaunchKernel_ptsz'],
      ['cuMemcpyHtoD', 'cuMemcpyHtoD_v2', 'cuMemcpyHtoD_v2_ptds'],
      ['cuMemcpyHtoDAsync', 'cuMemcpyHtoDAsync_v2', 'cuMemcpyHtoDAsync_v2_ptsz'],
      ['cuGraphInstantiate', 'cuGraphInstantiateWithFlags', undefined],
      ['cuGetProcAddress', 'cuGetProcAddress_v2', undefined],
      ['cuStreamGetCaptureInfo', 'cuStreamGetCaptureInfo_v3', 'cuStreamGetCaptureInfo_v3_ptsz'],
      ['cuInit', 'cuInit', undefined],
    ];
    for (const [name, symbol, ptds] of expect) {
      const spec = table.get(name);
      assert.ok(spec, `${name} is bound`);
      assert.equal(spec[1], symbol, `${name} links to ${symbol}`);
      assert.equal(spec[3], ptds, `${name} per-thread symbol`);
    }
    // And the parser agrees with the table for the per-thread configuration.
    const pt = new Map(resultFunctions(perThread!, 'CUresult').map((f) => [f.name, f.symbol]));
    assert.equal(pt.get('cuStreamSynchronize'), 'cuStreamSynchronize_ptsz');
  });

  test('the linked symbols are exactly what gcc -E makes of the declarations', { skip: compilerSkipReason() }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'cudajs-gen-'));
    const source = join(dir, 'probe.c');
    writeFileSync(source, '#include <cuda.h>\n');
    const text = execFileSync(cCompiler()!, ['-E', '-P', `-I${include}`, source], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const flat = text.replace(/\s+/g, ' ');
    const fromGcc = new Set([...flat.matchAll(/CUresult (?:__attribute__\(\(deprecated\)\) )?(\w+) ?\(/g)].map((m) => m[1]));
    assert.deepEqual([...new Set(DRIVER_FUNCTIONS.map((f) => f[1]))].sort(), [...fromGcc].sort());
  });

  test('enum values, names and explanations', () => {
    const { CUresult, CUresultNames, CUresultDocs, CUctx_flagsNames, CUdevice_attribute, CUjit_option, CUlaunchAttributeID } = driverTypes;
    assert.equal(CUresult.CUDA_SUCCESS, 0);
    assert.equal(CUresult.CUDA_ERROR_ILLEGAL_ADDRESS, 700);
    assert.equal(CUresult.CUDA_ERROR_NOT_READY, 600);
    assert.equal(CUresultNames[700], 'CUDA_ERROR_ILLEGAL_ADDRESS');
    assert.match(CUresultDocs[700]!, /load or store instruction on an invalid memory address/);
    assert.doesNotMatch(CUresultDocs[700]!, /\\|::|\*\//, 'doxygen markup is removed');
    assert.match(CUresultDocs[0]!, /no errors/);
    assert.equal(CUresultNames[999], 'CUDA_ERROR_UNKNOWN');
    // Aliases share a value: the first name wins.
    assert.equal(CUctx_flagsNames[4], 'CU_CTX_SCHED_BLOCKING_SYNC');
    assert.equal(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, 1);
    assert.equal(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, 75);
    assert.equal(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, 5);
    assert.equal(CUlaunchAttributeID.CU_LAUNCH_ATTRIBUTE_COOPERATIVE, 2);
    assert.equal(driverTypes.CUmemAttach_flags.CU_MEM_ATTACH_GLOBAL, 1);
    assert.equal(driverTypes.CUstream_flags.CU_STREAM_NON_BLOCKING, 1);
    assert.equal(driverTypes.CUevent_flags.CU_EVENT_DISABLE_TIMING, 2);
  });

  test('#define constants, with pointer casts as bigints', () => {
    assert.equal(driverTypes.CUDA_VERSION, driverTypes.CUDA_HEADER_VERSION);
    assert.equal(driverTypes.CU_MEMHOSTALLOC_PORTABLE, 1);
    assert.equal(driverTypes.CU_MEMHOSTALLOC_DEVICEMAP, 2);
    assert.equal(driverTypes.CU_MEMHOSTREGISTER_READ_ONLY, 8);
    assert.equal(driverTypes.CU_TRSA_OVERRIDE_FORMAT, 1);
    assert.equal(driverTypes.CU_LAUNCH_PARAM_END, 0n);
    assert.equal(driverTypes.CU_LAUNCH_PARAM_BUFFER_POINTER, 1n);
    assert.equal(driverTypes.CU_STREAM_LEGACY, 1n);
    assert.equal(driverTypes.CU_DEVICE_CPU, -1);
    assert.equal(driverTypes.CU_IPC_HANDLE_SIZE, 64);
    assert.equal(driverTypes.CU_KERNEL_NODE_ATTRIBUTE_COOPERATIVE, driverTypes.CUlaunchAttributeID.CU_LAUNCH_ATTRIBUTE_COOPERATIVE);
  });
});

describe('gen-bindings: cuda_runtime_api.h', { skip }, () => {
  test('307 cudaError_t functions, bound to their own names (per-thread variants only on request)', () => {
    const main = parseHeader(include!, 'cuda_runtime_api.h');
    assert.equal(resultFunctions(main, 'cudaError_t').length, 307);
    assert.equal(RUNTIME_FUNCTIONS.length, 307);
    const table = new Map(RUNTIME_FUNCTIONS.map((f) => [f[0], f]));
    assert.deepEqual(table.get('cudaMemcpy')?.slice(1), ['cudaMemcpy', ['void *', 'void *', 'size_t', 'int32'], 'cudaMemcpy_ptds']);
    assert.equal(table.get('cudaStreamQuery')?.[1], 'cudaStreamQuery');
    assert.equal(table.get('cudaStreamQuery')?.[3], 'cudaStreamQuery_ptsz');
    assert.equal(table.get('cudaGetDeviceCount')?.[3], undefined);
  });

  test('runtime enums and constants', () => {
    assert.equal(runtimeTypes.cudaError.cudaSuccess, 0);
    assert.equal(runtimeTypes.cudaError.cudaErrorIllegalAddress, 700);
    assert.equal(runtimeTypes.cudaError_t, runtimeTypes.cudaError);
    assert.equal(runtimeTypes.cudaErrorNames[35], 'cudaErrorInsufficientDriver');
    assert.match(runtimeTypes.cudaErrorDocs[35]!, /driver/);
    assert.equal(runtimeTypes.cudaMemcpyKind.cudaMemcpyHostToDevice, 1);
    assert.equal(runtimeTypes.cudaHostAllocPortable, 1);
    assert.equal(runtimeTypes.cudaStreamNonBlocking, 1);
    assert.equal(runtimeTypes.CUDART_VERSION, runtimeTypes.CUDART_HEADER_VERSION);
  });
});

describe('gen-bindings: nccl.h', () => {
  const ncclTarget = TARGETS.find((t) => t.header === 'nccl.h')!;
  const nccl = parseHeader(locateNcclHeader().root, 'nccl.h', 'default', ncclTarget);

  test('nccl.h is found in $NCCL_HOME/include, else /usr/include, else the vendored copy', () => {
    const home = mkdtempSync(join(tmpdir(), 'cudajs-nccl-home-'));
    mkdirSync(join(home, 'include'));
    writeFileSync(join(home, 'include', 'nccl.h'), '');
    assert.deepEqual(locateNcclHeader({ NCCL_HOME: home }), { root: join(home, 'include'), foundBy: 'NCCL_HOME' });
    const fallback = locateNcclHeader({ NCCL_HOME: join(home, 'missing') });
    assert.ok(fallback.foundBy === '/usr/include' || (fallback.foundBy === 'vendored copy' && fallback.root === VENDOR_DIRECTORY), JSON.stringify(fallback));
    assert.ok(readFileSync(join(VENDOR_DIRECTORY, 'nccl.h'), 'utf8').includes('#define NCCL_VERSION_CODE 22803'), 'the vendored copy is NCCL 2.28.3');
  });

  test('the 37 ncclResult_t functions are bound to their own symbols; the pnccl profiling twins are not', () => {
    const all = resultFunctions(nccl, 'ncclResult_t');
    assert.equal(all.length, 74, 'nccl.h declares each function twice');
    const bound = all.filter((f) => ncclTarget.binds!(f.name)).map((f) => f.name);
    assert.equal(bound.length, 37);
    assert.deepEqual(all.filter((f) => f.name.startsWith('pnccl')).map((f) => f.name.slice(1)).sort(), [...bound].sort());
    assert.deepEqual(NCCL_FUNCTIONS.map((f) => f[0]).sort(), [...bound].sort());
    for (const [name, symbol] of NCCL_FUNCTIONS) {
      assert.equal(symbol, name);
      assert.ok(name.startsWith('nccl'), name);
    }
    const table = new Map(NCCL_FUNCTIONS.map((f) => [f[0], f]));
    // cudaStream_t comes from the system-header stub: a pointer, passed as 'void *'.
    assert.deepEqual(table.get('ncclAllReduce')?.[2], ['void *', 'void *', 'size_t', 'int32', 'int32', 'void *', 'void *']);
    // ncclUniqueId is passed by value.
    assert.deepEqual(table.get('ncclCommInitRank')?.[2], ['void *', 'int32', 'struct:ncclUniqueId', 'int32']);
    assert.deepEqual(table.get('ncclGroupStart')?.[2], []);
  });

  test('enums and constants', () => {
    assert.equal(ncclTypes.NCCL_HEADER_VERSION, 22803);
    assert.equal(ncclTypes.ncclResult_t.ncclInvalidUsage, 5);
    assert.equal(ncclTypes.ncclResult_tNames[7], 'ncclInProgress');
    assert.equal(ncclTypes.ncclDataType_t.ncclBfloat16, 9);
    assert.equal(ncclTypes.ncclDataType_tNames[7], 'ncclFloat32', 'aliases share a value: the first name wins');
    assert.equal(ncclTypes.ncclRedOp_t.ncclAvg, 4);
    assert.equal(ncclTypes.ncclRedOp_t.ncclMaxRedOp, 0x7fffffff, 'sizeof in an enumerator is evaluated');
    assert.equal(ncclTypes.NCCL_UNIQUE_ID_BYTES, 128);
    assert.equal(ncclTypes.NCCL_CONFIG_UNDEF_INT, -(2 ** 31), 'INT_MIN from the limits.h stub');
    assert.equal(ncclTypes.NCCL_COMM_NULL, 0n);
  });
});

describe('gen-bindings: generated files', () => {
  const files = ['src/raw/driver-types.ts', 'src/raw/driver.ts', 'src/raw/runtime-types.ts', 'src/raw/runtime.ts', 'src/raw/nccl-types.ts', 'src/raw/nccl.ts'];

  test('each starts with the generated-file header naming the header and its version', () => {
    for (const f of files) {
      const first = readFileSync(join(REPOSITORY_ROOT, f), 'utf8').split('\n')[0]!;
      assert.match(first, /^\/\/ Generated by tools\/gen-bindings from ((cuda\.h|cuda_runtime_api\.h) \(CUDA \d+\.\d+\)|nccl\.h \(NCCL \d+\.\d+\.\d+\))\. Do not edit\.$/, f);
    }
  });

  test('the *-types modules import nothing (usable without koffi or CUDA)', () => {
    for (const f of ['src/raw/driver-types.ts', 'src/raw/runtime-types.ts', 'src/raw/nccl-types.ts']) {
      assert.doesNotMatch(readFileSync(join(REPOSITORY_ROOT, f), 'utf8'), /^\s*import\b/m, f);
    }
  });

  test('--check fails and names the file when a generated file was edited', { skip }, () => {
    const root = mkdtempSync(join(tmpdir(), 'cudajs-check-'));
    mkdirSync(join(root, 'src/raw'), { recursive: true });
    for (const f of files) copyFileSync(join(REPOSITORY_ROOT, f), join(root, f));
    appendFileSync(join(root, 'src/raw/driver.ts'), '// edited by hand\n');
    const r = spawnSync(process.execPath, [join(REPOSITORY_ROOT, 'dist/tools/gen-bindings/main.js'), '--check', '--include', include!, '--root', root], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /src\/raw\/driver\.ts differs from the generated text/);
    assert.doesNotMatch(r.stderr, /driver-types/);
  });

  test('--check passes on the committed files', { skip }, () => {
    const r = spawnSync(process.execPath, [join(REPOSITORY_ROOT, 'dist/tools/gen-bindings/main.js'), '--check', '--include', include!], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /6 files up to date with .*nccl\.h from /);
  });

  test('--check covers the NCCL bindings: another nccl.h in $NCCL_HOME makes both NCCL files differ', { skip }, () => {
    const home = mkdtempSync(join(tmpdir(), 'cudajs-nccl-'));
    mkdirSync(join(home, 'include'));
    const header = readFileSync(join(VENDOR_DIRECTORY, 'nccl.h'), 'utf8').replace('#define NCCL_PATCH 3', '#define NCCL_PATCH 3\n#define NCCL_EXTRA_CONSTANT 7');
    writeFileSync(join(home, 'include', 'nccl.h'), header);
    const r = spawnSync(process.execPath, [join(REPOSITORY_ROOT, 'dist/tools/gen-bindings/main.js'), '--check', '--include', include!], { encoding: 'utf8', env: { ...process.env, NCCL_HOME: home } });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /src\/raw\/nccl-types\.ts differs/);
    assert.doesNotMatch(r.stderr, /driver|runtime/);
  });
});
