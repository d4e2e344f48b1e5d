/**
 * The generated function tables are valid koffi signatures, and binding is lazy and cheap.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import koffi, { type TypeObject } from 'koffi';
import type { FunctionSpec } from '../../src/raw/binder.js';
import { DRIVER_FUNCTIONS, driverStructs } from '../../src/raw/driver.js';
import { RUNTIME_FUNCTIONS, runtimeStructs } from '../../src/raw/runtime.js';
import { loadLibrary, toolkitLibrary } from '../../src/raw/library.js';

function declareAll(specs: readonly FunctionSpec[], structs: () => object): void {
  const byName = structs() as Record<string, TypeObject>;
  for (const [name, , params] of specs) {
    const types = params.map((p) => (p.startsWith('struct:') ? byName[p.slice(7)]! : p));
    assert.doesNotThrow(() => koffi.proto('int32', types), name);
  }
}

test('koffi accepts every generated driver signature (struct parameters included)', () => {
  assert.ok(DRIVER_FUNCTIONS.some((f) => f[2].some((p) => p.startsWith('struct:'))));
  declareAll(DRIVER_FUNCTIONS, driverStructs);
});

test('koffi accepts every generated runtime signature', () => {
  declareAll(RUNTIME_FUNCTIONS, runtimeStructs);
});

const cudart = (() => {
  try { return loadLibrary(toolkitLibrary('cudart', 13), 'probe'); } catch { return undefined; }
})();

describe('binding against libcudart', { skip: cudart === undefined ? 'libcudart.so.13 is not installed' : undefined }, () => {
  test('every runtime function is exported by libcudart.so.13 and binds; all of them in well under 30 ms', async (t) => {
    const { runtimeApi } = await import('../../src/raw/runtime.js');
    let start = performance.now();
    const api = runtimeApi() as unknown as Record<string, unknown>;
    const created = performance.now() - start;
    for (const [, symbol] of RUNTIME_FUNCTIONS) assert.doesNotThrow(() => cudart!.handle.symbol(symbol), symbol);
    start = performance.now();
    for (const [name] of RUNTIME_FUNCTIONS) assert.equal(typeof api[name], 'function', name);
    const bound = performance.now() - start;
    t.diagnostic(`API object ${created.toFixed(1)} ms; binding all ${RUNTIME_FUNCTIONS.length} functions ${bound.toFixed(1)} ms`);
    assert.ok(bound < 300, `${bound} ms`);
    assert.equal(api['cudaGetDeviceCount'], api['cudaGetDeviceCount'], 'bound once, then cached');
  });
});
