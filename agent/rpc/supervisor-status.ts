// supervisor.* status and daemon control: versions, identification, state, pid, shutdown,
// restart, reloadConfig, add/removeProcessGroup, sendRemoteCommEvent, as supervisor/rpcinterface.py
// SupervisorNamespaceRPCInterface answers them.
import { ConfigError } from '../config/errors.js';
import { supervisorStateName } from '../process/states.js';
import { SUPERVISOR_VERSION } from '../version.js';
import { assertRunning, type RpcContext } from './context.js';
import { Faults, RpcFault } from './faults.js';
import { faultDetail, groupKeyArg } from './params.js';
import { pyStr } from './py-format.js';
import type { RpcMethod } from './registry.js';
import type { XmlRpcValue } from './value.js';

export const API_VERSION = '3.0';

export class StatusMethods {
  readonly #ctx: RpcContext;
  constructor(ctx: RpcContext) { this.#ctx = ctx; }

  #guarded<T extends XmlRpcValue>(fn: () => T): () => T {
    return () => { assertRunning(this.#ctx); return fn(); };
  }

  getState(): XmlRpcValue {
    const code = this.#ctx.supervisor.state;
    return { statecode: code, statename: supervisorStateName(code) };
  }

  /** The change happens after the reply has been written, as supervisord's mood change does. */
  #later(fn: () => void): true {
    setImmediate(fn);
    return true;
  }

  reloadConfig(): XmlRpcValue {
    assertRunning(this.#ctx);
    const sup = this.#ctx.supervisor;
    try {
      sup.setConfig(this.#ctx.readConfig());
    } catch (err) {
      if (err instanceof ConfigError) throw new RpcFault(Faults.CANT_REREAD, err.message, { cause: err });
      throw err;
    }
    const { added, changed, removed } = sup.diffToActive();
    return [[added, changed, removed]];
  }

  /** supervisord compares the name with each group config's: a non-str matches none (BAD_NAME: str(name)). */
  addProcessGroup(name: XmlRpcValue): XmlRpcValue {
    assertRunning(this.#ctx);
    const sup = this.#ctx.supervisor;
    const config = typeof name === 'string' ? sup.config.groups.find((g) => g.name === name) : undefined;
    if (config === undefined) throw new RpcFault(Faults.BAD_NAME, faultDetail(name));
    if (!sup.addProcessGroup(config)) throw new RpcFault(Faults.ALREADY_ADDED, faultDetail(name));
    return true;
  }

  /** `name not in process_groups`: a list or dict is unhashable, any other non-str is BAD_NAME. */
  removeProcessGroup(name: XmlRpcValue): XmlRpcValue {
    assertRunning(this.#ctx);
    const sup = this.#ctx.supervisor;
    const key = groupKeyArg(name);
    if (key === null || sup.group(key) === undefined) throw new RpcFault(Faults.BAD_NAME, faultDetail(name));
    if (!sup.removeProcessGroup(key)) throw new RpcFault(Faults.STILL_RUNNING, key);
    return true;
  }

  /** Works in every daemon state and takes any type, like supervisord's. */
  sendRemoteCommEvent(type: XmlRpcValue, data: XmlRpcValue): XmlRpcValue {
    this.#ctx.supervisor.bus.notify({ type: 'REMOTE_COMMUNICATION', commType: pyStr(type), data: pyStr(data) });
    return true;
  }

  methods(): RpcMethod[] {
    const sup = this.#ctx.supervisor;
    const apiDoc = `The version of the RPC API this daemon speaks.

        @return string version id`;
    return [
      { name: 'supervisor.getAPIVersion', doc: apiDoc, handler: this.#guarded(() => API_VERSION) },
      { name: 'supervisor.getVersion', doc: apiDoc, handler: this.#guarded(() => API_VERSION) },
      { name: 'supervisor.getSupervisorVersion', doc: `The supervisord version this daemon implements.

        @return string version id`, handler: this.#guarded(() => SUPERVISOR_VERSION) },
      { name: 'supervisor.getIdentification', doc: `The identifier option of the daemon.

        @return string identifier identifying string`, handler: this.#guarded(() => sup.config.supervisord.identifier) },
      { name: 'supervisor.getState', doc: `The daemon's state as a struct.

        @return struct A struct with keys int statecode, string statename`, handler: this.#guarded(() => this.getState()) },
      { name: 'supervisor.getPID', doc: `The daemon's process id.

        @return int PID`, handler: this.#guarded(() => this.#ctx.pid) },
      { name: 'supervisor.shutdown', doc: `Stop every process in priority order, then exit.

        @return boolean result always returns True unless error`, handler: this.#guarded(() => this.#later(() => sup.shutdown())) },
      { name: 'supervisor.restart', doc: `Stop every process, re-read the config and start again (same pid).

        @return boolean result  always return True unless error`, handler: this.#guarded(() => this.#later(() => { sup.restart(); })) },
      { name: 'supervisor.reloadConfig', doc: `Re-read the config file; running groups are not touched.

        @return array result  [[added, changed, removed]]`, handler: () => this.reloadConfig() },
      { name: 'supervisor.addProcessGroup', doc: `Create a group from the last config read.

        @param string name         the group name
        @return boolean result     true if successful`, handler: ([n]) => this.addProcessGroup(n ?? null) },
      { name: 'supervisor.removeProcessGroup', doc: `Remove a group whose processes are all stopped.

        @param string name         the group name
        @return boolean result     true if successful`, handler: ([n]) => this.removeProcessGroup(n ?? null) },
      { name: 'supervisor.sendRemoteCommEvent', doc: `Emit a REMOTE_COMMUNICATION event to the listeners subscribed to it.

        @param  string  type  the value of the type: header of the event body
        @param  string  data  the event body
        @return boolean       Always return True unless error`, handler: ([t, d]) => this.sendRemoteCommEvent(t ?? '', d ?? '') },
    ];
  }
}
