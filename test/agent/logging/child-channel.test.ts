// ChildLogChannel: file contents, events, capture/communication, debug mirroring, listener stdout, syslog, clear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { makeTmpDir } from '../../helpers/tmp.js';
import { ChildLogChannel, type ChildLogChannelOptions } from '../../../agent/logging/child-channel.js';
import type { Logger } from '../../../agent/logging/types.js';

type Recorded = { logger: Logger; lines: string[] };

function fakeMainLog(level: number): Recorded {
  const lines: string[] = [];
  const at = (tag: string) => (msg: string) => { lines.push(`${tag} ${msg}`); };
  return {
    lines,
    logger: { level, critical: at('CRIT'), error: at('ERRO'), warn: at('WARN'), info: at('INFO'), debug: at('DEBG'), trace: at('TRAC'), blather: at('BLAT') },
  };
}

interface Harness { channel: ChildLogChannel; main: Recorded; logs: string[]; comms: string[]; syslog: string[]; path: string }

function makeChannel(t: { after(fn: () => void): void }, over: Partial<ChildLogChannelOptions> = {}, level = 20): Harness {
  const path = join(makeTmpDir(t), 'web.log');
  const main = fakeMainLog(level);
  const logs: string[] = [];
  const comms: string[] = [];
  const syslog: string[] = [];
  const channel = new ChildLogChannel({
    processName: 'web', groupName: 'web', channel: 'stdout', logfile: path, maxbytes: 0, backups: 0,
    captureMaxbytes: 0, eventsEnabled: false, syslog: false, stripAnsi: false, isListenerStdout: false,
    fileMode: 0o666, mainLog: main.logger,
    onLog: (d) => { logs.push(d.toString('latin1')); },
    onCommunication: (d) => { comms.push(d.toString('latin1')); },
    syslogWriter: { send: (l) => { syslog.push(l); }, close: () => undefined },
    ...over,
  });
  t.after(() => channel.close());
  return { channel, main, logs, comms, syslog, path: over.logfile === undefined ? path : (over.logfile ?? '') };
}

const text = (s: string): Buffer => Buffer.from(s, 'latin1');

test('chunks are written raw to the log file, at once, with no events when disabled', (t) => {
  const h = makeChannel(t);
  h.channel.write(text('one\n'));
  h.channel.write(text('tw'));
  assert.equal(readFileSync(h.path, 'latin1'), 'one\ntw');
  assert.deepEqual(h.logs, []);
  assert.deepEqual(h.main.lines, []);
});

test('events enabled: one PROCESS_LOG payload per chunk, after ANSI stripping', (t) => {
  const h = makeChannel(t, { eventsEnabled: true, stripAnsi: true });
  h.channel.write(text('\x1b[31mred\x1b[0m\n'));
  h.channel.write(text('plain'));
  assert.deepEqual(h.logs, ['red\n', 'plain']);
  assert.equal(readFileSync(h.path, 'latin1'), 'red\nplain');
});

test('a chunk made only of escapes still mirrors and emits an empty event', (t) => {
  const h = makeChannel(t, { eventsEnabled: true, stripAnsi: true }, 10);
  h.channel.write(text('\x1b[0m'));
  assert.deepEqual(h.logs, ['']);
  assert.deepEqual(h.main.lines, ["DEBG 'web' stdout output:\n"]);
});

test('capture mode: block goes to PROCESS_COMMUNICATION, not the file; captured bytes also emit PROCESS_LOG (quirk)', (t) => {
  const h = makeChannel(t, { captureMaxbytes: 100, eventsEnabled: true }, 10);
  h.channel.write(text('text before the block\n<!--XSUPERVISOR:BEGIN-->payload<!--XSUPERVISOR:END-->and text after the block\n'));
  assert.equal(readFileSync(h.path, 'latin1'), 'text before the block\nand text after the block\n');
  assert.deepEqual(h.comms, ['payload']);
  assert.deepEqual(h.logs, ['text before the block\n', 'payload', 'and text after the block\n']);
  assert.deepEqual(h.main.lines, [
    "DEBG 'web' stdout output:\ntext before the block\n",
    "DEBG 'web' stdout output:\npayload",
    "DEBG 'web' stdout emitted a comm event",
    "DEBG 'web' stdout output:\nand text after the block\n",
  ]);
});

