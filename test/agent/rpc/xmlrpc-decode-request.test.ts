// decodeMethodCall on each request value shape supervisord's parser (supervisor/xmlrpc.py
// supervisor_xmlrpc_handler.loads) meets, one case per ROWS entry, each also checked against
// supervisord's own parser run by python3; round trips; and a differential fuzz: mutated requests
// must be refused or decoded exactly as supervisord does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { decodeMethodCall, encodeMethodCall, XmlRpcRequestError } from '../../../agent/rpc/xmlrpc.js';
import { XmlRpcDateTime, XmlRpcDouble, type XmlRpcValue } from '../../../agent/rpc/value.js';
import { plain, pythonLoads, type LoadResult } from './python-oracle.js';
import { FUZZ_CASES, fuzzRandom, mutate } from './fuzz.js';

type Outcome = { params: XmlRpcValue[]; methodName?: string } | { error: 'unmarshallable' | 'no method name' };

function decode(body: string | Buffer): Outcome {
  try {
    const r = decodeMethodCall(typeof body === 'string' ? Buffer.from(body) : body);
    return { methodName: r.methodName, params: r.params };
  } catch (err) {
    if (err instanceof XmlRpcRequestError) return { error: err.reason };
    throw err;
  }
}

/** The same outcome in the oracle's comparable form. */
function comparable(o: Outcome): LoadResult {
  if ('error' in o) return o;
  return { method: o.methodName as string, params: o.params.map(plain) };
}

const one = (value: string): string =>
  `<?xml version='1.0'?>\n<methodCall>\n<methodName>m</methodName>\n<params>\n<param>\n<value>${value}</value>\n</param>\n</params>\n</methodCall>\n`;

