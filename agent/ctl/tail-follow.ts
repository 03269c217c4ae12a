// Streaming a log from /logtail/... or /mainlogtail to stdout (tail -f, maintail -f, fg), as
// supervisorctl's http_client does: connection problems and non-200 answers are one line on stderr.
import { StringDecoder } from 'node:string_decoder';
import { openStream, type HttpStream } from '../rpc/http-stream.js';
import { CALL_TIMEOUT_MS, clientTls } from './connection.js';
import type { Controller } from './controller.js';
import { MSG, PRESS_CTRL_C } from './format.js';
import { describeError } from './unexpected.js';
import { endpointOf } from './url.js';

export interface Follower {
  /** Resolves when the server ends the stream (null), or with why it could not be opened. */
  readonly done: Promise<string | null>;
  close(): void;
}

/** Opens `path` on the current server and feeds each decoded piece to `onText`. */
export function openFollow(ctl: Controller, path: string, onText: (text: string) => void): Follower {
  const url = `${ctl.opts.serverurl}${path}`;
  let stream: HttpStream | null = null;
  let closed = false;
  const done = (async (): Promise<string | null> => {
    try {
      const ep = endpointOf(ctl.opts.serverurl);
      stream = await openStream({ url: ep.url, username: ctl.opts.username, password: ctl.opts.password,
        timeoutMs: CALL_TIMEOUT_MS, ...(ep.url.startsWith('https://') ? { tls: clientTls(ctl.opts.tls) } : {}) }, path);
    } catch (err) {
      if (closed) return null;
      const e = describeError(err);
      return MSG.cannotConnect(url, e.pyClass, e.message);
    }
    if (closed) { stream.close(); return null; }
    if (stream.status !== 200) {
      stream.close();
      return MSG.cannotRead(url, stream.status);
    }
    const decoder = new StringDecoder('utf8');
    const body = stream.body;
    await new Promise<void>((resolve) => {
      body.on('data', (chunk: Buffer) => { const t = decoder.write(chunk); if (t !== '') onText(t); });
      body.on('end', resolve);
      body.on('close', resolve);
      body.on('error', resolve);
    });
    const rest = decoder.end();
    if (rest !== '') onText(rest);
    return null;
  })();
  return {
    done,
    close: () => {
      closed = true;
      stream?.close();
    },
  };
}

/**
 * tail -f / maintail -f: the banner, then the stream until Ctrl-C (a blank line) or its end.
 * With --json each piece is a JSON line `{...label, text}`; a stream that cannot be opened is the
 * command's error document.
 */
export async function follow(ctl: Controller, path: string, label: Readonly<Record<string, string>>): Promise<void> {
  ctl.out.line(PRESS_CTRL_C);
  const f = openFollow(ctl, path, (text) => {
    if (ctl.out.json) ctl.out.stream({ ...label, text });
    else ctl.term.stdout.write(text);
  });
  let interrupted = false;
  const stop = new Promise<void>((resolve) => {
    ctl.handleInterrupt(() => { interrupted = true; resolve(); });
  });
  const problem = await Promise.race([f.done, stop.then(() => null)]);
  ctl.handleInterrupt(null);
  f.close();
  if (interrupted) ctl.out.line('');
  // supervisorctl's stream client reports on stderr and the command still succeeds.
  if (problem !== null) {
    if (ctl.out.json) ctl.out.fail(problem);
    else ctl.term.stderr.write(problem + '\n');
  }
}

/** fg's streams: their problems go to stderr as they happen. */
export function openFollowToStderr(ctl: Controller, path: string, onText: (text: string) => void): Follower {
  const f = openFollow(ctl, path, onText);
  void f.done.then((problem) => { if (problem !== null) ctl.term.stderr.write(problem + '\n'); });
  return f;
}
