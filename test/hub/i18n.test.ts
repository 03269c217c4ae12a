// The hub's catalogues (hub/i18n/en.json, hub/i18n/zh-CN.json) stay complete: every key the
// templates and the hub's code look up is in both, none is left over, placeholders survive
// translation, nothing is left untranslated, and the language is negotiated as documented.
// The keys are found by scanning the sources (views/hub/**/*.ejs, hub/**/*.ts, and the page
// script views/hub/static/js/*.js) for the ways the hub looks texts up, plus the keys it builds at
// run time (hub/i18n/keys.ts). A lookup whose key is neither a literal nor a known run-time
// expression fails the scan, so that it gets listed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Catalog } from '../../hub/i18n/catalog.js';
import * as RUNTIME from '../../hub/i18n/keys.js';
import { HUB_FAULT_TEXTS,
  CONFIG_CHANGE_KINDS, REASON_KEYS, RESULT_KEYS, ROLLING_STATUSES, RUNTIME_KEYS, USER_TYPE_LABELS,
} from '../../hub/i18n/keys.js';

/** dist/test/hub/i18n.test.js -> the repository root. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// ---------------------------------------------------------------------------------------------
// A small lexer: enough JavaScript to find calls, split their arguments and read string literals.

/** Index just past the string literal (', " or `) that starts at `i`. */
function skipString(code: string, i: number): number {
  const q = code[i];
  let j = i + 1;
  while (j < code.length) {
    const c = code[j];
    if (c === '\\') { j += 2; continue; }
    if (c === q) return j + 1;
    if (q === '`' && c === '$' && code[j + 1] === '{') { j = skipCode(code, j + 2, '}'); continue; }
    if (q !== '`' && c === '\n') return j;
    j += 1;
  }
  return j;
}

/** Index just past the `closer` that ends the code starting at `i` (brackets and strings balanced). */
function skipCode(code: string, i: number, closer: string): number {
  let depth = 0;
  let j = i;
  while (j < code.length) {
    const c = code[j] as string;
    if (c === '\'' || c === '"' || c === '`') { j = skipString(code, j); continue; }
    if (depth === 0 && c === closer) return j + 1;
    if ('([{'.includes(c)) depth += 1;
    else if (')]}'.includes(c)) depth -= 1;
    j += 1;
  }
  return j;
}

/** The code of a TypeScript file with comments blanked (newlines kept, so offsets and lines hold). */
function stripComments(src: string): string {
  const out = src.split('');
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to && k < out.length; k += 1) if (out[k] !== '\n') out[k] = ' ';
  };
  let prev = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === '\'' || c === '"' || c === '`') { i = skipString(src, i); prev = 'x'; continue; }
    if (c === '/' && src[i + 1] === '/') { const end = src.indexOf('\n', i); blank(i, end < 0 ? src.length : end); i = end < 0 ? src.length : end; continue; }
    if (c === '/' && src[i + 1] === '*') { const end = src.indexOf('*/', i + 2); const stop = end < 0 ? src.length : end + 2; blank(i, stop); i = stop; continue; }
    if (c === '/' && (prev === '' || '(,=:[!&|?{};+-*%<>~^'.includes(prev))) {
      // A regular expression literal: skip it whole (it may hold quotes).
      let j = i + 1;
      let inClass = false;
      while (j < src.length && src[j] !== '\n') {
        const d = src[j];
        if (d === '\\') { j += 2; continue; }
        if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        j += 1;
      }
      blank(i + 1, j);
      i = j + 1;
      prev = 'x';
      continue;
    }
    if (!/\s/.test(c)) prev = c;
    i += 1;
  }
  return out.join('');
}

