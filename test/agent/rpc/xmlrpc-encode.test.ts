// Golden tests for the encoder: every byte must equal Python's xmlrpc.client.dumps (what
// supervisord sends), checked live against Debian's python3 and against captured responses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeFault, encodeMethodCall, encodeResponse, decodeResponse, XmlRpcEncodeError } from '../../../agent/rpc/xmlrpc.js';
import { XmlRpcDateTime, XmlRpcDouble, type XmlRpcValue } from '../../../agent/rpc/value.js';
import { pythonFloatRepr } from '../../../agent/rpc/xml-encode.js';
import { processInfos } from '../../../bench/codec.js';
import { repoRoot } from '../../helpers/paths.js';
import { pythonDumps, type DumpJob } from './python-oracle.js';

const goldenDir = join(repoRoot, 'test', 'agent', 'rpc', 'golden');

function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 131 + seed * 7) & 0xff;
  return b;
}

const RESPONSES: [string, XmlRpcValue][] = [
  ['zero', 0], ['positive int', 8597], ['negative int', -42],
  ['int32 max', 2147483647], ['int32 min', -2147483648],
  ['true', true], ['false', false],
  ['empty string', ''], ['plain string', 'RUNNING'],
  ['characters that need escaping', `a&b<c>d"e'f ]]> &amp;`],
  ['unicode', 'héllo wörld ✓ 日本語 😀 \u2028'],
  ['control characters are sent raw', 'tab\tnl\ncr\r\x01\x1b[0m'],
  ['double', new XmlRpcDouble(1.5)], ['integral double', new XmlRpcDouble(1)],
  ['negative zero double', new XmlRpcDouble(-0)], ['plain non-integral number', 123.456],
  ['double from 1e16 uses exponent', new XmlRpcDouble(1e16)], ['double 1e15 is fixed', new XmlRpcDouble(1e15)],
  ['double 1e-4 is fixed', 0.0001], ['double 1e-5 uses exponent', 0.00001],
  ['smallest double', 5e-324], ['largest double', new XmlRpcDouble(1.7976931348623157e308)],
  ['third', 1 / 3], ['negative small double', -1.5e-7], ['huge double', new XmlRpcDouble(1e22)],
  ['nan', NaN], ['infinity', Infinity], ['minus infinity', -Infinity],
  ['empty bytes', Buffer.alloc(0)], ['one byte', Buffer.from([0xff])],
  ['57 bytes fill one base64 line', bytes(57, 1)], ['58 bytes need two lines', bytes(58, 2)],
  ['200 bytes', bytes(200, 3)],
  ['dateTime', new XmlRpcDateTime('20240101T12:34:56')],
  ['empty array', []], ['empty struct', {}],
  ['mixed array', [1, 'a', true, new XmlRpcDouble(2.5), [], {}]],
  ['nested arrays', [[[[1]], []], [[2]]]],
  ['struct with escaped and unicode names', { 'a<b': 1, 'x&y': 'z', 'ключ': 'значение', '': 'empty name' }],
  ['nested structs', { a: { b: { c: { d: [{ e: 'deep' }] } } }, f: false }],
  ['__proto__ member', JSON.parse('{"__proto__": 1, "b": 2}') as XmlRpcValue],
  ['getState', { statecode: 1, statename: 'RUNNING' }],
  ['large array of ints', Array.from({ length: 5000 }, (_, i) => i * 977 - 2_000_000)],
  ['getAllProcessInfo of 1000 processes', processInfos(1000)],
];

test('responses are byte-identical to python3 xmlrpc.client.dumps(methodresponse=True)', () => {
  const expected = pythonDumps(RESPONSES.map(([, value]) => ({ kind: 'response', value })));
  RESPONSES.forEach(([name, value], i) => {
    const want = expected[i];
    assert.ok(Buffer.isBuffer(want), `python failed on ${name}: ${JSON.stringify(want)}`);
    const got = encodeResponse(value);
    assert.equal(got.toString('utf8'), want.toString('utf8'), name);
    assert.ok(got.equals(want), name);
  });
});

const FAULTS: [number, string][] = [
  [10, 'BAD_NAME: nope'], [2, 'INCORRECT_PARAMETERS'], [30, 'FAILED: <&> "quoted"'],
  [50, 'SPAWN_ERROR: wörker'], [1, ''],
];

test('faults are byte-identical to python3 dumps(Fault(code, string))', () => {
  const expected = pythonDumps(FAULTS.map(([code, string]) => ({ kind: 'fault', code, string })));
  FAULTS.forEach(([code, string], i) => {
    assert.deepEqual(encodeFault(code, string), expected[i], `${code} ${string}`);
  });
});

