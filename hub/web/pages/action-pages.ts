// The pages' forms that act: one process (back to where the form was, with the outcome as a
// flash message), a node, an environment, a group or a selection of checkboxes (a page listing
// one result per process), a rolling restart (its progress page), reread/update of a node.
import type { Request, Response } from 'express';
import { mayOnNode } from '../../auth/permissions.js';
import { HubError } from '../../errors.js';
import type { Target, Verb } from '../../actions/process-actions.js';
import type { ProcessResult } from '../../actions/results.js';
import type { HubServices } from '../context.js';
import { actorOf } from '../api/input.js';
import { back, field, fields, localPath } from './forms.js';
import { renderPage } from './render.js';

const VERB_OF: Readonly<Record<string, Verb>> = {
  start: 'start', stop: 'stop', restart: 'restart', 'clear-log': 'clear_log',
  'start-all': 'start', 'stop-all': 'stop', 'restart-all': 'restart',
};

/** The English outcome of one process action, the key of its translations. */
const DONE: Readonly<Record<Verb, string>> = {
  start: '{process} on {node}: started', stop: '{process} on {node}: stopped',
  restart: '{process} on {node}: restarted', clear_log: '{process} on {node}: log cleared',
};

function verbOf(word: string): Verb {
  const v = VERB_OF[word];
  if (v === undefined) throw new HubError('not_found', 'No such page');
  return v;
}

export function actionPages(s: HubServices) {
  const t = (req: Request, key: string, params: Record<string, string | number> = {}): string => s.catalog.t(req.lang ?? 'en', key, params);
  const results = async (req: Request, res: Response, title: string, list: readonly ProcessResult[], backTo: string): Promise<void> => {
    await renderPage(s, req, res, 'results', {
      title, nav: '', results: list, backTo: localPath(field(req, 'back'), backTo),
      okCount: list.filter((r) => r.ok).length, failedCount: list.filter((r) => !r.ok).length,
    });
  };
  const startRolling = (req: Request, res: Response, kind: 'environment' | 'group', target: string, nodes: string[]): void => {
    const actor = actorOf(req);
    if (nodes.length === 0) throw new HubError('bad_request', 'Nothing to restart: no node runs it');
    if (!nodes.every((n) => mayOnNode(actor.user, s.fleet.node(n).environments, 'control'))) throw new HubError('forbidden', 'You may not do this');
    const { job } = s.rolling.start(actor, kind, target, nodes);
    res.redirect(303, `/rolling/${job.id}`);
  };
  return {
    async process(req: Request, res: Response): Promise<void> {
      const node = String(req.params.node);
      const process = String(req.params.process);
      const verb = verbOf(String(req.params.verb));
      const r = await s.actions.one(actorOf(req), node, process, verb);
      req.session.flash = r.ok
        ? { kind: 'ok', key: DONE[verb], params: { process, node } }
        : { kind: 'error', key: '{process} on {node}: {fault}', params: { process, node, fault: r.fault ?? '' } };
      back(req, res, `/nodes/${encodeURIComponent(node)}/processes/${encodeURIComponent(process)}`);
    },
    async node(req: Request, res: Response): Promise<void> {
      const node = s.fleet.node(String(req.params.node)).name;
      const word = String(req.params.verb);
      const home = `/nodes/${encodeURIComponent(node)}`;
      if (word === 'reread' || word === 'update') {
        const actor = actorOf(req);
        const r = word === 'reread' ? { changes: await s.nodeAdmin.reread(actor, node), outcomes: [] } : await s.nodeAdmin.update(actor, node);
        await renderPage(s, req, res, 'config-changes', { title: t(req, word === 'reread' ? 'Reread' : 'Update'), nav: 'nodes', node, word, ...r, backTo: home });
        return;
      }
      if (!word.endsWith('-all')) throw new HubError('not_found', 'No such page');
      await results(req, res, node, await s.actions.wide(actorOf(req), [node], verbOf(word), null), home);
    },
    async environment(req: Request, res: Response): Promise<void> {
      const env = s.fleet.environment(String(req.params.environment));
      const nodes = env.members.map((n) => n.name);
      const word = String(req.params.verb);
      if (word === 'rolling-restart') { startRolling(req, res, 'environment', env.name, nodes); return; }
      await results(req, res, env.name, await s.actions.wide(actorOf(req), nodes, verbOf(word), null), `/environments/${encodeURIComponent(env.name)}`);
    },
    async group(req: Request, res: Response): Promise<void> {
      const group = s.fleet.group(String(req.params.group)).name;
      const envField = field(req, 'environment');
      const env = envField === '' ? null : s.fleet.environment(envField).name;
      const nodes = s.fleet.groupNodes(group, env);
      const word = String(req.params.verb);
      if (word === 'rolling-restart') { startRolling(req, res, 'group', group, nodes); return; }
      await results(req, res, group, await s.actions.wide(actorOf(req), nodes, verbOf(word), group), `/groups/${encodeURIComponent(group)}`);
    },
    async bulk(req: Request, res: Response): Promise<void> {
      const verb = verbOf(field(req, 'action'));
      // Each checkbox is `node:group:name`; node names never contain a colon.
      const targets: Target[] = fields(req, 'select').map((v) => {
        const i = v.indexOf(':');
        return { node: v.slice(0, i), process: v.slice(i + 1) };
      }).filter((x) => x.node !== '' && x.process !== '');
      if (targets.length === 0) {
        req.session.flash = { kind: 'error', key: 'Select at least one process' };
        back(req, res, '/');
        return;
      }
      await results(req, res, t(req, 'Selected processes'), await s.actions.selection(actorOf(req), targets, verb), '/');
    },
  };
}
