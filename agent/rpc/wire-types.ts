// The structs of supervisord's XML-RPC API (supervisor/rpcinterface.py) as they travel, with guards
// that turn an untyped decoded value into them. Shared by the server, fleetvisorctl and the hub.
import { isStruct, type XmlRpcStruct, type XmlRpcValue } from './value.js';

// The state codes are wire values too: clients (ctl, the hub) read them from here.
export {
  ProcessState, RUNNING_STATES, STOPPED_STATES, SupervisorState, stateName, supervisorStateName,
} from '../process/states.js';

/** getProcessInfo / getAllProcessInfo: 14 keys. */
export interface ProcessInfo {
  name: string;
  group: string;
  start: number;
  stop: number;
  now: number;
  state: number;
  statename: string;
  spawnerr: string;
  exitstatus: number;
  logfile: string;
  stdout_logfile: string;
  stderr_logfile: string;
  pid: number;
  description: string;
}

/** One entry of the result arrays of start/stop/signal group/all and clearAllProcessLogs. */
export interface StatusResult {
  name: string;
  group: string;
  status: number;
  description: string;
}

/** getState. */
export interface StateInfo {
  statecode: number;
  statename: string;
}

/** getAllConfigInfo: 29 keys; `'none'` and `'auto'` stand for null and AUTO. */
export interface ConfigInfo {
  autostart: boolean;
  directory: string;
  uid: number | string;
  command: string;
  exitcodes: number[];
  group: string;
  group_prio: number;
  inuse: boolean;
  killasgroup: boolean;
  name: string;
  process_prio: number;
  redirect_stderr: boolean;
  startretries: number;
  startsecs: number;
  stdout_capture_maxbytes: number;
  stdout_events_enabled: boolean;
  stdout_logfile: string;
  stdout_logfile_backups: number;
  stdout_logfile_maxbytes: number;
  stdout_syslog: boolean;
  stopsignal: number;
  stopwaitsecs: number;
  stderr_capture_maxbytes: number;
  stderr_events_enabled: boolean;
  stderr_logfile: string;
  stderr_logfile_backups: number;
  stderr_logfile_maxbytes: number;
  stderr_syslog: boolean;
  serverurl: string;
}

/** fleetvisor.getAllProcessStats: resource use of one process (our extension). */
export interface ProcessStats {
  name: string;
  group: string;
  pid: number;
  /** User + system CPU seconds of the process (0 when not running). */
  cpu_seconds: number;
  /** Resident set size in bytes (0 when not running; sent as a double, so above 2 GiB too). */
  rss_bytes: number;
  /** Spawns after the first one, since the group was created. */
  restarts: number;
  /** Bytes the daemon read from the process's stdout pipe, over all its spawns (sent as a double). */
  stdout_bytes: number;
  /** The same for stderr (0 with redirect_stderr: that output arrives on stdout). */
  stderr_bytes: number;
  /** healthcheck_*: '' when the process has none, else unknown (not checked yet), healthy or unhealthy. */
  health?: '' | 'unknown' | 'healthy' | 'unhealthy';
  /** Failed checks in a row. */
  health_failures?: number;
  /** The last failure's reason ('' when healthy). */
  health_reason?: string;
  /** Restarts made because of failed health checks / memory_limit. */
  health_restarts?: number;
  memory_restarts?: number;
}

/** fleetvisor.waitForChanges: the processes changed since a serial, or reset (re-read everything). */
export interface ChangeSet {
  epoch: string;
  serial: number;
  reset: boolean;
  processes: ProcessInfo[];
}

export class WireShapeError extends Error {
  constructor(what: string, value: unknown) {
    super(`malformed ${what} in response: ${JSON.stringify(value)?.slice(0, 200)}`);
    this.name = 'WireShapeError';
  }
}

type FieldKind = 'string' | 'int' | 'number' | 'boolean';

function check(v: XmlRpcValue | undefined, kind: FieldKind): boolean {
  if (kind === 'string') return typeof v === 'string';
  if (kind === 'int') return typeof v === 'number' && Number.isInteger(v);
  if (kind === 'number') return typeof v === 'number' && Number.isFinite(v);
  return typeof v === 'boolean';
}

/** Checks the listed fields; extra keys are allowed (servers may add some), missing or mistyped are not. */
function shape<T>(what: string, fields: Readonly<Record<string, FieldKind>>, v: XmlRpcValue): T {
  if (!isStruct(v)) throw new WireShapeError(what, v);
  for (const [key, kind] of Object.entries(fields)) {
    if (!check(v[key], kind)) throw new WireShapeError(`${what}.${key}`, v[key]);
  }
  return v as unknown as T;
}

const PROCESS_INFO: Readonly<Record<keyof ProcessInfo, FieldKind>> = {
  name: 'string', group: 'string', start: 'int', stop: 'int', now: 'int', state: 'int', statename: 'string',
  spawnerr: 'string', exitstatus: 'int', logfile: 'string', stdout_logfile: 'string', stderr_logfile: 'string',
  pid: 'int', description: 'string',
};
const STATUS_RESULT: Readonly<Record<keyof StatusResult, FieldKind>> = {
  name: 'string', group: 'string', status: 'int', description: 'string',
};
const STATE_INFO: Readonly<Record<keyof StateInfo, FieldKind>> = { statecode: 'int', statename: 'string' };
/** Fields an older fleetvisord does not send: optional on the wire. */
type ProcessStatsExtras = 'health' | 'health_failures' | 'health_reason' | 'health_restarts' | 'memory_restarts';
const PROCESS_STATS: Readonly<Record<Exclude<keyof ProcessStats, ProcessStatsExtras>, FieldKind>> = {
  name: 'string', group: 'string', pid: 'int', cpu_seconds: 'number', rss_bytes: 'number', restarts: 'int',
  stdout_bytes: 'number', stderr_bytes: 'number',
};

export function toProcessInfo(v: XmlRpcValue): ProcessInfo { return shape('ProcessInfo', PROCESS_INFO, v); }
export function toStateInfo(v: XmlRpcValue): StateInfo { return shape('StateInfo', STATE_INFO, v); }
export function toStatusResult(v: XmlRpcValue): StatusResult { return shape('StatusResult', STATUS_RESULT, v); }

export function toProcessInfoList(v: XmlRpcValue): ProcessInfo[] {
  if (!Array.isArray(v)) throw new WireShapeError('ProcessInfo array', v);
  return v.map(toProcessInfo);
}

export function toStatusResults(v: XmlRpcValue): StatusResult[] {
  if (!Array.isArray(v)) throw new WireShapeError('StatusResult array', v);
  return v.map(toStatusResult);
}

export function toProcessStatsList(v: XmlRpcValue): ProcessStats[] {
  if (!Array.isArray(v)) throw new WireShapeError('ProcessStats array', v);
  return v.map((item) => shape<ProcessStats>('ProcessStats', PROCESS_STATS, item));
}

export function toChangeSet(v: XmlRpcValue): ChangeSet {
  const head = shape<{ epoch: string; serial: number; reset: boolean }>('ChangeSet', { epoch: 'string', serial: 'int', reset: 'boolean' }, v);
  const processes = isStruct(v) ? v.processes : undefined;
  return { epoch: head.epoch, serial: head.serial, reset: head.reset, processes: toProcessInfoList(processes ?? null) };
}

export type { XmlRpcStruct };
