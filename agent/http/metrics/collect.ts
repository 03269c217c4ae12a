// What /metrics reports, read through the daemon's RpcHandler (the same calls a remote exporter
// would make): getState, getIdentification, getAllProcessInfo and fleetvisor.getAllProcessStats.
import { makeNamespec } from '../../rpc/names.js';
import { isStruct, XmlRpcDouble, type XmlRpcValue } from '../../rpc/value.js';
import { toProcessInfoList, toProcessStatsList, toStateInfo, type ProcessInfo, type ProcessStats } from '../../rpc/wire-types.js';
import type { RpcHandler } from '../types.js';

export interface ProcessSample {
  readonly info: ProcessInfo;
  /** null when the stats call did not list the process (it was removed between the two calls). */
  readonly stats: ProcessStats | null;
}

export interface MetricsSnapshot {
  readonly statecode: number;
  readonly identification: string;
  readonly processes: readonly ProcessSample[];
}

/** In-process results carry XmlRpcDouble markers where the wire has <double>; the guards want numbers. */
function plain(v: XmlRpcValue): XmlRpcValue {
  if (v instanceof XmlRpcDouble) return v.value;
  if (Array.isArray(v)) return v.map(plain);
  if (isStruct(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** Rejects with the RpcFault of the first call that faults (SHUTDOWN_STATE while stopping). */
export async function collect(rpc: RpcHandler): Promise<MetricsSnapshot> {
  const state = toStateInfo(await rpc.call('supervisor.getState', []));
  const identification = await rpc.call('supervisor.getIdentification', []);
  const infos = toProcessInfoList(await rpc.call('supervisor.getAllProcessInfo', []));
  const stats = toProcessStatsList(plain(await rpc.call('fleetvisor.getAllProcessStats', [])));
  const byName = new Map(stats.map((s) => [makeNamespec(s.group, s.name), s]));
  return {
    statecode: state.statecode,
    identification: typeof identification === 'string' ? identification : '',
    processes: infos.map((info) => ({ info, stats: byName.get(makeNamespec(info.group, info.name)) ?? null })),
  };
}
