// ConfigError (what the loader throws) and ValueError (what pure converters throw before the
// loader adds where the value came from). Imports nothing.

export interface ConfigLocation {
  readonly file?: string | undefined;
  readonly section?: string | undefined;
  readonly key?: string | undefined;
  readonly value?: string | undefined;
  readonly line?: number | undefined;
  /** Offset of an offending byte in the file (a decoding error). */
  readonly byte?: number | undefined;
}

/** A converter's complaint about one value; `message` is supervisord's text for it. */
export class ValueError extends Error {
  override readonly name = 'ValueError';
}

/**
 * A bad configuration. `message` is exactly what supervisord prints after "Error: "; the
 * location fields say precisely where, even when supervisord's text does not.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly kind = 'config';
  readonly file: string | undefined;
  readonly section: string | undefined;
  readonly key: string | undefined;
  readonly value: string | undefined;
  readonly line: number | undefined;
  readonly byte: number | undefined;

  constructor(message: string, where: ConfigLocation = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.file = where.file;
    this.section = where.section;
    this.key = where.key;
    this.value = where.value;
    this.line = where.line;
    this.byte = where.byte;
  }

  /**
   * "in x.conf line 12, [program:web] autorestart = 'maybe'" (the file as given, like supervisord's
   * text), or "in x.conf line 3, byte 8217" for a decoding error; unknown parts are left out.
   */
  location(): string {
    const parts: string[] = [];
    if (this.file !== undefined) {
      parts.push(this.line !== undefined ? `in ${this.file} line ${this.line}` : `in ${this.file}`);
      if (this.byte !== undefined) parts.push(`byte ${this.byte}`);
    }
    let what = this.section !== undefined ? `[${this.section}]` : '';
    if (this.key !== undefined) {
      what += `${what ? ' ' : ''}${this.key}`;
      if (this.value !== undefined) what += ` = '${this.value}'`;
    }
    if (what) parts.push(what);
    return parts.join(', ');
  }

  /** The same location with a different supervisord text (used to add the section suffix). */
  withMessage(message: string): ConfigError {
    return new ConfigError(message, this, { cause: this });
  }
}
