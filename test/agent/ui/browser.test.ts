// A real browser on the built-in UI: Debian's headless Chromium driven by playwright-core logs in
// with basic auth, stops and starts a process with the page's buttons, follows the name link to
// the tail page and reads the log, and leaves a screenshot in test-artifacts/agent-ui.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { closeProfile, makeProfileDir } from '../../helpers/chromium-profile.js';
import { repoRoot } from '../../helpers/paths.js';
import { forever, startUiDaemon } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const CREDENTIALS = { username: 'admin', password: 'ui-test' };

interface HasAfter { after(fn: () => void | Promise<void>): void }

/** A browser with a fresh profile; closed, its leftover processes killed by pid and its profile removed when the test ends. */
async function openBrowser(t: HasAfter): Promise<BrowserContext> {
  const profile = makeProfileDir('fv-chromium-');
  let context: BrowserContext | null = null;
  t.after(() => closeProfile(context, profile));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, args: ARGS, headless: true, httpCredentials: CREDENTIALS, viewport: { width: 1180, height: 560 },
  });
  return context;
}

function row(page: Page, namespec: string): ReturnType<Page['locator']> {
  return page.locator('#statustable tbody tr').filter({ has: page.getByRole('link', { name: namespec, exact: true }) });
}

test('in Chromium: log in, stop and start a process, read its tail page, take a screenshot', {
  skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)`, timeout: 120_000,
}, async (t) => {
  const ui = await startUiDaemon(t, `
[program:web]
command=/bin/sh -c "echo 'hello from the web process <b>not bold</b>'; exec sleep 600"

${forever('worker')}

${forever('nightly', 'autostart=false')}

[program:broken]
command=/nonexistent/broken
startretries=0
`, { credentials: CREDENTIALS });
  await ui.waitState('web', 'RUNNING');
  await ui.waitState('broken', 'FATAL');
  const port = 'port' in ui.target ? ui.target.port : 0;
  const context = await openBrowser(t);
  const page = await context.newPage();

  const first = await page.goto(`http://127.0.0.1:${port}/`);
  assert.equal(first?.status(), 200);
  assert.equal(await page.title(), 'Supervisor Status');
  assert.equal(await row(page, 'web').locator('.status span').textContent(), 'running');

  await row(page, 'web').getByRole('button', { name: 'Stop', exact: true }).click();
  await page.waitForURL(/\?message=Process%20web%20stopped$/);
  assert.equal(await page.locator('.status_msg').textContent(), 'Process web stopped');
  assert.equal(await row(page, 'web').locator('.status span').textContent(), 'stopped');
  assert.equal(await ui.state('web'), 'STOPPED');

  await row(page, 'web').getByRole('button', { name: 'Start', exact: true }).click();
  await page.waitForURL(/\?message=Process%20web%20started$/);
  assert.equal(await page.locator('.status_msg').textContent(), 'Process web started');
  assert.equal(await row(page, 'web').locator('.status span').textContent(), 'running');
  assert.equal(await ui.state('web'), 'RUNNING');

  mkdirSync(join(repoRoot, 'test-artifacts'), { recursive: true });
  await page.screenshot({ path: join(repoRoot, 'test-artifacts', 'agent-ui.png'), fullPage: true });

  // The name opens the tail page in a new window; the log is text, its markup inert.
  const [tail] = await Promise.all([context.waitForEvent('page'), row(page, 'web').getByRole('link', { name: 'web', exact: true }).click()]);
  await tail.waitForLoadState();
  assert.equal(await tail.title(), 'Supervisor tail of process web');
  const text = await tail.locator('#tailbody').textContent();
  assert.equal(text, 'hello from the web process <b>not bold</b>\nhello from the web process <b>not bold</b>\n');
  assert.equal(await tail.locator('#tailbody b').count(), 0);
  await tail.getByRole('link', { name: 'Refresh' }).click();
  await tail.waitForURL(/tail\.html\?processname=web&limit=1024$/);
});
