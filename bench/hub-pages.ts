// The hub's pages in a real browser: Debian's Chromium through playwright-core (launched as
// test/agent/ui/browser.test.ts does), logged in with the bench client's session cookie: the
// time to the `load` event of each page (median of 5, after one warm-up load), and the time from a state
// change on a node to the row's data-state changing on an open node page (the page script
// follows /api/v2/events/). Leftover browser processes are killed by pid; the profile is removed.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type BrowserContext } from 'playwright-core';
import { median, repoRoot } from './daemon.js';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface PageLoad { readonly label: string; readonly loadMs: number[]; readonly wallMs: number[] }

export interface LiveUpdate {
  /** ms from the change on the fake node to the row's data-state changing, per change that arrived. */
  readonly ms: number[];
  readonly tried: number;
  /** Why nothing was measured, when nothing was. */
  readonly note: string | null;
}

export interface BrowserResult { readonly loads: PageLoad[]; readonly live: LiveUpdate | null; readonly error: string | null }

function pidsOf(profile: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'latin1').includes(profile)) out.push(Number(name));
    } catch { /* gone */ }
  }
  return out;
}

export function hubScriptIsPlaceholder(): boolean {
  try {
    const js = readFileSync(join(repoRoot, 'views', 'hub', 'static', 'js', 'hub.js'), 'utf8');
    return js.trim().length < 100 && /placeholder/i.test(js);
  } catch { return true; }
}

export async function browserBench(o: {
  base: string;
  cookies: ReadonlyMap<string, string>;
  pages: readonly { label: string; path: string }[];
  /**
   * The live-update check: `change` sets the process to a state on its node and resolves with the
   * Date.now() at which the node changed (or answered); a random pause up to `jitterMs` comes
   * before each change, so changes fall at every phase of a poll.
   */
  live: { nodeName: string; namespec: string; changes: number; jitterMs: number; change: (state: 'RUNNING' | 'STOPPED') => Promise<number> } | null;
}): Promise<BrowserResult> {
  if (!existsSync(CHROMIUM)) return { loads: [], live: null, error: `${CHROMIUM} is not installed` };
  const profile = mkdtempSync(join(tmpdir(), 'fv-bench-chromium-'));
  let context: BrowserContext | null = null;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1280, height: 900 },
    });
    await context.addCookies([...o.cookies].map(([name, value]) => ({ name, value, url: o.base })));
    const page = context.pages()[0] ?? await context.newPage();
    const loads: PageLoad[] = [];
    for (const [index, p] of o.pages.entries()) {
      const loadMs: number[] = [];
      const wallMs: number[] = [];
      // One warm-up load before the first page (it fetches the static files; the other pages share them).
      const warm = index === 0 ? 1 : 0;
      for (let i = 0; i < 5 + warm; i++) {
        const t0 = performance.now();
        const res = await page.goto(o.base + p.path, { waitUntil: 'load', timeout: 60_000 });
        const wall = performance.now() - t0;
        if (res?.status() !== 200) throw new Error(`Chromium: ${p.path} answered ${res?.status()}`);
        if (!page.url().startsWith(o.base + p.path)) throw new Error(`Chromium: ${p.path} went to ${page.url()}`);
        // (Strings: the project's TypeScript has no DOM types.)
        const nav = Number(await page.evaluate(`(() => {
          const n = performance.getEntriesByType('navigation')[0];
          return n === undefined ? 0 : n.loadEventEnd - n.startTime;
        })()`));
        if (i < warm) continue;
        loadMs.push(nav > 0 ? nav : wall);
        wallMs.push(wall);
      }
      loads.push({ label: p.label, loadMs, wallMs });
    }

    let live: LiveUpdate | null = null;
    if (o.live !== null) {
      const l = o.live;
      await page.goto(`${o.base}/nodes/${encodeURIComponent(l.nodeName)}`, { waitUntil: 'load' });
      // Rows may be changed in place or replaced: watch the whole body and read the row afresh.
      const found = await page.evaluate(`(() => {
        window.__fv = [];
        const sel = ${JSON.stringify(`tr.proc[data-ns="${l.namespec}"]`)};
        let last = document.querySelector(sel)?.getAttribute('data-state') ?? null;
        new MutationObserver(() => {
          const now = document.querySelector(sel)?.getAttribute('data-state') ?? null;
          if (now !== last) { last = now; window.__fv.push({ state: now, at: Date.now() }); }
        }).observe(document.body, { attributes: true, attributeFilter: ['data-state'], childList: true, subtree: true });
        return last;
      })()`) as string | null;
      if (found === null) {
        live = { ms: [], tried: 0, note: `no row ${l.namespec} on the node page` };
      } else {
        // Let the page's script open its event stream.
        await sleep(1500);
        const ms: number[] = [];
        let state: 'RUNNING' | 'STOPPED' = found === 'RUNNING' ? 'STOPPED' : 'RUNNING';
        let note: string | null = null;
        let tried = 0;
        for (let i = 0; i < l.changes; i++) {
          tried += 1;
          await sleep(Math.random() * l.jitterMs);
          const at = await l.change(state);
          let seen: number | null = null;
          const deadline = performance.now() + 5000;
          while (seen === null && performance.now() < deadline) {
            seen = await page.evaluate(`window.__fv.find((c) => c.state === ${JSON.stringify(state)})?.at ?? null`) as number | null;
            if (seen === null) await sleep(20);
          }
          if (seen === null) {
            note = hubScriptIsPlaceholder()
              ? 'the row did not change within 5 s: views/hub/static/js/hub.js is still a placeholder (no live updates)'
              : 'the row did not change within 5 s (the page script does not update it)';
            break;
          }
          ms.push(Math.max(0, seen - at));
          await page.evaluate('window.__fv = []');
          state = state === 'RUNNING' ? 'STOPPED' : 'RUNNING';
          await sleep(200);
        }
        live = { ms, tried, note };
      }
    }
    return { loads, live, error: null };
  } catch (err) {
    return { loads: [], live: null, error: err instanceof Error ? err.message.split('\n')[0] ?? 'error' : String(err) };
  } finally {
    await context?.close().catch(() => undefined);
    for (const pid of pidsOf(profile)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    rmSync(profile, { recursive: true, force: true });
  }
}

export function medianOr(xs: number[]): number { return xs.length === 0 ? NaN : median(xs); }
