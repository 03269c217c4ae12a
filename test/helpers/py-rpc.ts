// One XML-RPC call through Debian's python3 xmlrpc.client, the client supervisord's own tools use:
// arguments and result travel as JSON; a fault comes back as {faultCode, faultString}.
import { execFile } from 'node:child_process';
import { PYTHON } from './paths.js';

const SCRIPT = `
import json, sys, xmlrpc.client
url, method, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
proxy = xmlrpc.client.ServerProxy(url)
try:
    out = proxy
    for part in method.split('.'):
        out = getattr(out, part)
    print(json.dumps(out(*args)))
except xmlrpc.client.Fault as f:
    print(json.dumps({'faultCode': f.faultCode, 'faultString': f.faultString}))
`;

export function pyRpc(port: number, method: string, ...args: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, ['-c', SCRIPT, `http://127.0.0.1:${port}/RPC2`, method, JSON.stringify(args)], { timeout: 30_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${method}: ${stderr || err.message}`));
        else resolve(JSON.parse(stdout) as unknown);
      });
  });
}

/** The [inet_http_server] and [rpcinterface:supervisor] sections for a daemon on `port`. */
export function apiSections(port: number): string {
  return `[inet_http_server]
port=127.0.0.1:${port}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
`;
}
