// Reads cesi's TOML configuration (cesi.conf.toml: [cesi] and [[nodes]], plus the hub's [[environments]]
// and [[webhooks]]) into raw sections with smol-toml; syntax errors are reworded without quoting the source.

import { parse, TomlError } from 'smol-toml';
import { HubConfigError } from './errors.js';
import type { RawDocument, RawSection, SectionKind } from './raw.js';
import { shown } from './values.js';

type Table = { readonly [key: string]: unknown };

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

const LISTS: readonly (readonly [string, SectionKind])[] = [['nodes', 'node'], ['environments', 'environment'], ['webhooks', 'webhook']];
const KNOWN = '[cesi], [[nodes]], [[environments]] and [[webhooks]]';

export function readToml(text: string, file: string): RawDocument {
  const doc = parseToml(text, file);
  for (const [key, value] of Object.entries(doc)) {
    if (key !== 'cesi' && !LISTS.some(([list]) => list === key)) {
      const what = isTable(value) || Array.isArray(value) ? 'table' : 'key';
      throw new HubConfigError(`unknown ${what} '${key}' (the file has ${KNOWN})`, { file, key });
    }
  }
  const sections: RawSection[] = [];
  const cesi = doc['cesi'];
  if (cesi !== undefined) {
    if (!isTable(cesi)) throw new HubConfigError('cesi must be a table, written [cesi]', { file, key: 'cesi', value: shown(cesi) });
    sections.push({ kind: 'cesi', name: '', label: 'cesi', nameKey: undefined, values: new Map(Object.entries(cesi)) });
  }
  for (const [list, kind] of LISTS) {
    const entries = doc[list];
    if (entries === undefined) continue;
    if (!Array.isArray(entries) || !entries.every(isTable)) {
      throw new HubConfigError(`${list} must be an array of tables, written [[${list}]]`, { file, key: list });
    }
    entries.forEach((entry, index) => sections.push(entrySection(entry, `[[${list}]] #${index + 1}`, kind, file)));
  }
  return { sections, warnings: [] };
}

function parseToml(text: string, file: string): Table {
  let doc: unknown;
  try {
    doc = parse(text, { unsafeKeyBehaviour: 'throw' });
  } catch (err) {
    if (err instanceof TomlError) {
      // The message ends with the lines around the error, which may hold a password: keep the first line only.
      const reason = err.message.replace(/^Invalid TOML document: /, '').split('\n')[0] ?? '';
      throw new HubConfigError(`TOML syntax error at line ${err.line}, column ${err.column}: ${reason}`, { file });
    }
    throw new HubConfigError('the file could not be read as TOML', { file });
  }
  if (!isTable(doc)) throw new HubConfigError('the file could not be read as TOML', { file });
  return doc;
}

function entrySection(entry: Table, base: string, kind: SectionKind, file: string): RawSection {
  const name = entry['name'];
  if (name === undefined) throw new HubConfigError(`${base} has no name`, { file, section: base, key: 'name' });
  if (typeof name !== 'string') {
    throw new HubConfigError('name must be a string', { file, section: base, key: 'name', value: shown(name) });
  }
  const values = new Map(Object.entries(entry).filter(([key]) => key !== 'name'));
  return { kind, name, label: name === '' ? base : `${base} (${name})`, nameKey: 'name', values };
}
