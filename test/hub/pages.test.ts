// The hub's pages, server-rendered, against real nodes (a fleetvisord and a supervisord 4.2.5 whose
// program names, spawn errors and output carry XSS payloads): every page for each user type, the
// actions each type is shown and may do (and those it is not shown, and is refused with 403 when it
// tries anyway), escaping of node-supplied text, and templates that print raw HTML only where it
// was escaped on the server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { programsDir, repoRoot } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait-for.js';
import { body, startTestHub, type HubClient, type TestHub } from './helpers/hub.js';
import { startNode, type TestNode } from './helpers/nodes.js';
import { SharedResources } from './helpers/shared.js';

const EVIL = '<svg\tonload=alert(1)>';
const PROGRAMS = `
[program:web]
command=${join(programsDir, 'forever.js')}
startsecs=0
[program:${EVIL}]
command=/bin/sh -c "printf '<img src=x onerror=alert(3)> \\033[1;32mgreen\\033[0m\\n'; exec sleep 600"
startsecs=0
[program:nocmd]
command=/nonexistent/<script>alert(2)</script>
startretries=0
`;
const EVIL_NS = `${EVIL}:${EVIL}`;
/** Enough processes (never started) for a second page of rows. */
const MANY = `
[program:many]
command=${join(programsDir, 'forever.js')}
process_name=many_%(process_num)03d
numprocs=520
autostart=false
`;

const res = new SharedResources();
let fx: TestNode;
let sd: TestNode;
let th: TestHub;
const as: Record<string, HubClient> = {};

before(async () => {
  [fx, sd] = await Promise.all([startNode(res, 'fleetvisord', 'fx', PROGRAMS + MANY), startNode(res, 'supervisord', 'sd', PROGRAMS)]);
  th = await startTestHub(res, [fx.config, sd.config], { prod: ['fx'], staging: ['sd'] });
  as.admin = await th.admin();
  await waitFor(async () => {
    const nodes = body(await as.admin!.get('/api/v2/nodes/')).nodes as { general: { connected: boolean }; processes: { statename: string }[] }[];
    return nodes.every((n) => n.general.connected && n.processes.some((p) => p.statename === 'FATAL'));
  }, { timeoutMs: 30_000, what: 'both nodes read, nocmd FATAL' });
  for (const [name, type, envs] of [['std', 1, {}], ['logger', 2, {}], ['ro', 3, {}], ['mixed', 1, { prod: 3 }]] as const) {
    assert.equal((await as.admin.api('POST', '/api/v2/users/', { username: name, password: `${name}-password`, usertype: type, environmentTypes: envs })).status, 201);
    const c = th.client();
    assert.equal(await c.login(name, `${name}-password`), 200);
    as[name] = c;
  }
  // A rolling restart to have a rolling page to look at.
  const job = await as.admin.api('POST', '/api/v2/groups/web/rolling-restart/');
  (globalThis as { rollingId?: string }).rollingId = String((body(job).job as { id: string }).id);
}, { timeout: 120_000 });

after(() => res.release());

const enc = encodeURIComponent;
function pages(): string[] {
  return ['/', '/nodes', '/nodes/fx', '/nodes/sd', `/nodes/fx/processes/${enc(EVIL_NS)}`, `/nodes/sd/processes/${enc(EVIL_NS)}`,
    '/nodes/sd/processes/nocmd:nocmd', '/environments', '/environments/prod', '/environments/staging', '/groups', `/groups/${enc(EVIL)}`,
    '/groups/web', '/activity', '/profile', '/profile/password', `/rolling/${(globalThis as { rollingId?: string }).rollingId ?? ''}`, '/nodes?q=f',
    '/nodes/fx?state=problems', '/activity?user=admin&page=1'];
}

/** What of the page's controls a user is shown. */
function controls(html: string): Record<string, boolean> {
  return {
    actionButtons: /<button class="act"/.test(html),
    checkboxes: /name="select"/.test(html),
    bulkBar: /id="bulk"/.test(html),
    nodeActions: /\/start-all"/.test(html),
    nodeAdmin: /\/reread"/.test(html),
    clearLog: /\/clear-log"/.test(html),
    log: /<pre class="log/.test(html),
    usersNav: /href="\/users"/.test(html),
  };
}

