// The Prometheus text exposition of a MetricsSnapshot, written by prom-client into a registry
// made for the one scrape (nothing is kept between scrapes: the daemon is the source of truth).
//
// Metric                                       type     labels               value
// supervisord_up                               gauge    group, name          1 in STARTING/RUNNING/STOPPING, else 0
// supervisord_state                            gauge    group, name          state code (0 STOPPED … 1000 UNKNOWN)
// supervisord_exit_status                      gauge    group, name          last exit status (getProcessInfo exitstatus)
// supervisord_start_time_seconds               gauge    group, name          start time (epoch s), only while up
// supervisord_process_state                    gauge    group, name, state   1 for the current state, 0 for the 7 others
// supervisord_process_uptime_seconds           gauge    group, name          now - start while RUNNING, else 0
// supervisord_process_restarts_total           counter  group, name          spawns - 1 since the daemon (re)loaded it
// supervisord_process_cpu_seconds_total        counter  group, name          user+system CPU of the current pid (0 when none)
// supervisord_process_resident_memory_bytes    gauge    group, name          RSS of the current pid (0 when none)
// supervisord_process_output_bytes_total       counter  group, name, channel bytes read from the child's stdout/stderr pipe
// fleetvisor_process_healthy                   gauge    group, name          healthcheck_*: 1 healthy, 0 unhealthy (absent without a check or before its first verdict)
// fleetvisor_process_health_restarts_total     counter  group, name          restarts made because health checks failed
// fleetvisor_process_memory_restarts_total     counter  group, name          restarts made because of memory_limit
// supervisord_daemon_up                        gauge    -                    1 (the daemon answered)
// supervisord_daemon_info                      gauge    version, fleetvisor_version, identification   1
// supervisord_daemon_state                     gauge    -                    getState statecode (1 RUNNING)
// supervisord_processes                        gauge    state                processes in each state (all 8 states listed)
//
// The first four keep the names and labels of node_exporter's supervisord collector (without its
// node_ prefix) and of the Python supervisord exporter, so their dashboards and alerts work as is.
import type { Counter, Gauge, Registry } from 'prom-client';
import { FLEETVISOR_VERSION, SUPERVISOR_VERSION } from '../../version.js';
import type { MetricsSnapshot } from './collect.js';

/** The statenames of the wire, in code order. */
const STATES = ['STOPPED', 'STARTING', 'RUNNING', 'BACKOFF', 'STOPPING', 'EXITED', 'FATAL', 'UNKNOWN'] as const;
/** node_exporter's "up": the process has (or is about to have, or is losing) a live pid. */
const UP_STATES: ReadonlySet<string> = new Set(['STARTING', 'RUNNING', 'STOPPING']);

type Prom = typeof import('prom-client');

// Imported at the first scrape, not at daemon start: prom-client is slow to load, and a daemon
// nobody scrapes never needs it.
let promLoading: Promise<Prom> | null = null;
const loadProm = (): Promise<Prom> => (promLoading ??= import('prom-client'));

/** A registry whose gauge() and counter() register into it. */
class Scrape {
  readonly registry: Registry;
  constructor(private readonly prom: Prom) { this.registry = new prom.Registry(); }
  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return new this.prom.Gauge({ name, help, labelNames, registers: [this.registry] });
  }
  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return new this.prom.Counter({ name, help, labelNames, registers: [this.registry] });
  }
}

