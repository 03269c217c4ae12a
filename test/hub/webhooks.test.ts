// Alert webhooks driven by a real FleetSnapshot into a real HTTP receiver: which alerts fire for whom, the
// signed request, retries, timeouts, order, the queue bound, reloads, stop(), and no URL or secret logged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { setImmediate as tick } from 'node:timers/promises';
import type { ProcessInfo } from '../../agent/rpc/wire-types.js';
import { FLEETVISOR_VERSION } from '../../agent/version.js';
import type { WebhookConfig, WebhookEvent } from '../../hub/config/types.js';
import { ActivityLog, type ActivityEntry } from '../../hub/db/activity.js';
import { migrate, migrationsDir } from '../../hub/db/migrate.js';
import { openDatabase } from '../../hub/db/open.js';
import { MAX_QUEUED_DELIVERIES, WebhookDispatcher } from '../../hub/events/webhooks.js';
import { FleetSnapshot, type NodeMeta } from '../../hub/nodes/snapshot.js';
import { freePort } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait-for.js';

const STATES = { STOPPED: 0, STARTING: 10, RUNNING: 20, BACKOFF: 30, STOPPING: 40, EXITED: 100, FATAL: 200 } as const;
type StateName = keyof typeof STATES;

const META: NodeMeta = { supervisorVersion: '4.2.5', identification: 'supervisor', fleetvisorVersion: null, supervisorState: 'RUNNING' };
const NOW = Date.UTC(2024, 0, 2, 3, 4, 5);
const ALL_EVENTS: readonly WebhookEvent[] = ['process_fatal', 'process_exited_unexpected', 'node_down', 'node_up'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function info(namespec: string, statename: StateName, extra: Partial<ProcessInfo> = {}): ProcessInfo {
  const [group = '', name = group] = namespec.split(':');
  return {
    name, group, start: 1_700_000_000, stop: 0, now: 1_700_000_100, state: STATES[statename], statename, spawnerr: '',
    exitstatus: 0, logfile: '', stdout_logfile: '', stderr_logfile: '', pid: statename === 'RUNNING' ? 4242 : 0, description: '',
    ...extra,
  };
}

function hook(name: string, url: string, extra: Partial<WebhookConfig> = {}): WebhookConfig {
  return { name, url, events: ALL_EVENTS, environments: null, secret: null, ...extra };
}

/** A value inside parsed JSON, or undefined. */
function field(value: unknown, ...path: string[]): unknown {
  let v = value;
  for (const k of path) v = typeof v === 'object' && v !== null ? Reflect.get(v, k) : undefined;
  return v;
}

interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly raw: Buffer;
  readonly body: string;
  readonly json: unknown;
}

/** What one request is answered with (a status), possibly later. */
type Reply = (r: Received, index: number) => number | Promise<number>;

interface Receiver {
  readonly base: string;
  readonly got: Received[];
  /** Answers sent, completely. */
  answered: number;
  inFlight: number;
  maxInFlight: number;
}

/** "event subject" of a received payload: the namespec for a process alert, else the node. */
function what(r: Received): string {
  return `${String(field(r.json, 'event'))} ${String(field(r.json, 'process', 'namespec') ?? field(r.json, 'node'))}`;
}

/** A promise opened from outside. */
function gate(): { readonly promise: Promise<void>; open(): void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => { open = resolve; });
  return { promise, open: () => open() };
}

interface Harness {
  readonly snapshot: FleetSnapshot;
  readonly activity: ActivityLog;
  readonly dispatcher: WebhookDispatcher;
  /** The config in force; replace it to "reload". */
  hooks: readonly WebhookConfig[];
  /** How often the dispatcher called fetch. */
  fetches: number;
  receiver(reply?: Reply): Promise<Receiver>;
  /** Webhook delivery rows, oldest first. */
  rows(): ActivityEntry[];
  /** How many of those there are. */
  count(): number;
  /** web1 (prod), dev1 (dev) and lab1 (no environment) connected for the first time with `infos`. */
  connect(node: string, infos: readonly ProcessInfo[], exitcodes?: ReadonlyMap<string, readonly number[]> | null): void;
}

