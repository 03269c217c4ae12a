// HubError: every failure the hub answers a request with, in one shape: an HTTP status, a stable
// code for scripts, and an English message that is also the key of its translations (with {name}
// placeholders filled from `params`). Thrown anywhere below the routes, rendered in one place.
// Anything else that reaches the error handler is a bug: a 500 with an id to find it in the log.

export type HubErrorCode =
  | 'bad_request' | 'unauthenticated' | 'password_change_required' | 'forbidden' | 'not_found'
  | 'method_not_allowed' | 'conflict' | 'unsupported_media_type' | 'node_down' | 'csrf' | 'origin'
  | 'rate_limited' | 'payload_too_large' | 'internal';

const STATUS: Readonly<Record<HubErrorCode, number>> = {
  bad_request: 400, unauthenticated: 401, password_change_required: 403, forbidden: 403, not_found: 404,
  method_not_allowed: 405, conflict: 409, unsupported_media_type: 415, node_down: 503, csrf: 403, origin: 403,
  rate_limited: 429, payload_too_large: 413, internal: 500,
};

export type MessageParams = Readonly<Record<string, string | number>>;

export class HubError extends Error {
  readonly status: number;
  readonly code: HubErrorCode;
  /** The English message with {placeholders}: the key of its translations. */
  readonly key: string;
  readonly params: MessageParams;

  constructor(code: HubErrorCode, key: string, params: MessageParams = {}, options?: { cause?: unknown }) {
    super(fill(key, params), options);
    this.name = 'HubError';
    this.code = code;
    this.status = STATUS[code];
    this.key = key;
    this.params = params;
  }
}

/** Replaces {name} by params.name (a missing one stays as written). */
export function fill(text: string, params: MessageParams): string {
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}
