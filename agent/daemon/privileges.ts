// Dropping privileges at start ([supervisord] user= / -u), with supervisord's outcomes.
import type { UserSpec } from '../config/types.js';

/** null on success (or nothing to do); otherwise supervisord's error text. */
export function dropPrivileges(user: UserSpec): string | null {
  const current = process.getuid?.() ?? -1;
  if (current === user.uid) return null;
  if (current !== 0) return "Can't drop privilege as nonroot user";
  try {
    // initgroups exists on POSIX builds of Node only, hence the optional call.
    (process as { initgroups?: (user: string, gid: number) => void }).initgroups?.(user.name, user.gid);
  } catch {
    return 'Could not set groups of effective user';
  }
  try { process.setgid?.(user.gid); } catch { return 'Could not set group id of effective user'; }
  try { process.setuid?.(user.uid); } catch (err) { return `Could not set user id of effective user: ${(err as Error).message}`; }
  return null;
}
