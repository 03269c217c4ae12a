// Wrong arguments, method by method: python3's xmlrpc.client calls every method of
// system.listMethods on supervisord 4.2.5 and on fleetvisord (same config) with the wrong arity and
// with each parameter replaced by a value of every XML-RPC type, directly and inside a
// system.multicall, and records what each daemon answers: a value, a fault (code and string) or an
// HTTP error. Where supervisord answers a fault or a value, ours must be the same (for 99.0, the
// same but for its int-like str(): see asInt). Where it answers HTTP 500 (a Python exception
// escaping the method: README, "Deliberate differences"), the cases are listed in TABLE (http500)
// and ours must be the answer given there; every other HTTP 500 fails the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTmpDir } from '../helpers/tmp.js';
import { PYTHON, repoRoot } from '../helpers/paths.js';
import { startDaemon, supervisordAvailable, waitForLog, writeConf, type DaemonKind } from '../helpers/daemon.js';
import { freePort } from '../helpers/ports.js';

const SCRIPT = join(repoRoot, 'test', 'fixtures', 'interop', 'fault_parity.py');

/** The kinds of wrong value of fault_parity.py's WRONG table. */
const KINDS = [
  'int', 'str', 'empty-str', 'float', 'float-integral', 'float-big', 'float-small', 'inf', 'nan', 'true', 'false',
  'list', 'empty-list', 'nested-list', 'struct', 'empty-struct', 'nested-struct', 'none', 'bytes',
  'bytes-not-utf8', 'datetime',
] as const;
type Kind = (typeof KINDS)[number];

type Spec = { v: unknown } | { k: Kind } | { list: Spec[] } | { struct: [string, Spec][] };
type Outcome = { ok: unknown } | { fault: [number, string] } | { http: number };
/** One call; `deliberate`: supervisord answers HTTP 500 and this is ours. */
interface Case { id: string; method: string; args: Spec[]; twin: boolean; deliberate?: Outcome }

const INCORRECT: Outcome = { fault: [2, 'INCORRECT_PARAMETERS'] };
const incorrect = (kinds: readonly Kind[]): Partial<Record<Kind, Outcome>> => Object.fromEntries(kinds.map((k) => [k, INCORRECT]));

// The kinds for which supervisord's method raises a Python exception (HTTP 500 there, a FAILED
// struct inside a multicall), by what trips on them:
/** split_namespec(name): AttributeError: '<type>' object has no attribute 'split'. */
const NOT_STR = KINDS.filter((k) => !['str', 'empty-str', 'bytes', 'bytes-not-utf8'].includes(k));
/** int(offset): ValueError (through getattr(Faults, ...) an AttributeError in readLog), or OverflowError. */
const NOT_INT = ['str', 'empty-str', 'bytes', 'inf', 'nan'] as const;
/** signal_number(signal): int() fails, then signal.strip() (AttributeError), or int(inf) (OverflowError). */
const NOT_SIGNAL = ['inf', 'nan', 'list', 'empty-list', 'nested-list', 'struct', 'empty-struct', 'nested-struct', 'none', 'datetime'] as const;

interface Row {
  args: unknown[];
  /** The parameters replaced by each kind (default: all). */
  vary?: number[];
  /** Per parameter, the kinds supervisord answers with HTTP 500, and our answer (README, "Deliberate differences"). */
  http500?: Record<number, Partial<Record<Kind, Outcome>>>;
  /**
   * Offsets and lengths that skip float-big (1e16): what supervisord answers then depends on the
   * host, not on the type (seek past the file system's largest offset: FAILED; read(1e16):
   * MemoryError).
   */
  hostBound?: number[];
}

/**
 * Every method with valid argument rows; each parameter of a row (or those in `vary`) is replaced
 * in turn by each wrong kind. The rows keep the daemon's state: starts target running processes,
 * stops and stdin stopped ones, signals go to processes that ignore SIGHUP, and the two calls that
 * do change it (startAllProcesses starts `manual`, stopAllProcesses stops everything) run last.
 */
