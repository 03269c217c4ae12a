// The [supervisorctl] section of a config file, read as supervisorctl reads it: %(ENV_X)s in every
// value, %(here)s too in serverurl and history_file, unix:// paths and history_file made absolute.
// Plus ours, which supervisorctl ignores: tls_ca, tls_cert, tls_key (paths, %(here)s too) and tls_insecure.
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, ValueError } from '../config/errors.js';
import { expand, type Expansions } from '../config/expand.js';
import { IniParser } from '../config/ini.js';
import { pyRepr } from '../python/repr.js';
import { UsageError } from './errors.js';

export interface CtlFileSettings {
  readonly serverurl: string;
  readonly prompt: string;
  readonly username: string | null;
  readonly password: string | null;
  readonly historyFile: string | null;
  /** Present only when a tls_* key is set. */
  readonly tls?: CtlFileTls;
}

/** [supervisorctl] tls_* (ours): absolute paths, and tls_insecure (null when not set). */
export interface CtlFileTls {
  readonly ca: string | null;
  readonly cert: string | null;
  readonly key: string | null;
  readonly insecure: boolean | null;
}

export const DEFAULT_SERVERURL = 'http://localhost:9001';
export const DEFAULT_PROMPT = 'supervisor';

/** Python's os.path.expanduser for `~` and `~/...` (from $HOME, as Python does). */
function expandUser(p: string, env: NodeJS.ProcessEnv): string {
  if (p !== '~' && !p.startsWith('~/')) return p;
  return join(env.HOME ?? homedir(), p.slice(1));
}

/** supervisor's normalize_path: expanduser, abspath, normpath. */
export function normalizePath(p: string, env: NodeJS.ProcessEnv, cwd: string): string {
  return resolve(cwd, expandUser(p, env));
}

export function envExpansions(env: NodeJS.ProcessEnv): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(env)) if (v !== undefined) m.set(`ENV_${k}`, v);
  return m;
}

function readText(file: string, cwd: string): string {
  const full = resolve(cwd, file);
  try {
    statSync(full);
  } catch {
    throw new UsageError(`could not find config file ${file}`);
  }
  try {
    return readFileSync(full, 'utf8');
  } catch {
    throw new UsageError(`could not read config file ${file}`);
  }
}

/** supervisor's boolean words (any case) for tls_insecure. */
function tlsInsecure(text: string, file: string): boolean {
  const low = text.trim().toLowerCase();
  if (['yes', 'true', 'on', '1'].includes(low)) return true;
  if (['no', 'false', 'off', '0'].includes(low)) return false;
  throw new UsageError(`invalid value for tls_insecure in [supervisorctl] of ${file}: not a valid boolean value: ${pyRepr(text.trim())}`);
}

/** Reads `file` (as given on the command line or found by the search); throws UsageError. */
export function readCtlConfig(file: string, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): CtlFileSettings {
  const here = dirname(normalizePath(file, env, cwd));
  const text = readText(file, cwd);
  const parser = new IniParser();
  try {
    parser.readString(text, file);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  if (!parser.hasSection('supervisorctl')) throw new UsageError('.ini file does not include supervisorctl section');
  const envMap = envExpansions(env);
  const withHere: Expansions = new Map([...envMap, ['here', here]]);
  const get = (key: string, fallback: string | null, expansions: Expansions): string | null => {
    const raw = parser.get('supervisorctl', key)?.value ?? fallback;
    if (raw === null) return null;
    try {
      return expand(raw, expansions, `supervisorctl.${key}`);
    } catch (err) {
      if (err instanceof ValueError) throw new UsageError(err.message);
      throw err;
    }
  };
  let serverurl = get('serverurl', DEFAULT_SERVERURL, withHere) ?? DEFAULT_SERVERURL;
  if (serverurl.startsWith('unix://')) serverurl = `unix://${normalizePath(serverurl.slice(7), env, cwd)}`;
  const history = get('history_file', null, withHere);
  const path = (key: string): string | null => {
    const p = get(key, null, withHere)?.trim() ?? '';
    return p === '' ? null : normalizePath(p, env, cwd);
  };
  const insecureText = get('tls_insecure', null, envMap);
  const insecure = insecureText === null ? null : tlsInsecure(insecureText, file);
  const tls: CtlFileTls = { ca: path('tls_ca'), cert: path('tls_cert'), key: path('tls_key'), insecure };
  const anyTls = tls.ca !== null || tls.cert !== null || tls.key !== null || tls.insecure !== null;
  return {
    serverurl,
    prompt: get('prompt', DEFAULT_PROMPT, envMap) ?? DEFAULT_PROMPT,
    username: get('username', null, envMap),
    password: get('password', null, envMap),
    historyFile: history ? normalizePath(history, env, cwd) : null,
    ...(anyTls ? { tls } : {}),
  };
}
