// environment_file= read as systemd reads EnvironmentFile=: KEY=VALUE lines, blank lines and lines
// starting with # or ; ignored, values in double quotes (a backslash escapes only \ " $ and `, as
// in systemd's env-file.c; before any other character it stays) or single quotes (literal),
// unquoted values where a backslash takes the next character as is, a backslash at the end of a
// line continuing it, surrounding blanks of unquoted values dropped. Read at each spawn, so a restart picks up a changed file.
import { readFileSync } from 'node:fs';
import { errnoName } from './errno.js';
import { EnvironmentFileError } from './errors.js';

const DOUBLE_ESCAPED = new Set(['\\', '"', '$', '`']);

function unquote(raw: string, path: string, line: number): string {
  const v = raw.trim();
  if (v.startsWith('"')) {
    let out = '';
    for (let i = 1; i < v.length; i += 1) {
      const c = v[i] as string;
      if (c === '"') {
        if (v.slice(i + 1).trim() !== '') throw new EnvironmentFileError(path, `line ${line}: text after the closing quote`);
        return out;
      }
      if (c === '\\' && i + 1 < v.length) {
        const n = v[i + 1] as string;
        out += DOUBLE_ESCAPED.has(n) ? n : `\\${n}`;
        i += 1;
      } else {
        out += c;
      }
    }
    throw new EnvironmentFileError(path, `line ${line}: no closing double quote`);
  }
  if (v.startsWith("'")) {
    const end = v.indexOf("'", 1);
    if (end < 0) throw new EnvironmentFileError(path, `line ${line}: no closing single quote`);
    if (v.slice(end + 1).trim() !== '') throw new EnvironmentFileError(path, `line ${line}: text after the closing quote`);
    return v.slice(1, end);
  }
  return v.replace(/\\(.)/g, '$1');
}

/** The variables of a file's text, in order (later ones win). */
export function parseEnvironmentFile(text: string, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const first = i + 1;
    let line = lines[i] as string;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      i += 1;
      line = line.slice(0, -1) + (lines[i] as string);
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) throw new EnvironmentFileError(path, `line ${first}: not KEY=VALUE`);
    const key = trimmed.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new EnvironmentFileError(path, `line ${first}: ${JSON.stringify(key)} is not a variable name`);
    out[key] = unquote(trimmed.slice(eq + 1), path, first);
  }
  return out;
}

/** The file's variables; {} for a missing optional file (`-` prefix). Throws EnvironmentFileError. */
export function readEnvironmentFile(file: { readonly path: string; readonly optional: boolean }): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file.path, 'utf8');
  } catch (err) {
    const code = errnoName(err, 'EIO');
    if (code === 'ENOENT' && file.optional) return {};
    throw new EnvironmentFileError(file.path, code);
  }
  return parseEnvironmentFile(text, file.path);
}
