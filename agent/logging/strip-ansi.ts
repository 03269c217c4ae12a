// Removes ANSI escape sequences from child output (`strip_ansi`), byte for byte as supervisord does.
// Imports only node built-ins.

const ESC = 0x1b;
const BRACKET = 0x5b;
// A sequence ends at the first of these bytes after `ESC [` (H f A B C D R s u J K h l p m); anything
// else in between, digits, ';' or other bytes, is dropped with it.
const TERMINATORS = new Set(Array.from('HfABCDRsuJKhlpm', (c) => c.charCodeAt(0)));

/** Drops every `ESC [ … <terminator>` run; an unterminated sequence swallows the rest of the chunk. */
export function stripAnsi(data: Buffer): Buffer {
  const kept: Buffer[] = [];
  let i = 0;
  while (i < data.length) {
    const start = indexOfEscape(data, i);
    if (start === -1) {
      kept.push(data.subarray(i));
      break;
    }
    kept.push(data.subarray(i, start));
    // Scanning resumes after the '[' so that '[' itself can never end the sequence.
    let j = start + 2;
    while (j < data.length && !TERMINATORS.has(data[j] as number)) j++;
    i = j + 1;
  }
  return kept.length === 1 ? (kept[0] as Buffer) : Buffer.concat(kept);
}

function indexOfEscape(data: Buffer, from: number): number {
  let at = data.indexOf(ESC, from);
  while (at !== -1 && data[at + 1] !== BRACKET) at = data.indexOf(ESC, at + 1);
  return at;
}
