// Python built-in behaviours supervisord's messages depend on: repr() of a str, str.isspace() and
// strip(), int() parsing, and posixpath's split/dirname/join/normpath/abspath. Pure functions.

/** The characters Python's str.isspace() (and re's \s on str) accepts. */
const PY_SPACE_CLASS = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
/** A RegExp source fragment matching one Python whitespace character (use inside a RegExp). */
export const PY_SPACE = `[${PY_SPACE_CLASS}]`;
/** One character that is not Python whitespace. */
export const PY_NONSPACE = `[^${PY_SPACE_CLASS}]`;
const SPACE_RE = new RegExp(`^${PY_SPACE}$`);
const LEAD_RE = new RegExp(`^${PY_SPACE}+`);
const TRAIL_RE = new RegExp(`${PY_SPACE}+$`);

/** Python's str.isspace() for one character. */
export function isPySpace(ch: string | undefined): boolean {
  return ch !== undefined && SPACE_RE.test(ch);
}

/** Python's str.strip() without arguments (JS trim() differs: it strips U+FEFF, keeps \x1c-\x1f, \x85). */
export function pyStrip(s: string): string {
  return s.replace(LEAD_RE, '').replace(TRAIL_RE, '');
}

/** Python's str.rstrip() without arguments. */
export function pyRstrip(s: string): string {
  return s.replace(TRAIL_RE, '');
}

/** Characters str.isprintable() rejects (repr escapes them): other, separators, except ' '. */
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function escapeCode(code: number): string {
  if (code <= 0xff) return '\\x' + code.toString(16).padStart(2, '0');
  if (code <= 0xffff) return '\\u' + code.toString(16).padStart(4, '0');
  return '\\U' + code.toString(16).padStart(8, '0');
}

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
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) out += escapeCode(code);
    else out += ch;
  }
  return out + quote;
}

/** Python's ascii(): repr() with every non-ASCII character escaped. */
export function pyAscii(s: string): string {
  let out = '';
  for (const ch of pyRepr(s)) {
    const code = ch.codePointAt(0) ?? 0;
    out += code < 0x80 ? ch : escapeCode(code);
  }
  return out;
}

const DECIMAL_DIGIT = /^\p{Nd}$/u;

/** The value of a Unicode decimal digit: digits come in runs of ten, 0 to 9, so count back. */
function digitValue(code: number): number {
  let n = 0;
  while (DECIMAL_DIGIT.test(String.fromCodePoint(code - n - 1))) n++;
  return n % 10;
}

/**
 * What CPython's int() parses after its first pass: non-ASCII whitespace becomes ' ', non-ASCII
 * decimal digits (Arabic-Indic, fullwidth...) their ASCII digit, anything else non-ASCII '?'.
 */
function asciiForInt(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x7f) out += ch;
    else if (isPySpace(ch)) out += ' ';
    else if (DECIMAL_DIGIT.test(ch)) out += String(digitValue(code));
    else out += '?';
  }
  // int() then strips only ASCII whitespace (so '\x1c5' is rejected while '5\x85' is not).
  return out.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');
}

const DECIMAL = /^[+-]?[0-9]+(?:_[0-9]+)*$/;
const OCTAL = /^[+-]?(?:0[oO]_?)?[0-7]+(?:_[0-7]+)*$/;

/** Python int(s) for base 10; undefined when Python would raise ValueError. */
export function parsePyInt(s: string): number | undefined {
  const t = asciiForInt(s);
  if (!DECIMAL.test(t)) return undefined;
  return Number(t.replace(/_/g, '')) + 0; // + 0: int('-0') is 0, not -0
}

/** Python int(s, 8); undefined when Python would raise ValueError. */
export function parsePyOctal(s: string): number | undefined {
  const t = asciiForInt(s);
  if (!OCTAL.test(t)) return undefined;
  const neg = t.startsWith('-');
  const digits = t.replace(/^[+-]/, '').replace(/^0[oO]/, '').replace(/_/g, '');
  const n = parseInt(digits, 8);
  return neg ? 0 - n : n;
}

/** Python's message for a failed int(s). */
export function intErrorText(s: string): string {
  return `invalid literal for int() with base 10: ${pyRepr(s)}`;
}

/** posixpath.split: the head keeps everything before the last '/' (trailing slashes of it stripped unless all slashes). */
export function pySplit(p: string): [string, string] {
  const i = p.lastIndexOf('/') + 1;
  let head = p.slice(0, i);
  if (head && !/^\/+$/.test(head)) head = head.replace(/\/+$/, '');
  return [head, p.slice(i)];
}

/** posixpath.dirname: '/a/b/' gives '/a/b' (node's dirname gives '/a'), 'x' gives ''. */
export function pyDirname(p: string): string {
  return pySplit(p)[0];
}

/** posixpath.basename: '/a/b/' gives ''. */
export function pyBasename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** posixpath.join: no normalisation; an absolute part restarts the path. */
export function pyJoin(first: string, ...rest: string[]): string {
  let path = first;
  for (const b of rest) {
    if (b.startsWith('/')) path = b;
    else if (!path || path.endsWith('/')) path += b;
    else path += '/' + b;
  }
  return path;
}

/** posixpath.normpath: lexical; exactly two leading slashes are kept, as POSIX allows. */
export function pyNormpath(p: string): string {
  if (!p) return '.';
  const initial = p.startsWith('//') && !p.startsWith('///') ? 2 : p.startsWith('/') ? 1 : 0;
  const comps: string[] = [];
  for (const comp of p.split('/')) {
    if (comp === '' || comp === '.') continue;
    if (comp !== '..' || (!initial && comps.length === 0) || comps[comps.length - 1] === '..') comps.push(comp);
    else if (comps.length > 0) comps.pop();
  }
  return '/'.repeat(initial) + comps.join('/') || '.';
}

/** posixpath.abspath with an explicit working directory. */
export function pyAbspath(p: string, cwd: string): string {
  return pyNormpath(p.startsWith('/') ? p : pyJoin(cwd, p));
}
