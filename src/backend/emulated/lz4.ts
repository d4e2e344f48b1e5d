/**
 * LZ4 block decompression (the raw block format, no frame). nvcc uses it for fatbin entries
 * compressed with `-compress-mode=speed` (entry flag 0x2000).
 * @module
 */

/** Malformed LZ4 input. */
export class Lz4Error extends Error {
  constructor(message: string) {
    super(`lz4: ${message}`);
    this.name = 'Lz4Error';
  }
}

/**
 * Decompresses one LZ4 block whose decompressed size is `size` bytes.
 * @throws Lz4Error on malformed input or a size mismatch.
 */
export function lz4DecompressBlock(src: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let ip = 0;
  let op = 0;
  const length = (initial: number): number => {
    let n = initial;
    if (n === 15) {
      let b: number;
      do {
        if (ip >= src.length) throw new Lz4Error('truncated length');
        b = src[ip++]!;
        n += b;
      } while (b === 255);
    }
    return n;
  };
  while (ip < src.length) {
    const token = src[ip++]!;
    const literals = length(token >>> 4);
    if (ip + literals > src.length || op + literals > size) throw new Lz4Error('literals run past the end');
    out.set(src.subarray(ip, ip + literals), op);
    ip += literals;
    op += literals;
    if (ip >= src.length) break; // the last sequence has literals only
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > op) throw new Lz4Error(`bad match offset ${offset}`);
    const matchLength = length(token & 15) + 4;
    if (op + matchLength > size) throw new Lz4Error('match runs past the end');
    for (let i = 0; i < matchLength; i++, op++) out[op] = out[op - offset]!;
  }
  if (op !== size) throw new Lz4Error(`decompressed ${op} bytes, expected ${size}`);
  return out;
}
