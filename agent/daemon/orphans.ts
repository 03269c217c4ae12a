// Orphan protection (README "Orphan protection"): if the daemon is SIGKILLed, its children must
// not live on to be duplicated by the next daemon, as supervisord's are. This ledger records each
// child's process group and start time next to the pidfile, as plain text a shell can read: a
// `daemon <pid>` line, then one `<pgid> <starttime> <name>` line per child spawned. Layer 1
// (guardian.ts) ends those groups the moment the daemon dies; layer 2: a new daemon ends whatever
// of them still runs (the guardian was killed too, or a member outlived it) before it starts
// anything.
//
// The file is append-only between compactions: a spawn appends its line, an exit writes nothing
// (readers check each group's leader start time, so a dead entry is harmless). Rewriting the whole
// file atomically by rename at every change would flush its data each time (ext4 does on a rename
// over a file), too slow when hundreds of programs start.
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { removePipeDirsOf } from '../process/fifo-pool.js';
import { membersOfGroup, readProcStat } from '../process/proc-stat.js';

export interface LedgerEntry {
  readonly pid: number;
  readonly starttime: number;
  readonly name: string;
}

interface LedgerFile {
  readonly daemonPid: number;
  readonly children: readonly LedgerEntry[];
}

export function ledgerPath(pidfile: string): string {
  return `${pidfile}.children`;
}

/** Dead entries tolerated before a compaction: a rewrite when lines > 2 x live + this. */
const COMPACT_SLACK = 64;

/** Keeps one daemon life's ledger up to date with as few writes as possible. */
export class LedgerWriter {
  readonly path: string;
  /** Live children by pid: start time (a pid's never changes, so /proc is read once per child). */
  readonly #known = new Map<number, LedgerEntry>();
  #fd: number | null = null;
  #lines = 0;

  constructor(path: string) {
    this.path = path;
    this.#compact();
  }

  /** Appends the children not listed yet; compacts when dead entries pile up. */
  update(children: readonly { pid: number; name: string }[]): void {
    const live = new Set<number>();
    let added = '';
    for (const c of children) {
      live.add(c.pid);
      if (this.#known.has(c.pid)) continue;
      const starttime = readProcStat(c.pid)?.starttime;
      if (starttime === undefined) continue;
      this.#known.set(c.pid, { pid: c.pid, starttime, name: c.name });
      added += `${c.pid} ${starttime} ${c.name}\n`;
      this.#lines += 1;
    }
    for (const pid of this.#known.keys()) if (!live.has(pid)) this.#known.delete(pid);
    if (this.#lines > 2 * this.#known.size + COMPACT_SLACK) this.#compact();
    else if (added !== '' && this.#fd !== null) writeSync(this.#fd, added);
  }

  /** Orderly end of the life: nothing is left to protect. */
  remove(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
    removeLedger(this.path);
  }

  /** Rewrites the file with the live entries only (temp name, then rename), and appends from there. */
  #compact(): void {
    const body = `daemon ${process.pid}\n${[...this.#known.values()].map((e) => `${e.pid} ${e.starttime} ${e.name}\n`).join('')}`;
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, body);
    renameSync(tmp, this.path);
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = openSync(this.path, 'a');
    this.#lines = this.#known.size;
  }
}

export function removeLedger(path: string): void {
  try { unlinkSync(path); } catch { /* never written or already removed */ }
}

/** The ledger a daemon left; later lines of a pid win (there are none in practice). */
function readLedger(path: string): LedgerFile | null {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { return null; }
  const lines = text.split('\n');
  const head = /^daemon (\d+)$/.exec(lines[0] ?? '');
  if (!head) return null;
  const children = new Map<number, LedgerEntry>();
  for (const line of lines.slice(1)) {
    const m = /^(\d+) (\d+) (\S+)$/.exec(line);
    if (m) children.set(Number(m[1]), { pid: Number(m[1]), starttime: Number(m[2]), name: m[3] as string });
  }
  return { daemonPid: Number(head[1]), children: [...children.values()] };
}

/**
 * The processes of a previous daemon's child groups that still run. A member belongs to the old
 * group only if it started no earlier than the recorded leader (pid numbers are reused).
 */
export function findOrphans(path: string): { entry: LedgerEntry; pids: number[]; daemonPid: number }[] {
  const ledger = readLedger(path);
  // The caller has already refused to start if the ledger's daemon is still alive (pidfile check).
  if (!ledger) return [];
  const found: { entry: LedgerEntry; pids: number[]; daemonPid: number }[] = [];
  for (const entry of ledger.children) {
    const leader = readProcStat(entry.pid);
    if (leader && leader.starttime !== entry.starttime) continue; // pid reused by someone else
    const pids = membersOfGroup(entry.pid).filter((m) => m.starttime >= entry.starttime).map((m) => m.pid);
    if (pids.length > 0) found.push({ entry, pids, daemonPid: ledger.daemonPid });
  }
  return found;
}

/**
 * SIGKILLs every orphan found, by process group and by pid, and removes the dead daemon's FIFO
 * directories; returns log lines describing the kills.
 */
export function killOrphans(path: string): string[] {
  const daemonPid = readLedger(path)?.daemonPid;
  if (daemonPid !== undefined && daemonPid !== process.pid) removePipeDirsOf(daemonPid);
  const lines: string[] = [];
  for (const { entry, pids, daemonPid } of findOrphans(path)) {
    try { process.kill(-entry.pid, 'SIGKILL'); } catch { /* group already empty */ }
    for (const pid of pids) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    lines.push(`killed orphaned processes of '${entry.name}' (process group ${entry.pid}, pids ${pids.join(', ')}) left by a previous daemon (pid ${daemonPid})`);
  }
  removeLedger(path);
  return lines;
}
