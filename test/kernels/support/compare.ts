/**
 * Compares a kernel's output with its reference according to a {@link Comparison}.
 * @module
 */
import type { Comparison, ElemArray, ElemType } from '../types.js';
import { elementValue, isFloatType } from './elements.js';
import { ulpDistance } from './float.js';

/** One differing element. */
export interface Mismatch {
  readonly index: number;
  readonly got: number | bigint;
  readonly expected: number | bigint;
  /** The error in the comparison's unit (ULPs, relative or absolute), or NaN for exact. */
  readonly error: number;
}

/** The outcome of comparing one output. */
export interface CompareResult {
  readonly ok: boolean;
  /** Number of elements outside the tolerance (all of them when the lengths differ). */
  readonly mismatches: number;
  /** The first few mismatches. */
  readonly examples: readonly Mismatch[];
  /** Largest error seen over all elements, in the comparison's unit (0 for exact). */
  readonly worst: number;
  /** One line for a test log. */
  readonly summary: string;
}

/** Same value: NaN matches any NaN; +0 and −0 differ. */
function sameValue(a: number | bigint, b: number | bigint): boolean {
  return (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b)) || Object.is(a, b);
}

/** Error of one element under a tolerance comparison, or null when specials decide it. */
function elementError(type: ElemType, cmp: Exclude<Comparison, { kind: 'exact' }>, got: number, exp: number): { ok: boolean; error: number } {
  if (Number.isNaN(exp) || Number.isNaN(got) || !Number.isFinite(exp) || !Number.isFinite(got)) {
    return { ok: sameValue(got, exp), error: sameValue(got, exp) ? 0 : Infinity };
  }
  switch (cmp.kind) {
    case 'ulp': {
      const error = ulpDistance(type as 'f32' | 'f64' | 'f16' | 'bf16', got, exp);
      return { ok: error <= cmp.maxUlp, error };
    }
    case 'relative': {
      const diff = Math.abs(got - exp);
      const error = exp === 0 ? (diff === 0 ? 0 : Infinity) : diff / Math.abs(exp);
      return { ok: diff <= cmp.tol * Math.abs(exp) + (cmp.atol ?? 0), error };
    }
    case 'absolute': {
      const error = Math.abs(got - exp);
      return { ok: error <= cmp.tol, error };
    }
  }
}

/**
 * Compares `got` with `expected`, both holding elements of `type` (f16/bf16 as bit patterns),
 * under `cmp`. Tolerance comparisons apply to floating-point types only.
 */
export function compareOutput(type: ElemType, got: ElemArray, expected: ElemArray, cmp: Comparison, maxExamples = 5): CompareResult {
  if (got.length !== expected.length) {
    return { ok: false, mismatches: Math.max(got.length, expected.length), examples: [], worst: Infinity,
      summary: `length ${got.length}, expected ${expected.length}` };
  }
  if (cmp.kind !== 'exact' && !isFloatType(type)) {
    throw new TypeError(`compareOutput: a '${cmp.kind}' comparison needs a floating-point type, not ${type}`);
  }
  const examples: Mismatch[] = [];
  let mismatches = 0, worst = 0;
  for (let i = 0; i < got.length; i++) {
    const g = elementValue(type, got, i), e = elementValue(type, expected, i);
    let ok: boolean, error: number;
    if (cmp.kind === 'exact') {
      ok = sameValue(g, e);
      error = ok ? 0 : NaN;
    } else {
      ({ ok, error } = elementError(type, cmp, g as number, e as number));
      if (error > worst) worst = error;
    }
    if (!ok) {
      mismatches++;
      if (examples.length < maxExamples) examples.push({ index: i, got: g, expected: e, error });
    }
  }
  const shown = examples.map((m) => `[${m.index}] got ${m.got} expected ${m.expected}`).join('; ');
  const summary = mismatches === 0
    ? `${got.length} elements match (${cmp.kind}${cmp.kind === 'exact' ? '' : `, worst ${worst}`})`
    : `${mismatches} of ${got.length} elements differ (${cmp.kind}): ${shown}`;
  return { ok: mismatches === 0, mismatches, examples, worst, summary };
}
