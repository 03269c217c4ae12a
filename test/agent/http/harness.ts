// Test fixtures for agent/http: a fake RpcHandler, a LogLocator over temp files, servers on
// 127.0.0.1:0 or a temp unix socket, and a raw socket client for byte-level checks.
import { connect, type Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { HttpServerConfig } from '../../../agent/config/types.js';
import type { HttpRoute, HttpServerOptions, LogLocator, RpcHandler } from '../../../agent/http/types.js';
import type { LogWriteListener } from '../../../agent/logging/log-writes.js';
import { openHttpServers, type HttpServers } from '../../../agent/http/server.js';
import { Faults, RpcFault } from '../../../agent/rpc/faults.js';
import type { XmlRpcValue } from '../../../agent/rpc/value.js';
import { RecordingLogger } from '../../helpers/process-config.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait-for.js';

interface HasAfter { after(fn: () => void | Promise<void>): void }

/** test.echo returns its first param; test.fault -> BAD_NAME: nope; test.boom throws; test.big returns 2**40 (unencodable); test.hold waits for release(). */
export class FakeRpc implements RpcHandler {
  readonly calls: { methodName: string; params: XmlRpcValue[] }[] = [];
  private held: (() => void)[] = [];

  async call(methodName: string, params: XmlRpcValue[]): Promise<XmlRpcValue> {
    this.calls.push({ methodName, params });
    switch (methodName) {
      case 'supervisor.getVersion': return '3.0'; // what the real supervisorctl's upcheck needs
      case 'supervisor.getSupervisorVersion': return '4.2.5';
      case 'test.echo': return params[0] ?? '';
      case 'test.fault': throw new RpcFault(Faults.BAD_NAME, 'nope');
      case 'test.boom': throw new Error('boom');
      case 'test.big': return 2 ** 40;
      case 'test.hold':
        await new Promise<void>((resolve) => this.held.push(resolve));
        return true;
      default: throw new RpcFault(Faults.UNKNOWN_METHOD);
    }
  }

  get holding(): number { return this.held.length; }

  release(): void {
    for (const r of this.held.splice(0)) r();
  }
}

/** Process logs by namespec: a path, null (no log), or absent (BAD_NAME); write notices only when a test sets watchWrites. */
export class FakeLogs implements LogLocator {
  readonly stdout = new Map<string, string | null>();
  readonly stderr = new Map<string, string | null>();
  main: string | null = null;
  watchWrites?: (path: string, listener: LogWriteListener) => () => void;

  processLog(namespec: string, channel: 'stdout' | 'stderr'): string | null | 'BAD_NAME' {
    const table = channel === 'stdout' ? this.stdout : this.stderr;
    const v = table.get(namespec);
    return v === undefined ? 'BAD_NAME' : v;
  }

  mainLog(): string | null { return this.main; }
}

export type Target = { readonly port: number } | { readonly path: string };

export interface Harness {
  readonly dir: string;
  readonly servers: HttpServers;
  readonly target: Target;
  readonly log: RecordingLogger;
  readonly rpc: FakeRpc;
  readonly logs: FakeLogs;
  readonly stderr: string[];
}

export interface StartOptions {
  readonly username?: string;
  readonly password?: string;
  readonly unix?: boolean;
  readonly chmod?: number;
  readonly options?: HttpServerOptions;
  readonly routes?: HttpRoute;
}

/** One server (inet on 127.0.0.1:0 unless unix), closed when the test ends. */
export async function startServer(t: HasAfter, opts: StartOptions = {}): Promise<Harness> {
  const dir = makeTmpDir(t, 'fv-http-');
  const creds = { username: opts.username ?? null, password: opts.password ?? null };
  const config: HttpServerConfig = opts.unix
    ? { section: 'unix_http_server', kind: 'unix', file: join(dir, 'sock'), chmod: opts.chmod ?? 0o700, chown: null, ...creds }
    : { section: 'inet_http_server', kind: 'inet', host: '127.0.0.1', port: 0, ...creds };
  const log = new RecordingLogger();
  const rpc = new FakeRpc();
  const logs = new FakeLogs();
  const stderr: string[] = [];
  const servers = await openHttpServers([config], { rpc, logs, log, ...(opts.routes ? { routes: opts.routes } : {}) }, {
    logtailPollMs: 20, closeGraceMs: 500, ...opts.options, stderr: (s) => stderr.push(s),
  });
  t.after(() => servers.close());
  const address = servers.servers[0]?.address;
  if (address === undefined) throw new Error('no server');
  const target: Target = typeof address === 'string' ? { path: address } : { port: address.port };
  return { dir, servers, target, log, rpc, logs, stderr };
}

export interface RawResponse {
  readonly status: number;
  /** Status line and headers, CRLF separated, without the blank line. */
  readonly head: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
  header(name: string): string | undefined;
}

function parseHead(head: string): Omit<RawResponse, 'body'> {
  const lines = head.split('\r\n');
  const status = Number((lines[0] ?? '').split(' ')[1]);
  const headers = lines.slice(1).map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i), l.slice(i + 1).trim()] as const;
  });
  return {
    status, head, headers,
    header: (name) => headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1],
  };
}

