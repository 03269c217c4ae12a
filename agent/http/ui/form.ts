// The web UI's form, as supervisord builds it: the query string and, for POST, the urlencoded body
// merged into one map, and the bounded read of that body (urlencoded only). Imports the URI helpers only.
import type { IncomingMessage } from 'node:http';
import { unquote } from '../uri.js';

/** Python's parse_qsl(text) defaults: `&` separates, fields without `=` or with an empty value are dropped. */
export function parseQsl(text: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const field of text.split('&')) {
    const eq = field.indexOf('=');
    if (eq < 0) continue;
    const rawValue = field.slice(eq + 1);
    if (rawValue === '') continue;
    pairs.push([unquote(field.slice(0, eq).replace(/\+/g, ' ')), unquote(rawValue.replace(/\+/g, ' '))]);
  }
  return pairs;
}

export interface WebForm {
  /** Query and body merged: the first value of a repeated query key, body values override (last wins). */
  readonly fields: ReadonlyMap<string, string>;
  /** The body's fields alone: the CSRF token is only taken from there, never from a URL. */
  readonly body: ReadonlyMap<string, string>;
}

export function buildForm(query: string, body: string): WebForm {
  const fields = new Map<string, string>();
  for (const [k, v] of parseQsl(query)) if (!fields.has(k)) fields.set(k, v);
  const bodyFields = new Map<string, string>();
  for (const [k, v] of parseQsl(body)) {
    fields.set(k, v);
    bodyFields.set(k, v);
  }
  return { fields, body: bodyFields };
}

export type BodyResult = { readonly text: string } | { readonly status: 411 | 413 | 415 } | null;

/**
 * True for the one encoding the page's forms are sent in (it sends no multipart form). Anything
 * else, text/plain above all (a cross-site form may send it without asking), is not a form here.
 */
export function isFormEncoded(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  return (contentType.split(';', 1)[0] ?? '').trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/**
 * The POST body as text (UTF-8, bad bytes replaced). Like medusa's collector it needs a
 * Content-Length (411 otherwise); unlike it, the size is bounded (413) and only a urlencoded
 * form is read (415, unread, otherwise: supervisord parses any body as one). null: the client left.
 */
export async function readFormBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const raw = req.headers['content-length'];
  if (raw === undefined || raw.trim() === '' || req.headers['transfer-encoding'] !== undefined) return { status: 411 };
  const length = Number(raw);
  if (!Number.isSafeInteger(length) || length < 0) return { status: 411 };
  if (length > maxBytes) return { status: 413 };
  if (!isFormEncoded(req.headers['content-type'])) return { status: 415 };
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of req) chunks.push(chunk as Buffer);
  } catch {
    return null;
  }
  if (!req.complete) return null;
  return { text: Buffer.concat(chunks).toString('utf8') };
}
