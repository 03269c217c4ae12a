// Read-only questions about the fleet, answered from the snapshot and the config in force:
// nodes, environments with their members, supervisord groups across nodes, counts by state,
// the processes in trouble. Unknown names are 404 HubErrors. Never talks to a node.
import type { HubConfig } from '../config/types.js';
import { HubError } from '../errors.js';
import type { FleetSnapshot } from '../nodes/snapshot.js';
import type { NodeView, ProcessView } from '../nodes/types.js';

export const STATE_NAMES = ['RUNNING', 'STARTING', 'BACKOFF', 'STOPPING', 'STOPPED', 'EXITED', 'FATAL', 'UNKNOWN'] as const;
/** States shown first on the dashboard, worst first. */
export const PROBLEM_STATES: readonly string[] = ['FATAL', 'BACKOFF', 'EXITED', 'UNKNOWN'];

export interface Counts {
  readonly nodes: number;
  readonly connected: number;
  readonly processes: number;
  readonly byState: Readonly<Record<string, number>>;
}

export interface EnvironmentView { readonly name: string; readonly members: readonly NodeView[] }

export interface GroupView {
  readonly name: string;
  /** Nodes that run the group, in config order. */
  readonly nodes: readonly string[];
  /** Environments with at least one node running it, and those nodes. */
  readonly environments: readonly { name: string; members: readonly string[] }[];
  readonly processes: readonly ProcessView[];
}

export function countOf(nodes: readonly Pick<NodeView, 'processes' | 'connected'>[]): Counts {
  const byState: Record<string, number> = Object.fromEntries(STATE_NAMES.map((s) => [s, 0]));
  let processes = 0;
  for (const n of nodes) {
    for (const p of n.processes) {
      processes += 1;
      byState[p.statename] = (byState[p.statename] ?? 0) + 1;
    }
  }
  return { nodes: nodes.length, connected: nodes.filter((n) => n.connected).length, processes, byState };
}

export class FleetQueries {
  readonly #snapshot: FleetSnapshot;
  readonly #config: () => HubConfig;

  constructor(snapshot: FleetSnapshot, config: () => HubConfig) {
    this.#snapshot = snapshot;
    this.#config = config;
  }

  nodes(): NodeView[] { return this.#snapshot.nodes(); }

  node(name: string): NodeView {
    const n = this.#snapshot.node(name);
    if (n === null) throw new HubError('not_found', 'No node named {node}', { node: name });
    return n;
  }

  process(node: string, namespec: string): ProcessView {
    const p = this.#snapshot.process(node, namespec);
    if (p === null) {
      this.node(node);
      throw new HubError('not_found', 'No process named {process} on node {node}', { node, process: namespec });
    }
    return p;
  }

  environmentNames(): string[] { return [...this.#config().environments.keys()]; }

  environments(nodes: readonly NodeView[] = this.nodes()): EnvironmentView[] {
    const byName = new Map(nodes.map((n) => [n.name, n]));
    return [...this.#config().environments.values()].map((e) => ({
      name: e.name,
      members: e.members.map((m) => byName.get(m)).filter((n): n is NodeView => n !== undefined),
    }));
  }

  environment(name: string): EnvironmentView {
    const env = this.environments().find((e) => e.name === name);
    if (env === undefined) throw new HubError('not_found', 'No environment named {environment}', { environment: name });
    return env;
  }

  groups(nodes: readonly NodeView[] = this.nodes()): GroupView[] {
    const byGroup = new Map<string, { nodes: Set<string>; processes: ProcessView[] }>();
    for (const n of nodes) {
      for (const p of n.processes) {
        let g = byGroup.get(p.group);
        if (g === undefined) {
          g = { nodes: new Set(), processes: [] };
          byGroup.set(p.group, g);
        }
        g.nodes.add(n.name);
        g.processes.push(p);
      }
    }
    const envs = [...this.#config().environments.values()];
    return [...byGroup.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, g]) => ({
      name,
      nodes: nodes.map((n) => n.name).filter((n) => g.nodes.has(n)),
      environments: envs.map((e) => ({ name: e.name, members: e.members.filter((m) => g.nodes.has(m)) })).filter((e) => e.members.length > 0),
      processes: g.processes,
    }));
  }

  group(name: string): GroupView {
    const g = this.groups().find((x) => x.name === name);
    if (g === undefined) throw new HubError('not_found', 'No group named {group}', { group: name });
    return g;
  }

  /** Nodes that run `group`, limited to an environment's members when one is given. */
  groupNodes(group: string, environment: string | null): string[] {
    const g = this.group(group);
    if (environment === null) return [...g.nodes];
    const members = new Set(this.environment(environment).members.map((n) => n.name));
    return g.nodes.filter((n) => members.has(n));
  }

  /** Processes in FATAL, BACKOFF, EXITED or UNKNOWN across the fleet, worst state first. */
  problems(nodes: readonly NodeView[] = this.nodes()): ProcessView[] {
    const rank = (p: ProcessView): number => PROBLEM_STATES.indexOf(p.statename);
    return nodes.flatMap((n) => n.processes).filter((p) => rank(p) >= 0).sort((a, b) => rank(a) - rank(b) || b.changedAt - a.changedAt);
  }
}
