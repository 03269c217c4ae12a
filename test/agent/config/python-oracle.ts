// Asks Debian's Python (the one supervisord 4.2.5 runs on) what its parser, codec and os.path do,
// for the config tests to compare with: one interpreter run per batch, JSON in and out; and our
// parser's answer in the same shape.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { PYTHON } from '../../helpers/paths.js';
import { ConfigError } from '../../../agent/config/errors.js';
import { IniParser } from '../../../agent/config/ini.js';

/** Seeded PRNG (FUZZ_SEED in the environment picks another seed to widen a run by hand). */
export { fuzzRandom } from '../rpc/fuzz.js';

export const pythonAvailable = existsSync(PYTHON)
  && spawnSync(PYTHON, ['-c', 'import supervisor.options'], { encoding: 'utf8' }).status === 0;

/** Runs `script` with `input` as JSON on stdin (from `cwd`, in a UTF-8 locale) and parses its JSON stdout. */
export function runPython<T>(script: string, input: unknown, cwd?: string): T {
  const r = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', cwd,
    env: { PATH: '/usr/bin:/bin', LC_ALL: 'C.UTF-8' }, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** What supervisord's parser makes of one file: every section's items, or the exception's text. */
export type ParseOutcome = { readonly sections: Record<string, Record<string, string>> } | { readonly error: string };

const PARSE_FILES = `
import sys, json
from supervisor.options import UnhosedConfigParser
out = []
for path in json.load(sys.stdin):
    p = UnhosedConfigParser()
    try:
        with open(path) as f:  # what read_config does with the main file
            p.read_file(f)
        out.append({'sections': {s: dict(p.items(s)) for s in p.sections()}})
    except Exception as e:
        out.append({'error': str(e)})
print(json.dumps(out))
`;

/** supervisord's UnhosedConfigParser over each file, opened the way read_config opens it. */
export function pythonParseFiles(paths: readonly string[], cwd?: string): ParseOutcome[] {
  return runPython<ParseOutcome[]>(PARSE_FILES, paths, cwd);
}

/** A random string of up to maxLen pieces of the alphabet. */
export function randomText(rand: () => number, alphabet: readonly string[], maxLen: number): string {
  let out = '';
  const n = Math.floor(rand() * (maxLen + 1));
  for (let i = 0; i < n; i++) out += pick(rand, alphabet);
  return out;
}

export function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

/** What our parser makes of one file, in the oracle's shape. */
export function parseFileOurs(path: string): ParseOutcome {
  const p = new IniParser();
  try {
    p.readBytes(readFileSync(path), path);
  } catch (err) {
    if (err instanceof ConfigError) return { error: err.message };
    throw err;
  }
  return { sections: Object.fromEntries(p.sections().map((s) => [s, Object.fromEntries(p.items(s).map(([k, e]) => [k, e.value]))])) };
}
