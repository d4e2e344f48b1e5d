/**
 * NaN bit patterns of sm_90 results, as the H100 returns them (measured with
 * `test/fixtures/num/truth.cu`; gpu-truth.md items F32-NAN, F64-NAN, ABS-NEG-NAN, CVT-NAN).
 *
 * JS numbers cannot carry NaN payloads (see bits.ts), so the numeric functions of this folder
 * only promise *a* NaN. Where the GPU's NaN depends on the operands' bit patterns, the engine
 * must build the result from the operand **words** with the functions here, whenever the numeric
 * function returned NaN:
 *
 * | instruction | NaN result on sm_90 | how to produce it |
 * | --- | --- | --- |
 * | every `.f32` result (arithmetic, `abs`, `neg`, `min`/`max` of two NaNs, approximations, `cvt.f32.f16`) | `0x7FFFFFFF` | `storeF32` / `f32ToBits`; `absF32Bits`/`negF32Bits` |
 * | `add` `sub` `mul` `min` `max` `.f64` | the first NaN of (b, a), quieted | {@link nanF64Add} |
 * | `div.f64` | the first NaN of (a, b), quieted | {@link nanF64Div} |
 * | `fma` / `mad` `.f64` | the first NaN of (b, c, a), quieted | {@link nanF64Fma} |
 * | one-operand `.f64` (`sqrt`, `rcp`, `abs`, `neg`, `rsqrt.approx`, `cvt.f64.f64`) | a, quieted | {@link nanF64Of1}; {@link absF64HiWord} / {@link negF64HiWord} |
 * | any `.f64` NaN without a NaN operand (∞ − ∞, 0 · ∞, √−1, …) | `0xFFF80000_00000000` | the functions above; `storeF64` |
 * | `cvt.f64.f32` | the f32 payload, quieted, sign kept | {@link nanF64FromF32Bits} |
 * | `cvt.f32.f64` | sign, `0x7FC00000`, top 22 payload bits | {@link f64NaNToF32Bits} |
 * | `cvt.{rn,…}.f16.f64` | sign, `0x7E00`, top 9 payload bits | {@link f64NaNToF16Bits} |
 * | `cvt.{rn,…}.bf16.f64` | sign, `0x7FC0`, top 7 payload bits | {@link f64NaNToBF16Bits} |
 * | `cvt.f64.f16` | sign, quiet NaN, the f16 payload shifted left by 42 | {@link nanF64FromF16Bits} |
 * | `cvt.f32.bf16` | the bf16 bits shifted left by 16 (payload kept) | half.ts `bf16ToF32Bits` |
 * | `cvt.*.f16.f32`, `cvt.*.bf16.f32`, every `.f16`/`.bf16` result | `0x7FFF` | half.ts (already) |
 * | `copysign.f64` | a pure bit operation (assumed, like `copysign.f32`) | f64.ts `copysignF64` on the words |
 *
 * Measured in the second run (2026-11-24): `sub.f64` follows `add` with b's pattern unchanged (the
 * negation of the subtrahend does not touch a NaN), `rcp.f64` and `cvt.rni.f64.f64` follow the
 * one-operand rule, `cvt.rz.f16.f64` is `.rn`'s. Assumed: `cvt.{rz,rm,rp}.bf16.f64` of a NaN is
 * `.rn`'s.
 *
 * "Quieted" = the quiet bit (bit 51) set; sign and the rest of the payload are kept. The operand
 * order of the two-operand rule is the one the GPU showed for `add`/`mul`/`min` (the second
 * operand's NaN wins even when the first is signaling) and `div` (the first wins).
 *
 * **Operand order is the SASS order, which ptxas chooses.** The rules above hold for the operand
 * slots of the machine instruction (`DADD d, a', c'`: c' first, then a'; `DMUL d, a', b'`: b'
 * first; `DFMA d, a', b', c'`: b', c', a'; a negation modifier on a slot does not change a NaN).
 * ptxas (CUDA 13.0) canonicalizes commutative `.f64` instructions (`add`, `sub` as a + (−b),
 * `mul`, the multiplicands of `fma`/`mad`, `min`, `max`): the operand defined earlier goes to the
 * first slot whatever the PTX order, immediates and kernel parameters to the second (observed with
 * ptxas on straight-line code and on the corpus kernel `fp64_ops`, whose `fma(x, y, z)` became
 * `DFMA y, x, z`). The truth kernels define their operands in PTX order, so the rules measured
 * there are the SASS rules; the engine applies them after the same canonicalization
 * (src/emu/exec/operand-order.ts). So with the operands swapped, call e.g. `nanF64Add(b, a)`.
 *
 * Results are written to {@link NAN64} (`[lo, hi]`, the little-endian word order of a `Float64Array`
 * register viewed as `Uint32Array`); nothing allocates.
 * @module
 */

