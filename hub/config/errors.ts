// The one error the hub's configuration loader throws, and the rules that keep secrets out of it:
// values of secret keys are masked and credentials in URLs are cut out before anything is stored.

/** Keys whose values are never shown, in errors or in warnings. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(['password', 'secret', 'admin_password']);

/** Keys whose values may carry `user:password@` even without a scheme. */
const HOST_KEYS: ReadonlySet<string> = new Set(['host', 'url']);

/** `scheme://user:pass@host/x` becomes `scheme://host/x`; anything else is returned unchanged. */
export function withoutCredentials(text: string): string {
  return text.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#@]*@/, '$1');
}

/** How a value may be shown for a key: masked for secret keys, without URL credentials always. */
export function shownValue(key: string | undefined, value: string): string {
  if (key !== undefined && SECRET_KEYS.has(key)) return '***';
  if (key !== undefined && HOST_KEYS.has(key) && !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value)) {
    return value.replace(/^[^/?#@]*@/, '');
  }
  return withoutCredentials(value);
}

/** How a section is shown: INI sections as `[node:web]`; labels that carry their own brackets as they are. */
export function sectionDisplay(section: string): string {
  return section.startsWith('[') ? section : `[${section}]`;
}

export interface ConfigPlace {
  readonly file?: string | undefined;
  /** An INI section name (`node:web`) or a TOML label (`[[nodes]] #2 (local)`). */
  readonly section?: string | undefined;
  readonly key?: string | undefined;
  /** The offending value as written; masked or trimmed of credentials here, before it is stored. */
  readonly value?: string | undefined;
}

export class HubConfigError extends Error {
  readonly file: string | undefined;
  readonly section: string | undefined;
  readonly key: string | undefined;
  readonly value: string | undefined;

  constructor(message: string, place: ConfigPlace = {}) {
    super(message);
    this.name = 'HubConfigError';
    this.file = place.file;
    this.section = place.section;
    this.key = place.key;
    this.value = place.value === undefined ? undefined : shownValue(place.key, place.value);
  }

  /** Where the problem is, e.g. `in /etc/cesi.conf, [node:web] port = 'abc'`; unknown parts left out. */
  location(): string {
    let setting = '';
    if (this.key !== undefined) setting = this.value === undefined ? this.key : `${this.key} = '${this.value}'`;
    else if (this.value !== undefined) setting = `'${this.value}'`;
    const inside = [this.section === undefined ? '' : sectionDisplay(this.section), setting].filter((s) => s !== '').join(' ');
    return [this.file === undefined ? '' : `in ${this.file}`, inside].filter((s) => s !== '').join(', ');
  }
}
