// supervisor.start*/stop*/signal* and sendProcessStdin: the check orders, the wait semantics and
// the group/all variants of supervisor/rpcinterface.py SupervisorNamespaceRPCInterface.
import { signalNumber } from '../config/datatypes.js';
import { StdinClosed } from '../process/errors.js';
import type { ProcessGroup } from '../process/group.js';
import { resolveCommand, searchPath } from '../process/command.js';
import { ProcessState as S, RUNNING_STATES, SIGNALLABLE_STATES, STOPPED_STATES, stateName } from '../process/states.js';
import type { Subprocess } from '../process/subprocess.js';
import { assertRunning, type RpcContext } from './context.js';
import { NOT_DONE, waitForProcess } from './deferred.js';
import { Faults, RpcFault } from './faults.js';
import { groupTargets, priorityTargets, resolveName, type Target } from './lookup.js';
import { makeNamespec, splitNamespec } from './names.js';
import { PyException, faultDetail, groupKeyArg, namespecArg, noAttribute, pyIntArg, truthy } from './params.js';
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

  startProcess(namespec: XmlRpcValue, wait: boolean): XmlRpcValue | Promise<XmlRpcValue> {
    assertRunning(this.#ctx);
    const name = namespecArg(namespec);
    const { group, proc } = resolveName(this.#sup, name);
    if (proc === null) return this.startProcessGroup(splitNamespec(name)[0], wait);
    const t = { group, proc };
    this.#checkCommand(t);
    if (RUNNING_STATES.has(proc.state)) throw new RpcFault(Faults.ALREADY_STARTED, name);
    if (proc.state === S.UNKNOWN) throw new RpcFault(Faults.FAILED, `${name} is in an unknown process state`);
    if (this.#sup.dependencies.dependenciesOf(proc).some((d) => d.state !== S.RUNNING)) {
      // depends_on: the dependencies are started (and reach RUNNING) first, then this process.
      const chain = this.#startDependencies(proc, name).then(() => {
        if (RUNNING_STATES.has(proc.state)) throw new RpcFault(Faults.ALREADY_STARTED, name);
        return this.#spawn(t, name, wait);
      });
      if (wait) return chain;
      chain.catch((err: unknown) => {
        this.#sup.log.warn(`not starting ${name}: ${err instanceof RpcFault ? err.faultString : String(err)}`);
      });
      return true;
    }
    return this.#spawn(t, name, wait);
  }

  #spawn(t: Target, name: string, wait: boolean): XmlRpcValue | Promise<XmlRpcValue> {
    const { proc } = t;
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

  /** Starts each dependency of `proc` that is not RUNNING, in dependency order, and waits until it is. */
  async #startDependencies(proc: Subprocess, name: string): Promise<void> {
    const graph = this.#sup.dependencies;
    for (const dep of graph.startOrder(graph.dependenciesOf(proc), (d) => d)) {
      const depName = makeNamespec(dep.groupName, dep.config.name);
      const group = this.#sup.group(dep.groupName);
      if (dep.state === S.RUNNING || group === undefined) continue;
      // Named group:name, as in the description of a process a FATAL dependency holds back.
      const failed = (why: string) => new RpcFault(Faults.SPAWN_ERROR, `${name}: dependency ${dep.groupName}:${dep.config.name} ${why}`);
      const outcome = () => waitForProcess(this.#sup.bus, { group, proc: dep }, () => {
        if (dep.state === S.RUNNING) return true;
        if (!RUNNING_STATES.has(dep.state)) throw failed(`is ${stateName(dep.state)}`);
        return NOT_DONE;
      });
      // Already on its way (STARTING or BACKOFF): wait for the outcome.
      if (RUNNING_STATES.has(dep.state)) {
        await outcome();
        continue;
      }
      try {
        await this.startProcess(depName, true);
      } catch (err) {
        // Another start (`start all`, a second dependent) got there first: its outcome is ours.
        if (err instanceof RpcFault && err.code === Faults.ALREADY_STARTED) {
          await outcome();
          continue;
        }
        if (err instanceof RpcFault) throw failed(`did not start (${err.faultString})`);
        throw err;
      }
    }
  }

  /**
   * supervisord's process_groups.get(name): a list or dict is unhashable (TypeError), any other
   * value that names no group is BAD_NAME: str(name).
   */
  #group(key: string | null, name: XmlRpcValue): ProcessGroup {
    const group = key === null ? undefined : this.#sup.group(key);
    if (group === undefined) throw new RpcFault(Faults.BAD_NAME, faultDetail(name));
    return group;
  }

  async startProcessGroup(name: XmlRpcValue, wait: boolean): Promise<XmlRpcValue> {
    assertRunning(this.#ctx);
    const targets = this.#startOrder(groupTargets(this.#group(groupKeyArg(name), name)));
    return asWire(await forEachProcess(targets, isNotRunning, (n) => this.startProcess(n, wait)));
  }

  async startAllProcesses(wait: boolean): Promise<XmlRpcValue> {
    assertRunning(this.#ctx);
    return asWire(await forEachProcess(this.#startOrder(priorityTargets(this.#sup)), isNotRunning, (n) => this.startProcess(n, wait)));
  }

  /**
   * The given order, except that with depends_on a dependency comes before its dependents: each
   * is then started (and listed in the result) on its own turn, not skipped because a dependent
   * already started it.
   */
  #startOrder(targets: readonly Target[]): Target[] {
    return this.#sup.dependencies.startOrder(targets, (t) => t.proc);
  }

  stopProcess(namespec: XmlRpcValue, wait: boolean): XmlRpcValue | Promise<XmlRpcValue> {
    assertRunning(this.#ctx);
    const name = namespecArg(namespec);
    const { group, proc } = resolveName(this.#sup, name);
    if (proc === null) return this.stopProcessGroup(splitNamespec(name)[0], wait);
    if (!RUNNING_STATES.has(proc.state)) {
      // supervisord's answer for a FATAL process; a stop asked of it still ends its fatal_retry_secs retries.
      proc.cancelFatalRetry();
      throw new RpcFault(Faults.NOT_RUNNING, name);
    }
    const msg = proc.stop();
    if (msg !== null) throw new RpcFault(Faults.FAILED, msg);
    if (!wait || STOPPED_STATES.has(proc.state)) return true;
    return waitForProcess(this.#sup.bus, { group, proc }, () => {
      proc.stopReport();
      return STOPPED_STATES.has(proc.state) ? true : NOT_DONE;
    });
  }

  async stopProcessGroup(name: XmlRpcValue, wait: boolean): Promise<XmlRpcValue> {
    assertRunning(this.#ctx);
    const targets = this.#stopOrder(groupTargets(this.#group(groupKeyArg(name), name)));
    for (const t of targets) t.proc.cancelFatalRetry();
    return asWire(await forEachProcess(targets, isRunning, this.#stopAfterDependents(targets, wait)));
  }

  async stopAllProcesses(wait: boolean): Promise<XmlRpcValue> {
    assertRunning(this.#ctx);
    const targets = this.#stopOrder(priorityTargets(this.#sup));
    for (const t of targets) t.proc.cancelFatalRetry();
    return asWire(await forEachProcess(targets, isRunning, this.#stopAfterDependents(targets, wait)));
  }

  /** The given order, except that with depends_on dependents come before what they depend on. */
  #stopOrder(targets: readonly Target[]): Target[] {
    return this.#sup.dependencies.stopOrder(targets, (t) => t.proc);
  }

  /**
   * The stop of one of `targets`; with depends_on, a process is stopped only once the dependents
   * among `targets` are stopped (the result then waits for them, even without `wait`).
   */
  #stopAfterDependents(targets: readonly Target[], wait: boolean): (namespec: string) => XmlRpcValue | Promise<XmlRpcValue> {
    const graph = this.#sup.dependencies;
    if (graph.empty) return (n) => this.stopProcess(n, wait);
    const targeted = new Map(targets.map((t) => [t.proc, t]));
    return (n) => {
      const { proc } = resolveName(this.#sup, n);
      const up = proc === null ? [] : graph.dependentsOf(proc).filter((d) => targeted.has(d) && !STOPPED_STATES.has(d.state));
      if (proc === null || up.length === 0) return this.stopProcess(n, wait);
      const stopped = up.map((d) => waitForProcess(this.#sup.bus, targeted.get(d)!, () => (STOPPED_STATES.has(d.state) ? true : NOT_DONE)));
      return Promise.all(stopped).then(() => (RUNNING_STATES.has(proc.state) ? this.stopProcess(n, wait) : true));
    };
  }

  signalProcess(namespec: XmlRpcValue, signal: XmlRpcValue): XmlRpcValue | Promise<XmlRpcValue> {
    assertRunning(this.#ctx);
    const name = namespecArg(namespec);
    const { proc } = resolveName(this.#sup, name);
    if (proc === null) return this.signalProcessGroup(splitNamespec(name)[0], signal);
    const sig = parseSignal(signal);
    if (!SIGNALLABLE_STATES.has(proc.state)) throw new RpcFault(Faults.NOT_RUNNING, name);
    const msg = proc.signal(sig);
    if (msg !== null) throw new RpcFault(Faults.FAILED, msg);
    return true;
  }

  /** As supervisord's: the group is looked up before the state check, which is made again after. */
  async signalProcessGroup(name: XmlRpcValue, signal: XmlRpcValue): Promise<XmlRpcValue> {
    const key = groupKeyArg(name);
    assertRunning(this.#ctx);
    const group = this.#group(key, name);
    const results = await forEachProcess(groupTargets(group), isSignallable, (n) => this.signalProcess(n, signal));
    assertRunning(this.#ctx);
    return asWire(results);
  }

  async signalAllProcesses(signal: XmlRpcValue): Promise<XmlRpcValue> {
    // Like supervisord, the state check comes last; during shutdown each per-process call has
    // already failed with SHUTDOWN_STATE, so nothing is signalled.
    const results = await forEachProcess(priorityTargets(this.#sup), isSignallable, (n) => this.signalProcess(n, signal));
    assertRunning(this.#ctx);
    return asWire(results);
  }

  /** The chars are checked before the name, as supervisord does. */
  sendProcessStdin(namespec: XmlRpcValue, chars: XmlRpcValue): boolean {
    assertRunning(this.#ctx);
    if (typeof chars !== 'string') throw new RpcFault(Faults.INCORRECT_PARAMETERS, faultDetail(chars));
    const name = namespecArg(namespec);
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
    // wait is only ever tested for truth, so any type will do, as in supervisord.
    const w = (v: XmlRpcValue | undefined) => truthy(v, true);
    return [
      { name: 'supervisor.startProcess', optional: 1, doc: START_DOC, handler: ([n, wt]) => this.startProcess(n ?? null, w(wt)) },
      { name: 'supervisor.startProcessGroup', optional: 1, doc: START_GROUP_DOC, handler: ([n, wt]) => this.startProcessGroup(n ?? null, w(wt)) },
      { name: 'supervisor.startAllProcesses', optional: 1, doc: START_ALL_DOC, handler: ([wt]) => this.startAllProcesses(w(wt)) },
      { name: 'supervisor.stopProcess', optional: 1, doc: STOP_DOC, handler: ([n, wt]) => this.stopProcess(n ?? null, w(wt)) },
      { name: 'supervisor.stopProcessGroup', optional: 1, doc: STOP_GROUP_DOC, handler: ([n, wt]) => this.stopProcessGroup(n ?? null, w(wt)) },
      { name: 'supervisor.stopAllProcesses', optional: 1, doc: STOP_ALL_DOC, handler: ([wt]) => this.stopAllProcesses(w(wt)) },
      { name: 'supervisor.signalProcess', doc: SIGNAL_DOC, handler: ([n, s]) => this.signalProcess(n ?? null, s ?? null) },
      { name: 'supervisor.signalProcessGroup', doc: SIGNAL_GROUP_DOC, handler: ([n, s]) => this.signalProcessGroup(n ?? null, s ?? null) },
      { name: 'supervisor.signalAllProcesses', doc: SIGNAL_ALL_DOC, handler: ([s]) => this.signalAllProcesses(s ?? null) },
      { name: 'supervisor.sendProcessStdin', doc: STDIN_DOC, handler: ([n, c]) => this.sendProcessStdin(n ?? null, c ?? null) },
    ];
  }
}

/**
 * datatypes.py signal_number(): int(value) first (an int, a bool, a float truncated, a numeric
 * str), else value.strip().upper() as a name (`HUP`, `SIGHUP`), which a non-str cannot do
 * (AttributeError); int() of an infinite float raises OverflowError, which is not caught there.
 * A number or name that is no signal is BAD_SIGNAL: str(value).
 */
function parseSignal(signal: XmlRpcValue): number {
  let text: string;
  if (typeof signal === 'string') {
    text = signal;
  } else {
    try {
      text = String(pyIntArg(signal));
    } catch (err) {
      if (err instanceof PyException && err.pyClass === 'OverflowError') throw err;
      throw noAttribute(signal, 'strip');
    }
  }
  try {
    return signalNumber(text);
  } catch {
    throw new RpcFault(Faults.BAD_SIGNAL, faultDetail(signal));
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