import { F64_CANONICAL_NAN_HI, F64_CANONICAL_NAN_LO } from './bits.js';

/**
 * High word of the NaN sm_90 returns for a double-precision invalid operation:
 * `0xFFF80000_00000000` (the same as bits.ts `F64_CANONICAL_NAN_HI`, which `storeF64` writes).
 */
export const F64_DEFAULT_NAN_HI = F64_CANONICAL_NAN_HI;
/** Low word of the double-precision default NaN; see {@link F64_DEFAULT_NAN_HI}. */
export const F64_DEFAULT_NAN_LO = F64_CANONICAL_NAN_LO;

/** Output of the `nanF64…` functions: `[lo, hi]` words of the result NaN. */
export const NAN64 = new Uint32Array(2);

/** True when the words `hi:lo` are a binary64 NaN. */
export function isNaNF64Words(hi: number, lo: number): boolean {
  return (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) !== 0 || lo !== 0);
}

function setQuiet(hi: number, lo: number): void {
  NAN64[0] = lo;
  NAN64[1] = hi | 0x00080000;
}

function setDefault(): void {
  NAN64[0] = F64_DEFAULT_NAN_LO;
  NAN64[1] = F64_DEFAULT_NAN_HI;
}

/** NaN result of a one-operand `.f64` instruction: `a` quieted, or the default NaN → {@link NAN64}. */
export function nanF64Of1(aHi: number, aLo: number): void {
  if (isNaNF64Words(aHi, aLo)) setQuiet(aHi, aLo);
  else setDefault();
}

/** The first NaN of (p, q), quieted, or the default NaN → {@link NAN64}. */
export function nanF64Of2(pHi: number, pLo: number, qHi: number, qLo: number): void {
  if (isNaNF64Words(pHi, pLo)) setQuiet(pHi, pLo);
  else if (isNaNF64Words(qHi, qLo)) setQuiet(qHi, qLo);
  else setDefault();
}

/** The first NaN of (p, q, r), quieted, or the default NaN → {@link NAN64}. */
export function nanF64Of3(pHi: number, pLo: number, qHi: number, qLo: number, rHi: number, rLo: number): void {
  if (isNaNF64Words(pHi, pLo)) setQuiet(pHi, pLo);
  else if (isNaNF64Words(qHi, qLo)) setQuiet(qHi, qLo);
  else if (isNaNF64Words(rHi, rLo)) setQuiet(rHi, rLo);
  else setDefault();
}

/**
 * NaN result of `add`/`sub`/`mul`/`min`/`max.f64 d, a, b` (min/max: only when both are NaN):
 * b's NaN if b is NaN, else a's, quieted; else the default NaN → {@link NAN64}.
 */
export function nanF64Add(aHi: number, aLo: number, bHi: number, bLo: number): void {
  nanF64Of2(bHi, bLo, aHi, aLo);
}

/** NaN result of `div.f64 d, a, b`: a's NaN, else b's, quieted; else the default NaN → {@link NAN64}. */
export function nanF64Div(aHi: number, aLo: number, bHi: number, bLo: number): void {
  nanF64Of2(aHi, aLo, bHi, bLo);
}

/** NaN result of `fma`/`mad.f64 d, a, b, c`: the first NaN of (b, c, a), quieted; else the default NaN. */
export function nanF64Fma(aHi: number, aLo: number, bHi: number, bLo: number, cHi: number, cLo: number): void {
  nanF64Of3(bHi, bLo, cHi, cLo, aHi, aLo);
}

