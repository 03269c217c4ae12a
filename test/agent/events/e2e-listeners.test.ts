// Real listeners under a real fleetvisord: a supervisor.childutils listener (Debian's library) and
// our well-behaved recorder keep receiving every event, in order and without gaps, while listeners
// in other pools reject, die mid-event, dawdle, write garbage, announce an absurd RESULT length and
// close their stdout; and the daemon keeps restarting a crashing program and answering its API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYTHON, programsDir } from '../../helpers/paths.js';
import { startDaemon, waitForLog, writeConf } from '../../helpers/daemon.js';
import { freePort } from '../../helpers/ports.js';
import { apiSections, pyRpc } from '../../helpers/py-rpc.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait-for.js';

interface Recorded { headers: Record<string, string>; payload: string }

function records(file: string): Recorded[] {
  let text = '';
  try { text = readFileSync(file, 'utf8'); } catch { return []; }
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Recorded);
}

const node = process.execPath;
const fixture = (name: string) => `${node} ${join(programsDir, name)}`;

function conf(dir: string, port: number): string {
  const listener = (name: string, command: string, events: string, extra = '') =>
    `[eventlistener:${name}]\ncommand=${command}\nevents=${events}\n${extra}\n`;
  return apiSections(port)
    + listener('good', `${fixture('listener-record.js')} ${dir}/good.jsonl`, 'PROCESS_STATE,REMOTE_COMMUNICATION', 'buffer_size=500')
    + listener('childutils', `${PYTHON} ${join(programsDir, 'childutils-recorder.py')} ${dir}/childutils.jsonl`,
      'PROCESS_STATE,REMOTE_COMMUNICATION', 'buffer_size=500')
    + listener('reject', `${fixture('listener-reject.js')} ${dir}/reject.jsonl`, 'PROCESS_STATE_EXITED', 'buffer_size=100')
    + listener('die', fixture('listener-die.js'), 'PROCESS_STATE_EXITED', 'autorestart=true\nstartretries=100')
    + listener('slow', `${fixture('listener-slow.js')} 600`, 'PROCESS_STATE')
    + listener('garbage', fixture('listener-garbage.js'), 'PROCESS_STATE')
    + listener('huge', fixture('listener-huge.js'), 'PROCESS_STATE')
    + listener('closer', fixture('listener-close-stdout.js'), 'PROCESS_STATE')
    + `[program:crash]
command=${fixture('diff-exit.js')} 1.2 3
startsecs=1
autorestart=unexpected
exitcodes=0
`;
}

const exitsOf = (rs: Recorded[], name: string) =>
  rs.filter((r) => r.headers['eventname'] === 'PROCESS_STATE_EXITED' && r.payload.startsWith(`processname:${name} `)).length;

test('misbehaving listeners are contained: other pools and the daemon carry on', { timeout: 120_000 }, async (t) => {
  const dir = makeTmpDir(t, 'fv-listeners-');
  const port = await freePort();
  const d = startDaemon(t, 'fleetvisord', dir, writeConf(dir, conf(dir, port)));
  await waitForLog(d, /^WARN garbage: bad result line: 'no thanks, not today'$/, 30_000);
  await waitForLog(d, /^WARN huge: result length 99999999999999 is more than 1048576 bytes$/);
  await waitForLog(d, /^WARN (garbage|huge): has entered the UNKNOWN state and will no longer receive events/);
  await waitForLog(d, /^WARN reject: event was rejected$/, 20_000);
  await waitForLog(d, /^WARN exited: die \(exit status 1; not expected\)$/, 20_000);

  // After all of that, the good listeners still get the crashing program's later cycles.
  const good = join(dir, 'good.jsonl');
  const before = exitsOf(records(good), 'crash');
  await waitFor(() => exitsOf(records(good), 'crash') >= before + 2, { timeoutMs: 30_000, what: 'two more crash cycles recorded' });
  assert.deepEqual(await pyRpc(port, 'supervisor.getState'), { statecode: 1, statename: 'RUNNING' });
  assert.equal(await pyRpc(port, 'supervisor.sendRemoteCommEvent', 'note', 'h\u00e9llo \u{1F600}'), true);
  const childutils = join(dir, 'childutils.jsonl');
  const isNote = (r: Recorded) => r.headers['eventname'] === 'REMOTE_COMMUNICATION';
  await waitFor(() => records(good).some(isNote) && records(childutils).some(isNote), { what: 'the remote event in both' });

  for (const file of [good, childutils]) {
    const rs = records(file);
    // Nothing dropped, nothing repeated: poolserials 0..n-1, serials strictly increasing.
    assert.deepEqual(rs.map((r) => Number(r.headers['poolserial'])), rs.map((_, i) => i), file);
    const serials = rs.map((r) => Number(r.headers['serial']));
    assert.ok(serials.every((s, i) => i === 0 || s > (serials[i - 1] as number)), `${file}: serials increase`);
    // The payload a Python reader got is exactly `len` characters (len counts characters).
    for (const r of rs) assert.equal([...r.payload].length, Number(r.headers['len']));
    assert.equal(rs.find(isNote)?.payload, 'type:note\nh\u00e9llo \u{1F600}');
  }
  // Both pools subscribe to the same events: same serials, same payloads, same order.
  const strip = (r: Recorded) => `${r.headers['serial']} ${r.headers['eventname']} ${r.payload}`;
  const a = records(good).map(strip);
  const b = records(childutils).map(strip);
  const n = Math.min(a.length, b.length);
  assert.deepEqual(a.slice(0, n), b.slice(0, n));

  // The rejecting listener saw each event twice in a row, with the same serials both times.
  const rej = records(join(dir, 'reject.jsonl'));
  const complete = rej.length - (rej.length % 2);
  assert.ok(complete >= 2);
  for (let i = 0; i < complete; i += 2) {
    assert.deepEqual(rej[i + 1]?.headers, rej[i]?.headers, `redelivery ${i / 2}`);
  }
  const log = d.mainLog();
  assert.match(log, /ERRO pool slow event buffer overflowed, discarding event \d+/, 'the slow pool overflows on its own');
  // The only errors are the overflows of the pools whose listeners stopped taking events.
  assert.deepEqual(log.split('\n').filter((l) => / ERRO /.test(l) && !/ ERRO pool (slow|closer|garbage|huge) event buffer overflowed/.test(l)), []);
  assert.doesNotMatch(d.stderr(), /unhandled|Error/);
  assert.equal(await d.stop(), 0);
});
