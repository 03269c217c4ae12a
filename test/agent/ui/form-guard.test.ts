// The web page's guards on a POST: the CSRF token's lifetime (taken within it, refused after, on a
// clock the test moves), its single use and its integrity, and the form encoding (anything but a
// urlencoded form is 415, nothing done). Over a scripted RpcHandler that records every call,
// behind a real server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FormTokens, TOKEN_LIFETIME_MS } from '../../../agent/http/ui/csrf.js';
import type { RpcHandler } from '../../../agent/http/types.js';
import { createWebRoutes } from '../../../agent/http/web-routes.js';
import { Faults, RpcFault } from '../../../agent/rpc/faults.js';
import type { XmlRpcValue } from '../../../agent/rpc/value.js';
import { RecordingLogger } from '../../helpers/process-config.js';
import { startServer } from '../http/harness.js';
import { formBody, httpRequest, messageOf, tokenOf, type Reply, type Target } from './helpers.js';

test('a token is taken for its lifetime and refused after it', () => {
  let now = 1_800_000_000_000;
  const tokens = new FormTokens({ now: () => now });
  const token = tokens.issue();
  assert.equal(tokens.accepts(token), true);
  assert.equal(tokens.accepts(token), true, 'within its lifetime, more than once');
  now += TOKEN_LIFETIME_MS;
  assert.equal(tokens.accepts(token), true, 'at the end of its lifetime');
  now += 1;
  assert.equal(tokens.accepts(token), false, 'one ms later');
  assert.equal(tokens.take(token), false, 'nor taken');
  assert.equal(TOKEN_LIFETIME_MS, 10 * 60_000);
});

test('a token is taken once; looking at it does not spend it; spent ones are forgotten once their lifetime is over', () => {
  let now = 1_800_000_000_000;
  const tokens = new FormTokens({ now: () => now });
  const first = tokens.issue();
  const second = tokens.issue();
  assert.equal(tokens.accepts(first), true);
  assert.equal(tokens.take(first), true, 'the first use');
  assert.equal(tokens.take(first), false, 'a second use');
  assert.equal(tokens.accepts(first), false, 'spent');
  assert.equal(tokens.take(second), true, 'another page\'s token is its own');
  assert.equal(tokens.spentCount, 2);
  now += TOKEN_LIFETIME_MS + 1;
  const later = tokens.issue();
  assert.equal(tokens.take(later), true);
  assert.equal(tokens.spentCount, 1, 'the two spent before are past their lifetime: forgotten');
  assert.equal(tokens.take(first), false, 'and still refused, by their age');
});

