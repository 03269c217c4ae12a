// [include] processing: %(here)s pre-substitution per file, files= globs relative to the main
// file's directory, sorted matches merged into the parser, INFO/WARN messages; no nesting.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, ValueError } from './errors.js';
import { expand } from './expand.js';
import { glob } from './glob.js';
import type { LoadContext } from './context.js';

function readIfPossible(path: string): string | undefined {
  try { return readFileSync(path, 'utf8'); } catch { return undefined; }
}

/** Runs supervisord's include step when the main file has an [include] section. */
export function processIncludes(ctx: LoadContext, mainFileAbs: string): void {
  const parser = ctx.parser;
  if (!parser.hasSection('include')) return;
  parser.expandHere(ctx.here);
  const entry = parser.get('include', 'files');
  if (entry === undefined) {
    throw new ConfigError('.ini file has [include] section, but no files setting', { section: 'include' });
  }
  const map = new Map<string, string | number>([['here', ctx.here], ['host_node_name', ctx.hostname]]);
  for (const [k, v] of ctx.envExpansions) map.set(k, v);
  let files: string;
  try { files = expand(entry.value, map, 'include.files'); } catch (err) {
    if (err instanceof ValueError) {
      throw new ConfigError(err.message, { file: entry.file, line: entry.line, section: 'include', key: 'files', value: entry.value });
    }
    throw err;
  }
  const base = dirname(mainFileAbs);
  for (const pat of files.split(/\s+/).filter(Boolean)) {
    const pattern = isAbsolute(pat) ? pat : `${base === '/' ? '' : base}/${pat}`;
    const matches = glob(pattern);
    if (matches.length === 0) { ctx.warnings.push(`No file matches via include "${pattern}"`); continue; }
    for (const file of matches.sort()) {
      ctx.infos.push(`Included extra file "${file}" during parsing`);
      const text = readIfPossible(file);
      if (text === undefined) continue;
      parser.readString(text, file);
      parser.expandHere(dirname(resolve(file)));
    }
  }
}
