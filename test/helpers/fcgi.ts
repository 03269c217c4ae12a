// [fcgi-program:x] test pieces: the fcgi-echo command, the two-group scenario config (unix and tcp),
// and a client resolving with the pid of the child that served one connection.
import { connect } from 'node:net';
import { join } from 'node:path';
import { programsDir } from './paths.js';

export const FCGI_ECHO = `${process.execPath} ${join(programsDir, 'fcgi-echo.js')}`;

/** [fcgi-program:f]: unix socket in %(here)s, mode 0660, two processes; [fcgi-program:t]: tcp on `port`. */
export function twoSocketsConf(port: number): string {
  return `
[fcgi-program:f]
command=${FCGI_ECHO}
socket=unix://%(here)s/f.sock
socket_mode=0660
numprocs=2
process_name=%(program_name)s_%(process_num)s
[fcgi-program:t]
command=${FCGI_ECHO}
socket=tcp://127.0.0.1:${port}
socket_backlog=64
`;
}

/** Rejects when the connection fails or nobody answers within `timeoutMs` (a swallowed connection). */
export function askPid(target: string | number, timeoutMs = 5000): Promise<number> {
  return new Promise((resolve, reject) => {
    const c = typeof target === 'string' ? connect(target) : connect(target, '127.0.0.1');
    let data = '';
    c.setTimeout(timeoutMs, () => { c.destroy(); reject(new Error(`connection to ${target} not answered`)); });
    c.on('data', (d: Buffer) => { data += d.toString(); });
    c.on('end', () => resolve(Number(data.trim())));
    c.on('error', reject);
  });
}
