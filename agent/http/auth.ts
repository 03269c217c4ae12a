// HTTP basic authentication for one server section, as supervisord's auth handler decides it,
// with constant-time comparisons. Never logs or keeps the supplied credentials. Imports node:crypto only.
import { createHash, timingSafeEqual } from 'node:crypto';

/** ok: let the request through; unauthorized: 401; malformed: 400 (the credentials are not base64/UTF-8 text). */
export type AuthVerdict = 'ok' | 'unauthorized' | 'malformed';

export type AuthCheck = (authorization: string | undefined) => AuthVerdict;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Equal-length digests compared with timingSafeEqual: the time does not depend on where they differ. */
function sameText(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The check for a server's username/password, or null when the section has no username (no
 * authentication, as supervisord's `if username:`). A stored password `{SHA}<hex>` matches the
 * lowercase hex SHA-1 of the supplied password; anything else must match as is.
 */
export function makeAuthCheck(username: string | null, password: string | null): AuthCheck | null {
  if (!username) return null;
  const stored = password ?? '';
  const hashed = stored.startsWith('{SHA}');
  const expected = hashed ? stored.slice(5) : stored;

  return (authorization) => {
    if (authorization === undefined) return 'unauthorized';
    // medusa matches `Authorization: <scheme> <cookie>`; node has already trimmed the value.
    const space = authorization.indexOf(' ');
    if (space <= 0) return 'unauthorized';
    if (authorization.slice(0, space).toLowerCase() !== 'basic') return 'unauthorized';
    let decoded: string;
    try {
      decoded = utf8.decode(Buffer.from(authorization.slice(space + 1), 'base64'));
    } catch {
      return 'malformed';
    }
    const colon = decoded.indexOf(':');
    // supervisord answers 500 here (it fails to unpack the pair); refusing is the safer answer.
    if (colon < 0) return 'unauthorized';
    const user = decoded.slice(0, colon);
    const supplied = decoded.slice(colon + 1);
    const candidate = hashed ? createHash('sha1').update(supplied, 'utf8').digest('hex') : supplied;
    // Both comparisons always run; `&` rather than `&&` so a wrong user costs the same as a wrong password.
    const userOk = sameText(user, username);
    const passOk = sameText(candidate, expected);
    return (Number(userOk) & Number(passOk)) === 1 ? 'ok' : 'unauthorized';
  };
}
