// [supervisord]: every option with its default, in supervisord's reading order, plus the
// command-line overrides that win over the file and the made-absolute log/pid paths.
import * as dt from './datatypes.js';
import { ConfigError, ValueError } from './errors.js';
import { expand } from './expand.js';
import { pyAbspath } from '../python/posixpath.js';
import { pyRepr } from '../python/repr.js';
import { SectionReader, type LoadContext } from './context.js';
import type { SupervisordConfig, SupervisordOverrides } from './types.js';

/** The section as read from the file, before command-line values and path normalisation. */
export interface SupervisordSection {
  readonly values: Omit<SupervisordConfig, 'user'> & { readonly user: string | null };
}

/** Reads [supervisord]; adds its environment= entries to the ENV_ expansions as supervisord does. */
export function readSupervisordSection(ctx: LoadContext, tmpdir: string): SupervisordSection {
  const r = new SectionReader(ctx, 'supervisord', new Map([['here', ctx.here]]));
  const p = ctx.pathEnv;
  const minfds = r.conv('minfds', 1024, dt.integer);
  const minprocs = r.conv('minprocs', 200, dt.integer);
  const dirRaw = r.optional('directory');
  const directory = dirRaw === undefined ? null : r.at('directory', () => dt.existingDirectory(dirRaw, p), dirRaw);
  const user = r.optional('user') ?? null;
  const umask = r.conv('umask', '022', dt.octal);
  const logfile = r.conv('logfile', 'supervisord.log', (s) => dt.existingDirpath(s, p));
  const logfile_maxbytes = r.conv('logfile_maxbytes', '50MB', dt.byteSize);
  const logfile_backups = r.conv('logfile_backups', 10, dt.integer);
  const loglevel = r.conv('loglevel', 'info', dt.logLevel);
  const pidfile = r.conv('pidfile', 'supervisord.pid', (s) => dt.existingDirpath(s, p));
  const identifier = String(r.get('identifier', 'supervisor'));
  const nodaemon = r.conv('nodaemon', 'false', dt.boolean);
  const silent = r.conv('silent', 'false', dt.boolean);
  const childlogdir = r.conv('childlogdir', tmpdir, (s) => dt.existingDirectory(s, p));
  const nocleanup = r.conv('nocleanup', 'false', dt.boolean);
  const strip_ansi = r.conv('strip_ansi', 'false', dt.boolean);
  const environment = readEnvironment(r);
  for (const [k, v] of Object.entries(environment)) ctx.envExpansions.set(`ENV_${k}`, v);
  return { values: { logfile, logfile_maxbytes, logfile_backups, loglevel, pidfile, umask, nodaemon, silent,
    minfds, minprocs, nocleanup, childlogdir, user, directory, strip_ansi, identifier,
    environment: ctx.parser.get('supervisord', 'environment') === undefined ? null : environment } };
}

/** (quirk) environment= is expanded twice: once as supervisord.environment, then as environment. */
function readEnvironment(r: SectionReader): Record<string, string> {
  const once = String(r.get('environment', ''));
  const map = new Map<string, string | number>([['here', r.ctx.here], ['host_node_name', r.ctx.hostname]]);
  for (const [k, v] of r.ctx.envExpansions) map.set(k, v);
  return r.at('environment', () => dt.environment(expand(once, map, 'environment')));
}

type Converter = (s: string) => unknown;

/** The command-line flag supervisord reports for each overridable option, and its converter. */
function overrideTable(ctx: LoadContext): Record<string, [string, Converter]> {
  const p = ctx.pathEnv;
  return {
    umask: ['-m', dt.octal], directory: ['-d', (s) => dt.existingDirectory(s, p)],
    logfile: ['-l', (s) => dt.existingDirpath(s, p)], logfile_maxbytes: ['-y', dt.byteSize],
    logfile_backups: ['-z', dt.integer], loglevel: ['-e', dt.logLevel],
    pidfile: ['-j', (s) => dt.existingDirpath(s, p)], identifier: ['-i', String],
    childlogdir: ['-q', (s) => dt.existingDirectory(s, p)], minfds: ['-a', dt.integer],
    minprocs: ['--minprocs', dt.integer], user: ['-u', String],
  };
}

/** Converts command-line values first, as supervisord does before it reads the file. */
export function convertOverrides(ctx: LoadContext, o: SupervisordOverrides): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const table = overrideTable(ctx);
  for (const [name, [flag, fn]] of Object.entries(table)) {
    const raw = (o as Record<string, unknown>)[name];
    if (typeof raw !== 'string') continue;
    try {
      out[name] = fn(raw);
    } catch (err) {
      if (!(err instanceof ValueError)) throw err;
      throw new ConfigError(`invalid value for ${flag} ${pyRepr(raw)}: ${err.message}`, { key: name, value: raw });
    }
  }
  for (const flag of ['nodaemon', 'silent', 'nocleanup', 'strip_ansi'] as const) {
    if (o[flag] === true) out[flag] = true;
  }
  return out;
}

/** Command line wins; then the user is resolved and log/pid paths are made absolute against cwd. */
export function finishSupervisord(ctx: LoadContext, s: SupervisordSection, cli: Record<string, unknown>,
  cwd: string): SupervisordConfig {
  const merged = { ...s.values, ...cli } as SupervisordSection['values'];
  let user = null;
  if (merged.user !== null) {
    const name = merged.user;
    try {
      user = dt.user(name, ctx.users);
    } catch (err) {
      if (!(err instanceof ValueError)) throw err;
      // supervisord checks the merged value: -u has no place in the file to point at.
      if (cli['user'] !== undefined) throw new ConfigError(err.message);
      throw new ConfigError(err.message, new SectionReader(ctx, 'supervisord', new Map()).where('user', name));
    }
  }
  const absolute = (f: string): string => pyAbspath(dt.expandUser(f, ctx.pathEnv), cwd);
  return { ...merged, user, logfile: merged.logfile === 'syslog' ? 'syslog' : absolute(merged.logfile),
    pidfile: absolute(merged.pidfile) };
}
