// str(), repr() and type names of request values, as supervisord's fault details print them:
// each value is sent through our request decoder and through supervisord's own parser
// (supervisor.xmlrpc loads, run by Debian's python3), and our pyStr/pyRepr/pyTypeName of the one
// must equal Python's str/repr/type of the other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PYTHON } from '../../helpers/paths.js';
import { decodeMethodCall, encodeMethodCall } from '../../../agent/rpc/xmlrpc.js';
import { XmlRpcDateTime, XmlRpcDouble, type XmlRpcValue } from '../../../agent/rpc/value.js';
import { pyRepr, pyStr, pyTypeName } from '../../../agent/rpc/py-format.js';

const d = (x: number) => new XmlRpcDouble(x);

// Integral doubles are left out: they reach the methods as ints (README, "The XML-RPC API"); so
// are the characters XML 1.0 cannot carry.
const VALUES: XmlRpcValue[] = [
  0, 7, -42, 2147483647, true, false, null, '', 'x', "it's", 'say "hi"', `both ' and "`, 'back\\slash',
  'tab\tnew\nline\rcr', '\x7f\x85\xa0', '\u3000 ideographic space', 'é ü ß 中文 😀',
  '\u2028\u2029\u200b\ufeff\u00ad', '\ud7ff\ue000\ufffd', d(99.5), d(-2.5), d(0.1), d(1e-5), d(0.0001),
  d(1e16), d(1.5e16), d(123456789012345.6), d(1e22), d(1.5e300), d(5e-324), d(-0), d(Infinity),
  d(-Infinity), d(NaN), [], ['x'], [1, 'a', null, true, d(2.5), [[]], {}],
  { a: 1 }, {}, { b: [1, 'y'], a: { c: null }, 'q"\'': d(-0.5), '': '\u3000' },
  new XmlRpcDateTime('20200102T03:04:05'), new XmlRpcDateTime('20200102T03:04:00'),
  new XmlRpcDateTime('0005011T1:2:3'), [new XmlRpcDateTime('19991231T23:59:59')],
  Buffer.from('bytes are text to supervisord'),
];

const SCRIPT = `
import sys, json, base64
from supervisor.xmlrpc import supervisor_xmlrpc_handler as H
h = object.__new__(H)
params, _ = h.loads(base64.b64decode(sys.stdin.read()).decode('utf-8'))
json.dump([[str(p), repr(p), type(p).__module__ + '.' + type(p).__qualname__ if type(p).__module__ != 'builtins' else type(p).__name__] for p in params], sys.stdout)
`;

/** The request, None as <nil/> (which our encoder, like Python's without allow_none, refuses to write). */
function request(values: readonly XmlRpcValue[]): Buffer {
  const NIL = '\u{10fffd}nil';
  const swap = (v: XmlRpcValue): XmlRpcValue => (v === null ? NIL : Array.isArray(v) ? v.map(swap)
    : typeof v === 'object' && v.constructor === Object ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)])) : v);
  return Buffer.from(encodeMethodCall('m', values.map(swap)).toString().replaceAll(`<string>${NIL}</string>`, '<nil/>'));
}

test('str(), repr() and type names of every kind of request value are Python\'s', () => {
  const body = request(VALUES);
  const r = spawnSync(PYTHON, ['-c', SCRIPT], { input: body.toString('base64') });
  assert.equal(r.status, 0, r.stderr.toString());
  const theirs = JSON.parse(r.stdout.toString()) as [string, string, string][];
  const ours = decodeMethodCall(body).params.map((v) => [pyStr(v), pyRepr(v), pyTypeName(v)]);
  assert.equal(ours.length, theirs.length);
  ours.forEach((o, i) => assert.deepEqual(o, theirs[i], `value ${i}: ${JSON.stringify(VALUES[i])}`));
});
