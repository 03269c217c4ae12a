// Process logs over the API: cesi v2's log route (both streams, the last ?bytes=N, 500 by default,
// as lines) and ours: one stream's tail with its offset, the whole file as a download, and a live
// follow as server-sent events.
import type { Request, Response } from 'express';
import { HubError } from '../../errors.js';
import { DEFAULT_TAIL_BYTES, type Channel, type LogTail } from '../../actions/logs.js';
import type { HubServices } from '../context.js';
import { logHtml } from '../log-html.js';
import { openSse, type SseResponse } from '../sse.js';
import { actorOf, param, queryInt, queryString, sendOk } from './input.js';

function channelOf(req: Request): Channel {
  const c = param(req, 'channel');
  if (c !== 'stdout' && c !== 'stderr') throw new HubError('not_found', 'No such page');
  return c;
}

/** The tail as whole lines: a first piece cut by the byte limit and the empty piece after the last newline are dropped. */
export function tailLines(t: LogTail, bytes: number): string[] {
  const lines = t.text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const cut = t.overflow || Buffer.byteLength(t.text) >= bytes;
  if (cut && lines.length > 1) lines.shift();
  return lines;
}

export function logRoutes(s: HubServices) {
  const target = (req: Request) => ({ node: param(req, 'node'), process: param(req, 'process') });
  return {
    async both(req: Request, res: Response): Promise<void> {
      const { node, process } = target(req);
      const bytes = queryInt(req, 'bytes', DEFAULT_TAIL_BYTES);
      const actor = actorOf(req);
      const [stdout, stderr] = await Promise.all([
        s.logs.tail(actor, node, process, 'stdout', bytes), s.logs.tail(actor, node, process, 'stderr', bytes),
      ]);
      sendOk(res, { logs: { stdout: tailLines(stdout, bytes), stderr: tailLines(stderr, bytes) } });
    },
    async one(req: Request, res: Response): Promise<void> {
      const { node, process } = target(req);
      const bytes = queryInt(req, 'bytes', DEFAULT_TAIL_BYTES);
      const t = await s.logs.tail(actorOf(req), node, process, channelOf(req), bytes);
      sendOk(res, { text: t.text, offset: t.offset, overflow: t.overflow });
    },
    async download(req: Request, res: Response): Promise<void> {
      const { node, process } = target(req);
      const channel = channelOf(req);
      const text = await s.logs.download(actorOf(req), node, process, channel);
      const name = `${node}_${process}_${channel}.log`.replace(/[^A-Za-z0-9_.-]/g, '_');
      res.set({ 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store' });
      res.type('text/plain; charset=utf-8').send(text);
    },
    follow(req: Request, res: Response): void {
      const { node, process } = target(req);
      const channel = channelOf(req);
      const from = queryString(req, 'offset');
      const offset = from === undefined ? null : queryInt(req, 'offset', 0);
      // follow() checks the rights first and throws before anything is sent; its polls start later.
      let sse: SseResponse | null = null;
      // ?format=html: each chunk also as safe HTML (escaped, colour codes as spans), for the pages.
      const html = queryString(req, 'format') === 'html';
      const stop = s.logs.follow(actorOf(req), node, process, channel, offset, (chunk) => {
        if ('error' in chunk) sse?.send('failure', { message: chunk.error });
        else sse?.send('log', html ? { ...chunk, html: logHtml(chunk.text) } : chunk);
      });
      sse = openSse(req, res, stop);
    },
  };
}
