// supervisor.start*/stop*/signal* and sendProcessStdin (reference 4.3-4.5): the check orders,
// the wait semantics and the group/all variants of supervisord's rpcinterface.
import { signalNumber } from '../config/datatypes.js';
import { StdinClosed } from '../process/errors.js';
import { resolveCommand, searchPath } from '../process/command.js';
import { ProcessState as S, RUNNING_STATES, SIGNALLABLE_STATES, STOPPED_STATES } from '../process/states.js';
import { assertRunning, type RpcContext } from './context.js';
import { NOT_DONE, waitForProcess } from './deferred.js';
import { Faults, RpcFault } from './faults.js';
import { groupTargets, priorityTargets, resolveName, type Target } from './lookup.js';
import { splitNamespec } from './names.js';
import { boolArg, strArg } from './params.js';
import type { RpcMethod } from './registry.js';
import { asWire, forEachProcess } from './results.js';
import { toFault } from './to-fault.js';
import type { XmlRpcValue } from './value.js';

const isRunning = (t: Target) => RUNNING_STATES.has(t.proc.state);
const isNotRunning = (t: Target) => !isRunning(t);
const isSignallable = (t: Target) => SIGNALLABLE_STATES.has(t.proc.state);

export class ControlMethods {
  readonly #ctx: RpcContext;
  constructor(ctx: RpcContext) { this.#ctx = ctx; }

  get #sup() { return this.#ctx.supervisor; }

  /** The command is re-resolved before the state check, so a deleted binary is NO_FILE even when running. */
  #checkCommand(t: Target): void {
    const { config } = t.proc;
    try {
      resolveCommand(config.command, searchPath(config.environment?.['PATH'], this.#sup.baseEnv['PATH']));
    } catch (err) {
      throw toFault(err) ?? err;
    }
  }

  startProcess(name: string, wait: boolean): XmlRpcValue | Promise<XmlRpcValue> {
    assertRunning(this.#ctx);
    const { group, proc } = resolveName(this.#sup, name);
    if (proc === null) return this.startProcessGroup(splitNamespec(name)[0], wait);
    const t = { group, proc };
    this.#checkCommand(t);
    if (RUNNING_STATES.has(proc.state)) throw new RpcFault(Faults.ALREADY_STARTED, name);
    if (proc.state === S.UNKNOWN) throw new RpcFault(Faults.FAILED, `${name} is in an unknown process state`);
    proc.spawn();
    if (proc.spawnerr) throw new RpcFault(Faults.SPAWN_ERROR, name);
    if (!wait) return true;
    return waitForProcess(this.#sup.bus, t, () => {
      if (proc.spawnerr) throw new RpcFault(Faults.SPAWN_ERROR, name);
      if (proc.state === S.RUNNING) return true;
      if (proc.state !== S.STARTING) throw new RpcFault(Faults.ABNORMAL_TERMINATION, name);
      return NOT_DONE;
    });
  }

  /** The *ProcessGroup methods: a bare group name, then `op` over its processes by priority. */
  async #overGroup(name: string, predicate: (t: Target) => boolean, op: (namespec: string) => XmlRpcValue | Promise<XmlRpcValue>): Promise<XmlRpcValue> {
    assertRunning(this.#ctx);
    const group = this.#sup.group(name);
    if (group === undefined) throw new RpcFault(Faults.BAD_NAME, name);
    return asWire(await forEachProcess(groupTargets(group), predicate, op));
  }

  startProcessGroup(name: string, wait: boolean): Promise<XmlRpcValue> {
    return this.#overGroup(name, isNotRunning, (n) => this.startProcess(n, wait));
  }

  async startAllProcesses(wait: boolean): Promise<XmlRpcValue> {
    assertRunning(this.#ctx);
    return asWire(await forEachProcess(priorityTargets(this.#sup), isNotRunning, (n) => this.startProcess(n, wait)));
  }

  stopProcess(name: string, wait: boolean): XmlRpcValue | Promise<XmlRpcValue> {
    assertRunning(this.#ctx);
    const { group, proc } = resolveName(this.#sup, name);
    if (proc === null) return this.stopProcessGroup(splitNamespec(name)[0], wait);
    if (!RUNNING_STATES.has(proc.state)) throw new RpcFault(Faults.NOT_RUNNING, name);
    const msg = proc.stop();
    if (msg !== null) throw new RpcFault(Faults.FAILED, msg);
    if (!wait || STOPPED_STATES.has(proc.state)) return true;
    return waitForProcess(this.#sup.bus, { group, proc }, () => {
      proc.stopReport();
      return STOPPED_STATES.has(proc.state) ? true : NOT_DONE;
    });
  }

  stopProcessGroup(name: string, wait: boolean): Promise<XmlRpcValue> {
    return this.#overGroup(name, isRunning, (n) => this.stopProcess(n, wait));
  }

  async stopAllProcesses(wait: boolean): Promise<XmlRpcValue> {
    assertRunning(this.#ctx);
    return asWire(await forEachProcess(priorityTargets(this.#sup), isRunning, (n) => this.stopProcess(n, wait)));
  }

  signalProcess(name: string, signal: XmlRpcValue): XmlRpcValue | Promise<XmlRpcValue> {
    assertRunning(this.#ctx);
    const { proc } = resolveName(this.#sup, name);
    if (proc === null) return this.signalProcessGroup(splitNamespec(name)[0], signal);
    const sig = parseSignal(signal);
    if (!SIGNALLABLE_STATES.has(proc.state)) throw new RpcFault(Faults.NOT_RUNNING, name);
    const msg = proc.signal(sig);
    if (msg !== null) throw new RpcFault(Faults.FAILED, msg);
    return true;
  }

  signalProcessGroup(name: string, signal: XmlRpcValue): Promise<XmlRpcValue> {
    return this.#overGroup(name, isSignallable, (n) => this.signalProcess(n, signal));
  }

  async signalAllProcesses(signal: XmlRpcValue): Promise<XmlRpcValue> {
    // Like supervisord, the state check comes last; during shutdown each per-process call has
    // already failed with SHUTDOWN_STATE, so nothing is signalled.
    const results = await forEachProcess(priorityTargets(this.#sup), isSignallable, (n) => this.signalProcess(n, signal));
    assertRunning(this.#ctx);
    return asWire(results);
  }

  sendProcessStdin(name: string, chars: XmlRpcValue): boolean {
    assertRunning(this.#ctx);
    if (typeof chars !== 'string') throw new RpcFault(Faults.INCORRECT_PARAMETERS, String(chars));
    const { proc } = resolveName(this.#sup, name);
    if (proc === null) throw new RpcFault(Faults.BAD_NAME, name);
    if (proc.pid === 0 || proc.killing) throw new RpcFault(Faults.NOT_RUNNING, name);
    try {
      proc.writeStdin(Buffer.from(chars, 'utf8'));
    } catch (err) {
      if (err instanceof StdinClosed) throw new RpcFault(Faults.NO_FILE, name);
      throw err;
    }
    return true;
  }

  methods(): RpcMethod[] {
    const w = (v: XmlRpcValue | undefined) => boolArg(v, true);
    return [
      { name: 'supervisor.startProcess', optional: 1, doc: START_DOC, handler: ([n, wt]) => this.startProcess(strArg(n), w(wt)) },
      { name: 'supervisor.startProcessGroup', optional: 1, doc: START_GROUP_DOC, handler: ([n, wt]) => this.startProcessGroup(strArg(n), w(wt)) },
      { name: 'supervisor.startAllProcesses', optional: 1, doc: START_ALL_DOC, handler: ([wt]) => this.startAllProcesses(w(wt)) },
      { name: 'supervisor.stopProcess', optional: 1, doc: STOP_DOC, handler: ([n, wt]) => this.stopProcess(strArg(n), w(wt)) },
      { name: 'supervisor.stopProcessGroup', optional: 1, doc: STOP_GROUP_DOC, handler: ([n, wt]) => this.stopProcessGroup(strArg(n), w(wt)) },
      { name: 'supervisor.stopAllProcesses', optional: 1, doc: STOP_ALL_DOC, handler: ([wt]) => this.stopAllProcesses(w(wt)) },
      { name: 'supervisor.signalProcess', doc: SIGNAL_DOC, handler: ([n, s]) => this.signalProcess(strArg(n), s ?? null) },
      { name: 'supervisor.signalProcessGroup', doc: SIGNAL_GROUP_DOC, handler: ([n, s]) => this.signalProcessGroup(strArg(n), s ?? null) },
      { name: 'supervisor.signalAllProcesses', doc: SIGNAL_ALL_DOC, handler: ([s]) => this.signalAllProcesses(s ?? null) },
      { name: 'supervisor.sendProcessStdin', doc: STDIN_DOC, handler: ([n, c]) => this.sendProcessStdin(strArg(n), c ?? null) },
    ];
  }
}

/** A signal as a name (`HUP`, `SIGHUP`, `hup`) or a number (int or string); BAD_SIGNAL shows it as given. */
function parseSignal(signal: XmlRpcValue): number {
  const text = typeof signal === 'number' || typeof signal === 'string' ? String(signal) : null;
  if (text === null) throw new RpcFault(Faults.BAD_SIGNAL, String(signal));
  try {
    return signalNumber(text);
  } catch {
    throw new RpcFault(Faults.BAD_SIGNAL, text);
  }
}

const START_DOC = `Start one process, or every process of a group.

        @param string name      process name, group:name, or group:* for the whole group
        @param boolean wait     when true, answer once the process is RUNNING (or failed)
        @return boolean result  true unless a fault is raised`;
const START_GROUP_DOC = `Start every process of a group that is not already running.

        @param string name      the group name
        @param boolean wait     when true, answer once each process is RUNNING (or failed)
        @return array result    one status struct per process acted on`;
const START_ALL_DOC = `Start every process that is not running, groups and processes in priority order.

        @param boolean wait     when true, answer once each process is RUNNING (or failed)
        @return array result    one status struct per process acted on`;
const STOP_DOC = `Stop one process, or every process of a group.

        @param string name      process name, group:name, or group:* for the whole group
        @param boolean wait     when true, answer once the process has stopped
        @return boolean result  true unless a fault is raised`;
const STOP_GROUP_DOC = `Stop every running process of a group.

        @param string name      the group name
        @param boolean wait     when true, answer once each process has stopped
        @return array result    one status struct per process acted on`;
const STOP_ALL_DOC = `Stop every running process.

        @param boolean wait     when true, answer once each process has stopped
        @return array result    one status struct per process acted on`;
const SIGNAL_DOC = `Send a UNIX signal to one process (or to every process of a group:*).

        @param string name      process name, group:name, or group:*
        @param string signal    a signal name (HUP, SIGHUP) or number (1)
        @return boolean         true unless a fault is raised`;
const SIGNAL_GROUP_DOC = `Send a UNIX signal to every signallable process of a group.

        @param string name      the group name
        @param string signal    a signal name (HUP, SIGHUP) or number (1)
        @return array           one status struct per process acted on`;
const SIGNAL_ALL_DOC = `Send a UNIX signal to every signallable process.

        @param string signal    a signal name (HUP, SIGHUP) or number (1)
        @return array           one status struct per process acted on`;
const STDIN_DOC = `Write characters to the stdin of a running process (encoded as UTF-8).

        @param string name      process name or group:name
        @param string chars     the characters to send
        @return boolean result  true unless a fault is raised`;
