// The status page of a real fleetvisord: rows per state (class, description, actions), order,
// headers, the message box, escaping of hostile names and messages, "No programs to manage".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../../helpers/wait-for.js';
import { forever, program, startUiDaemon, type UiDaemon } from './helpers.js';

/** The <tr> of one namespec in the status table. */
function rowOf(html: string, namespec: string): string {
  const rows = html.split('<tr').slice(2);
  const row = rows.find((r) => r.includes(`>${namespec}</a>`));
  if (row === undefined) throw new Error(`no row for ${namespec}`);
  return row;
}

function actionLabels(row: string): string[] {
  return [...row.matchAll(/<li(?: class="hidden")?>(?:<(?:button|a)[^>]*>([^<]*)<\/(?:button|a)>)?<\/li>/g)].map((m) => m[1] ?? '(hidden)');
}

const PROGRAMS = `
${forever('web')}

${forever('idle', 'autostart=false')}

[program:crash]
command=${program('exit-with.js', '3')}
startretries=0
autorestart=false

[program:done]
command=${program('exit-with.js', '0')}
startsecs=0
autorestart=false

${forever('zz', 'autostart=false')}

${forever('aa', 'autostart=false')}

[group:g]
programs=zz,aa
`;

async function settled(t: Parameters<typeof startUiDaemon>[0]): Promise<UiDaemon> {
  const ui = await startUiDaemon(t, PROGRAMS);
  await ui.waitState('web', 'RUNNING');
  await ui.waitState('crash', 'FATAL');
  await ui.waitState('done', 'EXITED');
  return ui;
}

test('the status page lists every process by group then name, with state, description and actions', { timeout: 60_000 }, async (t) => {
  const ui = await settled(t);
  const r = await ui.get('/');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'text/html;charset=utf-8');
  assert.equal(r.headers.pragma, 'no-cache');
  assert.equal(r.headers['cache-control'], 'no-cache');
  assert.equal(r.headers.expires, 'Thu, 01 Jan 1970 00:00:00 GMT');
  assert.equal(r.headers.server, 'Medusa/1.12');
  assert.match(String(r.headers['content-security-policy']), /frame-ancestors 'none'/);
  assert.match(r.body, /<title>Supervisor Status<\/title>/);
  for (const label of ['Refresh', 'Restart All', 'Stop All']) assert.ok(r.body.includes(`>${label}</`), label);
  assert.match(r.body, /href="index.html\?action=refresh"/);
  for (const th of ['State', 'Description', 'Name', 'Action']) assert.ok(r.body.includes(`>${th}</th>`), th);

  const names = [...r.body.matchAll(/<td class="name"><a href="([^"]+)" target="_blank">([^<]+)<\/a>/g)].map((m) => [m[2], m[1]]);
  assert.deepEqual(names, [
    ['crash', 'tail.html?processname=crash'], ['done', 'tail.html?processname=done'],
    ['g:aa', 'tail.html?processname=g%3Aaa'], ['g:zz', 'tail.html?processname=g%3Azz'],
    ['idle', 'tail.html?processname=idle'], ['web', 'tail.html?processname=web'],
  ]);

  const web = rowOf(r.body, 'web');
  assert.match(web, /<span class="statusrunning">running<\/span>/);
  assert.match(web, /<span>pid \d+, uptime \d+:\d\d:\d\d<\/span>/);
  assert.deepEqual(actionLabels(web), ['Restart', 'Stop', 'Clear Log', 'Tail -f Stdout', 'Tail -f Stderr']);
  assert.match(web, /formaction="index.html\?processname=web"/);
  assert.match(web, /<a href="logtail\/web" target="_blank">Tail -f Stdout<\/a>/);
  assert.match(web, /<a href="logtail\/web\/stderr" target="_blank">Tail -f Stderr<\/a>/);

  const crash = rowOf(r.body, 'crash');
  assert.match(crash, /<span class="statuserror">fatal<\/span>/);
  assert.deepEqual(actionLabels(crash), ['Start', '(hidden)', 'Clear Log', 'Tail -f Stdout', 'Tail -f Stderr']);

  const done = rowOf(r.body, 'done');
  assert.match(done, /<span class="statusnominal">exited<\/span>/);
  assert.match(done, /<span>[A-Z][a-z]{2} \d\d \d\d:\d\d [AP]M<\/span>/);
  assert.deepEqual(actionLabels(done), ['Start', '(hidden)', 'Clear Log', 'Tail -f Stdout', 'Tail -f Stderr']);

  const idle = rowOf(r.body, 'idle');
  assert.match(idle, /<span class="statusnominal">stopped<\/span>/);
  assert.match(idle, /<span>Not started<\/span>/);
  const aa = rowOf(r.body, 'g:aa');
  assert.match(aa, /formaction="index.html\?processname=g%3Aaa"/);
  assert.match(aa, /href="logtail\/g%3Aaa\/stderr"/);

  // Alternate rows are shaded, starting with the second.
  const classes = [...r.body.matchAll(/<tr class="([^"]*)">/g)].map((m) => m[1]);
  assert.deepEqual(classes, ['', 'shade', '', 'shade', '', 'shade']);
  assert.match(r.body, /<span class="version">4\.2\.5<\/span>/);
  assert.match(r.body, new RegExp(`Fleetvisor &copy; 2026-<span class="year">${new Date().getFullYear()}</span>`));
  // The message box is there but hidden without a message.
  assert.match(r.body, /<div id="statusmessage" class="hidden"><\/div>/);
});

