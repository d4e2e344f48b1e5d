/**
 * C `printf` formatting for `vprintf` calls from kernels (CUDA device printf), following glibc:
 * flags `-+ #0`, `*` widths and precisions, length modifiers `hh h l ll j z t L`, conversions
 * `d i u o x X c s p f F e E g G a A %` (`n` is ignored). Floating-point conversions are exact:
 * digits come from the exact binary value and round half to even, as glibc does
 * (`printf("%.0f", 2.5)` is `2`, `%.2f` of 0.125 is `0.12`). `%p` prints `0x…` (`(nil)` for null),
 * `%s` of a null pointer prints `(null)`.
 *
 * Arguments come from the argument buffer nvcc builds: each at the next offset aligned to its
 * size, integers of `int` size or smaller as 4 bytes, `long`/`long long`/pointers as 8, every
 * floating-point value promoted to `double` (8 bytes).
 * @module
 */

/** Reads the argument buffer: the next argument of `bytes` bytes (4 or 8). */
export interface PrintfArguments {
  /** The next 4- or 8-byte integer argument, as an unsigned bigint of that width. */
  int(bytes: 4 | 8): bigint;
  /** The next double argument. */
  double(): number;
  /** The NUL-terminated string at a device address. */
  string(address: number): string;
}

/** A spec's parsed parts. */
interface Spec {
  flags: string;
  width: number | null;
  precision: number | null;
  length: string;
  conversion: string;
}

const SPEC = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?(hh|h|ll|l|j|z|t|L|q)?([diouxXcspfFeEgGaAn%])/y;

/**
 * Formats `format` with the arguments `args` yields. Returns the text and the number of arguments
 * consumed (what vprintf returns on the GPU).
 */
export function formatPrintf(format: string, args: PrintfArguments): { text: string; count: number } {
  let out = '';
  let count = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    SPEC.lastIndex = pct;
    const m = SPEC.exec(format);
    if (m === null) {
      // Not a valid conversion: printed as written (glibc prints the rest literally).
      out += format.slice(pct);
      break;
    }
    i = SPEC.lastIndex;
    const spec: Spec = { flags: m[1] ?? '', width: null, precision: null, length: m[4] ?? '', conversion: m[5]! };
    if (spec.conversion === '%') {
      out += '%';
      continue;
    }
    if (m[2] === '*') {
      const w = Number(BigInt.asIntN(32, args.int(4)));
      count++;
      if (w < 0) {
        spec.flags += '-';
        spec.width = -w;
      } else spec.width = w;
    } else if (m[2] !== undefined) spec.width = Number(m[2]);
    if (m[3] === '*') {
      const p = Number(BigInt.asIntN(32, args.int(4)));
      count++;
      spec.precision = p < 0 ? null : p;
    } else if (m[3] !== undefined) spec.precision = m[3] === '' ? 0 : Number(m[3]);
    if (spec.conversion === 'n') continue;
    count++;
    out += convert(spec, args);
  }
  return { text: out, count };
}

function intBytes(length: string): 4 | 8 {
  return length === 'l' || length === 'll' || length === 'j' || length === 'z' || length === 't' || length === 'q' || length === 'L' ? 8 : 4;
}

function convert(spec: Spec, args: PrintfArguments): string {
  switch (spec.conversion) {
    case 'd': case 'i': {
      const bytes = intBytes(spec.length);
      let v = BigInt.asIntN(bytes * 8, args.int(bytes));
      if (spec.length === 'hh') v = BigInt.asIntN(8, v);
      else if (spec.length === 'h') v = BigInt.asIntN(16, v);
      return integer(spec, v < 0n ? -v : v, v < 0n, 10, false);
    }
    case 'u': case 'o': case 'x': case 'X': {
      const bytes = intBytes(spec.length);
      let v = BigInt.asUintN(bytes * 8, args.int(bytes));
      if (spec.length === 'hh') v = BigInt.asUintN(8, v);
      else if (spec.length === 'h') v = BigInt.asUintN(16, v);
      const base = spec.conversion === 'u' ? 10 : spec.conversion === 'o' ? 8 : 16;
      return integer(spec, v, false, base, spec.conversion === 'X');
    }
    case 'c': {
      const v = Number(args.int(4) & 0xffn);
      return pad(spec, String.fromCharCode(v), false);
    }
    case 's': {
      const p = Number(args.int(8));
      let s = p === 0 ? '(null)' : args.string(p);
      if (spec.precision !== null) s = p === 0 && spec.precision < 6 ? '' : s.slice(0, spec.precision);
      return pad(spec, s, false);
    }
    case 'p': {
      const p = args.int(8);
      return pad(spec, p === 0n ? '(nil)' : `0x${p.toString(16)}`, false);
    }
    default:
      return float(spec, args.double());
  }
}

