// fleetvisorctl's command line: supervisorctl's options (-c -h -i -s -u -p -r) plus --json, parsed
// with Python getopt's rules (options stop at the first word that is not one; unique long
// prefixes), then merged with the config file's [supervisorctl] section: command line first.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { pyRepr } from '../python/repr.js';
import { searchPaths } from '../config/search.js';
import { DEFAULT_PROMPT, DEFAULT_SERVERURL, normalizePath, readCtlConfig, type CtlFileSettings, type CtlFileTls } from './config.js';
import type { CtlTls } from './connection.js';
import { UsageError } from './errors.js';
import { urlProblem } from './url.js';

export interface CtlOptions {
  readonly configfile: string | null;
  serverurl: string;
  username: string | null;
  password: string | null;
  readonly prompt: string;
  readonly historyFile: string | null;
  /** -i given, or no action: shutdown/reload ask first, a 401 prompts for credentials. */
  readonly interactive: boolean;
  readonly json: boolean;
  /** The action and its arguments (empty: start the shell). */
  readonly args: readonly string[];
  /** --tls_* / [supervisorctl] tls_* (ours), for https serverurls; absent when none is given. */
  readonly tls?: CtlTls;
}

type Key = 'help' | 'configfile' | 'interactive' | 'serverurl' | 'username' | 'password' | 'history' | 'json' | 'version'
  | 'tlsCa' | 'tlsCert' | 'tlsKey' | 'tlsInsecure';
interface Spec { readonly short: string; readonly long: string; readonly value: boolean; readonly key: Key }

const SPECS: readonly Spec[] = [
  { short: 'h', long: 'help', value: false, key: 'help' },
  { short: '?', long: '', value: false, key: 'help' },
  { short: 'c', long: 'configuration', value: true, key: 'configfile' },
  { short: 'i', long: 'interactive', value: false, key: 'interactive' },
  { short: 's', long: 'serverurl', value: true, key: 'serverurl' },
  { short: 'u', long: 'username', value: true, key: 'username' },
  { short: 'p', long: 'password', value: true, key: 'password' },
  { short: 'r', long: 'history_file', value: true, key: 'history' },
  { short: '', long: 'json', value: false, key: 'json' },
  { short: '', long: 'version', value: false, key: 'version' },
  { short: '', long: 'tls_ca', value: true, key: 'tlsCa' },
  { short: '', long: 'tls_cert', value: true, key: 'tlsCert' },
  { short: '', long: 'tls_key', value: true, key: 'tlsKey' },
  { short: '', long: 'tls_insecure', value: false, key: 'tlsInsecure' },
];

interface Parsed { readonly opt: string; readonly spec: Spec; readonly value: string | null }

function longOption(word: string, next: string | undefined): { parsed: Parsed; used: number } {
  const body = word.slice(2);
  const eq = body.indexOf('=');
  const name = eq < 0 ? body : body.slice(0, eq);
  const inline = eq < 0 ? null : body.slice(eq + 1);
  const matches = SPECS.filter((s) => s.long !== '' && s.long.startsWith(name));
  const spec = matches.find((s) => s.long === name) ?? (matches.length === 1 ? matches[0] : undefined);
  if (matches.length === 0) throw new UsageError(`option --${name} not recognized`);
  if (spec === undefined) throw new UsageError(`option --${name} not a unique prefix`);
  const opt = `--${spec.long}`;
  if (!spec.value) {
    if (inline !== null) throw new UsageError(`option ${opt} must not have an argument`);
    return { parsed: { opt, spec, value: null }, used: 1 };
  }
  if (inline !== null) return { parsed: { opt, spec, value: inline }, used: 1 };
  if (next === undefined) throw new UsageError(`option ${opt} requires argument`);
  return { parsed: { opt, spec, value: next }, used: 2 };
}

function shortOptions(word: string, next: string | undefined): { parsed: Parsed[]; used: number } {
  const parsed: Parsed[] = [];
  for (let k = 1; k < word.length; k++) {
    const letter = word[k] ?? '';
    const spec = SPECS.find((s) => s.short === letter);
    if (spec === undefined) throw new UsageError(`option -${letter} not recognized`);
    if (!spec.value) { parsed.push({ opt: `-${letter}`, spec, value: null }); continue; }
    const attached = word.slice(k + 1);
    if (attached !== '') return { parsed: [...parsed, { opt: `-${letter}`, spec, value: attached }], used: 1 };
    if (next === undefined) throw new UsageError(`option -${letter} requires argument`);
    return { parsed: [...parsed, { opt: `-${letter}`, spec, value: next }], used: 2 };
  }
  return { parsed, used: 1 };
}

/** Python's getopt.getopt over SPECS: the options in order and the remaining words. */
export function splitArgv(argv: readonly string[]): { options: Parsed[]; rest: string[] } {
  const options: Parsed[] = [];
  let i = 0;
  while (i < argv.length) {
    const word = argv[i] ?? '';
    if (word === '--') return { options, rest: argv.slice(i + 1) };
    if (!word.startsWith('-') || word === '-') break;
    const step = word.startsWith('--') ? (() => { const r = longOption(word, argv[i + 1]); return { parsed: [r.parsed], used: r.used }; })()
      : shortOptions(word, argv[i + 1]);
    options.push(...step.parsed);
    i += step.used;
  }
  return { options, rest: argv.slice(i) };
}

/** What the command line asked for: help, or the options (file settings not yet merged). */
export type CommandLine =
  | { readonly help: true }
  | { readonly help: false; readonly values: ReadonlyMap<Key, string | true>; readonly args: readonly string[] };

