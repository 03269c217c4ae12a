// A real browser for the hub's page tests: Debian's Chromium, headless, driven by playwright-core,
// each browser on a fresh profile dir, closed (its leftover processes killed by pid, its profile
// removed) when the tests end; every page watched for console errors, uncaught exceptions, CSP
// violations and dialogs; screenshots under test-artifacts/ at a desktop and a phone size.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Dialog, type Page } from 'playwright-core';
import { closeProfile, makeProfileDir } from '../../helpers/chromium-profile.js';
import { repoRoot } from '../../helpers/paths.js';

interface HasAfter { after(fn: () => void | Promise<void>): void }

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const ARTIFACTS = join(repoRoot, 'test-artifacts');

export const SIZES = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;
export type SizeName = keyof typeof SIZES;

/** What went wrong in a browser's pages: console errors, page errors, CSP violations; and every dialog. */
export interface PageProblems {
  readonly errors: string[];
  readonly dialogs: { type: string; message: string; url: string }[];
}

export interface HubBrowser {
  readonly context: BrowserContext;
  readonly problems: PageProblems;
  /** A new tab, watched like every other. */
  newPage(): Promise<Page>;
  /** Closes the browser now (it is closed when the tests end anyway). */
  close(): Promise<void>;
}

/** Reported to the console from inside each page, so a violation is an error the test sees. */
const CSP_WATCH = `document.addEventListener('securitypolicyviolation', function (e) {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber);
});`;

function watch(page: Page, problems: PageProblems): void {
  page.on('console', (m) => {
    if (m.type() === 'error') problems.errors.push(`console error on ${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (err) => { problems.errors.push(`page error on ${page.url()}: ${err.message}`); });
  // confirm() of the pages' dangerous buttons is accepted; anything else (an alert is what a
  // working XSS payload would open) is dismissed and recorded for the test to fail on.
  page.on('dialog', (d: Dialog) => {
    problems.dialogs.push({ type: d.type(), message: d.message(), url: page.url() });
    void (d.type() === 'confirm' ? d.accept() : d.dismiss()).catch(() => undefined);
  });
}

/** A headless Chromium on a fresh profile, closed and cleaned up when `t` ends. */
export async function openBrowser(t: HasAfter, opts: { size?: SizeName } = {}): Promise<HubBrowser> {
  const profile = makeProfileDir('fv-hub-chromium-');
  const problems: PageProblems = { errors: [], dialogs: [] };
  let context: BrowserContext | null = null;
  let closed: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closed ??= closeProfile(context, profile);
    return closed;
  };
  t.after(close);
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, args: ARGS, headless: true, viewport: SIZES[opts.size ?? 'desktop'],
  });
  await context.addInitScript({ content: CSP_WATCH });
  const ctx = context;
  for (const p of ctx.pages()) watch(p, problems);
  ctx.on('page', (p) => watch(p, problems));
  // The persistent context opens with one blank tab: the first newPage() is that one.
  let first: Page | undefined = ctx.pages()[0];
  return {
    context: ctx,
    problems,
    newPage: async () => {
      const p = first ?? await ctx.newPage();
      first = undefined;
      return p;
    },
    close,
  };
}

/** test-artifacts/<name>.png, the whole page. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
