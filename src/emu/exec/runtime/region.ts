/**
 * {@link Region}: typed views of one memory (global store, a CTA's shared memory, its threads'
 * local memory, a parameter buffer or frame), as generated code indexes them: byte offset `o`
 * is `u8[o]`, `u16[o >>> 1]`, `i32[o >>> 2]`, `f64[o >>> 3]` … Offsets of naturally aligned
 * accesses are aligned in the buffer (every region starts at byte 0 of its buffer).
 * @module
 */

/** Typed views over one buffer. */
export class Region {
  readonly u8: Uint8Array;
  readonly i8: Int8Array;
  readonly u16: Uint16Array;
  readonly i16: Int16Array;
  readonly i32: Int32Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;

  /**
   * Views of `buffer`. For a resizable buffer (the global store) the views are length-tracking
   * and stay valid as it grows.
   */
  constructor(readonly buffer: ArrayBuffer) {
    this.u8 = new Uint8Array(buffer);
    this.i8 = new Int8Array(buffer);
    this.u16 = new Uint16Array(buffer);
    this.i16 = new Int16Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
  }

  /** A region over a new zeroed buffer of `bytes` bytes (rounded up to 8). */
  static allocate(bytes: number): Region {
    return new Region(new ArrayBuffer(Math.ceil(Math.max(bytes, 8) / 8) * 8));
  }

  /** Size in bytes. */
  get bytes(): number {
    return this.buffer.byteLength;
  }
}

/** A parameter frame: one `stride`-byte record per lane (lane `l` at `l · stride`). */
export class ParamFrame extends Region {
  constructor(readonly stride: number) {
    super(new ArrayBuffer(Math.max(8, stride * 32)));
  }
}
