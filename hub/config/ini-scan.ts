// A line-by-line look at INI text next to the `ini` package's reading of it: finds the lines that package
// would silently misread (stray text, headers it cannot see) and notes values it reads differently from cesi.

import ini from 'ini';
import { HubConfigError, sectionDisplay } from './errors.js';

// The two line shapes the `ini` package knows, copied from it so both sides agree on every line.
const SECTION_LINE = /^\[([^\]]*)\]\s*$/;
const KEY_LINE = /^([^=]+)(=(.*))?$/;

export interface IniScan {
  /** Section names in the order they first appear, spelt as `ini` spells them. */
  readonly sections: readonly string[];
  /** Notes about values read differently from how cesi read them; never contain the values. */
  readonly warnings: readonly string[];
}

/** Throws HubConfigError for lines `ini` would misread; returns section order and warnings. */
export function scanIni(text: string, file: string): IniScan {
  const sections: string[] = [];
  const warnings: string[] = [];
  let section: string | undefined;
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    if (/^\s*$/.test(line) || /^\s*[;#]/.test(line)) return;
    const header = SECTION_LINE.exec(line);
    if (header !== null) {
      section = ini.unsafe(header[1] ?? '');
      if (!sections.includes(section)) sections.push(section);
      return;
    }
    const fail = (message: string, key?: string): never => {
      throw new HubConfigError(`line ${lineNo}: ${message}`, { file, section, key });
    };
    if (/^\s*\[/.test(line)) {
      fail('not a section header the reader understands: write [name] at the start of the line, with nothing after the ]');
    }
    const entry = KEY_LINE.exec(line);
    if (entry === null) return fail("there is no key before '='");
    const key = ini.unsafe(entry[1] ?? '').toLowerCase();
    if (key === '') fail("there is no key before '='");
    if (entry[2] === undefined) fail("there is no '=' (write key = value; a value cannot go on over several lines)");
    if (section === undefined) fail(`key '${key}' comes before any [section] header`, key);
    if (key.endsWith('[]')) fail(`key '${key}' cannot end in '[]'`, key);
    const note = readingNote(entry[3] ?? '');
    if (note === 'unreadable') fail(`key '${key}': the single-quoted value would not be read as written; use double quotes`, key);
    if (note !== undefined && section !== undefined) warnings.push(`${sectionDisplay(section)} ${key}: ${note}`);
  });
  return { sections, warnings };
}

/**
 * How `ini` reads a raw value differently from cesi (which kept every character after `=`), said
 * without the value; 'unreadable' when the result would not even be the text; undefined when alike.
 */
function readingNote(raw: string): string | undefined {
  const value = raw.trim();
  if (value.startsWith('"') && value.endsWith('"')) {
    try {
      JSON.parse(value);
      return undefined;
    } catch {
      return 'the double quotes were kept as part of the value, as it is not a valid JSON string (inside double quotes write \\\\ for \\ and \\" for ")';
    }
  }
  if (value.startsWith("'") && value.endsWith("'")) {
    const inner = value.slice(1, -1);
    try {
      const read: unknown = JSON.parse(inner);
      return String(read) === inner && (read === null || typeof read !== 'object') ? undefined : 'unreadable';
    } catch {
      return undefined;
    }
  }
  let escaped = false;
  let escapes = false;
  for (const c of value) {
    if (escaped) {
      escapes ||= '\\;#'.includes(c);
      escaped = false;
    } else if (c === ';' || c === '#') {
      return `the text after '${c}' was read as a comment; put the value in double quotes to keep it`;
    } else if (c === '\\') {
      escaped = true;
    }
  }
  return escapes ? "a '\\' before '\\', ';' or '#' was read as an escape and dropped; put the value in single quotes to keep it" : undefined;
}
