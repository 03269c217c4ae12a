// The hub's pages in a real browser (Debian's headless Chromium, playwright-core) against real
// nodes started once for the file: two fleetvisord and one supervisord 4.2.5 behind one hub.
// Logs in through the forced password change; runs a bulk restart from an environment page;
// watches a second tab follow an environment's Stop all / Start all live; watches a rolling
// restart fail at a program that cannot start, live; follows a log; checks XSS payloads (in a
// program name, its output and a spawn error) stay text; adds a Read Only user through the form
// and checks what that user sees and may do; no console error, page error or CSP violation on
// any page; screenshots of the main pages in both themes at desktop and phone sizes, and zh-CN.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { supervisordAvailable } from '../helpers/daemon.js';
import { programsDir } from '../helpers/paths.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';
import { chromiumAvailable, CHROMIUM, openBrowser, screenshot, SIZES, type HubBrowser, type SizeName } from './helpers/browser.js';
import { ADMIN_PASSWORD, startTestHub, type TestHub } from './helpers/hub.js';
import { startNode, type TestNode } from './helpers/nodes.js';
import { SharedResources } from './helpers/shared.js';

// What the functions that run inside Chromium use (this project compiles without the DOM library).
interface DomElement {
  textContent: string | null;
  readonly hidden: boolean;
  readonly className: string;
  readonly checked: boolean;
  readonly disabled: boolean;
  readonly scrollTop: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
  readonly classList: { contains(c: string): boolean };
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  querySelector(sel: string): DomElement | null;
  querySelectorAll(sel: string): ArrayLike<DomElement>;
}
declare const document: { querySelector(sel: string): DomElement | null; querySelectorAll(sel: string): ArrayLike<DomElement> };
declare const window: Record<string, unknown>;

const WAIT_MS = 60_000;
const TEST_TIMEOUT = 240_000;
const NODE = process.execPath;
const FOREVER = join(programsDir, 'forever.js');
const TICKER = join(programsDir, 'demo-ticker.js');
/** A program name that would be an image with an onerror handler if a page wrote it as HTML. */
const NAME_XSS = '<img\tsrc=x\tonerror=alert(1)>';
const NAME_XSS_NS = `${NAME_XSS}:${NAME_XSS}`;
const OUTPUT_XSS = '<img src=x onerror=alert(3)>';
const SPAWN_XSS = '/nonexistent/<img src=x onerror=alert(2)>';
const CONFIRM_TEXT = 'Really do this to every selected process?';

const skip = !chromiumAvailable ? `${CHROMIUM} is not installed (apt-get install chromium)`
  : !supervisordAvailable ? '/usr/bin/supervisord is not installed (apt-get install supervisor)' : false;

const res = new SharedResources();
let dir: string;
let hold: string;
let fva: TestNode;
let fvb: TestNode;
let sd: TestNode;
let th: TestHub;
let admin: HubBrowser;
let page: Page;
const browsers: HubBrowser[] = [];

function url(path: string): string { return th.url + path; }