interface Ctx { after(fn: () => void | Promise<void>): void }

function harness(t: Ctx, opts: { retryDelaysMs?: readonly number[]; timeoutMs?: number } = {}): Harness {
  const db = openDatabase(':memory:');
  migrate(db, migrationsDir());
  const activity = new ActivityLog(db, { file: null });
  const snapshot = new FleetSnapshot({ statsIntervalMs: 10_000 });
  snapshot.setNodes([
    { name: 'web1', url: 'http://10.0.0.1:9001', environments: ['prod'] },
    { name: 'dev1', url: 'http://10.0.0.2:9001', environments: ['dev'] },
    { name: 'lab1', url: 'http://10.0.0.3:9001', environments: [] },
  ]);
  const servers: ReturnType<typeof createServer>[] = [];
  const h: Harness = {
    snapshot, activity, hooks: [], fetches: 0,
    dispatcher: new WebhookDispatcher({
      webhooks: () => h.hooks, snapshot, activity, hubName: 'test-hub', now: () => NOW,
      retryDelaysMs: opts.retryDelaysMs ?? [10, 20], timeoutMs: opts.timeoutMs ?? 5000,
      fetch: (input, init) => { h.fetches += 1; return fetch(input, init); },
    }),
    async receiver(reply = () => 200) {
      const rec: Receiver = { base: '', got: [], answered: 0, inFlight: 0, maxInFlight: 0 };
      const server = createServer((req, res) => {
        rec.inFlight += 1;
        rec.maxInFlight = Math.max(rec.maxInFlight, rec.inFlight);
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const raw = Buffer.concat(chunks);
          const body = raw.toString('utf8');
          const r: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, body, json: JSON.parse(body) };
          rec.got.push(r);
          void Promise.resolve(reply(r, rec.got.length - 1)).then((status) => {
            rec.inFlight -= 1;
            if (status >= 300 && status < 400) res.setHeader('Location', '/elsewhere');
            res.on('finish', () => { rec.answered += 1; });
            res.writeHead(status).end('answer');
          });
        });
      });
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const addr = server.address();
      assert.ok(typeof addr === 'object' && addr !== null);
      return Object.assign(rec, { base: `http://127.0.0.1:${addr.port}` });
    },
    count: () => activity.search({ action: 'webhook.delivery', perPage: 1 }).total,
    rows: () => activity.latest(100_000).filter((e) => e.action === 'webhook.delivery').sort((a, b) => a.id - b.id),
    connect: (node, infos, exitcodes = null) => snapshot.replace(node, META, infos, exitcodes),
  };
  h.dispatcher.start();
  t.after(async () => {
    for (const s of servers) s.closeAllConnections();
    await h.dispatcher.stop();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    db.close();
  });
  return h;
}

