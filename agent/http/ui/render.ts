// EJS rendering of the web UI's templates in views/agent/, found from this module's location
// (dist/agent/http/ui/ in a build, agent/http/ui/ in the sources: both sit four levels down).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';

function findViews(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'views', 'agent');
    if (existsSync(join(candidate, 'status.ejs'))) return candidate;
    dir = resolve(dir, '..');
  }
  throw new Error('views/agent/status.ejs not found above ' + fileURLToPath(import.meta.url));
}

export const VIEWS_DIR = findViews();
export const STATIC_DIR = join(VIEWS_DIR, 'static');

export type TemplateName = 'status' | 'tail';

/**
 * Templates see their data as `page` only (no `with`), so a missing field is an error rather
 * than a silent global lookup; `<%=` escapes &, <, >, " and '. Compiled templates are kept in
 * ejs's cache (keyed by file name), so each file is read and compiled once.
 */
export function render(name: TemplateName, page: object): Promise<string> {
  return ejs.renderFile(join(VIEWS_DIR, `${name}.ejs`), { page }, { _with: false, strict: true, destructuredLocals: ['page'], cache: true });
}