/** The code of an EJS template: what is inside <% %> tags, the rest blanked (<%# comments too). */
function ejsCode(src: string): string {
  const out = src.replace(/[^\n]/g, ' ').split('');
  const re = /<%([=\-_#]?)([\s\S]*?)[-_]?%>/g;
  for (const m of src.matchAll(re)) {
    if (m[1] === '#') continue;
    const start = (m.index ?? 0) + 2 + (m[1] ?? '').length;
    const body = m[2] ?? '';
    for (let k = 0; k < body.length; k += 1) out[start + k] = body[k] as string;
  }
  return out.join('');
}

/** The arguments of the call whose `(` is just before `start`, as source texts. */
function readArgs(code: string, start: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let from = start;
  let j = start;
  while (j < code.length) {
    const c = code[j] as string;
    if (c === '\'' || c === '"' || c === '`') { j = skipString(code, j); continue; }
    if ('([{'.includes(c)) depth += 1;
    else if (')]}'.includes(c)) {
      if (depth === 0) { if (code.slice(from, j).trim() !== '' || args.length > 0) args.push(code.slice(from, j)); return args; }
      depth -= 1;
    } else if (c === ',' && depth === 0) { args.push(code.slice(from, j)); from = j + 1; }
    j += 1;
  }
  return args;
}

/** The expression that starts at `start` and ends at a top-level `,`, `;`, `)`, `]` or `}`. */
function readExpr(code: string, start: number): string {
  let depth = 0;
  let j = start;
  while (j < code.length) {
    const c = code[j] as string;
    if (c === '\'' || c === '"' || c === '`') { j = skipString(code, j); continue; }
    if ('([{'.includes(c)) depth += 1;
    else if (')]}'.includes(c)) { if (depth === 0) break; depth -= 1; } else if ((c === ',' || c === ';') && depth === 0) break;
    j += 1;
  }
  return code.slice(start, j);
}

function unescape(body: string): string {
  return body.replace(/\\(.)/g, (_m, ch: string) => ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[ch] ?? ch);
}

/** The value of an expression that is one string literal, else null. */
function literal(expr: string): string | null {
  const e = expr.trim();
  const m = /^'((?:[^'\\\n]|\\.)*)'$/.exec(e) ?? /^"((?:[^"\\\n]|\\.)*)"$/.exec(e) ?? /^`((?:[^`\\$]|\\.|\$(?!\{))*)`$/.exec(e);
  return m === null ? null : unescape(m[1] ?? '');
}

