// The daemon's RPC entry: builds the registry of every namespace over one RpcContext.
import type { RpcContext } from './context.js';
import { ControlMethods } from './supervisor-control.js';
import { fleetvisorMethods } from './fleetvisor-methods.js';
import { InfoMethods } from './supervisor-info.js';
import { LogMethods } from './supervisor-logs.js';
import { RpcRegistry } from './registry.js';
import { StatusMethods } from './supervisor-status.js';
import { systemMethods } from './system-methods.js';

export type { RpcContext } from './context.js';

/** With the standard [rpcinterface:supervisor] the supervisor namespace exists; without it, only system.* (and ours). */
export function createRegistry(ctx: RpcContext, opts: { supervisorNamespace: boolean }): RpcRegistry {
  const registry = new RpcRegistry();
  if (opts.supervisorNamespace) {
    registry.add(new StatusMethods(ctx).methods());
    registry.add(new ControlMethods(ctx).methods());
    registry.add(new InfoMethods(ctx).methods());
    registry.add(new LogMethods(ctx).methods());
  }
  registry.add(fleetvisorMethods(ctx));
  registry.add([{ name: 'fleetvisor.listMethods', doc: `Every method name, the fleetvisor.* extension included.

        @return array result  An array of method names (strings).`, handler: () => registry.names({ all: true }) }]);
  registry.add(systemMethods(registry));
  return registry;
}
