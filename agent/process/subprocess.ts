// One supervised process: supervisord's Subprocess state machine (supervisor/process.py,
// Subprocess). Inputs are spawn/stop/giveUp/signal/writeStdin and tick(now); every state change
// goes through changeState. Its output and its share of an fcgi socket are collaborators of their own.
import type { ProcessConfig } from '../config/types.js';
import { signalName } from '../config/signals.js';
import type { EventBus } from '../events/bus.js';
import type { Logger, OutputSink } from '../logging/types.js';
import { FcgiSocketHold } from './fcgi-hold.js';
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

  constructor(deps: SubprocessDeps) {
    this.#deps = deps;
    this.config = deps.config;
    this.groupName = deps.groupName;
    this.#output = new ProcessOutput((channel) => deps.openOutput(channel), deps.config.redirect_stderr);
    this.#socket = new FcgiSocketHold(deps.fcgiSocket);
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

  /** The one funnel: checks the edge, keeps backoff bookkeeping, emits exactly one event. */
  changeState(to: ProcessStateCode, expected = true): boolean {
    const from = this.#state;
    if (to === from) return false;
    assertTransition(from, to, this.config.name);
    this.#state = to;
    if (to === S.BACKOFF) {
      this.#backoff += 1;
      this.#delay = this.#deps.clock.now() + this.#backoff;
    }
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
    const env = buildChildEnv(config, this.groupName, deps.baseEnv, deps.serverUrl);
    let request;
    try {
      request = { ...buildSpawnRequest(config, env, deps.baseEnv), stdinFd };
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
      this.#output.wire(outcome);
      done(outcome);
    });
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
    return this.#kill(this.config.stopsignal);
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
    } else if (this.#killing) {
      this.#killing = false;
      this.#delay = 0;
      this.#exitstatus = exitstatus;
      // STOPPING -> STOPPED: the exit a stop request asked for
      this.changeState(S.STOPPED);
      if (expected) log.info(`stopped: ${name} (${text})`);
      else log.warn(`stopped: ${name} (${text})`);
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
    if (state === S.STARTING && now - this.#laststart > this.config.startsecs) {
      this.#delay = 0;
      this.#backoff = 0;
      // STARTING -> RUNNING: stayed up longer than startsecs
      this.changeState(S.RUNNING);
      this.#deps.log.info(`success: ${this.config.name} entered RUNNING state, process has stayed up for > than ${this.config.startsecs} seconds (startsecs)`);
    }
    if (state === S.BACKOFF && this.#state === S.BACKOFF && this.#backoff > this.config.startretries) {
      this.giveUp();
      this.#deps.log.info(`gave up: ${this.config.name} entered FATAL state, too many start retries too quickly`);
    } else if (state === S.STOPPING && this.#delay - now <= 0) {
      this.#deps.log.warn(`killing '${this.config.name}' (${this.#pid}) with SIGKILL`);
      this.#kill(SIGKILL);
    }
  }

  #autoStart(state: ProcessStateCode, now: number): void {
    const { config } = this;
    if (state === S.EXITED) {
      // EXITED -> STARTING: autorestart
      if (shouldAutoRestart(config.autorestart, this.#exitstatus, config.exitcodes)) this.spawn();
    } else if (state === S.STOPPED && this.#laststart === 0) {
      // STOPPED -> STARTING: autostart, only if never started
      if (config.autostart) this.spawn();
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
      case S.STARTING:
        return this.#laststart + config.startsecs + STRICT_EPSILON;
      case S.STOPPING:
        return this.#delay;
      case S.BACKOFF:
        if (this.#backoff > config.startretries) return this.#deps.clock.now();
        return running ? this.#delay + STRICT_EPSILON : null;
      case S.EXITED:
        return running && shouldAutoRestart(config.autorestart, this.#exitstatus, config.exitcodes) ? this.#deps.clock.now() : null;
      case S.STOPPED:
        return running && this.#laststart === 0 && config.autostart ? this.#deps.clock.now() : null;
      default:
        return null;
    }
  }
}
