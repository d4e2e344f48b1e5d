/**
 * Kernel faults: the `KernelFaultError`s a launch throws, with the site (kernel, block and thread
 * coordinates, PTX line and instruction) and the CUDA code the GPU reports:
 *
 * | code | name                               | raised for                                        |
 * |------|------------------------------------|---------------------------------------------------|
 * | 700  | CUDA_ERROR_ILLEGAL_ADDRESS         | out-of-bounds, null, freed or unmapped accesses; barrier deadlock; invalid `free` |
 * | 716  | CUDA_ERROR_MISALIGNED_ADDRESS      | misaligned accesses                               |
 * | 710  | CUDA_ERROR_ASSERT                  | a failed device `assert` (`__assertfail`)         |
 * | 719  | CUDA_ERROR_LAUNCH_FAILED           | `trap`, `brkpt`, divergent barriers, bad indirect calls |
 * | 714  | CUDA_ERROR_HARDWARE_STACK_ERROR    | call depth or local stack exceeded                |
 * | 702  | CUDA_ERROR_LAUNCH_TIMEOUT          | the instruction budget or the timeout ran out     |
 * @module
 */
import { KernelFaultError, type FaultSite } from '../../../errors.js';
import { CUresult, CUresultNames } from '../../../raw/driver-types.js';
import type { IrInstruction } from '../../ir/types.js';

/** The fault codes the engine raises. */
export const FaultCode = {
  illegalAddress: CUresult.CUDA_ERROR_ILLEGAL_ADDRESS,
  misaligned: CUresult.CUDA_ERROR_MISALIGNED_ADDRESS,
  assert: CUresult.CUDA_ERROR_ASSERT,
  launchFailed: CUresult.CUDA_ERROR_LAUNCH_FAILED,
  stack: CUresult.CUDA_ERROR_HARDWARE_STACK_ERROR,
  timeout: CUresult.CUDA_ERROR_LAUNCH_TIMEOUT,
} as const;

/** What a fault needs to know about the faulting thread. */
export interface ThreadCoordinates {
  readonly kernel: string;
  readonly block: readonly [number, number, number];
  readonly thread: readonly [number, number, number];
}

/** The API call faults are attributed to (the backend re-attributes sticky faults to the observing call). */
const CALL = 'cuLaunchKernel';

/** A `KernelFaultError` with code `code`, `explanation`, at `where`, optionally naming the instruction. */
export function kernelFault(code: number, explanation: string, where: ThreadCoordinates, ins: IrInstruction | null): KernelFaultError {
  const site: FaultSite = {
    kernel: where.kernel,
    block: where.block,
    thread: where.thread,
    ...(ins === null ? {} : { line: ins.line, instruction: ins.text.replace(/\s+/g, ' ').trim() }),
  };
  return new KernelFaultError({ code, codeName: CUresultNames[code] ?? `CUDA_ERROR_${code}`, explanation, call: CALL, site });
}
