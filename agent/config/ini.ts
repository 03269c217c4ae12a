// INI reading with the semantics of Python's RawConfigParser as supervisord configures it
// (inline ';'/'#' after whitespace, strict=False, [DEFAULT]); knows nothing about supervisord.
import { ConfigError } from './errors.js';
import { pyRepr } from '../python/repr.js';
import { isPySpace, PY_NONSPACE, PY_SPACE, pyRstrip, pyStrip } from '../python/str.js';
import { completeLines, decodeAsPython, lineOfOffset } from '../python/utf8.js';

/** One value with where it was (last) written. */
export interface IniEntry {
  readonly value: string;
  readonly file: string;
  readonly line: number;
}

interface RawEntry { parts: string[]; file: string; line: number }

const DEFAULT_SECTION = 'DEFAULT';
// Python's '.' is anything but '\n' and its '\s' is str.isspace(): JS's differ (\r, U+2028, U+FEFF...).
const SECTION_RE = /^\[([^\n]+)\]/;
const OPTION_RE = new RegExp(`^([^\\n]*?)${PY_SPACE}*([=:])${PY_SPACE}*([^\\n]*)$`);
const NONSPACE_RE = new RegExp(PY_NONSPACE);
const INLINE_PREFIXES = [';', '#'];
const FULL_LINE_PREFIXES = ['#', ';'];

/**
 * Where configparser cuts a line for a comment. The inline prefixes are searched in rounds: each
 * round moves every prefix to its next occurrence, and the first round in which some occurrence
 * sits at column 0 or after whitespace decides (its smallest such index), so in `b#c #d ;e` the
 * ';' wins (round 1) over the earlier ' #' (round 2). A line whose stripped text starts with a
 * prefix is a comment as a whole.
 */
export function commentStart(line: string): number | undefined {
  let start = Infinity;
  let live = new Map(INLINE_PREFIXES.map((p) => [p, -1]));
  while (start === Infinity && live.size > 0) {
    const next = new Map<string, number>();
    for (const [prefix, from] of live) {
      const index = line.indexOf(prefix, from + 1);
      if (index < 0) continue;
      next.set(prefix, index);
      if (index === 0 || isPySpace(line[index - 1])) start = Math.min(start, index);
    }
    live = next;
  }
  const stripped = pyStrip(line);
  if (FULL_LINE_PREFIXES.some((p) => stripped.startsWith(p))) start = 0;
  return start === Infinity ? undefined : start;
}

function splitLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map((l) => l + '\n');
  const last = lines.pop() ?? '\n';
  if (last !== '\n') lines.push(last.slice(0, -1));
  return lines;
}

export class IniParser {
  private readonly sectionMap = new Map<string, Map<string, IniEntry>>();
  private readonly defaultMap = new Map<string, IniEntry>();
  /** The file each section first appeared in, for sections first seen in an included file. */
  readonly sectionToFile = new Map<string, string>();
  /** The line of each section's first header in that file (for locating errors about a whole section). */
  readonly sectionToLine = new Map<string, number>();

  /** Merges one source into the parser; `source` is the name used in messages. */
  readString(text: string, source: string): void {
    const before = new Set(this.sectionMap.keys());
    const { sections: raw, headers } = this.parse(text, source);
    for (const [name, entries] of raw) {
      const target = name === DEFAULT_SECTION ? this.defaultMap : this.sectionFor(name);
      for (const [key, e] of entries) {
        target.set(key, { value: pyRstrip(e.parts.join('\n')), file: e.file, line: e.line });
      }
    }
    for (const name of this.sectionMap.keys()) {
      if (before.has(name)) continue;
      this.sectionToFile.set(name, source);
      this.sectionToLine.set(name, headers.get(name) ?? 0);
    }
  }

  /**
   * Merges a file's bytes, decoded strictly as Python's UTF-8 text reader does. On a bad byte the
   * lines Python parsed before reaching it can still fail first (a missing section header); else
   * the error is the UnicodeDecodeError text, located at the byte's line.
   */
  readBytes(bytes: Uint8Array, source: string): void {
    const decoded = decodeAsPython(bytes);
    if (decoded.failure === undefined) { this.readString(decoded.text, source); return; }
    const { message, offset, before } = decoded.failure;
    this.parse(completeLines(before), source, { partial: true });
    throw new ConfigError(message, { file: source, line: lineOfOffset(bytes, offset), byte: offset });
  }