test('each alert fires once with its payload and headers; a first connection is not node_up, a return is', async (t) => {
  const h = harness(t);
  const r = await h.receiver();
  h.hooks = [hook('all', `${r.base}/all`)];

  // web1 knows its exitcodes: job exiting 2 is expected, cron exiting 1 is not.
  h.connect('web1', [info('web:web_0', 'RUNNING'), info('cron:cron', 'RUNNING'), info('job:job', 'RUNNING')],
    new Map([['web:web_0', [0]], ['cron:cron', [0]], ['job:job', [0, 2]]]));
  h.snapshot.applyChanges('web1', [info('web:web_0', 'FATAL', { spawnerr: 'ENOENT', description: 'Exited too quickly (process log may have details)' })]);
  h.snapshot.applyChanges('web1', [info('job:job', 'EXITED', { exitstatus: 2 }), info('cron:cron', 'EXITED', { exitstatus: 1, description: 'Jan 02 03:04 AM' })]);
  h.snapshot.stats('web1', []);
  h.snapshot.failed('web1', { kind: 'refused', message: 'connection refused' });
  h.snapshot.failed('web1', { kind: 'timeout', message: 'no answer' });
  h.connect('web1', [info('web:web_0', 'FATAL'), info('cron:cron', 'EXITED', { exitstatus: 1 }), info('job:job', 'EXITED', { exitstatus: 2 })]);
  // lab1 was never reached: failing and then connecting are neither down nor up.
  h.snapshot.failed('lab1', { kind: 'refused', message: 'connection refused' });
  h.connect('lab1', [info('x:x', 'RUNNING')]);
  h.connect('lab1', []);
  // dev1 has no exitcodes: any status but 0 is unexpected.
  h.connect('dev1', [info('app:app', 'RUNNING'), info('ok:ok', 'RUNNING')]);
  h.snapshot.applyChanges('dev1', [info('ok:ok', 'EXITED', { exitstatus: 0 })]);
  h.snapshot.applyChanges('dev1', [info('app:app', 'EXITED', { exitstatus: 3 })]);

  await waitFor(() => h.count() >= 5, { what: 'five deliveries logged' });
  await h.dispatcher.stop();
  assert.deepEqual(r.got.map(what), [
    'process_fatal web:web_0', 'process_exited_unexpected cron:cron', 'node_down web1', 'node_up web1', 'process_exited_unexpected app:app',
  ]);
  const [fatal, , down, up] = r.got;
  assert.ok(fatal !== undefined && down !== undefined && up !== undefined);
  assert.deepEqual(fatal.json, {
    event: 'process_fatal', time: '2024-01-02T03:04:05.000Z', hub: 'test-hub', node: 'web1', environments: ['prod'],
    process: {
      namespec: 'web:web_0', group: 'web', name: 'web_0', statename: 'FATAL', pid: 0, exitstatus: 0, spawnerr: 'ENOENT',
      description: 'Exited too quickly (process log may have details)',
    },
  });
  assert.deepEqual(down.json, {
    event: 'node_down', time: '2024-01-02T03:04:05.000Z', hub: 'test-hub', node: 'web1', environments: ['prod'],
    failure: { kind: 'refused', message: 'connection refused' },
  });
  assert.deepEqual(up.json, { event: 'node_up', time: '2024-01-02T03:04:05.000Z', hub: 'test-hub', node: 'web1', environments: ['prod'] });
  assert.equal(field(r.got[4]?.json, 'process', 'exitstatus'), 3);
  assert.deepEqual(field(r.got[4]?.json, 'environments'), ['dev']);

  for (const g of r.got) {
    assert.equal(g.method, 'POST');
    assert.equal(g.path, '/all');
    assert.equal(g.headers['content-type'], 'application/json');
    assert.equal(g.headers['user-agent'], `fleetvisor-hub/${FLEETVISOR_VERSION}`);
    assert.equal(g.headers['x-fleetvisor-event'], field(g.json, 'event'));
    assert.match(String(g.headers['x-fleetvisor-delivery']), UUID);
    assert.equal(g.headers['x-fleetvisor-signature'], undefined);
    assert.equal(g.headers.authorization, undefined);
  }
  assert.equal(new Set(r.got.map((g) => g.headers['x-fleetvisor-delivery'])).size, 5, 'one delivery id per delivery');

  const rows = h.rows();
  assert.equal(rows.length, 5);
  assert.deepEqual(rows[0], {
    id: rows[0]?.id, time: NOW, user: null, remote: null, node: 'web1', target: 'all', targetKind: 'webhook',
    action: 'webhook.delivery', result: 'ok', detail: 'process_fatal web:web_0: HTTP 200 after 1 attempt',
  });
  assert.deepEqual(rows.map((e) => `${e.node ?? ''} ${e.result} ${e.detail ?? ''}`), [
    'web1 ok process_fatal web:web_0: HTTP 200 after 1 attempt',
    'web1 ok process_exited_unexpected cron:cron: HTTP 200 after 1 attempt',
    'web1 ok node_down web1: HTTP 200 after 1 attempt',
    'web1 ok node_up web1: HTTP 200 after 1 attempt',
    'dev1 ok process_exited_unexpected app:app: HTTP 200 after 1 attempt',
  ]);
});

