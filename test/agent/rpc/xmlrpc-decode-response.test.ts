// decodeResponse: xmlrpc.client semantics on what supervisord (python3) writes, on what the
// xmlrpc npm package writes, and the other way round: the package reads what we write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import { decodeMethodCall, decodeResponse, encodeResponse, XmlRpcResponseError } from '../../../agent/rpc/xmlrpc.js';
import { RpcFault } from '../../../agent/rpc/faults.js';
import { XmlRpcDateTime, XmlRpcDouble, type XmlRpcValue } from '../../../agent/rpc/value.js';
import { processInfos } from '../../../bench/codec.js';
import { plainResponse, pythonDumps, pythonResponseLoads, type ResponseResult } from './python-oracle.js';
import { FUZZ_CASES, fuzzRandom, mutate } from './fuzz.js';

const require = createRequire(import.meta.url);
const serializer = require('xmlrpc/lib/serializer.js') as {
  serializeMethodResponse(v: unknown): string;
  serializeMethodCall(m: string, p: unknown[]): string;
  serializeFault(f: unknown): string;
};
const Deserializer = require('xmlrpc/lib/deserializer.js') as new () => {
  deserializeMethodResponse(s: NodeJS.ReadableStream, cb: (err: unknown, v: unknown) => void): void;
};

function packageDecode(body: Buffer): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const s = new PassThrough();
    new Deserializer().deserializeMethodResponse(s, (err, v) => (err ? reject(err) : resolve(v)));
    s.end(body);
  });
}

const wrap = (inner: string): Buffer =>
  Buffer.from(`<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value>${inner}</value>\n</param>\n</params>\n</methodResponse>\n`);

test('every type python writes reads back as its JS value', () => {
  const values: [XmlRpcValue, XmlRpcValue][] = [
    [8597, 8597], [-2147483648, -2147483648], [true, true], [false, false], ['', ''],
    ['<&> ünï 😀', '<&> ünï 😀'], [new XmlRpcDouble(2.5), 2.5], [new XmlRpcDouble(-0), -0], [NaN, NaN],
    [Buffer.from([0, 1, 2, 255]), Buffer.from([0, 1, 2, 255])], [Buffer.alloc(100, 7), Buffer.alloc(100, 7)],
    [new XmlRpcDateTime('20240102T03:04:05'), new XmlRpcDateTime('20240102T03:04:05')],
    [[], []], [{}, {}], [[1, ['a', [true]]], [1, ['a', [true]]]],
    [{ statecode: 1, statename: 'RUNNING' }, { statecode: 1, statename: 'RUNNING' }],
  ];
  const bodies = pythonDumps(values.map(([value]) => ({ kind: 'response', value })));
  values.forEach(([, want], i) => assert.deepEqual(decodeResponse(bodies[i] as Buffer), want, JSON.stringify(want)));
});

test('the other element spellings xmlrpc.client accepts', () => {
  const cases: [string, XmlRpcValue][] = [
    ['plain text', 'plain text'], ['', ''], ['<i4>4</i4>', 4], ['<i8>8000000000</i8>', 8000000000],
    ['<i1>1</i1>', 1], ['<i2>2</i2>', 2], ['<bigint>77</bigint>', 77], ['<int> 5 </int>', 5],
    ['<float>0.5</float>', 0.5], ['<nil/>', null], ['<ex:nil/>', null], ['<ex:i8>9</ex:i8>', 9],
    ['<string><![CDATA[<x>]]> &amp; &#x263A;</string>', '<x> & ☺'], ['<string/>', ''],
    ['\n  <string>padded</string>\n  ', 'padded'], ['junk<int>1</int>more junk', 1],
    ['<array>\n  <data>\n    <value>1</value>\n  </data>\n</array>', ['1']],
    ['<struct>\n <member>\n  <name>a</name>\n  <value><int>1</int></value>\n </member>\n</struct>', { a: 1 }],
    ['<base64>aGVs\nbG8=\n</base64>', Buffer.from('hello')],
    ['<dateTime.iso8601> 20240102T03:04:05 </dateTime.iso8601>', new XmlRpcDateTime('20240102T03:04:05')],
  ];
  for (const [inner, want] of cases) assert.deepEqual(decodeResponse(wrap(inner)), want, inner);
});

test('a fault throws RpcFault with the code and string as sent', () => {
  const [body] = pythonDumps([{ kind: 'fault', code: 10, string: 'BAD_NAME: nope' }]);
  assert.throws(() => decodeResponse(body as Buffer), (err: unknown) =>
    err instanceof RpcFault && err.code === 10 && err.faultString === 'BAD_NAME: nope' && err.message === 'BAD_NAME: nope');
  const odd = Buffer.from('<methodResponse><fault><value><struct><member><name>faultString</name><value>custom: text</value></member><member><name>faultCode</name><value><int>999</int></value></member></struct></value></fault></methodResponse>');
  assert.throws(() => decodeResponse(odd), (err: unknown) => err instanceof RpcFault && err.code === 999 && err.faultString === 'custom: text');
  const noCode = Buffer.from('<methodResponse><fault><value><struct><member><name>faultString</name><value>x</value></member></struct></value></fault></methodResponse>');
  assert.throws(() => decodeResponse(noCode), XmlRpcResponseError);
});

