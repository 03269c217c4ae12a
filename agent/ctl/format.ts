// Every text fleetvisorctl shows, byte-compatible with supervisorctl 4.2.5, and the JSON shapes
// of --json. Pure: no I/O, no RPC.
import { pyRepr } from '../python/repr.js';
import { Faults } from '../rpc/faults.js';
import type { Json } from './output.js';
import type { ProcessInfo } from '../rpc/wire-types.js';
import type { ConfigChanges, ConfigSummary } from './wire.js';

/** Python's len(): code points, not UTF-16 units. */
function width(s: string): number {
  return [...s].length;
}

/** Python's '%-Ns' (and str.ljust). */
export function ljust(s: string, n: number): string {
  const w = width(s);
  return w >= n ? s : s + ' '.repeat(n - w);
}

/** `group:name`, or `name` when the group is named like its only process. */
export function namespec(group: string, name: string): string {
  return group === name ? name : `${group}:${name}`;
}

/** supervisor's split_namespec: `g:` and `g:*` mean the whole group (name null). */
export function splitNamespec(spec: string): { group: string; name: string | null } {
  const colon = spec.indexOf(':');
  if (colon < 0) return { group: spec, name: spec };
  const name = spec.slice(colon + 1);
  return { group: spec.slice(0, colon), name: name === '' || name === '*' ? null : name };
}

/** The status table: namespec padded to max(30, longest)+3, statename to 10, trailing spaces kept. */
export function statusLines(infos: readonly ProcessInfo[]): string[] {
  const specs = infos.map((i) => namespec(i.group, i.name));
  const nameWidth = Math.max(30, ...specs.map(width)) + 3;
  return infos.map((info, k) => ljust(specs[k] ?? '', nameWidth) + ljust(info.statename, 10) + info.description);
}

export function processJson(info: ProcessInfo): Json {
  const out: { [key: string]: Json } = { namespec: namespec(info.group, info.name) };
  for (const [k, v] of Object.entries(info)) if (typeof v === 'string' || typeof v === 'number') out[k] = v;
  return out;
}

/** What a result code means for one command: a success word, an error reason, or the raw fault. */
export type Outcome =
  | { readonly kind: 'ok'; readonly word: string }
  | { readonly kind: 'error'; readonly reason: string }
  | { readonly kind: 'raw' };

const ok = (word: string): Outcome => ({ kind: 'ok', word });
const error = (reason: string): Outcome => ({ kind: 'error', reason });

const START: ReadonlyMap<number, Outcome> = new Map([
  [Faults.BAD_NAME, error('no such process')],
  [Faults.NO_FILE, error('no such file')],
  [Faults.NOT_EXECUTABLE, error('file is not executable')],
  [Faults.ALREADY_STARTED, error('already started')],
  [Faults.SPAWN_ERROR, error('spawn error')],
  [Faults.ABNORMAL_TERMINATION, error('abnormal termination')],
  [Faults.SUCCESS, ok('started')],
]);

const CLEAR: ReadonlyMap<number, Outcome> = new Map([
  [Faults.BAD_NAME, error('no such process')],
  [Faults.FAILED, error('failed')],
  [Faults.SUCCESS, ok('cleared')],
]);

/** How `start` reads a status code; undefined for a code supervisorctl does not expect. */
export function startOutcome(code: number): Outcome | undefined {
  return START.get(code);
}

/** How `stop` (word 'stopped') and `signal` (word 'signalled') read a status code. */
export function signalOutcome(code: number, word: string): Outcome | undefined {
  switch (code) {
    case Faults.BAD_NAME: return error('no such process');
    case Faults.BAD_SIGNAL: return error('bad signal name');
    case Faults.NOT_RUNNING: return error('not running');
    case Faults.SUCCESS: return ok(word);
    case Faults.FAILED: return { kind: 'raw' };
    default: return undefined;
  }
}

export function clearOutcome(code: number): Outcome | undefined {
  return CLEAR.get(code);
}

/** `name: started`, `name: ERROR (reason)`, or the fault string alone. */
export function resultLine(spec: string, outcome: Outcome, description: string): string {
  if (outcome.kind === 'ok') return `${spec}: ${outcome.word}`;
  if (outcome.kind === 'error') return errorFor(spec, outcome.reason);
  return description;
}

