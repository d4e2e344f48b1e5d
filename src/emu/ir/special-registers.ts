/**
 * The special registers PTX code reads (`%tid.x`, `%laneid`, `%clock64` …).
 * @module
 */
import type { PtxType } from '../ptx/types.js';
import type { SpecialRegisterName } from './types.js';

/** Type of a special register and whether it takes a `.x/.y/.z` component. */
export interface SpecialRegisterInfo {
  readonly type: PtxType;
  readonly vector: boolean;
}

const u32 = (vector = false): SpecialRegisterInfo => ({ type: 'u32', vector });

/** Every special register the front end accepts, keyed by name without `%`. */
export const SPECIAL_REGISTERS: ReadonlyMap<string, SpecialRegisterInfo> = new Map<SpecialRegisterName, SpecialRegisterInfo>([
  ['tid', u32(true)], ['ntid', u32(true)], ['ctaid', u32(true)], ['nctaid', u32(true)],
  ['laneid', u32()], ['warpid', u32()], ['nwarpid', u32()], ['smid', u32()], ['nsmid', u32()],
  ['gridid', { type: 'u64', vector: false }],
  ['lanemask_eq', u32()], ['lanemask_le', u32()], ['lanemask_lt', u32()], ['lanemask_ge', u32()], ['lanemask_gt', u32()],
  ['clock', u32()], ['clock_hi', u32()], ['clock64', { type: 'u64', vector: false }],
  ['globaltimer', { type: 'u64', vector: false }], ['globaltimer_lo', u32()], ['globaltimer_hi', u32()],
  ['dynamic_smem_size', u32()], ['total_smem_size', u32()], ['aggr_smem_size', u32()],
  ['cluster_ctarank', u32()], ['cluster_nctarank', u32()], ['cluster_ctaid', u32(true)], ['cluster_nctaid', u32(true)],
  ['clusterid', u32(true)], ['nclusterid', u32(true)],
  ['is_explicit_cluster', { type: 'pred', vector: false }],
]);