test('round trip: decodeResponse(encodeResponse(v)) gives v back', () => {
  const values: XmlRpcValue[] = [0, -1, 'x', true, [], {}, [[[]]], { a: { b: { c: [1, 'two', false] } } },
    Buffer.from('raw'), new XmlRpcDateTime('20000101T00:00:00'), processInfos(50)];
  for (const v of values) assert.deepEqual(decodeResponse(encodeResponse(v)), v);
});

test('the xmlrpc npm package reads our responses as the same values', async () => {
  const value = processInfos(200);
  assert.deepEqual(await packageDecode(encodeResponse(value)), value);
  const mixed = { s: 'a<&>b ünï', i: -5, b: true, d: new XmlRpcDouble(0.25), arr: [1, [2]], bytes: Buffer.from('xyz'), empty: '' };
  assert.deepEqual(await packageDecode(encodeResponse(mixed)), { ...mixed, d: 0.25 });
});

test('we read the xmlrpc npm package output as the same values', () => {
  const value = processInfos(200);
  assert.deepEqual(decodeResponse(Buffer.from(serializer.serializeMethodResponse(value))), value);
  const call = decodeMethodCall(Buffer.from(serializer.serializeMethodCall('supervisor.startProcess', ['web', true])));
  assert.deepEqual(call, { methodName: 'supervisor.startProcess', params: ['web', true] });
  assert.throws(() => decodeResponse(Buffer.from(serializer.serializeFault({ faultCode: 70, faultString: 'NOT_RUNNING: web' }))),
    (err: unknown) => err instanceof RpcFault && err.code === 70 && err.faultString === 'NOT_RUNNING: web');
});

test('a 1000-process getAllProcessInfo reads back intact', () => {
  const value = processInfos(1000);
  const got = decodeResponse(encodeResponse(value)) as Record<string, XmlRpcValue>[];
  assert.equal(got.length, 1000);
  assert.deepEqual(got, value);
});

// Differential fuzz, one-sided: this reader is stricter about structure than xmlrpc.client, so
// what it accepts python must accept with the same value, and what python refuses it refuses.
const RESPONSE_SEEDS = [
  encodeResponse(processInfos(2)).toString(),
  encodeResponse({ s: 'a&b', n: -3, b: true, d: new XmlRpcDouble(0.5), x: Buffer.from('hi'), t: new XmlRpcDateTime('20240102T03:04:05'), a: [[], {}] }).toString(),
  "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>10</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>BAD_NAME: nope</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n",
  '<methodResponse><params><param><value><array><data><value><i4> 7 </i4></value><value>bare</value><value><base64>aGVsbG8=</base64></value><value><nil/></value></data></array></value></param></params></methodResponse>',
];

function ours(body: string): ResponseResult {
  try {
    return { value: plainResponse(decodeResponse(Buffer.from(body))) };
  } catch (err) {
    if (err instanceof RpcFault) return { fault: [err.code, err.faultString] };
    if (err instanceof XmlRpcResponseError) return { error: 1 };
    throw err;
  }
}

test(`mutated responses: whatever we accept, xmlrpc.client reads the same (${FUZZ_CASES} cases)`, () => {
  const rnd = fuzzRandom();
  const docs = Array.from({ length: FUZZ_CASES }, (_, i) => mutate(RESPONSE_SEEDS[i % RESPONSE_SEEDS.length] as string, rnd));
  const python = pythonResponseLoads(docs.map((d) => Buffer.from(d)));
  const mismatches: unknown[] = [];
  let accepted = 0;
  docs.forEach((doc, i) => {
    const want = python[i] as ResponseResult;
    const got = ours(doc);
    if ('untaggable' in want || 'error' in got) return;
    // We read control characters where expat refuses them (test below); the rest must agree.
    if ('error' in want && /[\x01-\x08\x0b\x0c\x0e-\x1f]/.test(doc)) return;
    accepted++;
    if (!isDeepStrictEqual(got, want)) mismatches.push({ doc, got, want });
  });
  assert.deepEqual(mismatches.slice(0, 5), []);
  assert.ok(accepted > FUZZ_CASES / 20, `accepted ${accepted}`);
});

test('a log with colour codes: supervisord sends ESC and other controls raw; we read them, NUL stays refused', () => {
  const raw = (text: string): string => `<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n<value><string>${text}</string></value>\n<value><int>42</int></value>\n<value><boolean>0</boolean></value>\n</data></array></value>\n</param>\n</params>\n</methodResponse>\n`;
  assert.deepEqual(decodeResponse(Buffer.from(raw('\x1b[31mred\x1b[0m \x07\x08'))), ['\x1b[31mred\x1b[0m \x07\x08', 42, false]);
  assert.throws(() => decodeResponse(Buffer.from(raw('nul \x00 here'))), XmlRpcResponseError);
  // Requests stay as strict as supervisord's parser.
  assert.throws(() => decodeMethodCall(Buffer.from('<methodCall><methodName>x.y</methodName><params><param><value>\x1b</value></param></params></methodCall>')));
});