const ROWS: [string, string, Outcome][] = [
  ['<int> is an integer', one('<int>42</int>'), { params: [42] }],
  ['<i4> is an integer', one('<i4>-7</i4>'), { params: [-7] }],
  ['<int> allows surrounding blanks', one('<int> \n 5\t</int>'), { params: [5] }],
  ['<int> allows a plus sign and underscores', one('<int>+1_000</int>'), { params: [1000] }],
  ['<int> of any size', one('<int>99999999999</int>'), { params: [99999999999] }],
  ['<int> minus zero is zero', one('<int>-0</int>'), { params: [0] }],
  ['<int> that is not a number is refused', one('<int>4x</int>'), { error: 'unmarshallable' }],
  ['empty <int> is refused', one('<int></int>'), { error: 'unmarshallable' }],
  ['<int> in hex is refused', one('<int>0x10</int>'), { error: 'unmarshallable' }],
  ['<boolean>1 is true', one('<boolean>1</boolean>'), { params: [true] }],
  ['<boolean>0 is false', one('<boolean>0</boolean>'), { params: [false] }],
  ['<boolean>true is false (only exactly 1 is true)', one('<boolean>true</boolean>'), { params: [false] }],
  ['<boolean> with blanks is false', one('<boolean> 1 </boolean>'), { params: [false] }],
  ['empty <boolean> is false', one('<boolean/>'), { params: [false] }],
  ['<string> is its text', one('<string>hello world</string>'), { params: ['hello world'] }],
  ['empty <string> is ""', one('<string></string>'), { params: [''] }],
  ['self-closed <string/> is ""', one('<string/>'), { params: [''] }],
  ['<string> resolves references and CDATA', one('<string>&lt;a&gt; &amp; &#233;&#x1F600; <![CDATA[<raw>&]]></string>'), { params: ['<a> & é😀 <raw>&'] }],
  ['<string> keeps blanks', one('<string>  two  </string>'), { params: ['  two  '] }],
  ['<string> normalizes CRLF to LF', one('<string>a\r\nb\rc</string>'), { params: ['a\nb\nc'] }],
  ['<string> skips comments', one('<string>a<!-- note -->b</string>'), { params: ['ab'] }],
  ['<value> with no type is its text', one('plain text'), { params: ['plain text'] }],
  ['empty <value> is ""', one(''), { params: [''] }],
  ['<value> of blanks keeps them', one('  '), { params: ['  '] }],
  ['<value> takes its first child and ignores text around it', one('x<int>3</int>y'), { params: [3] }],
  ['<double> is a plain number', one('<double>1.5</double>'), { params: [1.5] }],
  ['<double> with blanks and an exponent', one('<double> -2e3 </double>'), { params: [-2000] }],
  ['<double> integral', one('<double>7</double>'), { params: [7] }],
  ['<double> nan', one('<double>nan</double>'), { params: [NaN] }],
  ['<double> -Infinity', one('<double>-Infinity</double>'), { params: [-Infinity] }],
  ['<double> that is not a number is refused', one('<double>1.2.3</double>'), { error: 'unmarshallable' }],
  ['<dateTime.iso8601> is a datetime', one('<dateTime.iso8601>20240102T03:04:05</dateTime.iso8601>'), { params: [new XmlRpcDateTime('20240102T03:04:05')] }],
  ['<dateTime.iso8601> with one-digit fields (strptime accepts them)', one('<dateTime.iso8601>2024011T1:2:3</dateTime.iso8601>'), { params: [new XmlRpcDateTime('2024011T1:2:3')] }],
  ['<dateTime.iso8601> in another format is refused', one('<dateTime.iso8601>2024-01-02T03:04:05</dateTime.iso8601>'), { error: 'unmarshallable' }],
  ['<dateTime.iso8601> on February 30 is refused', one('<dateTime.iso8601>20230230T00:00:00</dateTime.iso8601>'), { error: 'unmarshallable' }],
  ['<base64> is decoded then read as UTF-8', one('<base64>aMOpbGxv\n</base64>'), { params: ['héllo'] }],
  ['<base64> skips characters outside the alphabet', one('<base64>aG!k=</base64>'), { params: ['hi'] }],
  ['<base64> stops at the padding', one('<base64>aGk=aGk=</base64>'), { params: ['hi'] }],
  ['empty <base64> is ""', one('<base64></base64>'), { params: [''] }],
  ['<base64> with bad padding is refused', one('<base64>aGk</base64>'), { error: 'unmarshallable' }],
  ['<base64> of bytes that are not UTF-8 is refused', one('<base64>/w==</base64>'), { error: 'unmarshallable' }],
  ['<array><data> is a list', one('<array><data><value><int>1</int></value><value>x</value></data></array>'), { params: [[1, 'x']] }],
  ['empty <data> is []', one('<array><data/></array>'), { params: [[]] }],
  ['<array> without <data> is refused', one('<array/>'), { error: 'unmarshallable' }],
  ['<struct> is a dict of member names to values', one('<struct><member><name>a</name><value><int>1</int></value></member><member><name>b</name><value><string>x</string></value></member></struct>'), { params: [{ a: 1, b: 'x' }] }],
  ['empty <struct> is {}', one('<struct></struct>'), { params: [{}] }],
  ['<struct> with an empty name', one('<struct><member><name/><value>v</value></member></struct>'), { params: [{ '': 'v' }] }],
  ['<struct> keeps the last of duplicate names', one('<struct><member><name>a</name><value>1</value></member><member><name>a</name><value>2</value></member></struct>'), { params: [{ a: '2' }] }],
  ['<struct> member without a value is refused', one('<struct><member><name>a</name></member></struct>'), { error: 'unmarshallable' }],
  ['<nil/> is null', one('<nil/>'), { params: [null] }],
  ['<i8> is its text, a string', one('<i8>5</i8>'), { params: ['5'] }],
  ['an unknown element is its text', one('<foo>bar</foo>'), { params: ['bar'] }],
  ['an empty unknown element is null', one('<foo/>'), { params: [null] }],
  ['missing <params> means no params', '<methodCall><methodName>supervisor.getState</methodName></methodCall>', { methodName: 'supervisor.getState', params: [] }],
  ['empty <params/> means no params', '<methodCall><methodName>m</methodName><params/></methodCall>', { params: [] }],
  ['several params in order', '<methodCall><methodName>m</methodName><params><param><value>a</value></param><param><value><int>2</int></value></param></params></methodCall>', { params: ['a', 2] }],
  ['the method name is taken as written', '<methodCall><methodName> a.b </methodName></methodCall>', { methodName: ' a.b ', params: [] }],
  ['missing <methodName> is refused', '<methodCall><params/></methodCall>', { error: 'no method name' }],
  ['empty <methodName> is refused', '<methodCall><methodName></methodName></methodCall>', { error: 'no method name' }],
  ['a body that is not XML is refused', 'this is not xml', { error: 'unmarshallable' }],
  ['an empty body is refused', '', { error: 'unmarshallable' }],
  ['a <param> without a value is refused', '<methodCall><methodName>m</methodName><params><param/></params></methodCall>', { error: 'unmarshallable' }],
  ['a struct member named __proto__ is an own member', one('<struct><member><name>__proto__</name><value><struct><member><name>polluted</name><value>yes</value></member></struct></value></member></struct>'), { params: [JSON.parse('{"__proto__": {"polluted": "yes"}}') as XmlRpcValue] }],
];

for (const [name, body, want] of ROWS) {
  test(`request row: ${name}`, () => {
    const got = decode(body);
    if ('error' in want) assert.deepEqual(got, want);
    else {
      assert.ok(!('error' in got), `refused: ${JSON.stringify(got)}`);
      assert.deepEqual(got.params, want.params);
      if (want.methodName !== undefined) assert.equal(got.methodName, want.methodName);
    }
  });
}

test('every row decodes as supervisord 4.2.5 decodes it (python3 oracle)', () => {
  const python = pythonLoads(ROWS.map(([, body]) => Buffer.from(body)));
  ROWS.forEach(([name, body], i) => assert.deepEqual(comparable(decode(body)), python[i], name));
});