const CALLS: [string, XmlRpcValue[]][] = [
  ['supervisor.getState', []],
  ['supervisor.startProcess', ['web', true]],
  ['supervisor.tailProcessStdoutLog', ['group:name', -1, 1600]],
  ['system.multicall', [[{ methodName: 'supervisor.getPID', params: [] }, { methodName: 'supervisor.getState', params: [] }]]],
  ['supervisor.sendProcessStdin', ['cat', 'line with <markup> & ünïcode\n']],
];

test('method calls are byte-identical to python3 dumps(params, methodname)', () => {
  const expected = pythonDumps(CALLS.map(([method, params]) => ({ kind: 'call', method, params })));
  CALLS.forEach(([method, params], i) => {
    assert.deepEqual(encodeMethodCall(method, params), expected[i], method);
  });
});

test('what python cannot marshal, we refuse with XmlRpcEncodeError', () => {
  const bad: [string, unknown][] = [
    ['int above int32', 2147483648], ['int below int32', -2147483649], ['null', null],
    ['null in a struct', { a: null }], ['int out of range in an array', [1, 2 ** 40]],
  ];
  const python = pythonDumps(bad.map(([, value]) => ({ kind: 'response', value }) as DumpJob));
  bad.forEach(([name, value], i) => {
    assert.ok(!Buffer.isBuffer(python[i]), `python marshals ${name}`);
    assert.throws(() => encodeResponse(value as XmlRpcValue), XmlRpcEncodeError, name);
  });
  // Values python has no counterpart for are refused as well.
  const others: unknown[] = [undefined, () => 1, Symbol('s'), 10n, new Date(0), new Map(), { a: undefined }];
  for (const v of others) assert.throws(() => encodeResponse(v as XmlRpcValue), XmlRpcEncodeError, String(typeof v));
  // Python cannot encode a lone surrogate as UTF-8 either; a paired one is fine.
  assert.throws(() => encodeResponse('bad \ud800 half'), XmlRpcEncodeError);
  assert.throws(() => encodeFault(30, 'FAILED: \udc00'), XmlRpcEncodeError);
  assert.equal(encodeResponse('ok \ud83d\ude00').includes(Buffer.from('😀')), true);
  const cyclic: XmlRpcValue[] = [];
  cyclic.push(cyclic);
  assert.throws(() => encodeResponse(cyclic), XmlRpcEncodeError);
});

test('float repr matches python for a sweep of magnitudes', () => {
  const values: number[] = [];
  for (let e = -330; e <= 310; e += 7) values.push(1.2345678901234567 * 10 ** e, -(3 * 10 ** e), 10 ** e);
  const python = pythonDumps(values.map((v) => ({ kind: 'response', value: new XmlRpcDouble(v) })));
  values.forEach((v, i) => {
    const want = (python[i] as Buffer).toString().match(/<double>(.*)<\/double>/)?.[1];
    assert.equal(pythonFloatRepr(v), want, String(v));
  });
});

// Responses captured from Debian's supervisord 4.2.5 (unix socket, raw HTTP): a FATAL process
// with spawnerr, a never-started one with a log path needing escapes, an EXITED one, a
// heterogeneous group; getState; and the BAD_NAME fault.
for (const name of ['getAllProcessInfo', 'getState']) {
  test(`captured supervisord ${name} response decodes and re-encodes to the same bytes`, () => {
    const golden = readFileSync(join(goldenDir, `${name}.xml`));
    const value = decodeResponse(golden);
    assert.ok(encodeResponse(value).equals(golden));
  });
}

test('captured getAllProcessInfo has the 14 keys per process, in supervisord order', () => {
  const value = decodeResponse(readFileSync(join(goldenDir, 'getAllProcessInfo.xml')));
  assert.ok(Array.isArray(value) && value.length === 6);
  for (const info of value) {
    assert.deepEqual(Object.keys(info as object), ['name', 'group', 'start', 'stop', 'now', 'state', 'statename',
      'spawnerr', 'exitstatus', 'logfile', 'stdout_logfile', 'stderr_logfile', 'pid', 'description']);
  }
});

test('captured BAD_NAME fault is what encodeFault writes', () => {
  const golden = readFileSync(join(goldenDir, 'fault-bad-name.xml'));
  assert.ok(encodeFault(10, 'BAD_NAME: nope').equals(golden));
});
