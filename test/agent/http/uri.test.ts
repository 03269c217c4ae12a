// Request-URI decoding against Python's urllib.parse.unquote (values taken from Python 3.11).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRequestUri, unquote, uriPath } from '../../../agent/http/uri.js';

test('unquote decodes as Python does, keeping stray percent signs', () => {
  const cases: [string, string][] = [
    ['a%3Ab', 'a:b'], ['%', '%'], ['%zz', '%zz'], ['%C3%A9', '\u00e9'], ['%FF', '\ufffd'],
    ['\u00e9%41', '\u00e9A'], ['%e9x', '\ufffdx'], ['%%41', '%A'], ['plain', 'plain'],
  ];
  for (const [input, want] of cases) assert.equal(unquote(input), want, input);
});

test('the path part is decoded before routing, the query is kept as sent', () => {
  assert.equal(decodeRequestUri('/logtail/g%3Ap/stderr'), '/logtail/g:p/stderr');
  assert.equal(decodeRequestUri('/%52PC2?a=%20'), '/RPC2?a=%20');
  assert.equal(decodeRequestUri('/index.html?x=%41'), '/index.html?x=%41');
});

test('uriPath stops at ; ? or #', () => {
  assert.equal(uriPath('/logtail/foo;p?q#f'), '/logtail/foo');
  assert.equal(uriPath('/mainlogtail'), '/mainlogtail');
});
