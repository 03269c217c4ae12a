// diffGroups(): supervisord's reread comparison of two group lists (added / changed / removed by
// name), with its equality rules: every process option, AUTO logs equal to anything.
import type { GroupConfig, LogChannelConfig, ProcessConfig } from './types.js';

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** An AUTO logfile on either side compares equal, as supervisord's Automatic does. */
function sameChannel(a: LogChannelConfig, b: LogChannelConfig): boolean {
  const { logfile: la, auto: aa, ...ra } = a;
  const { logfile: lb, auto: ab, ...rb } = b;
  return (aa || ab || la === lb) && sameValue(ra, rb);
}

function sameProcess(a: ProcessConfig, b: ProcessConfig): boolean {
  const { stdout: oa, stderr: ea, program_name: _pa, process_num: _na, ...ra } = a;
  const { stdout: ob, stderr: eb, program_name: _pb, process_num: _nb, ...rb } = b;
  return sameChannel(oa, ob) && sameChannel(ea, eb) && sameValue(ra, rb);
}

/** supervisord's group config equality (kind, priority, processes in order, pool/socket options). */
export function sameGroup(a: GroupConfig, b: GroupConfig): boolean {
  const kindA = a.kind === 'group' ? 'program' : a.kind;
  const kindB = b.kind === 'group' ? 'program' : b.kind;
  if (kindA !== kindB || a.name !== b.name || a.priority !== b.priority) return false;
  if (a.processes.length !== b.processes.length || !a.processes.every((p, i) => sameProcess(p, b.processes[i] as ProcessConfig))) {
    return false;
  }
  if (a.kind === 'eventlistener' && b.kind === 'eventlistener') {
    return a.buffer_size === b.buffer_size && a.result_handler === b.result_handler
      && sameValue([...new Set(a.events)].sort(), [...new Set(b.events)].sort());
  }
  if (a.kind === 'fcgi-program' && b.kind === 'fcgi-program') return a.socket === b.socket;
  return true;
}

/** Names added, changed and removed going from the old group list to the new one. */
export function diffGroups(a: readonly GroupConfig[], b: readonly GroupConfig[]): { added: string[]; changed: string[]; removed: string[] } {
  const oldByName = new Map(a.map((g) => [g.name, g]));
  const newByName = new Map(b.map((g) => [g.name, g]));
  const added = b.filter((g) => !oldByName.has(g.name)).map((g) => g.name);
  const removed = a.filter((g) => !newByName.has(g.name)).map((g) => g.name);
  const changed = b.filter((g) => {
    const old = oldByName.get(g.name);
    return old !== undefined && !sameGroup(old, g);
  }).map((g) => g.name);
  return { added, changed, removed };
}
