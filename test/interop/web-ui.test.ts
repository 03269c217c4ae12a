// The web UI of fleetvisord next to supervisord 4.2.5's on the same config: the same URLs answer
// with the same status codes and content types, the same rows and action labels, and the same
// message after each equivalent action (supervisord's GET link, our POST form with its token).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { supervisordAvailable } from '../helpers/daemon.js';
import { forever, messageOf, program, startUiDaemon, tokenOf, UNSTARTABLE, writeNotExecutable, type Reply, type UiDaemon } from '../agent/ui/helpers.js';

const CTIME = /[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}/g;
const skip = supervisordAvailable ? false : 'supervisord 4.2.5 is not installed (/usr/bin/supervisord)';

const PROGRAMS = `
${forever('web')}

${forever('idle', 'autostart=false')}

[program:quick]
command=${program('exit-with.js', '3')}
autostart=false
startretries=0
; node's boot on a loaded machine can outlast a short startsecs: 10 keeps its exit too quick
startsecs=10

${UNSTARTABLE}
${forever('aa', 'autostart=false')}

[group:g]
programs=aa
`;

async function both(t: Parameters<typeof startUiDaemon>[0]): Promise<[UiDaemon, UiDaemon]> {
  const pair = await Promise.all([startUiDaemon(t, PROGRAMS, { kind: 'supervisord' }), startUiDaemon(t, PROGRAMS)]);
  for (const ui of pair) {
    writeNotExecutable(ui.dir);
    await ui.waitState('web', 'RUNNING');
  }
  return pair;
}

/** Status and Content-Type of a request sent raw: medusa sends bodies after HEAD, which node's client rejects. */
function rawShape(ui: UiDaemon, method: string, path: string): Promise<string> {
  const port = 'port' in ui.target ? ui.target.port : 0;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (d: Buffer) => {
      data += d.toString('latin1');
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.destroy();
      const head = data.slice(0, end);
      const status = head.split(' ')[1] ?? '?';
      resolve(`${status} ${/^content-type: (.*)$/im.exec(head)?.[1] ?? 'undefined'}`);
    });
    socket.on('error', reject);
    socket.write(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
  });
}

function shape(r: Reply): string {
  return `${r.status} ${String(r.headers['content-type'])}`;
}

/** [namespec, state text, state class, visible action labels] per row, from either page. */
function rows(html: string): string[][] {
  return html.split('</tbody>')[0]?.split(/<tr(?: class="[^"]*")?>/).slice(2).map((tr) => {
    const name = /<a href="tail\.html[^"]*"[^>]*>([^<]+)<\/a>/.exec(tr)?.[1] ?? '?';
    const state = /<span class="(status\w+)">([^<]*)<\/span>/.exec(tr);
    const labels = [...tr.matchAll(/<(?:a|button) (?![^>]*class="hidden")[^>]*>([^<]+)<\/(?:a|button)>/g)].map((m) => m[1] ?? '').filter((l) => l !== name);
    return [name, state?.[2] ?? '?', state?.[1] ?? '?', labels.join('|')];
  }) ?? [];
}

