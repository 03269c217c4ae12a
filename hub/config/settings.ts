// The [cesi] section: the hub's own settings with their defaults, cesi's SQLAlchemy database URIs and
// Bootswatch theme names read into plain paths and light/dark, and cesi's retired keys noted and dropped.

import { resolve } from 'node:path';
import { sectionDisplay } from './errors.js';
import type { RawSection } from './raw.js';
import type { HubSettings, Theme } from './types.js';
import { Field, SectionValues, integerIn, optionalText, readableFile, requiredText, secondsIn, text } from './values.js';

const KEYS = [
  'database', 'activity_log', 'host', 'port', 'name', 'theme', 'tls_cert', 'tls_key',
  'poll_interval', 'stats_interval', 'connect_timeout', 'call_timeout', 'bcrypt_rounds',
];

const SEEDED = 'the first start seeds admin/admin and asks for a new password at the first login';
/** Keys cesi had that mean nothing to the hub, with why. */
const RETIRED: ReadonlyMap<string, string> = new Map([
  ['debug', 'the hub has no debug mode'],
  ['auto_reload', 'the hub reads its configuration once, at start'],
  ['admin_username', SEEDED],
  ['admin_password', SEEDED],
]);

const DARK = ['cyborg', 'darkly', 'slate', 'solar', 'superhero', 'vapor'];
const LIGHT = [
  'cerulean', 'cosmo', 'flatly', 'journal', 'litera', 'lumen', 'lux', 'materia', 'minty', 'morph',
  'pulse', 'quartz', 'sandstone', 'simplex', 'sketchy', 'spacelab', 'united', 'yeti', 'zephyr',
];

/** Reads [cesi] (or the defaults when there is none); appends a warning for each retired key present. */
export function readSettings(section: RawSection | undefined, file: string, dir: string, warnings: string[]): HubSettings {
  const cesi: RawSection = section ?? { kind: 'cesi', name: '', label: 'cesi', nameKey: undefined, values: new Map() };
  const values = new SectionValues(file, cesi, KEYS, [...RETIRED.keys()]);
  const get = (key: string): Field | undefined => values.get(key);
  for (const [key, why] of RETIRED) {
    if (cesi.values.has(key)) warnings.push(`${sectionDisplay(cesi.label)} ${key} is ignored: ${why}`);
  }
  const database = get('database');
  const activityLog = optionalText(get('activity_log'));
  const tlsCert = unlessEmpty(get('tls_cert'));
  const tlsKey = unlessEmpty(get('tls_key'));
  if (tlsCert !== undefined && tlsKey === undefined) values.fail('tls_cert and tls_key go together: tls_key is missing', 'tls_cert');
  if (tlsKey !== undefined && tlsCert === undefined) values.fail('tls_cert and tls_key go together: tls_cert is missing', 'tls_key');
  return {
    database: database === undefined ? resolve(dir, 'fleetvisor-hub.db') : databasePath(database, dir),
    activityLog: activityLog === null ? null : resolve(dir, activityLog.trim()),
    host: or(get('host'), requiredText, '127.0.0.1'),
    // 0 asks the system for a free port (the hub prints the one it got).
    port: or(get('port'), (f) => integerIn(f, 0, 65535), 5000),
    name: or(get('name'), requiredText, 'Fleetvisor'),
    theme: or(get('theme'), theme, 'light'),
    tlsCert: tlsCert === undefined ? null : readableFile(tlsCert, dir),
    tlsKey: tlsKey === undefined ? null : readableFile(tlsKey, dir),
    pollIntervalMs: or(get('poll_interval'), (f) => secondsIn(f, 0.2, 3600), 1000),
    statsIntervalMs: or(get('stats_interval'), (f) => secondsIn(f, 1, 3600), 10_000),
    connectTimeoutMs: or(get('connect_timeout'), (f) => secondsIn(f, 0.1, 120), 3000),
    callTimeoutMs: or(get('call_timeout'), (f) => secondsIn(f, 0.5, 600), 10_000),
    bcryptRounds: or(get('bcrypt_rounds'), (f) => integerIn(f, 4, 15), 12),
  };
}

/** The field, or undefined when it is absent or empty. */
function unlessEmpty(field: Field | undefined): Field | undefined {
  return optionalText(field) === null ? undefined : field;
}

function or<T>(field: Field | undefined, read: (field: Field) => T, fallback: T): T {
  return field === undefined ? fallback : read(field);
}

/**
 * A plain path, or an SQLAlchemy SQLite URI as cesi wrote it: `sqlite:///relative.db` or
 * `sqlite:////abs/path.db`. Any other database is refused.
 */
function databasePath(field: Field, dir: string): string {
  const value = requiredText(field);
  const uri = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(value);
  if (uri === null) return resolve(dir, value);
  const scheme = (uri[1] ?? '').toLowerCase();
  if (scheme !== 'sqlite' && !scheme.startsWith('sqlite+')) return field.fail('only SQLite databases are supported');
  const rest = uri[2] ?? '';
  if (!rest.startsWith('/') || rest === '/' || rest === '/:memory:') {
    return field.fail('database must name a file: sqlite:///relative.db, sqlite:////absolute/path.db or a plain path');
  }
  if (rest.includes('?')) return field.fail('database options after ? are not supported');
  return resolve(dir, rest.slice(1));
}

function theme(field: Field): Theme {
  const value = text(field).trim().toLowerCase();
  if (value === 'light' || LIGHT.includes(value)) return 'light';
  if (value === 'dark' || DARK.includes(value)) return 'dark';
  return field.fail(`theme must be light, dark or one of ${[...DARK, ...LIGHT].sort().join(', ')}`);
}
