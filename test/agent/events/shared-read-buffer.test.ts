// Every child pipe is read into one shared buffer (agent/process/child-pipes.ts): chunks are views
// valid only while they are handled. Checked here: with several children writing at once, the
// log files, the PROCESS_LOG payloads and the capture-mode PROCESS_COMMUNICATION payloads a
// listener receives later hold exactly what each child wrote, never bytes of another child's read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { programsDir } from '../../helpers/paths.js';
import { startDaemon, waitForLog, writeConf } from '../../helpers/daemon.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait-for.js';

const node = process.execPath;
const COUNT = 300;
const line = (tag: string, i: number) => `${tag} ${i} ${tag.repeat(200)}\n`;

test('concurrent children never see each other\'s bytes in logs, log events or capture events', { timeout: 120_000 }, async (t) => {
  const dir = makeTmpDir(t);
  const writer = (tag: string, mode: string, extra: string) => `[program:${tag}]
command=${node} ${join(programsDir, 'pattern-writer.js')} ${tag} ${COUNT} ${mode}
stdout_logfile=%(here)s/${tag}.log
stderr_logfile=NONE
startsecs=0
${extra}
`;
  const conf = writeConf(dir, [
    // The listener takes the events only once it is RUNNING: by then the read buffer has been
    // reused thousands of times, so a payload that still pointed into it would be garbage.
    `[eventlistener:rec]\ncommand=${node} ${join(programsDir, 'listener-record.js')} ${dir}/events.jsonl\nevents=PROCESS_LOG,PROCESS_COMMUNICATION\nbuffer_size=2000\nstartsecs=2\n`,
    writer('aa', 'plain', 'stdout_events_enabled=true'),
    writer('bb', 'capture', 'stdout_capture_maxbytes=1MB'),
    writer('cc', 'plain', ''),
    writer('dd', 'plain', ''),
  ].join('\n'));
  const d = startDaemon(t, 'fleetvisord', dir, conf);
  await waitForLog(d, /^INFO success: rec entered RUNNING/);
  const expected = (tag: string) => Array.from({ length: COUNT }, (_, i) => line(tag, i)).join('');
  for (const tag of ['aa', 'cc', 'dd']) {
    await waitFor(() => { try { return readFileSync(join(dir, `${tag}.log`), 'utf8').length >= expected(tag).length; } catch { return false; } }, { what: `${tag}.log complete` });
    assert.equal(readFileSync(join(dir, `${tag}.log`), 'utf8'), expected(tag), `${tag}.log`);
  }
  const events = () => readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as { headers: Record<string, string>; payload: string });
  const body = (payload: string) => payload.slice(payload.indexOf('\n') + 1);
  await waitFor(() => {
    try { return events().filter((e) => e.headers['eventname'] === 'PROCESS_COMMUNICATION_STDOUT').length === COUNT; } catch { return false; }
  }, { timeoutMs: 60_000, what: 'every capture event' });
  const all = events();
  const comm = all.filter((e) => e.headers['eventname'] === 'PROCESS_COMMUNICATION_STDOUT').map((e) => body(e.payload));
  assert.deepEqual(comm, Array.from({ length: COUNT }, (_, i) => line('bb', i)));
  await waitFor(() => events().filter((e) => e.headers['eventname'] === 'PROCESS_LOG_STDOUT').map((e) => body(e.payload)).join('').length >= expected('aa').length,
    { timeoutMs: 60_000, what: 'every log event of aa' });
  const logged = events().filter((e) => e.headers['eventname'] === 'PROCESS_LOG_STDOUT' && e.payload.startsWith('processname:aa ')).map((e) => body(e.payload)).join('');
  assert.equal(logged, expected('aa'));
  assert.equal(await d.stop(), 0);
});
