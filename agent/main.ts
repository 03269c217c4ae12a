#!/usr/bin/env node
// fleetvisord: parse the command line, load the config, daemonize, then run lives until shutdown.
import { ConfigError } from './config/errors.js';
import { loadConfig } from './config/load.js';
import { findConfigFile } from './config/search.js';
import type { LoadedConfig, SupervisordOverrides } from './config/types.js';
import { daemonChildInfo, daemonize, reportStart } from './daemon/daemonize.js';
import { runLife } from './daemon/life.js';
import { createDaemonEventState } from './events/sequence.js';
import { HttpServerStartError } from './http/errors.js';
import { parseDaemonArgs, UsageError, USAGE } from './daemon/options.js';
import { checkPidfile, removePidfile } from './daemon/pidfile.js';
import { dropPrivileges } from './daemon/privileges.js';
import { ensureRlimits } from './daemon/rlimits.js';
import { FcgiSocketError } from './process/errors.js';
import { FLEETVISOR_VERSION, SUPERVISOR_VERSION } from './version.js';
import { SpawnRoute } from './process/spawn-route.js';


const ROOT_SEARCH_WARNING = 'UserWarning: Supervisord is running as root and it is searching for its configuration file in default locations (including its current working directory); you probably want to specify a "-c" argument specifying an absolute path to a configuration file for improved security.\n';

/** Start-up failures exit 2, as supervisord's usage errors do (README "Exit codes"). */
const EXIT_USAGE = 2;

const child = daemonChildInfo();

/** Thrown after a daemon child reported its failure: the exit happens once the report is sent. */
class ReportedExit extends Error {}

function fail(message: string): never {
  const text = `Error: ${message}\nFor help, use ${process.argv[1] ?? 'fleetvisord'} -h\n`;
  if (child) {
    reportStart({ ready: false, text, code: EXIT_USAGE }, () => process.exit(EXIT_USAGE));
    throw new ReportedExit();
  }
  process.stderr.write(text);
  process.exit(EXIT_USAGE);
}

function configMessage(err: ConfigError): string {
  const where = err.location();
  return where ? `${err.message}\n  (${where})` : err.message;
}

function load(file: string, overrides: SupervisordOverrides, cwd: string, beforeFail?: () => void): LoadedConfig {
  try {
    return loadConfig(file, { overrides, cwd });
  } catch (err) {
    if (err instanceof ConfigError) {
      beforeFail?.();
      fail(configMessage(err));
    }
    throw err;
  }
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseDaemonArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) fail(err.message);
    throw err;
  }
  if (args.help) { process.stdout.write(USAGE); return; }
  // -v is supervisord's (scripts parse it); --version also names the package (`fleetvisor-hub --version`'s).
  if (args.version) {
    process.stdout.write(args.longVersion ? `fleetvisor ${FLEETVISOR_VERSION} (supervisord ${SUPERVISOR_VERSION})\n` : `${SUPERVISOR_VERSION}\n`);
    return;
  }
  const cwd = child?.originalCwd ?? process.cwd();
  if (args.configfile === null && process.getuid?.() === 0) process.stderr.write(ROOT_SEARCH_WARNING);
  // The path as given (read relative to cwd): supervisord shows it unchanged in its messages.
  let file: string;
  try {
    file = args.configfile ?? findConfigFile(process.argv[1] ?? '', cwd);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  let config = load(file, args.overrides, cwd);
  const busy = checkPidfile(config.supervisord.pidfile);
  if (busy) fail(busy);
  if (!config.supervisord.nodaemon && !child) {
    daemonize();
    return;
  }
  const earlyInfo: string[] = [];
  if (config.supervisord.user) {
    const msg = dropPrivileges(config.supervisord.user);
    if (msg) fail(msg);
    earlyInfo.push(`Set uid to user ${config.supervisord.user.uid} succeeded`);
  }
  try {
    earlyInfo.push(...ensureRlimits(config.supervisord.minfds, config.supervisord.minprocs));
  } catch (err) {
    fail((err as Error).message);
  }
  const readConfig = () => loadConfig(file, { overrides: args.overrides, cwd });
  // supervisord's global event serial keeps counting across SIGHUP restarts.
  const events = createDaemonEventState();
  const spawnRoute = new SpawnRoute();
  for (let first = true; ; first = false) {
    let outcome;
    try {
      outcome = await runLife({
        config,
        earlyInfo,
        readConfig,
        events,
        spawnRoute,
        ...(child && first ? { daemonized: { directory: config.supervisord.directory, umask: config.supervisord.umask } } : {}),
        // Only the first life reports: the foreground parent is gone after it, and so is the channel.
        onStarted: () => { if (child && first) reportStart({ ready: true }); },
      });
    } catch (err) {
      // A group that cannot be created (its fcgi socket does not bind) or a server that cannot
      // listen is a start-up error: nothing was started.
      if (err instanceof FcgiSocketError || err instanceof HttpServerStartError) fail(err.message);
      throw err;
    }
    if (outcome === 'shutdown') break;
    earlyInfo.length = 0;
    // Restart: re-read the file; command-line values still win. An invalid file ends the daemon
    // (exit 2), and like supervisord's orderly exit it takes the pidfile with it.
    const pidfile = config.supervisord.pidfile;
    config = load(file, args.overrides, cwd, () => removePidfile(pidfile));
  }
  process.exit(0);
}

process.on('unhandledRejection', (reason) => {
  process.stderr.write(`fleetvisord: unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}\n`);
  process.exit(1);
});

main().catch((err: unknown) => {
  if (err instanceof ReportedExit) return;
  process.stderr.write(`fleetvisord: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
