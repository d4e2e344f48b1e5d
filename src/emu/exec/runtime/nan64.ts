/**
 * The H100's NaN results of double-precision instructions (num nan.ts), as JS doubles that carry
 * the NaN's bits: num computes them from operand *words*; the engine keeps `.f64` registers as
 * doubles, so these read the words of the operand values and build the result double from num's
 * words. A double's NaN payload survives typed-array loads and stores (the engine stores such
 * results with raw `Float64Array` writes), unlike a NaN constant written in code.
 *
 * Each is called only when the instruction's result is NaN.
 * @module
 */
import {
  NAN64, absF64HiWord, f64FromWords, f64Hi, f64Lo, nanF64Add, nanF64Div, nanF64Fma, nanF64FromF16Bits, nanF64FromF32Bits, nanF64Of1, negF64HiWord,
} from '../../num/index.js';

const result = (): number => f64FromWords(NAN64[1]!, NAN64[0]!);

/** NaN result of `add`/`sub`/`mul`/`min`/`max.f64 d, a, b` (b's NaN first, quieted; else the default NaN). */
export function nanAddF64(a: number, b: number): number {
  nanF64Add(f64Hi(a), f64Lo(a), f64Hi(b), f64Lo(b));
  return result();
}

/** NaN result of `div.f64 d, a, b` (a's NaN first). */
export function nanDivF64(a: number, b: number): number {
  nanF64Div(f64Hi(a), f64Lo(a), f64Hi(b), f64Lo(b));
  return result();
}

/** NaN result of `fma`/`mad.f64 d, a, b, c` (the first NaN of b, c, a). */
export function nanFmaF64(a: number, b: number, c: number): number {
  nanF64Fma(f64Hi(a), f64Lo(a), f64Hi(b), f64Lo(b), f64Hi(c), f64Lo(c));
  return result();
}

/** NaN result of a one-operand `.f64` instruction (sqrt, rcp, rsqrt.approx, cvt.f64.f64): a quieted. */
export function nanOf1F64(a: number): number {
  nanF64Of1(f64Hi(a), f64Lo(a));
  return result();
}

/** `abs.f64` on the value's words (a NaN is quieted, its sign kept). */
export function absF64Value(a: number): number {
  return f64FromWords(absF64HiWord(f64Hi(a), f64Lo(a)), f64Lo(a));
}

/** `neg.f64` on the value's words (a NaN is quieted, not negated). */
export function negF64Value(a: number): number {
  return f64FromWords(negF64HiWord(f64Hi(a), f64Lo(a)), f64Lo(a));
}

/** `cvt.f64.f32` of the binary32 bits `bits` when they are a NaN: the payload widened and quieted. */
export function nanFromF32BitsF64(bits: number): number {
  nanF64FromF32Bits(bits);
  return result();
}

/** `cvt.f64.f16` of the binary16 bits `h` when they are a NaN: sign, quiet NaN, the payload shifted left by 42. */
export function nanFromF16BitsF64(h: number): number {
  nanF64FromF16Bits(h);
  return result();
}