test('webhooks get only their events, and only for nodes of their environments', async (t) => {
  const h = harness(t);
  const r = await h.receiver();
  h.hooks = [
    hook('all', `${r.base}/all`),
    hook('prod', `${r.base}/prod`, { environments: ['prod'] }),
    hook('downs', `${r.base}/downs`, { events: ['node_down'] }),
    hook('fatal-prod-dev', `${r.base}/fatal-prod-dev`, { events: ['process_fatal'], environments: ['dev', 'prod'] }),
  ];
  for (const node of ['web1', 'dev1', 'lab1']) h.connect(node, [info('app:app', 'RUNNING')]);
  for (const node of ['web1', 'dev1', 'lab1']) h.snapshot.applyChanges(node, [info('app:app', 'FATAL')]);
  h.snapshot.failed('web1', { kind: 'auth', message: '401 Unauthorized' });

  await waitFor(() => h.count() >= 9, { what: 'nine deliveries logged' });
  await h.dispatcher.stop();
  assert.equal(h.rows().length, 9);
  const by = (path: string): string[] => r.got.filter((g) => g.path === path).map((g) => `${what(g)}@${String(field(g.json, 'node'))}`);
  assert.deepEqual(by('/all'), ['process_fatal app:app@web1', 'process_fatal app:app@dev1', 'process_fatal app:app@lab1', 'node_down web1@web1']);
  assert.deepEqual(by('/prod'), ['process_fatal app:app@web1', 'node_down web1@web1']);
  assert.deepEqual(by('/downs'), ['node_down web1@web1']);
  assert.deepEqual(by('/fatal-prod-dev'), ['process_fatal app:app@web1', 'process_fatal app:app@dev1']);
  assert.ok(h.rows().every((e) => e.result === 'ok'));
});

test('a signed delivery carries the HMAC of its exact bytes; URL credentials go as basic auth', async (t) => {
  const h = harness(t);
  const r = await h.receiver();
  const secret = 'wh-s3cret-ü';
  h.hooks = [
    hook('signed', `http://hook%20user:p%40ss@${r.base.slice('http://'.length)}/signed?token=abc`, { secret }),
    hook('plain', `${r.base}/plain`),
  ];
  h.connect('web1', [info('app:app', 'RUNNING')]);
  h.snapshot.applyChanges('web1', [info('app:app', 'FATAL', { description: 'gave up — «ünïcode» ✓' })]);
  await waitFor(() => h.count() >= 2, { what: 'two deliveries logged' });

  const signed = r.got.find((g) => g.path === '/signed?token=abc');
  const plain = r.got.find((g) => g.path === '/plain');
  assert.ok(signed !== undefined && plain !== undefined);
  assert.notEqual(signed.raw.length, signed.body.length, 'the body has multi-byte characters');
  const expected = `sha256=${createHmac('sha256', secret).update(signed.raw).digest('hex')}`;
  assert.equal(signed.headers['x-fleetvisor-signature'], expected);
  assert.notEqual(expected, `sha256=${createHmac('sha256', 'other').update(signed.raw).digest('hex')}`);
  assert.equal(field(signed.json, 'process', 'description'), 'gave up — «ünïcode» ✓');
  assert.equal(signed.headers.authorization, `Basic ${Buffer.from('hook user:p@ss').toString('base64')}`);
  assert.equal(plain.headers['x-fleetvisor-signature'], undefined);
  assert.equal(plain.body, signed.body, 'every webhook of one alert gets the same body');
});

