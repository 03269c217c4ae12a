// The tail page, /ok.html, the static files and the HTTP rules around them (301/404/400/304),
// basic auth in front of all of it, and the same UI over a unix socket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { waitFor } from '../../helpers/wait-for.js';
import { forever, messageOf, startUiDaemon, tokenOf, type Target } from './helpers.js';

function tailOf(html: string): string {
  const m = /<pre id="tailbody">([\s\S]*?)<\/pre>/.exec(html);
  if (m === null || m[1] === undefined) throw new Error('no <pre> in the tail page');
  return m[1];
}

/** A request with the path sent exactly as given (no normalisation of `..`). */
function rawPath(target: Target, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ ...('port' in target ? { host: '127.0.0.1', port: target.port } : { socketPath: target.socketPath }), path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the tail page shows the end of the stdout log as text, with supervisord\'s limits and errors', { timeout: 60_000 }, async (t) => {
  const ui = await startUiDaemon(t, `
[program:big]
command=/bin/sh -c "yes abcdefghi | head -n 300; exec sleep 600"

[program:evil]
command=/bin/sh -c "echo '<script>alert(1)</script> & done'; exec sleep 600"

${forever('quiet', 'stdout_logfile=NONE')}
`);
  await waitFor(async () => tailOf((await ui.get('/tail.html?processname=big')).body).length === 1024, { what: 'the big log' });
  const big = await ui.get('/tail.html?processname=big');
  assert.equal(big.status, 200);
  assert.equal(big.headers['content-type'], 'text/html;charset=utf-8');
  assert.equal(big.headers['cache-control'], 'no-cache');
  assert.match(big.body, /<title>Supervisor tail of process big<\/title>/);
  assert.match(big.body, /<a href="tail.html\?processname=big&amp;limit=1024" id="refresh_anchor"/);
  assert.equal(tailOf(big.body), 'abcdefghi\n'.repeat(300).slice(-1024));
  const more = await ui.get('/tail.html?processname=big&limit=2000');
  assert.equal(tailOf(more.body), 'abcdefghi\n'.repeat(300).slice(-2000));
  assert.match(more.body, /limit=2000"/);
  for (const limit of ['10', 'x', '-5', '1e9', '']) {
    const r = await ui.get(`/tail.html?processname=big&limit=${limit}`);
    assert.equal(tailOf(r.body).length, 1024, `limit=${limit}`);
    assert.match(r.body, /limit=1024"/, `limit=${limit}`);
  }

  await waitFor(async () => tailOf((await ui.get('/tail.html?processname=evil')).body) !== '', { what: 'the evil log' });
  const evil = await ui.get('/tail.html?processname=evil');
  assert.equal(tailOf(evil.body), '&lt;script&gt;alert(1)&lt;/script&gt; &amp; done\n');
  assert.ok(!evil.body.includes('<script'));

  const none = await ui.get('/tail.html');
  assert.match(none.body, /<title>Supervisor tail of process None<\/title>/);
  assert.equal(tailOf(none.body), 'No process name found');
  assert.ok(!none.body.includes('refresh_anchor'));
  assert.equal(tailOf((await ui.get('/tail.html?processname=')).body), 'No process name found');
  assert.equal(tailOf((await ui.get('/tail.html?processname=bogus')).body), 'ERROR: unexpected rpc fault [10] BAD_NAME: bogus');
  assert.equal(tailOf((await ui.get('/tail.html?processname=%3Cb%3E')).body), 'ERROR: unexpected rpc fault [10] BAD_NAME: &lt;b&gt;');
  assert.equal(tailOf((await ui.get('/tail.html?processname=quiet')).body), 'No file for quiet');
  assert.equal(tailOf((await ui.post('/tail.html', { processname: 'bogus' })).body), 'ERROR: unexpected rpc fault [10] BAD_NAME: bogus');
});

test('ok.html, static files, directory redirects, 404 and 400 follow medusa\'s rules', { timeout: 60_000 }, async (t) => {
  const ui = await startUiDaemon(t, '');
  const port = 'port' in ui.target ? ui.target.port : 0;
  const ok = await ui.get('/ok.html');
  assert.equal(ok.status, 200);
  assert.equal(ok.headers['content-type'], 'text/plain');
  assert.equal(ok.body, 'OK');
  assert.equal((await ui.post('/ok.html', { a: 'b' })).body, 'OK');
  assert.equal((await ui.get('/ok.html?x=1')).body, 'OK');

  const css = await ui.get('/stylesheets/supervisor.css');
  assert.equal(css.status, 200);
  assert.equal(css.headers['content-type'], 'text/css');
  assert.equal(Number(css.headers['content-length']), Buffer.byteLength(css.body));
  const lastModified = css.headers['last-modified'];
  assert.ok(typeof lastModified === 'string' && lastModified.endsWith(' GMT'));
  const head = await ui.get('/stylesheets/supervisor.css', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.equal(head.headers['content-length'], css.headers['content-length']);
  assert.equal((await ui.get('/stylesheets/supervisor.css', { headers: { 'If-Modified-Since': lastModified } })).status, 304);
  assert.equal((await ui.get('/stylesheets/supervisor.css', { headers: { 'If-Modified-Since': 'Thu, 01 Jan 1998 00:00:00 GMT' } })).status, 200);

  // Every stylesheet, icon and image the pages name is there.
  const page = (await ui.get('/')).body + (await ui.get('/tail.html')).body;
  const refs = [...new Set([...page.matchAll(/(?:href|src)="((?:stylesheets|images)\/[^"]+)"/g)].map((m) => m[1]))];
  assert.ok(refs.length >= 3, refs.join());
  for (const ref of refs) {
    const r = await ui.get(`/${ref}`);
    assert.equal(r.status, 200, ref);
    assert.match(String(r.headers['content-type']), /^(text\/css|image\/svg\+xml)$/, ref);
  }

  const dir = await ui.get('/stylesheets');
  assert.equal(dir.status, 301);
  assert.equal(dir.headers.location, `http://127.0.0.1:${port}/stylesheets/`);
  assert.equal((await ui.get('/images')).status, 301);
  assert.equal((await ui.get('/stylesheets/')).status, 404);
  assert.equal((await ui.get('/nonexistent')).status, 404);
  assert.equal((await ui.get('/index.html/')).status, 404);
  assert.equal(await rawPath(ui.target, '/stylesheets/../../../package.json'), 404);
  assert.equal(await rawPath(ui.target, '/%2e%2e/%2e%2e/package.json'), 404);
  assert.equal(await rawPath(ui.target, '/../status.ejs'), 404);

  for (const method of ['PUT', 'DELETE', 'OPTIONS']) {
    for (const path of ['/', '/index.html', '/ok.html', '/tail.html', '/stylesheets/supervisor.css', '/nonexistent', '/metrics']) {
      assert.equal((await ui.get(path, { method })).status, 400, `${method} ${path}`);
    }
  }
  // HEAD is not a view (supervisord falls through to its static files): 404.
  for (const path of ['/', '/index.html', '/ok.html']) assert.equal((await ui.get(path, { method: 'HEAD' })).status, 404, path);
  assert.equal((await ui.post('/stylesheets/supervisor.css', {})).status, 400);
});

test('with credentials every page, file and /metrics needs basic auth', { timeout: 60_000 }, async (t) => {
  const ui = await startUiDaemon(t, `
${forever('web')}
`, { credentials: { username: 'admin', password: 's3cret' } });
  await ui.waitState('web', 'RUNNING');
  for (const path of ['/', '/index.html', '/tail.html?processname=web', '/ok.html', '/stylesheets/supervisor.css', '/metrics', '/nonexistent']) {
    const anonymous = await ui.get(path, { auth: null });
    assert.equal(anonymous.status, 401, path);
    assert.equal(anonymous.headers['www-authenticate'], 'Basic realm="default"', path);
    assert.equal((await ui.get(path, { auth: 'admin:wrong' })).status, 401, path);
  }
  assert.equal((await ui.get('/')).status, 200);
  assert.equal((await ui.get('/metrics')).status, 200);
  const stopAnonymously = await ui.post('/index.html?processname=web', { action: 'stop', csrf_token: tokenOf((await ui.get('/')).body) }, { auth: null });
  assert.equal(stopAnonymously.status, 401);
  assert.equal(await ui.state('web'), 'RUNNING');
});

test('the same UI and /metrics over a unix socket', { timeout: 60_000 }, async (t) => {
  const ui = await startUiDaemon(t, `
${forever('web')}
`, { unix: true });
  await ui.waitState('web', 'RUNNING');
  const page = await ui.get('/');
  assert.equal(page.status, 200);
  assert.match(page.body, /<span class="statusrunning">running<\/span>/);
  const stop = await ui.post('/index.html?processname=web', { action: 'stop', csrf_token: tokenOf(page.body) });
  assert.equal(stop.status, 303);
  // node's client sends `Host: localhost` on a unix socket.
  assert.equal(stop.headers.location, 'http://localhost/?message=Process%20web%20stopped');
  assert.equal(messageOf(stop), 'Process web stopped');
  assert.equal(await ui.state('web'), 'STOPPED');
  assert.equal((await ui.get('/ok.html')).body, 'OK');
  const metrics = await ui.get('/metrics');
  assert.equal(metrics.status, 200);
  assert.match(metrics.body, /^supervisord_state\{group="web",name="web"\} 0$/m);
});
