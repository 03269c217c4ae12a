// loadConfig(): reads the main file and its [include]s, builds every section in supervisord's
// order and returns the deep-frozen LoadedConfig; throws ConfigError with supervisord's text.
import { existsSync, readFileSync } from 'node:fs';
import { hostname as osHostname, tmpdir } from 'node:os';
import { resolve } from 'node:path';
import type { LoadContext } from './context.js';
import { ConfigError } from './errors.js';
import { processIncludes } from './include.js';
import { IniParser } from './ini.js';
import { pyAbspath, pyDirname } from '../python/posixpath.js';
import { readGroups } from './schema-groups.js';
import { defaultResolveSpec, readRpcInterfaces } from './schema-plugins.js';
import { readServers } from './schema-servers.js';
import { convertOverrides, finishSupervisord, readSupervisordSection } from './schema-supervisord.js';
import type { GroupConfig, LoadedConfig, ParseMessage, SupervisordOverrides } from './types.js';
import { systemUserDb, type UserDb } from './users.js';
import { checkDependencies } from './dependencies.js';

export interface LoadOptions {
  overrides?: SupervisordOverrides;
  /** supervisord's own environment (ENV_ expansions); default process.env. */
  env?: Record<string, string | undefined>;
  /** host_node_name; default os.hostname(). */
  hostname?: string;
  /** Directory relative paths are resolved against; default process.cwd(). */
  cwd?: string;
  passwd?: UserDb;
  /** Whether a module:attr spec (rpcinterface factory, result_handler) can be used. */
  resolveSpec?: (spec: string) => boolean;
  /** The effective uid (fcgi socket ownership default); default process.getuid(). */
  uid?: number;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The main file's bytes; `file` is shown as given, as supervisord shows it in every message. */
function readMain(file: string, cwd: string): Buffer {
  const abs = resolve(cwd, file);
  if (!existsSync(abs)) throw new ConfigError(`could not find config file ${file}`, { file });
  try { return readFileSync(abs); } catch (err) {
    throw new ConfigError(`could not read config file ${file}`, { file }, { cause: err });
  }
}

function makeContext(file: string, opts: LoadOptions, cwd: string): LoadContext {
  const env = opts.env ?? process.env;
  const users = opts.passwd ?? systemUserDb();
  const envExpansions = new Map<string, string>();
  for (const [k, v] of Object.entries(env)) if (v !== undefined) envExpansions.set(`ENV_${k}`, v);
  return { parser: new IniParser(), envExpansions, here: pyAbspath(pyDirname(file), cwd), hostname: opts.hostname ?? osHostname(),
    configFile: file, pathEnv: { home: env['HOME'], users, uid: selfUid(opts), cwd }, users,
    resolveSpec: opts.resolveSpec ?? defaultResolveSpec,
    criticals: [], warnings: [], infos: [] };
}

function selfUid(opts: LoadOptions): number {
  return opts.uid ?? process.getuid?.() ?? 0;
}

/**
 * Loads a supervisord.conf the way supervisord 4.2.5 does at startup. `file` is the path as given
 * (-c or the search): it is read relative to `cwd`, and messages show it unchanged.
 */
export function loadConfig(file: string, opts: LoadOptions = {}): LoadedConfig {
  const cwd = opts.cwd ?? process.cwd();
  const ctx = makeContext(file, opts, cwd);
  const cli = convertOverrides(ctx, opts.overrides ?? {});
  ctx.parser.readBytes(readMain(file, cwd), file);
  processIncludes(ctx, file, cwd);
  if (!ctx.parser.hasSection('supervisord')) {
    throw new ConfigError('.ini file does not include supervisord section', { file });
  }
  const section = readSupervisordSection(ctx, tmpdir());
  const rpcinterfaces = readRpcInterfaces(ctx);
  const groups = readGroups(ctx, selfUid(opts));
  checkDependencies(groups, (program) => {
    const section = [`program:${program}`, `fcgi-program:${program}`].find((sec) => ctx.parser.hasSection(sec)) ?? `program:${program}`;
    return { section, file: ctx.parser.sectionToFile.get(section) ?? file };
  });
  const httpServers = readServers(ctx, cwd);
  const supervisord = finishSupervisord(ctx, section, cli, cwd);
  const messages: ParseMessage[] = [
    ...ctx.criticals.map((text) => ({ level: 'critical' as const, text })),
    ...ctx.warnings.map((text) => ({ level: 'warn' as const, text })),
    ...ctx.infos.map((text) => ({ level: 'info' as const, text })),
  ];
  return deepFreeze({ file: resolve(cwd, file), supervisord, httpServers, rpcinterfaces,
    groups: withGlobalEnvironment(groups, supervisord.environment), messages });
}

/**
 * supervisord folds [supervisord] environment= into every process's environment (program entries
 * win), after the SUPERVISOR_* variables are set at spawn, so the global entries can override
 * those too, and a change of them makes every group "changed" on reread.
 */
function withGlobalEnvironment(groups: readonly GroupConfig[], global: Readonly<Record<string, string>> | null): GroupConfig[] {
  if (global === null) return [...groups];
  return groups.map((g) => ({ ...g, processes: g.processes.map((p) => ({ ...p, environment: { ...global, ...(p.environment ?? {}) } })) }));
}