/** A raw connection: everything received accumulates in `data`. */
export class RawClient {
  data = Buffer.alloc(0);
  closed = false;
  private consumed = 0;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => { this.data = Buffer.concat([this.data, d]); });
    socket.on('close', () => { this.closed = true; });
    socket.on('error', () => undefined);
  }

  /** localAddress: the loopback address to connect from (127.0.0.2 ... are other clients of the same host). */
  static connect(target: Target, localAddress?: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = 'port' in target
        ? connect({ port: target.port, host: '127.0.0.1', ...(localAddress === undefined ? {} : { localAddress }) })
        : connect(target.path);
      s.once('connect', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  send(data: string | Buffer): void { this.socket.write(data); }

  /** Bytes received and not yet returned by readResponse. */
  get rest(): Buffer { return this.data.subarray(this.consumed); }

  /** The next response that has a Content-Length (or ends at close). */
  async readResponse(): Promise<RawResponse> {
    let result: RawResponse | null = null;
    await waitFor(() => {
      const buf = this.rest;
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return false;
      const parsed = parseHead(buf.subarray(0, end).toString('latin1'));
      const cl = parsed.header('content-length');
      const start = end + 4;
      if (cl !== undefined) {
        if (buf.length < start + Number(cl)) return false;
        this.consumed += start + Number(cl);
        result = { ...parsed, body: buf.subarray(start, start + Number(cl)) };
        return true;
      }
      if (!this.closed) return false;
      this.consumed += buf.length;
      result = { ...parsed, body: buf.subarray(start) };
      return true;
    }, { what: 'an HTTP response' });
    if (result === null) throw new Error('unreachable');
    return result;
  }

  async waitClosed(): Promise<void> { await waitFor(() => this.closed, { what: 'the server to close the connection' }); }

  destroy(): void { this.socket.destroy(); }
}

/** Send one request on a fresh connection and read one response. */
export async function exchange(target: Target, request: string | Buffer): Promise<RawResponse & { client: RawClient }> {
  const client = await RawClient.connect(target);
  client.send(request);
  const res = await client.readResponse();
  client.destroy();
  return { ...res, client };
}

/** An XML-RPC POST as Python's xmlrpc client sends it. */
export function rpcRequest(methodName: string, paramsXml = '', extraHeaders = ''): string {
  const body = `<?xml version='1.0'?>\n<methodCall>\n<methodName>${methodName}</methodName>\n<params>\n${paramsXml}</params>\n</methodCall>\n`;
  return `POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\nUser-Agent: Python-xmlrpc/3.11\r\n`
    + `Content-Type: text/xml\r\nAccept: text/xml\r\n${extraHeaders}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** The head with the Date value blanked, for byte-exact comparisons. */
export function stableHead(head: string): string {
  return head.replace(/^Date: .*$/m, 'Date: <date>');
}

/** Decode a chunked body prefix: the data of every complete chunk, and whether the 0-chunk came. */
export function dechunk(buf: Buffer): { data: Buffer; ended: boolean; chunks: number } {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', pos);
    if (eol < 0) break;
    const size = parseInt(buf.subarray(pos, eol).toString('latin1'), 16);
    if (Number.isNaN(size)) throw new Error(`bad chunk size at ${pos}: ${JSON.stringify(buf.subarray(pos, eol + 2).toString('latin1'))}`);
    if (size === 0) return { data: Buffer.concat(parts), ended: true, chunks: parts.length };
    if (buf.length < eol + 2 + size + 2) break;
    parts.push(buf.subarray(eol + 2, eol + 2 + size));
    pos = eol + 2 + size + 2;
  }
  return { data: Buffer.concat(parts), ended: false, chunks: parts.length };
}

export function basic(user: string, password: string): string {
  return `Authorization: Basic ${Buffer.from(`${user}:${password}`).toString('base64')}\r\n`;
}

const supervisorctlRequest = (path: string, host: string, auth = ''): string =>
  `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nAccept-Encoding: chunked\r\nAccept: */*\r\nUser-agent: Supervisor HTTP Client\r\n${auth}\r\n\r\n`;

export interface Stream { client: RawClient; head: string; body(): Buffer; ended(): boolean }

/** Open a tail stream with supervisorctl's request and wait for the head. */
export async function openStream(target: Target, path: string, auth = '', localAddress?: string): Promise<Stream> {
  const client = await RawClient.connect(target, localAddress);
  client.send(supervisorctlRequest(path, 'port' in target ? `127.0.0.1:${target.port}` : '', auth));
  await waitFor(() => client.data.includes('\r\n\r\n'), { what: 'the response head' });
  const end = client.data.indexOf('\r\n\r\n');
  const head = client.data.subarray(0, end).toString('latin1');
  return {
    client, head,
    body: () => dechunk(client.data.subarray(end + 4)).data,
    ended: () => dechunk(client.data.subarray(end + 4)).ended,
  };
}

export async function bodyIs(s: Stream, expected: Buffer | string, what: string): Promise<void> {
  const want = Buffer.isBuffer(expected) ? expected : Buffer.from(expected);
  await waitFor(() => s.body().length >= want.length, { what });
  assert.deepEqual(s.body().toString('latin1'), want.toString('latin1'));
}

export function withLog(h: Harness, name: string, content: string | Buffer): string {
  const file = join(h.dir, `${name}.log`);
  writeFileSync(file, content);
  h.logs.stdout.set(name, file);
  return file;
}