test('only this UI\'s tokens, unaltered, are taken; a re-dated one is not', () => {
  let now = 1_800_000_000_000;
  const tokens = new FormTokens({ now: () => now });
  const token = tokens.issue();
  const [issued, salt, mac] = token.split('.') as [string, string, string];
  const redated = `${(parseInt(issued, 36) + 60_000).toString(36)}.${salt}.${mac}`;
  for (const bad of [undefined, '', 'abc', 'a.b.c', redated, `${issued}.${salt}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, `${token}.x`,
    `${issued}.${salt}.${mac}=`, new FormTokens({ now: () => now }).issue()]) {
    assert.equal(tokens.accepts(bad), false, String(bad));
  }
  // A page rendered just before the clock was stepped back a little still works; one from far ahead does not.
  now -= 30_000;
  assert.equal(tokens.accepts(token), true);
  now -= 10 * 60_000;
  assert.equal(tokens.accepts(token), false);
  assert.notEqual(tokens.issue(), tokens.issue(), 'salted: no two pages carry the same token');
});

const INFO = {
  name: 'web', group: 'web', start: 1000, stop: 0, now: 1100, state: 20, statename: 'RUNNING', spawnerr: '',
  exitstatus: 0, logfile: '/tmp/web.log', stdout_logfile: '/tmp/web.log', stderr_logfile: '', pid: 42, description: 'pid 42, uptime 0:01:40',
};

/** Answers the page's reads and records the actions. */
class RecordingRpc implements RpcHandler {
  readonly actions: string[] = [];

  async call(methodName: string, params: XmlRpcValue[]): Promise<XmlRpcValue> {
    switch (methodName) {
      case 'supervisor.getAllProcessInfo': return [INFO];
      case 'supervisor.getProcessInfo': return INFO;
      case 'supervisor.stopProcess':
        this.actions.push(`${methodName}(${String(params[0])})`);
        return true;
      default: throw new RpcFault(Faults.UNKNOWN_METHOD);
    }
  }
}

async function setUp(t: Parameters<typeof startServer>[0]): Promise<{ rpc: RecordingRpc; target: Target; clock: { ms: number } }> {
  const rpc = new RecordingRpc();
  const clock = { ms: Date.parse('2026-12-01T12:00:00Z') };
  const h = await startServer(t, { routes: createWebRoutes({ rpc, log: new RecordingLogger(), now: () => new Date(clock.ms) }) });
  const target: Target = 'port' in h.target ? { port: h.target.port } : { socketPath: h.target.path };
  return { rpc, target, clock };
}

function stop(target: Target, token: string, contentType = 'application/x-www-form-urlencoded'): Promise<Reply> {
  return httpRequest(target, '/index.html?processname=web', {
    method: 'POST', body: formBody({ action: 'stop', csrf_token: token }), headers: { 'Content-Type': contentType },
  });
}

test('a page\'s forms act for 10 minutes; after that the POST is refused with 403 and a fresh token', async (t) => {
  const { rpc, target, clock } = await setUp(t);
  const early = tokenOf((await httpRequest(target, '/')).body);
  const other = tokenOf((await httpRequest(target, '/')).body);
  clock.ms += TOKEN_LIFETIME_MS - 1000;
  const inTime = await stop(target, early);
  assert.equal(inTime.status, 303);
  assert.equal(messageOf(inTime), 'Process web stopped');
  assert.deepEqual(rpc.actions, ['supervisor.stopProcess(web)']);

  // A page of the same age, never used, two seconds later: too old.
  clock.ms += 2000;
  const late = await stop(target, other);
  assert.equal(late.status, 403);
  assert.equal(late.headers.location, undefined);
  assert.match(late.body, /class="status_msg status_error">Nothing was done: the form had no valid token \(the buttons of a page act once, within 10 minutes/);
  assert.equal(rpc.actions.length, 1, 'nothing done');
  const retry = await stop(target, tokenOf(late.body));
  assert.equal(retry.status, 303);
  assert.equal(rpc.actions.length, 2);
});

test('a page\'s token acts once: the same form sent again is refused with 403, nothing done', async (t) => {
  const { rpc, target } = await setUp(t);
  const token = tokenOf((await httpRequest(target, '/')).body);
  assert.equal((await stop(target, token)).status, 303);
  const again = await stop(target, token);
  assert.equal(again.status, 403);
  assert.match(again.body, /Nothing was done: the form had no valid token/);
  assert.deepEqual(rpc.actions, ['supervisor.stopProcess(web)']);
  // A refused token is not spent: a POST refused for its encoding leaves it good for the right one.
  const fresh = tokenOf(again.body);
  assert.equal((await stop(target, fresh, 'text/plain')).status, 415);
  assert.equal((await stop(target, fresh)).status, 303);
  assert.equal(rpc.actions.length, 2);
});

test('a POST that is not a urlencoded form is refused with 415 before anything is read or done', async (t) => {
  const { rpc, target } = await setUp(t);
  const token = tokenOf((await httpRequest(target, '/')).body);
  // text/plain is what a cross-site form can send without asking; its body reads like a form.
  for (const type of ['text/plain', 'text/plain; charset=utf-8', 'multipart/form-data; boundary=x', 'application/json', 'application/x-www-form-urlencodedx']) {
    const r = await stop(target, token, type);
    assert.equal(r.status, 415, type);
    assert.match(r.body, /Error code 415\./, type);
  }
  const bare = await httpRequest(target, '/index.html?processname=web', { method: 'POST', body: '', headers: { 'Content-Type': '' } });
  assert.equal(bare.status, 415, 'an empty Content-Type');
  for (const path of ['/tail.html', '/ok.html']) {
    assert.equal((await httpRequest(target, path, { method: 'POST', body: 'processname=web', headers: { 'Content-Type': 'text/plain' } })).status, 415, path);
  }
  assert.deepEqual(rpc.actions, []);
  // The encoding's name in any case, with parameters, is a form.
  assert.equal((await stop(target, token, 'Application/X-WWW-Form-URLencoded; charset=UTF-8')).status, 303);
  assert.deepEqual(rpc.actions, ['supervisor.stopProcess(web)']);
});
