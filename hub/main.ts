#!/usr/bin/env node
// fleetvisor-hub: runs the hub (the default command), or manages its users from a shell, or
// imports cesi v1's users. The config is -c FILE, else $FLEETVISOR_HUB_CONFIG, else
// /etc/cesi.conf. Exit statuses: 0 done, 1 a command failed, 2 a usage or config error.
import { userInfo } from 'node:os';
import { HubConfigError } from './config/errors.js';
import { loadHubConfig } from './config/load.js';
import { ActivityLog } from './db/activity.js';
import { DatabaseOpenError, DatabaseVersionError } from './db/errors.js';
import { migrate, migrationsDir } from './db/migrate.js';
import { openDatabase } from './db/open.js';
import { SqliteSessionStore } from './db/session-store.js';
import { UserStore } from './db/users.js';
import { importCesiV1 } from './cli/import-cesi-v1.js';
import { runUserCommand, USER_USAGE, type CliIo } from './cli/user-command.js';
import { describeConfigError, HUB_VERSION, startHub } from './serve.js';

export const DEFAULT_CONFIG = '/etc/cesi.conf';

const USAGE = `usage: fleetvisor-hub [-c FILE] [serve]
       fleetvisor-hub [-c FILE] user add|passwd|delete|type|env|list ...
       fleetvisor-hub [-c FILE] import-cesi-v1 USERINFO_DB [--replace]
       fleetvisor-hub --version | --help
The config is FILE, else $FLEETVISOR_HUB_CONFIG, else ${DEFAULT_CONFIG} (cesi.conf, or cesi.conf.toml).
`;

function fail(message: string, status: number): never {
  process.stderr.write(message.endsWith('\n') ? message : `${message}\n`);
  process.exit(status);
}

function parseArgs(argv: string[]): { config: string; command: string[] } {
  let config = process.env.FLEETVISOR_HUB_CONFIG ?? DEFAULT_CONFIG;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i] as string;
    if (rest.length === 0 && (a === '-c' || a === '--config')) {
      const v = argv[i + 1];
      if (v === undefined) fail(`Error: ${a} needs a file name\n${USAGE}`, 2);
      config = v;
      i += 1;
    } else if (rest.length === 0 && a.startsWith('--config=')) {
      config = a.slice('--config='.length);
    } else if (rest.length === 0 && (a === '-v' || a === '--version')) {
      process.stdout.write(`${HUB_VERSION}\n`);
      process.exit(0);
    } else if (rest.length === 0 && (a === '-h' || a === '--help')) {
      process.stdout.write(USAGE);
      process.exit(0);
    } else {
      rest.push(a);
    }
  }
  return { config, command: rest };
}

/** The database of the config, migrated, for the shell commands. */
function openStores(configFile: string): CliIo & { close(): void } {
  const config = loadHubConfig(configFile);
  const db = openDatabase(config.cesi.database);
  migrate(db, migrationsDir());
  const sessions = new SqliteSessionStore(db, { pruneIntervalMs: 0 });
  return {
    users: new UserStore(db, { bcryptRounds: config.cesi.bcryptRounds }),
    activity: new ActivityLog(db, { file: config.cesi.activityLog }),
    sessions,
    stdin: process.stdin, stdout: process.stdout, stderr: process.stderr,
    actor: userInfo().username,
    close: () => { sessions.close(); db.close(); },
  };
}

async function serve(configFile: string): Promise<void> {
  const hub = await startHub({ configFile });
  if (hub.seededAdmin) process.stdout.write(`First start: log in at ${hub.url} as admin / admin; the hub asks for a new password at once.\n`);
  process.on('SIGHUP', () => { void hub.reload(); });
  // Log rotation: the hub's own log is stdout (the journal), and the activity file is opened for
  // each line it appends, so a file logrotate moved away is left at the next line. SIGUSR2, the
  // agent's "reopen your logs", is acknowledged in the log instead of ending the hub (node's default).
  process.on('SIGUSR2', () => {
    process.stdout.write(`${new Date().toISOString()} received SIGUSR2 (log reopen): the activity log is opened anew for each line\n`);
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void hub.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function main(): Promise<void> {
  const { config, command } = parseArgs(process.argv.slice(2));
  const [verb = 'serve', ...args] = command;
  try {
    if (verb === 'serve' && args.length === 0) {
      await serve(config);
      return;
    }
    if (verb === 'user' || verb === 'import-cesi-v1') {
      const io = openStores(config);
      try {
        if (verb === 'user') {
          process.exitCode = await runUserCommand(args, io);
        } else {
          const file = args.find((a) => !a.startsWith('--'));
          if (file === undefined || args.some((a) => a.startsWith('--') && a !== '--replace')) fail(`Error: import-cesi-v1 takes a file\n${USAGE}`, 2);
          process.exitCode = await importCesiV1(file, { ...io, replace: args.includes('--replace') });
        }
      } finally {
        io.close();
      }
      return;
    }
    fail(`Error: unknown command ${JSON.stringify(command.join(' '))}\n${USAGE}\n${USER_USAGE}`, 2);
  } catch (err) {
    if (err instanceof HubConfigError) fail(describeConfigError(err), 2);
    if (err instanceof DatabaseVersionError || err instanceof DatabaseOpenError) fail(`Error: ${err.message}\n  ([cesi] database in ${config})`, 2);
    if (err instanceof Error && 'code' in err && (err.code === 'EADDRINUSE' || err.code === 'EACCES')) {
      fail(`Error: cannot listen: ${err.message}`, 2);
    }
    throw err;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`fleetvisor-hub: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