/** Waits in the page for `fn(arg)` to be true; the message says what was awaited. */
async function until<A>(p: Page, what: string, fn: (arg: A) => boolean, arg: A): Promise<void> {
  try {
    await p.waitForFunction(fn as (a: unknown) => boolean, arg as unknown, { timeout: WAIT_MS });
  } catch (err) {
    throw new Error(`waiting on ${p.url()} for ${what}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
}

/** The page's script is running and its live stream is open. */
async function live(p: Page): Promise<void> {
  await until(p, 'the live indicator', () => {
    const e = document.querySelector('#live');
    return e !== null && !e.hidden && e.classList.contains('on');
  }, null);
}

async function goto(p: Page, path: string): Promise<void> {
  const r = await p.goto(url(path));
  assert.equal(r?.status(), 200, `GET ${path}`);
}

/** A marker the page loses if it reloads. */
async function mark(p: Page): Promise<void> { await p.evaluate(() => { window.fvNoReload = true; }); }
async function notReloaded(p: Page): Promise<boolean> { return p.evaluate(() => window.fvNoReload === true); }

/** Every process row's state, badge text and visibility, as the page shows them. */
function rows(p: Page): Promise<{ node: string; ns: string; state: string; badge: string; hidden: boolean }[]> {
  return p.evaluate(() => Array.from(document.querySelectorAll('tr.proc')).map((r) => ({
    node: r.getAttribute('data-node') ?? '', ns: r.getAttribute('data-ns') ?? '', state: r.getAttribute('data-state') ?? '',
    badge: r.querySelector('.c-state .badge .txt')?.textContent ?? '', hidden: r.hidden,
  })));
}

async function allRowsIn(p: Page, state: string): Promise<void> {
  await until(p, `every row ${state}`, (st) => {
    const all = Array.from(document.querySelectorAll('tr.proc'));
    return all.length > 0 && all.every((r) => r.getAttribute('data-state') === st && r.querySelector('.c-state .badge .txt')?.textContent === st
      && r.querySelector('.c-state .badge')?.className === `badge s-${st.toLowerCase()}`);
  }, state);
}

function writeScript(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o755 });
  return path;
}

describe('the hub in Chromium', { skip, timeout: 30 * 60_000 }, () => {
  before(async () => {
    dir = makeTmpDir(res, 'fv-hub-browser-');
    hold = join(dir, 'hold');
    // Stops only once `hold` is gone: keeps a rolling restart at its first node while the test looks.
    const held = writeScript('held.sh', `#!/bin/sh
trap 'while [ -e "${hold}" ]; do sleep 0.1; done; exit 0' TERM
while :; do sleep 1 & wait $!; done
`);
    const xssout = writeScript('xssout.sh', `#!/bin/sh
while :; do echo '${OUTPUT_XSS} <script>alert(4)</script>'; sleep 0.5; done
`);
    const prog = (name: string, command: string, extra = ''): string => `[program:${name}]\ncommand=${command}\nstartsecs=0\nstopwaitsecs=5\n${extra}\n`;
    [fva, fvb, sd] = await Promise.all([
      startNode(res, 'fleetvisord', 'fva', [
        prog('ticker', `${NODE} ${TICKER} 200`), prog('web', `${NODE} ${FOREVER}`), prog('xssout', `/bin/sh ${xssout}`),
        prog(NAME_XSS, `${NODE} ${FOREVER}`), prog('roll', `${NODE} ${FOREVER}`),
      ].join('\n')),
      startNode(res, 'fleetvisord', 'fvb', [
        prog('web', `${NODE} ${FOREVER}`), prog('worker', `${NODE} ${FOREVER}`, 'process_name=worker_%(process_num)d\nnumprocs=2'),
        prog('roll', `/bin/sh ${held}`, 'stopwaitsecs=120'),
      ].join('\n')),
      startNode(res, 'supervisord', 'sd', [
        prog('web', `${NODE} ${FOREVER}`),
        // Fails to start (exits at once), never started by itself: the rolling restart stops here.
        `[program:roll]\ncommand=/bin/sh -c "exit 1"\nautostart=false\nstartsecs=1\nstartretries=0\n`,
        `[program:xssfail]\ncommand="${SPAWN_XSS}"\nstartretries=0\n`,
      ].join('\n')),
    ]);
    // Config order is the rolling restart's order for group roll: fvb (held), sd (fails), fva (skipped).
    th = await startTestHub(res, [fvb.config, sd.config, fva.config], { prod: ['fva', 'fvb'], staging: ['sd', 'fvb'] });
    await Promise.all([
      fva.waitState('ticker:ticker', 'RUNNING'), fva.waitState(NAME_XSS_NS, 'RUNNING'), fva.waitState('xssout:xssout', 'RUNNING'),
      fvb.waitState('roll:roll', 'RUNNING'), fvb.waitState('worker:worker_1', 'RUNNING'), sd.waitState('xssfail:xssfail', 'FATAL'),
    ]);
    const api = th.client();
    await waitFor(async () => {
      const r = await api.get('/api/version');
      return r.status === 200;
    }, { timeoutMs: 30_000, what: 'the hub answering' });
    admin = await openBrowser(res);
    browsers.push(admin);
    page = await admin.newPage();
  }, { timeout: TEST_TIMEOUT });

  after(() => res.release());

  it('logs in as admin, changes the first password when told to, lands on the dashboard', { timeout: TEST_TIMEOUT }, async () => {
    await page.goto(url('/'));
    await page.waitForURL(/\/login/);
    await page.fill('form[action="/login"] input[name="username"]', 'admin');
    await page.fill('form[action="/login"] input[name="password"]', 'admin');
    await page.click('form[action="/login"] button');
    await page.waitForURL(/\/profile\/password$/);
    assert.equal(await page.locator('.notice').count(), 1, 'the forced change says why');
    await page.fill('input[name="old"]', 'admin');
    await page.fill('input[name="new"]', ADMIN_PASSWORD);
    await page.fill('input[name="confirm"]', ADMIN_PASSWORD);
    await page.click('form[action="/profile/password"] button');
    await page.waitForURL((u) => u.pathname === '/');
    assert.equal(await page.getAttribute('body', 'data-page'), 'dashboard');
    await live(page);
    // Every node connected, the whole fleet counted.
    await until(page, 'three nodes connected', () => document.querySelector('[data-sum="connected"]')?.textContent === '3', null);
  });

  it('shows XSS payloads as text and keeps the dashboard live (summary, problems, activity)', { timeout: TEST_TIMEOUT }, async () => {
    await goto(page, '/');
    await live(page);
    const problems = page.locator('#problems');
    assert.ok((await problems.textContent())?.includes(SPAWN_XSS), 'the spawn error is shown literally');
    assert.equal(await page.locator('#problems img').count(), 0);
    await page.evaluate(() => document.querySelector('#problems table')?.setAttribute('data-old', '1'));
    const stoppedBefore = Number(await page.locator('ul[data-counts="fleet"] li[data-count="STOPPED"] .n').textContent());
    const api = await th.admin();
    await mark(page);
    assert.equal((await api.api('POST', '/api/v2/nodes/sd/processes/web%3Aweb/stop/')).status, 200);
    // The script re-reads the summary: counts move, the problems are drawn again, the activity grows.
    await until(page, 'one more STOPPED in the fleet counts', (n) =>
      document.querySelector('ul[data-counts="fleet"] li[data-count="STOPPED"] .n')?.textContent === String(n), stoppedBefore + 1);
    await until(page, 'the problems redrawn', () => document.querySelector('#problems table') !== null && document.querySelector('#problems table[data-old]') === null, null);
    assert.ok((await problems.textContent())?.includes(SPAWN_XSS));
    assert.equal(await page.locator('#problems img').count(), 0);
    await until(page, 'the stop in the activity list', () => {
      const first = document.querySelector('#activity li');
      return first !== null && (first.textContent ?? '').includes('web:web') && (first.textContent ?? '').includes('@ sd');
    }, null);
    assert.equal((await api.api('POST', '/api/v2/nodes/sd/processes/web%3Aweb/start/')).status, 200);
    await until(page, 'the STOPPED count back', (n) =>
      document.querySelector('ul[data-counts="fleet"] li[data-count="STOPPED"] .n')?.textContent === String(n), stoppedBefore);
    assert.ok(await notReloaded(page), 'the dashboard did not reload');

    // A program named like an HTML image: its name is text in the table, the header and the crumbs.
    await goto(page, '/nodes/fva');
    const row = page.locator('tr.proc').filter({ hasText: 'onerror=alert(1)' });
    assert.equal(await row.count(), 1);
    assert.equal(await row.locator('.c-name a').textContent(), NAME_XSS_NS);
    assert.equal(await page.locator('main img').count(), 0);
    // CPU and memory samples fill the rows in.
    await page.evaluate(() => { const c = document.querySelector('tr.proc[data-ns="ticker:ticker"] .c-mem'); if (c !== null) c.textContent = ''; });
    await until(page, 'a memory sample in the ticker row', () => /^\d+(\.\d)? (B|KiB|MiB|GiB)$/.test(document.querySelector('tr.proc[data-ns="ticker:ticker"] .c-mem')?.textContent ?? ''), null);
    assert.match(await page.textContent('tr.proc[data-ns="ticker:ticker"] .c-cpu') ?? '', /^\d+\.\d$/);
    await row.locator('.c-name a').click();
    await page.waitForURL(/\/processes\//);
    assert.equal(await page.getAttribute('.pagehead.proc', 'data-ns'), NAME_XSS_NS);
    assert.ok((await page.locator('.pagehead.proc h1').textContent())?.includes(NAME_XSS_NS));
    assert.equal(await page.locator('main img').count(), 0);

    // Output with markup: text in the log, and in what the follow stream adds.
    await goto(page, '/nodes/fva/processes/xssout%3Axssout');
    await live(page);
    const count = (): Promise<number> => page.evaluate((s) => (document.querySelector('#log')?.textContent ?? '').split(s).length - 1, OUTPUT_XSS);
    const before0 = await count();
    assert.ok(before0 > 0, 'the payload is in the log as text');
    await page.click('#follow');
    await until(page, 'more payload lines', ([s, n]) => (document.querySelector('#log')?.textContent ?? '').split(s).length - 1 >= n, [OUTPUT_XSS, before0 + 3] as const);
    assert.equal(await page.locator('#log img, #log script').count(), 0);
    await page.click('#follow');
    assert.equal(await page.getAttribute('#follow', 'aria-pressed'), 'false');
  });

  it('runs a bulk restart of every row of an environment and shows the results', { timeout: TEST_TIMEOUT }, async () => {
    await goto(page, '/environments/prod');
    await live(page);
    const boxes = page.locator('input[type="checkbox"][name="select"]');
    const n = await boxes.count();
    assert.ok(n >= 8, `rows with a checkbox: ${n}`);
    assert.equal(await page.locator('#bulk button[data-confirm]').isDisabled(), true, 'nothing selected, nothing to apply');
    await page.check('.sel-all');
    await until(page, 'every row selected', (k) => document.querySelector('[data-selected-count]')?.textContent === String(k), n);
    assert.equal(await page.locator('#bulk button[data-confirm]').isDisabled(), false);
    await page.selectOption('#bulk select[name="action"]', 'restart');
    const dialogs = admin.problems.dialogs.length;
    await page.click('#bulk button[data-confirm]');
    await page.waitForURL(/\/bulk$/);
    assert.equal(admin.problems.dialogs.length, dialogs + 1, 'asked first');
    assert.deepEqual(admin.problems.dialogs.at(-1), { type: 'confirm', message: CONFIRM_TEXT, url: url('/environments/prod') });
    assert.equal(await page.getAttribute('body', 'data-page'), 'results');
    assert.equal(await page.locator('table.results tbody tr').count(), n);
    assert.equal(await page.locator('table.results tbody tr.bad').count(), 0, await page.locator('table.results').textContent() ?? '');
  });

  it('shows Stop all and Start all of an environment live in a second tab, and filters as one types', { timeout: TEST_TIMEOUT }, async () => {
    const tab2 = await admin.context.newPage();
    try {
      await goto(tab2, '/environments/prod');
      await live(tab2);
      await allRowsIn(tab2, 'RUNNING');
      await mark(tab2);
      const total = (await rows(tab2)).length;

      await goto(page, '/environments/prod');
      await page.click('.pagehead form.actions button[formaction$="/stop"]');
      await page.waitForURL(/\/environments\/prod\/stop$/);
      assert.equal(await page.getAttribute('body', 'data-page'), 'results');

      // The second tab follows by itself: each row's state and badge, the counts, the buttons.
      await until(tab2, 'web on fva STOPPED', () => {
        const r = Array.from(document.querySelectorAll('tr.proc')).find((x) => x.getAttribute('data-node') === 'fva' && x.getAttribute('data-ns') === 'web:web');
        return r !== undefined && r.getAttribute('data-state') === 'STOPPED' && r.querySelector('.c-state .badge .txt')?.textContent === 'STOPPED';
      }, null);
      await allRowsIn(tab2, 'STOPPED');
      await until(tab2, 'the counts moved', (k) =>
        document.querySelector('ul[data-counts="env:prod"] li[data-count="STOPPED"] .n')?.textContent === String(k)
        && document.querySelector('ul[data-counts="env:prod"] li[data-count="RUNNING"] .n')?.textContent === '0', total);
      assert.equal(await tab2.locator('tr.proc button.act[data-verb="start"]:not([hidden])').count(), total, 'Start offered on every row');
      assert.equal(await tab2.locator('tr.proc button.act[data-verb="stop"]:not([hidden])').count(), 0);
      assert.equal(await tab2.evaluate(() => Array.from(document.querySelectorAll('tr.proc .c-up')).filter((c) => (c.textContent ?? '') !== '').length), 0,
        'no uptime while stopped');

      await goto(page, '/environments/prod');
      await page.click('.pagehead form.actions button[formaction$="/start"]');
      await page.waitForURL(/\/environments\/prod\/start$/);
      await allRowsIn(tab2, 'RUNNING');
      await until(tab2, 'the counts back', (k) =>
        document.querySelector('ul[data-counts="env:prod"] li[data-count="RUNNING"] .n')?.textContent === String(k), total);
      // Uptimes tick.
      const upCell = 'tr.proc[data-node="fva"][data-ns="web:web"] .c-up';
      await until(tab2, 'an uptime', (sel) => /^\d\d:\d\d:\d\d$/.test(document.querySelector(sel)?.textContent ?? ''), upCell);
      const up0 = await tab2.locator(upCell).textContent();
      await until(tab2, 'the uptime ticking', ([sel, was]) => (document.querySelector(sel)?.textContent ?? was) !== was, [upCell, up0 ?? ''] as const);
      assert.ok(await notReloaded(tab2), 'the second tab never reloaded');

      // Filters: by name as one types (node heads without a match hidden, URL kept in step), by state.
      await tab2.fill('input[data-filter="q"]', 'tick');
      await until(tab2, 'only the ticker shown', () => {
        const shown = Array.from(document.querySelectorAll('tr.proc')).filter((r) => !r.hidden);
        return shown.length === 1 && shown[0]?.getAttribute('data-ns') === 'ticker:ticker';
      }, null);
      assert.equal(await tab2.locator('tbody[data-node="fvb"] tr.nodehead').isHidden(), true);
      assert.match(tab2.url(), /[?&]q=tick(&|$)/);
      await tab2.check('.sel-all');
      assert.equal(await tab2.locator('[data-selected-count]').textContent(), '1', 'select all takes the rows shown');
      await tab2.fill('input[data-filter="q"]', '');
      await tab2.selectOption('select[data-filter="state"]', 'problems');
      await until(tab2, 'no row shown', () => Array.from(document.querySelectorAll('tr.proc')).every((r) => r.hidden), null);
      assert.match(tab2.url(), /[?&]state=problems(&|$)/);
      assert.doesNotMatch(tab2.url(), /[?&]q=/);
      assert.equal(await tab2.locator('[data-selected-count]').textContent(), '0');
      assert.equal(await tab2.locator('#bulk button[data-confirm]').isDisabled(), true);
      await tab2.selectOption('select[data-filter="state"]', '');
      await until(tab2, 'every row shown', () => Array.from(document.querySelectorAll('tr.proc')).every((r) => !r.hidden), null);
      assert.equal(await tab2.locator('[data-selected-count]').textContent(), '1', 'the hidden row kept its tick');
      assert.equal(new URL(tab2.url()).search, '');

      // The groups list filters its rows the same way.
      await goto(tab2, '/groups');
      await tab2.fill('input[data-filter="rows"]', 'WOR');
      await until(tab2, 'only the worker group', () => {
        const shown = Array.from(document.querySelectorAll('tbody tr[data-text]')).filter((r) => !r.hidden);
        return shown.length === 1 && shown[0]?.getAttribute('data-text') === 'worker';
      }, null);
      assert.match(tab2.url(), /[?&]q=WOR(&|$)/);
    } finally {
      await tab2.close();
    }
  });

  it('shows a rolling restart live: running, then failed at the node that cannot start it, the rest skipped', { timeout: TEST_TIMEOUT }, async () => {
    writeFileSync(hold, 'held\n');
    try {
      await goto(page, '/groups/roll');
      await live(page);
      await page.click('.pagehead form.actions button[formaction$="/rolling-restart"]');
      await page.waitForURL(/\/rolling\/[0-9a-f-]+$/);
      await mark(page);
      await live(page);
      // The first node is held (its program waits for `hold` to go before it stops).
      assert.equal(await page.textContent('[data-job-status]'), 'running');
      assert.equal(await page.textContent('li[data-step-node="fvb"] [data-step-status]'), 'running');
      assert.equal(await page.isHidden('[data-job-stopped]'), true);
    } finally {
      rmSync(hold, { force: true });
    }
    await until(page, 'fvb done', () => document.querySelector('li[data-step-node="fvb"] [data-step-status]')?.textContent === 'done'
      && (document.querySelector('li[data-step-node="fvb"] [data-step-results]')?.textContent ?? '').includes('✔ roll:roll'), null);
    await until(page, 'the job failed at sd', () => {
      const st = document.querySelector('[data-job-status]');
      const stopped = document.querySelector('[data-job-stopped]');
      return st?.textContent === 'failed' && st.className === 'job s-failed' && stopped !== null && !stopped.hidden && (stopped.textContent ?? '').includes('sd');
    }, null);
    assert.equal(await page.textContent('li[data-step-node="sd"] [data-step-status]'), 'failed');
    assert.match(await page.textContent('li[data-step-node="sd"] [data-step-results]') ?? '', /✖ roll:roll: \S/);
    assert.equal(await page.textContent('li[data-step-node="fva"] [data-step-status]'), 'skipped');
    assert.equal(await page.getAttribute('li[data-step-node="fva"]', 'class'), 'step s-skipped');
    assert.ok(await notReloaded(page), 'the rolling page never reloaded');
    assert.equal(await fva.state('roll:roll'), 'RUNNING', 'the skipped node was left alone');
  });

  it('follows a log: new lines appear while following, the view stays at the bottom; wrap and charts', { timeout: TEST_TIMEOUT }, async () => {
    await goto(page, '/nodes/fva/processes/ticker%3Aticker');
    await live(page);
    assert.equal(await page.isVisible('#follow'), true);
    assert.equal(await page.textContent('#follow'), 'Follow');
    await page.click('#follow');
    assert.equal(await page.getAttribute('#follow', 'aria-pressed'), 'true');
    assert.equal(await page.textContent('#follow'), 'Stop following');
    // The newest line the program has written by now; the next one comes after the press.
    const tail = await fva.rpc.call('supervisor.tailProcessStdoutLog', ['ticker:ticker', 0, 4000]) as [string, number, boolean];
    const ticks = [...tail[0].matchAll(/tick (\d+) from/g)].map((m) => Number(m[1]));
    const next = Math.max(0, ...ticks) + 1;
    await until(page, `tick ${next} in the log`, (s) => (document.querySelector('#log')?.textContent ?? '').includes(s), `tick ${next} from`);
    await until(page, 'the log scrolled to its end', () => {
      const log = document.querySelector('#log');
      return log !== null && log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    }, null);
    await page.click('#follow');
    assert.equal(await page.getAttribute('#follow', 'aria-pressed'), 'false');
    assert.equal(await page.textContent('#follow'), 'Follow');

    assert.equal(await page.isVisible('#wrap'), true);
    assert.equal(await page.isChecked('#wrap'), true);
    await page.uncheck('#wrap');
    assert.equal(await page.evaluate(() => document.querySelector('#log')?.classList.contains('wrap')), false);
    await page.check('#wrap');
    assert.equal(await page.evaluate(() => document.querySelector('#log')?.classList.contains('wrap')), true);

    await until(page, 'two charts drawn', () => document.querySelectorAll('#charts .chart canvas').length >= 2, null);
    assert.equal(await page.locator('#charts .chart h3').count(), 2);
  });

  it('adds a Read Only user with the form; that user sees no control and may not act', { timeout: TEST_TIMEOUT }, async () => {
    await goto(page, '/users');
    await page.fill('form[action="/users"] input[name="username"]', 'viewer');
    await page.fill('form[action="/users"] input[name="password"]', 'viewer-pass-1');
    await page.fill('form[action="/users"] input[name="confirm"]', 'viewer-pass-1');
    await page.selectOption('form[action="/users"] select[name="type"]', { label: 'Read Only' });
    await page.click('form[action="/users"] button.primary');
    await page.waitForSelector('tr[data-user="viewer"]', { timeout: WAIT_MS });
    assert.equal(await page.locator('tr[data-user="viewer"] select[name="type"]').inputValue(), '3');

    const other = await openBrowser(res);
    browsers.push(other);
    const v = await other.newPage();
    await v.goto(url('/login'));
    await v.fill('input[name="username"]', 'viewer');
    await v.fill('input[name="password"]', 'viewer-pass-1');
    await v.click('form[action="/login"] button');
    await v.waitForURL((u) => u.pathname === '/');
    await live(v);
    for (const path of ['/nodes/fva', '/environments/prod', '/groups/web', '/nodes/fva/processes/web%3Aweb']) {
      await goto(v, path);
      await live(v);
      if (!path.includes('/processes/')) assert.ok(await v.locator('tr.proc').count() > 0, `${path} lists processes`);
      for (const sel of ['button.act', 'input[type="checkbox"]', '#bulk', '.sel-all', 'form[action$="/clear-log"]', '.pagehead form.actions',
        'button[formaction]', 'button[data-confirm]']) {
        assert.equal(await v.locator(sel).count(), 0, `${sel} on ${path}`);
      }
    }
    const token = await v.locator('input[name="_csrf"]').first().getAttribute('value');
    assert.ok(token !== null && token !== '');
    const form = await v.request.post(url('/nodes/fva/processes/web%3Aweb/stop'), { form: { _csrf: token, back: '/' }, maxRedirects: 0 });
    assert.equal(form.status(), 403, 'the page action is refused');
    const json = await v.request.post(url('/api/v2/nodes/fva/processes/web%3Aweb/stop/'), { data: {}, maxRedirects: 0 });
    assert.equal(json.status(), 403, 'the API action is refused');
    assert.equal(await fva.state('web:web'), 'RUNNING');
    await other.close();
  });

  it('leaves screenshots of the main pages in both themes at desktop and phone sizes, and one in zh-CN', { timeout: TEST_TIMEOUT }, async () => {
    const pages: [string, string][] = [
      ['dashboard', '/'], ['node', '/nodes/fva'], ['environment', '/environments/prod'],
      ['process', '/nodes/fva/processes/ticker%3Aticker'], ['users', '/users'],
    ];
    // The theme button in the top bar switches (and says so on the page); then cookies are quicker.
    await page.setViewportSize(SIZES.desktop);
    await goto(page, '/');
    const was = await page.getAttribute('html', 'data-theme');
    await page.click('form[action="/theme"] button');
    await until(page, 'the other theme', (w) => document.querySelector('html')?.getAttribute('data-theme') !== w, was);
    for (const theme of ['light', 'dark'] as const) {
      await admin.context.addCookies([{ name: 'theme', value: theme, url: th.url }]);
      for (const size of Object.keys(SIZES) as SizeName[]) {
        await page.setViewportSize(SIZES[size]);
        for (const [name, path] of pages) {
          await goto(page, path);
          assert.equal(await page.getAttribute('html', 'data-theme'), theme);
          await live(page);
          if (name === 'process') {
            await until(page, 'the charts', () => document.querySelectorAll('#charts .chart canvas').length >= 2, null);
            await until(page, 'the log', () => (document.querySelector('#log')?.textContent ?? '').includes('tick '), null);
          }
          await screenshot(page, `hub-${name}-${theme}-${size}`);
        }
      }
    }
    await admin.context.addCookies([{ name: 'theme', value: 'light', url: th.url }]);
    await page.setViewportSize(SIZES.desktop);
    await goto(page, '/');
    await page.click('form[action="/lang"] button[value="zh-CN"]');
    await until(page, 'the page in zh-CN', () => document.querySelector('html')?.getAttribute('lang') === 'zh-CN', null);
    await live(page);
    await screenshot(page, 'hub-dashboard-zh-CN');
    await page.click('form[action="/lang"] button[value="en"]');
    await until(page, 'the page in English', () => document.querySelector('html')?.getAttribute('lang') === 'en', null);
  });

  it('shows a node going down live: its status and reason, its rows stale, the dashboard', { timeout: TEST_TIMEOUT }, async () => {
    const tab2 = await admin.context.newPage();
    try {
      await goto(tab2, '/environments/staging');
      await live(tab2);
      await mark(tab2);
      await goto(page, '/');
      await live(page);
      await mark(page);
      await sd.daemon.stop();
      await until(tab2, 'sd down on the environment page', () => document.querySelector('[data-node-status="sd"]')?.className === 'nodestatus down'
        && (document.querySelector('[data-node-reason="sd"]')?.textContent ?? '') !== ''
        && document.querySelector('tbody[data-node="sd"]')?.classList.contains('stale') === true, null);
      await until(page, 'sd down on the dashboard', () => document.querySelector('[data-sum="connected"]')?.textContent === '2'
        && document.querySelector('#problems .downlist [data-node-status="sd"]')?.className === 'nodestatus down', null);
      assert.ok(await notReloaded(tab2));
      assert.ok(await notReloaded(page));
      await screenshot(page, 'hub-dashboard-node-down-light-desktop');
    } finally {
      await tab2.close();
    }
  });

  it('had no console error, page error, CSP violation or unexpected dialog on any page', () => {
    const errors = browsers.flatMap((b) => b.problems.errors);
    assert.deepEqual(errors, []);
    const dialogs = browsers.flatMap((b) => b.problems.dialogs);
    // Bulk restart, Stop all, Rolling restart asked first, each in its own words; Start all did not.
    assert.deepEqual(dialogs.map((d) => [d.type, d.message]), [
      ['confirm', CONFIRM_TEXT], ['confirm', 'Stop every process of prod?'], ['confirm', 'Restart roll one node at a time?'],
    ], `confirmations asked: ${JSON.stringify(dialogs)}`);
  });
});
