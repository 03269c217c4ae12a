// Brute-force protection of the login (page form and API alike): failed attempts are counted per
// address and per user name (express-rate-limit, in memory); past either limit further attempts
// are refused with 429 until the window passes, without checking the password at all.
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { HubError } from '../../errors.js';
import type { LoginLimits } from '../context.js';

/** The user name a login request names, whichever form it came in (cesi's form used `email`). */
export function loginName(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const b = body as Record<string, unknown>;
  const name = b.username ?? b.email;
  return typeof name === 'string' ? name.trim().toLowerCase() : '';
}

export function loginLimiters(limits: LoginLimits): RequestHandler[] {
  const common = {
    windowMs: limits.windowMs,
    standardHeaders: 'draft-7' as const,
    legacyHeaders: false,
    // Only failures count: a user who logs in fine is never slowed down.
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req: unknown, res: { statusCode: number }) => res.statusCode < 400,
    handler: (_req: unknown, _res: unknown, next: (err: unknown) => void) => {
      next(new HubError('rate_limited', 'Too many failed logins: wait a few minutes and try again'));
    },
  };
  return [
    rateLimit({ ...common, limit: limits.perAddress, keyGenerator: (req) => `ip:${ipKeyGenerator(req.ip ?? '')}` }),
    rateLimit({ ...common, limit: limits.perUser, keyGenerator: (req) => `user:${loginName(req.body)}` }),
  ];
}
