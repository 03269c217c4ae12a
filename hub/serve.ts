// The hub's composition root: reads the config, opens and migrates the database, seeds admin/admin
// on the first start, builds the node registry, the services, the event stream and webhooks and
// the app, listens (HTTP, or HTTPS with [cesi] tls_cert/tls_key), and re-reads the config on
// reload() (SIGHUP): nodes added, removed or changed, sessions kept, an invalid file refused with
// the old config left in force. No singletons: everything hangs off the returned RunningHub.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { HUB_VERSION } from './version.js';
import { LogService } from './actions/logs.js';
import { NodeAdmin } from './actions/node-admin.js';
import { ProcessActions } from './actions/process-actions.js';
import { RollingRestarts } from './actions/rolling.js';
import { HubConfigError } from './config/errors.js';
import { loadHubConfig } from './config/load.js';
import type { HubConfig } from './config/types.js';
import { ActivityLog } from './db/activity.js';
import { migrate, migrationsDir } from './db/migrate.js';
import { databaseWarnings, openDatabase } from './db/open.js';
import { SqliteSessionStore } from './db/session-store.js';
import { Settings } from './db/settings.js';
import { TokenStore } from './db/tokens.js';
import { UserStore } from './db/users.js';
import { EventStream } from './events/event-stream.js';
import { publishFleet } from './events/publish.js';
import { WebhookDispatcher } from './events/webhooks.js';
import { Catalog } from './i18n/catalog.js';
import { NodeRegistry } from './nodes/registry.js';
import { FleetSnapshot } from './nodes/snapshot.js';
import { AccountService } from './services/accounts.js';
import { ActivityService } from './services/activity.js';
import { FleetQueries } from './services/fleet.js';
import { createApp } from './web/app.js';
import type { HubServices, LoginLimits } from './web/context.js';

export { HUB_VERSION } from './version.js';
export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perAddress: 30, perUser: 10, windowMs: 15 * 60 * 1000 };

export interface HubOptions {
  readonly configFile: string;
  /** The hub's own log lines (default: stdout with a timestamp, for journald). */
  readonly log?: (line: string) => void;
  readonly loginLimits?: LoginLimits;
}

export interface RunningHub {
  readonly url: string;
  readonly port: number;
  readonly config: () => HubConfig;
  /** True when this start seeded admin/admin (an empty database). */
  readonly seededAdmin: boolean;
  /** Re-reads the config file; resolves false (old config kept) when it is invalid. */
  reload(): Promise<boolean>;
  close(): Promise<void>;
}

function stdoutLog(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

export function describeConfigError(err: HubConfigError): string {
  const where = err.location();
  return where === '' ? `Error: ${err.message}` : `Error: ${err.message}\n  ${where}`;
}

export async function startHub(opts: HubOptions): Promise<RunningHub> {
  const log = opts.log ?? stdoutLog;
  let config = loadHubConfig(opts.configFile);
  for (const w of config.warnings) log(`warning: ${w}`);
  const c = config.cesi;
  const db = openDatabase(c.database);
  for (const w of databaseWarnings(c.database)) log(`warning: ${w}`);
  const migrated = migrate(db, migrationsDir());
  if (migrated.applied.length > 0) log(`database ${c.database}: schema ${migrated.from} -> ${migrated.to} (${migrated.applied.join(', ')})`);

  const users = new UserStore(db, { bcryptRounds: c.bcryptRounds });
  const seededAdmin = await users.seedAdmin();
  const activityLog = new ActivityLog(db, {
    file: c.activityLog,
    onFileError: (err, file) => log(`warning: cannot append to the activity log ${file}: ${err instanceof Error ? err.message : String(err)}`),
  });
  const activity = new ActivityService(activityLog);
  const sessions = new SqliteSessionStore(db);
  const snapshot = new FleetSnapshot({ statsIntervalMs: c.statsIntervalMs });
  const registry = new NodeRegistry(config, snapshot);
  const current = (): HubConfig => config;
  const deps = { registry, snapshot, activity, config: current };
  const rolling = new RollingRestarts(deps);
  const logs = new LogService(deps);
  const events = new EventStream();
  const unpublish = publishFleet({ snapshot, rolling, activity, events });
  // Connection changes go to the hub's own log (journald): when, which node, and why.
  const unlogNodes = snapshot.subscribe((e) => {
    if (e.type !== 'node' || (!e.changedConnection && e.connected)) return;
    log(e.connected ? `node ${e.node}: connected` : `node ${e.node}: not connected (${e.failure?.kind ?? '?'}: ${e.failure?.message ?? ''})`);
  });
  const webhooks = new WebhookDispatcher({ webhooks: () => config.webhooks, snapshot, activity, hubName: c.name });

  const services: HubServices = {
    config: current,
    accounts: new AccountService({
      users, tokens: new TokenStore(db), activity,
      endSessions: (userId, exceptSid) => { sessions.destroyUserSessions(userId, exceptSid); },
      environments: () => new Set(config.environments.keys()),
    }),
    fleet: new FleetQueries(snapshot, current),
    snapshot, actions: new ProcessActions(deps), rolling, logs, nodeAdmin: new NodeAdmin(deps), activity, events,
    catalog: Catalog.load(), sessionStore: sessions, sessionSecret: new Settings(db).sessionSecret(),
    secure: c.tlsCert !== null, version: HUB_VERSION, loginLimits: opts.loginLimits ?? DEFAULT_LOGIN_LIMITS, log,
  };
  const app = createApp(services);
  const server = c.tlsCert !== null && c.tlsKey !== null
    ? https.createServer({ cert: readFileSync(c.tlsCert), key: readFileSync(c.tlsKey) }, app)
    : http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(c.port, c.host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  const host = c.host.includes(':') ? `[${c.host}]` : c.host;
  const url = `${c.tlsCert !== null ? 'https' : 'http'}://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;
  registry.start();
  webhooks.start();
  const heartbeat = setInterval(() => events.heartbeat(), 15_000);
  heartbeat.unref();
  log(`fleetvisor-hub ${HUB_VERSION} listening on ${url} (${config.nodes.size} nodes, database ${c.database})`);

  let closing: Promise<void> | null = null;
  return {
    url, port, config: current, seededAdmin,
    async reload(): Promise<boolean> {
      let next: HubConfig;
      try {
        next = loadHubConfig(opts.configFile);
      } catch (err) {
        if (!(err instanceof HubConfigError)) throw err;
        log(`config reload refused, the old config stays in force: ${describeConfigError(err)}`);
        activity.record({ user: null, remote: null, targetKind: 'config', target: opts.configFile, action: 'config.reload', result: 'failed', detail: err.message });
        return false;
      }
      for (const w of next.warnings) log(`warning: ${w}`);
      config = next;
      const r = await registry.reload(next);
      const detail = `added: ${r.added.join(', ') || '-'}; removed: ${r.removed.join(', ') || '-'}; changed: ${r.changed.join(', ') || '-'}`;
      log(`config reloaded (${detail})`);
      activity.record({ user: null, remote: null, targetKind: 'config', target: opts.configFile, action: 'config.reload', result: 'ok', detail });
      return true;
    },
    close(): Promise<void> {
      closing ??= (async () => {
        clearInterval(heartbeat);
        unpublish();
        unlogNodes();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        logs.close();
        await Promise.all([registry.stop(), webhooks.stop(), closed]);
        sessions.close();
        db.close();
      })();
      return closing;
    },
  };
}