/** Index of the first top-level occurrence of `ch` in `expr` (not inside strings or brackets), or -1. */
function topLevel(expr: string, ch: string, from = 0): number {
  let depth = 0;
  let j = from;
  while (j < expr.length) {
    const c = expr[j] as string;
    if (c === '\'' || c === '"' || c === '`') { j = skipString(expr, j); continue; }
    if ('([{'.includes(c)) depth += 1;
    else if (')]}'.includes(c)) depth -= 1;
    else if (depth === 0 && c === ch) {
      // `?.` and `??` are not the conditional operator.
      if (ch === '?' && (expr[j + 1] === '.' || expr[j + 1] === '?' || expr[j - 1] === '?')) { j += 2; continue; }
      return j;
    }
    j += 1;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// The scan.

interface Site { readonly file: string; readonly line: number }
interface Dynamic extends Site { readonly expr: string }
interface ScanResult {
  /** Every literal key, with where it is used. */
  readonly keys: Map<string, Site[]>;
  /** Lookups whose key is computed: each must be one the test knows how to enumerate. */
  readonly dynamic: Dynamic[];
  /** The key maps found (STORE_MESSAGES ...): file|name -> the keys they hold. */
  readonly maps: Map<string, string[]>;
  /** The keys the page script looks up in the texts the page gave it (data-i18n). */
  readonly client: Map<string, Site[]>;
}

/** Objects and arrays whose string values are keys (hub/services/accounts.ts, hub/web/pages/...). */
const KEY_MAPS = ['STORE_MESSAGES', 'DONE', 'CLIENT_TEXTS'];

function lineOf(code: string, index: number): number {
  let n = 1;
  for (let k = 0; k < index; k += 1) if (code.charCodeAt(k) === 10) n += 1;
  return n;
}

/** Records the key(s) an argument expression stands for: a literal, `c ? 'a' : 'b'`, or a dynamic one. */
function useKey(out: ScanResult, file: string, line: number, expr: string, client = false): void {
  const add = (key: string): void => {
    for (const into of client ? [out.keys, out.client] : [out.keys]) {
      const sites = into.get(key) ?? [];
      sites.push({ file, line });
      into.set(key, sites);
    }
  };
  const value = literal(expr);
  if (value !== null) { add(value); return; }
  const q = topLevel(expr, '?');
  if (q >= 0) {
    const colon = topLevel(expr, ':', q + 1);
    const a = colon < 0 ? null : literal(expr.slice(q + 1, colon));
    const b = colon < 0 ? null : literal(expr.slice(colon + 1));
    if (a !== null && b !== null) { add(a); add(b); return; }
  }
  out.dynamic.push({ file, line, expr: expr.replace(/\s+/g, '') });
}

/** Scans one file (path relative to the repository root, with /). */
function scanFile(file: string, src: string, out: ScanResult): void {
  const calls = (code: string, re: RegExp, pick: (args: string[], at: number) => void): void => {
    for (const m of code.matchAll(re)) {
      const at = (m.index ?? 0) + m[0].length;
      pick(readArgs(code, at), m.index ?? 0);
    }
  };
  if (file.endsWith('.js')) {
    // The page script: tr('<key>', params) and trKind('<prefix>:', value) over the page's data-i18n texts.
    const code = stripComments(src);
    calls(code, /(?<!function\s+)(?<![\w$.])tr\(/g, (args, at) => { if (args[0] !== undefined) useKey(out, file, lineOf(code, at), args[0], true); });
    calls(code, /(?<!function\s+)(?<![\w$.])trKind\(/g, (args, at) => {
      if (args[0] !== undefined && args[1] !== undefined) useKey(out, file, lineOf(code, at), `${args[0].trim()} + ${args[1].trim()}`, true);
    });
    return;
  }
  if (file.endsWith('.ejs')) {
    const code = ejsCode(src);
    // t('...'), t('...', { ... }), t(expr)
    calls(code, /(?<![\w$.])t\(/g, (args, at) => { if (args[0] !== undefined) useKey(out, file, lineOf(code, at), args[0]); });
    return;
  }
  const code = stripComments(src);
  // new HubError(code, '<key>', params)
  calls(code, /\bnew\s+HubError\(/g, (args, at) => { if (args[1] !== undefined) useKey(out, file, lineOf(code, at), args[1]); });
  // t(req, '<key>') — the pages' local shorthand for s.catalog.t(req.lang, key)
  calls(code, /(?<![\w$.#])t\(/g, (args, at) => {
    if (args[0]?.trim() === 'req' && args[1] !== undefined) useKey(out, file, lineOf(code, at), args[1]);
  });
  // s.catalog.t(lang, '<key>')
  calls(code, /\.catalog\.t\(/g, (args, at) => { if (args[1] !== undefined) useKey(out, file, lineOf(code, at), args[1]); });
  // flash(req, kind, '<key>') (not its definition)
  calls(code, /(?<!function\s+)(?<![\w$.#])flash\(/g, (args, at) => { if (args[2] !== undefined) useKey(out, file, lineOf(code, at), args[2]); });
  // req.session.flash = { kind, key: '<key>' } (maybe two, in a conditional)
  for (const m of code.matchAll(/\.flash\s*=(?!=)/g)) {
    const start = (m.index ?? 0) + m[0].length;
    const stmt = readExpr(code, start);
    for (const k of stmt.matchAll(/([{,]\s*)key\b\s*(:?)/g)) {
      const at = start + (k.index ?? 0) + k[0].length;
      if (k[2] === ':') useKey(out, file, lineOf(code, at), readExpr(code, at));
      else useKey(out, file, lineOf(code, at), 'key');
    }
  }
  // The users page's changes return the key of their flash message: change(req, res, async () => { ...; return '<key>'; })
  calls(code, /(?<![\w$.#])change\(/g, (args, at) => {
    const body = args[2];
    if (body === undefined || args[0]?.trim() !== 'req') return;
    for (const r of body.matchAll(/\breturn\s+/g)) useKey(out, file, lineOf(code, at), readExpr(body, (r.index ?? 0) + r[0].length));
  });
  // const STORE_MESSAGES = { code: '<key>', ... }, const CLIENT_TEXTS = ['<key>', ...]
  for (const m of code.matchAll(new RegExp(`\\bconst\\s+(${KEY_MAPS.join('|')})\\b[^=]*=\\s*`, 'g'))) {
    const start = (m.index ?? 0) + m[0].length;
    const open = code[start];
    if (open !== '{' && open !== '[') continue;
    const held: string[] = [];
    out.maps.set(`${file}|${m[1] ?? ''}`, held);
    const end = skipCode(code, start + 1, open === '{' ? '}' : ']');
    const body = code.slice(start + 1, end - 1);
    // Values: every top-level element of an array; what follows `name:` in an object.
    const parts: string[] = [];
    let from = 0;
    for (;;) {
      const comma = topLevel(body, ',', from);
      parts.push(body.slice(from, comma < 0 ? body.length : comma));
      if (comma < 0) break;
      from = comma + 1;
    }
    for (const part of parts) {
      if (part.trim() === '') continue;
      const line = lineOf(code, start + body.indexOf(part));
      // ...REASON_KEYS: a list of hub/i18n/keys.ts.
      const spread = /^\s*\.\.\.\s*([A-Z_]+)\s*$/.exec(part)?.[1];
      const list = spread === undefined ? undefined : (RUNTIME as Record<string, unknown>)[spread];
      if (Array.isArray(list)) { held.push(...(list as string[])); continue; }
      const expr = open === '[' ? part : part.slice(topLevel(part, ':') + 1);
      const value = literal(expr);
      if (value !== null) held.push(value);
      useKey(out, file, line, expr);
    }
  }
}

function filesUnder(dir: string, ext: string): string[] {
  let out: string[] = [];
  let names: string[];
  try { names = readdirSync(dir); } catch { return out; }
  for (const name of names) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(filesUnder(full, ext));
    else if (name.endsWith(ext)) out.push(full);
  }
  return out.sort();
}

/** Scans views/hub/**\/*.ejs, views/hub/static/js/*.js and hub/**\/*.ts under `root`. */
function scanTree(root: string): ScanResult {
  const out: ScanResult = { keys: new Map(), dynamic: [], maps: new Map(), client: new Map() };
  const files = [
    ...filesUnder(join(root, 'views', 'hub'), '.ejs'), ...filesUnder(join(root, 'views', 'hub', 'static', 'js'), '.js'),
    ...filesUnder(join(root, 'hub'), '.ts'),
  ];
  for (const full of files) scanFile(relative(root, full).split(sep).join('/'), readFileSync(full, 'utf8'), out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Keys computed at run time, and where their values come from.

/** `'prefix:' + expr`: the keys of each prefix (hub/i18n/keys.ts). */
const PREFIXED: Readonly<Record<string, readonly string[]>> = { 'reason:': REASON_KEYS, 'result:': RESULT_KEYS };

/** A key passed on from a lookup that is itself scanned (a HubError's key, a flash's key, a wrapper's parameter). */
const PASSED_ON = new Set(['key', 'err.key', 'error.key', 'flash.key']);

/** Other computed keys: file|expression -> the keys it takes. */
const COMPUTED: Readonly<Record<string, readonly string[] | 'scanned'>> = {
  'views/hub/config-changes.ejs|k': CONFIG_CHANGE_KINDS,
  'views/hub/config-changes.ejs|o.change': CONFIG_CHANGE_KINDS,
  'views/hub/rolling.ejs|job.status': ROLLING_STATUSES,
  'views/hub/rolling.ejs|st.status': ROLLING_STATUSES,
  'views/hub/partials/jobs.ejs|j.status': ROLLING_STATUSES,
  'views/hub/static/js/hub.js|job.status': ROLLING_STATUSES,
  'views/hub/static/js/hub.js|st.status': ROLLING_STATUSES,
  'views/hub/profile.ejs|typeLabel': USER_TYPE_LABELS,
  'views/hub/profile.ejs|e.label': USER_TYPE_LABELS,
  'views/hub/users.ejs|ty.label': USER_TYPE_LABELS,
  'views/hub/results.ejs|r.fault': HUB_FAULT_TEXTS,
  'views/hub/rolling.ejs|r.fault': HUB_FAULT_TEXTS,
  // The CLIENT_TEXTS array, scanned as a key map.
  'hub/web/pages/render.ts|k': 'scanned',
  // The key a change() of the users page returns, scanned there.
  'hub/web/pages/admin-pages.ts|done': 'scanned',
};

/** Why a computed key is covered, or null when the test does not know it. */
function covered(d: Dynamic, maps: ReadonlyMap<string, string[]>): string | null {
  const prefix = /^('[^'\\]*'|"[^"\\]*")\+/.exec(d.expr);
  if (prefix !== null) {
    const p = literal(prefix[1] ?? '') ?? '';
    return p in PREFIXED ? `keys.ts (${p})` : null;
  }
  if (PASSED_ON.has(d.expr)) return 'passed on';
  const map = /^([A-Z_]+)(?:\[|\.|$)/.exec(d.expr)?.[1];
  if (map !== undefined && maps.has(`${d.file}|${map}`)) return `map ${map}`;
  const known = COMPUTED[`${d.file}|${d.expr}`];
  return known === undefined ? null : 'computed';
}

/** Every key the hub uses: the scanned literals and the run-time ones. */
function usedKeys(scan: ScanResult): Set<string> {
  return new Set([...scan.keys.keys(), ...RUNTIME_KEYS]);
}

// ---------------------------------------------------------------------------------------------
// The catalogues.

function readJson(lang: string): Record<string, string> {
  const file = join(ROOT, 'hub', 'i18n', `${lang}.json`);
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  assert.ok(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed), `${file} is not a JSON object`);
  for (const [k, v] of Object.entries(parsed)) assert.equal(typeof v, 'string', `${file}: the value of ${JSON.stringify(k)} is not a string`);
  return parsed as Record<string, string>;
}

const en = readJson('en');
const zh = readJson('zh-CN');
const scan = scanTree(ROOT);

function missingFrom(catalog: Record<string, string>, used: ReadonlySet<string>): string[] {
  return [...used].filter((k) => !Object.hasOwn(catalog, k)).sort();
}

function where(key: string): string {
  const sites = scan.keys.get(key);
  return sites === undefined ? 'hub/i18n/keys.ts' : sites.slice(0, 3).map((s) => `${s.file}:${s.line}`).join(', ');
}

/** {name} placeholders, as Catalog.t fills them (hub/errors.ts fill), and every other {...} group. */
function braces(text: string): string[] {
  return [...new Set([...text.matchAll(/\{[^{}]*\}/g)].map((m) => m[0]))].sort();
}

function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string))].sort();
}

/** Keys whose Chinese is rightly the English text: technical names and symbols only. */
const SAME_IN_CHINESE = new Set(['PID', 'CPU %']);

// ---------------------------------------------------------------------------------------------

test('the scanner finds a new text in a template and in the code, and reports it missing', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fv-i18n-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'views', 'hub', 'partials'), { recursive: true });
  mkdirSync(join(dir, 'hub', 'web'), { recursive: true });
  mkdirSync(join(dir, 'views', 'hub', 'static', 'js'), { recursive: true });
  writeFileSync(join(dir, 'views', 'hub', 'static', 'js', 'hub.js'),
    `function tr(key, params) { return key; }\nel.textContent = tr('Client new text') + trKind('result:', e.result) + tr(task.state);\n`);
  writeFileSync(join(dir, 'views', 'hub', 'partials', 'new.ejs'),
    `<%# t('Not a key: a comment') %>\n<p><%= t('Some new text') %> t('Not code') <%- t("New {n} items", { n: 3 }) %></p>\n<%= x ? t('Yes it is') : t(label) %>\n`);
  writeFileSync(join(dir, 'hub', 'web', 'new.ts'), [
    `// t(req, 'Not a key either')`,
    `const re = /'/;`,
    `throw new HubError('bad_request', 'Another new text: {field}', { field });`,
    `const title = t(req, word === 'a' ? 'Choice A' : 'Choice B');`,
    `flash(req, 'ok', 'A new flash');`,
    `req.session.flash = ok ? { kind: 'ok', key: 'Flash one' } : { kind: 'error', key: 'Flash two', params: {} };`,
    `const DONE = { start: 'Done {x}', 'clear-log': 'Cleared {x}' };`,
    `const CLIENT_TEXTS = ['Client one', 'Client two', ...RESULT_KEYS] as const;`,
    `const x = s.catalog.t(lang, 'From the catalog');`,
  ].join('\n'));
  const found = scanTree(dir);
  const keys = [...found.keys.keys()].sort();
  assert.deepEqual(keys, [
    'A new flash', 'Another new text: {field}', 'Choice A', 'Choice B', 'Cleared {x}', 'Client new text', 'Client one', 'Client two', 'Done {x}',
    'Flash one', 'Flash two', 'From the catalog', 'New {n} items', 'Some new text', 'Yes it is',
  ]);
  assert.deepEqual(found.keys.get('Some new text'), [{ file: 'views/hub/partials/new.ejs', line: 2 }]);
  assert.deepEqual(found.dynamic.map((d) => `${d.file}:${d.line} ${d.expr}`),
    ['views/hub/partials/new.ejs:3 label', 'views/hub/static/js/hub.js:2 task.state', "views/hub/static/js/hub.js:2 'result:'+e.result"]);
  // A new computed key is unknown until listed; a prefix of hub/i18n/keys.ts is known anywhere.
  assert.deepEqual(found.dynamic.map((d) => covered(d, found.maps) !== null), [false, false, true]);
  assert.deepEqual([...found.client.keys()], ['Client new text']);
  assert.deepEqual(found.maps.get('hub/web/new.ts|CLIENT_TEXTS'), ['Client one', 'Client two', ...RESULT_KEYS]);
  const given = new Set(found.maps.get('hub/web/new.ts|CLIENT_TEXTS'));
  assert.deepEqual([...clientNeeds(found).keys()].filter((k) => !given.has(k)), ['Client new text']);
  assert.ok(missingFrom(en, new Set(keys)).includes('Some new text'), 'a new template text would not be reported missing');
});

test('every key the templates and the hub use is in en.json', () => {
  assert.ok(scan.keys.size > 100, `the scan found only ${scan.keys.size} keys under ${ROOT}`);
  const missing = missingFrom(en, usedKeys(scan));
  assert.deepEqual(missing, [], `missing from hub/i18n/en.json:\n${missing.map((k) => `  ${JSON.stringify(k)}  (${where(k)})`).join('\n')}`);
});

test('every computed key is one the test can enumerate (hub/i18n/keys.ts or a scanned key map)', () => {
  const unknown = scan.dynamic.filter((d) => covered(d, scan.maps) === null).map((d) => `${d.file}:${d.line} ${d.expr}`);
  assert.deepEqual(unknown, [], `lookups with a computed key the test cannot list: write the key out, or enumerate its values in hub/i18n/keys.ts and in COMPUTED here:\n  ${unknown.join('\n  ')}`);
  const stale = Object.keys(COMPUTED).filter((k) => !scan.dynamic.some((d) => `${d.file}|${d.expr}` === k));
  assert.deepEqual(stale, [], 'COMPUTED names lookups that are gone');
});

test('en.json and zh-CN.json have the same keys', () => {
  const onlyEn = Object.keys(en).filter((k) => !Object.hasOwn(zh, k)).sort();
  const onlyZh = Object.keys(zh).filter((k) => !Object.hasOwn(en, k)).sort();
  assert.deepEqual(onlyEn, [], `missing from hub/i18n/zh-CN.json:\n  ${onlyEn.map((k) => JSON.stringify(k)).join('\n  ')}`);
  assert.deepEqual(onlyZh, [], `in hub/i18n/zh-CN.json but not in en.json:\n  ${onlyZh.map((k) => JSON.stringify(k)).join('\n  ')}`);
});

test('no key of en.json is stale', () => {
  const used = usedKeys(scan);
  const stale = Object.keys(en).filter((k) => !used.has(k)).sort();
  assert.deepEqual(stale, [], `in hub/i18n/en.json but used nowhere:\n  ${stale.map((k) => JSON.stringify(k)).join('\n  ')}`);
});

test('every translation keeps the placeholders of its key', () => {
  const bad: string[] = [];
  for (const [lang, catalog] of [['en', en], ['zh-CN', zh]] as const) {
    for (const [key, text] of Object.entries(catalog)) {
      if (placeholders(key).join() !== placeholders(text).join() || braces(key).join() !== braces(text).join()) {
        bad.push(`${lang} ${JSON.stringify(key)}: ${JSON.stringify(text)}`);
      }
    }
  }
  assert.deepEqual(bad, [], `placeholders differ:\n  ${bad.join('\n  ')}`);
});

test('no translation is empty or left in English', () => {
  const empty = [...Object.entries(en).map(([k, v]) => ['en', k, v]), ...Object.entries(zh).map(([k, v]) => ['zh-CN', k, v])]
    .filter(([, , v]) => (v ?? '').trim() === '').map(([lang, k]) => `${lang} ${JSON.stringify(k)}`);
  assert.deepEqual(empty, [], `empty texts:\n  ${empty.join('\n  ')}`);
  const untranslated = Object.keys(zh).filter((key) => {
    if (SAME_IN_CHINESE.has(key)) return false;
    const words = /[A-Za-z]{2,}/.test(key.replace(/\{[^{}]*\}/g, ''));
    // A text with English words must read as Chinese: not the English, and with Han characters.
    return words && (zh[key] === en[key] || zh[key] === key || !/\p{Script=Han}/u.test(zh[key] ?? ''));
  });
  assert.deepEqual(untranslated, [], `zh-CN texts left in English:\n  ${untranslated.map((k) => `${JSON.stringify(k)}: ${JSON.stringify(zh[k])}`).join('\n  ')}`);
  const sameStale = [...SAME_IN_CHINESE].filter((k) => !Object.hasOwn(en, k));
  assert.deepEqual(sameStale, [], 'SAME_IN_CHINESE names keys that are gone');
});

test('the catalogues load and translate with their placeholders filled', () => {
  const catalog = Catalog.load(join(ROOT, 'hub', 'i18n'));
  assert.equal(catalog.keys('en').length, Object.keys(en).length);
  assert.equal(catalog.t('zh-CN', 'Page {page} of {pages}', { page: 2, pages: 5 }), '第 2 页，共 5 页');
  assert.equal(catalog.t('en', 'reason:refused'), 'Connection refused');
  assert.equal(catalog.t('zh-CN', 'No such text anywhere'), 'No such text anywhere');
  // cesi's four user types, as operators know them.
  assert.deepEqual(USER_TYPE_LABELS.map((l) => catalog.t('zh-CN', l)), ['管理员', '标准用户', '仅日志', '只读']);
});

/** What the page script needs from the page's data-i18n (CLIENT_TEXTS of hub/web/pages/render.ts). */
function clientNeeds(found: ScanResult): Map<string, string> {
  const needs = new Map<string, string>();
  for (const [key, sites] of found.client) needs.set(key, sites.map((x) => `${x.file}:${x.line}`).join(', '));
  for (const d of found.dynamic.filter((x) => x.file.endsWith('.js'))) {
    const prefix = /^('[^'\\]*'|"[^"\\]*")\+/.exec(d.expr);
    const keys = prefix !== null ? PREFIXED[literal(prefix[1] ?? '') ?? ''] : COMPUTED[`${d.file}|${d.expr}`];
    if (Array.isArray(keys)) for (const k of keys) needs.set(k, `${d.file}:${d.line} ${d.expr}`);
  }
  return needs;
}

test('the page script is given every text it looks up', () => {
  const needs = clientNeeds(scan);
  assert.ok(needs.size > 0, 'no lookup found in views/hub/static/js');
  const given = new Set(scan.maps.get('hub/web/pages/render.ts|CLIENT_TEXTS') ?? []);
  const missing = [...needs].filter(([k]) => !given.has(k)).map(([k, at]) => `${JSON.stringify(k)}  (${at})`).sort();
  assert.deepEqual(missing, [], `looked up by the page script but not in CLIENT_TEXTS (hub/web/pages/render.ts):\n  ${missing.join('\n  ')}`);
});

test('Catalog.negotiate: Simplified Chinese for zh, English otherwise, the cookie first', () => {
  const catalog = new Catalog(new Map());
  for (const header of ['zh-CN', 'zh', 'zh-Hans', 'zh-SG;q=0.9,en;q=0.8', 'zh-cn,zh;q=0.9', 'fr,zh;q=0.5']) {
    assert.equal(catalog.negotiate(header, undefined), 'zh-CN', header);
  }
  for (const header of ['en-US', 'fr', 'zh-TW', 'zh-Hant', 'zh-HK', '', undefined, 'en;q=0.9,zh;q=0.8', 'zh;q=0']) {
    assert.equal(catalog.negotiate(header, undefined), 'en', String(header));
  }
  assert.equal(catalog.negotiate('zh-CN', 'en'), 'en', 'the cookie wins over the header');
  assert.equal(catalog.negotiate('en-US', 'zh-CN'), 'zh-CN', 'the cookie wins over the header');
  assert.equal(catalog.negotiate('zh-CN', 'fr'), 'zh-CN', 'an unknown cookie value is ignored');
  assert.equal(catalog.negotiate(undefined, 'zh-CN'), 'zh-CN');
});
