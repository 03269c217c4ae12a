// CPU seconds and resident memory of a live pid, read from /proc (Linux). Used by the
// fleetvisor.* API and /metrics; null when the process is gone or /proc is unreadable.
import { readFileSync } from 'node:fs';

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat, 100 on every Linux userspace ABI. */
const CLOCK_TICKS = 100;

export interface ResourceUsage {
  /** utime + stime of the process itself, in seconds. */
  readonly cpuSeconds: number;
  /** VmRSS in bytes. */
  readonly rssBytes: number;
}

export function readUsage(pid: number): ResourceUsage | null {
  if (pid <= 0) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the command name (which may hold spaces and parentheses); utime is field 14.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    return { cpuSeconds: ticks / CLOCK_TICKS, rssBytes: m ? Number(m[1]) * 1024 : 0 };
  } catch {
    return null;
  }
}