const TABLE: Record<string, { rows: Row[]; min?: number }> = {
  'system.listMethods': { rows: [{ args: [] }] },
  'system.methodHelp': { rows: [{ args: ['supervisor.getPID'] }] },
  'system.methodSignature': { rows: [{ args: ['supervisor.getPID'] }] },
  'system.multicall': {
    rows: [{
      args: [[]],
      // calls.pop() of a non-empty str; call.get() of an element that is not a struct (ours: a
      // fault for that element alone).
      http500: { 0: { str: INCORRECT, bytes: INCORRECT, list: { ok: [incorrectStruct()] }, 'nested-list': { ok: nestedListElements() } } },
    }],
  },
  'supervisor.addProcessGroup': { rows: [{ args: ['nope'] }] },
  'supervisor.clearAllProcessLogs': { rows: [{ args: [] }] },
  'supervisor.clearLog': { rows: [{ args: [] }] },
  'supervisor.clearProcessLog': { rows: [{ args: ['sleeper'], http500: { 0: incorrect(NOT_STR) } }] },
  'supervisor.clearProcessLogs': { rows: [{ args: ['sleeper'], http500: { 0: incorrect(NOT_STR) } }] },
  'supervisor.getAPIVersion': { rows: [{ args: [] }] },
  'supervisor.getAllConfigInfo': { rows: [{ args: [] }] },
  'supervisor.getAllProcessInfo': { rows: [{ args: [] }] },
  'supervisor.getIdentification': { rows: [{ args: [] }] },
  'supervisor.getPID': { rows: [{ args: [] }] },
  'supervisor.getProcessInfo': { rows: [{ args: ['sleeper'], http500: { 0: incorrect(NOT_STR) } }] },
  'supervisor.getState': { rows: [{ args: [] }] },
  'supervisor.getSupervisorVersion': { rows: [{ args: [] }] },
  'supervisor.getVersion': { rows: [{ args: [] }] },
  'supervisor.readLog': { rows: [{ args: [0, 0], http500: { 0: incorrect(NOT_INT), 1: incorrect(NOT_INT) }, hostBound: [0, 1] }] },
  'supervisor.readMainLog': { rows: [{ args: [0, 0], http500: { 0: incorrect(NOT_INT), 1: incorrect(NOT_INT) }, hostBound: [0, 1] }] },
  'supervisor.readProcessLog': { rows: readRows(0) },
  'supervisor.readProcessStderrLog': { rows: readRows(0) },
  'supervisor.readProcessStdoutLog': { rows: readRows(0) },
  'supervisor.reloadConfig': { rows: [{ args: [] }] },
  'supervisor.removeProcessGroup': { rows: [{ args: ['nope'] }] },
  'supervisor.restart': { rows: [{ args: [] }] },
  'supervisor.sendProcessStdin': { rows: [{ args: ['manual', 'hi'], http500: { 0: incorrect(NOT_STR) } }] },
  'supervisor.sendRemoteCommEvent': { rows: [{ args: ['t', 'd'] }] },
  'supervisor.shutdown': { rows: [{ args: [] }] },
  'supervisor.signalAllProcesses': { rows: [{ args: ['HUP'], http500: { 0: incorrect(NOT_SIGNAL) } }] },
  'supervisor.signalProcess': {
    rows: [
      { args: ['manual', 'HUP'], http500: { 0: incorrect(NOT_STR), 1: incorrect(NOT_SIGNAL) } },
      { args: ['sleeper', 'HUP'], vary: [1], http500: { 1: incorrect(NOT_SIGNAL) } },
      { args: ['grp:*', 'HUP'], vary: [1], http500: { 1: incorrect(NOT_SIGNAL) } },
    ],
  },
  'supervisor.signalProcessGroup': { rows: [{ args: ['grp', 'HUP'], http500: { 1: incorrect(NOT_SIGNAL) } }] },
  'supervisor.startAllProcesses': { rows: [{ args: [true] }], min: 0 },
  'supervisor.startProcess': { rows: [{ args: ['sleeper', true], http500: { 0: incorrect(NOT_STR) } }], min: 1 },
  'supervisor.startProcessGroup': { rows: [{ args: ['grp', true] }], min: 1 },
  'supervisor.stopAllProcesses': { rows: [{ args: [true] }], min: 0 },
  'supervisor.stopProcess': { rows: [{ args: ['manual', true], http500: { 0: incorrect(NOT_STR) } }], min: 1 },
  'supervisor.stopProcessGroup': { rows: [{ args: ['manual', true] }], min: 1 },
  'supervisor.tailProcessLog': { rows: readRows(100) },
  'supervisor.tailProcessStderrLog': { rows: readRows(100) },
  'supervisor.tailProcessStdoutLog': { rows: readRows(100) },
};
const LAST = ['supervisor.startAllProcesses', 'supervisor.stopAllProcesses'];

