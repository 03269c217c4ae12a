// /api/v2/auth, /profile and /users: cesi v2's login, logout, profile, own password and user
// administration, plus API tokens. Thin: the rules live in AccountService.
import type { Request, Response } from 'express';
import { HubError } from '../../errors.js';
import { isUserTypeCode, parseUserType, type UserTypeCode } from '../../services/accounts.js';
import type { HubServices } from '../context.js';
import { principalOf } from '../middleware/auth.js';
import { actorOf, bodyOf, optionalString, param, sendOk, stringField } from './input.js';
import { userJson } from '../../services/json.js';

/** A user type given as 0-3 or a label ("Read Only", "readonly" ...). */
function typeField(v: unknown, field: string): UserTypeCode {
  const t = typeof v === 'number' ? (isUserTypeCode(v) ? v : null) : typeof v === 'string' ? parseUserType(v) : null;
  if (t === null) throw new HubError('bad_request', '{field} must be a user type (0-3, Admin, Standard, Only Log or Read Only)', { field });
  return t;
}

function environmentTypes(v: unknown, allowNull: boolean): Record<string, UserTypeCode | null> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new HubError('bad_request', '{field} must be an object', { field: 'environmentTypes' });
  const out: Record<string, UserTypeCode | null> = {};
  for (const [env, t] of Object.entries(v)) out[env] = allowNull && (t === null || t === 'none') ? null : typeField(t, `environmentTypes.${env}`);
  return out;
}

export function accountRoutes(s: HubServices) {
  return {
    async login(req: Request, res: Response): Promise<void> {
      const b = bodyOf(req);
      const username = stringField(b, 'username');
      const password = stringField(b, 'password');
      const user = await s.accounts.login(username, password, req.socket.remoteAddress ?? null);
      if (user === null) throw new HubError('forbidden', 'Invalid username/password');
      await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
      req.session.userId = user.id;
      sendOk(res, { message: 'Valid username/password', must_change_password: user.mustChangePassword });
    },

    logout(req: Request, res: Response): void {
      const p = principalOf(req);
      s.accounts.logout({ user: p.user, remote: p.remote });
      if (p.via === 'session') req.session.destroy(() => undefined);
      sendOk(res, { message: 'Logout' });
    },

    profile(req: Request, res: Response): void {
      const u = principalOf(req).user;
      sendOk(res, { user: { ...userJson(u), name: u.username, type: u.type } });
    },

    async password(req: Request, res: Response): Promise<void> {
      const b = bodyOf(req);
      const oldPassword = stringField(b, 'oldPassword');
      const newPassword = stringField(b, 'newPassword');
      await s.accounts.changeOwnPassword(actorOf(req), oldPassword, newPassword, req.sessionID);
      sendOk(res, { message: 'Password changed' });
    },

    tokens(req: Request, res: Response): void {
      const list = s.accounts.tokens(principalOf(req).user).map((t) => ({
        id: t.id, name: t.name, created_at: new Date(t.createdAt).toISOString(),
        last_used_at: t.lastUsedAt === null ? null : new Date(t.lastUsedAt).toISOString(),
      }));
      sendOk(res, { tokens: list });
    },

    createToken(req: Request, res: Response): void {
      const t = s.accounts.createToken(actorOf(req), stringField(bodyOf(req), 'name'));
      sendOk(res, { token: { id: t.id, name: t.name, token: t.token } }, 201);
    },

    revokeToken(req: Request, res: Response): void {
      const id = Number(param(req, 'id'));
      if (!Number.isInteger(id)) throw new HubError('not_found', 'No such token');
      s.accounts.revokeToken(actorOf(req), id);
      sendOk(res);
    },

    users(_req: Request, res: Response): void {
      sendOk(res, { users: s.accounts.list().map(userJson) });
    },

    async addUser(req: Request, res: Response): Promise<void> {
      const b = bodyOf(req);
      const username = stringField(b, 'username');
      const password = stringField(b, 'password');
      const type = typeField(b.usertype ?? b.type, 'usertype');
      const envTypes = environmentTypes(b.environmentTypes, false);
      const clean: Record<string, UserTypeCode> = {};
      for (const [k, v] of Object.entries(envTypes)) if (v !== null) clean[k] = v;
      const user = await s.accounts.addUser(actorOf(req), username, password, type, clean);
      sendOk(res, { message: 'User added', user: userJson(user) }, 201);
    },

    async updateUser(req: Request, res: Response): Promise<void> {
      const b = bodyOf(req);
      const change: Parameters<typeof s.accounts.updateUser>[2] = {};
      if (b.usertype !== undefined || b.type !== undefined) change.type = typeField(b.usertype ?? b.type, 'usertype');
      if (b.environmentTypes !== undefined) change.environmentTypes = environmentTypes(b.environmentTypes, true);
      const password = optionalString(b, 'password');
      if (password !== undefined) change.password = password;
      const user = await s.accounts.updateUser(actorOf(req), param(req, 'username'), change);
      sendOk(res, { user: userJson(user) });
    },

    deleteUser(req: Request, res: Response): void {
      s.accounts.deleteUser(actorOf(req), param(req, 'username'));
      sendOk(res, { message: 'User deleted' });
    },
  };
}