export function resultJson(spec: string, status: number, outcome: Outcome, description: string): Json {
  if (outcome.kind === 'ok') return { name: spec, status, result: outcome.word, description };
  const reason = outcome.kind === 'error' ? outcome.reason : description;
  return { name: spec, status, error: reason, description };
}

/** `name: ERROR (reason)`. */
export function errorFor(name: string, reason: string): string {
  return `${name}: ERROR (${reason})`;
}

export function unknownResultCode(code: number, spec: string): string {
  return `Unknown result code ${code} for ${spec}`;
}

/** avail: '%-32s %-9s %-9s %s'. */
export function configInfoLine(ci: ConfigSummary): string {
  return [ljust(namespec(ci.group, ci.name), 32), ljust(ci.inuse ? 'in use' : 'avail', 9),
    ljust(ci.autostart ? 'auto' : 'manual', 9), `${ci.group_prio}:${ci.process_prio}`].join(' ');
}

export function configInfoJson(ci: ConfigSummary): Json {
  return { namespec: namespec(ci.group, ci.name), ...ci.extra };
}

/** reread: `name: available|changed|disappeared`, sorted by name, or the no-change line. */
export function changeLines(c: ConfigChanges): string[] {
  const what = new Map<string, string>();
  for (const n of c.added) what.set(n, 'available');
  for (const n of c.changed) what.set(n, 'changed');
  for (const n of c.removed) what.set(n, 'disappeared');
  if (what.size === 0) return ['No config updates to processes'];
  return [...what.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((n) => `${n}: ${what.get(n) ?? ''}`);
}

export function changesJson(c: ConfigChanges): Json {
  return { added: [...c.added], changed: [...c.changed], removed: [...c.removed] };
}

/** supervisorctl's catch-all line for an exception it did not expect. */
export function unexpectedLine(pyClass: string, message: string, file: string, line: number): string {
  return `error: <class '${pyClass}'>, ${message}: file: ${file} line: ${line}`;
}

/** Python's cmd.Cmd.columnize: the fewest rows whose columns fit in `displayWidth`. */
export function columnize(list: readonly string[], displayWidth: number): string[] {
  if (list.length === 0) return ['<empty>'];
  if (list.length === 1) return [list[0] ?? ''];
  const size = list.length;
  let rows = size;
  let widths: number[] = [0];
  for (let nrows = 1; nrows < size; nrows++) {
    const ncols = Math.ceil(size / nrows);
    const cw: number[] = [];
    let total = -2;
    for (let col = 0; col < ncols; col++) {
      let w = 0;
      for (let row = 0; row < nrows && row + nrows * col < size; row++) w = Math.max(w, width(list[row + nrows * col] ?? ''));
      cw.push(w);
      total += w + 2;
      if (total > displayWidth) break;
    }
    if (total <= displayWidth) { rows = nrows; widths = cw; break; }
  }
  const cols = rows === size ? 1 : widths.length;
  const out: string[] = [];
  for (let row = 0; row < rows; row++) {
    const texts: string[] = [];
    for (let col = 0; col < cols; col++) texts.push(list[row + rows * col] ?? '');
    while (texts.length > 0 && texts[texts.length - 1] === '') texts.pop();
    out.push(texts.map((t, col) => ljust(t, widths[col] ?? 0)).join('  '));
  }
  return out;
}

/** `help` without a topic: a blank line, the header, its ruler, the columns, a blank line. */
export function helpIndex(names: readonly string[]): string[] {
  const header = 'default commands (type help <topic>):';
  return ['', header, '='.repeat(header.length), ...columnize(names, 79), ''];
}

export function noHelp(topic: string): string {
  return `*** No help on ${topic}`;
}

export function unknownSyntax(line: string): string {
  return `*** Unknown syntax: ${line}`;
}

export const PRESS_CTRL_C = '==> Press Ctrl-C to exit <==';

/** Python's str() of an xmlrpc Fault. */
export function pyFault(code: number, faultString: string): string {
  return `<Fault ${code}: ${pyRepr(faultString)}>`;
}

/** The fixed messages, worded as supervisorctl's (in the order a session meets them). */
/**
 * OpenSSL's "80AC...:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate
 * required:../deps/.../rec_layer_s3.c:1601:SSL alert number 116" in a message, shortened to
 * "tlsv13 alert certificate required (SSL alert number 116)".
 */
export function opensslReason(message: string): string {
  return message.replace(/[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:\n]+):[^:\n]*:\d+:?([^\n]*)/,
    (_all, reason: string, detail: string) => (detail.trim() === '' ? reason : `${reason} (${detail.trim()})`));
}

