// A minimal XML-RPC caller for the benchmarks: a prebuilt request body over one kept-alive
// connection, the response read but not decoded, so the figure is the server's, not a parser's.
import http from 'node:http';

export function callXml(method: string, params: string[] = []): Buffer {
  const p = params.map((x) => `<param><value>${x}</value></param>`).join('');
  return Buffer.from(`<?xml version='1.0'?>\n<methodCall>\n<methodName>${method}</methodName>\n<params>\n${p}</params>\n</methodCall>\n`);
}

export class RawRpc {
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  constructor(readonly port: number, readonly timeoutMs = 120_000) {}

  /** Resolves with the response size in bytes; rejects on non-200 or a connection error. */
  post(body: Buffer): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1', port: this.port, path: '/RPC2', method: 'POST', agent: this.#agent, timeout: this.timeoutMs,
        headers: { 'Content-Type': 'text/xml', 'Content-Length': String(body.length) },
      }, (res) => {
        let size = 0;
        res.on('data', (c: Buffer) => { size += c.length; });
        res.on('end', () => (res.statusCode === 200 ? resolve(size) : reject(new Error(`HTTP ${res.statusCode}`))));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void { this.#agent.destroy(); }
}

/** `[inet_http_server]` + the standard rpcinterface, for a bench config. */
export function apiSections(port: number): string {
  return `[inet_http_server]\nport=127.0.0.1:${port}\n\n[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n`;
}
