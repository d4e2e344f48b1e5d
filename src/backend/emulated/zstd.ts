/**
 * A Zstandard decoder (RFC 8878), without dictionaries. nvcc 13 compresses the PTX in fatbins
 * with zstd by default (`-compress-mode=default|size|balance`), and Node 20's zlib has no zstd.
 *
 * Structure follows the RFC: frames → blocks (raw, RLE, compressed) → a compressed block's
 * literals section (raw, RLE, Huffman with 1 or 4 streams, or treeless) and sequences section
 * (three FSE-coded streams: literal lengths, offsets, match lengths, with repeat offsets).
 * Skippable frames are skipped; content checksums are not verified.
 * @module
 */

/** Malformed zstd input. */
export class ZstdError extends Error {
  constructor(message: string) {
    super(`zstd: ${message}`);
    this.name = 'ZstdError';
  }
}

const corrupt = (what: string): never => {
  throw new ZstdError(what);
};

const highBit = (x: number): number => 31 - Math.clz32(x);

/** Reads a little-endian bit stream backwards from its end (zstd's Huffman and FSE streams). */
class BackwardBits {
  /** Bits left before the start; negative once the reader has run past it (reads zeros). */
  pos: number;
  constructor(private readonly data: Uint8Array, private readonly start: number, end: number) {
    if (end <= start) corrupt('empty bit stream');
    const last = data[end - 1]!;
    if (last === 0) corrupt('bit stream does not end with a marker bit');
    this.pos = (end - start - 1) * 8 + highBit(last);
  }

  /** The `n` (≤ 32) bits just below the current position, without consuming them. */
  peek(n: number): number {
    const q = this.pos - n;
    if (q >= 0 && n <= 24) {
      // Fast path: the bits lie in 4 bytes starting at q / 8 (bytes past the stream read as 0).
      const d = this.data;
      const i = this.start + (q >>> 3);
      const word = d[i]! | ((d[i + 1] ?? 0) << 8) | ((d[i + 2] ?? 0) << 16) | ((d[i + 3] ?? 0) << 24);
      return (word >>> (q & 7)) & ((1 << n) - 1);
    }
    let p = q;
    let width = n;
    let shift = 0;
    if (p < 0) {
      shift = -p;
      width = n + p;
      p = 0;
      if (width <= 0) return 0;
    }
    const first = this.start + (p >>> 3);
    const lastByte = this.start + ((p + width - 1) >>> 3);
    let window = 0;
    for (let i = lastByte; i >= first; i--) window = window * 256 + this.data[i]!;
    const value = Math.floor(window / 2 ** (p & 7)) % 2 ** width;
    return value * 2 ** shift;
  }

  /** Reads `n` bits. */
  read(n: number): number {
    if (n === 0) return 0;
    const v = this.peek(n);
    this.pos -= n;
    return v;
  }
}

/** Reads a little-endian bit stream forwards (FSE table descriptions). */
class ForwardBits {
  bit = 0;
  constructor(private readonly data: Uint8Array, private readonly start: number, private readonly end: number) {}

  peek(n: number): number {
    let v = 0;
    for (let i = n - 1; i >= 0; i--) {
      const b = this.bit + i;
      const at = this.start + (b >>> 3);
      const byte = at < this.end ? this.data[at]! : 0;
      v = v * 2 + ((byte >>> (b & 7)) & 1);
    }
    return v;
  }

  read(n: number): number {
    const v = this.peek(n);
    this.bit += n;
    return v;
  }

  /** Bytes consumed, rounding the last partial byte up. */
  get bytes(): number {
    return Math.ceil(this.bit / 8);
  }
}

/** A decoding table of an FSE (tANS) code. */
interface FseTable {
  readonly log: number;
  readonly symbol: Uint8Array;
  readonly bits: Uint8Array;
  readonly base: Uint16Array;
}

