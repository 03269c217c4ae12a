#!/usr/bin/env node
// fleetvisord: parse the command line, load the config, daemonize, then run lives until shutdown.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './config/errors.js';
import { loadConfig } from './config/load.js';
import { findConfigFile } from './config/search.js';
import type { LoadedConfig, SupervisordOverrides } from './config/types.js';
import { daemonChildInfo, daemonize, reportStart } from './daemon/daemonize.js';
import { runLife } from './daemon/life.js';
import { HttpServerStartError } from './http/errors.js';
import { parseDaemonArgs, UsageError, USAGE } from './daemon/options.js';
import { checkPidfile } from './daemon/pidfile.js';
import { dropPrivileges } from './daemon/privileges.js';
import { ensureRlimits } from './daemon/rlimits.js';
import { FcgiSocketError } from './process/errors.js';
import { SUPERVISOR_VERSION } from './version.js';


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

function load(file: string, overrides: SupervisordOverrides, cwd: string): LoadedConfig {
  try {
    return loadConfig(file, { overrides, cwd });
  } catch (err) {
    if (err instanceof ConfigError) fail(configMessage(err));
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
  if (args.version) { process.stdout.write(`${SUPERVISOR_VERSION}\n`); return; }
  const cwd = child?.originalCwd ?? process.cwd();
  let file: string;
  try {
    file = args.configfile !== null ? resolve(cwd, args.configfile) : findConfigFile(process.argv[1] ?? '', cwd);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  if (!existsSync(file)) fail(`could not find config file ${args.configfile ?? file}`);
  let config = load(file, args.overrides, cwd);
  const busy = checkPidfile(config.supervisord.pidfile);
  if (busy) fail(busy);
  if (!config.supervisord.nodaemon && !child) {
    daemonize(config.supervisord.directory);
    return;
  }
  if (child) process.umask(config.supervisord.umask);
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
  if (child) earlyInfo.push('daemonizing the supervisord process');
  const readConfig = () => loadConfig(file, { overrides: args.overrides, cwd });
  for (;;) {
    let outcome;
    try {
      outcome = await runLife({
        config,
        earlyInfo,
        readConfig,
        onStarted: () => { if (child) reportStart({ ready: true }); },
      });
    } catch (err) {
      // A group that cannot be created (its fcgi socket does not bind) or a server that cannot
      // listen is a start-up error: nothing was started.
      if (err instanceof FcgiSocketError || err instanceof HttpServerStartError) fail(err.message);
      throw err;
    }
    if (outcome === 'shutdown') break;
    earlyInfo.length = 0;
    // Restart: re-read the file; command-line values still win. An invalid file ends the daemon.
    config = load(file, args.overrides, cwd);
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
