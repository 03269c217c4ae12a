// The fleetvisor.* namespace: what the hub needs beyond supervisord's API, first of all per-process
// CPU and memory. Stock clients never call it, so supervisor.* stays exactly supervisord's.
import { readUsage } from '../process/resource-usage.js';
import { FLEETVISOR_VERSION } from '../version.js';
import { assertRunning, type RpcContext } from './context.js';
import { lexicalTargets, resolveProcess, type Target } from './lookup.js';
import { strArg } from './params.js';
import type { RpcMethod } from './registry.js';
import { XmlRpcDouble, type XmlRpcStruct, type XmlRpcValue } from './value.js';

function stats(t: Target): XmlRpcStruct {
  const usage = readUsage(t.proc.pid);
  return {
    name: t.proc.config.name,
    group: t.group.config.name,
    pid: t.proc.pid,
    cpu_seconds: new XmlRpcDouble(usage?.cpuSeconds ?? 0),
    rss_bytes: new XmlRpcDouble(usage?.rssBytes ?? 0),
    restarts: Math.max(0, t.proc.spawns - 1),
    // Doubles: a byte count passes 2**31 long before a double loses integer precision (2**53).
    stdout_bytes: new XmlRpcDouble(t.proc.outputBytes.stdout),
    stderr_bytes: new XmlRpcDouble(t.proc.outputBytes.stderr),
  };
}

export function fleetvisorMethods(ctx: RpcContext): RpcMethod[] {
  const getAll = (): XmlRpcValue => { assertRunning(ctx); return lexicalTargets(ctx.supervisor).map(stats); };
  return [
    { name: 'fleetvisor.getVersion', doc: `The fleetvisord version (supervisor.getSupervisorVersion gives the supervisord one).

        @return string version`, handler: () => FLEETVISOR_VERSION },
    { name: 'fleetvisor.getProcessStats', doc: `CPU seconds, resident memory and restarts of one process.

        @param string name     process name or group:name
        @return struct stats   {name, group, pid, cpu_seconds (double), rss_bytes (double), restarts, stdout_bytes (double), stderr_bytes (double)}`, handler: ([n]) => {
      assertRunning(ctx);
      return stats(resolveProcess(ctx.supervisor, strArg(n)));
    } },
    { name: 'fleetvisor.getAllProcessStats', doc: `getProcessStats for every process, by group then process name.

        @return array stats    one stats struct per process`, handler: getAll },
  ];
}