/** read*Log and tail*Log: on a process with a log, and on one without (no conversion happens then). */
function readRows(length: number): Row[] {
  return [
    { args: ['sleeper', 0, length], http500: { 0: incorrect(NOT_STR), 1: incorrect(NOT_INT), 2: incorrect(NOT_INT) }, hostBound: length === 0 ? [1, 2] : [] },
    { args: ['nolog', 0, length], vary: [1, 2] },
  ];
}

function incorrectStruct(): { faultCode: number; faultString: string } {
  return { faultCode: 2, faultString: 'INCORRECT_PARAMETERS' };
}

/** Our answer for each of nested-list's 8 elements as the calls of a multicall: the sixth is a struct without methodName. */
function nestedListElements(): unknown[] {
  const noName = { faultCode: 2, faultString: 'INCORRECT_PARAMETERS: No methodName' };
  return [0, 1, 2, 3, 4, 5, 6, 7].map((i) => (i === 5 ? noName : incorrectStruct()));
}

/**
 * supervisord's answer to a call with 99.0 as we give it (README): a <double> with an integral
 * value reaches our methods as the int 99, so its str() is '99' and its type 'int'.
 */
function asInt(o: Outcome): Outcome {
  return JSON.parse(JSON.stringify(o).replaceAll('99.0', '99').replaceAll("'float' object", "'int' object")) as Outcome;
}

const show = (spec: Spec): string => ('k' in spec ? `<${spec.k}>`
  : 'v' in spec ? JSON.stringify(spec.v)
    : 'list' in spec ? `[${spec.list.map(show).join(', ')}]`
      : `{${spec.struct.map(([k, v]) => `${k}: ${show(v)}`).join(', ')}}`);
const label = (method: string, args: readonly Spec[]): string => `${method}(${args.map(show).join(', ')})`;

function buildCases(): Case[] {
  const out: Case[] = [{ id: 'listMethods', method: 'system.listMethods', args: [], twin: false }];
  const add = (method: string, args: Spec[], deliberate?: Outcome): void => {
    out.push({ id: label(method, args), method, args, twin: method !== 'system.multicall', ...(deliberate ? { deliberate } : {}) });
  };
  const methods = Object.keys(TABLE).filter((m) => !LAST.includes(m)).sort().concat(LAST);
  for (const method of methods) {
    const { rows, min } = TABLE[method] as (typeof TABLE)[string];
    const first = (rows[0] as Row).args.map((v) => ({ v }));
    const least = min ?? first.length;
    if (least > 0) add(method, first.slice(0, least - 1));
    add(method, [...first, { v: 'extra' }]);
    for (const row of rows) {
      const valid = row.args.map((v) => ({ v }));
      for (const i of row.vary ?? valid.map((_, j) => j)) {
        for (const k of KINDS) {
          if (k === 'float-big' && row.hostBound?.includes(i)) continue;
          add(method, valid.map((s, j) => (j === i ? { k } : s)), row.http500?.[i]?.[k]);
        }
      }
    }
  }
  // The elements of system.multicall's array: not a struct, a methodName or params of each kind.
  const structs: readonly Kind[] = ['struct', 'empty-struct', 'nested-struct'];
  for (const k of KINDS) {
    add('system.multicall', [{ list: [{ k }] }], structs.includes(k) || k === 'bytes-not-utf8' ? undefined : { ok: [incorrectStruct()] });
    add('system.multicall', [{ list: [{ struct: [['methodName', { k }], ['params', { v: [] }]] }] }]);
    add('system.multicall', [{ list: [{ struct: [['methodName', { v: 'system.methodHelp' }], ['params', { k }]] }] }]);
    add('system.multicall', [{ list: [{ struct: [['methodName', { v: 'supervisor.nope' }], ['params', { k }]] }] }]);
  }
  add('system.multicall', [{ list: [{ struct: [['params', { v: [] }]] }] }]);
  return out;
}

