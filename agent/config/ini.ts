// INI reading with the semantics of Python's RawConfigParser as supervisord configures it
// (inline ';'/'#' after whitespace, strict=False, [DEFAULT]); knows nothing about supervisord.
import { ConfigError } from './errors.js';
import { pyRepr } from './python.js';

/** One value with where it was (last) written. */
export interface IniEntry {
  readonly value: string;
  readonly file: string;
  readonly line: number;
}

interface RawEntry { parts: string[]; file: string; line: number }

const DEFAULT_SECTION = 'DEFAULT';
const SECTION_RE = /^\[(.+)\]/;
const OPTION_RE = /^(.*?)\s*([=:])\s*(.*)$/s;

/** Where an inline comment starts: a ';' or '#' at column 0 or preceded by whitespace. */
function commentStart(line: string): number | undefined {
  if (/^\s*[#;]/.test(line)) return 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if ((ch === ';' || ch === '#') && (i === 0 || /\s/.test(line[i - 1] ?? ''))) return i;
  }
  return undefined;
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

  /** Merges one source into the parser; `source` is the name used in messages. */
  readString(text: string, source: string): void {
    const before = new Set(this.sectionMap.keys());
    const raw = this.parse(text, source);
    for (const [name, entries] of raw) {
      const target = name === DEFAULT_SECTION ? this.defaultMap : this.sectionFor(name);
      for (const [key, e] of entries) {
        target.set(key, { value: e.parts.join('\n').trimEnd(), file: e.file, line: e.line });
      }
    }
    for (const name of this.sectionMap.keys()) if (!before.has(name)) this.sectionToFile.set(name, source);
  }

  private sectionFor(name: string): Map<string, IniEntry> {
    let s = this.sectionMap.get(name);
    if (s === undefined) { s = new Map(); this.sectionMap.set(name, s); }
    return s;
  }

  /** One file's lines into raw pieces; errors are collected and thrown at the end. */
  private parse(text: string, source: string): Map<string, Map<string, RawEntry>> {
    const out = new Map<string, Map<string, RawEntry>>();
    let cur: Map<string, RawEntry> | undefined;
    let opt: string | undefined;
    let indent = 0;
    const errors: string[] = [];
    splitLines(text).forEach((line, idx) => {
      const lineno = idx + 1;
      const cstart = commentStart(line);
      const value = (cstart === undefined ? line : line.slice(0, cstart)).trim();
      if (!value) {
        if (cstart === undefined && cur !== undefined && opt) cur.get(opt)?.parts.push('');
        return;
      }
      const level = line.search(/\S/);
      if (cur !== undefined && opt && level > indent) {
        cur.get(opt)?.parts.push(value);
        return;
      }
      indent = level;
      const header = SECTION_RE.exec(value);
      if (header) {
        const name = header[1] ?? '';
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
      if (!m) { errors.push(`\n\t[line ${String(lineno).padStart(2)}]: ${pyRepr(line)}`); return; }
      if (!m[1]) errors.push(`\n\t[line ${String(lineno).padStart(2)}]: ${pyRepr(line)}`);
      opt = (m[1] ?? '').trimEnd().toLowerCase();
      cur.set(opt, { parts: [(m[3] ?? '').trim()], file: source, line: lineno });
    });
    if (errors.length > 0) {
      throw new ConfigError(`Source contains parsing errors: ${pyRepr(source)}${errors.join('')}`, { file: source });
    }
    return out;
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
