// The XML-RPC sequences behind each action on one node, as supervisorctl runs them: wait=true
// starts and stops (so a result means RUNNING or STOPPED), restart that stops only what runs,
// node- and group-wide calls that answer per process, and reread/update. Never throws for a
// fault or an unreachable node: every outcome is a ProcessResult.
import type { RpcClient } from '../../agent/rpc/client.js';
import { Faults, RpcFault } from '../../agent/rpc/faults.js';
import type { XmlRpcValue } from '../../agent/rpc/value.js';
import { RUNNING_STATES, toProcessInfo, toStatusResults } from '../../agent/rpc/wire-types.js';
import { failed, faultText, fromStatuses, ok, type ProcessResult } from './results.js';

/** A start waits startsecs, a stop stopwaitsecs: an action may take this long before it is given up. */
export const ACTION_TIMEOUT_MS = 300_000;

export type ProcessVerb = 'start' | 'stop' | 'restart';

/** supervisord's RUNNING_STATES, as plain numbers for the codes read off the wire. */
const RUNNING = new Set<number>(RUNNING_STATES);

async function call(client: RpcClient, method: string, params: (string | boolean)[]): Promise<XmlRpcValue> {
  return client.call(method, params, { timeoutMs: ACTION_TIMEOUT_MS });
}

/** A fault that means the wish already holds: starting what runs, stopping what is stopped. */
function alreadyDone(verb: 'start' | 'stop', err: unknown): boolean {
  return err instanceof RpcFault && (verb === 'start' ? err.code === Faults.ALREADY_STARTED : err.code === Faults.NOT_RUNNING);
}

export async function processAction(client: RpcClient, node: string, namespec: string, verb: ProcessVerb): Promise<ProcessResult> {
  try {
    if (verb === 'restart') {
      // Stop only what runs (cesi v1 failed with NOT_RUNNING on a stopped process), then start.
      const info = toProcessInfo(await client.call('supervisor.getProcessInfo', [namespec]));
      if (RUNNING.has(info.state)) {
        try { await call(client, 'supervisor.stopProcess', [namespec, true]); } catch (err) { if (!alreadyDone('stop', err)) throw err; }
      }
      await call(client, 'supervisor.startProcess', [namespec, true]);
    } else {
      await call(client, verb === 'start' ? 'supervisor.startProcess' : 'supervisor.stopProcess', [namespec, true]);
    }
    return ok(node, namespec);
  } catch (err) {
    return failed(node, namespec, faultText(err));
  }
}

export async function clearLog(client: RpcClient, node: string, namespec: string): Promise<ProcessResult> {
  try {
    await client.call('supervisor.clearProcessLogs', [namespec]);
    return ok(node, namespec);
  } catch (err) {
    return failed(node, namespec, faultText(err));
  }
}

/** Every process of a node (supervisord's priority order), or of one group on it. */
export async function wideAction(client: RpcClient, node: string, verb: ProcessVerb, group: string | null): Promise<ProcessResult[]> {
  const target = group === null ? '*' : `${group}:*`;
  const run = async (which: 'start' | 'stop'): Promise<ProcessResult[]> => {
    const method = group === null ? `supervisor.${which}AllProcesses` : `supervisor.${which}ProcessGroup`;
    const params: (string | boolean)[] = group === null ? [true] : [group, true];
    return fromStatuses(node, toStatusResults(await call(client, method, params)));
  };
  try {
    if (verb !== 'restart') return await run(verb);
    const stopped = await run('stop');
    const started = await run('start');
    // One line per process: a failed stop wins over the start that followed it.
    const byName = new Map(started.map((r) => [r.process, r]));
    for (const r of stopped) if (!r.ok) byName.set(r.process, r);
    return [...byName.values()];
  } catch (err) {
    return [failed(node, target, faultText(err))];
  }
}

export interface ConfigChanges { readonly added: string[]; readonly changed: string[]; readonly removed: string[] }

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** supervisor.reloadConfig: which groups the node's config file adds, changes and removes. */
export async function reread(client: RpcClient): Promise<ConfigChanges> {
  const r = await client.call('supervisor.reloadConfig');
  const first = Array.isArray(r) ? r[0] : undefined;
  if (!Array.isArray(first)) return { added: [], changed: [], removed: [] };
  return { added: stringList(first[0]), changed: stringList(first[1]), removed: stringList(first[2]) };
}

export interface GroupOutcome { readonly group: string; readonly change: 'added' | 'changed' | 'removed'; readonly ok: boolean; readonly fault: string | null }

/** supervisorctl update: removed groups stopped and removed, changed ones replaced, added ones added. */
export async function update(client: RpcClient): Promise<{ changes: ConfigChanges; outcomes: GroupOutcome[] }> {
  const changes = await reread(client);
  const outcomes: GroupOutcome[] = [];
  const step = async (group: string, change: GroupOutcome['change'], fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
      outcomes.push({ group, change, ok: true, fault: null });
    } catch (err) {
      outcomes.push({ group, change, ok: false, fault: faultText(err) });
    }
  };
  const remove = async (group: string): Promise<void> => {
    try { await call(client, 'supervisor.stopProcessGroup', [group, true]); } catch (err) { if (!(err instanceof RpcFault)) throw err; }
    await client.call('supervisor.removeProcessGroup', [group]);
  };
  for (const g of changes.removed) await step(g, 'removed', () => remove(g));
  for (const g of changes.changed) {
    await step(g, 'changed', async () => { await remove(g); await client.call('supervisor.addProcessGroup', [g]); });
  }
  for (const g of changes.added) await step(g, 'added', async () => { await client.call('supervisor.addProcessGroup', [g]); });
  return { changes, outcomes };
}
