/**
 * Resizable `ArrayBuffer`s (ES2024), typed locally because the project's `lib` is ES2023.
 * Node 20 (V8 11.3) implements them; this module is the only place that names the API.
 * @module
 */

/** An `ArrayBuffer` created with a `maxByteLength`: it can grow (and shrink) in place. */
export interface ResizableArrayBuffer extends ArrayBuffer {
  /** The most bytes this buffer can ever hold. */
  readonly maxByteLength: number;
  /** Always true for these buffers. */
  readonly resizable: boolean;
  /** Changes `byteLength`; new bytes are zero. Throws `RangeError` past `maxByteLength` or when out of memory. */
  resize(byteLength: number): void;
}

type ResizableCtor = new (byteLength: number, options: { maxByteLength: number }) => ResizableArrayBuffer;

/**
 * A resizable buffer of `byteLength` bytes that can grow to `maxByteLength`.
 * @throws RangeError when the engine refuses `maxByteLength`.
 */
export function createResizable(byteLength: number, maxByteLength: number): ResizableArrayBuffer {
  return new (ArrayBuffer as unknown as ResizableCtor)(byteLength, { maxByteLength });
}

/**
 * The largest `maxByteLength` ≤ `upTo` that the engine accepts, trying `upTo`, `upTo / 2`, …,
 * down to `atLeast` (returned even if refused, so callers fail later with a clear error).
 */
export function largestResizableByteLength(upTo: number, atLeast: number): number {
  for (let n = upTo; n >= atLeast; n /= 2) {
    try {
      createResizable(0, n);
      return n;
    } catch {
      // Refused: try half.
    }
  }
  return atLeast;
}
