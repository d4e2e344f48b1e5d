/**
 * The kernel corpus: every test case, described independently of any backend (see types.ts for
 * the contract a runner follows), plus the helpers a runner needs: file paths, buffer and output
 * lists, struct encoding, reference inputs and output comparison.
 *
 * Sizing: every case is meant to run in well under a second on the emulated device at
 * ~50 M thread-instructions/s, i.e. at most ~10–20 M thread-instructions (matmul 72×56×40, sorts
 * of 1024-element segments, a few thousand elements for element-wise kernels), while still using
 * several blocks and a partial last block where that matters. The unit test bounds each case at
 * 65 536 threads.
 *
 * Inputs come from a seeded PRNG (support/prng.ts), seeded per case, so they are identical on
 * every machine; PTX and binaries are regenerated with `tools/compile-kernels`.
 *
 * @example
 * ```ts
 * import { ALL_CASES, inputsOf, outputSpecs, compareOutput, kernelFilePath } from '../kernels/corpus.js';
 * for (const c of ALL_CASES) {
 *   const ptx = readFileSync(kernelFilePath(c.ptxFile));
 *   // … load, allocate bufferSpecs(c), launch, read back outputSpecs(c) …
 *   const expected = c.reference(inputsOf(c));
 *   for (const o of outputSpecs(c)) compareOutput(o.type, got[o.name], expected[o.name], c.compare[o.name]);
 * }
 * ```
 * @module
 */
import type { KernelCase } from './types.js';
import { atomicsCases } from './cases/atomics.js';
import { basicCases } from './cases/basic.js';
import { controlCases } from './cases/control.js';
import { demoCases } from './cases/demo.js';
import { faultCases } from './cases/faults.js';
import { floatOpsCases } from './cases/floatops.js';
import { halfPrecisionCases } from './cases/halfprec.js';
import { integerCases } from './cases/integer.js';
import { linalgCases } from './cases/linalg.js';
import { memoryCases } from './cases/memory.js';
import { nnCases } from './cases/nn.js';
import { reductionCases } from './cases/reductions.js';
import { warpCases } from './cases/warp.js';

export type * from './types.js';
export { compareOutput } from './support/compare.js';
export type { CompareResult, Mismatch } from './support/compare.js';
export { bufferLength, bufferSpecs, encodeStruct, initialContents, inputsOf, outputSpecs, paramBytes } from './support/inputs.js';
export type { OutputSpec } from './support/inputs.js';
export { ELEM_BYTES, newArray, writeElement } from './support/elements.js';
export { kernelFilePath, kernelsDir, repoRoot } from './support/paths.js';

/** Builds every case (inputs are generated here, deterministically). */
export function buildCorpus(): KernelCase[] {
  return [
    ...basicCases(), ...reductionCases(), ...atomicsCases(), ...linalgCases(), ...nnCases(), ...floatOpsCases(),
    ...integerCases(), ...halfPrecisionCases(), ...warpCases(), ...memoryCases(), ...controlCases(), ...faultCases(),
    ...demoCases(),
  ];
}

/** Every case of the corpus, built once on first import. */
export const ALL_CASES: readonly KernelCase[] = buildCorpus();

/** The case named `name`; throws when there is none. */
export function caseNamed(name: string): KernelCase {
  const c = ALL_CASES.find((k) => k.name === name);
  if (!c) throw new Error(`no corpus case named '${name}'`);
  return c;
}
