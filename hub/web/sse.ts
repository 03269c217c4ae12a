// Opens a server-sent-events response: the headers (no caching, no proxy buffering), a comment
// every 15 s so idle connections stay open and dead peers are noticed, and one cleanup when the
// client goes away. Used by the live event stream and the log follows.
import type { Request, Response } from 'express';

export const HEARTBEAT_MS = 15_000;

export interface SseResponse {
  /** Writes raw SSE text; returns the bytes the socket still has to send. */
  write(text: string): number;
  /** One `event:`/`data:` message (data as JSON). */
  send(event: string, data: unknown): void;
  end(): void;
}

export function openSse(req: Request, res: Response, onClose: () => void): SseResponse {
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Accel-Buffering': 'no',
    Connection: 'keep-alive',
  });
  res.flushHeaders();
  req.socket.setNoDelay(true);
  let closed = false;
  const heartbeat = setInterval(() => { if (!closed) res.write(': ping\n\n'); }, HEARTBEAT_MS);
  const close = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    onClose();
  };
  res.on('close', close);
  const write = (text: string): number => {
    if (!closed) res.write(text);
    return res.writableLength;
  };
  return {
    write,
    send: (event, data) => { write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`); },
    end: () => { close(); res.end(); },
  };
}
