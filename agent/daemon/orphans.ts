// Orphan protection (supervisor issues #199 and #168): if the daemon is SIGKILLed, its children
// must not live on to be duplicated by the next daemon. This ledger records each child's process
// group and start time next to the pidfile, twice: as JSON, and as `pgid starttime` lines for the
// shell of layer 1 (guardian.ts), which ends those groups the moment the daemon dies. Layer 2: a
// new daemon reads the JSON ledger and ends whatever of those groups still runs (the guardian was
// killed too, or a member outlived it) before it starts anything.
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { removePipeDirsOf } from '../process/fifo-pool.js';
import { membersOfGroup, readProcStat } from './proc-stat.js';

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

/** The guardian's copy of a ledger: one `pgid starttime` line per child. */
export function guardianListPath(ledger: string): string {
  return `${ledger}.txt`;
}

/** Write to a temp name, then rename over: a reader sees the old or the new file, never half. */
function replaceFile(path: string, body: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, body);
  renameSync(tmp, path);
}

/**
 * Writes the ledger and the guardian's list, each atomically. `starttimes` caches what /proc said
 * of each pid (a pid's start time never changes), so a rewrite reads /proc only for new children;
 * entries of pids no longer listed are dropped from it.
 */
export function writeLedger(path: string, children: readonly { pid: number; name: string }[], starttimes = new Map<number, number>()): void {
  const entries: LedgerEntry[] = [];
  const live = new Set<number>();
  for (const c of children) {
    live.add(c.pid);
    let starttime = starttimes.get(c.pid);
    if (starttime === undefined) {
      starttime = readProcStat(c.pid)?.starttime;
      if (starttime === undefined) continue;
      starttimes.set(c.pid, starttime);
    }
    entries.push({ pid: c.pid, starttime, name: c.name });
  }
  for (const pid of starttimes.keys()) if (!live.has(pid)) starttimes.delete(pid);
  const body: LedgerFile = { daemonPid: process.pid, children: entries };
  replaceFile(guardianListPath(path), entries.map((e) => `${e.pid} ${e.starttime}\n`).join(''));
  replaceFile(path, JSON.stringify(body));
}

export function removeLedger(path: string): void {
  for (const file of [path, guardianListPath(path)]) {
    try { unlinkSync(file); } catch { /* never written or already removed */ }
  }
}

function readLedger(path: string): LedgerFile | null {
  try {
    const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof data !== 'object' || data === null) return null;
    const d = data as { daemonPid?: unknown; children?: unknown };
    if (typeof d.daemonPid !== 'number' || !Array.isArray(d.children)) return null;
    const children = d.children.filter((c): c is LedgerEntry =>
      typeof c === 'object' && c !== null && typeof c.pid === 'number' && typeof c.starttime === 'number' && typeof c.name === 'string');
    return { daemonPid: d.daemonPid, children };
  } catch {
    return null;
  }
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
