// Shared state of one load (parser, ENV_ expansions, messages) and SectionReader, which reads one
// option the way supervisord's saneget does and pins every failure to its file/section/key/value.
import { ConfigError, ValueError } from './errors.js';
import { expand, type Expansions } from './expand.js';
import type { IniParser } from './ini.js';
import type { PathEnv } from './datatypes.js';
import type { UserDb } from './users.js';

export interface LoadContext {
  readonly parser: IniParser;
  /** ENV_<VAR> names; [supervisord] environment= entries are added while loading. */
  readonly envExpansions: Map<string, string>;
  /** Absolute directory of the main file. */
  readonly here: string;
  readonly hostname: string;
  /** The main file's path as given (used in the program-section error suffix). */
  readonly configFile: string;
  readonly pathEnv: PathEnv;
  readonly users: UserDb;
  readonly resolveSpec: (spec: string) => boolean;
  readonly criticals: string[];
  readonly warnings: string[];
  readonly infos: string[];
}

type Default = string | number | boolean | undefined;

export class SectionReader {
  constructor(readonly ctx: LoadContext, readonly section: string, readonly common: Map<string, string | number>) {}

  /** Where a key's value came from, for error locations. */
  where(key: string, value?: string): { file?: string; section: string; key?: string; value?: string; line?: number } {
    const p = this.ctx.parser;
    const header = { file: p.sectionToFile.get(this.section), section: this.section, line: p.sectionToLine.get(this.section) };
    if (key === '') return header;
    const e = p.get(this.section, key);
    // A key that is not set is located at its section's header.
    return e === undefined ? { ...header, key, value } : { file: e.file, section: this.section, key, value: value ?? e.value, line: e.line };
  }

  /** Runs fn, turning a ValueError into a ConfigError located at key. */
  at<T>(key: string, fn: () => T, value?: string): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof ValueError) throw new ConfigError(err.message, this.where(key, value), { cause: err });
      throw err;
    }
  }

  /** The raw value (or default), %-expanded unless told not to; non-string defaults are returned as is. */
  get(key: string, dflt: Default, opts: { expand?: boolean; extra?: Expansions } = {}): string | number | boolean | undefined {
    const entry = this.ctx.parser.get(this.section, key);
    const value = entry !== undefined ? entry.value : dflt;
    if (typeof value !== 'string' || opts.expand === false) return value;
    // Without a '%' Python's formatting returns the text unchanged and cannot fail: skip building the mapping.
    if (!value.includes('%')) return value;
    const map = new Map<string, string | number>(this.ctx.envExpansions);
    for (const [k, v] of this.common) map.set(k, v);
    for (const [k, v] of opts.extra ?? []) map.set(k, v);
    return this.at(key, () => expand(value, map, `${this.section}.${key}`), value);
  }

  /** get() then a converter over its text form; undefined default stays undefined. */
  conv<T>(key: string, dflt: Default, fn: (s: string) => T, opts: { expand?: boolean; extra?: Expansions } = {}): T {
    const v = this.get(key, dflt, opts);
    const text = typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
    return this.at(key, () => fn(text), text);
  }

  /** get() for an optional value: undefined when neither set nor defaulted. */
  optional(key: string, opts: { expand?: boolean; extra?: Expansions } = {}): string | undefined {
    const v = this.get(key, undefined, opts);
    return v === undefined ? undefined : String(v);
  }

  /** An error about this section as a whole (cross-field rules). */
  error(message: string, key?: string): ConfigError {
    return new ConfigError(message, this.where(key ?? ''));
  }
}
