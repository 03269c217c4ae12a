// Python built-in behaviours supervisord's messages depend on: repr() of a str and int() parsing.
// Pure functions, no imports.

/** Python's repr() of a str: quote choice and escapes as CPython prints them. */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + quote;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0xad) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + quote;
}

/** Python's ascii(): repr() with every non-ASCII character escaped. */
export function pyAscii(s: string): string {
  let out = '';
  for (const ch of pyRepr(s)) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x80) out += ch;
    else if (code <= 0xff) out += '\\x' + code.toString(16).padStart(2, '0');
    else if (code <= 0xffff) out += '\\u' + code.toString(16).padStart(4, '0');
    else out += '\\U' + code.toString(16).padStart(8, '0');
  }
  return out;
}

const DECIMAL = /^[+-]?[0-9]+(?:_[0-9]+)*$/;
const OCTAL = /^[+-]?(?:0[oO]_?)?[0-7]+(?:_[0-7]+)*$/;

/** Python int(s) for base 10; undefined when Python would raise ValueError. */
export function parsePyInt(s: string): number | undefined {
  const t = s.trim();
  if (!DECIMAL.test(t)) return undefined;
  return Number(t.replace(/_/g, ''));
}

/** Python int(s, 8); undefined when Python would raise ValueError. */
export function parsePyOctal(s: string): number | undefined {
  const t = s.trim();
  if (!OCTAL.test(t)) return undefined;
  const neg = t.startsWith('-');
  const digits = t.replace(/^[+-]/, '').replace(/^0[oO]/, '').replace(/_/g, '');
  const n = parseInt(digits, 8);
  return neg ? -n : n;
}

/** Python's message for a failed int(s). */
export function intErrorText(s: string): string {
  return `invalid literal for int() with base 10: ${pyRepr(s)}`;
}
