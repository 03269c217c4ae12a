// Checked reading of single values for the config schema: strings from INI and typed values from TOML go
// through the same conversions, and every refusal is a HubConfigError that names the section and key.

import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { HubConfigError } from './errors.js';
import type { RawSection } from './raw.js';

/** A value as text for an error location (masking happens in HubConfigError). */
export function shown(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) || (typeof value === 'object' && value !== null && !(value instanceof Date))) {
    return JSON.stringify(value);
  }
  return String(value);
}

/** One key's value with where it came from. */
export class Field {
  constructor(
    readonly file: string,
    readonly section: string,
    readonly key: string,
    readonly value: unknown,
  ) {}

  fail(message: string): never {
    throw new HubConfigError(message, { file: this.file, section: this.section, key: this.key, value: shown(this.value) });
  }
}

/** A section's values, refused at once when a key is not one the section knows. */
export class SectionValues {
  constructor(
    readonly file: string,
    readonly section: RawSection,
    known: readonly string[],
    ignored: readonly string[] = [],
  ) {
    for (const key of section.values.keys()) {
      if (known.includes(key) || ignored.includes(key)) continue;
      const listed = section.nameKey === undefined ? known : [section.nameKey, ...known];
      // The value is left out: an unknown key may be a misspelt secret.
      throw new HubConfigError(`unknown key '${key}' (known keys: ${listed.join(', ')})`, { file, section: section.label, key });
    }
  }

  get(key: string): Field | undefined {
    const value = this.section.values.get(key);
    return value === undefined ? undefined : new Field(this.file, this.section.label, key, value);
  }

  fail(message: string, key?: string): never {
    throw new HubConfigError(message, { file: this.file, section: this.section.label, key });
  }
}

export function text(field: Field): string {
  if (typeof field.value !== 'string') return field.fail(`${field.key} must be a string`);
  return field.value;
}

/** A string that must not be empty (surrounding spaces dropped). */
export function requiredText(field: Field): string {
  const value = text(field).trim();
  if (value === '') return field.fail(`${field.key} must not be empty`);
  return value;
}

/** Absent or empty is null; anything else is kept exactly, spaces included. */
export function optionalText(field: Field | undefined): string | null {
  if (field === undefined) return null;
  const value = text(field);
  return value === '' ? null : value;
}

/** An integer written as a TOML integer or as digits. */
export function integerIn(field: Field, min: number, max: number): number {
  const { value } = field;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) return field.fail(`${field.key} must be an integer from ${min} to ${max}`);
  return n;
}

/** A duration in seconds (decimals allowed), returned in whole milliseconds. */
export function secondsIn(field: Field, min: number, max: number): number {
  const { value } = field;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < min || n > max) return field.fail(`${field.key} must be a number of seconds from ${min} to ${max}`);
  return Math.round(n * 1000);
}

/** A comma-separated string or an array of strings: items trimmed, empty ones dropped, repeats collapsed. */
export function list(field: Field): string[] {
  const { value } = field;
  let items: readonly unknown[];
  if (typeof value === 'string') items = value.split(',');
  else if (Array.isArray(value)) items = value;
  else return field.fail(`${field.key} must be a comma-separated list or an array of strings`);
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') return field.fail(`${field.key} must be a comma-separated list or an array of strings`);
    const trimmed = item.trim();
    if (trimmed !== '' && !out.includes(trimmed)) out.push(trimmed);
  }
  return out;
}

/** A path, made absolute against the config file's directory. */
export function path(field: Field, dir: string): string {
  return resolve(dir, requiredText(field));
}

/** A path that must name a file this process can read now. */
export function readableFile(field: Field, dir: string): string {
  const file = path(field, dir);
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
    accessSync(file, constants.R_OK);
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : '';
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code || 'unknown error'})`;
    return field.fail(`${field.key} must be a readable file: ${file} ${why}`);
  }
  if (!isFile) return field.fail(`${field.key} must be a readable file: ${file} is not a file`);
  return file;
}
