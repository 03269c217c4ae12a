// What the hub knows of its nodes and their processes, as pages, the API, the event stream and
// webhooks read it: plain data built by the snapshot from what the node watchers fetched.
// Pure types; imports nothing.

/** Why a node is not connected, sorted into causes an operator can act on. */
export type NodeFailureKind =
  | 'refused'          // nothing listens there (wrong port, supervisord down)
  | 'timeout'          // no answer in time (black hole, overloaded, firewall drop)
  | 'auth'             // 401: wrong username or password
  | 'not_supervisor'   // answers HTTP, but not XML-RPC on that path (404, HTML, ...)
  | 'no_rpcinterface'  // supervisord without [rpcinterface:supervisor] (UNKNOWN_METHOD)
  | 'bad_response'     // XML-RPC that does not have the shape supervisord's has
  | 'tls'              // certificate or handshake error
  | 'dns'              // the host name does not resolve
  | 'nofile'           // unix socket path does not exist
  | 'shutting_down'    // supervisord answers but is shutting down or restarting
  | 'io';              // any other transport error

export interface NodeFailure {
  readonly kind: NodeFailureKind;
  /** The transport's own words (no credentials). */
  readonly message: string;
}

/** CPU and memory of one process from the last fleetvisord sample. */
export interface ProcessStatsView {
  /** Percent of one core over the last sample interval; null for the first sample of a pid. */
  readonly cpuPercent: number | null;
  readonly rssBytes: number;
  readonly restarts: number;
  readonly stdoutBytes: number;
  readonly stderrBytes: number;
  /** healthcheck_* on fleetvisord: '' without one, else unknown, healthy or unhealthy. */
  readonly health: string;
  /** The last failed check's reason ('' when healthy). */
  readonly healthReason: string;
}

export interface ProcessView {
  readonly node: string;
  readonly group: string;
  readonly name: string;
  /** `group:name`, the name every API call takes. */
  readonly namespec: string;
  readonly state: number;
  readonly statename: string;
  readonly pid: number;
  /** Node clock, seconds (supervisord's `start`, `stop`). */
  readonly start: number;
  readonly stop: number;
  readonly spawnerr: string;
  readonly exitstatus: number;
  readonly description: string;
  readonly logfile: string;
  readonly stdout_logfile: string;
  readonly stderr_logfile: string;
  /** Hub clock (ms) of the last state change the hub saw (or of first sight). */
  readonly changedAt: number;
  /** Seconds RUNNING at `asOf` (hub ms), from the node clock corrected for skew; 0 when not RUNNING. */
  readonly uptime: number;
  readonly stats: ProcessStatsView | null;
}

export interface NodeView {
  readonly name: string;
  /** Where it is, without credentials. */
  readonly url: string;
  readonly environments: readonly string[];
  readonly connected: boolean;
  readonly failure: NodeFailure | null;
  /** Hub clock (ms) since when it has been connected or not (the hub's start for a node never reached). */
  readonly since: number;
  /** Hub clock (ms) of the last successful answer, or null. */
  readonly lastContact: number | null;
  readonly supervisorVersion: string | null;
  readonly identification: string | null;
  /** Set for fleetvisord nodes (which also report CPU and memory), null for stock supervisord. */
  readonly fleetvisorVersion: string | null;
  readonly supervisorState: string | null;
  /** Node clock minus hub clock, seconds (for uptimes). */
  readonly clockSkew: number;
  readonly processes: readonly ProcessView[];
}

/** One state the hub saw a process in, and when (hub clock, ms). */
export interface StateChange {
  readonly time: number;
  readonly state: number;
  readonly statename: string;
  readonly description: string;
}

export type FleetEvent =
  | { readonly type: 'process'; readonly node: string; readonly process: ProcessView; readonly from: string | null; readonly expected: boolean | null }
  | { readonly type: 'process_removed'; readonly node: string; readonly namespec: string }
  | { readonly type: 'node'; readonly node: string; readonly connected: boolean; readonly failure: NodeFailure | null; readonly since: number; readonly changedConnection: boolean }
  | { readonly type: 'stats'; readonly node: string; readonly time: number; readonly stats: Readonly<Record<string, ProcessStatsView>> };
