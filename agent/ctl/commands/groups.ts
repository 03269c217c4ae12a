// avail, reread, update, add and remove: the configured processes and activating config changes.
import { Faults, RpcFault } from '../../rpc/faults.js';
import type { SupervisorProxy } from '../connection.js';
import type { Command, Controller } from '../controller.js';
import { ExitCode } from '../exit-codes.js';
import { changeLines, changesJson, configInfoJson, configInfoLine, MSG, UPDATE } from '../format.js';
import { pySplit } from '../line.js';
import { reportNameError, usage } from './common.js';

function faultCode(err: unknown): number | null {
  return err instanceof RpcFault ? err.code : null;
}

async function runAvail(ctl: Controller, arg: string): Promise<void> {
  if (arg !== '') { usage(ctl, MSG.acceptsNoArguments('avail'), 'avail', ExitCode.GENERIC); return; }
  try {
    for (const ci of await ctl.supervisor().getAllConfigInfo()) ctl.out.item(configInfoLine(ci), configInfoJson(ci));
  } catch (err) {
    ctl.exitstatus = ExitCode.GENERIC;
    if (faultCode(err) !== Faults.SHUTDOWN_STATE) throw err;
    ctl.out.fail(MSG.supervisorShuttingDown);
  }
}

async function runReread(ctl: Controller, arg: string): Promise<void> {
  if (arg !== '') { usage(ctl, MSG.acceptsNoArguments('reread'), 'reread', ExitCode.GENERIC); return; }
  try {
    const changes = await ctl.supervisor().reloadConfig();
    ctl.out.doc(changeLines(changes), changesJson(changes));
  } catch (err) {
    ctl.exitstatus = ExitCode.GENERIC;
    const code = faultCode(err);
    if (code === Faults.SHUTDOWN_STATE) ctl.out.fail(MSG.supervisorShuttingDown);
    else if (code === Faults.CANT_REREAD && err instanceof RpcFault) ctl.out.fail(MSG.error(err.faultString));
    else throw err;
  }
}

function logged(ctl: Controller, group: string, message: string): void {
  ctl.out.item(MSG.groupDone(group, message), { name: group, result: message });
}

/** The group names update may touch: all (empty set) or those given, each checked to exist. */
async function restrictTo(ctl: Controller, s: SupervisorProxy, arg: string, added: readonly string[]): Promise<Set<string>> {
  const wanted = new Set(pySplit(arg));
  if (wanted.has('all')) return new Set();
  if (wanted.size === 0) return wanted;
  const known = new Set((await s.getAllProcessInfo()).map((i) => i.group));
  for (const g of added) known.add(g);
  for (const g of wanted) {
    if (known.has(g)) continue;
    reportNameError(ctl, MSG.noSuchGroup(g), g, 'no such group');
    ctl.exitstatus = ExitCode.GENERIC;
  }
  return wanted;
}

async function runUpdate(ctl: Controller, arg: string): Promise<void> {
  const s = ctl.supervisor();
  let changes;
  try {
    changes = await s.reloadConfig();
  } catch (err) {
    ctl.exitstatus = ExitCode.GENERIC;
    if (faultCode(err) !== Faults.SHUTDOWN_STATE) throw err;
    ctl.out.fail(MSG.alreadyShuttingDown);
    return;
  }
  const only = await restrictTo(ctl, s, arg, changes.added);
  const touched = (g: string): boolean => only.size === 0 || only.has(g);
  for (const g of changes.removed.filter(touched)) {
    const results = await s.stopProcessGroup(g);
    logged(ctl, g, UPDATE.stopped);
    if (results.some((r) => r.status === Faults.FAILED)) {
      reportNameError(ctl, MSG.groupDone(g, UPDATE.hasProblems), g, UPDATE.hasProblems);
      ctl.exitstatus = ExitCode.GENERIC;
      continue;
    }
    await s.removeProcessGroup(g);
    logged(ctl, g, UPDATE.removed);
  }
  for (const g of changes.changed.filter(touched)) {
    await s.stopProcessGroup(g);
    logged(ctl, g, UPDATE.stopped);
    await s.removeProcessGroup(g);
    await s.addProcessGroup(g);
    logged(ctl, g, UPDATE.updated);
  }
  for (const g of changes.added.filter(touched)) {
    await s.addProcessGroup(g);
    logged(ctl, g, UPDATE.added);
  }
}

async function runAdd(ctl: Controller, arg: string): Promise<void> {
  const s = ctl.supervisor();
  for (const name of pySplit(arg)) {
    try {
      await s.addProcessGroup(name);
    } catch (err) {
      const code = faultCode(err);
      if (code === Faults.SHUTDOWN_STATE) {
        reportNameError(ctl, MSG.shuttingDown, name, 'shutting down');
        ctl.exitstatus = ExitCode.GENERIC;
      } else if (code === Faults.ALREADY_ADDED) {
        reportNameError(ctl, MSG.groupAlreadyActive, name, 'process group already active');
      } else if (code === Faults.BAD_NAME) {
        reportNameError(ctl, MSG.noSuchProcessOrGroup(name), name, 'no such process/group');
        ctl.exitstatus = ExitCode.GENERIC;
      } else {
        ctl.exitstatus = ExitCode.GENERIC;
        throw err;
      }
      continue;
    }
    logged(ctl, name, UPDATE.added);
  }
}

async function runRemove(ctl: Controller, arg: string): Promise<void> {
  const s = ctl.supervisor();
  for (const name of pySplit(arg)) {
    try {
      await s.removeProcessGroup(name);
    } catch (err) {
      ctl.exitstatus = ExitCode.GENERIC;
      const code = faultCode(err);
      if (code === Faults.STILL_RUNNING) reportNameError(ctl, MSG.stillRunning(name), name, 'still running');
      else if (code === Faults.BAD_NAME) reportNameError(ctl, MSG.noSuchProcessOrGroup(name), name, 'no such process/group');
      else throw err;
      continue;
    }
    logged(ctl, name, UPDATE.removed);
  }
}

export const groupCommands: readonly Command[] = [
  { name: 'avail', run: runAvail },
  { name: 'reread', run: runReread },
  { name: 'update', run: runUpdate },
  { name: 'add', run: runAdd },
  { name: 'remove', run: runRemove },
];
