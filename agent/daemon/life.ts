// One life of the daemon: from a loaded config to every process stopped. A SIGHUP restart ends a
// life and main.ts begins the next one with a freshly read config (same process, same pid).
import type { LoadedConfig } from '../config/types.js';
import { EventBus } from '../events/bus.js';
import type { DaemonEventState } from '../events/sequence.js';
import { cleanupAutoLogs } from '../logging/auto-logs.js';
import { createMainLogger } from '../logging/main-log.js';
import { pyStrRepr } from '../python/repr.js';
import { realClock } from '../process/clock.js';
import { NodeSpawner } from '../process/node-spawner.js';
import { HELPER_ENV } from '../process/spawn-helper.js';
import type { SpawnRoute } from '../process/spawn-route.js';
import { SupervisorState } from '../process/states.js';
import { Supervisor } from '../supervisor.js';
import { daemonGuardian, type Guardian } from './guardian.js';
import { killOrphans, LedgerWriter, ledgerPath } from './orphans.js';
import { removePidfile, writePidfile } from './pidfile.js';
import { defaultServerUrl } from './server-url.js';
import { openApi } from './api.js';

const ROOT_WARNING = 'Supervisor is running as root.  Privileges were not dropped because no user is specified in the config file.  If you intend to run as root, you can set user=root in the config file to avoid this message.';

export interface LifeOptions {
  readonly config: LoadedConfig;
  /** Info lines produced before the log existed (rlimits, setuid). */
  readonly earlyInfo: readonly string[];
  /** Called once the daemon is up (groups created, pidfile written). */
  readonly onStarted?: () => void;
  /** Re-reads the config file for supervisor.reloadConfig (command-line values still win). */
  readConfig(): LoadedConfig;
  /** Set in the first life of a daemonized process: chdir and umask happen once the servers are open. */
  readonly daemonized?: { readonly directory: string | null; readonly umask: number };
  /** The event serial and tick slices, which outlive a life as in supervisord. */
  readonly events?: DaemonEventState;
  /** fv-spawn or node's spawn: one route (and helper) for every life of the process. */
  readonly spawnRoute: SpawnRoute;
}

export type LifeOutcome = 'shutdown' | 'restart';

/** Runs until shutdown or restart has stopped every process. */
export async function runLife(opts: LifeOptions): Promise<LifeOutcome> {
  const { config } = opts;
  const sd = config.supervisord;
  const log = createMainLogger({
    logfile: sd.logfile, maxbytes: sd.logfile_maxbytes, backups: sd.logfile_backups,
    level: sd.loglevel, echo: sd.nodaemon && !sd.silent,
  });
  // supervisord logs the root warning before the buffered parse messages.
  if (sd.user === null && process.getuid?.() === 0) log.critical(ROOT_WARNING);
  for (const m of config.messages) log[m.level](m.text);
  for (const line of opts.earlyInfo) log.info(line);
  const ledger = ledgerPath(sd.pidfile);
  for (const line of killOrphans(ledger)) log.warn(line);
  const guardian = startGuardian(log, ledger);
  if (!sd.nocleanup) cleanupAutoLogs(sd.childlogdir, sd.identifier, log);

  if (opts.spawnRoute.helper() === null) {
    const why = process.env[HELPER_ENV] === '0' ? `${HELPER_ENV}=0` : 'fv-spawn not built (no C compiler when the package was installed or built?)';
    log.info(`children are spawned by node's child_process (${why}); fv-spawn is faster`);
  }
  const bus = new EventBus();
  let ledgerQueued = false;
  const ledgerWriter = new LedgerWriter(ledger);
  const supervisor: Supervisor = new Supervisor({
    config, log, bus, spawner: new NodeSpawner(opts.spawnRoute), clock: realClock,
    baseEnv: childBaseEnv(), serverUrl: defaultServerUrl(config.httpServers),
    events: opts.events,
    onChildrenChanged: () => {
      // Coalesce: one ledger write per event-loop turn however many children changed.
      if (ledgerQueued) return;
      ledgerQueued = true;
      setImmediate(() => { ledgerQueued = false; ledgerWriter.update(supervisor.liveChildren()); });
    },
  });
  let servers;
  try {
    supervisor.createGroups();
    servers = await openApi(config, { supervisor, mainLog: log, readConfig: opts.readConfig });
  } catch (err) {
    // A group or a server that cannot be created ends the start-up with nothing spawned.
    log.close();
    throw err;
  }
  if (opts.daemonized) enterDaemonDirectory(opts.daemonized, log);
  const outcome = installSignals(supervisor, log);
  supervisor.start();
  const pidErr = writePidfile(sd.pidfile);
  if (pidErr) log.critical(pidErr);
  log.info(`supervisord started with pid ${process.pid}`);
  opts.onStarted?.();

  await supervisor.whenStopped();
  await servers?.close();
  outcome.dispose();
  ledgerWriter.remove();
  const result: LifeOutcome = supervisor.state === SupervisorState.RESTARTING ? 'restart' : 'shutdown';
  if (result === 'shutdown') {
    removePidfile(sd.pidfile);
    guardian?.release();
  }
  log.close();
  return result;
}