function buildFse(probs: readonly number[], log: number): FseTable {
  const size = 1 << log;
  const symbol = new Uint8Array(size);
  const bits = new Uint8Array(size);
  const base = new Uint16Array(size);
  const next = new Array<number>(probs.length);
  let high = size - 1;
  for (let s = 0; s < probs.length; s++) {
    if (probs[s] === -1) {
      symbol[high--] = s;
      next[s] = 1;
    } else {
      next[s] = probs[s]!;
    }
  }
  const step = (size >>> 1) + (size >>> 3) + 3;
  const mask = size - 1;
  let pos = 0;
  for (let s = 0; s < probs.length; s++) {
    for (let i = 0; i < probs[s]!; i++) {
      symbol[pos] = s;
      do pos = (pos + step) & mask; while (pos > high);
    }
  }
  if (pos !== 0) corrupt('FSE table spread did not end at 0');
  for (let u = 0; u < size; u++) {
    const s = symbol[u]!;
    const n = next[s]!++;
    const nb = log - highBit(n);
    bits[u] = nb;
    base[u] = (n << nb) - size;
  }
  return { log, symbol, bits, base };
}

function rleTable(sym: number): FseTable {
  return { log: 0, symbol: Uint8Array.of(sym), bits: Uint8Array.of(0), base: Uint16Array.of(0) };
}

/** Reads an FSE table description at `data[at]`; returns the table and the bytes it took. */
function readFseTable(data: Uint8Array, at: number, end: number, maxLog: number, maxSymbol: number): [FseTable, number] {
  const r = new ForwardBits(data, at, end);
  const log = r.read(4) + 5;
  if (log > maxLog) corrupt(`FSE accuracy log ${log} exceeds ${maxLog}`);
  let remaining = (1 << log) + 1;
  let threshold = 1 << log;
  let nbBits = log + 1;
  const probs: number[] = [];
  while (remaining > 1) {
    if (probs.length > maxSymbol) corrupt('FSE table has too many symbols');
    const max = 2 * threshold - 1 - remaining;
    let count: number;
    const low = r.peek(nbBits - 1);
    if (low < max) {
      count = low;
      r.bit += nbBits - 1;
    } else {
      count = r.read(nbBits);
      if (count >= threshold) count -= max;
    }
    const prob = count - 1;
    remaining -= prob < 0 ? -prob : prob;
    probs.push(prob);
    if (prob === 0) {
      let repeat: number;
      do {
        repeat = r.read(2);
        for (let i = 0; i < repeat; i++) probs.push(0);
      } while (repeat === 3);
    }
    while (remaining < threshold) {
      nbBits--;
      threshold >>>= 1;
    }
  }
  if (remaining !== 1) corrupt('FSE probabilities do not add up');
  if (probs.length > maxSymbol + 1) corrupt('FSE table has too many symbols');
  return [buildFse(probs, log), r.bytes];
}

/** A Huffman decoding table: peek `maxBits` bits, index, emit `symbol`, consume `bits`. */
interface HuffTable {
  readonly maxBits: number;
  readonly symbol: Uint8Array;
  readonly bits: Uint8Array;
}

/** Reads a Huffman tree description at `data[at]`; returns the table and the bytes it took. */
function readHuffmanTree(data: Uint8Array, at: number, end: number): [HuffTable, number] {
  const header = data[at]!;
  let weights: number[];
  let used: number;
  if (header < 128) {
    // FSE-compressed weights: two interleaved states over one backward stream.
    const size = header;
    const [table, tableBytes] = readFseTable(data, at + 1, at + 1 + size, 6, 255);
    const r = new BackwardBits(data, at + 1 + tableBytes, at + 1 + size);
    weights = [];
    let s1 = r.read(table.log);
    let s2 = r.read(table.log);
    for (;;) {
      if (weights.length > 255) corrupt('too many Huffman weights');
      weights.push(table.symbol[s1]!);
      s1 = table.base[s1]! + r.read(table.bits[s1]!);
      if (r.pos < 0) {
        weights.push(table.symbol[s2]!);
        break;
      }
      weights.push(table.symbol[s2]!);
      s2 = table.base[s2]! + r.read(table.bits[s2]!);
      if (r.pos < 0) {
        weights.push(table.symbol[s1]!);
        break;
      }
    }
    used = 1 + size;
  } else {
    const count = header - 127;
    weights = [];
    for (let i = 0; i < count; i++) {
      const byte = data[at + 1 + (i >>> 1)]!;
      weights.push(i & 1 ? byte & 15 : byte >>> 4);
    }
    used = 1 + Math.ceil(count / 2);
  }
  if (at + used > end) corrupt('Huffman tree runs past its section');
  let total = 0;
  for (const w of weights) {
    if (w > 11) corrupt('Huffman weight above 11');
    if (w) total += 1 << (w - 1);
  }
  if (total === 0) corrupt('Huffman weights are all zero');
  const maxBits = highBit(total) + 1;
  if (maxBits > 11) corrupt('Huffman code longer than 11 bits');
  const rest = (1 << maxBits) - total;
  if (rest & (rest - 1)) corrupt('Huffman weights do not complete a tree');
  weights.push(highBit(rest) + 1);
  const size = 1 << maxBits;
  const symbol = new Uint8Array(size);
  const bits = new Uint8Array(size);
  let pos = 0;
  for (let w = 1; w <= maxBits; w++) {
    for (let s = 0; s < weights.length; s++) {
      if (weights[s] !== w) continue;
      const span = 1 << (w - 1);
      symbol.fill(s, pos, pos + span);
      bits.fill(maxBits + 1 - w, pos, pos + span);
      pos += span;
    }
  }
  return [{ maxBits, symbol, bits }, used];
}

