// FifoPool: pipes from FIFOs made in batches, each end a blocking description of its own, the
// private directory (0700) recreated when something removed it, nothing left open on failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, fstatSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { FifoPool } from '../../../agent/process/fifo-pool.js';
import { SpawnHelper } from '../../../agent/process/spawn-helper.js';
import { waitFor } from '../../helpers/wait-for.js';

const O_NONBLOCK = 0o4000;
const flagsOf = (fd: number): number => parseInt(/^flags:\s+(\d+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1] ?? '0', 8);

test('a pipe: one read end and one write end, blocking, unlinked; bytes flow through', (t) => {
  const pool = new FifoPool(8);
  t.after(() => pool.dispose());
  const { readFd, writeFd } = pool.pipe();
  assert.ok(fstatSync(readFd).isFIFO() && fstatSync(writeFd).isFIFO());
  assert.equal(flagsOf(readFd) & (O_NONBLOCK | 3), 0, 'read-only, blocking');
  assert.equal(flagsOf(writeFd) & (O_NONBLOCK | 3), 1, 'write-only, blocking');
  assert.equal(fstatSync(readFd).nlink, 0, 'the FIFO has no name any more');
  writeSync(writeFd, 'hello');
  closeSync(writeFd);
  const buf = Buffer.alloc(16);
  assert.equal(buf.subarray(0, readSync(readFd, buf)).toString(), 'hello');
  assert.equal(readSync(readFd, buf), 0, 'EOF once the only writer closed');
  closeSync(readFd);
});

test('FIFOs come in batches: one mkfifo exec serves many pipes; the directory is private', async (t) => {
  const pool = new FifoPool(32);
  t.after(() => pool.dispose());
  const fds: number[] = [];
  for (let i = 0; i < 90; i++) { const p = pool.pipe(); fds.push(p.readFd, p.writeFd); }
  assert.ok(pool.execs.waited + pool.execs.background <= 4, JSON.stringify(pool.execs));
  const dir = pool.dir ?? '';
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  // A batch made in the background joins the pool once its mkfifo exited.
  await waitFor(() => readdirSync(dir).length === pool.available, { what: 'only unused FIFOs to have names' });
  for (const fd of fds) closeSync(fd);
  pool.dispose();
  assert.throws(() => statSync(dir), { code: 'ENOENT' });
});

test('a removed directory (a /tmp cleaner) is replaced by a new one', (t) => {
  const pool = new FifoPool(8);
  t.after(() => pool.dispose());
  const first = pool.pipe();
  const dir = pool.dir ?? '';
  rmSync(dir, { recursive: true });
  const second = pool.pipe();
  assert.notEqual(pool.dir, dir);
  for (const fd of [first.readFd, first.writeFd, second.readFd, second.writeFd]) closeSync(fd);
});

test('with the spawn helper as maker, batches are made without any mkfifo exec; a dead helper hands back to mkfifo', async (t) => {
  const helper = SpawnHelper.start();
  assert.ok(helper !== null, 'fv-spawn is built');
  const pool = new FifoPool(16);
  t.after(() => { pool.dispose(); helper.close(); });
  pool.setMaker(helper);
  const fds: number[] = [];
  t.after(() => { for (const fd of fds) closeSync(fd); });
  for (let i = 0; i < 40; i++) {
    const p = pool.pipe();
    fds.push(p.readFd, p.writeFd);
    assert.ok(fstatSync(p.readFd).isFIFO());
  }
  assert.deepEqual(pool.execs, { background: 0, waited: 0 });
  assert.equal(statSync(pool.dir ?? '').mode & 0o777, 0o700);
  const made = readdirSync(pool.dir ?? '');
  assert.ok(made.length > 0);
  for (const f of made) assert.equal(statSync(`${pool.dir}/${f}`).mode & 0o777, 0o600, 'FIFOs are 0600');
  process.kill(helper.pid, 'SIGKILL');
  await waitFor(() => !helper.alive, { what: 'helper death noticed' });
  for (let i = 0; i < 40; i++) {
    const p = pool.pipe();
    fds.push(p.readFd, p.writeFd);
  }
  assert.ok(pool.execs.waited + pool.execs.background > 0, 'mkfifo again');
});
