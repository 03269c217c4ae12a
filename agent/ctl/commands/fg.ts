// fg: stream a running process's stdout and stderr and send each typed line to its stdin, until
// Ctrl-C, end of input, or the process is no longer RUNNING.
import { ProcessState } from '../../process/states.js';
import { Faults, RpcFault } from '../../rpc/faults.js';
import type { Command, Controller } from '../controller.js';
import { EndOfInput, Interrupted } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { MSG, PRESS_CTRL_C, pyFault } from '../format.js';
import { pySplit } from '../line.js';
import { openFollowToStderr, type Follower } from '../tail-follow.js';
import { usage } from './common.js';

/** Reads lines and forwards them while the process runs; the text that ends the session. */
async function forwardInput(ctl: Controller, name: string): Promise<string[]> {
  const s = ctl.supervisor();
  for (;;) {
    let line: string;
    try {
      line = await ctl.term.readLine('');
    } catch (err) {
      if (err instanceof EndOfInput || err instanceof Interrupted) return [MSG.exitingForeground];
      throw err;
    }
    try {
      await s.sendProcessStdin(name, line + '\n');
    } catch (err) {
      if (!(err instanceof RpcFault)) throw err;
      return [err.code === Faults.NOT_RUNNING ? MSG.processGotKilled : MSG.error(pyFault(err.code, err.faultString)), MSG.exitingForeground];
    }
    const info = await s.getProcessInfo(name);
    if (info.state !== ProcessState.RUNNING) return [MSG.processGotKilled, MSG.exitingForeground];
  }
}

async function runFg(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const names = pySplit(arg);
  if (names.length === 0) { usage(ctl, MSG.noProcessName, 'fg', ExitCode.GENERIC); return; }
  if (names.length > 1) { usage(ctl, MSG.tooManyProcessNames, null, ExitCode.GENERIC); return; }
  if (ctl.out.json) { usage(ctl, MSG.fgNoJson, null, ExitCode.GENERIC); return; }
  const name = names[0] ?? '';
  let state: number;
  try {
    state = (await ctl.supervisor().getProcessInfo(name)).state;
  } catch (err) {
    if (!(err instanceof RpcFault)) throw err;
    if (err.code === Faults.BAD_NAME) usage(ctl, MSG.badProcessName, null, ExitCode.GENERIC);
    else ctl.out.fail(MSG.error(pyFault(err.code, err.faultString)));
    return;
  }
  if (state !== ProcessState.RUNNING) { usage(ctl, MSG.processNotRunning, null, ExitCode.GENERIC); return; }
  ctl.out.line(PRESS_CTRL_C);
  const write = (text: string): void => ctl.term.stdout.write(text);
  const streams: Follower[] = [openFollowToStderr(ctl, `/logtail/${name}/stdout`, write),
    openFollowToStderr(ctl, `/logtail/${name}/stderr`, write)];
  try {
    for (const l of await forwardInput(ctl, name)) ctl.out.line(l);
  } finally {
    for (const f of streams) f.close();
  }
}

export const fgCommands: readonly Command[] = [{ name: 'fg', run: runFg }];
