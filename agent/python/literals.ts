// The conversions supervisord's request parser (supervisor/xmlrpc.py
// supervisor_xmlrpc_handler.unmarshallers) and xmlrpc.client's Unmarshaller apply to an element's
// text: int(), float() (numbers.ts), binascii.a2b_base64 (Modules/binascii.c) and
// datetime(*time.strptime(text, '%Y%m%dT%H:%M:%S')[:6]) (Lib/_strptime.py), each raising what
// Python raises as PyValueError, with Python's message. Pure; imports only its neighbours here.
import { intErrorText, parsePyFloat, parsePyInt } from './numbers.js';
import { pyStrRepr } from './repr.js';

/** What Python raises as ValueError/TypeError/binascii.Error; the decoders turn it into their error. */
export class PyValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PyValueError';
  }
}

/** int(text) in base 10 (values beyond 2^53 lose precision as JS numbers do). */
export function pyInt(text: string | null): number {
  if (text === null) throw new PyValueError("int() argument must be a string, a bytes-like object or a real number, not 'NoneType'");
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
  const n = parsePyInt(text);
  if (n === undefined) throw new PyValueError(intErrorText(text));
  return n;
}

/** float(text), including inf/infinity/nan in any case. */
export function pyFloat(text: string | null): number {
  if (text === null) throw new PyValueError("float() argument must be a string or a real number, not 'NoneType'");
  const n = parsePyFloat(text);
  if (n === undefined) throw new PyValueError(`could not convert string to float: ${pyStrRepr(text)}`);
  return n;
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
  if (text === null) throw new PyValueError("strptime() argument 0 must be str, not <class 'NoneType'>");
  const m = DATETIME_RE.exec(text);
  if (m === null) throw new PyValueError(`time data ${pyStrRepr(text)} does not match format '%Y%m%dT%H:%M:%S'`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number((m[3] as string).trim());
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
  if (year < 1 || day > days) throw new PyValueError('day is out of range for month');
  if (Number(m[6]) > 59) throw new PyValueError('second must be in 0..59');
  return text;
}
