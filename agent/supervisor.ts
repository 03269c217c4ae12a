// The supervisor: owns the process groups, the one loop that drives every timed transition,
// ordered shutdown, and the group add/remove/diff used by reread and update.
// It never imports rpc/http/ctl: those layers call into it.
import type { EventListenerPoolConfig, GroupConfig, LoadedConfig, ProcessConfig } from './config/types.js';
import { diffGroups } from './config/diff.js';
import type { EventBus } from './events/bus.js';
import { EventListenerPool } from './events/listener-pool.js';
import { createDaemonEventState, TickTracker, type DaemonEventState } from './events/sequence.js';
import type { Logger } from './logging/types.js';
import type { Clock } from './process/clock.js';
import { createFcgiSocket } from './process/fcgi-socket.js';
import { DependencyGraph } from './process/dependency-graph.js';
import { ProcessGroup, sortByPriority } from './process/group.js';
import { MemoryWatch } from './process/memory-watch.js';
import { PassSpawner } from './process/pass-spawner.js';
import type { Spawner } from './process/spawner.js';
import { Subprocess, type DependencyState } from './process/subprocess.js';
import { ProcessState as S, STOPPED_STATES, SupervisorState, type SupervisorStateCode, stateName } from './process/states.js';
import { ChildLogFactory, type AutoPaths } from './child-logs.js';

export interface SupervisorDeps {
  readonly config: LoadedConfig;
  readonly log: Logger;
  readonly bus: EventBus;
  readonly spawner: Spawner;
  readonly clock: Clock;
  /** The daemon's own environment ([supervisord] environment= is folded into each process config). */
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly serverUrl: string | null;
  /** Called whenever the set of live child pids changes (for the orphan ledger). */
  readonly onChildrenChanged?: () => void;
  /** Event serial and tick slices, carried over a SIGHUP restart as supervisord does; fresh when absent. */
  readonly events?: DaemonEventState;
}

/** Longest the loop sleeps even with nothing due: keeps TICK-style housekeeping alive. */
const MAX_SLEEP_MS = 1000;
const SHUTDOWN_REPORT_EVERY_S = 3;
/** Spawns per loop pass before yielding to the event loop (see #tickAll). */
const SPAWN_BATCH = 16;
const NO_DEPENDENCIES: DependencyState = { ready: true, blocked: null };

export class Supervisor {
  #state: SupervisorStateCode = SupervisorState.RUNNING;
  readonly #groups = new Map<string, ProcessGroup>();
  #config: LoadedConfig;
  readonly #deps: SupervisorDeps;
  readonly #childLogs: ChildLogFactory;
  /** AUTO log paths chosen when a group config was instantiated (supervisord writes them into the config). */
  readonly #autoPaths = new WeakMap<GroupConfig, AutoPaths>();
  #timer: NodeJS.Timeout | null = null;
  #immediate: NodeJS.Immediate | null = null;
  #stopQueue: ProcessGroup[] | null = null;
  #lastShutdownReport = 0;
  #stopped: Promise<void>;
  #resolveStopped!: () => void;
  #running = false;
  /** deps.spawner as the loop drives it: one batch per pass, spawns counted. */
  readonly #spawner: PassSpawner;
  /** Set by a spawn or a state change: the pass then reports onChildrenChanged (an idle pass does not). */
  #childrenDirty = true;
  #groupsCreated = false;
  /** One pool per [eventlistener:x] group, in creation order. */
  readonly #pools = new Map<string, EventListenerPool>();
  readonly #events: DaemonEventState;
  #dispatchQueued = false;
  /** depends_on between the active groups' processes; rebuilt after a group is added or removed. */
  #graph: DependencyGraph | null = null;
  readonly #memory = new MemoryWatch(() => this.groups.flatMap((g) => g.processes));

