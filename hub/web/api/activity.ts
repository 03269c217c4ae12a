// The activity log over the API: cesi v2's lines (all, or the last N, newest first; nobody may
// clear them here), our structured search with paging, and the live event stream.
import type { Request, Response } from 'express';
import { HubError } from '../../errors.js';
import { activityLine } from '../../services/activity.js';
import { countOf } from '../../services/fleet.js';
import type { HubServices } from '../context.js';
import { openSse } from '../sse.js';
import { param, queryInt, queryString, sendOk } from './input.js';
import { activityJson } from '../../services/json.js';

/** cesi returned every line; a hub's log grows without end, so the plain listing stops here. */
export const MAX_LINES = 1000;

function timeOf(req: Request, name: string): number | undefined {
  const v = queryString(req, name);
  if (v === undefined) return undefined;
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms)) throw new HubError('bad_request', '{field} must be a time (ISO 8601 or ms)', { field: name });
  return ms;
}

export function activityRoutes(s: HubServices) {
  return {
    lines(req: Request, res: Response): void {
      const raw = req.params.limit;
      const limit = raw === undefined ? MAX_LINES : Number(param(req, 'limit'));
      if (!Number.isInteger(limit) || limit < 0) throw new HubError('bad_request', '{field} must be a whole number', { field: 'limit' });
      sendOk(res, { logs: s.activity.latest(Math.min(limit, MAX_LINES)).map(activityLine) });
    },
    clear(): void {
      throw new HubError('forbidden', 'The activity log cannot be cleared');
    },
    search(req: Request, res: Response): void {
      const page = s.activity.search({
        user: queryString(req, 'user') ?? null, node: queryString(req, 'node') ?? null, action: queryString(req, 'action') ?? null,
        process: queryString(req, 'process') ?? null, text: queryString(req, 'text') ?? null,
        from: timeOf(req, 'from') ?? null, to: timeOf(req, 'to') ?? null,
        page: queryInt(req, 'page', 1), perPage: queryInt(req, 'per_page', 50),
      });
      sendOk(res, { entries: page.entries.map(activityJson), total: page.total, page: page.page, per_page: page.perPage, pages: page.pages });
    },
    events(req: Request, res: Response): void {
      let unsubscribe: (() => void) | null = null;
      const sse = openSse(req, res, () => unsubscribe?.());
      unsubscribe = s.events.subscribe({ write: sse.write, end: sse.end }, req.get('last-event-id') ?? queryString(req, 'lastEventId') ?? null);
    },
    /** What the dashboard shows, for its script to refresh without reloading the page. */
    summary(_req: Request, res: Response): void {
      const nodes = s.fleet.nodes();
      sendOk(res, {
        counts: countOf(nodes),
        environments: s.fleet.environments(nodes).map((e) => ({ name: e.name, counts: countOf(e.members) })),
        unassigned: countOf(nodes.filter((n) => n.environments.length === 0)),
        down: nodes.filter((n) => !n.connected).map((n) => ({ name: n.name, failure: n.failure, since: new Date(n.since).toISOString() })),
        problems: s.fleet.problems(nodes).slice(0, 100).map((p) => ({
          node: p.node, namespec: p.namespec, statename: p.statename, description: p.description,
        })),
      });
    },
    version(_req: Request, res: Response): void {
      sendOk(res, { version: s.version });
    },
  };
}