function processMetrics(m: Scrape, snap: MetricsSnapshot): void {
  const id = ['group', 'name'];
  const up = m.gauge('supervisord_up', 'Process up: 1 in STARTING, RUNNING or STOPPING, else 0.', id);
  const state = m.gauge('supervisord_state', 'Process state code (0 STOPPED, 10 STARTING, 20 RUNNING, 30 BACKOFF, 40 STOPPING, 100 EXITED, 200 FATAL, 1000 UNKNOWN).', id);
  const exit = m.gauge('supervisord_exit_status', 'Exit status of the last exit of the process (-1 after a signal).', id);
  const start = m.gauge('supervisord_start_time_seconds', 'Start time of the process, in seconds since the epoch; only while it is up.', id);
  const oneHot = m.gauge('supervisord_process_state', 'Process state: 1 for the current state, 0 for the others.', [...id, 'state']);
  const uptime = m.gauge('supervisord_process_uptime_seconds', 'Seconds since the process started, while RUNNING; 0 otherwise.', id);
  const restarts = m.counter('supervisord_process_restarts_total', 'Spawns of the process after its first one since the daemon loaded it.', id);
  const cpu = m.counter('supervisord_process_cpu_seconds_total', 'User and system CPU seconds of the running process (0 when it has no pid).', id);
  const rss = m.gauge('supervisord_process_resident_memory_bytes', 'Resident memory of the running process in bytes (0 when it has no pid).', id);
  const output = m.counter('supervisord_process_output_bytes_total', 'Bytes the daemon read from the process\'s stdout or stderr pipe, over all its spawns.', [...id, 'channel']);
  const healthy = m.gauge('fleetvisor_process_healthy', 'healthcheck_*: 1 when the last checks passed, 0 after healthcheck_retries failures in a row.', id);
  const healthRestarts = m.counter('fleetvisor_process_health_restarts_total', 'Restarts made because the health check failed.', id);
  const memoryRestarts = m.counter('fleetvisor_process_memory_restarts_total', 'Restarts made because the process passed its memory_limit.', id);

  for (const { info, stats } of snap.processes) {
    const labels = { group: info.group, name: info.name };
    const isUp = UP_STATES.has(info.statename);
    up.set(labels, isUp ? 1 : 0);
    state.set(labels, info.state);
    exit.set(labels, info.exitstatus);
    if (isUp) start.set(labels, info.start);
    for (const s of STATES) oneHot.set({ ...labels, state: s }, s === info.statename ? 1 : 0);
    uptime.set(labels, info.statename === 'RUNNING' ? Math.max(0, info.now - info.start) : 0);
    restarts.inc(labels, stats?.restarts ?? 0);
    cpu.inc(labels, stats?.cpu_seconds ?? 0);
    rss.set(labels, stats?.rss_bytes ?? 0);
    output.inc({ ...labels, channel: 'stdout' }, stats?.stdout_bytes ?? 0);
    output.inc({ ...labels, channel: 'stderr' }, stats?.stderr_bytes ?? 0);
    if (stats?.health === 'healthy' || stats?.health === 'unhealthy') healthy.set(labels, stats.health === 'healthy' ? 1 : 0);
    healthRestarts.inc(labels, stats?.health_restarts ?? 0);
    memoryRestarts.inc(labels, stats?.memory_restarts ?? 0);
  }
}

function daemonMetrics(m: Scrape, snap: MetricsSnapshot): void {
  m.gauge('supervisord_daemon_up', 'The daemon answered this scrape.').set(1);
  m.gauge('supervisord_daemon_info', 'Versions and identifier of the daemon; always 1.', ['version', 'fleetvisor_version', 'identification'])
    .set({ version: SUPERVISOR_VERSION, fleetvisor_version: FLEETVISOR_VERSION, identification: snap.identification }, 1);
  m.gauge('supervisord_daemon_state', 'Daemon state code (2 FATAL, 1 RUNNING, 0 RESTARTING, -1 SHUTDOWN).').set(snap.statecode);
  const counts = m.gauge('supervisord_processes', 'Number of processes in each state.', ['state']);
  for (const s of STATES) counts.set({ state: s }, snap.processes.filter((p) => p.info.statename === s).length);
}

/** The scrape's body and its content type (prom-client's PROMETHEUS_CONTENT_TYPE). */
export async function exposition(snap: MetricsSnapshot): Promise<{ text: string; contentType: string }> {
  const prom = await loadProm();
  const m = new Scrape(prom);
  daemonMetrics(m, snap);
  processMetrics(m, snap);
  return { text: await m.registry.metrics(), contentType: prom.Registry.PROMETHEUS_CONTENT_TYPE };
}
