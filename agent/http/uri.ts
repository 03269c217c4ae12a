// Request-URI handling as medusa does it: Python's urllib unquote, the query split, and the
// path part of split_uri. Pure; imports nothing.

/** Python's urllib.parse.unquote: %XX runs decoded as UTF-8 (bad bytes -> U+FFFD), stray '%' kept. */
export function unquote(text: string): string {
  if (!text.includes('%')) return text;
  // Only ASCII runs can hold escapes; other characters pass through untouched, as in Python.
  return text.replace(/[\x00-\x7f]+/g, (run) => {
    if (!run.includes('%')) return run;
    const bytes: number[] = [];
    for (let i = 0; i < run.length; i++) {
      const hex = run.slice(i + 1, i + 3);
      if (run[i] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(run.charCodeAt(i));
      }
    }
    return Buffer.from(bytes).toString('utf8');
  });
}

/**
 * The URI the handlers match on: the part before the last '?' is unquoted when it holds a '%'
 * (medusa's channel does this before choosing a handler), the query is kept as sent.
 */
export function decodeRequestUri(raw: string): string {
  const q = raw.lastIndexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  if (!path.includes('%')) return raw;
  return q < 0 ? unquote(path) : `${unquote(path)}?${raw.slice(q + 1)}`;
}

/** The path of medusa's split_uri: everything before the first ';', '?' or '#'. */
export function uriPath(uri: string): string {
  const m = /^[^;?#]*/.exec(uri);
  return m ? m[0] : '';
}