test('the same URLs answer with the same status codes and content types', { skip, timeout: 120_000 }, async (t) => {
  const [sup, fv] = await both(t);
  const cases: { method: string; path: string; form?: Record<string, string> }[] = [
    ...['/', '/index.html', '//index.html', '/tail.html', '/tail.html?processname=web', '/tail.html?processname=bogus',
      '/tail.html?processname=web&limit=5000', '/ok.html', '/ok.html?x=1', '/stylesheets/supervisor.css', '/stylesheets',
      '/images', '/stylesheets/', '/images/', '/nonexistent', '/index.html/', '/index.html?action=refresh',
      '/index.html?processname=nope&action=stop', '/index.html?action=bogus', '/index.html?action=start',
      '/index.html?processname=web&action=bogus', '/?message=hello'].map((path) => ({ method: 'GET', path })),
    ...['/', '/index.html', '/ok.html', '/nonexistent', '/stylesheets/supervisor.css', '/stylesheets'].map((path) => ({ method: 'HEAD', path })),
    ...['/', '/index.html', '/tail.html', '/stylesheets/supervisor.css'].flatMap((path) => ['PUT', 'DELETE', 'OPTIONS'].map((method) => ({ method, path }))),
    { method: 'POST', path: '/ok.html', form: { a: 'b' } },
    { method: 'POST', path: '/index.html', form: { x: 'y' } },
    { method: 'POST', path: '/tail.html', form: { processname: 'web' } },
    { method: 'POST', path: '/stylesheets/supervisor.css', form: { a: 'b' } },
    { method: 'POST', path: '/index.html', form: { action: 'refresh' } },
    { method: 'POST', path: '/index.html', form: { action: 'bogus' } },
  ];
  for (const c of cases) {
    if (c.method !== 'GET' && c.method !== 'POST') {
      assert.equal(await rawShape(fv, c.method, c.path), await rawShape(sup, c.method, c.path), `${c.method} ${c.path}`);
      continue;
    }
    const ask = (ui: UiDaemon): Promise<Reply> => (c.form ? ui.post(c.path, c.form) : ui.get(c.path, { method: c.method }));
    const [a, b] = [await ask(sup), await ask(fv)];
    // By design a POST action redirects with 303 (see other) where supervisord says 301.
    const expected = c.method === 'POST' && a.status === 301 ? shape(a).replace(/^301/, '303') : shape(a);
    assert.equal(shape(b), expected, `${c.method} ${c.path}`);
    if (a.status === 301 || a.status === 303) {
      const strip = (r: Reply): string => String(r.headers.location).replace(/^http:\/\/[^/]+/, '').replace(CTIME, '<ctime>');
      assert.equal(strip(b), strip(a), `Location of ${c.method} ${c.path}`);
    }
  }
});

test('the status page has the same rows, states and action labels', { skip, timeout: 120_000 }, async (t) => {
  const [sup, fv] = await both(t);
  for (const ui of [sup, fv]) {
    const token = tokenOf((await fv.get('/')).body);
    const r = ui === sup ? await ui.get('/index.html?processname=quick&action=start') : await ui.post('/index.html?processname=quick', { action: 'start', csrf_token: token });
    assert.match(messageOf(r), /^ERROR: Process quick: /);
    await ui.waitState('quick', 'FATAL');
  }
  const [a, b] = [rows((await sup.get('/')).body), rows((await fv.get('/')).body)];
  assert.equal(a.length, 6);
  assert.deepEqual(b, a);
  for (const path of ['/tail.html?processname=bogus', '/tail.html', '/tail.html?processname=missing', '/tail.html?processname=g%3Aaa']) {
    const pre = (html: string): string => /<pre[^>]*>([\s\S]*?)<\/pre>/.exec(html)?.[1] ?? '?';
    assert.equal(pre((await fv.get(path)).body), pre((await sup.get(path)).body), path);
  }
});

test('each action gives the same message as supervisord\'s (supervisord by GET link, ours by POST form)', { skip, timeout: 180_000 }, async (t) => {
  const [sup, fv] = await both(t);
  const steps: [string, string | null][] = [
    ['start', 'idle'], ['start', 'idle'], ['stop', 'idle'], ['stop', 'idle'], ['restart', 'web'], ['clearlog', 'web'],
    ['start', 'missing'], ['start', 'noexec'], ['start', 'quick'], ['stop', 'nope'], ['start', 'g:*'], ['clearlog', 'nope'],
    ['start', 'g:aa'], ['stop', 'g:aa'], ['stopall', null], ['restartall', null], ['refresh', null],
  ];
  for (const [action, name] of steps) {
    const query = name === null ? '' : `processname=${encodeURIComponent(name)}&`;
    const a = await sup.get(`/index.html?${query}action=${action}`);
    const token = tokenOf((await fv.get('/')).body);
    const b = await fv.post(`/index.html${name === null ? '' : `?processname=${encodeURIComponent(name)}`}`, { action, csrf_token: token });
    assert.equal(a.status, 301, `supervisord ${action} ${name}`);
    assert.equal(b.status, 303, `fleetvisord ${action} ${name}`);
    assert.equal(messageOf(b).replace(CTIME, '<ctime>'), messageOf(a).replace(CTIME, '<ctime>'), `${action} ${name}`);
    if (name !== null && !['nope', 'g:*', 'missing', 'noexec', 'quick'].includes(name)) {
      assert.equal(await fv.state(name), await sup.state(name), `state of ${name} after ${action}`);
    }
  }
});
