// The hub's configuration loader: cesi's INI and TOML files load unchanged, every refusal names its
// place, the `ini` package's habits are undone, and no secret value ever shows in an error or warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HubConfigError } from '../../hub/config/errors.js';
import { loadHubConfig, parseHubConfig } from '../../hub/config/load.js';
import type { HubConfig } from '../../hub/config/types.js';
import { makeTmpDir } from '../helpers/tmp.js';

const FILE = '/etc/fleetvisor/cesi.conf';
const TOML_FILE = '/etc/fleetvisor/cesi.conf.toml';
const SECRET = 'Zx9-s3cret';

const lines = (...l: string[]): string => l.join('\n') + '\n';
const ini = (text: string, file = FILE): HubConfig => parseHubConfig(text, file);
const toml = (text: string, file = TOML_FILE): HubConfig => parseHubConfig(text, file);

function node(config: HubConfig, name: string): NonNullable<ReturnType<HubConfig['nodes']['get']>> {
  const found = config.nodes.get(name);
  assert.ok(found, `node ${name}`);
  return found;
}

/** Runs `load`, expects a HubConfigError with this message and location, and no secret anywhere in it. */
function refuses(load: () => unknown, message: string | RegExp, location?: string): HubConfigError {
  let caught: unknown;
  try {
    load();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof HubConfigError, `expected HubConfigError, got ${String(caught)}`);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else assert.match(caught.message, message);
  if (location !== undefined) assert.equal(caught.location(), location);
  for (const text of [caught.message, caught.location(), caught.value ?? '']) {
    assert.ok(!text.includes(SECRET), `secret leaked in: ${text}`);
  }
  return caught;
}

const CESI_V1 = `[node:local]
username = user
password = 123
host = localhost
port = 9001

;[node:<node_name2>]
;username = <username>
;password = <password>
;host = <hostname>
;port = <port>

;[environment:<environment_name>]
;members = <node_name>, <node_name2>

[cesi]
database = /opt/cesi/userinfo.db
activity_log = /opt/cesi/activity.log
host = 0.0.0.0
`;

const CESI_V27_TOML = `[cesi]
database = "sqlite:///users.db"
activity_log = "activity.log"
admin_username = "admin"
admin_password = "admin"

[[nodes]]
name = "local"
environment = ""
username = ""
password = ""
host = "127.0.0.1"
port = "9001"

[[nodes]]
name = "web1"
environment = "prod"
username = "u"
password = "p"
host = "https://web1.example.com/sup"
port = "443"
`;

test("cesi v1's shipped cesi.conf loads as written, with defaults for the rest", () => {
  const config = ini(CESI_V1);
  assert.equal(config.format, 'ini');
  assert.equal(config.file, FILE);
  assert.deepEqual(config.cesi, {
    database: '/opt/cesi/userinfo.db', activityLog: '/opt/cesi/activity.log', host: '0.0.0.0', port: 5000,
    name: 'Fleetvisor', theme: 'light', tlsCert: null, tlsKey: null, pollIntervalMs: 1000, statsIntervalMs: 10_000,
    connectTimeoutMs: 3000, callTimeoutMs: 10_000, bcryptRounds: 12,
  });
  assert.deepEqual([...config.nodes.values()], [
    { name: 'local', url: 'http://localhost:9001', username: 'user', password: '123', tlsCa: null, environments: [] },
  ]);
  assert.equal(config.environments.size, 0);
  assert.deepEqual(config.webhooks, []);
  assert.deepEqual(config.warnings, []);
});

test('cesi v1.5 and v2.0 INI files: port, name, theme and environments; historic keys warn without their values', () => {
  const v15 = ini(lines(
    '[cesi]', 'database = userinfo.db', 'activity_log = activity.log', 'host = 0.0.0.0', 'port = 5001', 'name = Ops Fleet',
    'theme = superhero', 'debug = True', 'auto_reload = True', 'admin_username = root', `admin_password = ${SECRET}`,
    '[node:web1]', 'host = 10.0.0.1', 'port = 9001', '[node:web2]', 'host = 10.0.0.2', 'port = 9001',
    '[environment:prod]', 'members = web1, web2',
  ));
  assert.equal(v15.cesi.database, '/etc/fleetvisor/userinfo.db');
  assert.equal(v15.cesi.activityLog, '/etc/fleetvisor/activity.log');
  assert.equal(v15.cesi.port, 5001);
  assert.equal(v15.cesi.name, 'Ops Fleet');
  assert.equal(v15.cesi.theme, 'dark');
  assert.deepEqual(v15.warnings, [
    '[cesi] debug is ignored: the hub has no debug mode',
    '[cesi] auto_reload is ignored: the hub reads its configuration once, at start',
    '[cesi] admin_username is ignored: the first start seeds admin/admin and asks for a new password at the first login',
    '[cesi] admin_password is ignored: the first start seeds admin/admin and asks for a new password at the first login',
  ]);
  assert.ok(v15.warnings.every((w) => !w.includes(SECRET) && !w.includes('root')));
  assert.deepEqual(v15.environments.get('prod'), { name: 'prod', members: ['web1', 'web2'] });
  assert.deepEqual(node(v15, 'web2').environments, ['prod']);

  const v20 = ini(lines('[cesi]', 'database = sqlite:///users.db', 'theme = Flatly', 'port = 5000', '[node:a]', 'url = http://a:9001'));
  assert.equal(v20.cesi.database, '/etc/fleetvisor/users.db');
  assert.equal(v20.cesi.theme, 'light');
});