/** Pads `body` to the width (left, or with zeros after the sign/prefix when `zeroable`). */
function pad(spec: Spec, body: string, zeroable: boolean, prefix = ''): string {
  const width = spec.width ?? 0;
  const len = prefix.length + body.length;
  if (len >= width) return prefix + body;
  if (spec.flags.includes('-')) return prefix + body + ' '.repeat(width - len);
  if (zeroable && spec.flags.includes('0')) return prefix + '0'.repeat(width - len) + body;
  return ' '.repeat(width - len) + prefix + body;
}

function signPrefix(spec: Spec, negative: boolean): string {
  if (negative) return '-';
  if (spec.flags.includes('+')) return '+';
  if (spec.flags.includes(' ')) return ' ';
  return '';
}

function integer(spec: Spec, magnitude: bigint, negative: boolean, base: number, upper: boolean): string {
  let digits = magnitude.toString(base);
  if (upper) digits = digits.toUpperCase();
  if (spec.precision !== null) {
    if (spec.precision === 0 && magnitude === 0n) digits = '';
    if (digits.length < spec.precision) digits = '0'.repeat(spec.precision - digits.length) + digits;
  }
  let prefix = base === 10 ? signPrefix(spec, negative) : '';
  if (spec.flags.includes('#')) {
    if (base === 8 && !digits.startsWith('0')) digits = '0' + digits;
    if (base === 16 && magnitude !== 0n) prefix = upper ? '0X' : '0x';
  }
  return pad(spec, digits, spec.precision === null, prefix);
}

// ---- Floating point ------------------------------------------------------------------------------

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

/**
 * The exact decimal expansion of |x| (finite): digits without leading zeros ("0" for zero) and
 * the position of the decimal point (value = 0.d₁d₂… × 10^point).
 */
export function exactDecimal(x: number): { digits: string; point: number } {
  F64[0] = Math.abs(x);
  const bits = U64[0]!;
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  if (mant === 0n) return { digits: '0', point: 1 };
  let digits: string;
  let point: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    point = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-exp)).toString();
    point = digits.length + exp;
  }
  const trimmed = digits.replace(/0+$/, '');
  return { digits: trimmed === '' ? '0' : trimmed, point };
}

/**
 * Rounds the digit string to `keep` digits (half to even on the exact value); returns the new
 * digits (exactly `keep` of them, or `keep + 1` after a carry out of the top) and whether a carry
 * added a leading digit.
 */
function roundDigits(digits: string, keep: number): { digits: string; carried: boolean } {
  if (keep < 0) return { digits: '', carried: false };
  if (digits.length <= keep) return { digits: digits + '0'.repeat(keep - digits.length), carried: false };
  const head = digits.slice(0, keep);
  const next = digits.charCodeAt(keep) - 48;
  const rest = digits.slice(keep + 1);
  let up = next > 5 || (next === 5 && /[1-9]/.test(rest));
  if (next === 5 && !up && !/[1-9]/.test(rest)) {
    const last = keep > 0 ? head.charCodeAt(keep - 1) - 48 : 0;
    up = last % 2 === 1;
  }
  if (!up) return { digits: head, carried: false };
  const arr = head.split('').map(Number);
  let k = arr.length - 1;
  while (k >= 0) {
    if (arr[k]! < 9) {
      arr[k]!++;
      return { digits: arr.join(''), carried: false };
    }
    arr[k] = 0;
    k--;
  }
  return { digits: '1' + arr.join(''), carried: true };
}

/** %f digits: integer part and `prec` fraction digits of |x|. */
function fixed(x: number, prec: number): { int: string; frac: string } {
  const { digits, point } = exactDecimal(x);
  const keep = point + prec;
  if (keep < 0) return { int: '0', frac: '0'.repeat(prec) };
  let { digits: d, carried } = roundDigits(digits, keep);
  let p = point;
  if (carried) p++;
  if (d === '') d = '0'.repeat(Math.max(keep, 0));
  // d holds digits from the first significant one; pad on the left to reach the point.
  if (p <= 0) {
    d = '0'.repeat(1 - p) + d;
    p = 1;
  }
  const int = d.slice(0, p).replace(/^0+(?=\d)/, '') || '0';
  const frac = d.slice(p).padEnd(prec, '0');
  return { int, frac };
}

