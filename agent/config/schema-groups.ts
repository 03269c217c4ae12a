// Group-level sections: [group:x] (with the previous-member quirk), homogeneous [program:x],
// [eventlistener:x] pools and [fcgi-program:x] groups, in supervisord's order, sorted at the end.
import * as dt from './datatypes.js';
import { ValueError } from './errors.js';
import { comparePy } from './expand.js';
import { parsePyInt } from '../python/numbers.js';
import { pyNormpath } from '../python/posixpath.js';
import { pyRepr } from '../python/repr.js';
import { PY_SPACE } from '../python/str.js';
import { SectionReader, type LoadContext } from './context.js';
import { EVENT_TYPE_NAMES } from './event-names.js';
import { checkSpec } from './schema-plugins.js';
import { processesFromSection } from './schema-program.js';
import type { FcgiGroupConfig, GroupConfig, ProcessConfig } from './types.js';

function reader(ctx: LoadContext, section: string): SectionReader {
  return new SectionReader(ctx, section, new Map([['here', ctx.here]]));
}

function nameOf(r: SectionReader): string {
  return r.at('', () => dt.processOrGroupName(r.section.slice(r.section.indexOf(':') + 1)), r.section);
}

function heterogeneous(ctx: LoadContext, section: string, exclude: Set<string>): GroupConfig {
  const r = reader(ctx, section);
  const name = nameOf(r);
  const programs = dt.listOfStrings(r.optional('programs') ?? '');
  const priority = r.conv('priority', 999, dt.integer);
  const all = new Set(ctx.parser.sections());
  const processes: ProcessConfig[] = [];
  let shown = section;
  for (const program of programs) {
    const prog = `program:${program}`;
    const fcgi = `fcgi-program:${program}`;
    if (!all.has(prog) && !all.has(fcgi)) throw r.error(`[${shown}] names unknown program or fcgi-program ${program}`, 'programs');
    if (all.has(prog) && all.has(fcgi)) {
      throw r.error(`[${shown}] name ${program} is ambiguous (exists as program and fcgi-program)`, 'programs');
    }
    // (quirk) supervisord reuses its loop variable, so later messages name the previous member.
    shown = all.has(prog) ? prog : fcgi;
    exclude.add(shown);
    processes.push(...processesFromSection(ctx, shown, name));
  }
  return { kind: 'group', name, priority, processes };
}

function homogeneous(ctx: LoadContext, section: string): GroupConfig {
  const r = reader(ctx, section);
  const name = nameOf(r);
  const priority = r.conv('priority', 999, dt.integer);
  return { kind: 'program', name, priority, processes: processesFromSection(ctx, section, name) };
}

/** The only result handler fleetvisord can run (events/listener-protocol.ts implements it). */
const DEFAULT_RESULT_HANDLER = 'supervisor.dispatchers:default_handler';

function listenerPool(ctx: LoadContext, section: string): GroupConfig {
  const r = reader(ctx, section);
  const name = section.slice(section.indexOf(':') + 1);
  const priority = r.conv('priority', -1, dt.integer);
  const buffer_size = r.conv('buffer_size', 10, dt.integer);
  if (buffer_size < 1) throw r.error(`[${section}] section sets invalid buffer_size (${buffer_size})`, 'buffer_size');
  const result_handler = String(r.get('result_handler', DEFAULT_RESULT_HANDLER));
  r.at('result_handler', () => checkSpec(ctx, result_handler, section), result_handler);
  const events = [...new Set(dt.listOfStrings(r.optional('events') ?? '').map((e) => e.toUpperCase()))];
  if (events.length === 0) throw r.error(`[${section}] section requires an "events" line`, 'events');
  const unknown = events.find((e) => !EVENT_TYPE_NAMES.has(e));
  if (unknown !== undefined) throw r.error(`Unknown event type ${unknown} in [${section}] events`, 'events');
  if (r.conv('redirect_stderr', 'false', dt.boolean)) {
    throw r.error(`[${section}] section sets redirect_stderr=true but this is not allowed because it will `
      + 'interfere with the eventlistener protocol', 'redirect_stderr');
  }
  const processes = processesFromSection(ctx, section, name);
  // Checked after everything supervisord checks, so a config it rejects fails with its text first.
  if (result_handler.replace(/\s+/g, '') !== DEFAULT_RESULT_HANDLER) {
    throw r.error(`result_handler ${result_handler} in [${section}] cannot be used: fleetvisord cannot load Python `
      + `callables and runs only ${DEFAULT_RESULT_HANDLER} (accepts exactly OK)`, 'result_handler');
  }
  return { kind: 'eventlistener', name, priority, processes, events, buffer_size, result_handler };
}