test('every theme name maps to light or dark', () => {
  const dark = ['dark', 'cyborg', 'darkly', 'slate', 'solar', 'superhero', 'vapor'];
  const light = ['light', 'cerulean', 'cosmo', 'flatly', 'journal', 'litera', 'lumen', 'lux', 'materia', 'minty', 'morph',
    'pulse', 'quartz', 'sandstone', 'simplex', 'sketchy', 'spacelab', 'united', 'yeti', 'zephyr'];
  for (const [names, theme] of [[dark, 'dark'], [light, 'light']] as const) {
    for (const name of names) assert.equal(ini(lines('[cesi]', `theme = ${name}`)).cesi.theme, theme, name);
  }
});

test('cesi v2.1 nodes name their environments: created when missing, added when listed, several allowed', () => {
  const config = ini(lines(
    '[node:db1]', 'host = db1', 'port = 9001', 'environment = prod',
    '[node:web1]', 'host = web1', 'port = 9001', 'environment = prod, web',
    '[node:lab]', 'host = lab', 'port = 9001', 'environment =',
    '[environment:web]', 'members = lab,,web1',
    '[environment:empty]', 'members =',
  ));
  assert.deepEqual([...config.environments.values()], [
    { name: 'prod', members: ['db1', 'web1'] },
    { name: 'web', members: ['lab', 'web1'] },
    { name: 'empty', members: [] },
  ]);
  assert.deepEqual(node(config, 'web1').environments, ['prod', 'web']);
  assert.deepEqual(node(config, 'lab').environments, ['web']);
  assert.deepEqual(config.warnings, ['[environment:empty] has no members']);
});

test('cesi v2.7 cesi.conf.toml loads: environments from nodes, sqlite:/// resolved against the config dir', (t) => {
  const dir = makeTmpDir(t);
  const file = join(dir, 'cesi.conf.toml');
  writeFileSync(file, CESI_V27_TOML);
  const config = loadHubConfig(file);
  assert.equal(config.format, 'toml');
  assert.equal(config.cesi.database, join(dir, 'users.db'));
  assert.equal(config.cesi.activityLog, join(dir, 'activity.log'));
  assert.deepEqual([...config.nodes.values()], [
    { name: 'local', url: 'http://127.0.0.1:9001', username: null, password: null, tlsCa: null, environments: [] },
    { name: 'web1', url: 'https://web1.example.com:443/sup', username: 'u', password: 'p', tlsCa: null, environments: ['prod'] },
  ]);
  assert.deepEqual([...config.environments.values()], [{ name: 'prod', members: ['web1'] }]);
  assert.equal(config.warnings.length, 2);
  assert.match(config.warnings[1] ?? '', /^\[cesi\] admin_password is ignored/);
});

test('the format is TOML for a .toml name or a [[ line, else INI; an explicit format wins', () => {
  assert.equal(parseHubConfig('[[nodes]]\nname = "a"\nurl = "http://a:1"\n', '/x/cesi.conf').format, 'toml');
  assert.equal(parseHubConfig('[cesi]\nport = 5001\n', '/x/cesi.conf.toml').format, 'toml');
  assert.equal(parseHubConfig('[cesi]\nport = 5001\n', '/x/cesi.conf').format, 'ini');
  assert.equal(parseHubConfig('[cesi]\nport = 5001\n', '/x/cesi.conf.toml', 'ini').format, 'ini');
  assert.equal(parseHubConfig('\uFEFF[cesi]\nport = 5001\n', '/x/cesi.conf').cesi.port, 5001);
});

