// The JSON API against real nodes, shared by every test here: two fleetvisord (one over TCP, one on
// a unix socket) and one supervisord 4.2.5, started once, plus a port that refuses and a black hole,
// behind one hub. Every route with each user type and without a session; each action and bulk
// action; group-on-node; a rolling restart that stops at a program that fails to start; a node
// killed and brought back; the black hole while the API answers from the snapshot; tokens; CSRF,
// Origin and media-type refusals; the activity log; the event stream; no credential in any answer.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startDaemon } from '../helpers/daemon.js';
import { programsDir } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait-for.js';
import { ADMIN_PASSWORD, body, startTestHub, type HubClient, type TestHub } from './helpers/hub.js';
import { blackHole, nodeConfig, NODE_PASSWORD, NODE_USER, refusedUrl, startNode, type TestNode } from './helpers/nodes.js';
import { SharedResources } from './helpers/shared.js';

const FOREVER = join(programsDir, 'forever.js');
const COMMON = `
[program:web]
command=${FOREVER}
startsecs=0
stopwaitsecs=5
[program:worker]
command=${FOREVER}
process_name=worker_%(process_num)d
numprocs=2
startsecs=0
stopwaitsecs=5
`;
const TALKER = `
[program:talker]
command=/bin/sh -c "printf 'line one\\n<script>alert(\\"xss\\")</script>\\n\\033[31mred text\\033[0m\\n'; exec sleep 600"
startsecs=0
`;
const BROKEN = `
[program:broken]
command=/bin/sh -c "exit 1"
autostart=false
startsecs=3
startretries=0
`;

const res = new SharedResources();
let fvA: TestNode;
let fvB: TestNode;
let sd: TestNode;
let th: TestHub;
let admin: HubClient;
const users: Record<string, HubClient> = {};

async function user(name: string, password: string): Promise<HubClient> {
  const c = th.client();
  assert.equal(await c.login(name, password), 200, `login ${name}`);
  return c;
}

async function processState(c: HubClient, node: string, ns: string): Promise<string> {
  const r = await c.get(`/api/v2/nodes/${node}/processes/${encodeURIComponent(ns)}/`);
  return String((body(r).process as Record<string, unknown>).statename);
}

async function waitApiState(node: string, ns: string, state: string): Promise<void> {
  await waitFor(async () => (await processState(admin, node, ns)) === state, { timeoutMs: 30_000, what: `${ns}@${node} ${state} in the API` });
}

/** The hub's log, to read when an assertion about a node fails. */
function hubLog(): string {
  return th.logLines.filter((l) => l.startsWith('node ')).join('\n');
}

before(async () => {
  [fvA, fvB, sd] = await Promise.all([
    startNode(res, 'fleetvisord', 'fva', COMMON + TALKER),
    startNode(res, 'fleetvisord', 'fvb', COMMON, { unix: true }),
    startNode(res, 'supervisord', 'sd', COMMON + BROKEN),
  ]);
  const nodes = [fvA.config, fvB.config, sd.config, nodeConfig('dead', await refusedUrl()), nodeConfig('hole', await blackHole(res))];
  th = await startTestHub(res, nodes, { prod: ['fva'], staging: ['sd', 'fvb'], lab: ['dead', 'hole'] },
    { loginLimits: { perAddress: 1000, perUser: 5, windowMs: 60_000 } });
  await waitFor(async () => {
    const c = th.client();
    return (await c.get('/api/version')).status === 200;
  });
  admin = await th.admin();
  await waitFor(async () => {
    const nodesNow = body(await admin.get('/api/v2/nodes/')).nodes as { general: { name: string; connected: boolean } }[];
    return ['fva', 'fvb', 'sd'].every((n) => nodesNow.find((x) => x.general.name === n)?.general.connected === true);
  }, { timeoutMs: 30_000, what: 'three nodes connected' });
  for (const [name, type, env] of [['std', 'Standard', null], ['logger', 'Only Log', null], ['ro', 'Read Only', null], ['mixed', 'Standard', 'prod']] as const) {
    const payload: Record<string, unknown> = { username: name, password: `${name}-password`, usertype: type };
    if (env !== null) payload.environmentTypes = { [env]: 'Read Only' };
    assert.equal((await admin.api('POST', '/api/v2/users/', payload)).status, 201);
    users[name] = await user(name, `${name}-password`);
  }
}, { timeout: 120_000 });

