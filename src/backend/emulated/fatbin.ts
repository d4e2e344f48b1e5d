/**
 * The fatbin container (what `nvcc -fatbin` writes and `cuModuleLoadData` accepts): a header
 * followed by entries, each a PTX text or an ELF cubin for one architecture, possibly compressed.
 *
 * Layout (little-endian), as produced by nvcc 13 (`fatbinary`):
 * ```
 * container header, 16 bytes
 *   0  u32 magic 0xBA55ED50     4  u16 version (1)     6  u16 header size (16)
 *   8  u64 size of the entries that follow
 * entry header (64 bytes; 80 for PTX entries), then the payload
 *   0  u16 kind: 1 PTX, 2 ELF (cubin), others (e.g. LTO IR)
 *   2  u16 entry version (0x0101)    4  u32 header size    8  u64 payload size (padded)
 *  16  u32 compressed size (0 when not compressed)
 *  28  u32 architecture, e.g. 90 for sm_90 / compute_90
 *  40  u64 flags: 0x1 64-bit, 0x10 Linux, 0x2000 LZ4-compressed, 0x8000 zstd-compressed
 *  56  u64 decompressed size (0 when not compressed)
 * ```
 * nvcc 13 compresses by default with zstd (`-compress-mode=default|size|balance`), with LZ4 for
 * `-compress-mode=speed`, and not at all with `-no-compress`. Several containers may follow
 * each other in one image.
 * @module
 */
import { lz4DecompressBlock } from './lz4.js';
import { zstdDecompress } from './zstd.js';

/** Magic number at the start of a fatbin container. */
export const FATBIN_MAGIC = 0xba55ed50;
/** Entry kind: PTX text. */
export const FATBIN_KIND_PTX = 1;
/** Entry kind: ELF cubin (SASS). */
export const FATBIN_KIND_ELF = 2;
const FLAG_LZ4 = 0x2000;
const FLAG_ZSTD = 0x8000;

/** A malformed fatbin. */
export class FatbinError extends Error {
  constructor(message: string) {
    super(`fatbin: ${message}`);
    this.name = 'FatbinError';
  }
}

/** One entry of a fatbin. */
export interface FatbinEntry {
  /** Raw kind: {@link FATBIN_KIND_PTX}, {@link FATBIN_KIND_ELF}, or another value. */
  readonly kind: number;
  /** Target architecture as a number, e.g. 90 for sm_90 or compute_90. */
  readonly arch: number;
  /** The entry's flags word. */
  readonly flags: number;
  /** How the payload is stored. */
  readonly compression: 'none' | 'lz4' | 'zstd';
  /** Offset of the payload in the image. */
  readonly payloadOffset: number;
  /** Bytes of payload actually used (the compressed size when compressed). */
  readonly payloadBytes: number;
  /** Decompressed size when compressed, else `payloadBytes`. */
  readonly size: number;
}

/** True when `image` starts with a fatbin container header. */
export function isFatbin(image: Uint8Array): boolean {
  return image.length >= 16 && readU32(image, 0) === FATBIN_MAGIC;
}

function readU32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

function readU64(b: Uint8Array, at: number): number {
  const hi = readU32(b, at + 4);
  if (hi >= 0x200000) throw new FatbinError(`64-bit field at ${at} is too large`);
  return hi * 2 ** 32 + readU32(b, at);
}

/**
 * Lists the entries of every container in `image`.
 * @throws FatbinError when a header is malformed or runs past the image.
 */
export function parseFatbin(image: Uint8Array): FatbinEntry[] {
  const entries: FatbinEntry[] = [];
  let at = 0;
  while (at + 16 <= image.length && readU32(image, at) === FATBIN_MAGIC) {
    const headerSize = image[at + 6]! | (image[at + 7]! << 8);
    const size = readU64(image, at + 8);
    const start = at + headerSize;
    const end = start + size;
    if (headerSize < 16 || end > image.length) throw new FatbinError(`container at ${at} claims ${size} bytes past its ${headerSize}-byte header, image is ${image.length} bytes`);
    for (let p = start; p < end;) {
      if (p + 64 > end) throw new FatbinError(`truncated entry header at ${p}`);
      const kind = image[p]! | (image[p + 1]! << 8);
      const entryHeader = readU32(image, p + 4);
      const padded = readU64(image, p + 8);
      const compressed = readU32(image, p + 16);
      const arch = readU32(image, p + 28);
      const flags = readU64(image, p + 40);
      const decompressed = readU64(image, p + 56);
      const payloadOffset = p + entryHeader;
      if (entryHeader < 64 || payloadOffset + padded > end) throw new FatbinError(`entry at ${p} runs past its container`);
      const compression = flags & FLAG_ZSTD ? 'zstd' : flags & FLAG_LZ4 ? 'lz4' : 'none';
      const payloadBytes = compression === 'none' ? padded : compressed;
      if (payloadBytes > padded) throw new FatbinError(`entry at ${p}: compressed size ${compressed} exceeds payload size ${padded}`);
      entries.push({ kind, arch, flags, compression, payloadOffset, payloadBytes, size: compression === 'none' ? padded : decompressed });
      p = payloadOffset + padded;
    }
    at = end;
  }
  if (entries.length === 0 && !isFatbin(image)) throw new FatbinError('no fatbin header');
  return entries;
}

/**
 * The payload of `entry`, decompressed.
 * @throws FatbinError (wrapping the decompressor's error) on corrupt compressed data.
 */
export function entryPayload(image: Uint8Array, entry: FatbinEntry): Uint8Array {
  const raw = image.subarray(entry.payloadOffset, entry.payloadOffset + entry.payloadBytes);
  try {
    switch (entry.compression) {
      case 'none': return raw;
      case 'lz4': return lz4DecompressBlock(raw, entry.size);
      case 'zstd': return zstdDecompress(raw, entry.size);
    }
  } catch (e) {
    throw new FatbinError(`cannot decompress the ${entry.compression} payload of the sm_${entry.arch} entry: ${(e as Error).message}`);
  }
}

/** Decodes PTX bytes: UTF-8 up to the first NUL (fatbin payloads are NUL-padded). */
export function ptxText(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return new TextDecoder().decode(nul < 0 ? bytes : bytes.subarray(0, nul));
}
