// CPython 3.11's int(s), int(s, 8) and float(s) of a str, as supervisord's config datatypes and
// both XML-RPC unmarshallers apply them. Both first run _PyUnicode_TransformDecimalAndSpaceToASCII
// (Objects/unicodeobject.c): non-ASCII whitespace becomes ' ', a non-ASCII decimal digit
// (Arabic-Indic, fullwidth...) its ASCII digit, anything else non-ASCII '?'; then they strip ASCII
// whitespace only (Objects/longobject.c PyLong_FromString, Objects/floatobject.c
// float_from_string_inner), so '5\x85' is 5 while '\x1c5' is an error. Underscores are allowed
// between digits (Python/pystrtod.c _Py_string_to_number_with_underscores).
// Pure; imports only its neighbours here.
import { pyStrRepr } from './repr.js';
import { isPySpace } from './str.js';
import { ASSIGNED_AFTER_PYTHON_CLASS } from './unicode-data.js';

/** A decimal digit for CPython's Unicode (digits added since are unassigned there). */
const DECIMAL_DIGIT = new RegExp(`^(?![${ASSIGNED_AFTER_PYTHON_CLASS}])\\p{Nd}$`, 'u');

/** The value of a Unicode decimal digit: digits come in runs of ten, 0 to 9, so count back. */
function digitValue(code: number): number {
  let n = 0;
  while (DECIMAL_DIGIT.test(String.fromCodePoint(code - n - 1))) n++;
  return n % 10;
}

/** _PyUnicode_TransformDecimalAndSpaceToASCII, then the strip of ASCII whitespace. */
function toAsciiNumber(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x7f) out += ch;
    else if (isPySpace(ch)) out += ' ';
    else if (DECIMAL_DIGIT.test(ch)) out += String(digitValue(code));
    else out += '?';
  }
  return out.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');
}

const DIGITS = '[0-9](?:_?[0-9])*';
const DECIMAL = new RegExp(`^[+-]?${DIGITS}$`);
const OCTAL = /^[+-]?(?:0[oO]_?)?[0-7]+(?:_[0-7]+)*$/;
const FLOAT = new RegExp(`^[+-]?(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?$`);
/** Python/pystrtod.c _Py_parse_inf_or_nan: any case, optional sign. */
const FLOAT_SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

/** int(s) in base 10 (values beyond 2^53 lose precision, as JS numbers do); undefined where Python raises ValueError. */
export function parsePyInt(s: string): number | undefined {
  const t = toAsciiNumber(s);
  if (!DECIMAL.test(t)) return undefined;
  return Number(t.replace(/_/g, '')) + 0; // + 0: int('-0') is 0, not -0
}

/** str() of the ValueError of a failed int(s): the repr cut at 200 characters ('%.200R'). */
export function intErrorText(s: string): string {
  return `invalid literal for int() with base 10: ${[...pyStrRepr(s)].slice(0, 200).join('')}`;
}

/** int(s, 8); undefined where Python raises ValueError. */
export function parsePyOctal(s: string): number | undefined {
  const t = toAsciiNumber(s);
  if (!OCTAL.test(t)) return undefined;
  const neg = t.startsWith('-');
  const digits = t.replace(/^[+-]/, '').replace(/^0[oO]/, '').replace(/_/g, '');
  const n = parseInt(digits, 8);
  return neg ? 0 - n : n;
}

/** float(s), inf/infinity/nan in any case included; undefined where Python raises ValueError. */
export function parsePyFloat(s: string): number | undefined {
  const t = toAsciiNumber(s);
  if (FLOAT.test(t)) return Number(t.replace(/_/g, ''));
  const special = FLOAT_SPECIAL.exec(t);
  if (special === null) return undefined;
  const v = (special[2] as string).toLowerCase() === 'nan' ? NaN : Infinity;
  return special[1] === '-' ? -v : v;
}
