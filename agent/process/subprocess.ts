// One supervised process: supervisord's Subprocess state machine (supervisor/process.py,
// Subprocess). Inputs are spawn/stop/giveUp/signal/writeStdin and tick(now); every state change
// goes through changeState. Its output and its share of an fcgi socket are collaborators of their own.
import type { ProcessConfig } from '../config/types.js';
import { signalName } from '../config/signals.js';
import type { EventBus } from '../events/bus.js';
import type { Logger, OutputSink } from '../logging/types.js';
import { FcgiSocketHold } from './fcgi-hold.js';
import { HealthCheck, type HealthReport } from './health.js';
import { Readiness } from './readiness.js';
import { ProcessOutput } from './process-output.js';
import { buildChildEnv, buildSpawnRequest } from './child-env.js';
import type { Clock } from './clock.js';
import { FcgiSocketError, IllegalTransition, ProcessError, SpawnError, StdinClosed } from './errors.js';
import { describeExit, isExpectedExit, shouldAutoRestart } from './exit-status.js';
import type { FcgiSocket } from './fcgi-socket.js';
import { killFailureText } from './kill-text.js';
import { inSpawnOrder, spawnWith, type SpawnedChild, type Spawner } from './spawner.js';
import { ProcessState as S, type ProcessStateCode } from './states.js';
import { assertTransition } from './transitions.js';

/** nextDeadline() for "strictly greater than" rules: the boundary itself would not act yet. */
export const STRICT_EPSILON = 0.001;

const SIGKILL = 9;
const SPAWNABLE: ReadonlySet<ProcessStateCode> = new Set([S.EXITED, S.FATAL, S.BACKOFF, S.STOPPED]);

export interface SubprocessDeps {
  readonly config: ProcessConfig;
  readonly groupName: string;
  readonly spawner: Spawner;
  readonly clock: Clock;
  readonly bus: EventBus;
  readonly log: Logger;
  /** Called at each successful spawn attempt, per channel; null discards the output. */
  openOutput(channel: 'stdout' | 'stderr'): OutputSink | null;
  /** The daemon's own environment ([supervisord] environment= is folded into each process config). */
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly serverUrl: string | null;
  isDaemonRunning(): boolean;
  /** Ask the loop for a tick soon; called on every state change, so the loop should coalesce. */
  requestTick(): void;
  /** [fcgi-program:x]: the group's socket, held from each spawn until that child's exit, as fd 0. */
  readonly fcgiSocket?: FcgiSocket | undefined;
  /**
   * depends_on: whether every dependency is RUNNING, and, when one cannot start (FATAL), why not.
   * Absent (or no depends_on) means always ready.
   */
  dependencies?(): DependencyState;
}

export interface DependencyState {
  readonly ready: boolean;
  /** Set when a dependency is FATAL: this process is not started, with this as its spawnerr. */
  readonly blocked: string | null;
}

/** What fleetvisord's own options report about a process (health checks, restarts they made). */
export interface ProcessExtrasState {
  readonly health: HealthReport | null;
  readonly healthRestarts: number;
  readonly memoryRestarts: number;
}

export class Subprocess {
  readonly config: ProcessConfig;
  readonly groupName: string;
  #state: ProcessStateCode = S.STOPPED;
  #pid = 0;
  #laststart = 0;
  #laststop = 0;
  #laststopreport = 0;
  #spawnerr = '';
  #exitstatus: number | null = null;
  #backoff = 0;
  #delay = 0;
  #killing = false;
  #spawns = 0;
  #child: SpawnedChild | null = null;
  readonly #output: ProcessOutput;
  readonly #socket: FcgiSocketHold;
  readonly #deps: SubprocessDeps;
  /** ready_*: the checks of the current start attempt, until RUNNING. */
  #readiness: Readiness | null = null;
  /** healthcheck_*: running while the process is RUNNING. */
  #health: HealthCheck | null = null;
  /** The environment the child was started with (for ready_command and healthcheck_command). */
  #childEnv: Readonly<Record<string, string>> = {};
  /** Set when the start is given up while the child runs (not ready in time): its exit is a start failure. */
  #startFailure: string | null = null;
  /** Why the process is being stopped to be started again (health check, memory limit). */
  #restartReason: string | null = null;
  /** When it entered FATAL (fatal_retry_secs counts from there); Infinity once a stop cancelled the retry. */
  #fatalAt = 0;
  #healthRestarts = 0;
  #memoryRestarts = 0;