function huffmanStream(t: HuffTable, data: Uint8Array, start: number, end: number, out: Uint8Array, from: number, to: number): void {
  const r = new BackwardBits(data, start, end);
  for (let i = from; i < to; i++) {
    const v = r.peek(t.maxBits);
    out[i] = t.symbol[v]!;
    r.pos -= t.bits[v]!;
  }
  if (r.pos !== 0) corrupt('Huffman stream not consumed exactly');
}

const LL_BASE = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 24, 28, 32, 40, 48, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536];
const LL_BITS = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
const ML_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34,
  35, 37, 39, 41, 43, 47, 51, 59, 67, 83, 99, 131, 259, 515, 1027, 2051, 4099, 8195, 16387, 32771, 65539,
];
const ML_BITS = [
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
];
const LL_DEFAULT = buildFse([4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1, -1, -1, -1, -1], 6);
const ML_DEFAULT = buildFse([
  1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1,
], 6);
const OF_DEFAULT = buildFse([1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1], 5);

/** A growable output buffer. */
class Output {
  buf: Uint8Array;
  len = 0;
  constructor(hint: number) {
    this.buf = new Uint8Array(Math.max(hint, 1024));
  }

  reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  append(src: Uint8Array, from: number, to: number): void {
    this.reserve(to - from);
    this.buf.set(src.subarray(from, to), this.len);
    this.len += to - from;
  }

  /** Copies `length` bytes from `offset` bytes back (the regions may overlap). */
  match(offset: number, length: number, frameStart: number): void {
    if (offset > this.len - frameStart) corrupt(`match offset ${offset} reaches before the frame`);
    this.reserve(length);
    const b = this.buf;
    let from = this.len - offset;
    let to = this.len;
    if (offset >= length) {
      b.copyWithin(to, from, from + length);
    } else {
      for (let i = 0; i < length; i++) b[to++] = b[from++]!;
    }
    this.len += length;
  }
}

/** Decoding state carried from block to block inside one frame. */
interface FrameState {
  huffman: HuffTable | null;
  ll: FseTable | null;
  of: FseTable | null;
  ml: FseTable | null;
  rep: [number, number, number];
  frameStart: number;
}