/** %e digits: `prec + 1` significant digits of |x| and the decimal exponent. */
function scientific(x: number, prec: number): { digits: string; exp: number } {
  if (x === 0) return { digits: '0'.repeat(prec + 1), exp: 0 };
  const { digits, point } = exactDecimal(x);
  const r = roundDigits(digits, prec + 1);
  let exp = point - 1;
  let d = r.digits;
  if (r.carried) {
    exp++;
    d = d.slice(0, prec + 1);
  }
  return { digits: d, exp };
}

function expText(exp: number, upper: boolean): string {
  const a = Math.abs(exp);
  return `${upper ? 'E' : 'e'}${exp < 0 ? '-' : '+'}${a < 10 ? '0' : ''}${a}`;
}

function float(spec: Spec, x: number): string {
  const c = spec.conversion;
  const upper = c === 'F' || c === 'E' || c === 'G' || c === 'A';
  const negative = x < 0 || (x === 0 && 1 / x < 0) || (x !== x && signOfNaN(x));
  const sign = signPrefix(spec, negative);
  if (x !== x || x === Infinity || x === -Infinity) {
    const word = x !== x ? 'nan' : 'inf';
    return pad(spec, upper ? word.toUpperCase() : word, false, sign);
  }
  const alt = spec.flags.includes('#');
  const ax = Math.abs(x);
  let body: string;
  switch (c) {
    case 'f': case 'F': {
      const prec = spec.precision ?? 6;
      const { int, frac } = fixed(ax, prec);
      body = prec > 0 || alt ? `${int}.${frac}` : int;
      break;
    }
    case 'e': case 'E': {
      const prec = spec.precision ?? 6;
      const { digits, exp } = scientific(ax, prec);
      body = `${digits[0]}${prec > 0 || alt ? '.' : ''}${digits.slice(1)}${expText(exp, upper)}`;
      break;
    }
    case 'g': case 'G': {
      let p = spec.precision ?? 6;
      if (p === 0) p = 1;
      const { exp } = scientific(ax, p - 1);
      if (p > exp && exp >= -4) {
        const { int, frac } = fixed(ax, p - 1 - exp);
        let f = frac;
        if (!alt) f = f.replace(/0+$/, '');
        body = f.length > 0 || alt ? `${int}.${f}` : int;
      } else {
        const s = scientific(ax, p - 1);
        let f = s.digits.slice(1);
        if (!alt) f = f.replace(/0+$/, '');
        body = `${s.digits[0]}${f.length > 0 || alt ? '.' : ''}${f}${expText(s.exp, upper)}`;
      }
      break;
    }
    default:
      body = hexFloat(ax, spec.precision, upper, alt);
  }
  return pad(spec, body, true, sign);
}

function signOfNaN(x: number): boolean {
  F64[0] = x;
  return (U64[0]! >> 63n) === 1n;
}

/** %a: 0x1.hhhp±d (subnormals as 0x0.hhhp-1022), glibc style. */
function hexFloat(ax: number, precision: number | null, upper: boolean, alt: boolean): string {
  F64[0] = ax;
  const bits = U64[0]!;
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let lead = biased === 0 ? 0n : 1n;
  let exp = ax === 0 ? 0 : biased === 0 ? -1022 : biased - 1023;
  let hex = mant.toString(16).padStart(13, '0');
  if (precision === null) {
    hex = hex.replace(/0+$/, '');
  } else if (precision < 13) {
    // Round the 52-bit fraction to 4·precision bits, half to even.
    const drop = BigInt(52 - 4 * precision);
    const full = (lead << 52n) | mant;
    const half = 1n << (drop - 1n);
    const rem = full & ((1n << drop) - 1n);
    let q = full >> drop;
    if (rem > half || (rem === half && (q & 1n) === 1n)) q++;
    lead = q >> BigInt(4 * precision);
    mant = q & ((1n << BigInt(4 * precision)) - 1n);
    if (lead > 1n) {
      lead = 1n;
      exp++;
    }
    hex = precision === 0 ? '' : mant.toString(16).padStart(precision, '0');
  } else {
    hex = hex.padEnd(precision, '0');
  }
  const text = `0x${lead}${hex.length > 0 || alt ? '.' : ''}${hex}p${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
  return upper ? text.toUpperCase() : text;
}
