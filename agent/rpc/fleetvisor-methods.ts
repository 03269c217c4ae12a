// The fleetvisor.* namespace: what the hub needs beyond supervisord's API, first of all per-process
// CPU and memory. Stock clients never call it, so supervisor.* stays exactly supervisord's.
import { readUsage } from '../process/resource-usage.js';
import { FLEETVISOR_VERSION } from '../version.js';
import { ChangeFeed } from './change-feed.js';
import { assertRunning, type RpcContext } from './context.js';
import { InfoMethods } from './supervisor-info.js';
import { lexicalTargets, resolveProcess, type Target } from './lookup.js';
import { intArg, strArg } from './params.js';
import type { RpcMethod } from './registry.js';
import { XmlRpcDouble, type XmlRpcStruct, type XmlRpcValue } from './value.js';

function stats(t: Target): XmlRpcStruct {
  const usage = readUsage(t.proc.pid);
  const extras = t.proc.extrasState;
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
    health: extras.health?.status ?? '',
    health_failures: extras.health?.failures ?? 0,
    health_reason: extras.health?.reason ?? '',
    health_restarts: extras.healthRestarts,
    memory_restarts: extras.memoryRestarts,
  };
}

/** The processes named by a change answer that still exist, as getProcessInfo structs. */
function changedInfos(ctx: RpcContext, names: readonly string[]): XmlRpcValue[] {
  const info = new InfoMethods(ctx);
  const now = Date.now() / 1000;
  const out: XmlRpcValue[] = [];
  for (const name of names) {
    try { out.push(info.processInfo(resolveProcess(ctx.supervisor, name), now)); } catch { /* removed meanwhile */ }
  }
  return out;
}

export function fleetvisorMethods(ctx: RpcContext): RpcMethod[] {
  const getAll = (): XmlRpcValue => { assertRunning(ctx); return lexicalTargets(ctx.supervisor).map(stats); };
  const feed = new ChangeFeed(ctx.supervisor.bus);
  return [
    { name: 'fleetvisor.getVersion', doc: `The fleetvisord version (supervisor.getSupervisorVersion gives the supervisord one).

        @return string version`, handler: () => FLEETVISOR_VERSION },
    { name: 'fleetvisor.getProcessStats', doc: `CPU seconds, resident memory and restarts of one process.

        @param string name     process name or group:name
        @return struct stats   {name, group, pid, cpu_seconds (double), rss_bytes (double), restarts, stdout_bytes (double), stderr_bytes (double),
                               health ('' without healthcheck_*, else unknown/healthy/unhealthy), health_failures,
                               health_reason, health_restarts, memory_restarts}`, handler: ([n]) => {
      assertRunning(ctx);
      return stats(resolveProcess(ctx.supervisor, strArg(n)));
    } },
    { name: 'fleetvisor.getAllProcessStats', doc: `getProcessStats for every process, by group then process name.

        @return array stats    one stats struct per process`, handler: getAll },
    { name: 'fleetvisor.waitForChanges', doc: `Waits for process state changes after a serial (a long poll): answers at once when
        something changed since that serial, else at the next change or after timeout seconds
        (at most 300). Start with epoch '' and serial 0; reset=true means: re-read everything
        (getAllProcessInfo), then wait from the serial this answer gives.

        @param string epoch    the epoch of the last answer ('' at first)
        @param int serial      the serial of the last answer (0 at first)
        @param int timeout     seconds to wait at most when nothing changed
        @return struct changes {epoch, serial, reset (boolean), processes (getProcessInfo structs of the processes changed)}`,
    handler: async ([epoch, serial, timeout]) => {
      const answer = await feed.wait(strArg(epoch), intArg(serial), intArg(timeout));
      return {
        epoch: answer.epoch, serial: answer.serial, reset: answer.reset,
        processes: answer.reset ? [] : changedInfos(ctx, answer.changed),
      };
    } },
  ];
}
