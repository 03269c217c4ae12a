// The fleet as the hub last saw it: every configured node (connected or not, why, since when),
// its processes, their state history and CPU/memory series. Node watchers write into it; pages,
// the API and the event stream read from it and never wait for a node. Every change that matters
// to a viewer (a state, a connection) is told to the subscribers as one FleetEvent.
import type { ProcessInfo, ProcessStats } from '../../agent/rpc/wire-types.js';
import { historyKey, StateHistory } from './history.js';
import { StatsSeries, type SeriesPoints } from './stats-series.js';
import { runningDescription } from './uptime-text.js';
import type { FleetEvent, NodeFailure, NodeView, ProcessStatsView, ProcessView, StateChange } from './types.js';

export interface NodeIdentity {
  readonly name: string;
  readonly url: string;
  readonly environments: readonly string[];
}

export interface NodeMeta {
  readonly supervisorVersion: string | null;
  readonly identification: string | null;
  readonly fleetvisorVersion: string | null;
  readonly supervisorState: string | null;
}

interface ProcessRecord {
  info: ProcessInfo;
  changedAt: number;
  stats: ProcessStatsView | null;
  /** The last CPU sample, for the percentage over the next interval. */
  lastCpu: { pid: number; seconds: number; at: number } | null;
}

interface NodeRecord {
  identity: NodeIdentity;
  connected: boolean;
  failure: NodeFailure | null;
  since: number;
  lastContact: number | null;
  meta: NodeMeta;
  clockSkew: number;
  processes: Map<string, ProcessRecord>;
  /** exitcodes by namespec, from getAllConfigInfo when the node has it. */
  exitcodes: ReadonlyMap<string, readonly number[]> | null;
  series: StatsSeries;
}

const NO_META: NodeMeta = { supervisorVersion: null, identification: null, fleetvisorVersion: null, supervisorState: null };

export function namespecOf(info: { group: string; name: string }): string {
  return `${info.group}:${info.name}`;
}

export class FleetSnapshot {
  readonly #nodes = new Map<string, NodeRecord>();
  readonly #history = new StateHistory();
  readonly #listeners = new Set<(e: FleetEvent) => void>();
  readonly #now: () => number;
  readonly #statsIntervalMs: number;

  constructor(opts: { now?: () => number; statsIntervalMs: number }) {
    this.#now = opts.now ?? Date.now;
    this.#statsIntervalMs = opts.statsIntervalMs;
  }

