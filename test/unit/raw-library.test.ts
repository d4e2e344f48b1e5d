/**
 * Library loading: the search order, the error on a machine without the library, and the runtime
 * bindings really loading libcudart.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { LibraryNotFoundError } from '../../src/errors.js';
import { applyEnvironmentDefaults, LIBCUDA, LIBNCCL, libraryCandidates, loadLibrary, NCCL_ENVIRONMENT_DEFAULTS, toolkitLibrary } from '../../src/raw/library.js';
import { runtimeError } from '../../src/backend/driver-error.js';
import { cudaErrorNames } from '../../src/raw/runtime-types.js';
import { REPOSITORY_ROOT } from '../support/paths.js';

describe('library search', () => {
  test('an explicit variable is the only candidate', () => {
    const c = libraryCandidates(LIBCUDA, { CUDAJS_LIBCUDA_PATH: '/opt/x/libcuda.so.1', CUDA_PATH: '/cuda' });
    assert.deepEqual(c, [{ path: '/opt/x/libcuda.so.1', foundBy: 'CUDAJS_LIBCUDA_PATH' }]);
  });

  test('CUDA_PATH/CUDA_HOME first, then the loader, then the default locations, without duplicates', () => {
    const paths = libraryCandidates(toolkitLibrary('cudart', 13), { CUDA_PATH: '/usr/local/cuda', CUDA_HOME: '/opt/cuda' }).map((c) => c.path);
    assert.equal(paths[0], '/usr/local/cuda/lib64/libcudart.so.13');
    assert.ok(paths.indexOf('/opt/cuda/lib64/libcudart.so.13') > 0);
    const loader = paths.indexOf('libcudart.so.13');
    assert.ok(loader > paths.indexOf('/opt/cuda/lib64/libcudart.so.13'));
    assert.ok(paths.indexOf('/usr/lib/wsl/lib/libcudart.so.13') > loader);
    assert.equal(new Set(paths).size, paths.length, 'no duplicates (/usr/local/cuda/lib64 appears once)');
  });

  test('toolkit libraries are looked up by their versioned soname and their own variable', () => {
    const spec = toolkitLibrary('nvrtc', 13);
    assert.deepEqual(spec.fileNames, ['libnvrtc.so.13']);
    assert.equal(spec.envVar, 'CUDAJS_LIBNVRTC_PATH');
  });

  test('a bad explicit path names the variable', () => {
    assert.throws(() => loadLibrary(LIBCUDA, 'test', { CUDAJS_LIBCUDA_PATH: '/nonexistent/libcuda.so.1' }), (e: unknown) => {
      assert.ok(e instanceof LibraryNotFoundError);
      assert.deepEqual(e.searched, ['/nonexistent/libcuda.so.1']);
      assert.match(e.explanation, /CUDAJS_LIBCUDA_PATH is set to \/nonexistent\/libcuda\.so\.1/);
      return true;
    });
  });
});

const hasLibcuda = (() => {
  try { loadLibrary(LIBCUDA, 'probe', {}); return true; } catch { return false; }
})();

describe('NCCL environment', () => {
  test('NVLS is off by default; explicit values (also empty ones) are kept', () => {
    assert.deepEqual(NCCL_ENVIRONMENT_DEFAULTS, { NCCL_NVLS_ENABLE: '0' });
    const unset: NodeJS.ProcessEnv = {};
    applyEnvironmentDefaults(unset, NCCL_ENVIRONMENT_DEFAULTS);
    assert.equal(unset['NCCL_NVLS_ENABLE'], '0');
    for (const explicit of ['1', '0', '']) {
      const env: NodeJS.ProcessEnv = { NCCL_NVLS_ENABLE: explicit };
      applyEnvironmentDefaults(env, NCCL_ENVIRONMENT_DEFAULTS);
      assert.equal(env['NCCL_NVLS_ENABLE'], explicit);
    }
  });

  test('no code outside the generated bindings calls cuMulticastCreate (NVLink multicast stays off)', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts') && !path.includes(`${join('src', 'raw')}`) && /cuMulticastCreate/.test(readFileSync(path, 'utf8'))) offenders.push(path);
      }
    };
    for (const top of ['src', 'bench', 'examples']) walk(join(REPOSITORY_ROOT, top));
    assert.deepEqual(offenders, []);
  });

  test('loading libnccl applies the defaults first, even when the library is missing', () => {
    assert.equal(LIBNCCL.fileNames[0], 'libnccl.so.2');
    assert.equal(LIBNCCL.envVar, 'CUDAJS_LIBNCCL_PATH');
    const env: NodeJS.ProcessEnv = { CUDAJS_LIBNCCL_PATH: '/nonexistent/libnccl.so.2' };
    assert.throws(() => loadLibrary(LIBNCCL, 'test', env), LibraryNotFoundError);
    assert.equal(env['NCCL_NVLS_ENABLE'], '0');
  });
});

describe('driver bindings without libcuda', { skip: hasLibcuda ? 'libcuda is installed on this machine' : undefined }, () => {
  test('importing succeeds and the first call throws LibraryNotFoundError listing the paths', async () => {
    const { driverApi } = await import('../../src/raw/driver.js');
    assert.throws(() => driverApi().cuInit(0), (e: unknown) => {
      assert.ok(e instanceof LibraryNotFoundError);
      assert.equal(e.codeName, 'CUDAJS_LIBRARY_NOT_FOUND');
      assert.equal(e.call, 'driverApi');
      assert.equal(e.library, 'libcuda.so.1');
      assert.ok(e.searched.includes('libcuda.so.1 (loader search)'), e.searched.join());
      assert.ok(e.searched.includes('/usr/local/cuda/lib64/libcuda.so.1'));
      assert.ok(e.searched.includes('/usr/lib/wsl/lib/libcuda.so.1'));
      assert.match(e.message, /CUDAJS_LIBCUDA_PATH/);
      assert.match(e.message, /LD_LIBRARY_PATH/);
      assert.match(e.message, /CUDA_PATH/);
      return true;
    });
  });

  test('the native backend reports the same error', async () => {
    const { createNativeBackend } = await import('../../src/backend/native/index.js');
    assert.throws(() => createNativeBackend(), LibraryNotFoundError);
  });
});

const cudartLoads = (() => {
  try { loadLibrary(toolkitLibrary('cudart', 13), 'probe'); return true; } catch { return false; }
})();

describe('runtime bindings', { skip: cudartLoads ? undefined : 'libcudart.so.13 is not installed' }, () => {
  test('libcudart loads and cudaGetDeviceCount returns a cudaError that runtimeError names', async () => {
    const { runtimeApi, runtimeLibrary } = await import('../../src/raw/runtime.js');
    const count = new Int32Array(1);
    const rc = runtimeApi().cudaGetDeviceCount(count);
    assert.match(runtimeLibrary().path, /libcudart\.so\.13$/);
    if (rc === 0) {
      assert.ok(count[0]! > 0);
      return;
    }
    const error = runtimeError(rc, 'cudaGetDeviceCount');
    assert.equal(error.codeName, cudaErrorNames[rc]);
    assert.equal(error.call, 'cudaGetDeviceCount');
    if (!existsSync('/dev/nvidiactl')) {
      // No driver at all: the runtime says the driver is missing or too old.
      assert.ok(['cudaErrorInsufficientDriver', 'cudaErrorNoDevice'].includes(error.codeName), error.codeName);
    }
    assert.match(error.message, /^cudaGetDeviceCount: cuda\w+: \S/);
  });
});