function socketOptions(r: SectionReader) {
  const ctx = r.ctx;
  const userText = r.optional('user');
  const procUser = userText === undefined ? null : r.at('user', () => dt.user(userText, ctx.users), userText);
  const backlogText = r.optional('socket_backlog');
  const socket_backlog = backlogText === undefined ? null : r.conv('socket_backlog', undefined, dt.integer);
  if (socket_backlog !== null && (socket_backlog < 1 || socket_backlog > 65535)) {
    throw r.error(`Invalid socket_backlog value ${socket_backlog}`, 'socket_backlog');
  }
  const ownerText = r.optional('socket_owner');
  const owner = ownerText === undefined ? null : r.at('socket_owner', () => {
    try { return dt.userAndGroup(ownerText, ctx.users); } catch { throw new ValueError(`Invalid socket_owner value ${ownerText}`); }
  }, ownerText);
  const modeText = r.optional('socket_mode');
  const mode = modeText === undefined ? null : r.at('socket_mode', () => {
    try { return dt.octal(modeText); } catch { throw new ValueError(`Invalid socket_mode value ${modeText}`); }
  }, modeText);
  return { procUser, socket_backlog, owner, mode };
}

/** Python's r'tcp://([^\s:]+):(\d+)$' (its \s and \d are Unicode-aware; '$' also matches before a final '\n'). */
const TCP_SOCKET = new RegExp(`^tcp://((?:(?!${PY_SPACE})[^:])+):(\\p{Nd}+)\n?$`, 'u');

/** The socket= URL checked and normalised; errors are the tuple-looking texts supervisord prints. */
function parseSocket(sock: string, o: ReturnType<typeof socketOptions>, selfUid: number) {
  if (sock.startsWith('unix://')) {
    const path = sock.slice(7);
    if (!path.startsWith('/')) throw new ValueError(`('Unix socket path %s is not an absolute path', ${pyRepr(path)})`);
    let owner = o.owner;
    if (owner === null && o.procUser !== null && o.procUser.uid !== selfUid) owner = { uid: o.procUser.uid, gid: o.procUser.gid };
    return { socket: `unix://${pyNormpath(path)}`, socket_owner: owner, socket_mode: o.mode ?? 0o700 };
  }
  if (o.owner !== null || o.mode !== null) {
    throw new ValueError('socket_owner and socket_mode params should only be used with a Unix domain socket');
  }
  const m = TCP_SOCKET.exec(sock);
  if (!m) throw new ValueError(`('Bad socket format %s', ${pyRepr(sock)})`);
  const port = parsePyInt(m[2] ?? '') ?? NaN;
  if (port < 1) throw new ValueError(`${port} is below lower bound (1)`);
  if (port > 65535) throw new ValueError(`${port} is above upper bound (65535)`);
  return { socket: `tcp://${(m[1] ?? '').toLowerCase()}:${port}`, socket_owner: null, socket_mode: null };
}

function fcgiGroup(ctx: LoadContext, section: string, selfUid: number): FcgiGroupConfig {
  const r = reader(ctx, section);
  const name = nameOf(r);
  const priority = r.conv('priority', 999, dt.integer);
  const o = socketOptions(r);
  const sock = r.optional('socket', { extra: new Map([['program_name', name]]) });
  if (!sock) throw r.error(`[${section}] section requires a "socket" line`, 'socket');
  let parsed: ReturnType<typeof parseSocket>;
  try { parsed = parseSocket(sock, o, selfUid); } catch (err) {
    if (err instanceof ValueError) throw r.error(`${err.message} in [${section}] socket`, 'socket');
    throw err;
  }
  const processes = processesFromSection(ctx, section, name);
  return { kind: 'fcgi-program', name, priority, processes, socket_backlog: o.socket_backlog, ...parsed };
}

/** All groups, built in supervisord's order and sorted by priority then name. */
export function readGroups(ctx: LoadContext, selfUid: number): GroupConfig[] {
  const sections = ctx.parser.sections();
  const exclude = new Set<string>();
  const groups: GroupConfig[] = [];
  for (const s of sections) if (s.startsWith('group:')) groups.push(heterogeneous(ctx, s, exclude));
  for (const s of sections) if (s.startsWith('program:') && !exclude.has(s)) groups.push(homogeneous(ctx, s));
  for (const s of sections) if (s.startsWith('eventlistener:')) groups.push(listenerPool(ctx, s));
  for (const s of sections) if (s.startsWith('fcgi-program:') && !exclude.has(s)) groups.push(fcgiGroup(ctx, s, selfUid));
  return groups.sort((a, b) => a.priority - b.priority || comparePy(a.name, b.name));
}
