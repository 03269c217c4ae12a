// Reread and update of a node's own config (supervisorctl's reread/update) from the hub: Admin
// on that node only, logged, and followed by a fresh read of the node (versions, exitcodes).
import type { RpcClient } from '../../agent/rpc/client.js';
import { HubError } from '../errors.js';
import { mayOnNode } from '../auth/permissions.js';
import type { Actor, ActionDeps } from './context.js';
import { reread, update, type ConfigChanges, type GroupOutcome } from './node-ops.js';
import { faultText } from './results.js';

export class NodeAdmin {
  readonly #deps: ActionDeps;
  constructor(deps: ActionDeps) { this.#deps = deps; }

  async reread(actor: Actor, node: string): Promise<ConfigChanges> {
    return this.#run(actor, node, 'node.reread', async (client) => {
      const changes = await reread(client);
      return { value: changes, detail: describe(changes), ok: true };
    });
  }

  async update(actor: Actor, node: string): Promise<{ changes: ConfigChanges; outcomes: GroupOutcome[] }> {
    return this.#run(actor, node, 'node.update', async (client) => {
      const r = await update(client);
      const bad = r.outcomes.filter((o) => !o.ok);
      return { value: r, detail: bad.length === 0 ? describe(r.changes) : bad.map((o) => `${o.group}: ${o.fault ?? ''}`).join('; '), ok: bad.length === 0 };
    });
  }

  async #run<T>(actor: Actor, node: string, action: string,
    fn: (client: RpcClient) => Promise<{ value: T; detail: string; ok: boolean }>): Promise<T> {
    const view = this.#deps.snapshot.node(node);
    if (view === null) throw new HubError('not_found', 'No node named {node}', { node });
    const record = (result: 'ok' | 'failed' | 'refused', detail: string | null): void => {
      this.#deps.activity.record({ user: actor.user.username, remote: actor.remote, node, target: node, targetKind: 'node', action, result, detail });
    };
    if (!mayOnNode(actor.user, view.environments, 'node_admin')) {
      record('refused', null);
      throw new HubError('forbidden', 'You may not do this');
    }
    const watcher = this.#deps.registry.get(node);
    if (!view.connected || watcher === undefined) throw new HubError('node_down', 'Node {node} is not connected', { node });
    try {
      const r = await fn(watcher.client.act);
      record(r.ok ? 'ok' : 'failed', r.detail);
      watcher.kick({ config: true });
      return r.value;
    } catch (err) {
      const fault = faultText(err);
      record('failed', fault);
      throw new HubError('bad_request', 'Node {node} answered with a fault: {fault}', { node, fault }, { cause: err });
    }
  }
}

function describe(c: ConfigChanges): string {
  const parts = [['added', c.added], ['changed', c.changed], ['removed', c.removed]] as const;
  const text = parts.filter(([, l]) => l.length > 0).map(([w, l]) => `${w} ${l.join(', ')}`).join('; ');
  return text === '' ? 'no config changes' : text;
}
