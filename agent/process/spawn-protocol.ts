// fv-spawn's wire protocol (native/fv-spawn.c), as pure functions: the frames of spawn and
// mkfifo requests, the reply and exit lines, and wait statuses. No I/O: spawn-helper.ts owns the
// helper process and its channels.
import { constants as osConstants } from 'node:os';

/** What the helper needs for one child: the daemon's fds of the child's pipe ends, by number. */
export interface HelperSpawn {
  readonly file: string;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string | null;
  readonly umask: number | null;
  readonly stdinFd: number;
  readonly stdoutFd: number;
  readonly stderrFd: number;
}

export type HelperResult = { readonly pid: number } | { readonly error: string };

const SIGNAL_NAMES = new Map<number, NodeJS.Signals>(
  Object.entries(osConstants.signals).map(([name, n]) => [n, name as NodeJS.Signals]),
);

/** A wait status as (exit code, signal name), as node reports a ChildProcess's end. */
export function decodeWaitStatus(status: number): { code: number | null; signal: NodeJS.Signals | null; core: boolean } {
  const sig = status & 0x7f;
  if (sig === 0) return { code: (status >> 8) & 0xff, signal: null, core: false };
  return { code: null, signal: SIGNAL_NAMES.get(sig) ?? null, core: (status & 0x80) !== 0 };
}

/** The fields of a spawn request, in fv-spawn.c's order. */
export function spawnFields(id: number, req: HelperSpawn): string[] {
  const env = Object.entries(req.env).map(([k, v]) => `${k}=${v}`);
  return [
    String(id), req.file, req.cwd ?? '', req.umask === null ? '' : String(req.umask),
    String(req.stdinFd), String(req.stdoutFd), String(req.stderrFd),
    String(req.argv.length), ...req.argv, String(env.length), ...env,
  ];
}

/** The fields of a request to make FIFOs at `paths`. */
export function fifoFields(id: number, paths: readonly string[]): string[] {
  return ['M', String(id), ...paths];
}

/** One request on the wire: a u32 little-endian length, then the NUL-terminated fields. */
export function frame(fields: readonly string[]): Buffer {
  const body = Buffer.from(fields.join('\0') + '\0', 'utf8');
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32LE(body.length, 0);
  body.copy(out, 4);
  return out;
}

/** Strings the helper's NUL-separated frame cannot carry; node's spawn reports those itself. */
export function helperCanCarry(req: HelperSpawn): boolean {
  if (req.argv.length === 0) return false;
  const has = (s: string): boolean => s.includes('\0');
  if (has(req.file) || (req.cwd !== null && has(req.cwd)) || req.argv.some(has)) return false;
  return !Object.entries(req.env).some(([k, v]) => has(k) || has(v) || k.includes('='));
}

/** A reply line `P <id> <pid>` or `E <id> <errno>`: [kind, id, value]. */
export function parseReply(line: string): { kind: string; id: number; value: string } {
  const [kind = '', id = '', value = ''] = line.split(' ');
  return { kind, id: Number(id), value };
}

/** An exit line `X <pid> <wait status>`, or null for any other line. */
export function parseExit(line: string): { pid: number; status: number } | null {
  const [kind, pid, status] = line.split(' ');
  return kind === 'X' ? { pid: Number(pid), status: Number(status) } : null;
}