/** Layer 1 of the orphan protection, kept across lives; without it only layer 2 protects. */
function startGuardian(log: ReturnType<typeof createMainLogger>, listFile: string): Guardian | null {
  try {
    const guardian = daemonGuardian();
    guardian.onLost = (text) => log.warn(text);
    guardian.watch(listFile);
    return guardian;
  } catch (err) {
    log.warn(`could not start the orphan guardian: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}

/** The daemon's own environment, the base of every child's ([supervisord] environment= is in each process config). */
function childBaseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return env;
}

interface SignalHandle { dispose(): void }

function installSignals(supervisor: Supervisor, log: ReturnType<typeof createMainLogger>): SignalHandle {
  const handlers: [NodeJS.Signals, () => void][] = [];
  const exitRequest = (name: string) => () => {
    log.warn(`received ${name} indicating exit request`);
    supervisor.shutdown();
  };
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const) handlers.push([sig, exitRequest(sig)]);
  handlers.push(['SIGHUP', () => {
    if (supervisor.state === SupervisorState.SHUTDOWN) {
      log.warn('ignored SIGHUP indicating restart request (shutdown in progress)');
      return;
    }
    log.warn('received SIGHUP indicating restart request');
    supervisor.restart();
  }]);
  handlers.push(['SIGUSR2', () => {
    log.info('received SIGUSR2 indicating log reopen request');
    // Written to the old file, as supervisord does, then every log is reopened by path.
    log.info('supervisord logreopen');
    log.reopen();
    supervisor.reopenLogs();
  }]);
  // A SIGUSR1 listener also stops node from opening its inspector on SIGUSR1, which would let any
  // local user attach a debugger to the daemon (and run code as its user).
  handlers.push(['SIGUSR1', () => { log.blather('received SIGUSR1 indicating nothing'); }]);
  for (const [sig, fn] of handlers) process.on(sig, fn);
  return { dispose: () => { for (const [sig, fn] of handlers) process.off(sig, fn); } };
}

/**
 * The tail of supervisord's daemonize, after the HTTP servers are open: chdir to directory= and
 * apply umask= (so the main log, already open, keeps the mode it was created with).
 */
function enterDaemonDirectory(d: { readonly directory: string | null; readonly umask: number }, log: ReturnType<typeof createMainLogger>): void {
  log.info('daemonizing the supervisord process');
  if (d.directory !== null) {
    try {
      process.chdir(d.directory);
      log.info(`set current directory: ${pyStrRepr(d.directory)}`);
    } catch (err) {
      log.critical(`can't chdir into ${pyStrRepr(d.directory)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  process.umask(d.umask);
}
