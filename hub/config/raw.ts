// What the INI and TOML readers hand to the schema: sections sorted by kind, values not yet checked.
// Both formats meet here so that the checks in schema.ts are written once.

export type SectionKind = 'cesi' | 'node' | 'environment' | 'webhook' | 'group';

export interface RawSection {
  readonly kind: SectionKind;
  /** The node, environment, webhook or group name; '' for the cesi section. */
  readonly name: string;
  /** How errors and warnings name the section: `node:web` (shown `[node:web]`) or `[[nodes]] #2 (local)`. */
  readonly label: string;
  /** The key the name was read from (TOML's `name`), or undefined when the section header gives it (INI). */
  readonly nameKey: string | undefined;
  /** The section's keys and values, in the order written: strings from INI, any TOML value from TOML. */
  readonly values: ReadonlyMap<string, unknown>;
}

export interface RawDocument {
  /** In the order written (TOML: cesi, then nodes, environments, webhooks). */
  readonly sections: readonly RawSection[];
  /** What the reader noticed about how the text was read; never contains values. */
  readonly warnings: readonly string[];
}
