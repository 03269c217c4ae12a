// Python's text-to-value conversions as the two XML-RPC parsers apply them: int(), float(),
// binascii.a2b_base64 and strptime('%Y%m%dT%H:%M:%S'). Pure; imports nothing.

/** What Python raises as ValueError/TypeError/binascii.Error; the decoders turn it into their error. */
export class PyValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PyValueError';
  }
}

// str.isspace() characters that int() and float() strip (the ASCII ones and Unicode spaces).
const SP = '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*';
const DIGITS = '[0-9](?:_?[0-9])*';
const INT_RE = new RegExp(`^${SP}([+-]?${DIGITS})${SP}$`);
const FLOAT_RE = new RegExp(`^${SP}([+-]?(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?)${SP}$`);
const FLOAT_SPECIAL_RE = new RegExp(`^${SP}([+-]?)(inf|infinity|nan)${SP}$`, 'i');

function show(text: string): string {
  return text.length > 40 ? `'${text.slice(0, 40)}...'` : `'${text}'`;
}

/** int(text) in base 10 (ASCII digits; values beyond 2^53 lose precision as JS numbers do). */
export function pyInt(text: string | null): number {
  if (text === null) throw new PyValueError('int() argument must be a string, not None');
  // Fast path: up to 15 plain digits, optionally after a minus sign.
  const len = text.length;
  if (len > 0 && len < 16) {
    const neg = text.charCodeAt(0) === 45;
    let i = neg ? 1 : 0;
    let v = 0;
    for (; i < len; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === len && len > (neg ? 1 : 0)) return neg && v !== 0 ? -v : v;
  }
  const m = INT_RE.exec(text);
  if (m === null) throw new PyValueError(`invalid literal for int() with base 10: ${show(text)}`);
  const n = Number((m[1] as string).replace(/_/g, ''));
  return n === 0 ? 0 : n;
}

/** float(text), including inf/infinity/nan in any case. */
export function pyFloat(text: string | null): number {
  if (text === null) throw new PyValueError('float() argument must be a string or a real number, not None');
  const m = FLOAT_RE.exec(text);
  if (m !== null) return Number((m[1] as string).replace(/_/g, ''));
  const s = FLOAT_SPECIAL_RE.exec(text);
  if (s === null) throw new PyValueError(`could not convert string to float: ${show(text)}`);
  const v = (s[2] as string).toLowerCase() === 'nan' ? NaN : Infinity;
  return s[1] === '-' ? -v : v;
}

const B64 = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  B64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
}

/**
 * binascii.a2b_base64 in its default (non-strict) mode: characters outside the alphabet are
 * skipped, a complete pad sequence ends the data, and a dangling quad is an error.
 */
export function pyBase64Decode(text: string): Buffer {
  const out = Buffer.allocUnsafe(Math.floor((text.length * 3) / 4) + 3);
  let n = 0;
  let quad = 0;
  let left = 0;
  let pads = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 61 /* = */) {
      if (quad >= 2 && quad + ++pads >= 4) return out.subarray(0, n);
      continue;
    }
    const v = c < 128 ? (B64[c] as number) : -1;
    if (v < 0) continue;
    pads = 0;
    switch (quad) {
      case 0: quad = 1; left = v; break;
      case 1: quad = 2; out[n++] = (left << 2) | (v >> 4); left = v & 0x0f; break;
      case 2: quad = 3; out[n++] = ((left << 4) | (v >> 2)) & 0xff; left = v & 0x03; break;
      default: quad = 0; out[n++] = ((left << 6) | v) & 0xff; left = 0; break;
    }
  }
  if (quad === 1) throw new PyValueError('Invalid base64-encoded string: number of data characters cannot be 1 more than a multiple of 4');
  if (quad !== 0) throw new PyValueError('Incorrect padding');
  return out.subarray(0, n);
}

// strptime's own patterns for %Y %m %d T %H : %M : %S (case-insensitive, whole string).
const DATETIME_RE = /^(\d\d\d\d)(1[0-2]|0[1-9]|[1-9])(3[01]|[12]\d|0[1-9]|[1-9]| [1-9])t(2[0-3]|[0-1]\d|\d):([0-5]\d|\d):(6[0-1]|[0-5]\d|\d)$/i;

/** datetime(*strptime(text, '%Y%m%dT%H:%M:%S')[:6]) succeeds; returns the text unchanged. */
export function pyDateTime(text: string | null): string {
  if (text === null) throw new PyValueError("strptime() argument 1 must be str, not None");
  const m = DATETIME_RE.exec(text);
  if (m === null) throw new PyValueError(`time data ${show(text)} does not match format '%Y%m%dT%H:%M:%S'`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number((m[3] as string).trim());
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
  if (year < 1 || day > days) throw new PyValueError('day is out of range for month');
  if (Number(m[6]) > 59) throw new PyValueError('second must be in 0..59');
  return text;
}
