// Hostile and malformed bodies: every one ends in XmlRpcRequestError (or XmlRpcResponseError
// for the client-side reader), never a crash, a hang or unbounded memory. No timing thresholds:
// the per-test timeout only guards against a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMethodCall, decodeResponse, XmlRpcRequestError, XmlRpcResponseError, MAX_VALUE_DEPTH } from '../../../agent/rpc/xmlrpc.js';

const HANG_GUARD = { timeout: 60_000 };

function refused(body: string | Buffer, reason: 'unmarshallable' | 'no method name' = 'unmarshallable'): void {
  assert.throws(() => decodeMethodCall(typeof body === 'string' ? Buffer.from(body) : body),
    (err: unknown) => err instanceof XmlRpcRequestError && err.reason === reason,
    typeof body === 'string' ? body.slice(0, 120) : 'buffer');
}

function responseRefused(body: string): void {
  assert.throws(() => decodeResponse(Buffer.from(body)), XmlRpcResponseError, body.slice(0, 120));
}

const call = (inner: string): string => `<methodCall><methodName>m</methodName><params><param><value>${inner}</value></param></params></methodCall>`;

const MALFORMED: [string, string][] = [
  ['unclosed root', '<methodCall><methodName>m</methodName>'],
  ['mismatched end tag', '<methodCall><methodName>m</methodname></methodCall>'],
  ['end tag without start', '</methodCall>'],
  ['two roots', '<methodCall><methodName>m</methodName></methodCall><methodCall/>'],
  ['text after the root', '<methodCall><methodName>m</methodName></methodCall>junk'],
  ['text before the root', 'junk<methodCall><methodName>m</methodName></methodCall>'],
  ['unquoted attribute', '<methodCall a=b><methodName>m</methodName></methodCall>'],
  ['attribute without value', '<methodCall a><methodName>m</methodName></methodCall>'],
  ['duplicate attribute', '<methodCall a="1" a="2"><methodName>m</methodName></methodCall>'],
  ['< in an attribute value', '<methodCall a="<"><methodName>m</methodName></methodCall>'],
  ['attributes not separated', '<methodCall a="1"b="2"><methodName>m</methodName></methodCall>'],
  ['bare ampersand', '<methodCall><methodName>a & b</methodName></methodCall>'],
  ['undefined entity', '<methodCall><methodName>&nbsp;</methodName></methodCall>'],
  ['unterminated reference', '<methodCall><methodName>&amp</methodName></methodCall>'],
  ['character reference to NUL', '<methodCall><methodName>&#0;</methodName></methodCall>'],
  ['character reference to a surrogate', '<methodCall><methodName>&#xD800;</methodName></methodCall>'],
  ['character reference to U+FFFE', '<methodCall><methodName>&#xFFFE;</methodName></methodCall>'],
  ['character reference beyond Unicode', '<methodCall><methodName>&#99999999999999999999999;</methodName></methodCall>'],
  ['empty character reference', '<methodCall><methodName>&#;</methodName></methodCall>'],
  ['raw NUL', '<methodCall><methodName>a\u0000</methodName></methodCall>'],
  ['raw vertical tab', '<methodCall><methodName>a\u000b</methodName></methodCall>'],
  ['raw U+FFFF', '<methodCall><methodName>a\uffff</methodName></methodCall>'],
  [']]> in text', '<methodCall><methodName>a]]>b</methodName></methodCall>'],
  ['-- inside a comment', '<methodCall><!-- a -- b --><methodName>m</methodName></methodCall>'],
  ['comment ending in --->', '<methodCall><!-- a ---><methodName>m</methodName></methodCall>'],
  ['unterminated comment', '<methodCall><methodName>m</methodName><!-- </methodCall>'],
  ['unterminated CDATA', '<methodCall><methodName><![CDATA[m</methodName></methodCall>'],
  ['CDATA outside the root', '<![CDATA[x]]><methodCall><methodName>m</methodName></methodCall>'],
  ['unterminated PI', '<methodCall><?pi <methodName>m</methodName></methodCall>'],
  ['XML declaration not at the start', ' <?xml version="1.0"?><methodCall><methodName>m</methodName></methodCall>'],
  ['malformed XML declaration', '<?xml version=1.0?><methodCall><methodName>m</methodName></methodCall>'],
  ['name starting with a digit', '<1methodCall><methodName>m</methodName></1methodCall>'],
  ['space after <', '< methodCall><methodName>m</methodName></methodCall>'],
  ['unbound namespace prefix', '<x:methodCall><methodName>m</methodName></x:methodCall>'],
  ['only an XML declaration', "<?xml version='1.0'?>"],
  ['only a comment', '<!-- nothing -->'],
  ['empty', ''],
  ['only blanks', ' \n\t '],
  ['truncated mid-tag', '<methodCall><methodName>m</methodName></methodCa'],
  ['a value that fails to convert', call('<int>twelve</int>')],
];