test('500 twice then 200: delivered on the third attempt with one delivery id, logged once as ok', async (t) => {
  const h = harness(t, { retryDelaysMs: [10, 20, 40] });
  const r = await h.receiver((_r, i) => (i < 2 ? 500 : 200));
  h.hooks = [hook('flaky', `${r.base}/flaky`, { secret: 'k' })];
  h.connect('web1', [info('app:app', 'RUNNING')]);
  h.snapshot.applyChanges('web1', [info('app:app', 'FATAL')]);

  await waitFor(() => h.count() >= 1, { what: 'the delivery logged' });
  await h.dispatcher.stop();
  assert.equal(r.got.length, 3);
  const ids = new Set(r.got.map((g) => g.headers['x-fleetvisor-delivery']));
  assert.equal(ids.size, 1, 'the same delivery id on every attempt');
  assert.equal(new Set(r.got.map((g) => g.body)).size, 1, 'the same body on every attempt');
  assert.equal(new Set(r.got.map((g) => g.headers['x-fleetvisor-signature'])).size, 1);
  assert.deepEqual(h.rows().map((e) => [e.target, e.result, e.detail]), [['flaky', 'ok', 'process_fatal app:app: HTTP 200 after 3 attempts']]);
});

test('never a 2xx (errors and redirects alike): one failed entry after every attempt', async (t) => {
  const h = harness(t, { retryDelaysMs: [10, 20] });
  const r = await h.receiver((g) => (g.path === '/busy' ? 503 : 302));
  h.hooks = [hook('busy', `${r.base}/busy`), hook('moved', `${r.base}/moved`)];
  h.connect('web1', [info('app:app', 'RUNNING')]);
  h.snapshot.failed('web1', { kind: 'io', message: 'socket hang up' });

  await waitFor(() => h.count() >= 2, { what: 'both deliveries logged' });
  await h.dispatcher.stop();
  assert.deepEqual(r.got.map((g) => g.path).sort(), ['/busy', '/busy', '/busy', '/moved', '/moved', '/moved'], 'the redirect is not followed');
  for (const path of ['/busy', '/moved']) {
    assert.equal(new Set(r.got.filter((g) => g.path === path).map((g) => g.headers['x-fleetvisor-delivery'])).size, 1);
  }
  assert.deepEqual(h.rows().map((e) => [e.target, e.result, e.detail]).sort(), [
    ['busy', 'failed', 'node_down web1: failed after 3 attempts: HTTP 503'],
    ['moved', 'failed', 'node_down web1: failed after 3 attempts: HTTP 302'],
  ]);
});

test('a receiver that never answers: each attempt times out', async (t) => {
  const h = harness(t, { retryDelaysMs: [10], timeoutMs: 200 });
  const r = await h.receiver(() => new Promise<number>(() => undefined));
  h.hooks = [hook('mute', `${r.base}/mute`)];
  h.connect('web1', [info('app:app', 'RUNNING')]);
  const started = Date.now();
  h.snapshot.applyChanges('web1', [info('app:app', 'EXITED', { exitstatus: 1 })]);

  await waitFor(() => h.count() >= 1, { what: 'the delivery logged' });
  assert.ok(Date.now() - started >= 2 * 200 - 20, 'both attempts waited for the limit');
  assert.equal(r.got.length, 2);
  assert.deepEqual(h.rows().map((e) => [e.result, e.detail]), [
    ['failed', 'process_exited_unexpected app:app: failed after 2 attempts: no answer within 200 ms'],
  ]);
});

test('deliveries to one webhook go out in order, one at a time, a retry holding back the rest', async (t) => {
  const h = harness(t);
  const r = await h.receiver((_g, i) => (i === 0 ? 500 : 200));
  h.hooks = [hook('ordered', `${r.base}/ordered`)];
  const names = ['p:a', 'p:b', 'p:c', 'p:d', 'p:e'];
  h.connect('web1', names.map((n) => info(n, 'RUNNING')));
  h.snapshot.applyChanges('web1', [info('p:a', 'FATAL')]);
  h.snapshot.applyChanges('web1', [info('p:b', 'FATAL'), info('p:c', 'FATAL')]);
  h.snapshot.applyChanges('web1', [info('p:d', 'FATAL')]);
  h.snapshot.applyChanges('web1', [info('p:e', 'FATAL')]);

  await waitFor(() => h.count() >= 5, { what: 'five deliveries logged' });
  assert.deepEqual(r.got.map(what), ['p:a', 'p:a', 'p:b', 'p:c', 'p:d', 'p:e'].map((n) => `process_fatal ${n}`));
  assert.equal(r.maxInFlight, 1);
  assert.deepEqual(h.rows().map((e) => e.detail), [
    'process_fatal p:a: HTTP 200 after 2 attempts', ...names.slice(1).map((n) => `process_fatal ${n}: HTTP 200 after 1 attempt`),
  ]);
});

