// POSIX shell-like word splitting with the semantics of Python's shlex.split(s) (comments off),
// which supervisord applies to command= (Lib/shlex.py, posix mode, whitespace_split).

const WHITESPACE = ' \t\r\n';

/** Thrown with shlex's own texts: 'No closing quotation', 'No escaped character'. */
export class ShlexError extends Error {}

interface LexState {
  tokens: string[];
  token: string;
  quoted: boolean;
  /** ' ' between words, 'a' inside a word, a quote char inside quotes, '\\' after an escape. */
  mode: string;
  /** The mode to return to after an escaped character. */
  afterEscape: string;
}

function endToken(st: LexState): void {
  if (st.token !== '' || st.quoted) st.tokens.push(st.token);
  st.token = '';
  st.quoted = false;
}

function stepWord(st: LexState, ch: string): void {
  if (WHITESPACE.includes(ch)) {
    if (st.mode === 'a') endToken(st);
    st.mode = ' ';
  } else if (ch === '\\') {
    st.afterEscape = 'a';
    st.mode = '\\';
  } else if (ch === "'" || ch === '"') {
    st.quoted = true;
    st.mode = ch;
  } else {
    st.token += ch;
    st.mode = 'a';
  }
}

function stepQuoted(st: LexState, ch: string): void {
  if (ch === st.mode) {
    st.mode = 'a';
  } else if (st.mode === '"' && ch === '\\') {
    st.afterEscape = '"';
    st.mode = '\\';
  } else {
    st.token += ch;
  }
}

function stepEscaped(st: LexState, ch: string): void {
  // Inside double quotes a backslash only escapes the quote and itself; otherwise it is kept.
  if (st.afterEscape === '"' && ch !== '"' && ch !== '\\') st.token += '\\';
  st.token += ch;
  st.mode = st.afterEscape;
}

export function shlexSplit(s: string): string[] {
  const st: LexState = { tokens: [], token: '', quoted: false, mode: ' ', afterEscape: 'a' };
  for (const ch of s) {
    if (st.mode === ' ' || st.mode === 'a') stepWord(st, ch);
    else if (st.mode === '\\') stepEscaped(st, ch);
    else stepQuoted(st, ch);
  }
  if (st.mode === "'" || st.mode === '"') throw new ShlexError('No closing quotation');
  if (st.mode === '\\') throw new ShlexError('No escaped character');
  endToken(st);
  return st.tokens;
}