test('TOML: [[environments]] and [[webhooks]] take arrays or comma strings; environment "" is none', () => {
  const config = toml(lines(
    '[cesi]', 'port = 8080', 'poll_interval = 0.5', 'theme = "darkly"',
    '[[nodes]]', 'name = "a"', 'url = "http://a:9001"', 'environment = ""',
    '[[nodes]]', 'name = "b"', 'host = "b"', 'port = 9001', 'environment = ["x", "y"]',
    '[[environments]]', 'name = "x"', 'members = ["a", "b", "a"]',
    '[[environments]]', 'name = "z"', 'members = "a, b"',
    '[[webhooks]]', 'name = "ops"', 'url = "https://hooks.example.com/h"', 'events = "node_down, node_up"', 'environment = ["x"]', `secret = "${SECRET}"`,
    '[[webhooks]]', 'name = "all"', 'url = "http://h/"',
  ));
  assert.equal(config.cesi.port, 8080);
  assert.equal(config.cesi.pollIntervalMs, 500);
  assert.equal(config.cesi.theme, 'dark');
  assert.ok(!config.environments.has(''));
  assert.deepEqual([...config.environments.values()], [
    { name: 'x', members: ['a', 'b'] }, { name: 'y', members: ['b'] }, { name: 'z', members: ['a', 'b'] },
  ]);
  assert.deepEqual(node(config, 'a').environments, ['x', 'z']);
  assert.deepEqual(config.webhooks, [
    { name: 'ops', url: 'https://hooks.example.com/h', events: ['node_down', 'node_up'], environments: ['x'], secret: SECRET },
    { name: 'all', url: 'http://h/', events: ['process_fatal', 'process_exited_unexpected', 'node_down', 'node_up'], environments: null, secret: null },
  ]);
});

test('node addresses: url forms and cesi host + port forms come out normalised', () => {
  const rows: [string[], string][] = [
    [['host = localhost', 'port = 9001'], 'http://localhost:9001'],
    [['host = https://h.example.com/sup', 'port = 9001'], 'https://h.example.com:9001/sup'],
    [['host = HTTP://Web.Example.com/', 'port = 80'], 'http://web.example.com:80'],
    [['host = h:9001', 'port = 9001'], 'http://h:9001'],
    [['host = ::1', 'port = 9001'], 'http://[::1]:9001'],
    [['host = [::1]', 'port = 9001'], 'http://[::1]:9001'],
    [['host = fe80::1', 'port = 9001'], 'http://[fe80::1]:9001'],
    [['host = https://2001:db8::5/rpc/', 'port = 443'], 'https://[2001:db8::5]:443/rpc'],
    [['url = http://h:9001/'], 'http://h:9001'],
    [['url = https://h:443/sup/'], 'https://h:443/sup'],
    [['url = HTTPS://H.example.com:9443'], 'https://h.example.com:9443'],
    [['url = http://[::1]:9001'], 'http://[::1]:9001'],
    [['url = unix:///var/run/supervisor.sock'], 'unix:///var/run/supervisor.sock'],
  ];
  for (const [keys, url] of rows) {
    assert.equal(node(ini(lines('[node:n]', ...keys)), 'n').url, url, keys.join('; '));
  }
});

test('tls_ca goes with an https url and is resolved against the config dir', (t) => {
  const dir = makeTmpDir(t);
  writeFileSync(join(dir, 'ca.pem'), 'pem');
  const file = join(dir, 'cesi.conf');
  const config = ini(lines('[node:n]', 'url = https://n:9443', 'tls_ca = ca.pem'), file);
  assert.equal(node(config, 'n').tlsCa, join(dir, 'ca.pem'));
  refuses(() => ini(lines('[node:n]', 'url = http://n:9001', 'tls_ca = ca.pem'), file),
    "tls_ca needs an https url (this node's url is http://n:9001)", `in ${file}, [node:n] tls_ca = 'ca.pem'`);
  refuses(() => ini(lines('[node:n]', 'url = https://n:9443', 'tls_ca = nope.pem'), file),
    `tls_ca must be a readable file: ${join(dir, 'nope.pem')} does not exist`, `in ${file}, [node:n] tls_ca = 'nope.pem'`);
  mkdirSync(join(dir, 'certs'));
  refuses(() => ini(lines('[node:n]', 'url = https://n:9443', 'tls_ca = certs'), file), /is not a file$/);
});

test('tls_cert and tls_key: both or neither, existing files', (t) => {
  const dir = makeTmpDir(t);
  writeFileSync(join(dir, 'hub.crt'), 'c');
  writeFileSync(join(dir, 'hub.key'), 'k');
  const file = join(dir, 'cesi.conf');
  const config = ini(lines('[cesi]', 'tls_cert = hub.crt', `tls_key = ${join(dir, 'hub.key')}`), file);
  assert.equal(config.cesi.tlsCert, join(dir, 'hub.crt'));
  assert.equal(config.cesi.tlsKey, join(dir, 'hub.key'));
  assert.equal(ini(lines('[cesi]', 'tls_cert =', 'tls_key ='), file).cesi.tlsCert, null);
  refuses(() => ini(lines('[cesi]', 'tls_cert = hub.crt'), file), 'tls_cert and tls_key go together: tls_key is missing', `in ${file}, [cesi] tls_cert`);
  refuses(() => ini(lines('[cesi]', 'tls_key = hub.key'), file), 'tls_cert and tls_key go together: tls_cert is missing');
  refuses(() => ini(lines('[cesi]', 'tls_cert = hub.crt', 'tls_key = gone.key'), file), `tls_key must be a readable file: ${join(dir, 'gone.key')} does not exist`);
});