function decodeLiterals(data: Uint8Array, at: number, end: number, st: FrameState): [Uint8Array, number] {
  const b0 = data[at]!;
  const type = b0 & 3;
  const sizeFormat = (b0 >>> 2) & 3;
  if (type < 2) {
    let regen: number;
    let header: number;
    if ((sizeFormat & 1) === 0) {
      regen = b0 >>> 3;
      header = 1;
    } else if (sizeFormat === 1) {
      regen = (b0 >>> 4) + (data[at + 1]! << 4);
      header = 2;
    } else {
      regen = (b0 >>> 4) + (data[at + 1]! << 4) + (data[at + 2]! << 12);
      header = 3;
    }
    if (type === 0) {
      if (at + header + regen > end) corrupt('raw literals run past the block');
      return [data.subarray(at + header, at + header + regen), header + regen];
    }
    return [new Uint8Array(regen).fill(data[at + header]!), header + 1];
  }
  let regen: number;
  let compressed: number;
  let header: number;
  const b1 = data[at + 1]!;
  const b2 = data[at + 2]!;
  if (sizeFormat < 2) {
    regen = (b0 >>> 4) | ((b1 & 0x3f) << 4);
    compressed = (b1 >>> 6) | (b2 << 2);
    header = 3;
  } else if (sizeFormat === 2) {
    const b3 = data[at + 3]!;
    regen = (b0 >>> 4) | (b1 << 4) | ((b2 & 3) << 12);
    compressed = (b2 >>> 2) | (b3 << 6);
    header = 4;
  } else {
    const b3 = data[at + 3]!;
    const b4 = data[at + 4]!;
    regen = (b0 >>> 4) | (b1 << 4) | ((b2 & 0x3f) << 12);
    compressed = (b2 >>> 6) | (b3 << 2) | (b4 << 10);
    header = 5;
  }
  const streams = sizeFormat === 0 ? 1 : 4;
  let p = at + header;
  const sectionEnd = p + compressed;
  if (sectionEnd > end) corrupt('compressed literals run past the block');
  if (type === 2) {
    const [table, used] = readHuffmanTree(data, p, sectionEnd);
    st.huffman = table;
    p += used;
  } else if (!st.huffman) {
    corrupt('treeless literals without a previous Huffman table');
  }
  const table = st.huffman!;
  const out = new Uint8Array(regen);
  if (streams === 1) {
    huffmanStream(table, data, p, sectionEnd, out, 0, regen);
  } else {
    const s1 = data[p]! | (data[p + 1]! << 8);
    const s2 = data[p + 2]! | (data[p + 3]! << 8);
    const s3 = data[p + 4]! | (data[p + 5]! << 8);
    const seg = Math.ceil(regen / 4);
    let q = p + 6;
    const bounds = [q, (q += s1), (q += s2), (q += s3), sectionEnd];
    if (q > sectionEnd) corrupt('Huffman jump table runs past its section');
    for (let i = 0; i < 4; i++) {
      huffmanStream(table, data, bounds[i]!, bounds[i + 1]!, out, Math.min(i * seg, regen), Math.min((i + 1) * seg, regen));
    }
  }
  return [out, header + compressed];
}

function readSequenceTable(
  mode: number, data: Uint8Array, at: number, end: number, previous: FseTable | null,
  fallback: FseTable, maxLog: number, maxSymbol: number, what: string,
): [FseTable, number] {
  switch (mode) {
    case 0: return [fallback, 0];
    case 1: return [rleTable(data[at]!), 1];
    case 2: return readFseTable(data, at, end, maxLog, maxSymbol);
    default:
      if (!previous) corrupt(`repeat mode for ${what} without a previous table`);
      return [previous!, 0];
  }
}

function decodeCompressedBlock(data: Uint8Array, at: number, end: number, st: FrameState, out: Output): void {
  const [literals, litBytes] = decodeLiterals(data, at, end, st);
  let p = at + litBytes;
  if (p > end) corrupt('literals section runs past the block');
  let count = p < end ? data[p++]! : 0;
  if (count === 255) {
    count = data[p]! + (data[p + 1]! << 8) + 0x7f00;
    p += 2;
  } else if (count >= 128) {
    count = ((count - 128) << 8) + data[p++]!;
  }
  if (count === 0) {
    out.append(literals, 0, literals.length);
    return;
  }
  const modes = data[p++]!;
  if (modes & 3) corrupt('reserved bits set in sequence compression modes');
  let used: number;
  [st.ll, used] = readSequenceTable(modes >>> 6, data, p, end, st.ll, LL_DEFAULT, 9, 35, 'literal lengths');
  p += used;
  [st.of, used] = readSequenceTable((modes >>> 4) & 3, data, p, end, st.of, OF_DEFAULT, 8, 31, 'offsets');
  p += used;
  [st.ml, used] = readSequenceTable((modes >>> 2) & 3, data, p, end, st.ml, ML_DEFAULT, 9, 52, 'match lengths');
  p += used;
  if (p > end) corrupt('sequence tables run past the block');

  const ll = st.ll!;
  const of = st.of!;
  const ml = st.ml!;
  const r = new BackwardBits(data, p, end);
  let sLL = r.read(ll.log);
  let sOF = r.read(of.log);
  let sML = r.read(ml.log);
  const rep = st.rep;
  let lit = 0;
  for (let i = 0; i < count; i++) {
    const ofCode = of.symbol[sOF]!;
    const mlCode = ml.symbol[sML]!;
    const llCode = ll.symbol[sLL]!;
    if (ofCode > 31 || mlCode > 52 || llCode > 35) corrupt('sequence code out of range');
    const offsetValue = 2 ** ofCode + r.read(ofCode);
    const matchLength = ML_BASE[mlCode]! + r.read(ML_BITS[mlCode]!);
    const literalLength = LL_BASE[llCode]! + r.read(LL_BITS[llCode]!);
    let offset: number;
    if (offsetValue > 3) {
      offset = offsetValue - 3;
      rep[2] = rep[1];
      rep[1] = rep[0];
      rep[0] = offset;
    } else {
      const idx = offsetValue - 1 + (literalLength === 0 ? 1 : 0);
      if (idx === 0) {
        offset = rep[0];
      } else {
        offset = idx === 3 ? rep[0] - 1 : rep[idx]!;
        if (offset === 0) corrupt('zero repeat offset');
        if (idx !== 1) rep[2] = rep[1];
        rep[1] = rep[0];
        rep[0] = offset;
      }
    }
    if (lit + literalLength > literals.length) corrupt('sequence uses more literals than decoded');
    out.append(literals, lit, lit + literalLength);
    lit += literalLength;
    out.match(offset, matchLength, st.frameStart);
    if (i + 1 < count) {
      sLL = ll.base[sLL]! + r.read(ll.bits[sLL]!);
      sML = ml.base[sML]! + r.read(ml.bits[sML]!);
      sOF = of.base[sOF]! + r.read(of.bits[sOF]!);
    }
  }
  if (r.pos !== 0) corrupt('sequence bit stream not consumed exactly');
  out.append(literals, lit, literals.length);
}

