// The status page's actions (supervisord's StatusView.make_callback): each one is a call of the
// API through the daemon's RpcHandler, turned into supervisord's message text. Waiting actions
// are bounded: past waitMs the page gets an "in progress" message and the call finishes alone.
import type { Logger } from '../../logging/types.js';
import { Faults, isRpcFault, type RpcFault } from '../../rpc/faults.js';
import type { RpcHandler } from '../types.js';
import { pyCtime } from '../../python/time.js';

export const ACTIONS = ['refresh', 'stopall', 'restartall', 'start', 'stop', 'restart', 'clearlog'] as const;
export type UiAction = (typeof ACTIONS)[number];
export type ProcessAction = 'start' | 'stop' | 'restart' | 'clearlog';

export function toAction(text: string): UiAction | null {
  return (ACTIONS as readonly string[]).includes(text) ? (text as UiAction) : null;
}

export function isProcessAction(action: UiAction): action is ProcessAction {
  return action === 'start' || action === 'stop' || action === 'restart' || action === 'clearlog';
}

export interface ActionDeps {
  readonly rpc: RpcHandler;
  readonly log: Logger;
  /** How long the page waits for a waiting action before answering "still in progress". */
  readonly waitMs: number;
  now(): Date;
}

/** start's fault texts, as supervisord words them after `ERROR: Process <name>: `. */
const START_FAULTS: Readonly<Record<number, string>> = {
  [Faults.NO_FILE]: 'no such file',
  [Faults.NOT_EXECUTABLE]: 'file not executable',
  [Faults.ALREADY_STARTED]: 'already started',
  [Faults.SPAWN_ERROR]: 'spawn error',
  [Faults.ABNORMAL_TERMINATION]: 'abnormal termination',
};

function unexpected(f: RpcFault): string {
  return `unexpected rpc fault [${f.code}] ${f.faultString}`;
}

/** Runs `call`; a fault becomes `onFault(fault)`, anything else propagates (the page answers 500). */
async function faultText(call: Promise<unknown>, done: string, onFault: (f: RpcFault) => string): Promise<string> {
  try {
    await call;
    return done;
  } catch (err) {
    if (isRpcFault(err)) return onFault(err);
    throw err;
  }
}

/**
 * supervisord's check before a process action: the namespec must name one process. Other faults
 * (SHUTDOWN_STATE) do not answer the question; the action itself then reports them.
 */
export async function processExists(rpc: RpcHandler, namespec: string): Promise<boolean> {
  try {
    await rpc.call('supervisor.getProcessInfo', [namespec]);
    return true;
  } catch (err) {
    if (isRpcFault(err)) return err.code !== Faults.BAD_NAME;
    throw err;
  }
}

function work(deps: ActionDeps, action: Exclude<UiAction, 'refresh'>, ns: string): Promise<string> {
  const { rpc } = deps;
  const at = (): string => pyCtime(deps.now());
  switch (action) {
    case 'stopall':
      return rpc.call('supervisor.stopAllProcesses', []).then(() => `All stopped at ${at()}`);
    case 'restartall':
      return rpc.call('system.multicall', [[
        { methodName: 'supervisor.stopAllProcesses' }, { methodName: 'supervisor.startAllProcesses' },
      ]]).then(() => `All restarted at ${at()}`);
    case 'start':
      return faultText(rpc.call('supervisor.startProcess', [ns]), `Process ${ns} started`,
        (f) => `ERROR: Process ${ns}: ${START_FAULTS[f.code] ?? unexpected(f)}`);
    case 'stop':
      return faultText(rpc.call('supervisor.stopProcess', [ns]), `Process ${ns} stopped`, unexpected);
    case 'restart':
      // A multicall reports failures inside its result; supervisord ignores them here.
      return rpc.call('system.multicall', [[
        { methodName: 'supervisor.stopProcess', params: [ns] }, { methodName: 'supervisor.startProcess', params: [ns] },
      ]]).then(() => `Process ${ns} restarted`);
    case 'clearlog':
      return faultText(rpc.call('supervisor.clearProcessLogs', [ns]), `Log for ${ns} cleared`, unexpected);
  }
}

/** Our text for an action the page stopped waiting for (supervisord has none: it waits forever). */
function pendingText(action: Exclude<UiAction, 'refresh'>, ns: string, at: string): string {
  if (action === 'stopall') return `Stop all still in progress at ${at}`;
  if (action === 'restartall') return `Restart all still in progress at ${at}`;
  return `Process ${ns}: ${action === 'clearlog' ? 'clear log' : action} still in progress at ${at}`;
}

/**
 * The message of an action. A process action's namespec has been checked by the caller
 * (processExists). Rejects only for what supervisord answers with 500.
 */
export async function runAction(deps: ActionDeps, action: UiAction, namespec: string): Promise<string> {
  if (action === 'refresh') return `Page refreshed at ${pyCtime(deps.now())}`;
  const running = work(deps, action, namespec);
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), deps.waitMs); });
  try {
    const first = await Promise.race([running, bound]);
    if (first !== null) return first;
  } finally {
    clearTimeout(timer);
  }
  // The call goes on; its outcome goes to the main log, and never becomes an unhandled rejection.
  running.then(
    (message) => deps.log.info(`web UI ${action} finished after the page stopped waiting: ${message}`),
    (err: unknown) => deps.log.error(`web UI ${action} failed after the page stopped waiting: ${err instanceof Error ? err.message : String(err)}`),
  );
  return pendingText(action, namespec, pyCtime(deps.now()));
}