for (const [name, body] of MALFORMED) {
  test(`malformed request refused: ${name}`, () => refused(body));
}

test('malformed responses are refused with XmlRpcResponseError', () => {
  for (const [, body] of MALFORMED) responseRefused(body.replace(/methodCall/g, 'methodResponse'));
  responseRefused('<methodResponse><params><param><value><int>1</int></value></param></params>');
  responseRefused('<methodResponse><params></params></methodResponse>');
  responseRefused('<methodResponse><params><param><value><int>x</int></value></param></params></methodResponse>');
  responseRefused('<methodResponse><params><param><value><bogus>1</bogus></value></param></params></methodResponse>');
  responseRefused('<methodResponse><params><param><value><int>1</int><int>2</int></value></param></params></methodResponse>');
  responseRefused('<methodResponse><fault><value><string>no struct</string></value></fault></methodResponse>');
  responseRefused('<methodResponse><params><param><value><boolean>yes</boolean></value></param></params></methodResponse>');
  assert.throws(() => decodeResponse(Buffer.from([0x3c, 0xff, 0x3e])), XmlRpcResponseError);
});

// The "billion laughs": ten levels of ten references would expand to 10^9 copies.
const LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
${Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('\n')}
]>
<methodCall><methodName>&lol9;</methodName></methodCall>`;

test('an entity-expansion bomb is refused without expanding anything', HANG_GUARD, () => {
  refused(LAUGHS);
  responseRefused(LAUGHS.replace(/methodCall/g, 'methodResponse'));
});

test('external entities and external DTDs are refused (no file is read)', () => {
  refused('<?xml version="1.0"?><!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><methodCall><methodName>&xxe;</methodName></methodCall>');
  refused('<!DOCTYPE methodCall SYSTEM "http://127.0.0.1:1/evil.dtd"><methodCall><methodName>m</methodName></methodCall>');
  refused('<!DOCTYPE m [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><methodCall><methodName>m</methodName></methodCall>');
  // Without a DOCTYPE an entity is simply undefined.
  refused('<methodCall><methodName>&xxe;</methodName></methodCall>');
});

function nestedArrays(depth: number): string {
  return call(`${'<array><data><value>'.repeat(depth - 1)}<int>1</int>${'</value></data></array>'.repeat(depth - 1)}`);
}

test(`values nested up to ${MAX_VALUE_DEPTH} deep are fine, deeper ones are refused`, () => {
  let v: unknown = decodeMethodCall(Buffer.from(nestedArrays(MAX_VALUE_DEPTH))).params[0];
  for (let d = 1; d < MAX_VALUE_DEPTH; d++) v = (v as unknown[])[0];
  assert.equal(v, 1);
  refused(nestedArrays(MAX_VALUE_DEPTH + 1));
  refused(nestedArrays(100));
});

test('10000-deep nesting is refused (values, structs, and plain elements)', HANG_GUARD, () => {
  refused(nestedArrays(10_000));
  const structs = `${'<struct><member><name>k</name><value>'.repeat(10_000)}x${'</value></member></struct>'.repeat(10_000)}`;
  refused(call(structs));
  refused(`<methodCall><methodName>m</methodName>${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}</methodCall>`);
  // Unbalanced: opened and never closed.
  refused(`<methodCall>${'<value>'.repeat(10_000)}`);
  const deepResponse = `<methodResponse><params><param><value>${'<array><data><value>'.repeat(10_000)}`;
  responseRefused(deepResponse);
});

test('invalid UTF-8 is refused however it is broken', () => {
  const wrap = (bytes: number[]): Buffer => Buffer.concat([Buffer.from('<methodCall><methodName>m'), Buffer.from(bytes), Buffer.from('</methodName></methodCall>')]);
  for (const bytes of [[0xff], [0xfe, 0xff], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80]]) {
    refused(wrap(bytes));
  }
  refused(Buffer.concat([Buffer.from('<methodCall><methodName>m</methodName></methodCall>'), Buffer.from([0xe2])]));
});

test('huge text, attribute values, comments and names are handled in one pass', HANG_GUARD, () => {
  const big = 'x'.repeat(16 * 1024 * 1024);
  const got = decodeMethodCall(Buffer.from(call(`<string>${big}</string>`)));
  assert.equal((got.params[0] as string).length, big.length);
  assert.equal(decodeMethodCall(Buffer.from(`<methodCall a="${big}"><methodName>m</methodName></methodCall>`)).methodName, 'm');
  assert.equal(decodeMethodCall(Buffer.from(`<methodCall><!--${big}--><methodName>m</methodName></methodCall>`)).methodName, 'm');
  assert.equal(decodeMethodCall(Buffer.from(`<methodCall><${big}/><methodName>m</methodName></methodCall>`)).methodName, 'm');
  // Unterminated constructs at the start of a large body are found without rescanning.
  refused(`<methodCall><!--${big}`);
  refused(`<methodCall><![CDATA[${big}`);
  refused(`<methodCall a="${big}`);
  refused(`<methodCall><methodName>${big}`);
});

