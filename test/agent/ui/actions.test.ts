// The status page's actions against a real fleetvisord: POST with the page's CSRF token acts and
// redirects (303) to supervisord's message; no token, a wrong one, or one in the URL is 403 and
// does nothing; a legacy GET action link only asks for confirmation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logLines } from '../../helpers/daemon.js';
import { forever, messageOf, startUiDaemon, tokenOf, UNSTARTABLE, writeNotExecutable, type UiDaemon } from './helpers.js';

const CTIME = '[A-Z][a-z]{2} [A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}';

const PROGRAMS = `
${forever('web')}

${forever('idle', 'autostart=false')}
`;

async function started(t: Parameters<typeof startUiDaemon>[0], extra = ''): Promise<UiDaemon> {
  const ui = await startUiDaemon(t, PROGRAMS + extra);
  await ui.waitState('web', 'RUNNING');
  return ui;
}

/** POSTs an action with a fresh token from the page, as the page's own buttons do. */
async function act(ui: UiDaemon, action: string, processname?: string): Promise<ReturnType<UiDaemon['post']>> {
  const token = tokenOf((await ui.get('/')).body);
  const path = processname === undefined ? '/index.html' : `/index.html?processname=${encodeURIComponent(processname)}`;
  return ui.post(path, { action, csrf_token: token });
}

function pidOf(html: string, name: string): string | undefined {
  return new RegExp(`<span>pid (\\d+), uptime [^<]*</span></td>\\s*<td class="name"><a [^>]*>${name}<`).exec(html)?.[1];
}

test('start, stop, restart and clear log post, act, and redirect with supervisord\'s messages', { timeout: 90_000 }, async (t) => {
  const ui = await started(t);
  const port = 'port' in ui.target ? ui.target.port : 0;

  const start = await act(ui, 'start', 'idle');
  assert.equal(start.status, 303);
  assert.equal(start.headers.location, `http://127.0.0.1:${port}/?message=Process%20idle%20started`);
  assert.equal(start.headers['content-type'], 'text/html');
  assert.equal(start.headers['cache-control'], 'no-cache');
  assert.equal(await ui.state('idle'), 'RUNNING');

  const stop = await act(ui, 'stop', 'idle');
  assert.equal(messageOf(stop), 'Process idle stopped');
  assert.equal(await ui.state('idle'), 'STOPPED');

  const before = pidOf((await ui.get('/')).body, 'web');
  const restart = await act(ui, 'restart', 'web');
  assert.equal(messageOf(restart), 'Process web restarted');
  const after = pidOf((await ui.get('/')).body, 'web');
  assert.ok(before !== undefined && after !== undefined && before !== after, `pid ${before} -> ${after}`);

  assert.match((await ui.get('/tail.html?processname=web')).body, /<pre id="tailbody">(pid \d+\n){2}<\/pre>/);
  const clear = await act(ui, 'clearlog', 'web');
  assert.equal(messageOf(clear), 'Log for web cleared');
  assert.match((await ui.get('/tail.html?processname=web')).body, /<pre id="tailbody"><\/pre>/);

  // The page the browser lands on shows the message.
  const landed = await ui.get('/?message=Log%20for%20web%20cleared');
  assert.match(landed.body, /<div id="statusmessage" class="status_msg">Log for web cleared<\/div>/);
});

test('Stop All and Restart All wait for the daemon and say when', { timeout: 90_000 }, async (t) => {
  const ui = await started(t);
  const stopAll = await act(ui, 'stopall');
  assert.equal(stopAll.status, 303);
  assert.match(messageOf(stopAll), new RegExp(`^All stopped at ${CTIME}$`));
  assert.equal(await ui.state('web'), 'STOPPED');
  const restartAll = await act(ui, 'restartall');
  assert.match(messageOf(restartAll), new RegExp(`^All restarted at ${CTIME}$`));
  assert.equal(await ui.state('web'), 'RUNNING');
  assert.equal(await ui.state('idle'), 'RUNNING'); // startAllProcesses starts autostart=false ones too
});

test('failed actions give supervisord\'s error texts', { timeout: 90_000 }, async (t) => {
  const ui = await started(t, UNSTARTABLE);
  writeNotExecutable(ui.dir);
  assert.equal(messageOf(await act(ui, 'start', 'web')), 'ERROR: Process web: already started');
  assert.equal(messageOf(await act(ui, 'start', 'missing')), 'ERROR: Process missing: no such file');
  assert.equal(messageOf(await act(ui, 'start', 'noexec')), 'ERROR: Process noexec: file not executable');
  assert.equal(messageOf(await act(ui, 'stop', 'idle')), 'unexpected rpc fault [70] NOT_RUNNING: idle');
  for (const action of ['start', 'stop', 'restart', 'clearlog']) {
    assert.equal(messageOf(await act(ui, action, 'nope')), 'No such process named nope', action);
  }
  assert.equal(messageOf(await act(ui, 'stop', 'web:*')), 'No such process named web:*');
});

