// The pages that show the fleet: dashboard, nodes, a node, a process (with its history, log and
// charts), environments, an environment, groups, a group, and a rolling restart's progress. All
// read the snapshot; none waits for a node. Each list of processes is filtered on the server.
import type { Request, Response } from 'express';
import { typeAllows, typeOnNode, type Capability } from '../../auth/permissions.js';
import { HubError } from '../../errors.js';
import { DEFAULT_TAIL_BYTES, MAX_TAIL_BYTES, type Channel } from '../../actions/logs.js';
import type { NodeView, ProcessView } from '../../nodes/types.js';
import { countOf } from '../../services/fleet.js';
import type { HubServices } from '../context.js';
import { principalOf } from '../middleware/auth.js';
import { filterOf, matches, PAGE_ROWS, type ProcessFilter } from './filter.js';
import { logHtml } from '../log-html.js';
import { renderPage } from './render.js';
import { ACTIONS_BY_STATE } from './state-actions.js';

/** What the user may do on a node, for the buttons a page shows. */
export type Can = Readonly<Record<Capability, boolean>>;

const LOG_SIZES = [500, 2000, 10_000, 50_000, 200_000] as const;

export function fleetPages(s: HubServices) {
  const t = (req: Request, key: string, params: Record<string, string | number> = {}): string => s.catalog.t(req.lang ?? 'en', key, params);
  const canOn = (req: Request, node: NodeView): Can => {
    const type = typeOnNode(principalOf(req).user, node.environments);
    return {
      view: typeAllows(type, 'view'), log: typeAllows(type, 'log'), control: typeAllows(type, 'control'),
      clear_log: typeAllows(type, 'clear_log'), node_admin: typeAllows(type, 'node_admin'),
    };
  };
  /** Nodes with their processes filtered, each with the user's rights on it; one page of rows. */
  const sections = (req: Request, nodes: readonly NodeView[], filter: ProcessFilter, group: string | null = null) => {
    const first = (filter.page - 1) * PAGE_ROWS;
    let matched = 0;
    const out = nodes.map((node) => {
      const all = node.processes.filter((p) => group === null || p.group === group);
      const rows: ProcessView[] = [];
      for (const p of all) {
        if (!matches(p, filter)) continue;
        if (matched >= first && matched < first + PAGE_ROWS) rows.push(p);
        matched += 1;
      }
      return { node, can: canOn(req, node), rows, total: all.length, counts: countOf([{ ...node, processes: all }]) };
    });
    const pages = Math.max(1, Math.ceil(matched / PAGE_ROWS));
    const shown = out.reduce((n, sec) => n + sec.rows.length, 0);
    const keep = new URLSearchParams(Object.entries({ q: filter.q, state: filter.state, environment: typeof req.query.environment === 'string' ? req.query.environment : '' }).filter(([, v]) => v !== ''));
    return { sections: out, matched, shown, paging: { page: Math.min(filter.page, pages), pages, first: first + 1, last: first + shown, keep: keep.toString() } };
  };
  const common = { actionsByState: ACTIONS_BY_STATE };

  return {
    async dashboard(req: Request, res: Response): Promise<void> {
      const nodes = s.fleet.nodes();
      const environments = s.fleet.environments(nodes).map((e) => ({ name: e.name, counts: countOf(e.members) }));
      const inNoEnvironment = nodes.filter((n) => n.environments.length === 0);
      await renderPage(s, req, res, 'dashboard', {
        ...common, title: t(req, 'Dashboard'), nav: 'dashboard',
        counts: countOf(nodes), environments,
        unassigned: inNoEnvironment.length === 0 ? null : countOf(inNoEnvironment),
        down: nodes.filter((n) => !n.connected),
        problems: s.fleet.problems(nodes).slice(0, 100),
        activity: s.activity.latest(12),
      });
    },
    async nodes(req: Request, res: Response): Promise<void> {
      const q = typeof req.query.q === 'string' ? req.query.q.trim().toLowerCase() : '';
      const nodes = s.fleet.nodes().filter((n) => q === '' || n.name.toLowerCase().includes(q) || n.environments.some((e) => e.toLowerCase().includes(q)));
      await renderPage(s, req, res, 'nodes', {
        ...common, title: t(req, 'Nodes'), nav: 'nodes', q,
        nodes: nodes.map((n) => ({ node: n, counts: countOf([n]) })),
      });
    },
    async node(req: Request, res: Response): Promise<void> {
      const node = s.fleet.node(String(req.params.node));
      const filter = filterOf(req);
      const view = sections(req, [node], filter);
      await renderPage(s, req, res, 'node', { ...common, title: node.name, nav: 'nodes', node, filter, ...view, section: view.sections[0] });
    },
    async process(req: Request, res: Response): Promise<void> {
      const node = s.fleet.node(String(req.params.node));
      const p = s.fleet.process(node.name, String(req.params.process));
      const can = canOn(req, node);
      const channel: Channel = req.query.channel === 'stderr' ? 'stderr' : 'stdout';
      const requested = Number(req.query.bytes);
      const bytes = Number.isInteger(requested) && requested > 0 ? Math.min(requested, MAX_TAIL_BYTES) : DEFAULT_TAIL_BYTES * 4;
      let log: { html: string; offset: number; error: string | null } | null = null;
      if (can.log) {
        try {
          const tail = await s.logs.tail({ user: principalOf(req).user, remote: principalOf(req).remote }, node.name, p.namespec, channel, bytes);
          log = { html: logHtml(tail.text), offset: tail.offset, error: null };
        } catch (err) {
          if (!(err instanceof HubError)) throw err;
          log = { html: '', offset: -1, error: s.catalog.t(req.lang ?? 'en', err.key, err.params) };
        }
      }
      await renderPage(s, req, res, 'process', {
        ...common, title: `${p.namespec} @ ${node.name}`, nav: 'nodes', node, process: p, can,
        history: [...s.snapshot.history(node.name, p.namespec)].reverse(),
        channel, bytes, logSizes: LOG_SIZES, log, charts: node.fleetvisorVersion !== null,
      });
    },
    async environments(req: Request, res: Response): Promise<void> {
      const envs = s.fleet.environments().map((e) => ({ name: e.name, members: e.members.map((n) => ({ node: n, counts: countOf([n]) })), counts: countOf(e.members) }));
      await renderPage(s, req, res, 'environments', { ...common, title: t(req, 'Environments'), nav: 'environments', envs });
    },
    async environment(req: Request, res: Response): Promise<void> {
      const env = s.fleet.environment(String(req.params.environment));
      const filter = filterOf(req);
      const view = sections(req, env.members, filter);
      await renderPage(s, req, res, 'environment', {
        ...common, title: env.name, nav: 'environments', env, filter, ...view, counts: countOf(env.members),
        canAll: view.sections.length > 0 && view.sections.every((sec) => sec.can.control),
        jobs: s.rolling.list().filter((j) => j.kind === 'environment' && j.target === env.name).slice(0, 5),
      });
    },
    async groups(req: Request, res: Response): Promise<void> {
      const q = typeof req.query.q === 'string' ? req.query.q.trim().toLowerCase() : '';
      const groups = s.fleet.groups().filter((g) => q === '' || g.name.toLowerCase().includes(q));
      await renderPage(s, req, res, 'groups', {
        ...common, title: t(req, 'Groups'), nav: 'groups', q,
        groups: groups.map((g) => ({ name: g.name, nodes: g.nodes, environments: g.environments, counts: countOf([{ processes: g.processes, connected: true }]) })),
      });
    },
    async group(req: Request, res: Response): Promise<void> {
      const g = s.fleet.group(String(req.params.group));
      const filter = filterOf(req);
      const envName = typeof req.query.environment === 'string' && req.query.environment !== '' ? s.fleet.environment(req.query.environment).name : null;
      const nodes = s.fleet.groupNodes(g.name, envName).map((n) => s.fleet.node(n));
      const view = sections(req, nodes, filter, g.name);
      await renderPage(s, req, res, 'group', {
        ...common, title: g.name, nav: 'groups', group: g, environment: envName, filter, ...view,
        counts: countOf(nodes.map((n) => ({ connected: n.connected, processes: n.processes.filter((p) => p.group === g.name) }))),
        canAll: view.sections.length > 0 && view.sections.every((sec) => sec.can.control),
        jobs: s.rolling.list().filter((j) => j.kind === 'group' && j.target === g.name).slice(0, 5),
      });
    },
    async rolling(req: Request, res: Response): Promise<void> {
      const job = s.rolling.get(String(req.params.id));
      if (job === undefined) throw new HubError('not_found', 'No such rolling restart');
      await renderPage(s, req, res, 'rolling', { ...common, title: t(req, 'Rolling restart'), nav: job.kind === 'group' ? 'groups' : 'environments', job });
    },
  };
}
