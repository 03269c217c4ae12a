// Reads cesi's INI configuration (cesi.conf) into raw sections with the `ini` package, undoing its
// habits that cesi's reader did not have: dotted section names split apart, true/false/null turned into non-strings.

import ini from 'ini';
import { HubConfigError } from './errors.js';
import { scanIni } from './ini-scan.js';
import type { RawDocument, RawSection, SectionKind } from './raw.js';

type Plain = { readonly [key: string]: unknown };

function isRecord(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readIni(text: string, file: string): RawDocument {
  const scan = scanIni(text, file);
  const parsed: unknown = ini.parse(text);
  const found = new Map<string, Map<string, string>>();
  if (isRecord(parsed)) {
    for (const [name, value] of Object.entries(parsed)) {
      if (!isRecord(value)) throw new HubConfigError(`key '${name}' comes before any [section] header`, { file, key: name });
      collect(value, name, found, file);
    }
  }
  const names = [...scan.sections, ...[...found.keys()].filter((name) => !scan.sections.includes(name))];
  const sections = names.map((name) => toSection(name, found.get(name) ?? new Map<string, string>(), file));
  return { sections, warnings: scan.warnings };
}

/**
 * `ini` turns `[node:web.1]` into `{"node:web": {"1": {...}}}`: an object value is a subsection
 * `parent.child`, and an object with only such children and no keys is no section of its own.
 */
function collect(object: Plain, name: string, found: Map<string, Map<string, string>>, file: string): void {
  const values = new Map<string, string>();
  let children = 0;
  for (const [key, value] of Object.entries(object)) {
    if (isRecord(value)) {
      children += 1;
      collect(value, `${name}.${key}`, found, file);
    } else {
      values.set(key.toLowerCase(), asText(value, { file, section: name, key }));
    }
  }
  if (values.size > 0 || children === 0) found.set(name, values);
}

/** Every INI value is text; `ini` reads `true`, `false` and `null` as JSON and they go back to their words. */
function asText(value: unknown, place: { file: string; section: string; key: string }): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'number' || value === null) return String(value);
  throw new HubConfigError(`key '${place.key}' could not be read as text`, place);
}

const KINDS: readonly SectionKind[] = ['node', 'environment', 'webhook', 'group'];

function toSection(header: string, values: ReadonlyMap<string, string>, file: string): RawSection {
  if (header === 'cesi') return { kind: 'cesi', name: '', label: header, nameKey: undefined, values };
  const colon = header.indexOf(':');
  const kind = KINDS.find((k) => k === header.slice(0, colon));
  if (colon < 0 || kind === undefined) {
    throw new HubConfigError(
      `unknown section [${header}] (sections are [cesi], [node:NAME], [environment:NAME], [webhook:NAME] and [group:NAME])`,
      { file, section: header },
    );
  }
  return { kind, name: header.slice(colon + 1), label: header, nameKey: undefined, values };
}