  private sectionFor(name: string): Map<string, IniEntry> {
    let s = this.sectionMap.get(name);
    if (s === undefined) { s = new Map(); this.sectionMap.set(name, s); }
    return s;
  }

  /**
   * One file's lines into raw pieces; errors are collected and thrown at the end (not at all for a
   * partial text, which is cut short by a decoding error that wins over them).
   */
  private parse(text: string, source: string, opts: { partial?: boolean } = {}): {
    sections: Map<string, Map<string, RawEntry>>; headers: Map<string, number>; } {
    const out = new Map<string, Map<string, RawEntry>>();
    const headers = new Map<string, number>();
    let firstError: number | undefined;
    let cur: Map<string, RawEntry> | undefined;
    let opt: string | undefined;
    let indent = 0;
    const errors: string[] = [];
    splitLines(text).forEach((line, idx) => {
      const lineno = idx + 1;
      const cstart = commentStart(line);
      const value = pyStrip(cstart === undefined ? line : line.slice(0, cstart));
      if (!value) {
        if (cstart === undefined && cur !== undefined && opt) cur.get(opt)?.parts.push('');
        return;
      }
      const level = Math.max(line.search(NONSPACE_RE), 0);
      if (cur !== undefined && opt && level > indent) {
        cur.get(opt)?.parts.push(value);
        return;
      }
      indent = level;
      const header = SECTION_RE.exec(value);
      if (header) {
        const name = header[1] ?? '';
        if (!headers.has(name)) headers.set(name, lineno);
        cur = out.get(name) ?? new Map<string, RawEntry>();
        out.set(name, cur);
        opt = undefined;
        return;
      }
      if (cur === undefined) {
        throw new ConfigError(`File contains no section headers.\nfile: ${pyRepr(source)}, line: ${lineno}\n${pyRepr(line)}`,
          { file: source, line: lineno });
      }
      const m = OPTION_RE.exec(value);
      if (!m || !m[1]) {
        errors.push(`\n\t[line ${String(lineno).padStart(2)}]: ${pyRepr(line)}`);
        firstError ??= lineno;
        if (!m) return;
      }
      opt = pyRstrip(m[1] ?? '').toLowerCase();
      cur.set(opt, { parts: [pyStrip(m[3] ?? '')], file: source, line: lineno });
    });
    if (errors.length > 0 && !opts.partial) {
      throw new ConfigError(`Source contains parsing errors: ${pyRepr(source)}${errors.join('')}`, { file: source, line: firstError });
    }
    return { sections: out, headers };
  }

  /** Section names in first-seen order, without DEFAULT. */
  sections(): string[] {
    return [...this.sectionMap.keys()];
  }

  hasSection(section: string): boolean {
    return this.sectionMap.has(section);
  }

  /** The value of key in section, falling back to [DEFAULT]. */
  get(section: string, key: string): IniEntry | undefined {
    return this.sectionMap.get(section)?.get(key) ?? this.defaultMap.get(key);
  }

  /** Keys of a section: its own first, then inherited [DEFAULT] keys. */
  options(section: string): string[] {
    const own = [...(this.sectionMap.get(section)?.keys() ?? [])];
    return own.concat([...this.defaultMap.keys()].filter((k) => !own.includes(k)));
  }

  /** Key/value pairs of a section: [DEFAULT] order first, overridden by the section's own. */
  items(section: string): [string, IniEntry][] {
    const merged = new Map(this.defaultMap);
    for (const [k, v] of this.sectionMap.get(section) ?? []) merged.set(k, v);
    return [...merged];
  }

  set(section: string, key: string, entry: IniEntry): void {
    this.sectionFor(section).set(key, entry);
  }

  /** Textual %(here)s replacement in every section (inherited DEFAULT values get copied in). */
  expandHere(here: string): void {
    for (const section of this.sections()) {
      for (const [key, e] of this.items(section)) {
        if (e.value.includes('%(here)s')) this.set(section, key, { ...e, value: e.value.split('%(here)s').join(here) });
      }
    }
  }
}
