/**
 * What cuModuleLoadDataEx needs besides the image: the `CUjit_option[]` / `void *optionValues[]`
 * pair built from {@link JitOptions} with an info and an error log buffer, and PTX text that ends
 * with the NUL the driver requires.
 * @module
 */
import koffi from 'koffi';
import { CUjit_option } from '../../raw/driver-types.js';
import type { JitOptions } from '../types.js';

const DEFAULT_LOG_BYTES = 16 * 1024;
const decoder = new TextDecoder();

/**
 * The image as the driver wants it: PTX text (no NUL byte at all) gets a terminating NUL, in a
 * copy; cubin and fatbin images (which contain NUL bytes) and already terminated text are returned
 * as they are.
 */
export function driverImage(image: Uint8Array): Uint8Array {
  if (image.length > 0 && image[image.length - 1] === 0) return image;
  if (image.includes(0)) return image;
  const terminated = new Uint8Array(image.length + 1);
  terminated.set(image);
  return terminated;
}

/** The option arrays of one cuModuleLoadDataEx call, and its log buffers. */
export class JitOptionArrays {
  /** `CUjit_option options[count]`. */
  readonly options: Int32Array;
  /** `void *optionValues[count]`: integers are stored in the pointer slots, as the driver expects. */
  readonly values: BigUint64Array;
  readonly infoLog: Uint8Array;
  readonly errorLog: Uint8Array;
  private readonly infoSizeSlot: number;
  private readonly errorSizeSlot: number;

  constructor(jit: JitOptions) {
    const logBytes = jit.logBufferBytes ?? DEFAULT_LOG_BYTES;
    this.infoLog = new Uint8Array(logBytes);
    this.errorLog = new Uint8Array(logBytes);
    const entries: [number, bigint][] = [
      [CUjit_option.CU_JIT_INFO_LOG_BUFFER, koffi.address(this.infoLog) as bigint],
      [CUjit_option.CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES, BigInt(logBytes)],
      [CUjit_option.CU_JIT_ERROR_LOG_BUFFER, koffi.address(this.errorLog) as bigint],
      [CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, BigInt(logBytes)],
    ];
    this.infoSizeSlot = 1;
    this.errorSizeSlot = 3;
    const flag = (on: boolean | undefined): bigint => (on === true ? 1n : 0n);
    if (jit.maxRegisters !== undefined) entries.push([CUjit_option.CU_JIT_MAX_REGISTERS, BigInt(jit.maxRegisters)]);
    if (jit.optimizationLevel !== undefined) entries.push([CUjit_option.CU_JIT_OPTIMIZATION_LEVEL, BigInt(jit.optimizationLevel)]);
    if (jit.generateDebugInfo !== undefined) entries.push([CUjit_option.CU_JIT_GENERATE_DEBUG_INFO, flag(jit.generateDebugInfo)]);
    if (jit.generateLineInfo !== undefined) entries.push([CUjit_option.CU_JIT_GENERATE_LINE_INFO, flag(jit.generateLineInfo)]);
    if (jit.logVerbose !== undefined) entries.push([CUjit_option.CU_JIT_LOG_VERBOSE, flag(jit.logVerbose)]);
    this.options = Int32Array.from(entries, (e) => e[0]);
    this.values = BigUint64Array.from(entries, (e) => e[1]);
  }

  /** Number of options. */
  get count(): number {
    return this.options.length;
  }

  /** The information log written by the call. */
  info(): string {
    return this.read(this.infoLog, this.infoSizeSlot);
  }

  /** The error log written by the call. */
  error(): string {
    return this.read(this.errorLog, this.errorSizeSlot);
  }

  private read(buffer: Uint8Array, sizeSlot: number): string {
    // On return the size option holds the number of bytes written (including the NUL).
    const written = Math.min(Number(this.values[sizeSlot]), buffer.length);
    const nul = buffer.indexOf(0);
    const end = nul >= 0 && nul < written ? nul : written;
    return decoder.decode(buffer.subarray(0, end)).trimEnd();
  }
}