const ZSTD_MAGIC = 0xfd2fb528;

/** True when `data` starts with a zstd frame's magic number. */
export function isZstd(data: Uint8Array): boolean {
  return data.length >= 4 && (data[0]! | (data[1]! << 8) | (data[2]! << 16) | (data[3]! << 24)) >>> 0 === ZSTD_MAGIC;
}

/**
 * Decompresses every frame in `data` (concatenated frames are joined; skippable frames skipped).
 * `sizeHint` preallocates the output when the caller knows the decompressed size.
 * @throws ZstdError on malformed input.
 */
export function zstdDecompress(data: Uint8Array, sizeHint = 0): Uint8Array {
  const out = new Output(sizeHint || data.length * 4);
  let p = 0;
  const u32 = (at: number): number => (data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24)) >>> 0;
  while (p < data.length) {
    if (p + 4 > data.length) corrupt('truncated frame header');
    const magic = u32(p);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      p += 8 + u32(p + 4);
      continue;
    }
    if (magic !== ZSTD_MAGIC) corrupt(`bad magic 0x${magic.toString(16)}`);
    const fhd = data[p + 4]!;
    p += 5;
    if (fhd & 0x08) corrupt('reserved bit set in frame header');
    const single = (fhd >>> 5) & 1;
    const checksum = (fhd >>> 2) & 1;
    const didFlag = fhd & 3;
    const fcsFlag = fhd >>> 6;
    if (!single) p++; // window descriptor: the output buffer is unbounded, so the window size does not matter
    if (didFlag) {
      const dictId = didFlag === 1 ? data[p]! : didFlag === 2 ? data[p]! | (data[p + 1]! << 8) : u32(p);
      if (dictId !== 0) corrupt('frames that need a dictionary are not supported');
      p += didFlag === 3 ? 4 : didFlag;
    }
    p += fcsFlag === 0 ? single : 1 << fcsFlag;
    const st: FrameState = { huffman: null, ll: null, of: null, ml: null, rep: [1, 4, 8], frameStart: out.len };
    for (let last = 0; !last;) {
      if (p + 3 > data.length) corrupt('truncated block header');
      const h = data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16);
      p += 3;
      last = h & 1;
      const type = (h >>> 1) & 3;
      const size = h >>> 3;
      if (type === 0) {
        if (p + size > data.length) corrupt('truncated raw block');
        out.append(data, p, p + size);
        p += size;
      } else if (type === 1) {
        out.reserve(size);
        out.buf.fill(data[p]!, out.len, out.len + size);
        out.len += size;
        p += 1;
      } else if (type === 2) {
        if (p + size > data.length) corrupt('truncated compressed block');
        decodeCompressedBlock(data, p, p + size, st, out);
        p += size;
      } else {
        corrupt('reserved block type');
      }
    }
    if (checksum) p += 4;
  }
  return out.buf.subarray(0, out.len);
}
