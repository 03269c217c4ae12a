// The JSON shapes of the API and the live stream: cesi v2's (a process is getProcessInfo's struct plus start_hr,
// stop_hr, now_hr and uptime; a node is {general, processes}) with our additions beside them
// (node, namespec, uptime_seconds, stats; a node's reason, since, versions). Never a credential.
import type { RollingJob } from '../actions/rolling.js';
import type { ActivityEntry } from './activity.js';
import { userTypeLabel, type User } from './accounts.js';
import type { NodeView, ProcessView } from '../nodes/types.js';

/**
 * Remembers the text of a time: the start, stop and change times of a fleet's processes stay the
 * same from one answer to the next, and a node list of 5000 processes would otherwise format
 * 15000 dates per request. Bounded: emptied when it passes `MEMO_MAX` entries.
 */
const MEMO_MAX = 50_000;
function memo(fn: (n: number) => string): (n: number) => string {
  const seen = new Map<number, string>();
  return (n) => {
    let s = seen.get(n);
    if (s === undefined) {
      if (seen.size >= MEMO_MAX) seen.clear();
      s = fn(n);
      seen.set(n, s);
    }
    return s;
  };
}

/** HH:MM:SS of an epoch second in the hub's local time (cesi's *_hr fields). */
const hr = memo((epochSeconds: number): string => {
  if (epochSeconds <= 0) return '';
  const d = new Date(epochSeconds * 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
});

const isoTime = memo((ms: number): string => new Date(ms).toISOString());

export function processJson(p: ProcessView, clockSkew: number, now = Date.now()): Record<string, unknown> {
  const nodeNow = Math.floor(now / 1000) + clockSkew;
  const uptime = p.statename === 'RUNNING' ? /uptime (.*)$/.exec(p.description)?.[1] ?? 0 : 0;
  return {
    name: p.name, group: p.group, description: p.description, start: p.start, stop: p.stop, now: nodeNow,
    state: p.state, statename: p.statename, spawnerr: p.spawnerr, exitstatus: p.exitstatus, logfile: p.logfile,
    stdout_logfile: p.stdout_logfile, stderr_logfile: p.stderr_logfile, pid: p.pid,
    start_hr: hr(p.start), stop_hr: hr(p.stop), now_hr: hr(nodeNow), uptime,
    node: p.node, namespec: p.namespec, uptime_seconds: p.uptime, changed_at: isoTime(p.changedAt),
    stats: p.stats === null ? null : {
      cpu_percent: p.stats.cpuPercent, rss_bytes: p.stats.rssBytes, restarts: p.stats.restarts,
      stdout_bytes: p.stats.stdoutBytes, stderr_bytes: p.stats.stderrBytes,
      health: p.stats.health, health_reason: p.stats.healthReason,
    },
  };
}

export function nodeGeneral(n: NodeView): Record<string, unknown> {
  return {
    name: n.name,
    environment: n.environments[0] ?? '',
    environments: n.environments,
    connected: n.connected,
    url: n.url,
    failure: n.failure,
    since: new Date(n.since).toISOString(),
    last_contact: n.lastContact === null ? null : new Date(n.lastContact).toISOString(),
    supervisor_version: n.supervisorVersion,
    fleetvisor_version: n.fleetvisorVersion,
    identification: n.identification,
    state: n.supervisorState,
    process_count: n.processes.length,
  };
}

export function nodeJson(n: NodeView, now = Date.now()): Record<string, unknown> {
  return { general: nodeGeneral(n), processes: n.processes.map((p) => processJson(p, n.clockSkew, now)) };
}

export function userJson(u: User): Record<string, unknown> {
  return {
    name: u.username, type: u.type, type_label: userTypeLabel(u.type),
    environment_types: Object.fromEntries(u.environmentTypes),
    must_change_password: u.mustChangePassword,
  };
}

export function activityJson(e: ActivityEntry): Record<string, unknown> {
  return {
    id: e.id, time: new Date(e.time).toISOString(), user: e.user, remote: e.remote, node: e.node, target: e.target,
    target_kind: e.targetKind, action: e.action, result: e.result, detail: e.detail,
  };
}

export function rollingJson(job: RollingJob): Record<string, unknown> {
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: job.id, kind: job.kind, target: job.target, user: job.user, status: job.status, stopped_at: job.stoppedAt,
    started_at: iso(job.startedAt), ended_at: iso(job.endedAt),
    steps: job.steps.map((st) => ({ node: st.node, status: st.status, results: st.results, started_at: iso(st.startedAt), ended_at: iso(st.endedAt) })),
  };
}
