// The errno name (ENOENT, EACCES ...) of an error thrown by node's fs, net or child_process, which
// the process layer reports in supervisord's words. Imports nothing.

/** `err.code` when it is a string, else `fallback`. */
export function errnoName(err: unknown, fallback: string): string {
  const code = err instanceof Error && 'code' in err ? err.code : undefined;
  return typeof code === 'string' ? code : fallback;
}
