// The hub's configuration loader: reads cesi.conf (INI) or cesi.conf.toml, checks it and returns it
// deeply frozen, maps included. Every problem is a HubConfigError the caller prints and exits on.

import { readFileSync } from 'node:fs';
import { HubConfigError } from './errors.js';
import { readIni } from './ini-read.js';
import { buildHubConfig } from './schema.js';
import { readToml } from './toml-read.js';
import type { HubConfig } from './types.js';

export function loadHubConfig(file: string): HubConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : '';
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : code || 'unknown error';
    throw new HubConfigError(`cannot read the configuration file: ${why}`, { file });
  }
  return parseHubConfig(text, file);
}

/**
 * `format` defaults to TOML when the file name ends in `.toml` or a line starts with `[[`, else INI.
 * Relative paths in the text are resolved against the directory of `file`.
 */
export function parseHubConfig(text: string, file: string, format?: 'ini' | 'toml'): HubConfig {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const chosen = format ?? (file.toLowerCase().endsWith('.toml') || /^[ \t]*\[\[/m.test(body) ? 'toml' : 'ini');
  const doc = chosen === 'toml' ? readToml(body, file) : readIni(body, file);
  return freeze(buildHubConfig(doc, file, chosen));
}

/** A Map that refuses changes once built (Object.freeze alone leaves set/delete/clear working). */
class FrozenMap<K, V> extends Map<K, V> {
  constructor(entries: Iterable<readonly [K, V]>) {
    super();
    for (const [key, value] of entries) Map.prototype.set.call(this, key, value);
    Object.freeze(this);
  }

  override set(): this {
    throw new TypeError('the hub configuration is read-only');
  }

  override delete(): boolean {
    throw new TypeError('the hub configuration is read-only');
  }

  override clear(): void {
    throw new TypeError('the hub configuration is read-only');
  }
}

function freeze(config: HubConfig): HubConfig {
  const frozenMap = <V extends object>(map: ReadonlyMap<string, V>): ReadonlyMap<string, V> =>
    new FrozenMap([...map].map(([key, value]) => [key, deepFreeze(value)] as const));
  return Object.freeze({
    ...config,
    cesi: Object.freeze({ ...config.cesi }),
    nodes: frozenMap(config.nodes),
    environments: frozenMap(config.environments),
    webhooks: deepFreeze([...config.webhooks]),
    warnings: Object.freeze([...config.warnings]),
  });
}

/** Freezes plain objects and arrays all the way down. */
function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) {
    if (typeof inner === 'object' && inner !== null && !Object.isFrozen(inner)) deepFreeze(inner);
  }
  return Object.freeze(value);
}