test(`a full queue (${MAX_QUEUED_DELIVERIES}) drops its oldest waiting delivery and logs it`, async (t) => {
  const h = harness(t);
  const held = gate();
  const r = await h.receiver((_g, i) => (i === 0 ? held.promise.then(() => 200) : 200));
  h.hooks = [hook('busy', `${r.base}/busy`)];
  const names = Array.from({ length: MAX_QUEUED_DELIVERIES + 1 }, (_, i) => `batch:p${String(i).padStart(4, '0')}`);
  h.connect('web1', names.map((n) => info(n, 'RUNNING')));
  h.snapshot.applyChanges('web1', [info(names[0] ?? '', 'FATAL')]);
  await waitFor(() => r.got.length === 1, { what: 'the first delivery in flight' });

  // The one in flight and 999 waiting fill the queue; the 1000th arrival drops the oldest waiting one.
  h.snapshot.applyChanges('web1', names.slice(1).map((n) => info(n, 'FATAL')));
  assert.deepEqual(h.rows().map((e) => [e.target, e.result, e.detail]), [
    ['busy', 'failed', `process_fatal batch:p0001: dropped, the queue of ${MAX_QUEUED_DELIVERIES} deliveries was full`],
  ]);
  held.open();
  await waitFor(() => h.count() >= MAX_QUEUED_DELIVERIES + 1, { timeoutMs: 60_000, what: 'every delivery logged' });
  assert.deepEqual(r.got.map(what), names.filter((_, i) => i !== 1).map((n) => `process_fatal ${n}`));
  assert.equal(h.rows().filter((e) => e.result === 'ok').length, MAX_QUEUED_DELIVERIES);
});

test('a webhook removed by a reload: its waiting deliveries are dropped at their next attempt', async (t) => {
  const h = harness(t, { retryDelaysMs: [10] });
  const r = await h.receiver((g) => {
    if (g.path !== '/gone') return 200;
    h.hooks = h.hooks.filter((w) => w.name !== 'gone');
    return 500;
  });
  h.hooks = [hook('gone', `${r.base}/gone`), hook('kept', `${r.base}/kept`)];
  h.connect('web1', [info('a:a', 'RUNNING'), info('b:b', 'RUNNING'), info('c:c', 'RUNNING')]);
  h.snapshot.applyChanges('web1', [info('a:a', 'FATAL'), info('b:b', 'FATAL')]);
  await waitFor(() => h.count() >= 4, { what: 'four deliveries logged' });
  h.snapshot.applyChanges('web1', [info('c:c', 'FATAL')]);
  await waitFor(() => h.count() >= 5, { what: 'the delivery after the reload logged' });
  await h.dispatcher.stop();

  assert.deepEqual(r.got.filter((g) => g.path === '/gone').map(what), ['process_fatal a:a'], 'one attempt, then nothing more');
  assert.deepEqual(r.got.filter((g) => g.path === '/kept').map(what), ['a:a', 'b:b', 'c:c'].map((n) => `process_fatal ${n}`));
  const rows = h.rows().map((e) => `${e.target ?? ''} ${e.result} ${e.detail ?? ''}`);
  assert.deepEqual(rows.filter((l) => l.startsWith('gone')), [
    'gone failed process_fatal a:a: dropped, the webhook is no longer configured after 1 attempt: HTTP 500',
    'gone failed process_fatal b:b: dropped, the webhook is no longer configured',
  ]);
  assert.deepEqual(rows.filter((l) => l.startsWith('kept')), ['a:a', 'b:b', 'c:c'].map((n) => `kept ok process_fatal ${n}: HTTP 200 after 1 attempt`));
});