async function run(t: test.TestContext, kind: DaemonKind, cases: readonly Case[]): Promise<Map<string, Outcome>> {
  const dir = makeTmpDir(t, 'fv-parity-');
  const port = await freePort();
  const program = (extra = '') => `command=/bin/sh -c "trap '' HUP; exec /bin/sleep 600"\nstartsecs=0\n${extra}`;
  const conf = writeConf(dir, `[inet_http_server]
port=127.0.0.1:${port}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:sleeper]
${program()}
[program:nolog]
${program('stdout_logfile=NONE\nstderr_logfile=NONE\n')}
[program:manual]
${program('autostart=false\n')}
[program:ga]
${program()}
[program:gb]
${program()}
[group:grp]
programs=ga,gb
`);
  const d = startDaemon(t, kind, dir, conf);
  await waitForLog(d, /^INFO supervisord started with pid/);
  const py = spawn(PYTHON, [SCRIPT, `http://127.0.0.1:${port}/RPC2`, dir], { stdio: ['pipe', 'pipe', 'pipe'] });
  t.after(() => { if (py.exitCode === null && py.pid !== undefined) process.kill(py.pid, 'SIGKILL'); });
  let out = '';
  let err = '';
  py.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  py.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  py.stdin.end(JSON.stringify({ ready: ['sleeper:sleeper', 'nolog:nolog', 'grp:ga', 'grp:gb'], cases }));
  const code = await new Promise<number | null>((resolve) => py.on('exit', resolve));
  assert.equal(code, 0, `${kind}: the python runner failed:\n${err}\n${out.slice(-2000)}`);
  const outcomes = new Map<string, Outcome>();
  for (const line of out.trim().split('\n')) {
    const { id, outcome } = JSON.parse(line) as { id: string; outcome: Outcome };
    outcomes.set(id, outcome);
  }
  return outcomes;
}

test('wrong arguments get the same answers from fleetvisord as from supervisord 4.2.5', {
  skip: !supervisordAvailable && 'supervisord 4.2.5 is not installed', timeout: 600_000,
}, async (t) => {
  const cases = buildCases();
  const settled = await Promise.allSettled([run(t, 'supervisord', cases), run(t, 'fleetvisord', cases)]);
  const [theirs, ours] = settled.map((r) => { if (r.status === 'rejected') throw r.reason; return r.value; }) as [Map<string, Outcome>, Map<string, Outcome>];
  assert.deepEqual([...ours.keys()], [...theirs.keys()], 'the same calls ran');
  assert.deepEqual((theirs.get('listMethods') as { ok: unknown }).ok, Object.keys(TABLE).sort(), 'the table covers every method');
  assert.deepEqual(ours.get('listMethods'), theirs.get('listMethods'));

  const deliberate = new Map(cases.map((c) => [c.id, c.deliberate]));
  const mismatches: string[] = [];
  for (const [id, answer] of theirs) {
    const expected = id.includes('<float-integral>') ? asInt(answer) : answer;
    const got = JSON.stringify(ours.get(id));
    const mine = deliberate.get(id);
    const is500 = 'http' in expected && expected.http === 500;
    if (is500 && mine === undefined) mismatches.push(`${id}\n  supervisord: HTTP 500, not listed as deliberate\n  fleetvisord: ${got}`);
    else if (!is500 && mine !== undefined) mismatches.push(`${id}\n  listed as HTTP 500, supervisord: ${JSON.stringify(expected)}`);
    else if (got !== JSON.stringify(mine ?? expected)) {
      mismatches.push(`${id}\n  ${mine ? 'deliberate: ' : 'supervisord:'} ${JSON.stringify(mine ?? expected)}\n  fleetvisord: ${got}`);
    }
  }
  // FV_PARITY_DUMP=/path keeps both daemons' outcomes for reading a mismatch at leisure.
  const dump = process.env['FV_PARITY_DUMP'];
  if (dump) writeFileSync(dump, JSON.stringify({ theirs: [...theirs], ours: [...ours] }, null, 1));
  if (mismatches.length > 0) assert.fail(`${mismatches.length} of ${theirs.size} calls differ:\n${mismatches.join('\n')}`);
});