test('capture mode: the comm event carries at most capture_maxbytes (front dropped per write)', (t) => {
  const h = makeChannel(t, { captureMaxbytes: 10 });
  h.channel.write(text('<!--XSUPERVISOR:BEGIN-->'));
  h.channel.write(text('abcdefghijklmnopqrstuvwxyz0'));
  h.channel.write(text('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123<!--XSUPERVISOR:END-->'));
  assert.equal(h.comms.length, 1);
  assert.equal(h.comms[0], 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123');
});

test('capture mode: short output is never logged when the pipe closes (quirk)', (t) => {
  const h = makeChannel(t, { captureMaxbytes: 100 });
  h.channel.write(text('ab'));
  h.channel.close();
  assert.equal(readFileSync(h.path, 'latin1'), '');
});

test('debug mirroring: UTF-8 text as is, undecodable chunks as a bytes repr; nothing above debug', (t) => {
  const h = makeChannel(t, { processName: "it's" }, 10);
  h.channel.write(Buffer.from('héllo\n', 'utf8'));
  h.channel.write(Buffer.from([0x88, 0x0a]));
  assert.deepEqual(h.main.lines, [`DEBG "it's" stdout output:\nhéllo\n`, `DEBG "it's" stdout output:\nUndecodable: b'\\x88\\n'`]);
  const quiet = makeChannel(t, {}, 20);
  quiet.channel.write(text('x'));
  assert.deepEqual(quiet.main.lines, []);
});

test('listener stdout: mirrored as a bytes repr, written to the file, no events, capture or syslog', (t) => {
  const h = makeChannel(t, { processName: 'listener', isListenerStdout: true, eventsEnabled: true, captureMaxbytes: 100, syslog: true }, 10);
  h.channel.write(text('READY\n'));
  assert.deepEqual(h.main.lines, ["DEBG 'listener' stdout output:\nb'READY\\n'"]);
  assert.equal(readFileSync(h.path, 'latin1'), 'READY\n');
  assert.deepEqual(h.logs, []);
  assert.deepEqual(h.syslog, []);
});

test('syslog: each line of a chunk becomes "<name> <line>", trailing newlines removed', (t) => {
  const h = makeChannel(t, { syslog: true, logfile: null });
  h.channel.write(text('first\n\nthird\n\n'));
  h.channel.write(Buffer.from([0xff, 0x0a]));
  assert.deepEqual(h.syslog, ['web first', 'web ', 'web third']);
});

test('logfile null: nothing is written, events still fire', (t) => {
  const h = makeChannel(t, { logfile: null, eventsEnabled: true });
  h.channel.write(text('data'));
  assert.deepEqual(h.logs, ['data']);
  assert.equal(h.channel.path, null);
});

test('clear empties the file and the capture buffer; reopen follows an external move', (t) => {
  const h = makeChannel(t, { captureMaxbytes: 100 });
  h.channel.write(text('logged text that is long enough\n<!--XSUPERVISOR:BEGIN-->lost part '.padEnd(80, '.')));
  h.channel.clear();
  assert.equal(readFileSync(h.path, 'latin1'), '');
  h.channel.write(text('kept<!--XSUPERVISOR:END-->'));
  assert.deepEqual(h.comms, ['kept']);
});

test('the channel rotates its file', (t) => {
  const h = makeChannel(t, { maxbytes: 10, backups: 1 });
  h.channel.write(text('0123456789AB'));
  assert.equal(statSync(`${h.path}.1`).size, 10);
  assert.equal(statSync(h.path).size, 2);
});

test('writes after close are ignored and the file is closed', (t) => {
  const h = makeChannel(t, { eventsEnabled: true });
  h.channel.close();
  h.channel.write(text('late'));
  assert.deepEqual(h.logs, []);
  assert.equal(readFileSync(h.path, 'latin1'), '');
});

test('an explicit log file is created at construction; an impossible path throws with its errno code', (t) => {
  const h = makeChannel(t);
  assert.equal(existsSync(h.path), true);
  const main = fakeMainLog(20);
  assert.throws(() => new ChildLogChannel({
    processName: 'x', groupName: 'x', channel: 'stderr', logfile: join(h.path, 'sub', 'x.log'), maxbytes: 0, backups: 0,
    captureMaxbytes: 0, eventsEnabled: false, syslog: false, stripAnsi: false, isListenerStdout: false, fileMode: 0o666, mainLog: main.logger,
  }), { code: 'ENOTDIR' });
});
