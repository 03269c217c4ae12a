// The JSON API's route table, flat: method, path (cesi v2's, under /api/v2, trailing slash
// optional), who may call it, and the handler. Any other method on a listed path is 405 with
// Allow. Every state change is POST, PUT or DELETE; bodies are JSON only; another Origin is
// refused; the caller is the session's user or an API token's.
import express, { type RequestHandler, type Router } from 'express';
import type { HubServices } from '../context.js';
import { requireAdmin, requireLogin, requireUser } from '../middleware/auth.js';
import { loginLimiters } from '../middleware/login-limit.js';
import { jsonBodiesOnly, sameOriginOnly } from '../middleware/security.js';
import { methodNotAllowed } from '../errors.js';
import { accountRoutes } from './account.js';
import { activityRoutes } from './activity.js';
import { fleetRoutes } from './fleet.js';
import { logRoutes } from './logs.js';
import { nodeRoutes } from './nodes.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Access = 'public' | 'login' | 'user' | 'admin' | 'limited';
type Route = readonly [Method, string, Access, RequestHandler];

const ACCESS: Readonly<Record<Exclude<Access, 'limited'>, RequestHandler[]>> = {
  public: [],
  login: [requireLogin],
  user: [requireUser],
  admin: [requireUser, requireAdmin],
};

export function apiRoutes(s: HubServices): Route[] {
  const a = accountRoutes(s);
  const n = nodeRoutes(s);
  const l = logRoutes(s);
  const f = fleetRoutes(s);
  const act = activityRoutes(s);
  const P = '/api/v2';
  const proc = `${P}/nodes/:node/processes/:process`;
  return [
    ['GET', '/api/version', 'public', act.version],
    ['GET', `${P}/version`, 'public', act.version],
    ['POST', `${P}/auth/login`, 'limited', a.login],
    ['POST', `${P}/auth/logout`, 'login', a.logout],
    ['GET', `${P}/profile`, 'login', a.profile],
    ['PUT', `${P}/profile/password`, 'login', a.password],
    ['POST', `${P}/profile/password`, 'login', a.password],
    ['GET', `${P}/profile/tokens`, 'user', a.tokens],
    ['POST', `${P}/profile/tokens`, 'user', a.createToken],
    ['DELETE', `${P}/profile/tokens/:id`, 'user', a.revokeToken],
    ['GET', `${P}/users`, 'admin', a.users],
    ['POST', `${P}/users`, 'admin', a.addUser],
    ['PUT', `${P}/users/:username`, 'admin', a.updateUser],
    ['DELETE', `${P}/users/:username`, 'admin', a.deleteUser],

    ['GET', `${P}/nodes`, 'user', n.nodes],
    ['GET', `${P}/nodes/:node`, 'user', n.node],
    ['GET', `${P}/nodes/:node/processes`, 'user', n.processes],
    ['GET', proc, 'user', n.process],
    ['POST', `${proc}/start`, 'user', n.start],
    ['POST', `${proc}/stop`, 'user', n.stop],
    ['POST', `${proc}/restart`, 'user', n.restart],
    ['POST', `${proc}/clear-log`, 'user', n.clearLog],
    ['GET', `${proc}/history`, 'user', n.history],
    ['GET', `${proc}/stats`, 'user', n.stats],
    ['GET', `${proc}/log`, 'user', l.both],
    ['GET', `${proc}/log/:channel`, 'user', l.one],
    ['GET', `${proc}/log/:channel/download`, 'user', l.download],
    ['GET', `${proc}/log/:channel/stream`, 'user', l.follow],
    ['POST', `${P}/nodes/:node/all-processes/start`, 'user', n.startAll],
    ['POST', `${P}/nodes/:node/all-processes/stop`, 'user', n.stopAll],
    ['POST', `${P}/nodes/:node/all-processes/restart`, 'user', n.restartAll],
    ['POST', `${P}/nodes/:node/reread`, 'user', n.reread],
    ['POST', `${P}/nodes/:node/update`, 'user', n.update],

    ['GET', `${P}/environments`, 'user', f.environments],
    ['GET', `${P}/environments/:environment`, 'user', f.environment],
    ['POST', `${P}/environments/:environment/start`, 'user', f.environmentAction('start')],
    ['POST', `${P}/environments/:environment/stop`, 'user', f.environmentAction('stop')],
    ['POST', `${P}/environments/:environment/restart`, 'user', f.environmentAction('restart')],
    ['POST', `${P}/environments/:environment/rolling-restart`, 'user', f.environmentRolling],
    ['GET', `${P}/groups`, 'user', f.groups],
    ['GET', `${P}/groups/:group`, 'user', f.group],
    ['POST', `${P}/groups/:group/start`, 'user', f.groupAction('start')],
    ['POST', `${P}/groups/:group/stop`, 'user', f.groupAction('stop')],
    ['POST', `${P}/groups/:group/restart`, 'user', f.groupAction('restart')],
    ['POST', `${P}/groups/:group/rolling-restart`, 'user', f.groupRolling],
    ['GET', `${P}/groups/:group/node/:node`, 'user', f.groupOnNode],
    ['POST', `${P}/groups/:group/node/:node/start`, 'user', f.groupNodeAction('start')],
    ['POST', `${P}/groups/:group/node/:node/stop`, 'user', f.groupNodeAction('stop')],
    ['POST', `${P}/groups/:group/node/:node/restart`, 'user', f.groupNodeAction('restart')],
    ['POST', `${P}/bulk`, 'user', f.bulk],
    ['GET', `${P}/rolling`, 'user', f.rollingJobs],
    ['GET', `${P}/rolling/:id`, 'user', f.rollingJob],

    ['GET', `${P}/activitylogs`, 'user', act.lines],
    ['GET', `${P}/activitylogs/:limit`, 'user', act.lines],
    ['DELETE', `${P}/activitylogs`, 'user', act.clear],
    ['GET', `${P}/activity`, 'user', act.search],
    ['GET', `${P}/events`, 'user', act.events],
    ['GET', `${P}/summary`, 'user', act.summary],
  ];
}

export function apiRouter(s: HubServices): Router {
  const router = express.Router({ strict: false });
  router.use('/api', sameOriginOnly, jsonBodiesOnly, express.json({ limit: '256kb', type: 'application/json' }));
  const limiters = loginLimiters(s.loginLimits);
  const allowed = new Map<string, Set<string>>();
  for (const [method, path, access, handler] of apiRoutes(s)) {
    const guards = access === 'limited' ? limiters : ACCESS[access];
    router[method.toLowerCase() as 'get' | 'post' | 'put' | 'delete'](path, ...guards, handler);
    const set = allowed.get(path) ?? new Set<string>();
    set.add(method);
    if (method === 'GET') set.add('HEAD');
    allowed.set(path, set);
  }
  for (const [path, methods] of allowed) router.all(path, methodNotAllowed([...methods]));
  return router;
}
