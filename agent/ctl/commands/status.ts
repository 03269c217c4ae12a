// status and pid: reading process state, with supervisorctl's LSB status exit codes.
import { STOPPED_STATES } from '../../process/states.js';
import { Faults, RpcFault } from '../../rpc/faults.js';
import type { ProcessInfo } from '../../rpc/wire-types.js';
import type { Command, Controller } from '../controller.js';
import { ExitCode, StatusExitCode } from '../exit-codes.js';
import { errorFor, MSG, namespec, processJson, splitNamespec, statusLines } from '../format.js';
import { pySplit } from '../line.js';
import { reportNameError } from './common.js';

const STOPPED: ReadonlySet<number> = STOPPED_STATES;

function isStopped(state: number): boolean {
  return STOPPED.has(state);
}

/** The infos `names` select, reporting each name that selects nothing. */
function select(ctl: Controller, all: readonly ProcessInfo[], names: readonly string[]): ProcessInfo[] {
  if (names.length === 0 || names.includes('all')) return [...all];
  const out: ProcessInfo[] = [];
  for (const name of names) {
    const { group, name: proc } = splitNamespec(name);
    const hits = all.filter((i) => i.group === group && (proc === null || i.name === proc));
    out.push(...hits);
    if (hits.length > 0) continue;
    if (proc === null) reportNameError(ctl, errorFor(group, 'no such group'), group, 'no such group');
    else reportNameError(ctl, errorFor(name, 'no such process'), name, 'no such process');
    ctl.exitstatus = StatusExitCode.UNKNOWN;
  }
  return out;
}

export async function runStatus(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) {
    ctl.exitstatus = StatusExitCode.UNKNOWN;
    return;
  }
  const all = await ctl.supervisor().getAllProcessInfo();
  const shown = select(ctl, all, pySplit(arg));
  const lines = statusLines(shown);
  shown.forEach((info, k) => ctl.out.item(lines[k] ?? '', processJson(info)));
  if (shown.some((i) => isStopped(i.state))) ctl.exitstatus = StatusExitCode.NOT_RUNNING;
}

async function runPid(ctl: Controller, arg: string): Promise<void> {
  const supervisor = ctl.supervisor();
  if (!(await ctl.upcheck())) return;
  const names = pySplit(arg);
  if (names.length === 0) {
    const pid = await supervisor.getPID();
    ctl.out.doc(String(pid), { pid });
    return;
  }
  if (names.includes('all')) {
    for (const info of await supervisor.getAllProcessInfo()) {
      ctl.out.item(String(info.pid), { name: namespec(info.group, info.name), pid: info.pid });
    }
    return;
  }
  for (const name of names) {
    let info: ProcessInfo;
    try {
      info = await supervisor.getProcessInfo(name);
    } catch (err) {
      ctl.exitstatus = ExitCode.GENERIC;
      if (err instanceof RpcFault && err.code === Faults.BAD_NAME) {
        reportNameError(ctl, MSG.noSuchProcessPid(name), name, 'no such process');
        continue;
      }
      throw err;
    }
    ctl.out.item(String(info.pid), { name: namespec(info.group, info.name), pid: info.pid });
    if (info.pid === 0) ctl.exitstatus = ExitCode.NOT_RUNNING;
  }
}

export const statusCommands: readonly Command[] = [
  { name: 'status', run: runStatus },
  { name: 'pid', run: runPid },
];
