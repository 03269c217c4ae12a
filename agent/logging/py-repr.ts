// Python-style repr() of strings and bytes, for main-log lines that supervisord builds with %r.
// Pure; imports nothing.

/** Python picks double quotes only when the text has a single quote and no double quote. */
function pickQuote(hasSingle: boolean, hasDouble: boolean): string {
  return hasSingle && !hasDouble ? '"' : "'";
}

const COMMON_ESCAPES: Readonly<Record<number, string>> = { 0x5c: '\\\\', 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r' };

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** repr(b'...') of a byte string: printable ASCII as is, \t \n \r \\ escaped, everything else as \xNN. */
export function pyBytesRepr(data: Buffer): string {
  const quote = pickQuote(data.includes(0x27), data.includes(0x22));
  let out = 'b' + quote;
  for (const byte of data) {
    const common = COMMON_ESCAPES[byte];
    if (common !== undefined) out += common;
    else if (byte === quote.charCodeAt(0)) out += '\\' + quote;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += '\\x' + hex2(byte);
  }
  return out + quote;
}

/** Close to Python's str.isprintable: control characters, DEL, C1 controls and a few format characters are not. */
function isPrintable(cp: number): boolean {
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp === 0xad) return false;
  if ((cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2060 && cp <= 0x2064)) return false;
  if ((cp >= 0xd800 && cp <= 0xdfff) || cp === 0xfeff) return false;
  return true;
}

/** repr('...') of a text string. */
export function pyStrRepr(text: string): string {
  const quote = pickQuote(text.includes("'"), text.includes('"'));
  let out = quote;
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    const common = COMMON_ESCAPES[cp];
    if (common !== undefined) out += common;
    else if (ch === quote) out += '\\' + quote;
    else if (isPrintable(cp)) out += ch;
    else if (cp <= 0xff) out += '\\x' + hex2(cp);
    else if (cp <= 0xffff) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + quote;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decode as Python's bytes.decode('utf-8') would, or null where Python would raise UnicodeDecodeError. */
export function decodeUtf8Strict(data: Buffer): string | null {
  try {
    return strictUtf8.decode(data);
  } catch {
    return null;
  }
}