/**
 * Applies the options in order, as supervisor's Options.realize: -h acts at once. So does --version
 * (ours, not supervisorctl's): its values hold 'version' alone, and main prints fleetvisorctl's version.
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const { options, rest } = splitArgv(argv);
  const values = new Map<Key, string | true>();
  for (const { opt, spec, value } of options) {
    if (spec.key === 'help') return { help: true };
    if (spec.key === 'version') return { help: false, values: new Map<Key, string | true>([['version', true]]), args: [] };
    if (spec.key === 'serverurl' && value !== null) {
      const problem = urlProblem(value);
      if (problem !== null) throw new UsageError(`invalid value for ${opt} ${pyRepr(value)}: ${problem}`);
    }
    if (values.has(spec.key)) throw new UsageError(`conflicting command line option ${pyRepr(opt)}`);
    values.set(spec.key, value ?? true);
  }
  return { help: false, values, args: rest };
}

/** The first existing default config path, relative ones against cwd (supervisorctl: optional). */
export function findDefaultConfig(execPath: string, cwd: string, exists: (p: string) => boolean = existsSync): string | null {
  for (const p of searchPaths(execPath)) if (exists(p.startsWith('/') ? p : join(cwd, p))) return p;
  return null;
}

export interface Environment {
  readonly execPath: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

function readTlsFile(option: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/, \w+ '.*'$/s, '') : String(err);
    throw new UsageError(`could not read ${option} file ${path} (${reason})`);
  }
}

/**
 * --tls_* over [supervisorctl] tls_* (ours): the files are read and checked now, so a bad one is a
 * usage error before any command; undefined when nothing TLS is asked for.
 */
function resolveTls(cl: Extract<CommandLine, { help: false }>, file: CtlFileTls | undefined, envt: Environment): CtlTls | undefined {
  const path = (k: Key, fromFile: string | null | undefined): string | null => {
    const v = cl.values.get(k);
    return typeof v === 'string' ? normalizePath(v, envt.env, envt.cwd) : fromFile ?? null;
  };
  const caFile = path('tlsCa', file?.ca);
  const certFile = path('tlsCert', file?.cert);
  const keyFile = path('tlsKey', file?.key);
  const insecure = cl.values.has('tlsInsecure') || file?.insecure === true;
  if (caFile === null && certFile === null && keyFile === null && !insecure) return undefined;
  if ((certFile === null) !== (keyFile === null)) {
    throw new UsageError(`tls_cert and tls_key go together: ${certFile === null ? 'tls_cert' : 'tls_key'} is missing`);
  }
  const ca = caFile === null ? null : readTlsFile('tls_ca', caFile);
  if (ca !== null && !ca.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`tls_ca file ${caFile} holds no PEM certificate`);
  const cert = certFile === null ? null : readTlsFile('tls_cert', certFile);
  const key = keyFile === null ? null : readTlsFile('tls_key', keyFile);
  if (cert !== null && key !== null) {
    try {
      createSecureContext({ cert, key });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new UsageError(`tls_cert ${certFile} and tls_key ${keyFile} cannot be used (${reason})`);
    }
  }
  return { ca, cert, key, insecure };
}

/** Command-line values, then the config file, then the built-in defaults. */
export function resolveOptions(cl: Extract<CommandLine, { help: false }>, envt: Environment): CtlOptions {
  const str = (k: Key): string | null => {
    const v = cl.values.get(k);
    return typeof v === 'string' ? v : null;
  };
  const configfile = str('configfile') ?? findDefaultConfig(envt.execPath, envt.cwd);
  const file: CtlFileSettings | null = configfile === null ? null : readCtlConfig(configfile, envt.env, envt.cwd);
  const tls = resolveTls(cl, file?.tls, envt);
  return {
    configfile,
    serverurl: str('serverurl') ?? file?.serverurl ?? DEFAULT_SERVERURL,
    username: str('username') ?? file?.username ?? null,
    password: str('password') ?? file?.password ?? null,
    prompt: file?.prompt ?? DEFAULT_PROMPT,
    historyFile: str('history') ?? file?.historyFile ?? null,
    interactive: cl.values.has('interactive') || cl.args.length === 0,
    json: cl.values.has('json'),
    args: cl.args,
    ...(tls === undefined ? {} : { tls }),
  };
}

/** `-h`: our own usage text (supervisorctl's options, same meanings, plus --json). */
export function usageText(progname: string): string {
  return `fleetvisorctl: control the processes of a supervisord or fleetvisord over XML-RPC.

Usage: ${progname} [options] [action [arguments]]

Options:
-c/--configuration FILENAME -- config file to read [supervisorctl] from (searched if not given)
-h/--help -- print this message and exit
-i/--interactive -- ask before shutdown/reload and prompt for credentials when refused
-s/--serverurl URL -- where the daemon listens: http://host:port, https://host:port
     or unix:///path (default "${DEFAULT_SERVERURL}")
-u/--username USERNAME -- user name for the daemon's HTTP basic authentication
-p/--password PASSWORD -- password for the daemon's HTTP basic authentication
-r/--history_file FILE -- keep the shell's line history in FILE
--json -- print one JSON document per command instead of text (exit statuses unchanged)
--version -- print fleetvisorctl's version and exit (the action "version" prints the daemon's)
--tls_ca FILE -- for https: trust the server certificates this PEM CA signed (default: the system's)
--tls_cert FILE, --tls_key FILE -- for https: a client certificate and its key (PEM)
--tls_insecure -- for https: do not verify the server's certificate

action [arguments] -- one command, run once; without an action an interactive shell starts,
which runs "status" first. Type "help" in the shell, or use the action "help", for the list.
`;
}
