/**
 * Preallocated out-parameters: each driver call that returns values writes them into these
 * arrays (their own memory is passed, see tools/gen-bindings/ffi-types.ts), so a query allocates
 * nothing but its result.
 * @module
 */

/** The out-parameter slots of one backend. Two of each kind, for calls with two outputs. */
export class Scratch {
  private readonly buffer = new ArrayBuffer(64);
  /** `CUcontext *`, `CUdeviceptr *`, `size_t *`, `void **` … */
  readonly u64 = new BigUint64Array(this.buffer, 0, 1);
  readonly u64b = new BigUint64Array(this.buffer, 8, 1);
  /** `int *`, `CUdevice *`. */
  readonly i32 = new Int32Array(this.buffer, 16, 1);
  readonly i32b = new Int32Array(this.buffer, 20, 1);
  /** `unsigned int *`. */
  readonly u32 = new Uint32Array(this.buffer, 24, 1);
  /** `float *`. */
  readonly f32 = new Float32Array(this.buffer, 28, 1);
  /** `char *name` of cuDeviceGetName. */
  readonly name = new Uint8Array(256);
}
