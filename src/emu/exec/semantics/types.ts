/**
 * The shape of an opcode's semantics. Each opcode is defined once, as a code template: a function
 * of the instruction's {@link Emit} that returns JavaScript. Both executors are derived from the
 * templates — the JIT fuses the per-lane code of a basic block into one lane loop, the interpreter
 * runs each instruction's code over the lanes on its own (see `codegen/builder.ts`).
 *
 * Per-lane templates (`lane`) return statements executed for one lane `l` whose guard holds. They
 * may read `mask` (the active lanes) and, for block terminators, set bits of `T` (the lanes for
 * which the terminator is taken: branch, call, exit …). Warp templates (`warp`: shuffles, votes,
 * reductions) return statements executed once for the warp, with `m` holding the participating
 * lanes (active and guard true); they loop over lanes themselves.
 * @module
 */
import type { Emit } from '../codegen/emit.js';
import type { IrInstruction } from '../../ir/types.js';

/** Per-lane code. */
export type LaneTemplate = (e: Emit) => string;

/** The memory an instruction touches, for the JIT's ordering of lanes (see jit/segments.ts). */
export interface MemoryEffect {
  /** Spaces read: a subset of `global`, `shared` (generic accesses name both). */
  readonly reads: readonly ('global' | 'shared')[];
  readonly writes: readonly ('global' | 'shared')[];
}

/** The semantics of one instruction. */
export type Semantics =
  | {
    readonly kind: 'lane';
    readonly emit: LaneTemplate;
    /**
     * Per-lane code run when the warp resumes after blocking at this instruction (a block
     * terminator): `bar.red` writes the reduction, which exists only once the barrier releases.
     */
    readonly resume?: LaneTemplate;
  }
  | { readonly kind: 'warp'; readonly emit: LaneTemplate };

/** Finds the semantics of one instruction (throws `UnsupportedError` for forms the engine lacks). */
export type SemanticsResolver = (ins: IrInstruction) => Semantics;
