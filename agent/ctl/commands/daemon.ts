// shutdown, reload, version and open: the daemon itself and which daemon we talk to.
import { Faults, RpcFault } from '../../rpc/faults.js';
import type { Command, Controller } from '../controller.js';
import { ExitCode } from '../exit-codes.js';
import { MSG } from '../format.js';
import { isNoFile, isRefused } from '../unexpected.js';
import { splitUrl } from '../url.js';
import { usage } from './common.js';
import { runStatus } from './status.js';

/**
 * No arguments allowed; then, with -i or in the shell, ask first (yes only for an answer starting
 * with y or Y). False when the command should not go on.
 */
async function mayGoOn(ctl: Controller, command: string, arg: string, question: string): Promise<boolean> {
  if (arg !== '') { usage(ctl, MSG.acceptsNoArguments(command), command, ExitCode.GENERIC); return false; }
  if (!ctl.opts.interactive || (await ctl.term.readLine(question)).toLowerCase().startsWith('y')) return true;
  ctl.out.doc([], { result: 'cancelled' });
  return false;
}

async function runShutdown(ctl: Controller, arg: string): Promise<void> {
  if (!(await mayGoOn(ctl, 'shutdown', arg, MSG.confirmShutdown))) return;
  try {
    await ctl.supervisor().shutdown();
  } catch (err) {
    if (err instanceof RpcFault) {
      if (err.code !== Faults.SHUTDOWN_STATE) { ctl.exitstatus = ExitCode.GENERIC; throw err; }
      ctl.out.fail(MSG.alreadyShuttingDown);
      return;
    }
    ctl.exitstatus = ExitCode.GENERIC;
    if (isRefused(err)) ctl.out.fail(MSG.shutdownRefused(ctl.opts.serverurl));
    else if (isNoFile(err)) ctl.out.fail(MSG.shutdownNoFile(ctl.opts.serverurl));
    else throw err;
    return;
  }
  ctl.out.doc(MSG.shutDown, { result: 'shut down' });
}

async function runReload(ctl: Controller, arg: string): Promise<void> {
  if (!(await mayGoOn(ctl, 'reload', arg, MSG.confirmReload))) return;
  try {
    await ctl.supervisor().restart();
  } catch (err) {
    if (!(err instanceof RpcFault)) throw err;
    ctl.exitstatus = ExitCode.GENERIC;
    if (err.code !== Faults.SHUTDOWN_STATE) throw err;
    ctl.out.fail(MSG.alreadyShuttingDown);
    return;
  }
  ctl.out.doc(MSG.restarted, { result: 'restarted' });
}

async function runVersion(ctl: Controller, arg: string): Promise<void> {
  if (arg !== '') { usage(ctl, MSG.acceptsNoArguments('version'), 'version', ExitCode.GENERIC); return; }
  if (!(await ctl.upcheck())) return;
  const version = await ctl.supervisor().getSupervisorVersion();
  ctl.out.doc(version, { version });
}

/** Switches to another server and shows its status (whose exit status is not kept). */
async function runOpen(ctl: Controller, arg: string): Promise<void> {
  const scheme = splitUrl(arg).scheme;
  // supervisorctl's two schemes, and ours: https.
  if (scheme !== 'unix' && scheme !== 'http' && scheme !== 'https') {
    ctl.out.fail(MSG.badOpenUrl);
    ctl.exitstatus = ExitCode.GENERIC;
    return;
  }
  ctl.opts.serverurl = arg;
  const before = ctl.exitstatus;
  await runStatus(ctl, '');
  ctl.exitstatus = before;
}

export const daemonCommands: readonly Command[] = [
  { name: 'shutdown', run: runShutdown },
  { name: 'reload', run: runReload },
  { name: 'version', run: runVersion },
  { name: 'open', run: runOpen },
];
