// environment= values: KEY=VAL,KEY2="v, 2" tokenised like Python's non-POSIX shlex (word chars
// plus '/.+-():', '#' comments, quotes kept then stripped), consumed as KEY '=' VALUE + one separator.
import { ValueError } from './errors.js';

const WORD = /[A-Za-z0-9_/.+\-():]/;
const SPACE = ' \t\r\n';
const QUOTES = '\'"';

/** Skips the rest of the line after a '#', the newline included. */
function skipComment(s: string, i: number): number {
  const nl = s.indexOf('\n', i);
  return nl < 0 ? s.length : nl + 1;
}

/** Tokens as shlex.shlex(s) in non-POSIX mode yields them. */
export function shlexTokens(s: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i] ?? '';
    if (SPACE.includes(ch)) { i++; continue; }
    if (ch === '#') { i = skipComment(s, i + 1); continue; }
    if (QUOTES.includes(ch)) {
      const end = s.indexOf(ch, i + 1);
      if (end < 0) throw new ValueError('No closing quotation');
      tokens.push(s.slice(i, end + 1));
      i = end + 1;
      continue;
    }
    if (!WORD.test(ch)) { tokens.push(ch); i++; continue; }
    let token = '';
    while (i < s.length) {
      const c = s[i] ?? '';
      if (SPACE.includes(c)) break;
      if (c === '#') { i = skipComment(s, i + 1); continue; }
      if (!WORD.test(c) && !QUOTES.includes(c)) break;
      token += c;
      i++;
    }
    tokens.push(token);
  }
  return tokens;
}

function stripQuotes(v: string): string {
  return v.replace(/^['"]+/, '').replace(/['"]+$/, '');
}

/** supervisord's dict_of_key_value_pairs; entries keep first-seen key order, later values win. */
export function keyValuePairs(arg: string): Record<string, string> {
  const tokens = shlexTokens(arg);
  const out: Record<string, string> = {};
  for (let i = 0; i < tokens.length; i += 4) {
    const key = tokens[i];
    const value = tokens[i + 2];
    if (key === undefined || value === undefined || tokens[i + 1] !== '=') {
      throw new ValueError(`Unexpected end of key/value pairs in value '${arg}'`);
    }
    Object.defineProperty(out, key, { value: stripQuotes(value), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
