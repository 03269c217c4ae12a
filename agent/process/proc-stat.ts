// Reading /proc/<pid>/stat: start time and process group of a pid (Linux only).
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcStat {
  readonly pid: number;
  readonly pgrp: number;
  /** Start time in clock ticks since boot (field 22): with the pid, a process identity. */
  readonly starttime: number;
  readonly state: string;
}

export function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try { text = readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { return null; }
  // The command name (field 2) may contain spaces and parentheses: parse after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const pgrp = Number(fields[2]);
  const starttime = Number(fields[19]);
  if (!Number.isFinite(pgrp) || !Number.isFinite(starttime)) return null;
  return { pid, pgrp, starttime, state: fields[0] ?? '?' };
}

/** Every live (non-zombie) process whose process group is pgrp. */
export function membersOfGroup(pgrp: number): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = readProcStat(Number(name));
    if (st && st.pgrp === pgrp && st.state !== 'Z') out.push(st);
  }
  return out;
}
