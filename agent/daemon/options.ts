// fleetvisord's command line: supervisord's flags, their converters and its usage-error texts.
import type { SupervisordOverrides } from '../config/types.js';
import { pyRepr } from '../python/repr.js';
import { cliConverters } from './cli-converters.js';
import { getopt, GetoptError, type OptionSpec } from './getopt.js';

export interface DaemonArgs {
  readonly configfile: string | null;
  readonly help: boolean;
  readonly version: boolean;
  /** The version was asked for as --version (ours: the package's version too), not -v (supervisord's). */
  readonly longVersion: boolean;
  readonly overrides: SupervisordOverrides;
  readonly profileOptions: string | null;
}

export class UsageError extends Error {}

type Key = keyof SupervisordOverrides | 'configfile' | 'help' | 'version' | 'profile_options';
interface Spec extends OptionSpec { readonly key: Key }

const SPECS: readonly Spec[] = [
  { short: 'c', long: 'configuration', takesValue: true, key: 'configfile' },
  { short: 'n', long: 'nodaemon', takesValue: false, key: 'nodaemon' },
  { short: 's', long: 'silent', takesValue: false, key: 'silent' },
  { short: 'h', long: 'help', takesValue: false, key: 'help' },
  { short: '?', long: '', takesValue: false, key: 'help' },
  { short: 'v', long: 'version', takesValue: false, key: 'version' },
  { short: 'u', long: 'user', takesValue: true, key: 'user' },
  { short: 'm', long: 'umask', takesValue: true, key: 'umask' },
  { short: 'd', long: 'directory', takesValue: true, key: 'directory' },
  { short: 'l', long: 'logfile', takesValue: true, key: 'logfile' },
  { short: 'y', long: 'logfile_maxbytes', takesValue: true, key: 'logfile_maxbytes' },
  { short: 'z', long: 'logfile_backups', takesValue: true, key: 'logfile_backups' },
  { short: 'e', long: 'loglevel', takesValue: true, key: 'loglevel' },
  { short: 'j', long: 'pidfile', takesValue: true, key: 'pidfile' },
  { short: 'i', long: 'identifier', takesValue: true, key: 'identifier' },
  { short: 'q', long: 'childlogdir', takesValue: true, key: 'childlogdir' },
  { short: 'k', long: 'nocleanup', takesValue: false, key: 'nocleanup' },
  { short: 'a', long: 'minfds', takesValue: true, key: 'minfds' },
  { short: 't', long: 'strip_ansi', takesValue: false, key: 'strip_ansi' },
  { short: '', long: 'minprocs', takesValue: true, key: 'minprocs' },
  { short: '', long: 'profile_options', takesValue: true, key: 'profile_options' },
];

/** Parses argv (without node and the script); throws UsageError with supervisord's texts. */
export function parseDaemonArgs(argv: readonly string[]): DaemonArgs {
  let parsed;
  try {
    parsed = getopt(argv, SPECS);
  } catch (err) {
    if (err instanceof GetoptError) throw new UsageError(err.message);
    throw err;
  }
  if (parsed.rest.length > 0) {
    throw new UsageError(`positional arguments are not supported: [${parsed.rest.map(pyRepr).join(', ')}]`);
  }
  const values = new Map<Key, string | boolean>();
  for (const { opt, spec, value } of parsed.options) {
    const key = (spec as Spec).key;
    // Like supervisord's handlers, -h and -v act where they stand: options after them are never looked at.
    if (key === 'help' || key === 'version') {
      return { configfile: null, help: key === 'help', version: key === 'version', longVersion: opt === '--version', overrides: {}, profileOptions: null };
    }
    const convert = cliConverters[key as keyof typeof cliConverters];
    if (convert && value !== null) {
      try { convert(value); } catch (err) {
        throw new UsageError(`invalid value for ${opt} ${pyRepr(value)}: ${(err as Error).message}`);
      }
    }
    if (values.has(key)) throw new UsageError(`conflicting command line option ${pyRepr(opt)}`);
    values.set(key, value ?? true);
  }
  const str = (k: Key): string | undefined => {
    const v = values.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const overrides: Record<string, string | boolean> = {};
  for (const [k, v] of values) if (k !== 'configfile' && k !== 'profile_options') overrides[k] = v;
  return {
    configfile: str('configfile') ?? null,
    help: false,
    version: false,
    longVersion: false,
    overrides: overrides as SupervisordOverrides,
    profileOptions: str('profile_options') ?? null,
  };
}

export const USAGE = `fleetvisord: keeps a set of programs running (a supervisord 4.2.5 drop-in).

Usage: fleetvisord [options]

Options (each overrides the same-named [supervisord] setting):
-c/--configuration FILE     config file to read (searched for when absent)
-n/--nodaemon               stay in the foreground (nodaemon=true)
-s/--silent                 with -n, do not copy the log to stdout (silent=true)
-h/--help                   show this text and exit
-v                          print the supervisord version implemented (4.2.5) and exit
--version                   print fleetvisor's version and the supervisord version, and exit
-u/--user USER              switch to this user (name or uid) at start
-m/--umask UMASK            umask of the daemon (octal, default 022)
-d/--directory DIR          directory to change to once daemonized
-l/--logfile FILE           path of the main log
-y/--logfile_maxbytes SIZE  rotate the main log at this size (KB, MB, GB)
-z/--logfile_backups NUM    rotated main logs to keep
-e/--loglevel LEVEL         critical, error, warn, info, debug, trace or blather
-j/--pidfile FILE           where to write the daemon's pid
-i/--identifier STR         name of this instance (RPC and AUTO log names)
-q/--childlogdir DIR        directory of AUTO child logs
-k/--nocleanup              keep old AUTO child logs at start
-a/--minfds NUM             file descriptors required to start
-t/--strip_ansi             remove ANSI escapes from child output
--minprocs NUM              processes required to start
--profile_options OPTS      accepted for compatibility (profile with node --cpu-prof)
`;
