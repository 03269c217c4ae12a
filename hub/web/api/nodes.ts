// /api/v2/nodes: cesi v2's node list, node, processes, process, per-process actions and
// all-processes actions (POST; GET answers 405), and ours: clear log, reread/update, a process's
// state history and CPU/memory series. A node that is down still answers from the snapshot
// (cesi answered 400 "Node is not connected" for its processes, which we keep for that route).
import type { Request, Response } from 'express';
import { HubError } from '../../errors.js';
import type { Verb } from '../../actions/process-actions.js';
import type { HubServices } from '../context.js';
import { actorOf, param, sendOk } from './input.js';
import { nodeJson, processJson } from '../../services/json.js';

const VERB_WORDS: Readonly<Record<Verb, string>> = { start: 'start', stop: 'stop', restart: 'restart', clear_log: 'clear log' };

export function nodeRoutes(s: HubServices) {
  const processOf = (req: Request) => {
    const node = s.fleet.node(param(req, 'node'));
    const p = s.fleet.process(node.name, param(req, 'process'));
    return { node, p };
  };
  const processAction = (verb: Verb) => async (req: Request, res: Response): Promise<void> => {
    const node = param(req, 'node');
    const process = param(req, 'process');
    const result = await s.actions.one(actorOf(req), node, process, verb);
    if (!result.ok) {
      // cesi answered a fault with 500 and its string; the result is kept beside it.
      res.status(500).set('Cache-Control', 'no-store').json({ status: 'error', message: result.fault, code: 'fault', result });
      return;
    }
    // cesi's wording, including its spelling, for scripts that match it.
    sendOk(res, { message: `${node} ${process} ${VERB_WORDS[verb]} event succesfully`, result });
  };
  const allAction = (verb: Verb) => async (req: Request, res: Response): Promise<void> => {
    const node = s.fleet.node(param(req, 'node')).name;
    const results = await s.actions.wide(actorOf(req), [node], verb, null);
    sendOk(res, { message: results.every((r) => r.ok) ? 'ok' : 'some processes failed', results });
  };

  return {
    nodes(_req: Request, res: Response): void {
      const now = Date.now();
      sendOk(res, { nodes: s.fleet.nodes().map((n) => nodeJson(n, now)) });
    },
    node(req: Request, res: Response): void {
      sendOk(res, { node: nodeJson(s.fleet.node(param(req, 'node'))) });
    },
    processes(req: Request, res: Response): void {
      const n = s.fleet.node(param(req, 'node'));
      if (!n.connected) throw new HubError('bad_request', 'Node is not connected');
      const now = Date.now();
      sendOk(res, { processes: n.processes.map((p) => processJson(p, n.clockSkew, now)) });
    },
    process(req: Request, res: Response): void {
      const { node, p } = processOf(req);
      sendOk(res, { process: processJson(p, node.clockSkew) });
    },
    history(req: Request, res: Response): void {
      const { node, p } = processOf(req);
      const history = s.snapshot.history(node.name, p.namespec).map((h) => ({
        time: new Date(h.time).toISOString(), state: h.state, statename: h.statename, description: h.description,
      }));
      sendOk(res, { history });
    },
    stats(req: Request, res: Response): void {
      const { node, p } = processOf(req);
      sendOk(res, { fleetvisor: node.fleetvisorVersion !== null, series: s.snapshot.series(node.name, p.namespec) });
    },
    start: processAction('start'),
    stop: processAction('stop'),
    restart: processAction('restart'),
    clearLog: processAction('clear_log'),
    startAll: allAction('start'),
    stopAll: allAction('stop'),
    restartAll: allAction('restart'),
    async reread(req: Request, res: Response): Promise<void> {
      const changes = await s.nodeAdmin.reread(actorOf(req), s.fleet.node(param(req, 'node')).name);
      sendOk(res, { changes });
    },
    async update(req: Request, res: Response): Promise<void> {
      const r = await s.nodeAdmin.update(actorOf(req), s.fleet.node(param(req, 'node')).name);
      sendOk(res, { changes: r.changes, results: r.outcomes });
    },
  };
}
