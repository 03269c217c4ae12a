// Polls a condition until it holds or a deadline passes (tests may poll; product code may not).
import { setTimeout as sleep } from 'node:timers/promises';

export async function waitFor(cond: () => boolean | Promise<boolean>, opts: { timeoutMs?: number; what?: string; everyMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${opts.what ?? 'a condition'}`);
    await sleep(opts.everyMs ?? 25);
  }
}
