// memory_limit: every few seconds, while some RUNNING process has a limit, the resident memory of
// each such process and all of its descendants is summed from /proc (one pass over /proc for all
// of them), and a process over its limit is told (it restarts itself). Reads are asynchronous so
// the supervisor's loop is never held up by a large /proc.
import { readdir, readFile } from 'node:fs/promises';
import { ProcessState as S } from './states.js';
import type { Subprocess } from './subprocess.js';

export const MEMORY_WATCH_INTERVAL_MS = 5000;

export class MemoryWatch {
  readonly #processes: () => Iterable<Subprocess>;
  #timer: NodeJS.Timeout | null = null;
  #busy = false;

  constructor(processes: () => Iterable<Subprocess>) {
    this.#processes = processes;
  }

  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => { void this.check(); }, MEMORY_WATCH_INTERVAL_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** One pass; a pass still reading /proc makes the next one a no-op. */
  async check(): Promise<void> {
    if (this.#busy) return;
    const watched = [...this.#processes()].filter((p) => p.config.extra.memory_limit > 0 && p.state === S.RUNNING && p.pid > 0);
    if (watched.length === 0) return;
    this.#busy = true;
    try {
      const children = await childrenByParent();
      for (const proc of watched) {
        const pid = proc.pid;
        const rss = await treeRss(pid, children);
        // The process may have been stopped or restarted while /proc was read.
        if (proc.pid === pid && proc.state === S.RUNNING && rss > proc.config.extra.memory_limit) proc.memoryExceeded(rss);
      }
    } finally {
      this.#busy = false;
    }
  }
}

/** ppid -> child pids, from /proc/<pid>/stat (field 4, after the command name in parentheses). */
async function childrenByParent(): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  const names = await readdir('/proc');
  await Promise.all(names.filter((n) => /^\d+$/.test(n)).map(async (name) => {
    let text: string;
    try { text = await readFile(`/proc/${name}/stat`, 'latin1'); } catch { return; }
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return;
    const ppid = Number(fields[1]);
    const list = out.get(ppid);
    if (list === undefined) out.set(ppid, [Number(name)]);
    else list.push(Number(name));
  }));
  return out;
}

/** VmRSS of pid and every descendant, in bytes (a process that exited meanwhile counts 0). */
async function treeRss(pid: number, children: ReadonlyMap<number, readonly number[]>): Promise<number> {
  const pids: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop()!;
    pids.push(p);
    for (const c of children.get(p) ?? []) stack.push(c);
  }
  const sizes = await Promise.all(pids.map(async (p) => {
    try {
      const m = /^VmRSS:\s+(\d+) kB$/m.exec(await readFile(`/proc/${p}/status`, 'latin1'));
      return m ? Number(m[1]) * 1024 : 0;
    } catch {
      return 0;
    }
  }));
  return sizes.reduce((a, b) => a + b, 0);
}
