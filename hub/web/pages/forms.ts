// Small helpers of the page handlers: form fields read with checks, the local path a form may
// return to (never another site: an open redirect), the flash message of the next page.
import type { Request, Response } from 'express';
import type { MessageParams } from '../../errors.js';

export function field(req: Request, name: string): string {
  const b: unknown = req.body;
  if (typeof b !== 'object' || b === null) return '';
  const v = (b as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : '';
}

/** Every value of a repeated field (checkboxes). */
export function fields(req: Request, name: string): string[] {
  const b: unknown = req.body;
  if (typeof b !== 'object' || b === null) return [];
  const v = (b as Record<string, unknown>)[name];
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** `next` if it is a path on this site (`/x`, not `//host` or `/\host` or a scheme), else `fallback`. */
export function localPath(next: string | undefined, fallback = '/'): string {
  if (next === undefined || next === '') return fallback;
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || /[\r\n\t]/.test(next)) return fallback;
  try {
    const u = new URL(next, 'http://hub.invalid');
    if (u.origin !== 'http://hub.invalid') return fallback;
    return `${u.pathname}${u.search}${u.hash}`;
  } catch {
    return fallback;
  }
}

export function flash(req: Request, kind: 'ok' | 'error', key: string, params: MessageParams = {}): void {
  req.session.flash = { kind, key, params: { ...params } };
}

export function back(req: Request, res: Response, fallback: string): void {
  res.redirect(303, localPath(field(req, 'back'), fallback));
}