test('many small pieces (references, comments, attributes) stay linear', HANG_GUARD, () => {
  const n = 200_000;
  const refs = decodeMethodCall(Buffer.from(`<methodCall><methodName>${'&amp;'.repeat(n)}</methodName></methodCall>`));
  assert.equal(refs.methodName.length, n);
  const pieces = decodeMethodCall(Buffer.from(`<methodCall><methodName>${'a<!---->'.repeat(n)}</methodName></methodCall>`));
  assert.equal(pieces.methodName.length, n);
  const attrs = Array.from({ length: n }, (_, i) => ` a${i}="${i}"`).join('');
  assert.equal(decodeMethodCall(Buffer.from(`<methodCall${attrs}><methodName>m</methodName></methodCall>`)).methodName, 'm');
  refused(`<methodCall${attrs} a7="dup"><methodName>m</methodName></methodCall>`);
  const wide = decodeMethodCall(Buffer.from(call(`<array><data>${'<value><int>1</int></value>'.repeat(n)}</data></array>`)));
  assert.equal((wide.params[0] as unknown[]).length, n);
});

test('unknown elements anywhere are tolerated as supervisord tolerates them', () => {
  const got = decodeMethodCall(Buffer.from(`<anything><junk>text</junk><methodName>m</methodName><params><param><value><weird><deeper>d</deeper></weird></value></param></params><extra/></anything>`));
  assert.deepEqual(got, { methodName: 'm', params: [null] });
  assert.deepEqual(decodeMethodCall(Buffer.from(call('<foo>bar</foo>'))).params, ['bar']);
});

test('__proto__ and other Object.prototype names as members never pollute', () => {
  const names = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__'];
  const members = names.map((n) => `<member><name>${n}</name><value><struct><member><name>polluted</name><value>yes</value></member></struct></value></member>`).join('');
  const req = decodeMethodCall(Buffer.from(call(`<struct>${members}</struct>`))).params[0] as Record<string, unknown>;
  const res = decodeResponse(Buffer.from(`<methodResponse><params><param><value><struct>${members}</struct></value></param></params></methodResponse>`)) as Record<string, unknown>;
  for (const v of [req, res]) {
    assert.deepEqual(Object.keys(v), names);
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.deepEqual(v.__proto__, { polluted: 'yes' });
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
});

test('numeric character references decode, leading zeros and all', () => {
  assert.equal(decodeMethodCall(Buffer.from('<methodCall><methodName>&#x0000000041;&#0000066;&#x1F600;</methodName></methodCall>')).methodName, 'AB😀');
});
