// The pages of one's own account: login (with a `next` back to a page of this site only), logout,
// the forced first password change, the profile with its API tokens, and the language and theme
// switches (cookies, so pages render in the chosen ones with no flash of the other).
import type { Request, Response } from 'express';
import { HubError } from '../../errors.js';
import { isLang } from '../../i18n/catalog.js';
import { userTypeLabel } from '../../services/accounts.js';
import type { HubServices } from '../context.js';
import { principalOf, remoteOf } from '../middleware/auth.js';
import { back, field, flash, localPath } from './forms.js';
import { renderPage } from './render.js';

const YEAR_S = 365 * 24 * 3600;

export function accountPages(s: HubServices) {
  const t = (req: Request, key: string): string => s.catalog.t(req.lang ?? 'en', key);
  const profile = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200): Promise<void> => {
    const u = principalOf(req).user;
    await renderPage(s, req, res, 'profile', {
      title: t(req, 'Profile'), nav: 'profile', typeLabel: userTypeLabel(u.type),
      environmentTypes: [...u.environmentTypes].map(([env, type]) => ({ env, label: userTypeLabel(type) })),
      tokens: s.accounts.tokens(u), newToken: null, ...extra,
    }, status);
  };
  return {
    async loginForm(req: Request, res: Response): Promise<void> {
      if (req.principal !== undefined) {
        res.redirect(303, localPath(typeof req.query.next === 'string' ? req.query.next : undefined));
        return;
      }
      await renderPage(s, req, res, 'login', {
        title: t(req, 'Log in'), next: localPath(typeof req.query.next === 'string' ? req.query.next : undefined), error: null, username: '',
      });
    },
    async login(req: Request, res: Response): Promise<void> {
      // cesi's form called the user name field `email`.
      const username = field(req, 'username') || field(req, 'email');
      const next = localPath(field(req, 'next'));
      const user = username === '' ? null : await s.accounts.login(username, field(req, 'password'), remoteOf(req));
      if (user === null) {
        await renderPage(s, req, res, 'login', { title: t(req, 'Log in'), next, error: t(req, 'Invalid username/password'), username }, 401);
        return;
      }
      await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
      req.session.userId = user.id;
      res.redirect(303, user.mustChangePassword ? '/profile/password' : next);
    },
    logout(req: Request, res: Response): void {
      const p = principalOf(req);
      s.accounts.logout({ user: p.user, remote: p.remote });
      req.session.destroy(() => res.redirect(303, '/login'));
    },
    async passwordForm(req: Request, res: Response): Promise<void> {
      await renderPage(s, req, res, 'password', {
        title: t(req, 'Change password'), nav: 'profile', forced: principalOf(req).user.mustChangePassword, error: null,
      });
    },
    async password(req: Request, res: Response): Promise<void> {
      const p = principalOf(req);
      const forced = p.user.mustChangePassword;
      const next = field(req, 'new');
      try {
        if (next !== field(req, 'confirm')) throw new HubError('bad_request', 'The two new passwords differ');
        await s.accounts.changeOwnPassword({ user: p.user, remote: p.remote }, field(req, 'old'), next, req.sessionID);
      } catch (err) {
        if (!(err instanceof HubError) || err.code !== 'bad_request') throw err;
        await renderPage(s, req, res, 'password', {
          title: t(req, 'Change password'), nav: 'profile', forced, error: s.catalog.t(req.lang ?? 'en', err.key, err.params),
        }, 400);
        return;
      }
      flash(req, 'ok', 'Your password was changed');
      res.redirect(303, forced ? '/' : '/profile');
    },
    profile: (req: Request, res: Response) => profile(req, res),
    async createToken(req: Request, res: Response): Promise<void> {
      const p = principalOf(req);
      const created = s.accounts.createToken({ user: p.user, remote: p.remote }, field(req, 'name').trim());
      // Shown once, on this answer only; never stored in the session or the log.
      await profile(req, res, { newToken: created }, 201);
    },
    revokeToken(req: Request, res: Response): void {
      const p = principalOf(req);
      s.accounts.revokeToken({ user: p.user, remote: p.remote }, Number(req.params.id));
      flash(req, 'ok', 'The token was revoked');
      res.redirect(303, '/profile');
    },
    language(req: Request, res: Response): void {
      const lang = field(req, 'lang');
      if (isLang(lang)) res.cookie('lang', lang, { maxAge: YEAR_S * 1000, sameSite: 'lax', httpOnly: true, secure: s.secure });
      back(req, res, '/');
    },
    theme(req: Request, res: Response): void {
      const theme = field(req, 'theme');
      if (theme === 'light' || theme === 'dark') res.cookie('theme', theme, { maxAge: YEAR_S * 1000, sameSite: 'lax', httpOnly: true, secure: s.secure });
      back(req, res, '/');
    },
  };
}
