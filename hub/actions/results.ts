// The outcome of an action on one process, as the API and the pages report it: node, process,
// ok, and the fault in supervisord's words when it failed (a transport failure reads
// "node unreachable: ..."). Bulk actions answer a list of these, one per process.
import { RpcTransportError } from '../../agent/rpc/client.js';
import { Faults, faultName, RpcFault } from '../../agent/rpc/faults.js';
import { WireShapeError, type StatusResult } from '../../agent/rpc/wire-types.js';

export interface ProcessResult {
  readonly node: string;
  /** `group:name`, or `group:*` / `*` for an action on a whole group or node that failed as a whole. */
  readonly process: string;
  readonly ok: boolean;
  /** supervisord's fault string (`ALREADY_STARTED: web`), or why the hub did not try. */
  readonly fault: string | null;
}

/** Why the hub did not try an action, in English: the key of its translations on the pages. */
export const HUB_FAULTS = {
  notAuthorized: 'not authorized',
  notConnected: 'node not connected',
  noSuchNode: 'no such node',
  noSuchProcess: 'no such process',
  notRun: 'not run',
} as const;

export function ok(node: string, process: string): ProcessResult {
  return { node, process, ok: true, fault: null };
}

export function failed(node: string, process: string, fault: string): ProcessResult {
  return { node, process, ok: false, fault };
}

/** The fault text of anything a call to a node can throw; unknown errors are rethrown (bugs). */
export function faultText(err: unknown): string {
  if (err instanceof RpcFault) return err.faultString;
  if (err instanceof RpcTransportError) return `node unreachable: ${err.message}`;
  if (err instanceof WireShapeError) return `bad response: ${err.message}`;
  throw err;
}

/** supervisord's per-process status structs (startAllProcesses ...) as results. */
export function fromStatuses(node: string, statuses: readonly StatusResult[]): ProcessResult[] {
  return statuses.map((s) => (s.status === Faults.SUCCESS
    ? ok(node, `${s.group}:${s.name}`)
    // supervisord's description is already the fault string (`SPAWN_ERROR: web`).
    : failed(node, `${s.group}:${s.name}`, s.description === '' ? faultName(s.status) : s.description)));
}
