// /api/v2 across nodes: cesi v2's environments and groups (the group-on-node route works here),
// and ours: start/stop/restart of an environment, a group on every node (or within an
// environment) and any selection, in parallel, one result per process; rolling restarts.
import type { Request, Response } from 'express';
import { HubError } from '../../errors.js';
import { mayOnNode } from '../../auth/permissions.js';
import type { Target, Verb } from '../../actions/process-actions.js';
import type { RollingJob } from '../../actions/rolling.js';
import type { HubServices } from '../context.js';
import { actorOf, bodyOf, optionalString, param, queryString, sendOk } from './input.js';
import { nodeJson, processJson, rollingJson } from '../../services/json.js';

const VERBS: readonly Verb[] = ['start', 'stop', 'restart', 'clear_log'];

function verbOf(v: unknown): Verb {
  if (typeof v === 'string' && (VERBS as readonly string[]).includes(v)) return v as Verb;
  throw new HubError('bad_request', 'action must be one of {actions}', { actions: VERBS.join(', ') });
}

function targetsOf(v: unknown): Target[] {
  if (!Array.isArray(v) || v.length === 0) throw new HubError('bad_request', 'processes must be a list of {node, process}');
  return v.map((t: unknown) => {
    if (typeof t !== 'object' || t === null) throw new HubError('bad_request', 'processes must be a list of {node, process}');
    const { node, process } = t as Record<string, unknown>;
    if (typeof node !== 'string' || typeof process !== 'string') throw new HubError('bad_request', 'processes must be a list of {node, process}');
    return { node, process };
  });
}

export function fleetRoutes(s: HubServices) {
  const sendResults = (res: Response, results: readonly { ok: boolean }[]): void => {
    sendOk(res, { message: results.every((r) => r.ok) ? 'ok' : 'some processes failed', results });
  };
  const environmentOf = (v: string | undefined): string | null => (v === undefined ? null : s.fleet.environment(v).name);
  /** Starts a rolling restart once every node is known to be one the actor may control. */
  const rolling = (req: Request, res: Response, kind: RollingJob['kind'], target: string, nodes: string[]): void => {
    const actor = actorOf(req);
    if (nodes.length === 0) throw new HubError('bad_request', 'Nothing to restart: no node runs it');
    for (const n of nodes) {
      if (!mayOnNode(actor.user, s.fleet.node(n).environments, 'control')) throw new HubError('forbidden', 'You may not do this');
    }
    const { job } = s.rolling.start(actor, kind, target, nodes);
    sendOk(res, { job: rollingJson(job) }, 202);
  };

  return {
    environments(_req: Request, res: Response): void {
      const now = Date.now();
      sendOk(res, { environments: s.fleet.environments().map((e) => ({ name: e.name, members: e.members.map((n) => nodeJson(n, now)) })) });
    },
    environment(req: Request, res: Response): void {
      const e = s.fleet.environment(param(req, 'environment'));
      sendOk(res, { environment: { name: e.name, members: e.members.map((n) => nodeJson(n)) } });
    },
    environmentAction: (verb: Verb) => async (req: Request, res: Response): Promise<void> => {
      const e = s.fleet.environment(param(req, 'environment'));
      sendResults(res, await s.actions.wide(actorOf(req), e.members.map((n) => n.name), verb, null));
    },
    environmentRolling(req: Request, res: Response): void {
      const e = s.fleet.environment(param(req, 'environment'));
      rolling(req, res, 'environment', e.name, e.members.map((n) => n.name));
    },

    groups(_req: Request, res: Response): void {
      sendOk(res, { groups: s.fleet.groups().map((g) => ({ name: g.name, environments: g.environments, nodes: g.nodes })) });
    },
    group(req: Request, res: Response): void {
      const g = s.fleet.group(param(req, 'group'));
      // cesi answers a one-element list here.
      sendOk(res, { group: [{ name: g.name, environments: g.environments, nodes: g.nodes }] });
    },
    groupOnNode(req: Request, res: Response): void {
      const g = s.fleet.group(param(req, 'group'));
      const node = s.fleet.node(param(req, 'node'));
      if (!g.nodes.includes(node.name)) throw new HubError('not_found', 'Node {node} does not run group {group}', { node: node.name, group: g.name });
      const now = Date.now();
      sendOk(res, {
        group: g.name, node: node.name,
        processes: node.processes.filter((p) => p.group === g.name).map((p) => processJson(p, node.clockSkew, now)),
      });
    },
    groupAction: (verb: Verb) => async (req: Request, res: Response): Promise<void> => {
      const group = s.fleet.group(param(req, 'group')).name;
      const env = environmentOf(optionalString(bodyOf(req), 'environment') ?? queryString(req, 'environment'));
      sendResults(res, await s.actions.wide(actorOf(req), s.fleet.groupNodes(group, env), verb, group));
    },
    groupNodeAction: (verb: Verb) => async (req: Request, res: Response): Promise<void> => {
      const group = s.fleet.group(param(req, 'group')).name;
      const node = s.fleet.node(param(req, 'node')).name;
      if (!s.fleet.groupNodes(group, null).includes(node)) throw new HubError('not_found', 'Node {node} does not run group {group}', { node, group });
      sendResults(res, await s.actions.wide(actorOf(req), [node], verb, group));
    },
    groupRolling(req: Request, res: Response): void {
      const group = s.fleet.group(param(req, 'group')).name;
      const env = environmentOf(optionalString(bodyOf(req), 'environment') ?? queryString(req, 'environment'));
      rolling(req, res, 'group', group, s.fleet.groupNodes(group, env));
    },

    async bulk(req: Request, res: Response): Promise<void> {
      const b = bodyOf(req);
      sendResults(res, await s.actions.selection(actorOf(req), targetsOf(b.processes), verbOf(b.action)));
    },
    rollingJobs(_req: Request, res: Response): void {
      sendOk(res, { jobs: s.rolling.list().map(rollingJson) });
    },
    rollingJob(req: Request, res: Response): void {
      const job = s.rolling.get(param(req, 'id'));
      if (job === undefined) throw new HubError('not_found', 'No such rolling restart');
      sendOk(res, { job: rollingJson(job) });
    },
  };
}