export const MSG = Object.freeze({
  usage: (message: string, progname: string) => `Error: ${message}\nFor help, use ${progname} -h\n`,
  authRequired: 'Server requires authentication',
  username: 'Username:',
  password: 'Password:',
  passwordEchoed: 'Warning: Password input may be echoed.',
  apiVersion: (wanted: string, got: string) => 'Sorry, this version of supervisorctl expects to talk to a server '
    + `with API version ${wanted}, but the remote version is ${got}.`,
  noNamespace: 'Sorry, supervisord responded but did not recognize the supervisor namespace commands that '
    + 'supervisorctl uses to control it.  Please check that the [rpcinterface:supervisor] section is enabled '
    + 'in the configuration file (see sample.conf).',
  refused: (url: string) => `${url} refused connection`,
  noSuchFile: (url: string) => `${url} no such file`,
  tlsError: (message: string) => `ERROR: ${opensslReason(message)}`,
  tlsReset: (url: string) => `ERROR: ${url}: connection reset during TLS (did the server refuse this client's certificate?)`,
  requiresName: (command: string) => `Error: ${command} requires a process name`,
  signalRequires: 'Error: signal requires a signal name and a process name',
  acceptsNoArguments: (command: string) => `Error: ${command} accepts no arguments`,
  tooFewArguments: 'Error: too few arguments',
  tooManyArguments: 'Error: too many arguments',
  badChannel: (channel: string) => `Error: bad channel ${pyRepr(channel)}`,
  tailRequiresName: 'Error: tail requires process name',
  badArgument: (arg: string) => `Error: bad argument ${arg}`,
  noSuchProcessPid: (name: string) => `No such process ${name}`,
  supervisorShuttingDown: 'ERROR: supervisor shutting down',
  alreadyShuttingDown: 'ERROR: already shutting down',
  shuttingDown: 'ERROR: shutting down',
  error: (text: string) => `ERROR: ${text}`,
  groupDone: (group: string, what: string) => `${group}: ${what}`,
  noSuchGroup: (group: string) => `ERROR: no such group: ${group}`,
  groupAlreadyActive: 'ERROR: process group already active',
  noSuchProcessOrGroup: (name: string) => `ERROR: no such process/group: ${name}`,
  stillRunning: (name: string) => `ERROR: process/group still running: ${name}`,
  confirmShutdown: 'Really shut the remote supervisord process down y/N? ',
  confirmReload: 'Really restart the remote supervisord process y/N? ',
  shutDown: 'Shut down',
  restarted: 'Restarted supervisord',
  shutdownRefused: (url: string) => `ERROR: ${url} refused connection (already shut down?)`,
  shutdownNoFile: (url: string) => `ERROR: ${url} no such file (already shut down?)`,
  badOpenUrl: 'ERROR: url must be http:// or unix://',
  noProcessName: 'ERROR: no process name supplied',
  tooManyProcessNames: 'ERROR: too many process names supplied',
  badProcessName: 'ERROR: bad process name supplied',
  processNotRunning: 'ERROR: process not running',
  fgNoJson: 'ERROR: fg is interactive and has no --json form',
  processGotKilled: 'Process got killed',
  exitingForeground: 'Exiting foreground',
  cannotConnect: (url: string, pyClass: string, message: string) => `${url} Cannot connect, error: <class '${pyClass}'> (${message})`,
  cannotRead: (url: string, status: number) => `${url} Cannot read, status code ${status}`,
});

/** What update says it did with a group (text `g: <word>`, JSON `result`). */
export const UPDATE = Object.freeze({
  stopped: 'stopped',
  removed: 'removed process group',
  updated: 'updated process group',
  added: 'added process group',
  hasProblems: 'has problems; not removing',
});
