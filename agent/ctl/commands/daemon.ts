// shutdown, reload, version and open: the daemon itself and which daemon we talk to.
import { Faults, RpcFault } from '../../rpc/faults.js';
import type { Command, Controller } from '../controller.js';
import { ExitCode } from '../exit-codes.js';
import { isNoFile, isRefused } from '../unexpected.js';
import { splitUrl } from '../url.js';
import { usage } from './common.js';
import { runStatus } from './status.js';

/**
 * No arguments allowed; then, with -i or in the shell, ask first (yes only for an answer starting
 * with y or Y). False when the command should not go on.
 */
async function mayGoOn(ctl: Controller, command: string, arg: string, question: string): Promise<boolean> {
  if (arg !== '') { usage(ctl, `Error: ${command} accepts no arguments`, command, ExitCode.GENERIC); return false; }
  if (!ctl.opts.interactive || (await ctl.term.readLine(question)).toLowerCase().startsWith('y')) return true;
  ctl.out.doc([], { result: 'cancelled' });
  return false;
}

async function runShutdown(ctl: Controller, arg: string): Promise<void> {
  if (!(await mayGoOn(ctl, 'shutdown', arg, 'Really shut the remote supervisord process down y/N? '))) return;
  try {
    await ctl.supervisor().shutdown();
  } catch (err) {
    if (err instanceof RpcFault) {
      if (err.code !== Faults.SHUTDOWN_STATE) { ctl.exitstatus = ExitCode.GENERIC; throw err; }
      ctl.out.fail('ERROR: already shutting down');
      return;
    }
    ctl.exitstatus = ExitCode.GENERIC;
    if (isRefused(err)) ctl.out.fail(`ERROR: ${ctl.opts.serverurl} refused connection (already shut down?)`);
    else if (isNoFile(err)) ctl.out.fail(`ERROR: ${ctl.opts.serverurl} no such file (already shut down?)`);
    else throw err;
    return;
  }
  ctl.out.doc('Shut down', { result: 'shut down' });
}

async function runReload(ctl: Controller, arg: string): Promise<void> {
  if (!(await mayGoOn(ctl, 'reload', arg, 'Really restart the remote supervisord process y/N? '))) return;
  try {
    await ctl.supervisor().restart();
  } catch (err) {
    if (!(err instanceof RpcFault)) throw err;
    ctl.exitstatus = ExitCode.GENERIC;
    if (err.code !== Faults.SHUTDOWN_STATE) throw err;
    ctl.out.fail('ERROR: already shutting down');
    return;
  }
  ctl.out.doc('Restarted supervisord', { result: 'restarted' });
}

async function runVersion(ctl: Controller, arg: string): Promise<void> {
  if (arg !== '') { usage(ctl, 'Error: version accepts no arguments', 'version', ExitCode.GENERIC); return; }
  if (!(await ctl.upcheck())) return;
  const version = await ctl.supervisor().getSupervisorVersion();
  ctl.out.doc(version, { version });
}

/** Switches to another server and shows its status (whose exit status is not kept). */
async function runOpen(ctl: Controller, arg: string): Promise<void> {
  const scheme = splitUrl(arg).scheme;
  if (scheme !== 'unix' && scheme !== 'http') {
    ctl.out.fail('ERROR: url must be http:// or unix://');
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
