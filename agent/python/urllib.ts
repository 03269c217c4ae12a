// CPython 3.11's urllib.parse.quote() (Lib/urllib/parse.py), which supervisord's web UI applies to
// process names in its URLs. Pure; imports nothing.

/** urllib.parse.quote(text) with its default safe='/': UTF-8 bytes, %XX upper case, `A-Za-z0-9_.-~/` kept. */
export function pyQuote(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.\-~/]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
