// Splitting a command line the way Python's cmd.Cmd.parseline does: the command is the leading run
// of [A-Za-z0-9_], the argument the stripped rest; `?x` means `help x`. Pure.

export interface ParsedLine {
  /** null when the line has no command part at all (empty, or starting with '!'). */
  readonly cmd: string | null;
  readonly arg: string;
  /** The stripped line, as `*** Unknown syntax:` shows it. */
  readonly line: string;
}

/** Python's str.strip() with no argument: ASCII and Unicode whitespace. */
export function pyStrip(s: string): string {
  return s.replace(/^[\s\x1c-\x1f\x85]+|[\s\x1c-\x1f\x85]+$/gu, '');
}

/** Python's str.split() with no argument. */
export function pySplit(s: string): string[] {
  const t = pyStrip(s);
  return t === '' ? [] : t.split(/[\s\x1c-\x1f\x85]+/u);
}

export function parseLine(input: string): ParsedLine {
  let line = pyStrip(input);
  if (line === '') return { cmd: null, arg: '', line };
  if (line.startsWith('?')) line = 'help ' + line.slice(1);
  else if (line.startsWith('!')) return { cmd: null, arg: '', line };
  const m = /^[A-Za-z0-9_]*/.exec(line);
  const cmd = m?.[0] ?? '';
  return { cmd, arg: pyStrip(line.slice(cmd.length)), line };
}
