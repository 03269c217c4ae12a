// tail and maintail: the last N bytes of a process log or the main log, or (-f) a live stream.
import { parsePyInt } from '../../python/numbers.js';
import { Faults, RpcFault } from '../../rpc/faults.js';
import type { Command, Controller } from '../controller.js';
import { ExitCode } from '../exit-codes.js';
import { errorFor, MSG } from '../format.js';
import { pySplit } from '../line.js';
import { follow } from '../tail-follow.js';
import { usage } from './common.js';

const DEFAULT_BYTES = 1600;

/** `-f` → 'follow', `-N` → N, anything else → null (supervisorctl: "bad argument"). */
function modifier(word: string): number | 'follow' | null {
  const what = word.slice(1);
  if (what === 'f') return 'follow';
  return parsePyInt(what) ?? null;
}

function logFault(ctl: Controller, err: unknown, who: string, badName: boolean): void {
  if (!(err instanceof RpcFault)) throw err;
  ctl.exitstatus = ExitCode.GENERIC;
  const reason = err.code === Faults.NO_FILE ? 'no log file'
    : err.code === Faults.FAILED ? 'unknown error reading log'
      : badName && err.code === Faults.BAD_NAME ? 'no such process name' : null;
  if (reason === null) throw err;
  ctl.out.fail(errorFor(who, reason));
}

async function runTail(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const args = pySplit(arg);
  if (args.length < 1) { usage(ctl, MSG.tooFewArguments, 'tail', ExitCode.GENERIC); return; }
  if (args.length > 3) { usage(ctl, MSG.tooManyArguments, 'tail', ExitCode.GENERIC); return; }
  const mod = (args[0] ?? '').startsWith('-') ? args.shift() ?? null : null;
  let name: string;
  let channel = 'stdout';
  if (args.length === 1) {
    name = args[0] ?? '';
  } else if (args.length > 1) {
    name = args[0] ?? '';
    channel = (args[args.length - 1] ?? '').toLowerCase();
    if (channel !== 'stdout' && channel !== 'stderr') {
      usage(ctl, MSG.badChannel(channel), null, ExitCode.GENERIC);
      return;
    }
  } else {
    usage(ctl, MSG.tailRequiresName, null, ExitCode.GENERIC);
    return;
  }
  const how = mod === null ? DEFAULT_BYTES : modifier(mod);
  if (how === null) { usage(ctl, MSG.badArgument(mod ?? ''), null, ExitCode.GENERIC); return; }
  if (how === 'follow') { await follow(ctl, `/logtail/${name}/${channel}`, { name, channel }); return; }
  try {
    const text = await ctl.supervisor().readProcessLog(name, channel === 'stdout' ? 'stdout' : 'stderr', -how, 0);
    ctl.out.raw(text + '\n');
    ctl.out.doc([], { name, channel, bytes: how, text });
  } catch (err) {
    logFault(ctl, err, name, true);
  }
}

async function runMaintail(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const args = pySplit(arg);
  if (args.length > 1) { usage(ctl, MSG.tooManyArguments, 'maintail', ExitCode.GENERIC); return; }
  let bytes = DEFAULT_BYTES;
  if (args.length === 1) {
    const word = args[0] ?? '';
    const how = word.startsWith('-') ? modifier(word) : null;
    if (how === 'follow') { await follow(ctl, '/mainlogtail', {}); return; }
    if (how === null) { usage(ctl, MSG.badArgument(word), null, ExitCode.GENERIC); return; }
    bytes = how;
  }
  try {
    const text = await ctl.supervisor().readLog(-bytes, 0);
    ctl.out.raw(text + '\n');
    ctl.out.doc([], { bytes, text });
  } catch (err) {
    logFault(ctl, err, 'supervisord', false);
  }
}

export const logCommands: readonly Command[] = [
  { name: 'tail', run: runTail },
  { name: 'maintail', run: runMaintail },
];