test("the ini package's habits are undone: dotted names, true/false/null, key case, % kept", () => {
  const config = ini(lines(
    '[node:web.2]', 'url = http://w2:9001', '[node:web]', 'url = http://w:9001', '[node:web.1]', 'URL = http://w1:9001',
    'Username = true', 'password = null', '[node:a.b.c]', 'url = http://abc:9001', 'username = false', 'password = %(here)s',
  ));
  assert.deepEqual([...config.nodes.keys()], ['web.2', 'web', 'web.1', 'a.b.c']);
  assert.equal(node(config, 'web.1').username, 'true');
  assert.equal(node(config, 'web.1').password, 'null');
  assert.equal(node(config, 'a.b.c').username, 'false');
  assert.equal(node(config, 'a.b.c').password, '%(here)s');
});

test('duplicate INI sections merge, later keys winning', () => {
  const config = ini(lines('[node:a]', 'host = a', 'port = 1', '[cesi]', 'port = 5001', '[node:a]', 'port = 2'));
  assert.equal(node(config, 'a').url, 'http://a:2');
});

test('passwords keep @ : % exactly, in INI and TOML', () => {
  const password = 'p@ss:w%rd';
  assert.equal(node(ini(lines('[node:n]', 'host = n', 'port = 9001', 'username = me', `password = ${password}`)), 'n').password, password);
  assert.equal(node(toml(lines('[[nodes]]', 'name = "n"', 'url = "http://n:9001"', `password = "${password}"`)), 'n').password, password);
  assert.equal(node(ini(lines('[node:n]', 'url = http://n:9001', 'password =  two words ')), 'n').password, 'two words');
});

test("an unquoted '#' or ';' in a value is read as a comment, with a warning that never holds the value", () => {
  const rows: [string, string, string | undefined][] = [
    ['ab#cd', 'ab', "[node:web] password: the text after '#' was read as a comment; put the value in double quotes to keep it"],
    ['ab;cd', 'ab', "[node:web] password: the text after ';' was read as a comment; put the value in double quotes to keep it"],
    ['"ab#cd"', 'ab#cd', undefined],
    ['"ab;c d"', 'ab;c d', undefined],
    ["'ab#cd'", 'ab#cd', undefined],
    ['ab\\#cd', 'ab#cd', "[node:web] password: a '\\' before '\\', ';' or '#' was read as an escape and dropped; put the value in single quotes to keep it"],
  ];
  for (const [raw, read, warning] of rows) {
    const config = ini(lines('[node:web]', 'url = http://web:9001', `password = ${raw}`));
    assert.equal(node(config, 'web').password, read, raw);
    assert.deepEqual(config.warnings, warning === undefined ? [] : [warning], raw);
    assert.ok(config.warnings.every((w) => !w.includes('cd')), raw);
  }
  const secret = ini(lines('[node:n]', 'url = http://n:1', '[webhook:w]', 'url = http://h/', `secret = ${SECRET}#tail`));
  assert.equal(secret.webhooks[0]?.secret, SECRET);
  assert.deepEqual(secret.warnings, ["[webhook:w] secret: the text after '#' was read as a comment; put the value in double quotes to keep it"]);
});

test('group sections are accepted and ignored with one warning; a file of only them gets all defaults', () => {
  const config = ini(lines('[group:a]', 'programs = x', '[group:b]', 'programs = y'));
  assert.equal(config.nodes.size, 0);
  assert.equal(config.cesi.port, 5000);
  assert.equal(config.cesi.database, '/etc/fleetvisor/fleetvisor-hub.db');
  assert.deepEqual(config.warnings, ['[group:a], [group:b]: group sections are not used and were ignored']);
});

test('webhooks: defaults, lists, and environments created by nodes', () => {
  const config = ini(lines(
    '[node:a]', 'url = http://a:1', 'environment = prod',
    '[webhook:pager]', 'url = https://pager.example.com/in', 'events = process_fatal,node_down,process_fatal', 'environment = prod',
    '[webhook:chat]', 'url = http://chat/hook', 'environment =', 'secret =',
  ));
  assert.deepEqual(config.webhooks, [
    { name: 'pager', url: 'https://pager.example.com/in', events: ['process_fatal', 'node_down'], environments: ['prod'], secret: null },
    { name: 'chat', url: 'http://chat/hook', events: ['process_fatal', 'process_exited_unexpected', 'node_down', 'node_up'], environments: null, secret: null },
  ]);
});