test('__proto__ members never touch prototypes', () => {
  const got = decode(one('<struct><member><name>__proto__</name><value><struct><member><name>polluted</name><value>yes</value></member></struct></value></member><member><name>constructor</name><value>c</value></member></struct>'));
  assert.ok(!('error' in got));
  const struct = got.params[0] as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(struct), Object.prototype);
  assert.deepEqual(Object.keys(struct), ['__proto__', 'constructor']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal((struct as { polluted?: unknown }).polluted, undefined);
});

test('invalid UTF-8 in the body is refused', () => {
  const body = Buffer.concat([Buffer.from('<methodCall><methodName>'), Buffer.from([0xc3, 0x28]), Buffer.from('</methodName></methodCall>')]);
  assert.deepEqual(decode(body), { error: 'unmarshallable' });
  const overlong = Buffer.concat([Buffer.from('<methodCall><methodName>a'), Buffer.from([0xc0, 0xaf]), Buffer.from('</methodName></methodCall>')]);
  assert.deepEqual(decode(overlong), { error: 'unmarshallable' });
  const surrogate = Buffer.concat([Buffer.from('<methodCall><methodName>a'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('</methodName></methodCall>')]);
  assert.deepEqual(decode(surrogate), { error: 'unmarshallable' });
});

test('a BOM and an XML declaration with any encoding name are accepted (the body is UTF-8)', () => {
  const body = `\ufeff<?xml version="1.0" encoding="ISO-8859-1"?><methodCall><methodName>é</methodName></methodCall>`;
  assert.deepEqual(decode(body), { methodName: 'é', params: [] });
});

test('encodeMethodCall output decodes back to the same params', () => {
  const params: XmlRpcValue[] = [
    'text with <markup> & "quotes"', '', 'ünïcödé 😀 \t\n', 0, -2147483648, 2147483647, true, false,
    new XmlRpcDouble(0.1), [], {}, [[1, [2, [3]]], { a: { b: ['c'] } }],
    { name: 'web', group: 'web', pid: 123, description: 'pid 123, uptime 0:00:01' },
    new XmlRpcDateTime('19991231T23:59:59'), Buffer.from('bytes become their UTF-8 text'),
  ];
  const got = decodeMethodCall(encodeMethodCall('supervisor.x', params));
  assert.equal(got.methodName, 'supervisor.x');
  assert.deepEqual(got.params, [...params.slice(0, 8), 0.1, ...params.slice(9, 14), 'bytes become their UTF-8 text']);
});

// ---------------------------------------------------------------------------------------------
// Differential fuzz: small mutations of realistic requests; whatever supervisord's parser does
// (refuse, or decode to some value), decodeMethodCall must do the same.

const SEEDS = [
  encodeMethodCall('supervisor.startProcess', ['web:web_00', true]).toString(),
  encodeMethodCall('supervisor.tailProcessStdoutLog', ['x', -100, 0]).toString(),
  encodeMethodCall('system.multicall', [[{ methodName: 'supervisor.getPID', params: [] }, { methodName: 'a', params: [1.5, 'é'] }]]).toString(),
  one('<base64>aGVsbG8gd29ybGQ=</base64>'),
  one('<dateTime.iso8601>20240102T03:04:05</dateTime.iso8601>'),
  '<?xml version="1.0"?><!-- c --><methodCall><?pi data?><methodName>a&amp;b&#65;</methodName><params><param><value><string><![CDATA[x<y]]></string></value></param><param><value><array><data><value><i4>1</i4></value><value><boolean>1</boolean></value><value><nil/></value></data></array></value></param></params></methodCall>',
  '<methodCall xmlns:a="urn:a"><a:x a:attr="1" xml:lang="en"/><methodName>m</methodName><params><param><value><a:int>1</a:int></value></param><param><value><int xmlns="">2</int></value></param></params></methodCall>',
  '<methodCall attr="v" other=\'w\'><methodName>m</methodName><params><param><value><struct><member><name>k</name><value><double>-1.5e3</double></value></member></struct></value></param></params></methodCall>',
];

test(`mutated requests are refused or decoded exactly as supervisord does (${FUZZ_CASES} cases)`, () => {
  const rnd = fuzzRandom();
  const docs: string[] = [];
  for (let i = 0; i < FUZZ_CASES; i++) docs.push(mutate(SEEDS[i % SEEDS.length] as string, rnd));
  const python = pythonLoads(docs.map((d) => Buffer.from(d)));
  let refused = 0;
  const mismatches: unknown[] = [];
  docs.forEach((doc, i) => {
    let want = python[i] as LoadResult;
    // Known deviation: a struct "name" that decodes to a non-string is refused here.
    if ('error' in want && want.error === 'non-string key') want = { error: 'unmarshallable' };
    const got = comparable(decode(doc));
    if (!isDeepStrictEqual(got, want)) mismatches.push({ doc, got, want });
    if ('error' in got) refused++;
  });
  assert.deepEqual(mismatches.slice(0, 5), []);
  // The mutations must exercise both sides.
  assert.ok(refused > FUZZ_CASES / 10 && refused < FUZZ_CASES * 0.97, `refused ${refused} of ${FUZZ_CASES}`);
});
