// The web UI's pure pieces against Python itself (Debian's python3 is the oracle): quote(),
// time.ctime(), parse_qsl(), and the server URL rules of get_server_url.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import { buildForm, parseQsl } from '../../../agent/http/ui/form.js';
import { pyCtime } from '../../../agent/python/time.js';
import { pyQuote } from '../../../agent/python/urllib.js';
import { serverUrl } from '../../../agent/http/ui/server-url.js';
import { PYTHON } from '../../helpers/paths.js';

function python(code: string, input: unknown): unknown {
  return JSON.parse(execFileSync(PYTHON, ['-c', `import json, sys, time, urllib.parse\ndata = json.load(sys.stdin)\n${code}`], {
    input: JSON.stringify(input), encoding: 'utf8',
  }));
}

test('pyQuote is urllib.parse.quote with safe="/"', () => {
  const samples = ['a', 'g:p', 'x<script>alert(1)', 'Process a started', 'All stopped at Tue Dec  1 07:23:05 2026',
    'sp ace/slash', "q'\"&=?#%+", 'ünï©ødé ✓', '~_.-', ''];
  const expected = python('print(json.dumps([urllib.parse.quote(s) for s in data]))', samples);
  assert.deepEqual(samples.map(pyQuote), expected);
});

test('pyCtime is time.ctime in the local zone', () => {
  const epochs = [0, 1_796_110_266, 1_700_000_000, 1_711_929_600];
  const expected = python('print(json.dumps([time.ctime(e) for e in data]))', epochs);
  assert.deepEqual(epochs.map((e) => pyCtime(new Date(e * 1000))), expected);
});

test('parseQsl is urllib.parse.parse_qsl with its defaults', () => {
  const samples = ['a=1&b=2', 'a=&b=2', 'a&b=2', '=x', 'a=1&a=2', 'p=a+b%20c', 'x=%E2%9C%93', 'x=%ff', 'x=%zz', '&&a=1&', 'a=b=c', ''];
  const expected = python('print(json.dumps([urllib.parse.parse_qsl(s) for s in data]))', samples);
  assert.deepEqual(samples.map(parseQsl), expected);
});

test('the form: first query value wins, body values override (last wins), the body is kept apart', () => {
  const form = buildForm('action=stop&action=start&processname=a', 'action=refresh&csrf_token=t1&csrf_token=t2');
  assert.equal(form.fields.get('action'), 'refresh');
  assert.equal(form.fields.get('processname'), 'a');
  assert.equal(form.fields.get('csrf_token'), 't2');
  assert.equal(form.body.get('processname'), undefined);
  assert.equal(buildForm('action=stop&action=start', '').fields.get('action'), 'stop');
});

function fakeReq(host: string | undefined, local: { address?: string; port?: number } = {}): IncomingMessage {
  return { headers: host === undefined ? {} : { host }, socket: { localAddress: local.address, localPort: local.port } } as unknown as IncomingMessage;
}

test('serverUrl follows get_server_url: Host with :80 dropped, else the bound name and port', () => {
  assert.equal(serverUrl(fakeReq('127.0.0.1:9001')), 'http://127.0.0.1:9001');
  assert.equal(serverUrl(fakeReq('example.com:80')), 'http://example.com');
  assert.equal(serverUrl(fakeReq('example.com')), 'http://example.com');
  assert.equal(serverUrl(fakeReq('[::1]:9001')), 'http://[::1]:9001');
  assert.equal(serverUrl(fakeReq(undefined, { address: '127.0.0.1', port: 9001 })), 'http://localhost:9001');
  assert.equal(serverUrl(fakeReq(undefined, { address: '10.1.2.3', port: 9001 })), 'http://10.1.2.3:9001');
  assert.equal(serverUrl(fakeReq(undefined)), 'http://localhost');
  // A Host we would not repeat in a Location (not a plain host[:port]) is replaced by the bound one.
  assert.equal(serverUrl(fakeReq('evil.example/<x>', { address: '127.0.0.1', port: 9001 })), 'http://localhost:9001');
});
