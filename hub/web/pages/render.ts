// Renders the hub's EJS pages (views/hub) with what every page needs: the translation function,
// the language and theme, the user, a CSRF token for its forms, the flash message of the last
// redirect, the hub's name and version. Values are escaped by the templates (<%= ... %>); no
// HTML is ever built here.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, Response } from 'express';
import ejs from 'ejs';
import type { MessageParams } from '../../errors.js';
import { LANGUAGE_NAMES, LANGUAGES } from '../../i18n/catalog.js';
import { REASON_KEYS, RESULT_KEYS } from '../../i18n/keys.js';
import type { HubServices } from '../context.js';
import { csrfToken, CSRF_FIELD } from '../middleware/csrf.js';

/** views/hub, found from this module (hub/web/pages or dist/hub/web/pages). */
export function hubViewsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'views', 'hub');
    if (existsSync(join(candidate, 'layout-top.ejs'))) return candidate;
    const up = resolve(dir, '..');
    if (up === dir) throw new Error('views/hub not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

const VIEWS = hubViewsDir();

/** Texts the page script writes itself (live states, the connection, the log follow), sent translated. */
export const CLIENT_TEXTS = [
  'Live', 'Reconnecting…', 'Connected', 'Not connected', 'Follow', 'Stop following', 'selected',
  'Start', 'Stop', 'Restart', 'CPU %', 'Memory', 'No data yet', 'The page is out of date: reload it',
  'done', 'failed', 'running', 'pending', 'skipped', 'Rolling restart', 'just now', 'since',
  'Really do this to every selected process?', 'Log truncated: older output was skipped',
  'stopped at {node}', 'No process matches', 'unhealthy', 'All nodes connected, no process in FATAL, BACKOFF or EXITED.',
  ...REASON_KEYS, ...RESULT_KEYS,
] as const;

export type Theme = 'light' | 'dark';

export function themeOf(s: HubServices, req: Request): Theme {
  const cookie = cookieValue(req, 'theme');
  return cookie === 'dark' || cookie === 'light' ? cookie : s.config().cesi.theme;
}

/** One cookie's value from the Cookie header (the hub reads only `lang` and `theme` this way). */
export function cookieValue(req: Request, name: string): string | undefined {
  const header = req.get('cookie');
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try { return decodeURIComponent(part.slice(eq + 1).trim()); } catch { return undefined; }
    }
  }
  return undefined;
}

export async function renderPage(s: HubServices, req: Request, res: Response, view: string,
  data: Record<string, unknown>, status = 200): Promise<void> {
  const lang = req.lang ?? 'en';
  const flash = req.session?.flash;
  if (flash !== undefined) delete req.session.flash;
  const user = req.principal?.user ?? null;
  let token: string | null = null;
  const locals = {
    ...data,
    t: (key: string, params: MessageParams = {}) => s.catalog.t(lang, key, params),
    lang,
    languages: LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAMES[code] })),
    theme: themeOf(s, req),
    appName: s.config().cesi.name,
    version: s.version,
    user,
    path: req.originalUrl,
    flash: flash === undefined ? null : { kind: flash.kind, text: s.catalog.t(lang, flash.key, flash.params ?? {}) },
    csrfField: CSRF_FIELD,
    eventId: s.events.lastId,
    clientTexts: Object.fromEntries(CLIENT_TEXTS.map((k) => [k, s.catalog.t(lang, k)])),
    // One token per page, made only if the page has a form.
    csrf: () => (token ??= csrfToken(req)),
  };
  const html = await ejs.renderFile(join(VIEWS, `${view}.ejs`), locals, { cache: true, async: false });
  res.status(status);
  res.set('Cache-Control', 'no-store');
  res.type('html').send(html);
}
