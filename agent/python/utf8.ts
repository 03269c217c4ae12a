// CPython 3.11's UTF-8 codec as supervisord meets it (Objects/stringlib/codecs.h utf8_decode,
// Objects/unicodeobject.c unicode_decode_utf8):
// - bytes.decode('utf-8'): strict, the text or a UnicodeDecodeError (child output, event payloads);
// - open(path) + configparser: io.TextIOWrapper (Modules/_io/textio.c) reads 8192-byte chunks and
//   decodes each one as it is needed, carrying an incomplete trailing sequence over to the next.
//   So UnicodeDecodeError's position is counted from the start of the carried-over bytes of the
//   failing chunk, not from the file start, and the lines wholly decoded before that chunk are
//   parsed (and can fail) first.
// Pure; imports nothing.

/** TextIOWrapper's _CHUNK_SIZE (readline asks the buffer for this much each time). */
const CHUNK = 8192;

export interface DecodeFailure {
  /** str() of Python's UnicodeDecodeError. */
  readonly message: string;
  /** Offset of the first offending byte in the file. */
  readonly offset: number;
  /** The text Python decoded before it reached the failing chunk. */
  readonly before: string;
}

export type Decoded = { readonly text: string; readonly failure?: undefined }
  | { readonly text?: undefined; readonly failure: DecodeFailure };

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

interface Bad { readonly start: number; readonly end: number; readonly reason: string }

/** The allowed range of the byte after a lead byte (CPython rejects overlongs and surrogates there). */
function secondRange(lead: number): [number, number] {
  if (lead === 0xe0) return [0xa0, 0xbf];
  if (lead === 0xed) return [0x80, 0x9f];
  if (lead === 0xf0) return [0x90, 0xbf];
  if (lead === 0xf4) return [0x80, 0x8f];
  return [0x80, 0xbf];
}

/**
 * CPython's UTF-8 decoder over one decode() call: the first bad sequence (maximal-subpart rule),
 * or how many bytes it consumed, keeping an incomplete valid prefix at the end unless final.
 */
function scan(data: Uint8Array, final: boolean): { bad?: Bad; consumed: number } {
  let i = 0;
  while (i < data.length) {
    const lead = data[i] ?? 0;
    if (lead < 0x80) { i++; continue; }
    if (lead < 0xc2 || lead > 0xf4) return { bad: { start: i, end: i + 1, reason: 'invalid start byte' }, consumed: i };
    const need = lead < 0xe0 ? 1 : lead < 0xf0 ? 2 : 3;
    for (let k = 1; k <= need; k++) {
      if (i + k >= data.length) {
        if (final) return { bad: { start: i, end: data.length, reason: 'unexpected end of data' }, consumed: i };
        return { consumed: i };
      }
      const byte = data[i + k] ?? 0;
      const [lo, hi] = k === 1 ? secondRange(lead) : [0x80, 0xbf];
      // (quirk) CPython only checks for a surrogate (0xED 0xA0..0xBF) once the third byte is there or
      // the decode is final: an incomplete one at the end of a chunk is carried over unchecked.
      if (lead === 0xed && k === 1 && byte >= 0xa0 && byte <= 0xbf && i + 2 >= data.length && !final) {
        return { consumed: i };
      }
      if (byte < lo || byte > hi) return { bad: { start: i, end: i + k, reason: 'invalid continuation byte' }, consumed: i };
    }
    i += need + 1;
  }
  return { consumed: i };
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** UnicodeDecodeError.__str__ for the utf-8 codec. */
function decodeErrorText(data: Uint8Array, bad: Bad): string {
  if (bad.end === bad.start + 1) {
    return `'utf-8' codec can't decode byte 0x${hex2(data[bad.start] ?? 0)} in position ${bad.start}: ${bad.reason}`;
  }
  return `'utf-8' codec can't decode bytes in position ${bad.start}-${bad.end - 1}: ${bad.reason}`;
}

/** The file's text (BOM kept, as the utf-8 codec keeps it), or where and how Python's decoding fails. */
export function decodeAsPython(bytes: Uint8Array): Decoded {
  try { return { text: strict.decode(bytes) }; } catch { /* locate the error as Python would */ }
  let carried = 0;
  for (let read = 0; ; read = Math.min(read + CHUNK, bytes.length)) {
    // Each decode() gets the carried-over bytes plus the next chunk; at the end, an empty read.
    const final = read >= bytes.length;
    const dataStart = read - carried;
    const data = bytes.subarray(dataStart, Math.min(read + CHUNK, bytes.length));
    const r = scan(data, final);
    if (r.bad !== undefined) {
      return { failure: { message: decodeErrorText(data, r.bad), offset: dataStart + r.bad.start,
        before: strict.decode(bytes.subarray(0, dataStart)) } };
    }
    carried = data.length - r.consumed;
    if (final) break;
  }
  return { text: lenient.decode(bytes) };
}

/**
 * The lines readline() hands out before it must decode more: those whose line end is already
 * decoded. A trailing '\r' is held back (it may be the start of '\r\n').
 */
export function completeLines(before: string): string {
  const text = before.endsWith('\r') ? before.slice(0, -1) : before;
  return text.slice(0, Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r')) + 1);
}

/** 1-based line number (universal newlines) of a byte offset, for the location of a decode error. */
export function lineOfOffset(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x0a || (b === 0x0d && bytes[i + 1] !== 0x0a)) line++;
  }
  return line;
}

/** bytes.decode('utf-8'), or null where Python raises UnicodeDecodeError. */
export function decodeUtf8Strict(data: Uint8Array): string | null {
  try {
    return strict.decode(data);
  } catch {
    return null;
  }
}
