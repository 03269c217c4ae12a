// The pages' route table, flat like the API's: GET renders, POST acts (form bodies with a CSRF
// token, then a redirect or a results page); a GET on a POST-only address answers 405 with Allow.
import express, { type RequestHandler, type Router } from 'express';
import type { HubServices } from '../context.js';
import { methodNotAllowed } from '../errors.js';
import { requireAdmin, requireLogin, requireUser } from '../middleware/auth.js';
import { checkCsrf } from '../middleware/csrf.js';
import { loginLimiters } from '../middleware/login-limit.js';
import { accountPages } from './account-pages.js';
import { actionPages } from './action-pages.js';
import { adminPages } from './admin-pages.js';
import { fleetPages } from './fleet-pages.js';

type Access = 'public' | 'login' | 'user' | 'admin' | 'limited';
type Route = readonly ['GET' | 'POST', string, Access, RequestHandler];

const PROCESS_VERBS = ['start', 'stop', 'restart', 'clear-log'];
const NODE_VERBS = ['start-all', 'stop-all', 'restart-all', 'reread', 'update'];
const WIDE_VERBS = ['start', 'stop', 'restart', 'rolling-restart'];

export function pageRoutes(s: HubServices): Route[] {
  const a = accountPages(s);
  const f = fleetPages(s);
  const act = actionPages(s);
  const adm = adminPages(s);
  return [
    ['GET', '/login', 'public', a.loginForm],
    ['POST', '/login', 'limited', a.login],
    ['POST', '/logout', 'login', a.logout],
    ['POST', '/lang', 'public', a.language],
    ['POST', '/theme', 'public', a.theme],
    ['GET', '/profile/password', 'login', a.passwordForm],
    ['POST', '/profile/password', 'login', a.password],
    ['GET', '/profile', 'user', a.profile],
    ['POST', '/profile/tokens', 'user', a.createToken],
    ['POST', '/profile/tokens/:id/revoke', 'user', a.revokeToken],

    ['GET', '/', 'user', f.dashboard],
    ['GET', '/nodes', 'user', f.nodes],
    ['GET', '/nodes/:node', 'user', f.node],
    ['GET', '/nodes/:node/processes/:process', 'user', f.process],
    ...PROCESS_VERBS.map((v): Route => ['POST', `/nodes/:node/processes/:process/${v}`, 'user', (req, res) => act.process(withVerb(req, v), res)]),
    ...NODE_VERBS.map((v): Route => ['POST', `/nodes/:node/${v}`, 'user', (req, res) => act.node(withVerb(req, v), res)]),
    ['GET', '/environments', 'user', f.environments],
    ['GET', '/environments/:environment', 'user', f.environment],
    ...WIDE_VERBS.map((v): Route => ['POST', `/environments/:environment/${v}`, 'user', (req, res) => act.environment(withVerb(req, v), res)]),
    ['GET', '/groups', 'user', f.groups],
    ['GET', '/groups/:group', 'user', f.group],
    ...WIDE_VERBS.map((v): Route => ['POST', `/groups/:group/${v}`, 'user', (req, res) => act.group(withVerb(req, v), res)]),
    ['POST', '/bulk', 'user', act.bulk],
    ['GET', '/rolling/:id', 'user', f.rolling],
    ['GET', '/activity', 'user', adm.activity],
    ['GET', '/users', 'admin', adm.users],
    ['POST', '/users', 'admin', adm.addUser],
    ['POST', '/users/:username/update', 'admin', adm.updateUser],
    ['POST', '/users/:username/password', 'admin', adm.resetPassword],
    ['POST', '/users/:username/delete', 'admin', adm.deleteUser],
  ];
}

/** The verb is part of the route's path; handlers read it as a parameter. */
function withVerb<T extends { params: Record<string, string | string[] | undefined> }>(req: T, verb: string): T {
  req.params.verb = verb;
  return req;
}

export function pagesRouter(s: HubServices): Router {
  const router = express.Router({ strict: false });
  const forms = [express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 5000 }), checkCsrf];
  const guards: Readonly<Record<Access, RequestHandler[]>> = {
    public: [], limited: loginLimiters(s.loginLimits), login: [requireLogin], user: [requireUser], admin: [requireUser, requireAdmin],
  };
  const allowed = new Map<string, string[]>();
  for (const [method, path, access, handler] of pageRoutes(s)) {
    if (method === 'GET') router.get(path, ...guards[access], handler);
    else router.post(path, ...forms, ...guards[access], handler);
    allowed.set(path, [...(allowed.get(path) ?? []), ...(method === 'GET' ? ['GET', 'HEAD'] : ['POST'])]);
  }
  for (const [path, methods] of allowed) router.all(path, methodNotAllowed(methods));
  return router;
}
