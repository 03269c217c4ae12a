// minfds / minprocs: raise the soft RLIMIT_NOFILE / RLIMIT_NPROC as supervisord does at first start.
// Node has no setrlimit, so util-linux `prlimit --pid` changes our own limits.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

interface Limit { soft: number; hard: number }

function readLimit(label: string): Limit | null {
  let text: string;
  try { text = readFileSync('/proc/self/limits', 'utf8'); } catch { return null; }
  const line = text.split('\n').find((l) => l.startsWith(label));
  if (!line) return null;
  const parts = line.slice(label.length).trim().split(/\s+/);
  const parse = (v: string | undefined): number => (v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v));
  return { soft: parse(parts[0]), hard: parse(parts[1]) };
}

const NOFILE_MSG = (n: number): string =>
  `The minimum number of file descriptors required to run this process is ${n} as per the "minfds" command-line argument or config file setting. The current environment will only allow you to open %d file descriptors.  Either raise the number of usable file descriptors in your environment (see README.rst) or lower the minfds setting in the config file to allow the process to start.`;
const NPROC_MSG = (n: number): string =>
  `The minimum number of available processes required to run this program is ${n} as per the "minprocs" command-line argument or config file setting. The current environment will only allow you to open %d processes.  Either raise the number of usable processes in your environment (see README.rst) or lower the minprocs setting in the config file to allow the program to start.`;

/** Raises limits where needed. Returns info lines on success; throws an Error with the usage text on failure. */
export function ensureRlimits(minfds: number, minprocs: number): string[] {
  const info: string[] = [];
  const plan: [string, string, number, (n: number) => string, string][] = [
    ['Max open files', 'nofile', minfds, NOFILE_MSG, 'RLIMIT_NOFILE'],
    ['Max processes', 'nproc', minprocs, NPROC_MSG, 'RLIMIT_NPROC'],
  ];
  for (const [label, flag, min, msg, name] of plan) {
    const lim = readLimit(label);
    if (!lim || lim.soft >= min) continue;
    // Below the hard limit too: ask for both (only root may raise a hard limit), as supervisord does.
    const hard = lim.hard < min ? min : lim.hard;
    const hardText = Number.isFinite(hard) ? String(hard) : 'unlimited';
    try {
      execFileSync('prlimit', ['--pid', String(process.pid), `--${flag}=${min}:${hardText}`], { stdio: 'ignore' });
      info.push(`Increased ${name} limit to ${min}`);
    } catch {
      throw new Error(msg(min).replace('%d', hardText));
    }
  }
  return info;
}