/** Writes {@link NAN64} into element `i` of a register file viewed as `Uint32Array` (f64 element i = words 2i, 2i+1). */
export function storeNaN64(u32: Uint32Array, i: number): void {
  u32[2 * i] = NAN64[0]!;
  u32[2 * i + 1] = NAN64[1]!;
}

/**
 * `abs.f64 d, a` on words: the high word of `d` (the low word is `a`'s, unchanged). sm_90 does not
 * treat NaN as a sign-bit operation: a NaN comes back quieted with its sign kept.
 */
export function absF64HiWord(hi: number, lo: number): number {
  return isNaNF64Words(hi, lo) ? (hi | 0x00080000) >>> 0 : (hi & 0x7fffffff) >>> 0;
}

/** `neg.f64 d, a` on words (low word unchanged): flips the sign, except that a NaN is only quieted. */
export function negF64HiWord(hi: number, lo: number): number {
  return isNaNF64Words(hi, lo) ? (hi | 0x00080000) >>> 0 : (hi ^ 0x80000000) >>> 0;
}

/**
 * `cvt.f64.f32 d, a` for a NaN `a` (binary32 bits): its payload widened, quieted, sign kept
 * (`0x7FC12345` → `0x7FF82468_A0000000`) → {@link NAN64}.
 */
export function nanF64FromF32Bits(bits: number): void {
  NAN64[0] = (bits & 7) << 29;
  NAN64[1] = (bits & 0x80000000) | 0x7ff80000 | ((bits & 0x7fffff) >>> 3);
}

/**
 * `cvt.{rn,rz,rm,rp}{.ftz}.f32.f64 d, a` for a NaN `a` (words): sign, quiet NaN, and the top 22
 * payload bits (`0x7FF80000_00001234` → `0x7FC00000`, `0xFFF8…` → `0xFFC00000`). With `.sat` the
 * result is +0 instead.
 */
export function f64NaNToF32Bits(hi: number, lo: number): number {
  return ((hi & 0x80000000) | 0x7fc00000 | ((hi & 0xfffff) << 3) | (lo >>> 29)) >>> 0;
}

/**
 * `cvt.{rn,…}.f16.f64 d, a` for a NaN `a` (high word): sign, quiet NaN, and the top 9 payload bits
 * (`0x7FF8…` → `0x7E00`, `0xFFF8…` → `0xFE00`, `0x7FFFFFFF_FFFFFFFF` → `0x7FFF`). Measured for
 * `.rn`; assumed for the other modes.
 */
export function f64NaNToF16Bits(hi: number): number {
  return ((hi >>> 16) & 0x8000) | 0x7e00 | ((hi & 0xfffff) >>> 10);
}

/**
 * `cvt.{rn,…}.bf16.f64 d, a` for a NaN `a` (high word): sign, quiet NaN, and the top 7 payload bits
 * (`0x7FF8…` → `0x7FC0`, `0x7FF4…` → `0x7FE0`, `0xFFF00000_00000ABC` → `0xFFC0`). Measured for
 * `.rn` (H100, 2026-11-24); assumed for the other modes, as for f16.
 */
export function f64NaNToBF16Bits(hi: number): number {
  return ((hi >>> 16) & 0x8000) | 0x7fc0 | ((hi & 0xfffff) >>> 13);
}

/**
 * `cvt.f64.f16 d, a` for a NaN `a` (binary16 bits): sign, quiet NaN, the 10-bit payload shifted
 * left by 42 (`0x7E00` → `0x7FF80000_00000000`, `0x7C01` → `0x7FF80400_00000000`, `0x7E2D` →
 * `0x7FF8B400_00000000`) → {@link NAN64}. Measured on the H100 (2026-11-24).
 */
export function nanF64FromF16Bits(h: number): void {
  NAN64[0] = 0;
  NAN64[1] = (((h & 0x8000) << 16) | 0x7ff80000 | ((h & 0x3ff) << 10)) >>> 0;
}
