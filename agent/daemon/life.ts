// One life of the daemon: from a loaded config to every process stopped. A SIGHUP restart ends a
// life and main.ts begins the next one with a freshly read config (same process, same pid).
import type { LoadedConfig } from '../config/types.js';
import { EventBus } from '../events/bus.js';
import { cleanupAutoLogs } from '../logging/auto-logs.js';
import { createMainLogger } from '../logging/main-log.js';
import { realClock } from '../process/clock.js';
import { NodeSpawner } from '../process/node-spawner.js';
import { SupervisorState } from '../process/states.js';
import { Supervisor } from '../supervisor.js';
import { killOrphans, ledgerPath, removeLedger, writeLedger } from './orphans.js';
import { removePidfile, writePidfile } from './pidfile.js';
import { defaultServerUrl } from './server-url.js';
import { openApi } from './api.js';

const SIGTERM = 15;
const ROOT_WARNING = 'Supervisor is running as root.  Privileges were not dropped because no user is specified in the config file.  If you intend to run as root, you can set user=root in the config file to avoid this message.';

export interface LifeOptions {
  readonly config: LoadedConfig;
  /** Info lines produced before the log existed (rlimits, setuid). */
  readonly earlyInfo: readonly string[];
  /** Called once the daemon is up (groups created, pidfile written). */
  readonly onStarted?: () => void;
  /** Re-reads the config file for supervisor.reloadConfig (command-line values still win). */
  readConfig(): LoadedConfig;
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
  for (const m of config.messages) log[m.level](m.text);
  if (sd.user === null && process.getuid?.() === 0) log.critical(ROOT_WARNING);
  for (const line of opts.earlyInfo) log.info(line);
  const ledger = ledgerPath(sd.pidfile);
  for (const line of killOrphans(ledger)) log.warn(line);
  if (!sd.nocleanup) cleanupAutoLogs(sd.childlogdir, sd.identifier);

  const bus = new EventBus();
  let ledgerQueued = false;
  const supervisor: Supervisor = new Supervisor({
    config, log, bus, spawner: new NodeSpawner(), clock: realClock,
    baseEnv: childBaseEnv(config), serverUrl: defaultServerUrl(config.httpServers),
    parentDeathSignal: SIGTERM,
    onChildrenChanged: () => {
      // Coalesce: one ledger write per event-loop turn however many children changed.
      if (ledgerQueued) return;
      ledgerQueued = true;
      setImmediate(() => { ledgerQueued = false; writeLedger(ledger, supervisor.liveChildren()); });
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
  const outcome = installSignals(supervisor, log);
  supervisor.start();
  const pidErr = writePidfile(sd.pidfile);
  if (pidErr) log.critical(pidErr);
  log.info(`supervisord started with pid ${process.pid}`);
  opts.onStarted?.();

  await supervisor.whenStopped();
  await servers?.close();
  outcome.dispose();
  removeLedger(ledger);
  const result: LifeOutcome = supervisor.state === SupervisorState.RESTARTING ? 'restart' : 'shutdown';
  if (result === 'shutdown') removePidfile(sd.pidfile);
  log.close();
  return result;
}

/** The daemon's environment plus [supervisord] environment=, the base of every child's env. */
function childBaseEnv(config: LoadedConfig): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return { ...env, ...(config.supervisord.environment ?? {}) };
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
    log.reopen();
    log.info('supervisord logreopen');
    supervisor.reopenLogs();
  }]);
  for (const [sig, fn] of handlers) process.on(sig, fn);
  return { dispose: () => { for (const [sig, fn] of handlers) process.off(sig, fn); } };
}