  constructor(deps: SubprocessDeps) {
    this.#deps = deps;
    this.config = deps.config;
    this.groupName = deps.groupName;
    this.#output = new ProcessOutput((channel) => deps.openOutput(channel), deps.config.redirect_stderr);
    this.#socket = new FcgiSocketHold(deps.fcgiSocket);
    const hc = deps.config.extra.healthcheck;
    if (hc !== null) {
      this.#health = new HealthCheck(hc, () => ({ cwd: deps.config.directory, env: this.#childEnv }), (report, act) => this.#healthChanged(report, act));
    }
  }

  get state(): ProcessStateCode { return this.#state; }
  get pid(): number { return this.#pid; }
  get laststart(): number { return this.#laststart; }
  get laststop(): number { return this.#laststop; }
  get spawnerr(): string { return this.#spawnerr; }
  get exitstatus(): number | null { return this.#exitstatus; }
  get backoff(): number { return this.#backoff; }
  get delay(): number { return this.#delay; }
  get killing(): boolean { return this.#killing; }
  /** Start attempts so far (each spawn() that reached STARTING). */
  get spawns(): number { return this.#spawns; }
  /** Bytes read from the children's stdout and stderr pipes over all spawns (redirect_stderr: all stdout). */
  get outputBytes(): { readonly stdout: number; readonly stderr: number } { return this.#output.bytes; }
  get extrasState(): ProcessExtrasState {
    return { health: this.#health?.report ?? null, healthRestarts: this.#healthRestarts, memoryRestarts: this.#memoryRestarts };
  }

  /** The one funnel: checks the edge, keeps backoff bookkeeping, emits exactly one event. */
  changeState(to: ProcessStateCode, expected = true): boolean {
    const from = this.#state;
    if (to === from) return false;
    assertTransition(from, to, this.config.name);
    this.#state = to;
    if (to === S.BACKOFF) {
      this.#backoff += 1;
      // supervisord's delay grows by a second a try; backoff_max_secs caps it.
      const cap = this.config.extra.backoff_max_secs;
      this.#delay = this.#deps.clock.now() + (cap > 0 ? Math.min(this.#backoff, cap) : this.#backoff);
    }
    if (to === S.FATAL) this.#fatalAt = this.#deps.clock.now();
    if (from === S.STARTING) this.#endReadiness();
    if (to === S.RUNNING) this.#health?.start();
    else if (from === S.RUNNING) this.#health?.stop();
    this.#deps.bus.notify({
      type: 'PROCESS_STATE', processName: this.config.name, groupName: this.groupName,
      from, to, tries: this.#backoff, expected, pid: this.#pid,
    });
    this.#deps.requestTick();
    return true;
  }

  /** supervisord's spawn(): one start attempt; failures end in BACKOFF with spawnerr set. */
  spawn(): void {
    const { log, clock } = this.#deps;
    const name = this.config.name;
    if (this.#pid !== 0) {
      log.warn(`process '${name}' already running`);
      return;
    }
    this.#killing = false;
    this.#spawnerr = '';
    this.#exitstatus = null;
    this.#startFailure = null;
    this.#laststart = clock.now();
    if (!SPAWNABLE.has(this.#state)) {
      throw new IllegalTransition(`cannot spawn ${name} in state ${this.#state}`);
    }
    // STOPPED/EXITED/FATAL/BACKOFF -> STARTING: a start attempt begins
    this.#spawns += 1;
    this.changeState(S.STARTING);
    // In the supervisor's pass the fork may be confirmed at the pass's end (Spawner.spawnDeferred):
    // until then the process is STARTING without a pid, which nothing outside the pass can see.
    this.#launch((child) => {
      if (child === null) {
        this.#socket.release();
        return;
      }
      this.#child = child;
      this.#pid = child.pid;
      log.info(`spawned: '${name}' with pid ${child.pid}`);
      this.#spawnerr = '';
      this.#delay = clock.now() + this.config.startsecs;
      this.#readiness?.start();
      child.onExit((code, signal, core) => this.#finish(child, code, signal, core === true));
    });
  }

  /**
   * Resolve, open outputs, fork; `done` gets the child, or null after the failure was recorded
   * (STARTING -> BACKOFF).
   */
  #launch(done: (child: SpawnedChild | null) => void): void {
    const { config } = this;
    const deps = this.#deps;
    let stdinFd: number | null = null;
    try {
      stdinFd = this.#socket.take();
    } catch (err) {
      if (!(err instanceof FcgiSocketError)) throw err;
      this.#failInOrder(done, err.message);
      return;
    }
    let request;
    try {
      const env = buildChildEnv(config, this.groupName, deps.baseEnv, deps.serverUrl);
      request = { ...buildSpawnRequest(config, env, deps.baseEnv), stdinFd };
      this.#childEnv = env;
    } catch (err) {
      if (!(err instanceof ProcessError)) throw err;
      this.#failInOrder(done, err.message);
      return;
    }
    try {
      this.#output.open();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      this.#failInOrder(done, code === 'EMFILE'
        ? `too many open files to spawn '${config.name}'`
        : `unknown error making dispatchers for '${config.name}': ${code}`);
      return;
    }
    spawnWith(deps.spawner, request, (outcome) => {
      if (outcome instanceof SpawnError) {
        this.#output.close();
        done(this.#spawnFailed(outcome.code === 'EAGAIN'
          ? `Too many processes in process table to spawn '${config.name}'`
          : `unknown error during fork for '${config.name}': ${outcome.code}`));
        return;
      }
      const ready = config.extra.ready;
      this.#readiness = ready === null ? null
        : new Readiness(ready, { cwd: config.directory, env: this.#childEnv }, () => this.#deps.requestTick());
      const readiness = this.#readiness;
      this.#output.wire(outcome, readiness === null || ready?.log === null ? undefined : (chunk) => readiness.output(chunk));
      done(outcome);
    });
  }

  #endReadiness(): void {
    this.#readiness?.stop();
    this.#readiness = null;
  }

  /** A health check's verdict changed; with `act`, healthcheck_retries failures came in a row. */
  #healthChanged(report: HealthReport, act: boolean): void {
    const { log, bus } = this.#deps;
    const name = this.config.name;
    bus.notify({
      type: 'PROCESS_HEALTH', processName: name, groupName: this.groupName, pid: this.#pid,
      healthy: report.status === 'healthy', failures: report.failures, reason: report.reason ?? '',
    });
    if (report.status === 'healthy') {
      log.info(`healthcheck: ${name} is healthy`);
      return;
    }
    if (!act) return;
    const hc = this.config.extra.healthcheck;
    log.warn(`healthcheck: ${name} failed ${report.failures} times in a row (${report.reason ?? '?'})${hc?.action === 'report' ? '' : '; restarting it'}`);
    if (hc?.action !== 'report') {
      this.#healthRestarts += 1;
      this.restart('health check failed');
    }
  }

  /** memory_limit: the process and its descendants use `rss` bytes, over the limit: restart it. */
  memoryExceeded(rss: number): void {
    const limit = this.config.extra.memory_limit;
    if (limit <= 0 || this.#state !== S.RUNNING || this.#restartReason !== null) return;
    this.#deps.log.warn(`memory_limit: ${this.config.name} uses ${rss} bytes, over its limit of ${limit}; restarting it`);
    this.#deps.bus.notify({
      type: 'PROCESS_MEMORY_LIMIT', processName: this.config.name, groupName: this.groupName, pid: this.#pid, rssBytes: rss, limitBytes: limit,
    });
    this.#memoryRestarts += 1;
    this.restart('memory limit');
  }

  /** Stops the process so that it is started again once stopped (RUNNING -> STOPPING -> STOPPED -> STARTING). */
  restart(reason: string): void {
    if (this.#state !== S.RUNNING && this.#state !== S.STARTING) return;
    this.#restartReason = reason;
    const err = this.stop();
    if (err !== null) this.#restartReason = null;
  }

  /** A failure before the spawner: recorded after the spawns still in flight, in start order. */
  #failInOrder(done: (child: null) => void, message: string): void {
    inSpawnOrder(this.#deps.spawner, () => done(this.#spawnFailed(message)));
  }

  #spawnFailed(message: string): null {
    this.#spawnerr = message;
    this.#deps.log.info(`spawnerr: ${message}`);
    // STARTING -> BACKOFF: the spawn attempt failed before a child existed
    this.changeState(S.BACKOFF);
    return null;
  }

  /** Administrative stop: the stop signal, or BACKOFF -> STOPPED. Returns an error text or null. */
  stop(): string | null {
    this.#laststopreport = 0;
    this.cancelFatalRetry();
    return this.#kill(this.config.stopsignal);
  }

  /** A stop asked of a FATAL process ends its fatal_retry_secs retries (until its next FATAL). */
  cancelFatalRetry(): void {
    if (this.#state === S.FATAL) this.#fatalAt = Number.POSITIVE_INFINITY;
  }

  /** Throttled "waiting for x to stop" (every 2 s), for callers waiting on a stop. */
  stopReport(): void {
    if (this.#state !== S.STOPPING) return;
    const now = this.#deps.clock.now();
    if (now > this.#laststopreport + 2) {
      this.#deps.log.info(`waiting for ${this.config.name} to stop`);
      this.#laststopreport = now;
    }
  }

  /** Shutdown / stop-all of a group: a BACKOFF process stops retrying. */
  giveUp(): void {
    this.#delay = 0;
    this.#backoff = 0;
    // BACKOFF -> FATAL: given up (too many retries, or the group is being stopped)
    this.changeState(S.FATAL);
  }

  #kill(sig: number): string | null {
    const { log, clock } = this.#deps;
    const name = this.config.name;
    if (this.#state === S.BACKOFF) {
      log.debug(`Attempted to kill ${name}, which is in BACKOFF state.`);
      // BACKOFF -> STOPPED: stop request while waiting to retry (backoff kept)
      this.changeState(S.STOPPED);
      return null;
    }
    const child = this.#child;
    if (this.#pid === 0 || child === null) {
      const msg = `attempted to kill ${name} with sig ${signalName(sig)} but it wasn't running`;
      log.debug(msg);
      return msg;
    }
    const asGroup = this.#state === S.STOPPING ? this.config.killasgroup : this.config.stopasgroup;
    log.debug(`killing ${name} (pid ${this.#pid}) ${asGroup ? 'process group ' : ''}with signal ${signalName(sig)}`);
    this.#killing = true;
    this.#delay = clock.now() + this.config.stopwaitsecs;
    // RUNNING/STARTING -> STOPPING (already STOPPING when escalating to SIGKILL)
    this.changeState(S.STOPPING);
    try {
      child.kill(sig, asGroup);
    } catch (err) {
      return this.#killFailed(err, 'killing');
    }
    return null;
  }

  /** ESRCH means the child just exited (the exit will settle the state); anything else -> UNKNOWN. */
  #killFailed(err: unknown, what: 'killing' | 'sending'): string | null {
    const { log } = this.#deps;
    const name = this.config.name;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ESRCH') {
      const now = what === 'sending' ? 'just now ' : 'just ';
      log.debug(`unable to signal ${name} (pid ${this.#pid}), it probably ${now}exited on its own: ${killFailureText(e)}`);
      return null;
    }
    const msg = what === 'killing'
      ? `unknown problem killing ${name} (${this.#pid}):${e.stack ?? String(e)}`
      : `unknown problem sending sig ${name} (${this.#pid}):${e.stack ?? String(e)}`;
    log.critical(msg);
    // RUNNING/STARTING/STOPPING -> UNKNOWN: kill() itself failed
    this.changeState(S.UNKNOWN);
    if (what === 'killing') {
      this.#killing = false;
      this.#delay = 0;
    }
    return msg;
  }

  /** Sends a signal without intending a stop; a death by it while STOPPING completes the stop. */
  signal(sig: number): string | null {
    const { log } = this.#deps;
    const name = this.config.name;
    const child = this.#child;
    if (this.#pid === 0 || child === null) {
      const msg = `attempted to send ${name} sig ${signalName(sig)} but it wasn't running`;
      log.debug(msg);
      return msg;
    }
    log.debug(`sending ${name} (pid ${this.#pid}) sig ${signalName(sig)}`);
    try {
      child.kill(sig, false);
    } catch (err) {
      return this.#killFailed(err, 'sending');
    }
    return null;
  }

  /**
   * Throws StdinClosed with supervisord's EPIPE texts when the data cannot be delivered. A broken
   * pipe found only by the write itself arrives later, through onError (event listener pools).
   */
  writeStdin(data: Buffer, onError?: (err: Error) => void): void {
    if (this.#pid === 0 || this.#killing || this.#child === null) throw new StdinClosed('Process already closed');
    const stdin = this.#child.stdin;
    if (stdin === null) throw new StdinClosed('Process has no stdin channel');
    if (stdin.destroyed || stdin.writableEnded) throw new StdinClosed("Process' stdin channel is closed");
    stdin.write(data, onError && ((err) => { if (err) onError(err); }));
  }

  /** The child is gone and its output drained: supervisord's Subprocess.finish(). */
  #finish(child: SpawnedChild, code: number | null, signal: number | null, coreDumped: boolean): void {
    if (child !== this.#child) return;
    const { log, clock } = this.#deps;
    const name = this.config.name;
    this.#output.close();
    const { exitstatus, text } = describeExit(code, signal, coreDumped);
    const now = clock.now();
    this.#laststop = now;
    let tooQuickly = false;
    if (now > this.#laststart) tooQuickly = now - this.#laststart < this.config.startsecs;
    else log.warn(`process '${name}' (${this.#pid}) laststart time is in the future, don't know how long process was running so assuming it did not exit too quickly`);
    const expected = isExpectedExit(exitstatus, this.config.exitcodes);
    if (this.#state === S.UNKNOWN) {
      // No edge leaves UNKNOWN: record the exit and stay there.
      this.#exitstatus = exitstatus;
      log.warn(`exited: ${name} (${text}; ${expected ? 'expected' : 'not expected'})`);
    } else if (this.#startFailure !== null) {
      this.#exitstatus = null;
      this.#spawnerr = this.#startFailure;
      this.#startFailure = null;
      // STARTING -> BACKOFF: not ready within ready_timeout; the child was stopped for it
      this.changeState(S.BACKOFF);
      log.warn(`exited: ${name} (${text}; not expected)`);
    } else if (this.#killing) {
      this.#killing = false;
      this.#delay = 0;
      this.#exitstatus = exitstatus;
      // STOPPING -> STOPPED: the exit a stop request asked for
      this.changeState(S.STOPPED);
      if (expected) log.info(`stopped: ${name} (${text})`);
      else log.warn(`stopped: ${name} (${text})`);
    } else if (this.#state === S.STARTING && this.#readiness !== null && !this.#readiness.ready) {
      this.#exitstatus = null;
      this.#spawnerr = 'Exited before it was ready (process log may have details)';
      // STARTING -> BACKOFF: exited before its ready_* checks passed
      this.changeState(S.BACKOFF);
      log.warn(`exited: ${name} (${text}; not expected)`);
    } else if (tooQuickly) {
      this.#exitstatus = null;
      this.#spawnerr = 'Exited too quickly (process log may have details)';
      // STARTING -> BACKOFF: exited before startsecs
      this.changeState(S.BACKOFF);
      log.warn(`exited: ${name} (${text}; not expected)`);
    } else {
      this.#exitedOnItsOwn(exitstatus, text, expected);
    }
    this.#pid = 0;
    this.#child = null;
    this.#socket.release();
    const again = this.#restartReason;
    this.#restartReason = null;
    if (again !== null && this.#state === S.STOPPED && this.#deps.isDaemonRunning()) {
      this.#deps.log.info(`starting ${name} again (${again})`);
      // STOPPED -> STARTING: the restart a health check or the memory limit asked for
      this.spawn();
    }
  }

  #exitedOnItsOwn(exitstatus: number, text: string, expected: boolean): void {
    const { log } = this.#deps;
    const name = this.config.name;
    this.#delay = 0;
    this.#backoff = 0;
    this.#exitstatus = exitstatus;
    // STARTING -> RUNNING: startsecs had elapsed (or is 0) but no tick promoted it yet
    if (this.#state === S.STARTING) this.changeState(S.RUNNING);
    if (expected) {
      // RUNNING -> EXITED: exited on its own with an expected code
      this.changeState(S.EXITED, true);
      log.info(`exited: ${name} (${text}; expected)`);
    } else {
      this.#spawnerr = `Bad exit code ${exitstatus}`;
      // RUNNING -> EXITED: exited on its own with an unexpected code or signal
      this.changeState(S.EXITED, false);
      log.warn(`exited: ${name} (${text}; not expected)`);
    }
  }

  /** supervisord's transition(): every time-based and automatic change, driven by the loop. */
  tick(now: number): void {
    const state = this.#state;
    if (this.#deps.isDaemonRunning()) this.#autoStart(state, now);
    const readiness = this.#readiness;
    if (state === S.STARTING && now - this.#laststart > this.config.startsecs && (readiness === null || readiness.ready)) {
      this.#delay = 0;
      this.#backoff = 0;
      const what = readiness?.describe() ?? null;
      // STARTING -> RUNNING: stayed up longer than startsecs (and passed its ready_* checks)
      this.changeState(S.RUNNING);
      this.#deps.log.info(what === null
        ? `success: ${this.config.name} entered RUNNING state, process has stayed up for > than ${this.config.startsecs} seconds (startsecs)`
        : `success: ${this.config.name} entered RUNNING state, process is ready (${what})`);
    } else if (state === S.STARTING && readiness !== null && !readiness.ready && this.#startFailure === null
      && this.#pid !== 0 && now - this.#laststart >= readiness.timeout) {
      this.#notReady(readiness);
    }
    if (state === S.FATAL && this.#deps.isDaemonRunning() && this.config.extra.fatal_retry_secs > 0
      && now >= this.#fatalAt + this.config.extra.fatal_retry_secs) {
      this.#deps.log.info(`retrying ${this.config.name} after ${this.config.extra.fatal_retry_secs} seconds in FATAL (fatal_retry_secs)`);
      this.#backoff = 0;
      // FATAL -> STARTING: fatal_retry_secs passed
      this.spawn();
    }
    if (state === S.BACKOFF && this.#state === S.BACKOFF && this.#backoff > this.config.startretries) {
      this.giveUp();
      this.#deps.log.info(`gave up: ${this.config.name} entered FATAL state, too many start retries too quickly`);
    } else if (state === S.STARTING && this.#startFailure !== null && this.#delay - now <= 0 && this.#child !== null) {
      this.#deps.log.warn(`killing '${this.config.name}' (${this.#pid}) with SIGKILL`);
      this.#delay = now + this.config.stopwaitsecs;
      try { this.#child.kill(SIGKILL, this.config.killasgroup); } catch { /* gone */ }
    } else if (state === S.STOPPING && this.#delay - now <= 0) {
      this.#deps.log.warn(`killing '${this.config.name}' (${this.#pid}) with SIGKILL`);
      this.#kill(SIGKILL);
    }
  }

  /** The start is given up while the child runs (ready_timeout passed): stop it; its exit is a failed start. */
  #notReady(readiness: Readiness): void {
    const child = this.#child;
    if (child === null) return;
    const why = readiness.lastFailure === null ? '' : ` (last try: ${readiness.lastFailure})`;
    this.#startFailure = `not ready within ${readiness.timeout} seconds${why}`;
    this.#deps.log.warn(`${this.config.name} was not ready within ${readiness.timeout} seconds${why}; stopping it`);
    this.#delay = this.#deps.clock.now() + this.config.stopwaitsecs;
    this.#endReadiness();
    try { child.kill(this.config.stopsignal, this.config.stopasgroup); } catch { /* it exited meanwhile: finish() settles it */ }
  }

  #dependenciesReady(): boolean {
    return this.#deps.dependencies?.().ready ?? true;
  }

  /** depends_on: automatic starts wait for the dependencies; a FATAL one blocks with a reason. */
  #dependenciesAllow(): boolean {
    const deps = this.#deps.dependencies?.() ?? null;
    if (deps === null || deps.ready) {
      if (deps !== null && this.#state === S.STOPPED && this.#spawnerr.startsWith('dependency ')) this.#spawnerr = '';
      return deps === null || deps.ready;
    }
    if (deps.blocked !== null && this.#spawnerr !== deps.blocked) {
      this.#spawnerr = deps.blocked;
      this.#deps.log.warn(`not starting ${this.config.name}: ${deps.blocked}`);
    }
    return false;
  }

  #autoStart(state: ProcessStateCode, now: number): void {
    const { config } = this;
    if (state === S.EXITED) {
      // EXITED -> STARTING: autorestart
      if (shouldAutoRestart(config.autorestart, this.#exitstatus, config.exitcodes) && this.#dependenciesAllow()) this.spawn();
    } else if (state === S.STOPPED && this.#laststart === 0) {
      // STOPPED -> STARTING: autostart, only if never started (and, with depends_on, once they run)
      if (config.autostart && this.#dependenciesAllow()) this.spawn();
    } else if (state === S.BACKOFF && this.#backoff <= config.startretries && now > this.#delay) {
      // BACKOFF -> STARTING: retry after the backoff delay
      this.spawn();
    }
  }

  /** The earliest clock time at which tick() would act, or null when only an input can change things. */
  nextDeadline(): number | null {
    const { config } = this;
    const running = this.#deps.isDaemonRunning();
    switch (this.#state) {
      case S.STARTING: {
        if (this.#startFailure !== null) return this.#delay;
        const promote = this.#laststart + config.startsecs + STRICT_EPSILON;
        const r = this.#readiness;
        return r === null || r.ready ? promote : Math.min(Math.max(promote, this.#deps.clock.now() + 1), this.#laststart + r.timeout);
      }
      case S.FATAL: {
        const retry = config.extra.fatal_retry_secs;
        return running && retry > 0 && Number.isFinite(this.#fatalAt) ? this.#fatalAt + retry : null;
      }
      case S.STOPPING:
        return this.#delay;
      case S.BACKOFF:
        if (this.#backoff > config.startretries) return this.#deps.clock.now();
        return running ? this.#delay + STRICT_EPSILON : null;
      // Waiting for dependencies is woken by their state changes, not by the clock.
      case S.EXITED:
        return running && shouldAutoRestart(config.autorestart, this.#exitstatus, config.exitcodes) && this.#dependenciesReady() ? this.#deps.clock.now() : null;
      case S.STOPPED:
        return running && this.#laststart === 0 && config.autostart && this.#dependenciesReady() ? this.#deps.clock.now() : null;
      default:
        return null;
    }
  }
}
