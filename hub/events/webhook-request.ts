// One delivery attempt to a webhook: the signed POST, limited in time, redirects not followed. Its
// outcome is put in words that never contain the URL (it may carry credentials) or the secret.
import { createHmac } from 'node:crypto';
import { HUB_VERSION as FLEETVISOR_VERSION } from '../version.js';
import type { WebhookEvent } from '../config/types.js';

export interface AttemptInput {
  readonly url: string;
  readonly secret: string | null;
  readonly event: WebhookEvent;
  /** The same on every attempt of one delivery. */
  readonly deliveryId: string;
  readonly body: string;
  readonly timeoutMs: number;
}

export type AttemptOutcome = { readonly ok: true; readonly status: number } | { readonly ok: false; readonly error: string };

/** The X-Fleetvisor-Signature value: the hex HMAC-SHA256 of the body's UTF-8 bytes. */
export function signatureOf(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

function decoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Where to POST: the URL without user:password, which travel as basic auth instead (fetch refuses them in URLs). */
function target(url: string): { href: string; authorization: string | null } | null {
  if (!URL.canParse(url)) return null;
  const u = new URL(url);
  if (u.username === '' && u.password === '') return { href: u.href, authorization: null };
  const user = decoded(u.username);
  const password = decoded(u.password);
  u.username = '';
  u.password = '';
  return { href: u.href, authorization: `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}` };
}

const NETWORK_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed',
};

function codeOf(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  if ('code' in err && typeof err.code === 'string') return err.code;
  return 'cause' in err ? codeOf(err.cause) : null;
}

/** Every string of the request that must not be repeated, longest first. */
function sensitive(input: AttemptInput): string[] {
  const out = [input.url, input.secret ?? ''];
  if (URL.canParse(input.url)) {
    const u = new URL(input.url);
    out.push(u.href, u.username, u.password, decoded(u.username), decoded(u.password), u.search, u.search.slice(1));
  }
  return out.filter((s) => s !== '').sort((a, b) => b.length - a.length);
}

function describe(err: unknown, input: AttemptInput): string {
  const name = err instanceof Error ? err.name : '';
  if (name === 'TimeoutError') return `no answer within ${input.timeoutMs} ms`;
  const code = codeOf(err);
  if (code !== null) return NETWORK_CODES[code] === undefined ? `request failed (${code})` : `${NETWORK_CODES[code]} (${code})`;
  let text = err instanceof Error ? `${name}: ${err.message}` : 'request failed';
  for (const s of sensitive(input)) text = text.split(s).join('[redacted]');
  return text;
}

/** POSTs once; a 2xx answer is success, anything else (3xx included) a failure. Never throws. */
export async function attemptDelivery(fetchFn: typeof fetch, input: AttemptInput): Promise<AttemptOutcome> {
  const to = target(input.url);
  if (to === null) return { ok: false, error: 'the URL does not parse' };
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': `fleetvisor-hub/${FLEETVISOR_VERSION}`,
    'X-Fleetvisor-Event': input.event,
    'X-Fleetvisor-Delivery': input.deliveryId,
  };
  if (input.secret !== null) headers['X-Fleetvisor-Signature'] = signatureOf(input.secret, input.body);
  if (to.authorization !== null) headers.Authorization = to.authorization;
  try {
    const res = await fetchFn(to.href, {
      method: 'POST', headers, body: input.body, redirect: 'manual', signal: AbortSignal.timeout(input.timeoutMs),
    });
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status <= 299) return { ok: true, status: res.status };
    return { ok: false, error: `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, error: describe(err, input) };
  }
}
