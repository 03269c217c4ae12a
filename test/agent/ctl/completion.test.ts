// Tab completion as supervisorctl's Controller.complete, and the history file format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { complete, currentWord } from '../../../agent/ctl/completion.js';
import { loadHistory, saveHistory } from '../../../agent/ctl/shell.js';
import type { ProcessInfo } from '../../../agent/rpc/wire-types.js';
import { toProcessInfoList } from '../../../agent/rpc/wire-types.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { proc } from './fake.js';

const VOCAB = ['status', 'start', 'stop', 'help', 'add', 'tail', 'update'];
const INFOS = toProcessInfoList([proc('web', 'web', 20, 'RUNNING'), proc('grp', 'a', 20, 'RUNNING'), proc('grp', 'b', 0, 'STOPPED'),
  proc('web-2', 'web-2', 0, 'STOPPED')]);

async function c(line: string): Promise<string[]> {
  let asked = 0;
  const r = await complete(line, VOCAB, async (): Promise<readonly ProcessInfo[]> => { asked++; return INFOS; });
  if (!/\s/.test(line.trim()) && !line.endsWith(' ')) assert.equal(asked, 0, 'command names need no server call');
  return r;
}

test('the first word completes to command names', async () => {
  assert.deepEqual(await c(''), VOCAB.map((v) => v + ' '));
  assert.deepEqual(await c('st'), ['status ', 'start ', 'stop ']);
  assert.deepEqual(await c('  sta'), ['status ', 'start ']);
  assert.deepEqual(await c('x'), []);
});

test('process commands complete name, group:name and group:*', async () => {
  assert.deepEqual(await c('start '), ['web ', 'grp:a ', 'grp:* ', 'grp:b ', 'web-2 ']);
  assert.deepEqual(await c('stop g'), ['grp:a ', 'grp:* ', 'grp:b ']);
  assert.deepEqual(await c('tail web'), ['web ', 'web-2 ']);
  assert.deepEqual(await c('status web:'), ['web:web ', 'web:* ']);
  assert.deepEqual(await c('status x web-'), ['web-2 ']);
});

test('group commands complete group names; help completes command names; others nothing', async () => {
  assert.deepEqual(await c('update '), ['web ', 'grp ', 'web-2 ']);
  assert.deepEqual(await c('add g'), ['grp ']);
  assert.deepEqual(await c('help st'), ['status ', 'start ', 'stop ']);
  // supervisorctl tests `action in ('help')`, a substring test.
  assert.deepEqual(await c('hel st'), ['status ', 'start ', 'stop ']);
  assert.deepEqual(await c('version '), []);
});

test('the word being completed keeps :, * and - (removed from readline delimiters)', () => {
  assert.equal(currentWord('stop grp:*'), 'grp:*');
  assert.equal(currentWord('tail web-2'), 'web-2');
  assert.equal(currentWord('tail a/b'), 'b');
  assert.equal(currentWord('tail '), '');
});

test('history file: oldest line first on disk, newest first in memory, mode 0600', (t) => {
  const dir = makeTmpDir(t, 'fvctl-');
  const file = join(dir, 'h');
  assert.deepEqual(loadHistory(file), []);
  writeFileSync(file, 'status\nstart web\n\n');
  assert.deepEqual(loadHistory(file), ['start web', 'status']);
  saveHistory(file, ['tail web', 'start web', 'status']);
  assert.equal(readFileSync(file, 'utf8'), 'status\nstart web\ntail web\n');
  assert.equal(statSync(file).mode & 0o777, 0o600);
});
