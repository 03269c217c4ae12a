// Pages for Admins (user administration: add, delete, type, per-environment types, password
// reset) and for everyone (the activity log, searchable and paged; cleared by nobody).
import type { Request, Response } from 'express';
import { HubError } from '../../errors.js';
import { parseUserType, userTypeLabel, type UserTypeCode } from '../../services/accounts.js';
import type { HubServices } from '../context.js';
import { actorOf } from '../api/input.js';
import { field, flash } from './forms.js';
import { renderPage } from './render.js';

const TYPES: readonly UserTypeCode[] = [0, 1, 2, 3];

function typeField(req: Request, name: string): UserTypeCode {
  const t = parseUserType(field(req, name));
  if (t === null) throw new HubError('bad_request', 'Unknown user type');
  return t;
}

/** The per-environment types of a users form: fields `env:<name>`, '' meaning none. */
function environmentTypes(req: Request, environments: readonly string[]): Record<string, UserTypeCode | null> {
  const out: Record<string, UserTypeCode | null> = {};
  for (const env of environments) {
    const v = field(req, `env:${env}`);
    out[env] = v === '' ? null : parseUserType(v);
  }
  return out;
}

function timeQuery(v: unknown): number | null {
  if (typeof v !== 'string' || v === '') return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : null;
}

export function adminPages(s: HubServices) {
  const t = (req: Request, key: string): string => s.catalog.t(req.lang ?? 'en', key);
  const usersPage = async (req: Request, res: Response, error: string | null = null, status = 200): Promise<void> => {
    await renderPage(s, req, res, 'users', {
      title: t(req, 'Users'), nav: 'users', users: s.accounts.list(), environments: s.fleet.environmentNames(),
      types: TYPES.map((code) => ({ code, label: userTypeLabel(code) })), error,
    }, status);
  };
  /** Runs a users-page change; a refused one shows the page again with the reason. */
  const change = async (req: Request, res: Response, fn: () => Promise<string>): Promise<void> => {
    try {
      const done = await fn();
      flash(req, 'ok', done, { name: field(req, 'username') || String(req.params.username ?? '') });
      res.redirect(303, '/users');
    } catch (err) {
      if (!(err instanceof HubError) || (err.code !== 'bad_request' && err.code !== 'not_found')) throw err;
      await usersPage(req, res, s.catalog.t(req.lang ?? 'en', err.key, err.params), err.status);
    }
  };
  return {
    users: (req: Request, res: Response) => usersPage(req, res),
    addUser: (req: Request, res: Response) => change(req, res, async () => {
      const password = field(req, 'password');
      if (password !== field(req, 'confirm')) throw new HubError('bad_request', 'The two new passwords differ');
      const envTypes: Record<string, UserTypeCode> = {};
      for (const [env, type] of Object.entries(environmentTypes(req, s.fleet.environmentNames()))) if (type !== null) envTypes[env] = type;
      await s.accounts.addUser(actorOf(req), field(req, 'username').trim(), password, typeField(req, 'type'), envTypes);
      return 'User {name} was added';
    }),
    updateUser: (req: Request, res: Response) => change(req, res, async () => {
      await s.accounts.updateUser(actorOf(req), String(req.params.username), {
        type: typeField(req, 'type'), environmentTypes: environmentTypes(req, s.fleet.environmentNames()),
      });
      return 'User {name} was changed';
    }),
    resetPassword: (req: Request, res: Response) => change(req, res, async () => {
      await s.accounts.updateUser(actorOf(req), String(req.params.username), { password: field(req, 'password') });
      return 'The password of {name} was reset: it must be changed at the next login';
    }),
    deleteUser: (req: Request, res: Response) => change(req, res, async () => {
      s.accounts.deleteUser(actorOf(req), String(req.params.username));
      return 'User {name} was deleted';
    }),
    async activity(req: Request, res: Response): Promise<void> {
      const str = (name: string): string => (typeof req.query[name] === 'string' ? String(req.query[name]).trim() : '');
      const query = { user: str('user'), node: str('node'), process: str('process'), action: str('action'), text: str('text'), from: str('from'), to: str('to') };
      const pageNo = Math.max(1, Math.trunc(Number(req.query.page)) || 1);
      const page = s.activity.search({
        user: query.user || null, node: query.node || null, process: query.process || null, action: query.action || null,
        text: query.text || null, from: timeQuery(query.from), to: timeQuery(query.to), page: pageNo, perPage: 50,
      });
      const keep = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== ''));
      await renderPage(s, req, res, 'activity', { title: t(req, 'Activity'), nav: 'activity', page, query, keep: keep.toString(), choices: s.activity.distinct() });
    },
  };
}
