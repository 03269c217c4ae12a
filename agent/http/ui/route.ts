// The built-in web UI as one HttpRoute: the views of supervisord 4.2.5 (/, /index.html,
// /tail.html, /ok.html for GET and POST) and the static files for every other request.
// Everything it shows or does goes through the daemon's RpcHandler, as the /RPC2 route does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../logging/types.js';
import { FLEETVISOR_VERSION, SUPERVISOR_VERSION } from '../../version.js';
import { sendError } from '../responses.js';
import type { HttpRoute, RpcHandler } from '../types.js';
import { decodeRequestUri } from '../uri.js';
import { isProcessAction, processExists, runAction, toAction, type UiAction } from './actions.js';
import { CSRF_FIELD, FormTokens, TOKEN_LIFETIME_MS } from './csrf.js';
import { buildForm, readFormBody, type WebForm } from './form.js';
import { pyQuote } from '../../python/urllib.js';
import { render, STATIC_DIR } from './render.js';
import { sendBody, sendPage, sendRedirect } from './respond.js';
import { serverUrl } from './server-url.js';
import { serveStatic } from './static-files.js';
import { loadRows } from './status-page.js';
import { loadTail } from './tail-page.js';

export interface WebUiOptions {
  readonly rpc: RpcHandler;
  readonly log: Logger;
  /** How long an action request waits for a start/stop before answering "still in progress". */
  readonly actionWaitMs?: number;
  /** The largest form body accepted (413 beyond). */
  readonly maxFormBytes?: number;
  readonly now?: () => Date;
}

/** Long enough for a default stop (stopwaitsecs=10, then SIGKILL); well inside a browser's patience. */
export const DEFAULT_ACTION_WAIT_MS = 30_000;
const DEFAULT_MAX_FORM_BYTES = 64 * 1024;
const VIEWS = new Set(['index.html', 'tail.html', 'ok.html']);

/** What the page asks before a state change that arrived as a plain GET link. */
const CONFIRM: Readonly<Record<Exclude<UiAction, 'refresh'>, { readonly prompt: (ns: string) => string; readonly button: string }>> = {
  start: { prompt: (ns) => `Start process ${ns}?`, button: 'Start' },
  stop: { prompt: (ns) => `Stop process ${ns}?`, button: 'Stop' },
  restart: { prompt: (ns) => `Restart process ${ns}?`, button: 'Restart' },
  clearlog: { prompt: (ns) => `Clear the logs of ${ns}?`, button: 'Clear Log' },
  stopall: { prompt: () => 'Stop all processes?', button: 'Stop All' },
  restartall: { prompt: () => 'Restart all processes?', button: 'Restart All' },
};

const TOKEN_REFUSED = 'Nothing was done: the form had no valid token (the buttons of a page act once, within '
  + `${TOKEN_LIFETIME_MS / 60_000} minutes, and not across a restart of the daemon). Use the buttons below to try again.`;

interface ConfirmBox {
  readonly prompt: string;
  readonly button: string;
  readonly action: UiAction;
  readonly processname: string | null;
}

interface StatusExtras {
  readonly message: string | null;
  readonly messageIsError?: boolean;
  readonly confirm?: ConfirmBox;
}

/** medusa's split_uri: path, then `;params`, `?query`, `#fragment`. */
function splitUri(uri: string): { path: string; query: string } {
  const m = /^([^;?#]*)(?:;[^?#]*)?(?:\?([^#]*))?/.exec(uri);
  return { path: m?.[1] ?? '', query: m?.[2] ?? '' };
}

export function createWebUi(opts: WebUiOptions): HttpRoute {
  const now = opts.now ?? (() => new Date());
  const tokens = new FormTokens({ now: () => now().getTime() });
  const actionDeps = { rpc: opts.rpc, log: opts.log, waitMs: opts.actionWaitMs ?? DEFAULT_ACTION_WAIT_MS, now };
  const maxFormBytes = opts.maxFormBytes ?? DEFAULT_MAX_FORM_BYTES;

  async function showStatus(req: IncomingMessage, res: ServerResponse, status: number, extras: StatusExtras): Promise<void> {
    const rows = await loadRows(opts.rpc);
    const html = await render('status', {
      rows, token: tokens.issue(), csrfField: CSRF_FIELD, message: extras.message, messageIsError: extras.messageIsError ?? false,
      confirm: extras.confirm ?? null, version: SUPERVISOR_VERSION, fleetvisorVersion: FLEETVISOR_VERSION, year: now().getFullYear(),
    });
    sendPage(req, res, status, html);
  }

  async function statusView(req: IncomingMessage, res: ServerResponse, form: WebForm): Promise<void> {
    const actionText = form.fields.get('action');
    if (actionText === undefined) {
      await showStatus(req, res, 200, { message: form.fields.get('message') ?? null });
      return;
    }
    const action = toAction(actionText);
    const namespec = form.fields.get('processname');
    // supervisord raises (HTTP 500) for an unknown action and for a process action without a name.
    if (action === null) throw new Error(`unknown action ${JSON.stringify(actionText)}`);
    if (isProcessAction(action) && namespec === undefined) throw new Error(`action ${action} without a processname`);
    const isPost = req.method === 'POST';
    if (isPost && action !== 'refresh' && !tokens.take(form.body.get(CSRF_FIELD))) {
      await showStatus(req, res, 403, { message: TOKEN_REFUSED, messageIsError: true });
      return;
    }
    // 303 after a POST (the browser must GET the page); 301 where supervisord answers a GET.
    const redirect = (message: string): void => sendRedirect(req, res, isPost ? 303 : 301, `${serverUrl(req)}/?message=${pyQuote(message)}`);
    const ns = namespec ?? '';
    if (isProcessAction(action) && !(await processExists(opts.rpc, ns))) {
      redirect(`No such process named ${ns}`);
      return;
    }
    if (!isPost && action !== 'refresh') {
      const c = CONFIRM[action];
      const confirm: ConfirmBox = { prompt: c.prompt(ns), button: c.button, action, processname: isProcessAction(action) ? ns : null };
      await showStatus(req, res, 200, { message: null, confirm });
      return;
    }
    redirect(await runAction(actionDeps, action, ns));
  }

  async function view(req: IncomingMessage, res: ServerResponse, name: string, query: string): Promise<void> {
    let bodyText = '';
    if (req.method === 'POST') {
      const body = await readFormBody(req, maxFormBytes);
      if (body === null) return;
      if ('status' in body) {
        sendError(req, res, body.status, body.status === 413 ? { close: true } : {});
        return;
      }
      bodyText = body.text;
    }
    const form = buildForm(query, bodyText);
    if (name === 'ok.html') {
      sendBody(req, res, 200, 'text/plain', 'OK');
    } else if (name === 'tail.html') {
      const page = await loadTail(opts.rpc, form.fields.get('processname'), form.fields.get('limit'));
      sendPage(req, res, 200, await render('tail', page));
    } else {
      await statusView(req, res, form);
    }
  }

  return async (req, res) => {
    const { path, query } = splitUri(decodeRequestUri(req.url ?? '/'));
    const stripped = path.replace(/^\/+/, '');
    const name = stripped === '' ? 'index.html' : stripped;
    if ((req.method === 'GET' || req.method === 'POST') && VIEWS.has(name)) {
      try {
        await view(req, res, name, query);
      } catch (err) {
        opts.log.error(`Web interface error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        sendError(req, res, 500);
      }
      return true;
    }
    await serveStatic(req, res, STATIC_DIR, stripped);
    return true;
  };
}
