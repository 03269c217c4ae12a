// CPython 3.11's repr() and ascii(), for every message supervisord builds with %r or str() of a
// container: config errors, spawn errors, main-log lines, supervisorctl's fault texts. The one
// implementation in the agent; pure, imports only the Unicode version table.
//   str:   Objects/unicodeobject.c unicode_repr (escapes what str.isprintable() rejects)
//   bytes: Objects/bytesobject.c PyBytes_Repr
//   float: Objects/floatobject.c float_repr (PyOS_double_to_string(x, 'r', 0, Py_DTSF_ADD_DOT_0))
//   list, dict: Objects/listobject.c list_repr, Objects/dictobject.c dict_repr
import { ASSIGNED_AFTER_PYTHON_CLASS } from './unicode-data.js';

/**
 * A Python object as the agent holds one: str (string), bytes (Uint8Array), int (bigint, or a
 * number that is a safe integer other than -0), float (any other number: use pyFloatRepr for a
 * float with an integral value, 2.0), bool, None (null), list (array), dict (Map, or a plain
 * object with str keys, in insertion order).
 */
export type PyObject = string | number | bigint | boolean | null | Uint8Array | readonly PyObject[]
  | ReadonlyMap<PyObject, PyObject> | { readonly [key: string]: PyObject };

/**
 * What str.isprintable() rejects (Objects/unicodectype.c _PyUnicode_IsPrintable): the categories
 * Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs, and what CPython's Unicode still has as unassigned. ' ' is
 * the one printable separator, checked by the caller.
 */
const NON_PRINTABLE = new RegExp(`[\\p{Cc}\\p{Cf}\\p{Cs}\\p{Co}\\p{Cn}\\p{Zl}\\p{Zp}\\p{Zs}${ASSIGNED_AFTER_PYTHON_CLASS}]`, 'u');

/** str.isprintable() of one character (a code point; a lone surrogate is one too). */
export function pyIsPrintable(ch: string): boolean {
  return ch === ' ' || !NON_PRINTABLE.test(ch);
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

/** The escape unicode_repr writes for a character it does not print: \xNN, \uNNNN or \UNNNNNNNN. */
function escapeCode(code: number): string {
  if (code <= 0xff) return '\\x' + hex(code, 2);
  if (code <= 0xffff) return '\\u' + hex(code, 4);
  return '\\U' + hex(code, 8);
}

/** Single quotes, unless the text has a single quote and no double quote (both reprs choose so). */
function quoteFor(hasSingle: boolean, hasDouble: boolean): string {
  return hasSingle && !hasDouble ? '"' : "'";
}

/** repr() of a str. */
export function pyStrRepr(s: string): string {
  const quote = quoteFor(s.includes("'"), s.includes('"'));
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch < ' ' || ch === '\x7f') out += escapeCode(ch.charCodeAt(0));
    else if (ch < '\x7f' || pyIsPrintable(ch)) out += ch;
    else out += escapeCode(ch.codePointAt(0) ?? 0);
  }
  return out + quote;
}

/** ascii() of a str: its repr() with every non-ASCII character escaped as well. */
export function pyAscii(s: string): string {
  let out = '';
  for (const ch of pyStrRepr(s)) {
    const code = ch.codePointAt(0) ?? 0;
    out += code < 0x80 ? ch : escapeCode(code);
  }
  return out;
}

/** repr() of bytes: printable ASCII as is, \t \n \r \\ and the quote escaped, anything else \xNN. */
export function pyBytesRepr(data: Uint8Array): string {
  const quote = quoteFor(data.includes(0x27), data.includes(0x22));
  const q = quote.charCodeAt(0);
  let out = 'b' + quote;
  for (const byte of data) {
    if (byte === q || byte === 0x5c) out += '\\' + String.fromCharCode(byte);
    else if (byte === 0x09) out += '\\t';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x0d) out += '\\r';
    else if (byte < 0x20 || byte >= 0x7f) out += '\\x' + hex(byte, 2);
    else out += String.fromCharCode(byte);
  }
  return out + quote;
}

/**
 * repr() of a float: the shortest digits that round-trip (JS finds the same ones), fixed notation
 * unless the decimal point falls outside -4 < decpt <= 16, then d.ddde+XX with two exponent digits
 * at least (Python/pystrtod.c format_float_short).
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const [mantissa, exp] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const decpt = Number(exp) + 1;
  if (decpt <= -4 || decpt > 16) {
    const e = decpt - 1;
    return `${sign}${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

function isPlainObject(v: object): v is { readonly [key: string]: PyObject } {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** repr() of any PyObject (see the type for how JS values stand for Python's). */
export function pyRepr(v: PyObject): string {
  if (typeof v === 'string') return pyStrRepr(v);
  if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0) ? String(v) : pyFloatRepr(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null) return 'None';
  if (v instanceof Uint8Array) return pyBytesRepr(v);
  if (Array.isArray(v)) return `[${(v as readonly PyObject[]).map(pyRepr).join(', ')}]`;
  const entries: [PyObject, PyObject][] = v instanceof Map ? [...(v as ReadonlyMap<PyObject, PyObject>)]
    : isPlainObject(v) ? Object.entries(v) : [];
  return `{${entries.map(([k, item]) => `${pyRepr(k)}: ${pyRepr(item)}`).join(', ')}}`;
}
