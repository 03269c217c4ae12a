// Name resolution for the handlers (supervisord's _getGroupAndProcess) and the two process
// orderings: lexical for getAllProcessInfo, priority for the bulk operations.
import type { ProcessGroup } from '../process/group.js';
import { sortByPriority } from '../process/group.js';
import type { Subprocess } from '../process/subprocess.js';
import type { Supervisor } from '../supervisor.js';
import { Faults, RpcFault } from './faults.js';
import { splitNamespec } from './names.js';

export interface Target { readonly group: ProcessGroup; readonly proc: Subprocess }

/** The group and process a namespec names; proc is null for `g:*` / `g:`. BAD_NAME carries the name as given. */
export function resolveName(sup: Supervisor, name: string): { group: ProcessGroup; proc: Subprocess | null } {
  const [groupName, procName] = splitNamespec(name);
  const group = sup.group(groupName);
  if (group === undefined) throw new RpcFault(Faults.BAD_NAME, name);
  if (procName === null) return { group, proc: null };
  const proc = group.processes.find((p) => p.config.name === procName);
  if (proc === undefined) throw new RpcFault(Faults.BAD_NAME, name);
  return { group, proc };
}

/** A single process; group wildcards are BAD_NAME. */
export function resolveProcess(sup: Supervisor, name: string): Target {
  const { group, proc } = resolveName(sup, name);
  if (proc === null) throw new RpcFault(Faults.BAD_NAME, name);
  return { group, proc };
}

/** Groups by name, processes by name (plain code-point order). */
export function lexicalTargets(sup: Supervisor): Target[] {
  const groups = [...sup.groups].sort((a, b) => cmp(a.config.name, b.config.name));
  return groups.flatMap((group) => [...group.processes]
    .sort((a, b) => cmp(a.config.name, b.config.name))
    .map((proc) => ({ group, proc })));
}

/** Groups by priority, processes by priority (ties keep config order). */
export function priorityTargets(sup: Supervisor): Target[] {
  return sup.groups.flatMap((group) => groupTargets(group));
}

export function groupTargets(group: ProcessGroup): Target[] {
  return sortByPriority(group.processes).map((proc) => ({ group, proc }));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