  constructor(deps: SupervisorDeps) {
    this.#deps = deps;
    this.#spawner = new PassSpawner(deps.spawner, () => { this.#childrenDirty = true; });
    this.#config = deps.config;
    this.#events = deps.events ?? createDaemonEventState();
    this.#childLogs = new ChildLogFactory({
      supervisord: deps.config.supervisord,
      log: deps.log,
      bus: deps.bus,
    });
    this.#stopped = new Promise((resolve) => { this.#resolveStopped = resolve; });
    deps.bus.subscribe((event) => { if (event.type === 'PROCESS_STATE') this.#childrenDirty = true; });
  }

  get state(): SupervisorStateCode { return this.#state; }
  get config(): LoadedConfig { return this.#config; }
  get log(): Logger { return this.#deps.log; }
  get bus(): EventBus { return this.#deps.bus; }
  /** The daemon's own environment: what every child starts from. */
  get baseEnv(): Readonly<Record<string, string>> { return this.#deps.baseEnv; }
  /** Groups in priority order (ties by name, then later additions last). */
  get groups(): ProcessGroup[] { return sortGroups([...this.#groups.values()]); }
  group(name: string): ProcessGroup | undefined { return this.#groups.get(name); }
  /** depends_on between the running groups' processes. */
  get dependencies(): DependencyGraph { return this.#graph ??= new DependencyGraph(this.groups); }

  /** A process may start once every dependency is RUNNING; a FATAL one blocks it, with that as reason. */
  #dependencyState(proc: Subprocess): DependencyState {
    const deps = this.dependencies.dependenciesOf(proc);
    if (deps.length === 0) return NO_DEPENDENCIES;
    let ready = true;
    for (const d of deps) {
      if (d.state === S.FATAL) return { ready: false, blocked: `dependency ${d.groupName}:${d.config.name} is FATAL` };
      if (d.state !== S.RUNNING) ready = false;
    }
    return { ready, blocked: null };
  }

  /**
   * Creates every configured group (AUTO logs, fcgi socket checks; throws FcgiSocketError), as
   * supervisord does before it opens its HTTP servers. Nothing is spawned until start().
   */
  createGroups(): void {
    if (this.#groupsCreated) return;
    this.#groupsCreated = true;
    for (const config of this.#config.groups) this.addProcessGroup(config);
  }

  /** Creates the groups if not done yet and starts the loop. Resolves `whenStopped` after shutdown. */
  start(): void {
    this.createGroups();
    this.#running = true;
    this.#memory.start();
    this.#deps.bus.notify({ type: 'SUPERVISOR_STATE_CHANGE', to: 'RUNNING' });
    this.#schedule(0);
  }

  /** Settles once a shutdown or restart has stopped every process. */
  whenStopped(): Promise<void> { return this.#stopped; }

  /** Replace the stored config after a successful reread (running groups are untouched). */
  setConfig(config: LoadedConfig): void { this.#config = config; }

  /** added / changed / removed group names, comparing the stored config with running groups. */
  diffToActive(): { added: string[]; changed: string[]; removed: string[] } {
    const active = [...this.#groups.values()].map((g) => g.config);
    return diffGroups(active, this.#config.groups);
  }

  /** Throws FcgiSocketError (nothing added) when an [fcgi-program:x] socket cannot be bound. */
  addProcessGroup(config: GroupConfig): boolean {
    if (this.#groups.has(config.name)) return false;
    const fcgiSocket = config.kind === 'fcgi-program' ? createFcgiSocket(config, this.#deps.log) : undefined;
    const autoPaths = this.#childLogs.prepareGroup(config);
    this.#autoPaths.set(config, autoPaths);
    // The pool subscribes before the group's PROCESS_GROUP_ADDED, so it receives its own.
    const pool = config.kind === 'eventlistener' ? this.#createPool(config) : undefined;
    const processes = config.processes.map((pconfig) => {
      let proc: Subprocess | undefined = undefined;
      const member = pool?.addMember(pconfig.name);
      proc = new Subprocess({
      config: pconfig,
      groupName: config.name,
      spawner: this.#spawner,
      clock: this.#deps.clock,
      bus: this.#deps.bus,
      log: this.#deps.log,
      openOutput: (channel) => {
        const sink = this.#childLogs.open(config, pconfig, channel, autoPaths, () => proc?.pid ?? 0);
        // Opened once per spawn: a listener's stdout feeds the protocol of that spawn.
        return member !== undefined && channel === 'stdout' ? member.spawned(sink) : sink;
      },
      baseEnv: this.#deps.baseEnv,
      serverUrl: this.#deps.serverUrl,
      isDaemonRunning: () => this.#state === SupervisorState.RUNNING,
      requestTick: () => this.requestTick(),
      fcgiSocket,
      dependencies: () => (proc === undefined ? NO_DEPENDENCIES : this.#dependencyState(proc)),
      });
      member?.attach(proc);
      return proc;
    });
    this.#groups.set(config.name, new ProcessGroup(config, processes));
    this.#graph = null;
    this.#deps.bus.notify({ type: 'PROCESS_GROUP_ADDED', groupName: config.name });
    this.requestTick();
    return true;
  }

  /** False when some process of the group is not stopped (supervisord's STILL_RUNNING case). */
  removeProcessGroup(name: string): boolean {
    const group = this.#groups.get(name);
    if (!group) return false;
    if (group.unstopped().length > 0) return false;
    this.#groups.delete(name);
    this.#graph = null;
    this.#pools.get(name)?.close();
    this.#pools.delete(name);
    this.#deps.bus.notify({ type: 'PROCESS_GROUP_REMOVED', groupName: name });
    return true;
  }

  /**
   * The log file of one channel of a configured process: the concrete path, null for NONE (or
   * redirected stderr), or 'AUTO' when the config was never instantiated (a fresh reread).
   */
  logfileOf(group: GroupConfig, proc: ProcessConfig, channel: 'stdout' | 'stderr'): string | null | 'AUTO' {
    const auto = this.#autoPaths.get(group);
    if (proc[channel].auto && !(channel === 'stderr' && proc.redirect_stderr) && auto === undefined) return 'AUTO';
    return ChildLogFactory.pathOf(proc, channel, auto ?? new Map());
  }

  /** clearProcessLogs of one process (a no-op when it is not running); file errors propagate. */
  clearProcessLogs(groupName: string, processName: string): void {
    this.#childLogs.clearProcess(groupName, processName);
  }

  /** Every live child pid with its process and group, for the orphan ledger. */
  liveChildren(): { pid: number; name: string; group: string }[] {
    const out: { pid: number; name: string; group: string }[] = [];
    for (const group of this.#groups.values()) {
      for (const proc of group.processes) {
        if (proc.pid > 0) out.push({ pid: proc.pid, name: proc.config.name, group: group.config.name });
      }
    }
    return out;
  }

  /** SIGTERM/SIGINT/SIGQUIT or supervisor.shutdown. */
  shutdown(): void { this.#beginStop(SupervisorState.SHUTDOWN); }

  /** SIGHUP or supervisor.restart: stop everything; the caller re-reads the config afterwards. */
  restart(): boolean {
    if (this.#state === SupervisorState.SHUTDOWN) return false;
    this.#beginStop(SupervisorState.RESTARTING);
    return true;
  }

  /** Ask the loop to run as soon as possible (coalesced). */
  requestTick(): void {
    if (!this.#running || this.#immediate) return;
    this.#immediate = setImmediate(() => {
      this.#immediate = null;
      this.#loop();
    });
  }

  reopenLogs(): void { this.#childLogs.reopenAll(); }

  #beginStop(state: SupervisorStateCode): void {
    if (this.#state !== SupervisorState.RUNNING && state === SupervisorState.RESTARTING) return;
    this.#state = state;
    this.requestTick();
  }

  #schedule(ms: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => { this.#timer = null; this.#loop(); }, ms);
  }

  /** One pass: transitions of every group, then the shutdown bookkeeping, then sleep to the next deadline. */
  #loop(): void {
    if (!this.#running) return;
    const stopping = this.#state !== SupervisorState.RUNNING;
    if (stopping && this.#stopQueue === null) {
      this.#stopQueue = this.groups;
      this.#deps.bus.notify({ type: 'SUPERVISOR_STATE_CHANGE', to: 'STOPPING' });
    }
    if (stopping) this.#stopGroup(this.#stopQueue?.at(-1));
    const now = this.#deps.clock.now();
    const yielded = this.#tickAll(now);
    this.#eventsPass(now);
    if (stopping && this.#finishStopStep(now)) return;
    if (this.#childrenDirty) {
      this.#childrenDirty = false;
      this.#deps.onChildrenChanged?.();
    }
    if (yielded) this.requestTick();
    else this.#schedule(this.#sleepMs(now));
  }

  /**
   * The shutdown step for the group at the end of the stop queue: supervisord's stopAll, except that
   * with depends_on a process is stopped only once everything that depends on it is stopped, and
   * those dependents (in any group) are stopped first.
   */
  #stopGroup(group: ProcessGroup | undefined): void {
    if (group === undefined) return;
    const graph = this.dependencies;
    if (graph.empty) {
      group.stopAll();
      return;
    }
    const seen = new Set<Subprocess>();
    const stopFreed = (proc: Subprocess): void => {
      if (seen.has(proc)) return;
      seen.add(proc);
      const up = graph.dependentsOf(proc).filter((d) => !STOPPED_STATES.has(d.state));
      if (up.length > 0) {
        for (const d of up) stopFreed(d);
      } else if (proc.state === S.RUNNING || proc.state === S.STARTING) {
        // RUNNING/STARTING -> STOPPING
        proc.stop();
      } else if (proc.state === S.BACKOFF) {
        // BACKOFF -> FATAL
        proc.giveUp();
      }
    };
    for (const proc of sortByPriority(group.processes, 'stop')) stopFreed(proc);
  }

  /**
   * Runs every process's transitions in priority order. Each fork+exec blocks the event loop for
   * a few milliseconds, so after SPAWN_BATCH spawns the pass stops and resumes on the next turn
   * of the event loop: HTTP requests are served in between even while 1000 programs start.
   * Returns true when the pass stopped early.
   */
  #tickAll(now: number): boolean {
    const spawner = this.#spawner;
    const before = spawner.count;
    spawner.beginPass();
    try {
      for (const group of this.groups) {
        for (const proc of group.processes) {
          proc.tick(now);
          if (spawner.count - before >= SPAWN_BATCH) return true;
        }
      }
      return false;
    } finally {
      spawner.endPass();
    }
  }

  #createPool(config: EventListenerPoolConfig): EventListenerPool {
    const pool = new EventListenerPool({
      config, bus: this.#deps.bus, log: this.#deps.log, serial: this.#events.serial,
      // Read at each send: reloadConfig changes the identifier, as in supervisord.
      identifier: () => this.#config.supervisord.identifier,
      requestDispatch: () => this.#requestDispatch(),
    });
    this.#pools.set(config.name, pool);
    return pool;
  }

  /**
   * A READY arrived or an event was buffered while a listener can take it: the pools dispatch on
   * the next turn of the event loop (coalesced), without a whole loop pass over every process.
   */
  #requestDispatch(): void {
    if (!this.#running || this.#dispatchQueued) return;
    this.#dispatchQueued = true;
    setImmediate(() => {
      this.#dispatchQueued = false;
      if (this.#running) for (const pool of this.#pools.values()) pool.dispatch();
    });
  }

  /** After the transitions: each pool sends what its READY listeners can take, then TICK_* events. */
  #eventsPass(now: number): void {
    for (const pool of this.#pools.values()) pool.dispatch();
    for (const tick of this.#events.ticks.observe(now)) this.#deps.bus.notify(tick);
  }

  /** Pops fully stopped groups off the stop queue; true once nothing is left running. */
  #finishStopStep(now: number): boolean {
    const queue = this.#stopQueue ?? [];
    const last = queue.at(-1);
    if (last && last.unstopped().length === 0) queue.pop();
    const unstopped = this.groups.flatMap((g) => g.unstopped());
    if (unstopped.length === 0) {
      this.#running = false;
      this.#memory.stop();
      if (this.#timer) clearTimeout(this.#timer);
      this.#deps.onChildrenChanged?.();
      this.#resolveStopped();
      return true;
    }
    if (now > this.#lastShutdownReport + SHUTDOWN_REPORT_EVERY_S) {
      this.#deps.log.info(`waiting for ${unstopped.map((p) => p.config.name).join(', ')} to die`);
      this.#lastShutdownReport = now;
      for (const p of unstopped) this.#deps.log.blather(`${p.config.name} state: ${stateName(p.state)}`);
    }
    if (queue.length > 0 && queue.at(-1) !== last) this.requestTick();
    return false;
  }

  #sleepMs(now: number): number {
    let next = Number.POSITIVE_INFINITY;
    for (const group of this.#groups.values()) {
      const d = group.nextDeadline();
      if (d !== null && d < next) next = d;
    }
    // Wake for the next period start when a pool wants TICK events (the 1 s cap alone may be late).
    if ([...this.#pools.values()].some((p) => p.wants('TICK_5'))) next = Math.min(next, TickTracker.nextBoundary(now));
    if (!Number.isFinite(next)) return MAX_SLEEP_MS;
    // Deadlines are "strictly after": wake a hair past them so the comparison holds.
    return Math.max(0, Math.min(MAX_SLEEP_MS, Math.ceil((next - now) * 1000) + 1));
  }
}

function sortGroups(groups: ProcessGroup[]): ProcessGroup[] {
  // Array.prototype.sort is stable: ties keep insertion order (config order, later additions last).
  return groups.sort((a, b) => a.config.priority - b.config.priority);
}