after(() => res.release());

describe('the hub API', { timeout: 300_000 }, () => {
  it('answers /api/version without a session and 401 with cesi\'s message everywhere else', async () => {
    const anon = th.client();
    assert.equal(body(await anon.get('/api/version')).status, 'success');
    for (const path of ['/api/v2/nodes/', '/api/v2/profile/', '/api/v2/users/', '/api/v2/environments/', '/api/v2/groups/', '/api/v2/activitylogs/', '/api/v2/events/']) {
      const r = await anon.get(path);
      assert.equal(r.status, 401, path);
      assert.deepEqual(body(r), { status: 'error', message: 'Session expired', code: 'unauthenticated' });
    }
    const r = await anon.api('POST', '/api/v2/nodes/fva/processes/web:web/stop/');
    assert.equal(r.status, 401);
  });

  it('makes the seeded admin change the password before anything else, API and pages alike', async () => {
    // A fresh database: admin/admin logs in but may do nothing but change the password.
    const { startTestHub: start } = await import('./helpers/hub.js');
    const local = new SharedResources();
    try {
      const fresh = await start(local, []);
      const c = fresh.client();
      const login = await c.api('POST', '/api/v2/auth/login/', { username: 'admin', password: 'admin' });
      assert.equal(login.status, 200);
      assert.equal(body(login).must_change_password, true);
      const blocked = await c.get('/api/v2/nodes/');
      assert.equal(blocked.status, 403);
      assert.equal(body(blocked).code, 'password_change_required');
      const page = await c.get('/');
      assert.equal(page.status, 303);
      assert.equal(page.headers.get('location'), '/profile/password');
      assert.equal((await c.get('/api/v2/profile/')).status, 200);
      const weak = await c.api('PUT', '/api/v2/profile/password/', { oldPassword: 'admin', newPassword: 'admin' });
      assert.equal(weak.status, 400);
      const wrong = await c.api('PUT', '/api/v2/profile/password/', { oldPassword: 'nope', newPassword: 'good-password-1' });
      assert.equal(wrong.status, 400);
      assert.equal((await c.api('PUT', '/api/v2/profile/password/', { oldPassword: 'admin', newPassword: 'good-password-1' })).status, 200);
      assert.equal((await c.get('/api/v2/nodes/')).status, 200);
    } finally {
      await local.release();
    }
  });

  it('lists nodes, processes and environments from the snapshot, without any credential', async () => {
    const r = await admin.get('/api/v2/nodes/');
    assert.equal(r.status, 200);
    assert.ok(!r.text.includes(NODE_PASSWORD) && !r.text.includes(NODE_USER), 'credentials in /nodes/');
    const nodes = body(r).nodes as { general: Record<string, unknown>; processes: Record<string, unknown>[] }[];
    const byName = Object.fromEntries(nodes.map((n) => [n.general.name, n]));
    assert.deepEqual(Object.keys(byName), ['fva', 'fvb', 'sd', 'dead', 'hole']);
    assert.equal(byName.sd?.general.supervisor_version, '4.2.5');
    assert.equal(byName.sd?.general.fleetvisor_version, null);
    assert.equal(typeof byName.fva?.general.fleetvisor_version, 'string');
    assert.equal(byName.fva?.general.environment, 'prod');
    const web = byName.fva?.processes.find((p: Record<string, unknown>) => p.namespec === 'web:web');
    for (const key of ['name', 'group', 'description', 'start', 'stop', 'now', 'state', 'statename', 'spawnerr', 'exitstatus',
      'logfile', 'stdout_logfile', 'stderr_logfile', 'pid', 'start_hr', 'stop_hr', 'now_hr', 'uptime']) {
      assert.ok(web !== undefined && key in web, `process key ${key}`);
    }
    assert.equal(byName.dead?.general.connected, false);
    assert.equal((byName.dead?.general.failure as { kind: string }).kind, 'refused');
    const envs = body(await admin.get('/api/v2/environments/')).environments as { name: string; members: { general: { name: string } }[] }[];
    assert.deepEqual(envs.map((e) => [e.name, e.members.map((m) => m.general.name)]), [['prod', ['fva']], ['staging', ['sd', 'fvb']], ['lab', ['dead', 'hole']]]);
    assert.equal(body(await admin.get('/api/v2/nodes/dead/processes/')).message, 'Node is not connected');
    assert.equal((await admin.get('/api/v2/nodes/nope/')).status, 404);
    assert.equal((await admin.get('/api/v2/nodes/fva/processes/nope:nope/')).status, 404);
  });

  it('the black hole times out in the background while every answer comes from the snapshot', async () => {
    await waitFor(async () => {
      const nodes = body(await admin.get('/api/v2/nodes/')).nodes as { general: { name: string; failure: { kind: string } | null } }[];
      return nodes.find((n) => n.general.name === 'hole')?.general.failure?.kind === 'timeout';
    }, { timeoutMs: 30_000, what: 'hole classified as a timeout' });
    // Ten requests in a row, each answered while the black hole holds the hub's poll connection.
    for (let i = 0; i < 10; i += 1) assert.equal((await admin.get('/api/v2/nodes/')).status, 200);
  });

  it('starts, stops and restarts single processes on fleetvisord and supervisord; GET on an action is 405', async () => {
    for (const node of ['fva', 'sd', 'fvb']) {
      const stop = await users.std!.api('POST', `/api/v2/nodes/${node}/processes/web:web/stop/`);
      assert.equal(stop.status, 200, stop.text);
      assert.equal(body(stop).message, `${node} web:web stop event succesfully`);
      await waitApiState(node, 'web:web', 'STOPPED');
      const again = await users.std!.api('POST', `/api/v2/nodes/${node}/processes/web:web/stop/`);
      assert.equal(again.status, 500);
      assert.match(String(body(again).message), /^NOT_RUNNING/);
      assert.equal((await users.std!.api('POST', `/api/v2/nodes/${node}/processes/web:web/start/`)).status, 200);
      await waitApiState(node, 'web:web', 'RUNNING');
      const pid = (body(await admin.get(`/api/v2/nodes/${node}/processes/web:web/`)).process as { pid: number }).pid;
      assert.equal((await users.std!.api('POST', `/api/v2/nodes/${node}/processes/web:web/restart/`)).status, 200);
      await waitFor(async () => (body(await admin.get(`/api/v2/nodes/${node}/processes/web:web/`)).process as { pid: number }).pid !== pid);
    }
    const get = await admin.get('/api/v2/nodes/fva/processes/web:web/start/');
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    assert.equal(await fvA.state('web:web'), 'RUNNING');
  });

  it('enforces each user type on every route, and per-environment types', async () => {
    const matrix: [string, string, string, Record<string, number>][] = [
      ['GET', '/api/v2/nodes/', '', { std: 200, logger: 200, ro: 200, mixed: 200 }],
      ['GET', '/api/v2/groups/', '', { std: 200, logger: 200, ro: 200, mixed: 200 }],
      ['GET', '/api/v2/users/', '', { std: 403, logger: 403, ro: 403, mixed: 403 }],
      ['GET', '/api/v2/nodes/fva/processes/talker:talker/log/', '', { std: 200, logger: 200, ro: 403, mixed: 403 }],
      ['GET', '/api/v2/nodes/sd/processes/web:web/log/', '', { std: 200, logger: 200, ro: 403, mixed: 200 }],
      ['POST', '/api/v2/nodes/sd/processes/worker:worker_0/restart/', '', { std: 200, logger: 403, ro: 403, mixed: 200 }],
      ['POST', '/api/v2/nodes/fva/processes/worker:worker_0/restart/', '', { std: 200, logger: 403, ro: 403, mixed: 403 }],
      ['POST', '/api/v2/nodes/fva/processes/worker:worker_0/clear-log/', '', { std: 200, logger: 403, ro: 403, mixed: 403 }],
      ['POST', '/api/v2/nodes/sd/reread/', '', { std: 403, logger: 403, ro: 403, mixed: 403 }],
      ['POST', '/api/v2/users/', '{"username":"x1","password":"xxxxxxxx1","usertype":1}', { std: 403, logger: 403, ro: 403, mixed: 403 }],
    ];
    for (const [method, path, payload, expected] of matrix) {
      for (const [name, status] of Object.entries(expected)) {
        const r = await users[name]!.api(method, path, payload === '' ? undefined : JSON.parse(payload));
        assert.equal(r.status, status, `${name} ${method} ${path}: ${r.text.slice(0, 200)}\n${hubLog()}`);
      }
    }
    // Refusals are in the activity log.
    const refused = body(await admin.get('/api/v2/activity/?user=ro&action=process.restart')).entries as { result: string }[];
    assert.ok(refused.length > 0 && refused.every((e) => e.result === 'refused'));
    // Admin rights follow the type: reread works for admin.
    assert.equal((await admin.api('POST', '/api/v2/nodes/sd/reread/')).status, 200);
  });

  it('reads logs: cesi\'s 500 bytes as lines by default, ?bytes=N, one stream with its offset, a download', async () => {
    await waitFor(async () => String((body(await admin.get('/api/v2/nodes/fva/processes/talker:talker/log/stdout/')).text)).includes('red text'));
    const both = body(await admin.get('/api/v2/nodes/fva/processes/talker:talker/log/')).logs as { stdout: string[]; stderr: string[] };
    assert.deepEqual(both.stdout, ['line one', '<script>alert("xss")</script>', '\x1b[31mred text\x1b[0m']);
    // The last 20 bytes start inside the script line, which is dropped as cut.
    const small = body(await admin.get('/api/v2/nodes/fva/processes/talker:talker/log/?bytes=20')).logs as { stdout: string[] };
    assert.deepEqual(small.stdout, ['\x1b[31mred text\x1b[0m']);
    const one = body(await admin.get('/api/v2/nodes/fva/processes/talker:talker/log/stdout/?bytes=5'));
    assert.equal(one.text, '\x1b[0m\n');
    assert.equal(typeof one.offset, 'number');
    const dl = await admin.get('/api/v2/nodes/fva/processes/talker:talker/log/stdout/download/');
    assert.equal(dl.status, 200);
    assert.match(String(dl.headers.get('content-disposition')), /attachment; filename="fva_talker_talker_stdout.log"/);
    assert.ok(dl.text.startsWith('line one\n'));
  });

  it('bulk actions: a selection across nodes, a node, a group on one node and everywhere, an environment; one result per process', async () => {
    const sel = await users.std!.api('POST', '/api/v2/bulk/', {
      action: 'restart', processes: [{ node: 'fva', process: 'web:web' }, { node: 'sd', process: 'web:web' }, { node: 'dead', process: 'x:x' }, { node: 'fva', process: 'no:such' }],
    });
    assert.equal(sel.status, 200);
    const results = body(sel).results as { node: string; process: string; ok: boolean; fault: string | null }[];
    assert.deepEqual(results.map((r) => [r.node, r.process, r.ok]), [['fva', 'web:web', true], ['sd', 'web:web', true], ['dead', 'x:x', false], ['fva', 'no:such', false]]);
    assert.equal(results[3]?.fault, 'no such process');

    const all = body(await users.std!.api('POST', '/api/v2/nodes/fvb/all-processes/stop/')).results as { process: string; ok: boolean }[];
    assert.deepEqual(all.map((r) => r.process).sort(), ['web:web', 'worker:worker_0', 'worker:worker_1']);
    await waitApiState('fvb', 'worker:worker_1', 'STOPPED');
    assert.equal((await users.std!.api('POST', '/api/v2/nodes/fvb/all-processes/start/')).status, 200);
    await waitApiState('fvb', 'worker:worker_1', 'RUNNING');

    const onNode = body(await admin.get('/api/v2/groups/worker/node/sd/'));
    assert.deepEqual((onNode.processes as { name: string }[]).map((p) => p.name), ['worker_0', 'worker_1']);
    const groupNode = body(await users.std!.api('POST', '/api/v2/groups/worker/node/sd/restart/')).results as { ok: boolean }[];
    assert.equal(groupNode.length, 2);
    assert.ok(groupNode.every((r) => r.ok));

    const group = body(await users.std!.api('POST', '/api/v2/groups/worker/restart/')).results as { node: string; ok: boolean }[];
    assert.deepEqual([...new Set(group.map((r) => r.node))].sort(), ['fva', 'fvb', 'sd']);
    assert.ok(group.every((r) => r.ok));
    const groups = body(await admin.get('/api/v2/groups/')).groups as { name: string; nodes: string[] }[];
    assert.deepEqual(groups.find((g) => g.name === 'worker')?.nodes, ['fva', 'fvb', 'sd']);
    assert.equal((body(await admin.get('/api/v2/groups/worker/')).group as unknown[]).length, 1);

    // mixed is Read Only on prod: refused as a whole; a group on prod and staging: staging only.
    assert.equal((await users.mixed!.api('POST', '/api/v2/environments/prod/restart/')).status, 403);
    const partial = body(await users.mixed!.api('POST', '/api/v2/groups/web/restart/')).results as { node: string; ok: boolean; fault: string | null }[];
    assert.deepEqual(partial.map((r) => [r.node, r.ok, r.fault]), [['fva', false, 'not authorized'], ['fvb', true, null], ['sd', true, null]]);
    const staging = body(await users.std!.api('POST', '/api/v2/environments/staging/stop/')).results as { node: string }[];
    assert.deepEqual([...new Set(staging.map((r) => r.node))], ['sd', 'fvb']);
    await waitApiState('sd', 'web:web', 'STOPPED');
    assert.equal((await users.std!.api('POST', '/api/v2/environments/staging/start/')).status, 200);
    await waitApiState('fvb', 'web:web', 'RUNNING');
    await waitApiState('sd', 'web:web', 'RUNNING');
  });

  it('a rolling restart goes node by node, waits for RUNNING, and stops at a program that fails to start', async () => {
    const ok = await users.std!.api('POST', '/api/v2/groups/worker/rolling-restart/', {});
    assert.equal(ok.status, 202);
    const id = String((body(ok).job as { id: string }).id);
    let job: { status: string; steps: { node: string; status: string }[] } = { status: 'running', steps: [] };
    await waitFor(async () => {
      job = body(await admin.get(`/api/v2/rolling/${id}/`)).job as typeof job;
      return job.status !== 'running';
    }, { timeoutMs: 60_000, what: 'rolling restart of worker' });
    assert.equal(job.status, 'done');
    assert.deepEqual(job.steps.map((s) => [s.node, s.status]), [['fva', 'done'], ['fvb', 'done'], ['sd', 'done']]);

    // staging is sd then fvb; sd's restart starts `broken`, which exits at once: the run stops there.
    const bad = await users.std!.api('POST', '/api/v2/environments/staging/rolling-restart/');
    const badId = String((body(bad).job as { id: string }).id);
    type Job = { status: string; stopped_at: string; steps: { node: string; status: string; results: { process: string; ok: boolean }[] }[] };
    const fetchJob = async (): Promise<Job> => body(await admin.get(`/api/v2/rolling/${badId}/`)).job as Job;
    await waitFor(async () => (await fetchJob()).status !== 'running', { timeoutMs: 60_000, what: 'rolling restart of staging' });
    const f = await fetchJob();
    assert.equal(f.status, 'failed');
    assert.equal(f.stopped_at, 'sd');
    assert.deepEqual(f.steps.map((s) => [s.node, s.status]), [['sd', 'failed'], ['fvb', 'skipped']]);
    assert.deepEqual(f.steps[0]?.results.filter((r) => !r.ok).map((r) => r.process), ['broken:broken']);
    const log = body(await admin.get('/api/v2/activity/?action=environment.rolling_restart')).entries as { result: string; detail: string }[];
    assert.ok(log.some((e) => e.result === 'failed' && e.detail.includes('stopped at sd')));
    assert.equal((await users.ro!.api('POST', '/api/v2/groups/worker/rolling-restart/')).status, 403);
  });

  it('a node killed mid-test shows as not connected with its reason, and comes back', async () => {
    await fvB.daemon.stop();
    await waitFor(async () => {
      const n = body(await admin.get('/api/v2/nodes/fvb/')).node as { general: { connected: boolean; failure: { kind: string } | null } };
      return !n.general.connected && n.general.failure?.kind === 'nofile';
    }, { timeoutMs: 30_000, what: 'fvb down (its socket is gone)' });
    const down = (body(await admin.get('/api/v2/nodes/fvb/')).node as { general: { since: string } }).general.since;
    assert.ok(Date.parse(down) > 0);
    // Its processes are still shown, as last seen; actions on it fail at once.
    const act = await users.std!.api('POST', '/api/v2/nodes/fvb/processes/web:web/stop/');
    assert.equal(act.status, 503);
    startDaemon(res, 'fleetvisord', fvB.daemon.dir, fvB.daemon.conf);
    await waitFor(async () => (body(await admin.get('/api/v2/nodes/fvb/')).node as { general: { connected: boolean } }).general.connected,
      { timeoutMs: 45_000, what: 'fvb back' });
  });

  it('API tokens act with their user\'s rights until revoked; JSON only, same origin only', async () => {
    const created = await users.std!.api('POST', '/api/v2/profile/tokens/', { name: 'deploy' });
    assert.equal(created.status, 201);
    const token = String((body(created).token as { token: string }).token);
    assert.match(token, /^fvh_\d+_/);
    const script = th.client();
    script.bearer = token;
    assert.equal((await script.get('/api/v2/nodes/')).status, 200);
    assert.equal((await script.api('POST', '/api/v2/nodes/sd/processes/web:web/restart/')).status, 200);
    assert.equal((await script.get('/api/v2/users/')).status, 403);
    const list = body(await users.std!.get('/api/v2/profile/tokens/')).tokens as { id: number; name: string }[];
    assert.ok(!JSON.stringify(list).includes(token.split('_')[2] ?? 'x'), 'the secret is listed');
    assert.equal((await users.std!.api('DELETE', `/api/v2/profile/tokens/${list[0]?.id}/`)).status, 200);
    assert.equal((await script.get('/api/v2/nodes/')).status, 401);

    const origin = await admin.api('POST', '/api/v2/nodes/sd/processes/web:web/restart/', undefined, { Origin: 'https://evil.example' });
    assert.equal(origin.status, 403);
    assert.equal(body(origin).code, 'origin');
    const form = await admin.request('POST', '/api/v2/bulk/', { body: 'action=stop', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.equal(form.status, 415);
    const text = await admin.request('POST', '/api/v2/bulk/', { body: '{"action":"stop"}', headers: { 'Content-Type': 'text/plain' } });
    assert.equal(text.status, 415);
    assert.equal(await sd.state('web:web'), 'RUNNING');
  });

  it('page forms need the CSRF token; a GET on a page action is 405', async () => {
    const c = await user('std', 'std-password');
    const none = await c.postForm('/nodes/sd/processes/web:web/stop', { back: '/' });
    assert.equal(none.status, 403);
    assert.equal(await sd.state('web:web'), 'RUNNING');
    const bad = await c.postForm('/nodes/sd/processes/web:web/stop', { _csrf: 'abc-def', back: '/' });
    assert.equal(bad.status, 403);
    const good = await c.form('/nodes/sd/processes/web:web/stop', { back: '/nodes/sd' });
    assert.equal(good.status, 303);
    assert.equal(good.headers.get('location'), '/nodes/sd');
    await sd.waitState('web:web', 'STOPPED');
    const again = await c.form('/nodes/sd/processes/web:web/start', { back: 'https://evil.example/' });
    assert.equal(again.headers.get('location'), '/nodes/sd/processes/web%3Aweb');
    const get = await c.get('/nodes/sd/processes/web:web/start');
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
  });

  it('XSS payloads in process output come back escaped in pages and as data in the API', async () => {
    const page = await admin.get('/nodes/fva/processes/talker:talker');
    assert.equal(page.status, 200);
    const pre = /<pre class="log[^>]*>([\s\S]*?)<\/pre>/.exec(page.text)?.[1] ?? page.text.slice(0, 3000);
    assert.ok(!page.text.includes('<script>alert'), 'raw script tag in the page');
    assert.ok(pre.includes('&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;'), `the log line, escaped: ${pre}`);
    assert.match(page.text, /<span class="ansi-red-fg">red text<\/span>/);
    assert.ok(!page.text.includes('\x1b'));
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  });

  it('the activity log: every action is there, searchable and paged; nobody may clear it', async () => {
    const page1 = body(await admin.get('/api/v2/activity/?per_page=5'));
    assert.equal((page1.entries as unknown[]).length, 5);
    assert.ok(Number(page1.total) > 20);
    const starts = body(await admin.get('/api/v2/activity/?user=std&action=process.start&node=sd')).entries as { user: string; node: string; target: string; result: string; remote: string }[];
    assert.ok(starts.length > 0);
    assert.ok(starts.every((e) => e.user === 'std' && e.node === 'sd' && e.remote !== ''));
    const lines = body(await admin.get('/api/v2/activitylogs/3/')).logs as string[];
    assert.equal(lines.length, 3);
    assert.equal((await admin.api('DELETE', '/api/v2/activitylogs/')).status, 403);
    const logins = body(await admin.get('/api/v2/activity/?action=login.failed')).entries as unknown[];
    assert.ok(Array.isArray(logins));
  });

  it('login is rate-limited per user name; failures are logged without the password', async () => {
    const c = th.client();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) statuses.push(await c.login('ro', `wrong-${i}`));
    assert.deepEqual(statuses, [403, 403, 403, 403, 403, 429, 429]);
    // The right password is refused too while the limit holds, for that name only.
    assert.equal(await c.login('ro', 'ro-password'), 429);
    assert.equal(await c.login('logger', 'logger-password'), 200);
    const failed = body(await admin.get('/api/v2/activity/?action=login.failed&user=ro')).entries as { detail: string | null }[];
    assert.ok(failed.length >= 5);
    assert.ok(!JSON.stringify(failed).includes('wrong-'));
  });

  it('streams state changes as server-sent events, and resumes from Last-Event-ID', async () => {
    const ctl = new AbortController();
    const r = await fetch(`${th.url}/api/v2/events/`, { headers: { Cookie: admin.cookieHeader }, signal: ctl.signal });
    assert.equal(r.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const reader = r.body!.getReader();
    let text = '';
    const read = async (until: (s: string) => boolean): Promise<void> => {
      while (!until(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        text += new TextDecoder().decode(value);
      }
    };
    await read((s) => s.includes('event: hello'));
    assert.equal((await users.std!.api('POST', '/api/v2/nodes/fva/processes/web:web/stop/')).status, 200);
    await read((s) => s.split('\n').some((l) => l.startsWith('data: ') && l.includes('"namespec":"web:web"') && l.includes('"node":"fva"') && l.includes('"statename":"STOPPED"')));
    ctl.abort();
    const lastId = [...text.matchAll(/^id: (\S+)$/gm)].map((m) => m[1]).at(0);
    assert.ok(lastId !== undefined);
    const resumed = (await fetch(`${th.url}/api/v2/events/`, { headers: { Cookie: admin.cookieHeader, 'Last-Event-ID': lastId } })).body!.getReader();
    const first = await resumed.read();
    assert.match(new TextDecoder().decode(first.value), /event: hello[\s\S]*event: process/);
    await resumed.cancel();
    const stale = (await fetch(`${th.url}/api/v2/events/`, { headers: { Cookie: admin.cookieHeader, 'Last-Event-ID': 'ffffffff.1' } })).body!.getReader();
    assert.match(new TextDecoder().decode((await stale.read()).value), /event: reset/);
    await stale.cancel();
    assert.equal((await users.std!.api('POST', '/api/v2/nodes/fva/processes/web:web/start/')).status, 200);
  });

  it('users: add, change type and per-environment types, reset a password (ending sessions), delete; admin is protected', async () => {
    assert.equal((await admin.api('POST', '/api/v2/users/', { username: 'temp', password: 'temp-password', usertype: 3 })).status, 201);
    const dup = await admin.api('POST', '/api/v2/users/', { username: 'temp', password: 'temp-password', usertype: 3 });
    assert.equal(dup.status, 400);
    const temp = await user('temp', 'temp-password');
    assert.equal((await temp.api('POST', '/api/v2/nodes/sd/processes/web:web/stop/')).status, 403);
    assert.equal((await admin.api('PUT', '/api/v2/users/temp/', { usertype: 'Standard', environmentTypes: { staging: 'Read Only' } })).status, 200);
    // The new type applies to the same session at once.
    assert.equal((await temp.api('POST', '/api/v2/nodes/fva/processes/web:web/restart/')).status, 200);
    assert.equal((await temp.api('POST', '/api/v2/nodes/sd/processes/web:web/restart/')).status, 403);
    assert.equal((await admin.api('PUT', '/api/v2/users/temp/', { password: 'reset-password-1' })).status, 200);
    assert.equal((await temp.get('/api/v2/nodes/')).status, 401);
    const again = th.client();
    assert.equal(await again.login('temp', 'reset-password-1'), 200);
    assert.equal(body(await again.get('/api/v2/nodes/')).code, 'password_change_required');
    assert.equal((await admin.api('DELETE', '/api/v2/users/admin/')).status, 400);
    assert.equal((await admin.api('DELETE', '/api/v2/users/temp/')).status, 200);
    assert.equal((await again.get('/api/v2/profile/')).status, 401);
    assert.equal((await admin.api('DELETE', '/api/v2/users/temp/')).status, 404);
    assert.equal((await admin.api('POST', '/api/v2/users/', { username: 'bad', password: 'x', usertype: 1 })).status, 400);
    assert.ok(!th.logLines.join('\n').includes('reset-password-1'));
    assert.ok(!(await admin.get('/api/v2/activitylogs/')).text.includes('reset-password-1'));
  });

  it('logout ends the session', async () => {
    const c = await user('logger', 'logger-password');
    assert.equal((await c.api('POST', '/api/v2/auth/logout/')).status, 200);
    assert.equal((await c.get('/api/v2/nodes/')).status, 401);
    assert.equal(ADMIN_PASSWORD.length > 8, true);
  });
});