test('stop() waits for the attempt in flight, cancels retries at once, and clears every timer', async (t) => {
  const timersBefore = process.getActiveResourcesInfo().filter((k) => k === 'Timeout').length;
  const h = harness(t, { retryDelaysMs: [600_000] });
  const held = gate();
  const r = await h.receiver((g) => (g.path === '/slow' ? held.promise.then(() => 200) : 500));
  h.hooks = [hook('slow', `${r.base}/slow`), hook('retry', `${r.base}/retry`)];
  h.connect('web1', [info('a:a', 'RUNNING'), info('b:b', 'RUNNING'), info('c:c', 'RUNNING')]);
  h.snapshot.applyChanges('web1', [info('a:a', 'FATAL'), info('b:b', 'FATAL')]);
  await waitFor(() => r.got.some((g) => g.path === '/slow') && r.answered >= 1, { what: 'slow held, retry answered 500' });

  const stopped = h.dispatcher.stop();
  let settled = false;
  void stopped.then(() => { settled = true; });
  for (let i = 0; i < 20; i++) await tick();
  assert.equal(settled, false, 'stop() waits for the attempt in flight');
  held.open();
  await stopped;

  const fetches = h.fetches;
  h.snapshot.applyChanges('web1', [info('c:c', 'FATAL')]);
  assert.equal(h.fetches, fetches, 'no deliveries after stop()');
  assert.equal(process.getActiveResourcesInfo().filter((k) => k === 'Timeout').length, timersBefore, 'no timer left');
  assert.deepEqual(h.rows().map((e) => `${e.target ?? ''} ${e.result} ${e.detail ?? ''}`).sort(), [
    'retry failed process_fatal a:a: not delivered, the hub stopped after 1 attempt: HTTP 500',
    'retry failed process_fatal b:b: not delivered, the hub stopped',
    'slow failed process_fatal b:b: not delivered, the hub stopped',
    'slow ok process_fatal a:a: HTTP 200 after 1 attempt',
  ]);
});

test('no URL, credential or secret in any activity row, whatever failed', async (t) => {
  const h = harness(t, { retryDelaysMs: [5] });
  const r = await h.receiver((g) => (g.path.startsWith('/ok') ? 200 : 500));
  const closedPort = await freePort();
  const secret = 'sekr1t-value';
  const host = r.base.slice('http://'.length);
  h.hooks = [
    hook('ok', `http://alice:pw-1234@${host}/ok?token=tok-5678`, { secret }),
    hook('err', `http://alice:pw-1234@${host}/err?token=tok-5678`, { secret }),
    hook('refused', `http://alice:pw-1234@127.0.0.1:${closedPort}/x?token=tok-5678`, { secret }),
  ];
  h.connect('web1', [info('app:app', 'RUNNING')]);
  h.snapshot.applyChanges('web1', [info('app:app', 'FATAL')]);
  await waitFor(() => h.count() >= 3, { what: 'three deliveries logged' });
  await h.dispatcher.stop();

  const rows = h.rows();
  assert.deepEqual(rows.map((e) => `${e.target ?? ''} ${e.result} ${e.detail ?? ''}`).sort(), [
    'err failed process_fatal app:app: failed after 2 attempts: HTTP 500',
    'ok ok process_fatal app:app: HTTP 200 after 1 attempt',
    'refused failed process_fatal app:app: failed after 2 attempts: connection refused (ECONNREFUSED)',
  ]);
  const text = JSON.stringify(h.activity.latest(1000));
  for (const s of ['pw-1234', 'tok-5678', secret, host, `127.0.0.1:${closedPort}`, 'alice', 'http']) {
    assert.ok(!text.includes(s), `activity shows ${s}`);
  }
});
