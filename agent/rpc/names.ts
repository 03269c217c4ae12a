// Namespecs as supervisor/options.py split_namespec / make_namespec read and write them:
// `group:name`, `group:*`, `group:` and bare `name` (meaning name:name). Pure; imports nothing.

/** [group, process]; process is null for the whole group (`g:*` or `g:`). */
export function splitNamespec(namespec: string): [string, string | null] {
  const colon = namespec.indexOf(':');
  if (colon < 0) return [namespec, namespec];
  const group = namespec.slice(0, colon);
  const proc = namespec.slice(colon + 1);
  return [group, proc === '' || proc === '*' ? null : proc];
}

/** `name` when the group has the process's name, else `group:name`. */
export function makeNamespec(group: string, proc: string): string {
  return group === proc ? group : `${group}:${proc}`;
}
