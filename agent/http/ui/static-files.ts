// Static files of the web UI (stylesheet, icons) from views/agent/static, with the rules of
// medusa's default_handler: GET/HEAD only (400), directories redirect to the slash form (301),
// Last-Modified and If-Modified-Since (304), a Content-Type from the extension.
import { readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { applyPersistence, httpDate, REASONS, sendError, setCommonHeaders } from '../responses.js';
import { serverUrl } from './server-url.js';

const TYPES: Readonly<Record<string, string>> = {
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.ico': 'image/vnd.microsoft.icon',
  '.html': 'text/html',
  '.txt': 'text/plain',
};
/** What medusa looks for in a directory asked for with its trailing slash. */
const DIRECTORY_DEFAULTS = ['index.html', 'default.html'];

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

/** If-Modified-Since (medusa also accepts `; length=N`, which must then match the size). */
function notModified(header: string | undefined, st: Stats): boolean {
  if (header === undefined) return false;
  const [date, ...rest] = header.split(';');
  const length = /^\s*length=([0-9]+)\s*$/.exec(rest.join(';'));
  if (length && Number(length[1]) !== st.size) return false;
  const since = Date.parse(date ?? '');
  return Number.isFinite(since) && since > 0 && Math.floor(st.mtimeMs / 1000) * 1000 <= since;
}

/** `path` is the decoded request path without its leading slashes. */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, root: string, path: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(req, res, 400);
    return;
  }
  // No way out of the static folder: no `..` segment, no NUL.
  if (path.split('/').includes('..') || path.includes('\0')) {
    sendError(req, res, 404);
    return;
  }
  let file = join(root, path);
  let st = await statOrNull(file);
  if (st?.isDirectory()) {
    if (path !== '' && !path.endsWith('/')) {
      sendError(req, res, 301, { headers: [['Location', `${serverUrl(req)}/${path}/`]] });
      return;
    }
    const found = await firstFile(DIRECTORY_DEFAULTS.map((d) => join(file, d)));
    if (found === null) {
      sendError(req, res, 404);
      return;
    }
    [file, st] = found;
  }
  if (st === null || !st.isFile()) {
    sendError(req, res, 404);
    return;
  }
  setCommonHeaders(res);
  if (notModified(req.headers['if-modified-since'], st)) {
    res.statusCode = 304;
    res.statusMessage = REASONS[304] ?? 'Not Modified';
    applyPersistence(req, res, true, false);
    res.end();
    return;
  }
  const body = await readFile(file);
  res.setHeader('Last-Modified', httpDate(st.mtime));
  res.setHeader('Content-Length', body.length);
  res.setHeader('Content-Type', TYPES[extname(file).toLowerCase()] ?? 'text/plain');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  applyPersistence(req, res, true, false);
  res.end(req.method === 'HEAD' ? undefined : body);
}

async function firstFile(paths: readonly string[]): Promise<[string, Stats] | null> {
  for (const p of paths) {
    const st = await statOrNull(p);
    if (st?.isFile()) return [p, st];
  }
  return null;
}
