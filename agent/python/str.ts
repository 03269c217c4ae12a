// CPython 3.11's whitespace of a str: str.isspace() (Objects/unicodectype.c _PyUnicode_IsWhitespace,
// the bidirectional types WS, B and S plus category Zs) and what strip()/rstrip() without an
// argument remove. JS's \s and trim() differ: they take U+FEFF and leave \x1c-\x1f and \x85.
// Pure; imports nothing.

/** The characters str.isspace() (and re's \s on a str) accepts, as a RegExp class body. */
const PY_SPACE_CLASS = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
/** A RegExp source fragment matching one Python whitespace character (use inside a RegExp). */
export const PY_SPACE = `[${PY_SPACE_CLASS}]`;
/** One character that is not Python whitespace. */
export const PY_NONSPACE = `[^${PY_SPACE_CLASS}]`;
const SPACE_RE = new RegExp(`^${PY_SPACE}$`);
const LEAD_RE = new RegExp(`^${PY_SPACE}+`);
const TRAIL_RE = new RegExp(`${PY_SPACE}+$`);

/** str.isspace() for one character. */
export function isPySpace(ch: string | undefined): boolean {
  return ch !== undefined && SPACE_RE.test(ch);
}

/** str.strip() without arguments. */
export function pyStrip(s: string): string {
  return s.replace(LEAD_RE, '').replace(TRAIL_RE, '');
}

/** str.rstrip() without arguments. */
export function pyRstrip(s: string): string {
  return s.replace(TRAIL_RE, '');
}
