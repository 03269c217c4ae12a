// Start, stop, restart and clear-log on processes: one process, a selection across nodes, all of a
// node, a group (on one node, across nodes, or within an environment) and an environment. Each
// process is checked against the actor's type on its node, run in parallel across nodes (and up
// to the node client's pool within one), logged in the activity log, and answered one result per
// process. Nothing here waits for a node the snapshot knows is down.
import { HubError } from '../errors.js';
import { mayOnNode, type Capability } from '../auth/permissions.js';
import type { ActivityResult, TargetKind } from '../db/activity.js';
import type { Actor, ActionDeps } from './context.js';
import { clearLog, processAction, wideAction, type ProcessVerb } from './node-ops.js';
import { failed, HUB_FAULTS, type ProcessResult } from './results.js';

export type Verb = ProcessVerb | 'clear_log';

export interface Target { readonly node: string; readonly process: string }

const NOT_AUTHORIZED = HUB_FAULTS.notAuthorized;
const NOT_CONNECTED = HUB_FAULTS.notConnected;

function capabilityOf(verb: Verb): Capability {
  return verb === 'clear_log' ? 'clear_log' : 'control';
}

export class ProcessActions {
  readonly #deps: ActionDeps;
  constructor(deps: ActionDeps) { this.#deps = deps; }

  /** One process; unknown node or process is 404, a refused one 403, a node known down 503. */
  async one(actor: Actor, node: string, process: string, verb: Verb): Promise<ProcessResult> {
    const view = this.#deps.snapshot.node(node);
    if (view === null) throw new HubError('not_found', 'No node named {node}', { node });
    if (!view.connected) throw new HubError('node_down', 'Node {node} is not connected', { node });
    if (!view.processes.some((p) => p.namespec === process)) {
      throw new HubError('not_found', 'No process named {process} on node {node}', { node, process });
    }
    if (!mayOnNode(actor.user, view.environments, capabilityOf(verb))) {
      this.#log(actor, { node, target: process, kind: 'process' }, verb, 'refused', null);
      throw new HubError('forbidden', 'You may not do this');
    }
    const [result] = await this.#run(actor, [{ node, process }], verb);
    if (result === undefined) throw new Error('no result for a single action');
    return result;
  }

  /** A selection, possibly across nodes: one result per target, in the order given (403 when every one is refused). */
  async selection(actor: Actor, targets: readonly Target[], verb: Verb): Promise<ProcessResult[]> {
    const results = new Map<number, ProcessResult>();
    const runnable: { index: number; target: Target }[] = [];
    targets.forEach((target, index) => {
      const view = this.#deps.snapshot.node(target.node);
      let refusal: string | null = null;
      if (view === null) refusal = HUB_FAULTS.noSuchNode;
      else if (!view.processes.some((p) => p.namespec === target.process)) refusal = HUB_FAULTS.noSuchProcess;
      else if (!mayOnNode(actor.user, view.environments, capabilityOf(verb))) refusal = NOT_AUTHORIZED;
      else if (!view.connected) refusal = NOT_CONNECTED;
      if (refusal === null) runnable.push({ index, target });
      else {
        results.set(index, failed(target.node, target.process, refusal));
        this.#log(actor, { node: target.node, target: target.process, kind: 'process' }, verb, refusal === NOT_AUTHORIZED ? 'refused' : 'failed', refusal);
      }
    });
    if (runnable.length === 0 && targets.length > 0 && [...results.values()].every((r) => r.fault === NOT_AUTHORIZED)) {
      throw new HubError('forbidden', 'You may not do this');
    }
    const done = await this.#run(actor, runnable.map((r) => r.target), verb);
    runnable.forEach((r, i) => { const d = done[i]; if (d !== undefined) results.set(r.index, d); });
    return targets.map((_, i) => results.get(i) ?? failed(targets[i]?.node ?? '', targets[i]?.process ?? '', HUB_FAULTS.notRun));
  }

  /**
   * Every process of each node given (in supervisord's priority order per node), or of one group
   * on them; nodes in parallel. Nodes the actor may not control, or known down, answer one line;
   * when the actor may control none of them, the whole request is refused (403).
   */
  async wide(actor: Actor, nodes: readonly string[], verb: Verb, group: string | null): Promise<ProcessResult[]> {
    const kind: TargetKind = group === null ? 'node' : 'group';
    // Nothing the actor may do at all is a refusal, not a list of refusals.
    const views = nodes.map((n) => this.#deps.snapshot.node(n));
    if (nodes.length > 0 && views.every((v) => v !== null && !mayOnNode(actor.user, v.environments, capabilityOf(verb)))) {
      for (const node of nodes) this.#log(actor, { node, target: group ?? node, kind }, verb, 'refused', null);
      throw new HubError('forbidden', 'You may not do this');
    }
    const perNode = await Promise.all(nodes.map(async (node): Promise<ProcessResult[]> => {
      const view = this.#deps.snapshot.node(node);
      const target = group === null ? '*' : `${group}:*`;
      const where = { node, target: group ?? node, kind };
      if (view === null) return [failed(node, target, HUB_FAULTS.noSuchNode)];
      if (!mayOnNode(actor.user, view.environments, capabilityOf(verb))) {
        this.#log(actor, where, verb, 'refused', null);
        return [failed(node, target, NOT_AUTHORIZED)];
      }
      if (!view.connected) {
        this.#log(actor, where, verb, 'failed', NOT_CONNECTED);
        return [failed(node, target, NOT_CONNECTED)];
      }
      const watcher = this.#deps.registry.get(node);
      if (watcher === undefined) return [failed(node, target, HUB_FAULTS.noSuchNode)];
      let results: ProcessResult[];
      if (verb === 'clear_log') {
        const procs = view.processes.filter((p) => group === null || p.group === group);
        results = await Promise.all(procs.map((p) => clearLog(watcher.client.act, node, p.namespec)));
      } else {
        results = await wideAction(watcher.client.act, node, verb, group);
      }
      watcher.kick();
      const bad = results.filter((r) => !r.ok);
      this.#log(actor, where, verb, bad.length === 0 ? 'ok' : 'failed',
        bad.length === 0 ? `${results.length} processes` : bad.map((r) => `${r.process}: ${r.fault ?? ''}`).join('; '));
      return results;
    }));
    return perNode.flat();
  }

  /** Runs targets the checks let through: nodes in parallel, each node's calls through its pool. */
  async #run(actor: Actor, targets: readonly Target[], verb: Verb): Promise<ProcessResult[]> {
    const kicked = new Set<string>();
    const results = await Promise.all(targets.map(async ({ node, process }) => {
      const watcher = this.#deps.registry.get(node);
      if (watcher === undefined) return failed(node, process, HUB_FAULTS.noSuchNode);
      const r = verb === 'clear_log' ? await clearLog(watcher.client.act, node, process)
        : await processAction(watcher.client.act, node, process, verb);
      this.#log(actor, { node, target: process, kind: 'process' }, verb, r.ok ? 'ok' : 'failed', r.fault);
      if (!kicked.has(node)) { kicked.add(node); watcher.kick(); }
      return r;
    }));
    return results;
  }

  #log(actor: Actor, where: { node: string; target: string; kind: TargetKind }, verb: Verb, result: ActivityResult, detail: string | null): void {
    this.#deps.activity.record({
      user: actor.user.username, remote: actor.remote, node: where.node, target: where.target, targetKind: where.kind,
      action: `${where.kind}.${verb}`, result, detail,
    });
  }
}