test('the result is frozen all the way down, maps included', () => {
  const config = ini(lines('[node:a]', 'url = http://a:1', 'environment = e', '[webhook:w]', 'url = http://h/'));
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.cesi) && Object.isFrozen(config.warnings));
  assert.ok(Object.isFrozen(node(config, 'a')) && Object.isFrozen(node(config, 'a').environments));
  assert.ok(Object.isFrozen(config.environments.get('e')?.members) && Object.isFrozen(config.webhooks[0]?.events));
  for (const map of [config.nodes, config.environments]) {
    const mutable: unknown = map;
    assert.ok(mutable instanceof Map);
    assert.throws(() => mutable.delete('a'), TypeError);
    assert.throws(() => mutable.clear(), TypeError);
    assert.throws(() => mutable.set('x', 1), TypeError);
  }
  assert.equal(config.nodes.size, 1);
});

// [description, file text, message, location]; FILE for INI rows, TOML_FILE for TOML rows.
const INI_ERRORS: [string, string, string | RegExp, string][] = [
  ['node port not a number', lines('[node:web]', 'host = web', 'port = abc'), 'port must be an integer from 1 to 65535', `in ${FILE}, [node:web] port = 'abc'`],
  ['node port 0', lines('[node:web]', 'host = web', 'port = 0'), 'port must be an integer from 1 to 65535', `in ${FILE}, [node:web] port = '0'`],
  ['node port too big', lines('[node:web]', 'host = web', 'port = 65536'), 'port must be an integer from 1 to 65535', `in ${FILE}, [node:web] port = '65536'`],
  ['host without port', lines('[node:web]', 'host = web'), 'host needs port (an integer from 1 to 65535)', `in ${FILE}, [node:web] host = 'web'`],
  ['port without host', lines('[node:web]', 'port = 9001'), 'a node needs url, or host and port', `in ${FILE}, [node:web]`],
  ['neither url nor host', lines('[node:web]', 'username = u'), 'a node needs url, or host and port', `in ${FILE}, [node:web]`],
  ['url and host', lines('[node:web]', 'url = http://web:9001', 'host = web', 'port = 9001'), 'a node has url, or host and port, not both', `in ${FILE}, [node:web] host`],
  ['url and port', lines('[node:web]', 'url = http://web', 'port = 9001'), 'port goes with host; with url, write the port in the url', `in ${FILE}, [node:web] port = '9001'`],
  ['credentials in url', lines('[node:web]', `url = https://admin:${SECRET}@web:9001/sup`),
    'url must not hold a user name or password: use the username and password keys (url without them: https://web:9001/sup)', `in ${FILE}, [node:web] url = 'https://web:9001/sup'`],
  ['credentials in host', lines('[node:web]', `host = admin:${SECRET}@web`, 'port = 9001'),
    'host must not hold a user name or password: use the username and password keys', `in ${FILE}, [node:web] host = 'web'`],
  ['url of another scheme', lines('[node:web]', 'url = ftp://web:21'), 'url must look like http://host:port, https://host:port/prefix or unix:///path/to.sock', `in ${FILE}, [node:web] url = 'ftp://web:21'`],
  ['url without scheme', lines('[node:web]', 'url = web:9001'), /^url must look like/, `in ${FILE}, [node:web] url = 'web:9001'`],
  ['relative unix socket', lines('[node:web]', 'url = unix://run/s.sock'), 'a unix url needs an absolute path: unix:///path/to.sock', `in ${FILE}, [node:web] url = 'unix://run/s.sock'`],
  ['url with a query', lines('[node:web]', 'url = http://web:9001/?x=1'), 'url cannot have a query (?) or fragment (#)', `in ${FILE}, [node:web] url = 'http://web:9001/?x=1'`],
  ['url port out of range', lines('[node:web]', 'url = http://web:0'), 'the port in url must be an integer from 1 to 65535', `in ${FILE}, [node:web] url = 'http://web:0'`],
  ['host of another scheme', lines('[node:web]', 'host = ftp://web', 'port = 21'), 'host may start with http:// or https:// only', `in ${FILE}, [node:web] host = 'ftp://web'`],
  ['host and port disagree', lines('[node:web]', 'host = web:9002', 'port = 9001'), 'port 9001 differs from the port in host (9002)', `in ${FILE}, [node:web] port = '9001'`],
  ['bare host with a path', lines('[node:web]', 'host = web/sup', 'port = 9001'), 'a host with a path needs a scheme: http://host/path or https://host/path', `in ${FILE}, [node:web] host = 'web/sup'`],
  ['unknown node key', lines('[node:web]', 'hots = web', 'port = 9001'),
    "unknown key 'hots' (known keys: host, port, username, password, url, tls_ca, environment)", `in ${FILE}, [node:web] hots`],
  ['unknown key keeps its value out', lines('[node:web]', `passwd = ${SECRET}`), /^unknown key 'passwd'/, `in ${FILE}, [node:web] passwd`],
  ['unknown cesi key', lines('[cesi]', 'prot = 1'), /^unknown key 'prot' \(known keys: database, activity_log, host, port, name, theme, tls_cert,/, `in ${FILE}, [cesi] prot`],
  ['unknown environment key', lines('[environment:e]', 'member = a'), "unknown key 'member' (known keys: members)", `in ${FILE}, [environment:e] member`],
  ['unknown section', lines('[nodes:web]', 'host = x'),
    'unknown section [nodes:web] (sections are [cesi], [node:NAME], [environment:NAME], [webhook:NAME] and [group:NAME])', `in ${FILE}, [nodes:web]`],
  ['section names are case-sensitive', lines('[CESI]', 'port = 1'), /^unknown section \[CESI\]/, `in ${FILE}, [CESI]`],
  ['bad node name', lines('[node:-web]', 'url = http://w:1'),
    "node name '-web' is not valid: use 1 to 64 letters, digits, '_', '.' and '-', not starting with '.' or '-'", `in ${FILE}, [node:-web]`],
  ['empty node name', lines('[node:]', 'url = http://w:1'), /^node name '' is not valid/, `in ${FILE}, [node:]`],
  ['node name too long', lines(`[node:${'n'.repeat(65)}]`, 'url = http://w:1'), /is not valid/, `in ${FILE}, [node:${'n'.repeat(65)}]`],
  ['bad environment name on a node', lines('[node:web]', 'url = http://w:1', 'environment = prod, a b'), /^environment name 'a b' is not valid/, `in ${FILE}, [node:web] environment = 'a b'`],
  ['bad environment section name', lines('[environment:a/b]', 'members ='), /^environment name 'a\/b' is not valid/, `in ${FILE}, [environment:a/b]`],
  ['environment names an unknown node', lines('[node:web1]', 'url = http://w:1', '[environment:prod]', 'members = web1, db9'),
    "environment 'prod' names unknown node 'db9'", `in ${FILE}, [environment:prod] members = 'db9'`],
  ['cesi port', lines('[cesi]', 'port = http'), 'port must be an integer from 0 to 65535', `in ${FILE}, [cesi] port = 'http'`],
  ['empty cesi host', lines('[cesi]', 'host ='), 'host must not be empty', `in ${FILE}, [cesi] host = ''`],
  ['unknown theme', lines('[cesi]', 'theme = pink'),
    'theme must be light, dark or one of cerulean, cosmo, cyborg, darkly, flatly, journal, litera, lumen, lux, materia, minty, morph, pulse, quartz, sandstone, simplex, sketchy, slate, solar, spacelab, superhero, united, vapor, yeti, zephyr',
    `in ${FILE}, [cesi] theme = 'pink'`],
  ['poll_interval too small', lines('[cesi]', 'poll_interval = 0.1'), 'poll_interval must be a number of seconds from 0.2 to 3600', `in ${FILE}, [cesi] poll_interval = '0.1'`],
  ['poll_interval not a number', lines('[cesi]', 'poll_interval = 1s'), 'poll_interval must be a number of seconds from 0.2 to 3600', `in ${FILE}, [cesi] poll_interval = '1s'`],
  ['stats_interval too small', lines('[cesi]', 'stats_interval = 0.5'), 'stats_interval must be a number of seconds from 1 to 3600', `in ${FILE}, [cesi] stats_interval = '0.5'`],
  ['connect_timeout too big', lines('[cesi]', 'connect_timeout = 121'), 'connect_timeout must be a number of seconds from 0.1 to 120', `in ${FILE}, [cesi] connect_timeout = '121'`],
  ['call_timeout too small', lines('[cesi]', 'call_timeout = 0.4'), 'call_timeout must be a number of seconds from 0.5 to 600', `in ${FILE}, [cesi] call_timeout = '0.4'`],
  ['bcrypt_rounds too small', lines('[cesi]', 'bcrypt_rounds = 3'), 'bcrypt_rounds must be an integer from 4 to 15', `in ${FILE}, [cesi] bcrypt_rounds = '3'`],
  ['bcrypt_rounds not whole', lines('[cesi]', 'bcrypt_rounds = 12.5'), 'bcrypt_rounds must be an integer from 4 to 15', `in ${FILE}, [cesi] bcrypt_rounds = '12.5'`],
  ['database of another kind', lines('[cesi]', `database = postgresql://hub:${SECRET}@db/hub`), 'only SQLite databases are supported', `in ${FILE}, [cesi] database = 'postgresql://db/hub'`],
  ['in-memory database', lines('[cesi]', 'database = sqlite://'), /^database must name a file/, `in ${FILE}, [cesi] database = 'sqlite://'`],
  ['webhook without url', lines('[webhook:w]', 'events = node_up'), 'a webhook needs url (http:// or https://)', `in ${FILE}, [webhook:w] url`],
  ['webhook url of another scheme', lines('[webhook:w]', 'url = ftp://files/in'), 'url must be an http:// or https:// URL', `in ${FILE}, [webhook:w] url = 'ftp://files/in'`],
  ['webhook unknown event', lines('[webhook:w]', 'url = http://h/', 'events = node_up, node_crashed'),
    "unknown event 'node_crashed' (events are process_fatal, process_exited_unexpected, node_down, node_up)", `in ${FILE}, [webhook:w] events = 'node_crashed'`],
  ['webhook empty events', lines('[webhook:w]', 'url = http://h/', 'events = ,'), /^events must name at least one of/, `in ${FILE}, [webhook:w] events = ','`],
  ['webhook unknown environment', lines('[webhook:w]', 'url = http://h/', 'environment = prod'),
    "webhook 'w' names unknown environment 'prod'", `in ${FILE}, [webhook:w] environment = 'prod'`],
  ['bad webhook name', lines('[webhook:.w]', 'url = http://h/'), /^webhook name '.w' is not valid/, `in ${FILE}, [webhook:.w]`],
  ['empty file', '', /^no sections/, `in ${FILE}`],
  ['only comments', lines('; nothing', '# here', ''), /^no sections/, `in ${FILE}`],
  ['key before any section', lines('port = 5000', '[cesi]'), "line 1: key 'port' comes before any [section] header", `in ${FILE}, port`],
  ['a line without =', lines('[node:web]', 'url = http://w:1', 'password', `  ${SECRET}`),
    "line 3: there is no '=' (write key = value; a value cannot go on over several lines)", `in ${FILE}, [node:web]`],
  ['a header with a comment after it', lines('[node:a]', 'url = http://a:1', '[node:b] ; second', 'url = http://b:1'),
    'line 3: not a section header the reader understands: write [name] at the start of the line, with nothing after the ]', `in ${FILE}, [node:a]`],
  ['an indented header', lines('[node:a]', 'url = http://a:1', '  [node:b]'), /^line 3: not a section header/, `in ${FILE}, [node:a]`],
  ['an unclosed header', lines('[node:a', 'url = http://a:1'), /^line 1: not a section header/, `in ${FILE}`],
  ['a list key', lines('[node:a]', 'url = http://a:1', 'environment[] = x'), "line 3: key 'environment[]' cannot end in '[]'", `in ${FILE}, [node:a] environment[]`],
  ['a single-quoted value that would change', lines('[node:a]', 'url = http://a:1', "password = '1e3'"),
    "line 3: key 'password': the single-quoted value would not be read as written; use double quotes", `in ${FILE}, [node:a] password`],
];

for (const [what, text, message, location] of INI_ERRORS) {
  test(`INI refused: ${what}`, () => {
    refuses(() => ini(text), message, location);
  });
}

const T = TOML_FILE;
const TOML_ERRORS: [string, string, string | RegExp, string][] = [
  ['password of the wrong type', lines('[[nodes]]', 'name = "local"', 'url = "http://l:1"', 'password = 12345'), 'password must be a string', `in ${T}, [[nodes]] #1 (local) password = '***'`],
  ['secret of the wrong type', lines('[[webhooks]]', 'name = "w"', 'url = "http://h/"', 'secret = 12345'), 'secret must be a string', `in ${T}, [[webhooks]] #1 (w) secret = '***'`],
  ['port of the wrong type', lines('[[nodes]]', 'name = "a"', 'url = "http://a:1"', '[[nodes]]', 'name = "local"', 'host = "l"', 'port = true'),
    'port must be an integer from 1 to 65535', `in ${T}, [[nodes]] #2 (local) port = 'true'`],
  ['members of the wrong type', lines('[[environments]]', 'name = "e"', 'members = 3'), 'members must be a comma-separated list or an array of strings', `in ${T}, [[environments]] #1 (e) members = '3'`],
  ['members with a non-string', lines('[[environments]]', 'name = "e"', 'members = ["a", 1]'), 'members must be a comma-separated list or an array of strings', `in ${T}, [[environments]] #1 (e) members = '["a",1]'`],
  ['duplicate node', lines('[[nodes]]', 'name = "a"', 'url = "http://a:1"', '[[nodes]]', 'name = "a"', 'url = "http://b:1"'),
    "node 'a' is defined twice (also in [[nodes]] #1 (a))", `in ${T}, [[nodes]] #2 (a) name = 'a'`],
  ['duplicate environment', lines('[[environments]]', 'name = "e"', '[[environments]]', 'name = "e"'), /^environment 'e' is defined twice/, `in ${T}, [[environments]] #2 (e) name = 'e'`],
  ['duplicate webhook', lines('[[webhooks]]', 'name = "w"', 'url = "http://h/"', '[[webhooks]]', 'name = "w"', 'url = "http://h/"'), /^webhook 'w' is defined twice/, `in ${T}, [[webhooks]] #2 (w) name = 'w'`],
  ['node without a name', lines('[[nodes]]', 'url = "http://a:1"'), '[[nodes]] #1 has no name', `in ${T}, [[nodes]] #1 name`],
  ['name of the wrong type', lines('[[nodes]]', 'name = 7', 'url = "http://a:1"'), 'name must be a string', `in ${T}, [[nodes]] #1 name = '7'`],
  ['bad node name', lines('[[nodes]]', 'name = "a b"', 'url = "http://a:1"'), /^node name 'a b' is not valid/, `in ${T}, [[nodes]] #1 (a b) name = 'a b'`],
  ['unknown node key lists name', lines('[[nodes]]', 'name = "a"', 'hots = "a"'),
    "unknown key 'hots' (known keys: name, host, port, username, password, url, tls_ca, environment)", `in ${T}, [[nodes]] #1 (a) hots`],
  ['unknown table', lines('[cesi]', '[nodez]', 'x = 1'), "unknown table 'nodez' (the file has [cesi], [[nodes]], [[environments]] and [[webhooks]])", `in ${T}, nodez`],
  ['unknown top-level key', lines('port = 1'), "unknown key 'port' (the file has [cesi], [[nodes]], [[environments]] and [[webhooks]])", `in ${T}, port`],
  ['nodes as a table', lines('[nodes]', 'name = "a"'), 'nodes must be an array of tables, written [[nodes]]', `in ${T}, nodes`],
  ['cesi as a value', lines('cesi = 1'), 'cesi must be a table, written [cesi]', `in ${T}, cesi = '1'`],
  ['database of another kind', lines('[cesi]', 'database = "mysql://db/hub"'), 'only SQLite databases are supported', `in ${T}, [cesi] database = 'mysql://db/hub'`],
  ['environment names an unknown node', lines('[[environments]]', 'name = "prod"', 'members = "db9"'), "environment 'prod' names unknown node 'db9'", `in ${T}, [[environments]] #1 (prod) members = 'db9'`],
  ['syntax error keeps the line out', lines('[[nodes]]', 'name = "a"', `password = "${SECRET}`), /^TOML syntax error at line 3, column \d+: [a-z ]+$/, `in ${T}`],
  ['syntax error on a header', lines('[cesi', 'port = 1'), /^TOML syntax error at line 1, column \d+: /, `in ${T}`],
  ['empty file', '', /^no sections/, `in ${T}`],
];

for (const [what, text, message, location] of TOML_ERRORS) {
  test(`TOML refused: ${what}`, () => {
    refuses(() => toml(text), message, location);
  });
}

test('loadHubConfig: a missing file or a directory is a HubConfigError naming the file', (t) => {
  const dir = makeTmpDir(t);
  refuses(() => loadHubConfig(join(dir, 'cesi.conf')), 'cannot read the configuration file: no such file', `in ${join(dir, 'cesi.conf')}`);
  refuses(() => loadHubConfig(dir), 'cannot read the configuration file: it is a directory', `in ${dir}`);
  writeFileSync(join(dir, 'empty.conf'), '');
  refuses(() => loadHubConfig(join(dir, 'empty.conf')), /^no sections/);
});

test('HubConfigError: location leaves out unknown parts and masks secret keys', () => {
  const rows: [ConstructorParameters<typeof HubConfigError>[1], string, string | undefined][] = [
    [{ file: '/etc/cesi.conf', section: 'node:web', key: 'port', value: 'abc' }, "in /etc/cesi.conf, [node:web] port = 'abc'", 'abc'],
    [{ file: '/etc/cesi.conf', section: 'node:web' }, 'in /etc/cesi.conf, [node:web]', undefined],
    [{ file: '/etc/cesi.conf', key: 'port' }, 'in /etc/cesi.conf, port', undefined],
    [{ section: '[[nodes]] #2 (local)', key: 'host', value: 'h' }, "[[nodes]] #2 (local) host = 'h'", 'h'],
    [{ file: 'f', section: 'node:a', key: 'password', value: SECRET }, "in f, [node:a] password = '***'", '***'],
    [{ file: 'f', section: 'webhook:a', key: 'secret', value: SECRET }, "in f, [webhook:a] secret = '***'", '***'],
    [{ file: 'f', section: 'cesi', key: 'admin_password', value: SECRET }, "in f, [cesi] admin_password = '***'", '***'],
    [{ file: 'f', section: 'webhook:a', key: 'url', value: `https://u:${SECRET}@h/x` }, "in f, [webhook:a] url = 'https://h/x'", 'https://h/x'],
    [{}, '', undefined],
  ];
  for (const [place, location, value] of rows) {
    const err = new HubConfigError('problem', place);
    assert.equal(err.message, 'problem');
    assert.equal(err.location(), location);
    assert.equal(err.value, value);
    assert.ok(err instanceof Error);
  }
});