  subscribe(listener: (e: FleetEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Makes the node set the configured one, in config order; kept nodes keep what is known of them. */
  setNodes(identities: readonly NodeIdentity[]): void {
    const old = new Map(this.#nodes);
    this.#nodes.clear();
    for (const identity of identities) {
      const kept = old.get(identity.name);
      if (kept !== undefined && kept.identity.url === identity.url) {
        kept.identity = identity;
        this.#nodes.set(identity.name, kept);
        old.delete(identity.name);
      } else {
        this.#nodes.set(identity.name, this.#fresh(identity));
      }
    }
    for (const name of old.keys()) if (!this.#nodes.has(name)) this.#history.dropNode(name);
  }

  /** A full read of a node: its processes are exactly `infos` from now on. */
  replace(node: string, meta: NodeMeta, infos: readonly ProcessInfo[], exitcodes: ReadonlyMap<string, readonly number[]> | null): void {
    const rec = this.#nodes.get(node);
    if (rec === undefined) return;
    const now = this.#now();
    rec.meta = meta;
    if (exitcodes !== null) rec.exitcodes = exitcodes;
    this.#contact(rec, now, infos[0]?.now);
    const seen = new Set<string>();
    const next = new Map<string, ProcessRecord>();
    for (const info of infos) {
      const key = namespecOf(info);
      seen.add(key);
      next.set(key, this.#update(rec, rec.processes.get(key), info, now));
    }
    const removed = [...rec.processes.keys()].filter((k) => !seen.has(k));
    rec.processes = next;
    for (const namespec of removed) this.#emit({ type: 'process_removed', node, namespec });
    rec.series.retain((k) => next.has(k));
    this.#flushUpdates(rec, now);
  }

  /** Some processes changed (a long-poll answer); the others stay as they are. */
  applyChanges(node: string, infos: readonly ProcessInfo[]): void {
    const rec = this.#nodes.get(node);
    if (rec === undefined) return;
    const now = this.#now();
    this.#contact(rec, now, infos[0]?.now);
    for (const info of infos) {
      const key = namespecOf(info);
      rec.processes.set(key, this.#update(rec, rec.processes.get(key), info, now));
    }
    this.#flushUpdates(rec, now);
  }

  /** The node answered but nothing else changed (keeps lastContact and the connection fresh). */
  touch(node: string, meta?: NodeMeta): void {
    const rec = this.#nodes.get(node);
    if (rec === undefined) return;
    if (meta !== undefined) rec.meta = meta;
    this.#contact(rec, this.#now(), undefined);
  }

  failed(node: string, failure: NodeFailure): void {
    const rec = this.#nodes.get(node);
    if (rec === undefined) return;
    const changedConnection = rec.connected;
    const sameFailure = rec.failure?.kind === failure.kind && rec.failure.message === failure.message;
    if (!changedConnection && sameFailure) return;
    rec.connected = false;
    rec.failure = failure;
    if (changedConnection) rec.since = this.#now();
    this.#emit({ type: 'node', node, connected: false, failure, since: rec.since, changedConnection });
  }

  /** A fleetvisord sample of every process's CPU seconds and memory. */
  stats(node: string, list: readonly ProcessStats[]): void {
    const rec = this.#nodes.get(node);
    if (rec === undefined) return;
    const now = this.#now();
    const out: Record<string, ProcessStatsView> = {};
    for (const s of list) {
      const key = namespecOf(s);
      const p = rec.processes.get(key);
      if (p === undefined) continue;
      let cpuPercent: number | null = null;
      if (s.pid !== 0 && p.lastCpu !== null && p.lastCpu.pid === s.pid && now > p.lastCpu.at) {
        cpuPercent = Math.max(0, ((s.cpu_seconds - p.lastCpu.seconds) * 1000 * 100) / (now - p.lastCpu.at));
      }
      p.lastCpu = s.pid === 0 ? null : { pid: s.pid, seconds: s.cpu_seconds, at: now };
      p.stats = {
        cpuPercent, rssBytes: s.rss_bytes, restarts: s.restarts, stdoutBytes: s.stdout_bytes, stderrBytes: s.stderr_bytes,
        health: s.health ?? '', healthReason: s.health_reason ?? '',
      };
      out[key] = p.stats;
      if (s.pid !== 0) rec.series.add(key, now, cpuPercent, s.rss_bytes);
    }
    this.#emit({ type: 'stats', node, time: now, stats: out });
  }

  // Readers -------------------------------------------------------------------------------------

  nodeNames(): string[] { return [...this.#nodes.keys()]; }

  nodes(): NodeView[] {
    const now = this.#now();
    return [...this.#nodes.values()].map((rec) => this.#view(rec, now));
  }

  node(name: string): NodeView | null {
    const rec = this.#nodes.get(name);
    return rec === undefined ? null : this.#view(rec, this.#now());
  }

  process(node: string, namespec: string): ProcessView | null {
    const rec = this.#nodes.get(node);
    const p = rec?.processes.get(namespec);
    if (rec === undefined || p === undefined) return null;
    return this.#processView(rec, p, this.#now());
  }

  history(node: string, namespec: string): readonly StateChange[] {
    return this.#history.get(historyKey(node, namespec));
  }

  series(node: string, namespec: string): SeriesPoints {
    const rec = this.#nodes.get(node);
    return rec === undefined ? { t: [], cpu: [], rss: [] } : rec.series.points(namespec, this.#now());
  }

  /** exitcodes of a process when its node reported them (for "unexpected exit"). */
  exitcodes(node: string, namespec: string): readonly number[] | null {
    return this.#nodes.get(node)?.exitcodes?.get(namespec) ?? null;
  }

  // Internals -----------------------------------------------------------------------------------

  #fresh(identity: NodeIdentity): NodeRecord {
    return {
      identity, connected: false, failure: null, since: this.#now(), lastContact: null, meta: NO_META, clockSkew: 0,
      processes: new Map(), exitcodes: null, series: new StatsSeries(this.#statsIntervalMs, this.#now()),
    };
  }

  /** State changes found by #update, told once the record is consistent. */
  #pending: { node: string; key: string; from: string | null }[] = [];

  #update(rec: NodeRecord, old: ProcessRecord | undefined, info: ProcessInfo, now: number): ProcessRecord {
    const key = namespecOf(info);
    const changed = old === undefined || old.info.state !== info.state || old.info.pid !== info.pid;
    if (changed) {
      this.#history.add(historyKey(rec.identity.name, key), { time: now, state: info.state, statename: info.statename, description: info.description });
      this.#pending.push({ node: rec.identity.name, key, from: old?.info.statename ?? null });
    }
    return { info, changedAt: changed ? now : old.changedAt, stats: old?.stats ?? null, lastCpu: old?.lastCpu ?? null };
  }

  #flushUpdates(rec: NodeRecord, now: number): void {
    const pending = this.#pending;
    this.#pending = [];
    for (const { node, key, from } of pending) {
      const p = rec.processes.get(key);
      if (p === undefined) continue;
      const codes = rec.exitcodes?.get(key);
      const expected = p.info.statename === 'EXITED' && codes !== undefined ? codes.includes(p.info.exitstatus) : null;
      this.#emit({ type: 'process', node, process: this.#processView(rec, p, now), from, expected });
    }
  }

  #contact(rec: NodeRecord, now: number, nodeNow: number | undefined): void {
    rec.lastContact = now;
    if (nodeNow !== undefined) rec.clockSkew = nodeNow - Math.floor(now / 1000);
    if (rec.connected) return;
    rec.connected = true;
    rec.failure = null;
    rec.since = now;
    this.#emit({ type: 'node', node: rec.identity.name, connected: true, failure: null, since: now, changedConnection: true });
  }

  #view(rec: NodeRecord, now: number): NodeView {
    return {
      name: rec.identity.name,
      url: rec.identity.url,
      environments: rec.identity.environments,
      connected: rec.connected,
      failure: rec.failure,
      since: rec.since,
      lastContact: rec.lastContact,
      ...rec.meta,
      clockSkew: rec.clockSkew,
      processes: [...rec.processes.values()].map((p) => this.#processView(rec, p, now)),
    };
  }

  #processView(rec: NodeRecord, p: ProcessRecord, now: number): ProcessView {
    const i = p.info;
    const nodeNow = Math.floor(now / 1000) + rec.clockSkew;
    const uptime = i.statename === 'RUNNING' && i.start > 0 ? Math.max(0, nodeNow - i.start) : 0;
    return {
      node: rec.identity.name, group: i.group, name: i.name, namespec: namespecOf(i), state: i.state,
      statename: i.statename, pid: i.pid, start: i.start, stop: i.stop, spawnerr: i.spawnerr, exitstatus: i.exitstatus,
      description: i.statename === 'RUNNING' ? runningDescription(i.pid, uptime) : i.description, logfile: i.logfile, stdout_logfile: i.stdout_logfile, stderr_logfile: i.stderr_logfile,
      changedAt: p.changedAt, uptime,
      stats: p.stats,
    };
  }

  #emit(e: FleetEvent): void {
    for (const l of [...this.#listeners]) l(e);
  }
}