test('a POST without the page\'s token is refused with 403 and changes nothing', { timeout: 90_000 }, async (t) => {
  const ui = await started(t);
  const good = tokenOf((await ui.get('/')).body);
  const attempts: { what: string; path: string; fields: Record<string, string> }[] = [
    { what: 'no token', path: '/index.html?processname=web', fields: { action: 'stop' } },
    { what: 'an empty token', path: '/index.html?processname=web', fields: { action: 'stop', csrf_token: '' } },
    { what: 'a made-up token', path: '/index.html?processname=web', fields: { action: 'stop', csrf_token: 'abc-def' } },
    { what: 'a tampered token', path: '/index.html?processname=web', fields: { action: 'stop', csrf_token: good.slice(0, -2) + 'xx' } },
    { what: 'the token in the URL', path: `/index.html?processname=web&csrf_token=${encodeURIComponent(good)}`, fields: { action: 'stop' } },
    { what: 'stop all without token', path: '/index.html', fields: { action: 'stopall' } },
    { what: 'restart all with a bad token', path: '/index.html', fields: { action: 'restartall', csrf_token: 'x' } },
    { what: 'clear log without token', path: '/index.html?processname=web', fields: { action: 'clearlog' } },
  ];
  const pid = pidOf((await ui.get('/')).body, 'web');
  for (const a of attempts) {
    const r = await ui.post(a.path, a.fields);
    assert.equal(r.status, 403, a.what);
    assert.equal(r.headers.location, undefined, a.what);
    assert.match(r.body, /class="status_msg status_error">Nothing was done: the form had no valid token/, a.what);
    assert.equal(await ui.state('web'), 'RUNNING', a.what);
  }
  // The 403 page carries a fresh token that does work.
  const refused = await ui.post('/index.html?processname=web', { action: 'restart' });
  const retry = await ui.post('/index.html?processname=web', { action: 'restart', csrf_token: tokenOf(refused.body) });
  assert.equal(messageOf(retry), 'Process web restarted');
  assert.notEqual(pidOf((await ui.get('/')).body, 'web'), pid);
  assert.ok(!logLines(ui.daemon.mainLog()).some((l) => l.startsWith('INFO stopped: idle')));
  // A text/plain body (what a cross-site form may send unasked) is no form, even with a good token.
  const plain = await ui.post('/index.html?processname=web', { action: 'stop', csrf_token: tokenOf((await ui.get('/')).body) },
    { headers: { 'Content-Type': 'text/plain' } });
  assert.equal(plain.status, 415);
  assert.equal(await ui.state('web'), 'RUNNING');
});

test('a legacy GET action link does not act: the page asks for confirmation, one click does it', { timeout: 90_000 }, async (t) => {
  const ui = await started(t);
  const r = await ui.get('/index.html?processname=web&action=stop');
  assert.equal(r.status, 200);
  assert.match(r.body, /<p class="prompt">Stop process web\?<\/p>/);
  assert.match(r.body, /<input type="hidden" name="action" value="stop" \/>/);
  assert.match(r.body, /<input type="hidden" name="processname" value="web" \/>/);
  assert.equal(await ui.state('web'), 'RUNNING');
  assert.ok(!logLines(ui.daemon.mainLog()).some((l) => /waiting for web to stop|stopped: web/.test(l)));

  for (const [action, prompt] of [['stopall', 'Stop all processes?'], ['restartall', 'Restart all processes?'],
    ['start', 'Start process web?'], ['restart', 'Restart process web?'], ['clearlog', 'Clear the logs of web?']] as const) {
    const page = await ui.get(`/index.html?processname=web&action=${action}`);
    assert.equal(page.status, 200, action);
    assert.ok(page.body.includes(`<p class="prompt">${prompt}</p>`), action);
  }
  assert.equal(await ui.state('web'), 'RUNNING');

  // The confirmation form posts its hidden fields and the token.
  const form = /<form id="confirm"[\s\S]*?<\/form>/.exec(r.body)?.[0] ?? '';
  const fields = Object.fromEntries([...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)" \/>/g)].map((m) => [m[1], m[2]]));
  const confirmed = await ui.post('/index.html', fields as Record<string, string>);
  assert.equal(confirmed.status, 303);
  assert.equal(messageOf(confirmed), 'Process web stopped');
  assert.equal(await ui.state('web'), 'STOPPED');
});

test('refresh and unknown names answer as supervisord does; bad actions are 500; bodies are bounded', { timeout: 90_000 }, async (t) => {
  const ui = await started(t);
  const refresh = await ui.get('/index.html?action=refresh');
  assert.equal(refresh.status, 301);
  assert.match(messageOf(refresh), new RegExp(`^Page refreshed at ${CTIME}$`));
  assert.equal(refresh.headers.pragma, 'no-cache');
  const noSuch = await ui.get('/index.html?processname=nope&action=stop');
  assert.equal(noSuch.status, 301);
  assert.equal(messageOf(noSuch), 'No such process named nope');

  const token = tokenOf((await ui.get('/')).body);
  for (const [path, fields] of [
    ['/index.html?action=bogus', {}], ['/index.html?action=start', {}], ['/index.html?processname=web&action=bogus', {}],
  ] as const) {
    assert.equal((await ui.get(path)).status, 500, `GET ${path}`);
    assert.equal((await ui.post(path, { ...fields, csrf_token: token })).status, 500, `POST ${path}`);
  }
  // Body values override the query; empty values count as absent (parse_qs).
  const override = await ui.post('/index.html?action=stop&processname=web', { action: 'refresh', processname: '' });
  assert.match(messageOf(override), /^Page refreshed at /);
  assert.equal(await ui.state('web'), 'RUNNING');

  assert.equal((await ui.post('/index.html', { action: 'x'.repeat(70_000) })).status, 413);
  assert.equal((await ui.get('/index.html', { method: 'POST', headers: { 'Transfer-Encoding': 'chunked' } })).status, 411);
  assert.equal(await ui.state('web'), 'RUNNING');
  assert.ok(ui.daemon.mainLog().includes('Web interface error'));
});