describe('hub pages', { timeout: 300_000 }, () => {
  it('render for every user type, node-supplied text escaped everywhere', async () => {
    for (const name of ['admin', 'std', 'logger', 'ro', 'mixed']) {
      for (const path of pages()) {
        const r = await as[name]!.get(path);
        assert.equal(r.status, 200, `${name} ${path}: ${r.status} ${r.text.slice(0, 300)}`);
        assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
        for (const raw of ['<svg\tonload', '<img src=x', '<script>alert']) assert.ok(!r.text.includes(raw), `${name} ${path}: raw ${raw}`);
        assert.ok(!r.text.includes('\x1b'), `${name} ${path}: a raw escape`);
        assert.ok(!/<script(?![^>]*\bsrc=)/.test(r.text), `${name} ${path}: an inline script`);
      }
    }
    const node = await as.admin!.get('/nodes/fx');
    assert.ok(node.text.includes('&lt;svg\tonload=alert(1)&gt;'), 'the evil name is shown as text');
    const fatal = await as.admin!.get('/nodes/sd/processes/nocmd:nocmd');
    assert.ok(fatal.text.includes("can&#39;t find command &#39;/nonexistent/&lt;script&gt;alert(2)&lt;/script&gt;&#39;"), 'the spawn error as text');
    await waitFor(async () => (await as.admin!.get(`/nodes/fx/processes/${enc(EVIL_NS)}`)).text.includes('green'));
    const log = (await as.admin!.get(`/nodes/fx/processes/${enc(EVIL_NS)}`)).text;
    assert.match(log, /&lt;img src=x onerror=alert\(3\)&gt; <span class="ansi-green-fg ansi-bold">green<\/span>/);
  });

  it('show each type only the actions it may do', async () => {
    const expect: Record<string, [string, Partial<Record<string, boolean>>][]> = {
      admin: [['/nodes/fx', { actionButtons: true, checkboxes: true, bulkBar: true, nodeActions: true, nodeAdmin: true, usersNav: true }],
        ['/nodes/fx/processes/web:web', { actionButtons: true, clearLog: true, log: true }]],
      std: [['/nodes/fx', { actionButtons: true, checkboxes: true, bulkBar: true, nodeActions: true, nodeAdmin: false, usersNav: false }],
        ['/nodes/fx/processes/web:web', { actionButtons: true, clearLog: true, log: true }]],
      logger: [['/nodes/fx', { actionButtons: false, checkboxes: false, bulkBar: false, nodeActions: false, nodeAdmin: false }],
        ['/nodes/fx/processes/web:web', { actionButtons: false, clearLog: false, log: true }],
        ['/environments/prod', { actionButtons: false, checkboxes: false, bulkBar: false }]],
      ro: [['/nodes/fx', { actionButtons: false, checkboxes: false, bulkBar: false, nodeActions: false, nodeAdmin: false }],
        ['/nodes/sd/processes/web:web', { actionButtons: false, clearLog: false, log: false }],
        ['/groups/web', { actionButtons: false, checkboxes: false, bulkBar: false }]],
      // Standard, but Read Only on prod (fx).
      mixed: [['/nodes/fx', { actionButtons: false, checkboxes: false, nodeActions: false }], ['/nodes/sd', { actionButtons: true, checkboxes: true, nodeActions: true }],
        ['/nodes/fx/processes/web:web', { actionButtons: false, log: false }], ['/nodes/sd/processes/web:web', { actionButtons: true, log: true }]],
    };
    for (const [name, list] of Object.entries(expect)) {
      for (const [path, want] of list) {
        const got = controls((await as[name]!.get(path)).text);
        for (const [k, v] of Object.entries(want)) assert.equal(got[k], v, `${name} ${path} ${k}`);
      }
    }
    // The users page is the Admin's.
    for (const name of ['std', 'logger', 'ro', 'mixed']) assert.equal((await as[name]!.get('/users')).status, 403, name);
    assert.equal((await as.admin!.get('/users')).status, 200);
  });

  it('refuse with 403 what a type may not do, even with a valid page token', async () => {
    const tries: [string, string, Record<string, string>][] = [
      ['ro', '/nodes/sd/processes/web:web/stop', {}],
      ['logger', '/nodes/sd/processes/web:web/restart', {}],
      ['ro', '/nodes/sd/stop-all', {}],
      ['std', '/nodes/sd/update', {}],
      ['mixed', '/nodes/fx/processes/web:web/stop', {}],
      ['logger', '/nodes/sd/processes/web:web/clear-log', {}],
      ['ro', '/environments/staging/rolling-restart', {}],
      ['std', '/users', { username: 'x9', password: 'xxxxxxxx9', confirm: 'xxxxxxxx9', type: '0' }],
    ];
    for (const [name, path, fields] of tries) {
      const r = await as[name]!.form(path, { back: '/', ...fields }, '/profile');
      assert.equal(r.status, 403, `${name} POST ${path}`);
    }
    assert.equal(await sd.state('web:web'), 'RUNNING');
    assert.equal(await fx.state('web:web'), 'RUNNING');
    // mixed may act on staging.
    const ok = await as.mixed!.form('/nodes/sd/processes/web:web/restart', { back: '/nodes/sd' });
    assert.equal(ok.status, 303);
  });

  it('bulk form: the selection acts and lists one result per process', async () => {
    const r = await as.std!.form('/bulk', { action: 'restart', select: ['sd:web:web', 'fx:web:web', 'sd:no:such'], back: '/' }, '/nodes/sd');
    assert.equal(r.status, 200);
    assert.equal((r.text.match(/<tr class="ok">/g) ?? []).length, 2);
    assert.equal((r.text.match(/<tr class="bad">/g) ?? []).length, 1);
    assert.match(r.text, /no such process/);
  });

  it('login: bad password 401 on the page, next= only to a local path, language and theme switches', async () => {
    const c = th.client();
    const form = await c.get('/login?next=%2F%2Fevil.example%2F');
    assert.match(form.text, /name="next" value="\/"/);
    const token = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
    const bad = await c.postForm('/login', { _csrf: token, username: 'std', password: 'nope', next: '/nodes' });
    assert.equal(bad.status, 401);
    const token2 = /name="_csrf" value="([^"]+)"/.exec(bad.text)?.[1] ?? '';
    const good = await c.postForm('/login', { _csrf: token2, username: 'std', password: 'std-password', next: 'https://evil.example/x' });
    assert.equal(good.status, 303);
    assert.equal(good.headers.get('location'), '/');
    const zh = await c.form('/lang', { lang: 'zh-CN', back: '/nodes' }, '/nodes');
    assert.equal(zh.headers.get('location'), '/nodes');
    const page = await c.get('/nodes');
    assert.match(page.text, /<html lang="zh-CN"/);
    const dark = await c.form('/theme', { theme: 'dark', back: '/' }, '/');
    assert.equal(dark.status, 303);
    assert.match((await c.get('/')).text, /data-theme="dark"/);
    const en = th.client();
    assert.equal(await en.login('std', 'std-password'), 200);
    assert.match((await en.get('/', { 'Accept-Language': 'zh-CN,zh;q=0.9' })).text, /<html lang="zh-CN"/);
    assert.match((await en.get('/', { 'Accept-Language': 'fr-FR' })).text, /<html lang="en"/);
  });

  it('long lists come in pages of 500 rows, the filter and the page kept in the links', async () => {
    const rows = (html: string): number => (html.match(/<tr class="proc"/g) ?? []).length;
    const first = (await as.admin!.get('/nodes/fx')).text;
    assert.equal(rows(first), 500);
    assert.match(first, /Processes 1 to 500 of 523/);
    assert.match(first, /<a href="\?page=2" rel="next">/);
    const second = (await as.admin!.get('/nodes/fx?page=2')).text;
    assert.equal(rows(second), 23);
    assert.match(second, /<a href="\?page=1" rel="prev">/);
    const filtered = (await as.admin!.get('/nodes/fx?q=many_0&state=STOPPED')).text;
    assert.equal(rows(filtered), 100);
    assert.doesNotMatch(filtered, /rel="next"/);
    const many = (await as.admin!.get('/nodes/fx?q=many&state=STOPPED')).text;
    assert.match(many, /<a href="\?q=many&amp;state=STOPPED&amp;page=2" rel="next">/);
  });

  it('static files are cached, pages are not', async () => {
    const css = await as.admin!.get('/static/css/hub.css');
    assert.equal(css.status, 200);
    assert.match(css.headers.get('cache-control') ?? '', /max-age=604800/);
    const chart = await as.admin!.get('/static/vendor/uplot/uPlot.iife.min.js');
    assert.equal(chart.status, 200);
    assert.match((await as.admin!.get('/')).headers.get('cache-control') ?? '', /no-store/);
  });
});

describe('templates', () => {
  it('print raw HTML only for includes and the log, which the server escaped', () => {
    const dir = join(repoRoot, 'views', 'hub');
    const files = (function walk(d: string): string[] {
      return readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : n.endsWith('.ejs') ? [join(d, n)] : []));
    })(dir);
    assert.ok(files.length > 15);
    const raw: string[] = [];
    for (const f of files) {
      for (const m of readFileSync(f, 'utf8').matchAll(/<%-\s*([^%]*?)\s*%>/g)) {
        const expr = m[1] ?? '';
        if (!/^include\(/.test(expr) && expr !== "log ? log.html : ''") raw.push(`${f.slice(dir.length + 1)}: ${expr}`);
      }
    }
    assert.deepEqual(raw, []);
  });
});
