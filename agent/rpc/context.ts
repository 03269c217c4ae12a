// What the RPC methods are given by the daemon: the Supervisor, a way to re-read the config,
// the main log. The handlers reach the process core only through this object.
import type { LoadedConfig } from '../config/types.js';
import type { MainLogger } from '../logging/main-log.js';
import { SupervisorState } from '../process/states.js';
import type { Supervisor } from '../supervisor.js';
import { Faults, RpcFault } from './faults.js';

export interface RpcContext {
  readonly supervisor: Supervisor;
  /** Re-reads the config file (command-line values still win); throws ConfigError. */
  readConfig(): LoadedConfig;
  readonly mainLog: MainLogger;
  readonly pid: number;
}

/** supervisord's _update(): everything but a few methods fails once shutdown or restart began. */
export function assertRunning(ctx: RpcContext): void {
  if (ctx.supervisor.state !== SupervisorState.RUNNING) throw new RpcFault(Faults.SHUTDOWN_STATE);
}
