/**
 * The engine's own error types. Faults of running kernels are `KernelFaultError`s (see
 * `runtime/faults.ts`); PTX the engine cannot execute is reported at compile time as a
 * `PtxSyntaxError` built from an {@link UnsupportedError}.
 * @module
 */
import { PtxSyntaxError } from '../../errors.js';
import type { IrInstruction } from '../ir/types.js';

/** A bug in the engine (generated code that does not compile, an impossible state). */
export class InternalError extends Error {
  constructor(message: string) {
    super(`cudajs PTX engine internal error: ${message}`);
    this.name = 'InternalError';
  }
}

/** An instruction (or a form of it) the engine cannot execute. */
export class UnsupportedError extends Error {
  /** The instruction, when known. */
  readonly instruction: IrInstruction | null;

  constructor(message: string, instruction: IrInstruction | null = null) {
    super(message);
    this.name = 'UnsupportedError';
    this.instruction = instruction;
  }
}

/** Throws an {@link UnsupportedError} about `ins`. */
export function unsupported(ins: IrInstruction, what = `'${ins.decoded.name}'`): never {
  throw new UnsupportedError(`the emulated device cannot execute ${what}`, ins);
}

/**
 * The driver-style error for an unsupported instruction: `CUDA_ERROR_UNSUPPORTED_PTX_VERSION`
 * naming the PTX line, column and instruction (what ptxas says for an instruction the target lacks).
 */
export function unsupportedPtx(call: string, e: UnsupportedError): PtxSyntaxError {
  const ins = e.instruction;
  const location = ins === null ? { line: 0, column: 0, token: '' } : { line: ins.line, column: ins.column, token: ins.decoded.name };
  return new PtxSyntaxError(call, `${e.message}${ins === null ? '' : ` (${ins.text.trim()})`}`, location, true);
}
