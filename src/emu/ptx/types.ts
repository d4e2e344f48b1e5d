/**
 * PTX data types as the front end knows them: the {@link PtxScalarType}s of the engine seam plus
 * the packed and narrow types that appear in instructions (`.u16x2`, `.tf32`, `.e4m3x2` …).
 * @module
 */
import type { PtxScalarType } from '../engine.js';

/** Every type a PTX instruction, register or variable may name (written without the dot). */
export type PtxType = PtxScalarType | 'u16x2' | 's16x2' | 'tf32' | 'e4m3' | 'e5m2' | 'e4m3x2' | 'e5m2x2';

/** What kind of value a type holds. */
export type PtxTypeKind = 'unsigned' | 'signed' | 'bits' | 'float' | 'pred';

/** Size, kind and lane structure of one {@link PtxType}. */
export interface PtxTypeInfo {
  /** Size in bytes (`pred`: 1, the size the emulator stores it in; it has no memory form). */
  readonly bytes: number;
  /** Width in bits as PTX counts it for type checking (`pred`: 1). */
  readonly bits: number;
  readonly kind: PtxTypeKind;
  /** Lanes of a packed type (`f16x2`: 2), else 1. */
  readonly lanes: number;
}

const info = (bits: number, kind: PtxTypeKind, lanes = 1): PtxTypeInfo =>
  ({ bytes: Math.max(1, bits >> 3), bits, kind, lanes });

/** The {@link PtxTypeInfo} of every {@link PtxType}. */
export const PTX_TYPES: ReadonlyMap<string, PtxTypeInfo> = new Map<PtxType, PtxTypeInfo>([
  ['u8', info(8, 'unsigned')], ['u16', info(16, 'unsigned')], ['u32', info(32, 'unsigned')], ['u64', info(64, 'unsigned')],
  ['s8', info(8, 'signed')], ['s16', info(16, 'signed')], ['s32', info(32, 'signed')], ['s64', info(64, 'signed')],
  ['b8', info(8, 'bits')], ['b16', info(16, 'bits')], ['b32', info(32, 'bits')], ['b64', info(64, 'bits')], ['b128', info(128, 'bits')],
  ['f16', info(16, 'float')], ['f16x2', info(32, 'float', 2)], ['bf16', info(16, 'float')], ['bf16x2', info(32, 'float', 2)],
  ['f32', info(32, 'float')], ['f64', info(64, 'float')], ['tf32', info(32, 'float')],
  ['e4m3', info(8, 'float')], ['e5m2', info(8, 'float')], ['e4m3x2', info(16, 'float', 2)], ['e5m2x2', info(16, 'float', 2)],
  ['u16x2', info(32, 'unsigned', 2)], ['s16x2', info(32, 'signed', 2)],
  ['pred', { bytes: 1, bits: 1, kind: 'pred', lanes: 1 }],
]);

/** Whether `name` (without the dot) is a {@link PtxType}. */
export function isPtxType(name: string): name is PtxType {
  return PTX_TYPES.has(name);
}

/** The {@link PtxTypeInfo} of a known type. */
export function typeInfo(type: PtxType): PtxTypeInfo {
  return PTX_TYPES.get(type)!;
}

/** Size in bytes of a type. */
export function typeBytes(type: PtxType): number {
  return PTX_TYPES.get(type)!.bytes;
}

/** True for `f16`, `f32`, `f64`, `bf16` and the other floating-point types (packed ones included). */
export function isFloatType(type: PtxType): boolean {
  return PTX_TYPES.get(type)!.kind === 'float';
}

/** The integer type twice as wide as `type` (`u32` → `u64`, `s16` → `s32`), as `mul.wide` produces. */
export function widenedType(type: PtxType): PtxType {
  switch (type) {
    case 'u16': return 'u32';
    case 'u32': return 'u64';
    case 's16': return 's32';
    case 's32': return 's64';
    case 'b16': return 'b32';
    case 'b32': return 'b64';
    default: return type;
  }
}