test('a state in between (STARTING/BACKOFF/STOPPING) offers neither start nor stop', { timeout: 60_000 }, async (t) => {
  const ui = await startUiDaemon(t, `
${forever('slow', 'startsecs=600')}
`);
  await ui.waitState('slow', 'STARTING');
  const row = rowOf((await ui.get('/index.html')).body, 'slow');
  assert.match(row, /<span class="statusnominal">starting<\/span>/);
  assert.deepEqual(actionLabels(row), ['(hidden)', '(hidden)', 'Clear Log', 'Tail -f Stdout', 'Tail -f Stderr']);
});

test('the message of the query is shown escaped; hostile names and descriptions stay text', { timeout: 60_000 }, async (t) => {
  const ui = await startUiDaemon(t, `
[program:x<script>alert(1)]
command=/nonexistent/<b>bold</b>
startretries=0
`);
  await ui.waitState('x<script>alert(1)', 'FATAL');
  const r = await ui.get('/?message=%3Cscript%3Ealert(%22m%22)%3C/script%3E+%26+more');
  assert.match(r.body, /<div id="statusmessage" class="status_msg">&lt;script&gt;alert\(&#34;m&#34;\)&lt;\/script&gt; &amp; more<\/div>/);
  assert.ok(!r.body.includes('<script'), 'no script element anywhere');
  assert.ok(!r.body.includes('<b>'), 'no injected element');
  assert.match(r.body, />x&lt;script&gt;alert\(1\)<\/a>/);
  assert.match(r.body, /href="tail.html\?processname=x%3Cscript%3Ealert%281%29"/);
  assert.match(r.body, /<span>can&#39;t find command &#39;\/nonexistent\/&lt;b&gt;bold&lt;\/b&gt;&#39;<\/span>/);
});

test('with no programs the table gives way to "No programs to manage"', { timeout: 60_000 }, async (t) => {
  const ui = await startUiDaemon(t, '');
  const r = await ui.get('/');
  assert.equal(r.status, 200);
  assert.match(r.body, /No programs to manage/);
  assert.ok(!r.body.includes('<table'));
});

test('the page is the same for / , /index.html and //index.html, and also answers a plain POST', { timeout: 60_000 }, async (t) => {
  const ui = await startUiDaemon(t, `
${forever('web')}
`);
  await ui.waitState('web', 'RUNNING');
  const strip = (html: string): string => html.replace(/value="[^"]+" \/>/g, '').replace(/uptime [0-9:]+/g, '');
  const base = strip((await ui.get('/')).body);
  for (const path of ['/index.html', '//index.html']) assert.equal(strip((await ui.get(path)).body), base, path);
  const posted = await ui.post('/index.html', {});
  assert.equal(posted.status, 200);
  assert.equal(strip(posted.body), base);
});

test('without [rpcinterface:supervisor] the page still works, as supervisord\'s does', { timeout: 60_000 }, async (t) => {
  const ui = await startUiDaemon(t, forever('web'), { withoutRpcInterface: true });
  await waitFor(async () => (await ui.get('/')).body.includes('<span class="statusrunning">running</span>'), { what: 'web RUNNING on the page' });
  const rpc = await ui.get('/RPC2', {
    method: 'POST', headers: { 'Content-Type': 'text/xml' },
    body: '<?xml version="1.0"?><methodCall><methodName>supervisor.getState</methodName></methodCall>',
  });
  assert.match(rpc.body, /UNKNOWN_METHOD/); // the API itself has no supervisor namespace
  assert.equal((await ui.get('/metrics')).status, 200);
});
