// Reading what an API request sends, with checks at the boundary: path parameters, query values
// and JSON body fields of the expected type, or a 400 naming the field.
import type { Request, Response } from 'express';
import { HubError } from '../../errors.js';
import type { Actor } from '../../actions/context.js';
import { principalOf } from '../middleware/auth.js';

export function param(req: Request, name: string): string {
  const v: unknown = req.params[name];
  if (typeof v !== 'string' || v === '') throw new HubError('bad_request', 'Missing {field}', { field: name });
  return v;
}

export function bodyOf(req: Request): Record<string, unknown> {
  const b: unknown = req.body;
  if (b === undefined || b === null) return {};
  if (typeof b !== 'object' || Array.isArray(b)) throw new HubError('bad_request', 'The body must be a JSON object');
  return b as Record<string, unknown>;
}

export function stringField(b: Record<string, unknown>, name: string): string {
  const v = b[name];
  if (typeof v !== 'string' || v === '') throw new HubError('bad_request', 'Missing {field}', { field: name });
  return v;
}

export function optionalString(b: Record<string, unknown>, name: string): string | undefined {
  const v = b[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new HubError('bad_request', '{field} must be a string', { field: name });
  return v;
}

export function queryString(req: Request, name: string): string | undefined {
  const v: unknown = req.query[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A non-negative integer from the query, or the default; anything else is a 400. */
export function queryInt(req: Request, name: string, dflt: number): number {
  const v = queryString(req, name);
  if (v === undefined) return dflt;
  if (!/^\d{1,12}$/.test(v)) throw new HubError('bad_request', '{field} must be a whole number', { field: name });
  return Number(v);
}

export function actorOf(req: Request): Actor {
  const p = principalOf(req);
  return { user: p.user, remote: p.remote };
}

/** cesi's success envelope: {status: "success", ...}. */
export function sendOk(res: Response, data: Record<string, unknown> = {}, status = 200): void {
  res.status(status).set('Cache-Control', 'no-store').json({ status: 'success', ...data });
}
