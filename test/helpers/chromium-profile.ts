// A fresh Chromium profile dir for one browser, and its end: the browser's context closed, any of
// its processes still alive (found by the profile path in their command line, among this test
// process's descendants) killed by pid, and the dir removed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { descendants, isAlive } from './daemon.js';

export function makeProfileDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function closeProfile(context: BrowserContext | null, profile: string): Promise<void> {
  await context?.close().catch(() => undefined);
  for (const pid of descendants(process.pid)) {
    let cmdline = '';
    try { cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1'); } catch { continue; }
    if (cmdline.includes(profile) && isAlive(pid)) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
  }
  rmSync(profile, { recursive: true, force: true });
}
