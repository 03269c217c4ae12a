// [include] processing: %(here)s pre-substitution per file, files= globs relative to the main
// file's directory, sorted matches merged into the parser, INFO/WARN messages; no nesting.
import { readFileSync } from 'node:fs';
import { ConfigError, ValueError } from './errors.js';
import { comparePy, expand } from './expand.js';
import { glob } from './glob.js';
import { pyAbspath, pyDirname, pyJoin } from '../python/posixpath.js';
import { PY_SPACE } from '../python/str.js';
import type { LoadContext } from './context.js';

/** The file's bytes, or undefined where Python's open() raises OSError (the file is then skipped). */
function readIfPossible(path: string): Buffer | undefined {
  try { return readFileSync(path); } catch { return undefined; }
}

/**
 * Runs supervisord's include step when the main file has an [include] section. `mainFile` is the
 * path as given, `cwd` what it is relative to. Included files are named (in messages too) by
 * their pattern joined to the main file's absolute directory, unnormalised, as glob returns them.
 */
export function processIncludes(ctx: LoadContext, mainFile: string, cwd: string): void {
  const parser = ctx.parser;
  if (!parser.hasSection('include')) return;
  parser.expandHere(ctx.here);
  const entry = parser.get('include', 'files');
  if (entry === undefined) {
    throw new ConfigError('.ini file has [include] section, but no files setting', { section: 'include',
      file: parser.sectionToFile.get('include'), line: parser.sectionToLine.get('include') });
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
  const base = pyDirname(pyAbspath(mainFile, cwd));
  for (const pat of files.split(new RegExp(`${PY_SPACE}+`)).filter(Boolean)) {
    const pattern = pyJoin(base, pat);
    const matches = glob(pattern);
    if (matches.length === 0) { ctx.warnings.push(`No file matches via include "${pattern}"`); continue; }
    for (const file of matches.sort(comparePy)) {
      ctx.infos.push(`Included extra file "${file}" during parsing`);
      const bytes = readIfPossible(file);
      if (bytes === undefined) continue;
      parser.readBytes(bytes, file);
      parser.expandHere(pyAbspath(pyDirname(file), cwd));
    }
  }
}
