// createApp: the hub's Express app from its services, never listening (main does that, tests use
// port 0). In order: security headers, static files (cached), the session (SQLite store, secret
// from the database), the language, who is asking, the JSON API, the pages, then 404 and the one
// error handler.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type Express } from 'express';
import session from 'express-session';
import type { HubServices } from './context.js';
import { apiRouter } from './api/routes.js';
import { errorHandler, notFound } from './errors.js';
import { resolvePrincipal } from './middleware/auth.js';
import { securityHeaders } from './middleware/security.js';
import { pagesRouter } from './pages/routes.js';
import { cookieValue, hubViewsDir } from './pages/render.js';

/** How long a session lasts without use. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
export const SESSION_COOKIE = 'fleetvisor.sid';

function uplotDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('uplot')), '..', 'dist');
}

export function createApp(s: HubServices): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(securityHeaders(s.secure));
  const staticOpts = { maxAge: '7d', immutable: false, index: false, fallthrough: true } as const;
  app.use('/static/vendor/uplot', express.static(uplotDir(), staticOpts));
  app.use('/static', express.static(join(hubViewsDir(), 'static'), staticOpts));
  app.use(session({
    store: s.sessionStore,
    secret: s.sessionSecret,
    name: SESSION_COOKIE,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: s.secure, maxAge: SESSION_IDLE_MS },
  }));
  app.use((req, _res, next) => {
    req.lang = s.catalog.negotiate(req.get('accept-language'), cookieValue(req, 'lang'));
    next();
  });
  app.use(resolvePrincipal(s));
  app.use(apiRouter(s));
  app.use(pagesRouter(s));
  app.use(notFound);
  app.use(errorHandler(s));
  return app;
}
