// One loop per node that keeps the snapshot current: a full read (one multicall), then for
// fleetvisord a long poll that answers on each state change, for stock supervisord a poll every
// poll_interval. Never two reads in flight to one node; a node that fails is retried after 1, 2,
// 4 ... 30 s, or at once when kicked (a user action, a config reload). Pages never wait for it.
import { createHash } from 'node:crypto';
import { Faults, RpcFault } from '../../agent/rpc/faults.js';
import type { XmlRpcValue } from '../../agent/rpc/value.js';
import {
  toChangeSet, toProcessInfoList, toProcessStatsList, toStateInfo, WireShapeError, type ProcessInfo,
} from '../../agent/rpc/wire-types.js';
import type { HubNodeConfig } from '../config/types.js';
import { classifyFailure } from './classify.js';
import { multicall, multicallParams, multicallResults, NodeClient, type Call, type ClientTimeouts } from './node-client.js';
import type { FleetSnapshot, NodeMeta } from './snapshot.js';
import { Sleeper } from './sleeper.js';

export const BACKOFF_MS = [1000, 2000, 4000, 8000, 16000, 30000] as const;
/** What changes in supervisord's answers with the clock alone: each `now`, each RUNNING uptime. */
const CLOCK_READINGS = /<name>now<\/name>\s*<value><int>\d+<\/int>|, uptime [^<]*/g;
/** How long one long poll waits on the node before it is asked again. */
export const LONG_POLL_SECONDS = 25;

export interface WatcherSettings extends ClientTimeouts {
  readonly pollIntervalMs: number;
  readonly statsIntervalMs: number;
}

interface FullRead {
  readonly meta: NodeMeta;
  readonly infos: ProcessInfo[];
  readonly exitcodes: Map<string, number[]> | null;
  /** The long poll's starting point on fleetvisord; null on stock supervisord. */
  readonly feed: { epoch: string; serial: number } | null;
}

function valueOf(r: XmlRpcValue | RpcFault | undefined): XmlRpcValue {
  if (r instanceof RpcFault) throw r;
  if (r === undefined) throw new WireShapeError('multicall result', r);
  return r;
}

function stringOrNull(r: XmlRpcValue | RpcFault | undefined): string | null {
  return typeof r === 'string' ? r : null;
}

/** exitcodes by namespec from getAllConfigInfo (absent on old supervisords: null). */
function exitcodesOf(r: XmlRpcValue | RpcFault | undefined): Map<string, number[]> | null {
  if (!Array.isArray(r)) return null;
  const out = new Map<string, number[]>();
  for (const c of r) {
    if (typeof c !== 'object' || c === null || Array.isArray(c) || Buffer.isBuffer(c)) continue;
    const { group, name, exitcodes } = c as Record<string, XmlRpcValue>;
    if (typeof group === 'string' && typeof name === 'string' && Array.isArray(exitcodes)) {
      out.set(`${group}:${name}`, exitcodes.filter((x): x is number => typeof x === 'number'));
    }
  }
  return out;
}

export class NodeWatcher {
  readonly name: string;
  readonly client: NodeClient;
  readonly #snapshot: FleetSnapshot;
  readonly #settings: WatcherSettings;
  readonly #sleeper = new Sleeper();
  #running = false;
  #done: Promise<void> = Promise.resolve();
  #failures = 0;
  #fleetvisor = false;
  #kicked = false;
  #refreshMeta = false;
  #meta: NodeMeta | null = null;
  /** A digest of the last stock poll's answer without its clock readings (see #poll). */
  #lastPoll: string | null = null;

  constructor(cfg: HubNodeConfig, settings: WatcherSettings, snapshot: FleetSnapshot) {
    this.name = cfg.name;
    this.client = new NodeClient(cfg, settings);
    this.#snapshot = snapshot;
    this.#settings = settings;
  }

  /** True once the node answered fleetvisor.getVersion (it reports CPU/memory and long-polls). */
  get isFleetvisor(): boolean { return this.#fleetvisor; }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#done = this.#loop();
  }

  /** Ends the loop and every connection; resolves once the loop has returned. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#sleeper.abort();
    this.client.close();
    await this.#done;
  }

  /**
   * Read the node again now (after an action, or to retry a down node without waiting);
   * `config` also re-reads versions and exitcodes (after reread/update).
   */
  kick(opts: { config?: boolean } = {}): void {
    if (opts.config === true) this.#refreshMeta = true;
    this.#kicked = true;
    this.#failures = 0;
    this.#sleeper.wake();
  }

  async #loop(): Promise<void> {
    while (this.#running) {
      try {
        // Versions and exitcodes are read again only after a failure, a reset or a config change.
        const withMeta = this.#meta === null || this.#refreshMeta;
        const read = !withMeta && !this.#fleetvisor ? await this.#poll() : await this.#fullRead(withMeta);
        this.#failures = 0;
        if (!this.#running) return;
        if (read === null) this.#snapshot.touch(this.name);
        else this.#snapshot.replace(this.name, read.meta, read.infos, read.exitcodes);
        if (read !== null && read.feed !== null) await this.#follow(read.feed);
        else await this.#sleep(this.#settings.pollIntervalMs);
      } catch (err) {
        if (!this.#running) return;
        this.#meta = null;
        this.#lastPoll = null;
        this.#snapshot.failed(this.name, classifyFailure(err));
        const delay = BACKOFF_MS[Math.min(this.#failures, BACKOFF_MS.length - 1)] ?? 30000;
        this.#failures += 1;
        await this.#sleep(delay);
      }
    }
  }

  /** Sleeps unless kicked meanwhile (a kick during a read makes the next read start at once). */
  async #sleep(ms: number): Promise<void> {
    if (this.#kicked) {
      this.#kicked = false;
      return;
    }
    await this.#sleeper.sleep(ms);
    this.#kicked = false;
  }

  /**
   * A stock supervisord's poll: getState and getAllProcessInfo. Each answer differs from the last
   * one by the clock (`now`, the uptimes of RUNNING processes) even when nothing happened; when it
   * differs by nothing else it is not decoded at all (null), which is most polls of a quiet node.
   */
  async #poll(): Promise<FullRead | null> {
    const calls: Call[] = [{ method: 'supervisor.getState' }, { method: 'supervisor.getAllProcessInfo' }];
    const raw = await this.client.poll.callRaw('system.multicall', multicallParams(calls));
    const digest = createHash('sha1').update(raw.toString('utf8').replace(CLOCK_READINGS, '')).digest('base64');
    if (digest === this.#lastPoll && this.#meta !== null) return null;
    const [state, infos] = multicallResults(this.client.poll.decode(raw), calls.length);
    const read = this.#readOf(state, infos, null);
    this.#lastPoll = digest;
    return read;
  }

  async #fullRead(withMeta: boolean): Promise<FullRead> {
    this.#refreshMeta = false;
    this.#lastPoll = null;
    const calls: Call[] = [
      { method: 'fleetvisor.waitForChanges', params: ['', 0, 0] },
      { method: 'supervisor.getState' },
      { method: 'supervisor.getAllProcessInfo' },
    ];
    if (withMeta) {
      calls.push({ method: 'supervisor.getSupervisorVersion' }, { method: 'supervisor.getIdentification' },
        { method: 'fleetvisor.getVersion' }, { method: 'supervisor.getAllConfigInfo' });
    }
    const [feed, state, infos, version, ident, fvVersion, configs] = await multicall(this.client.poll, calls);
    if (withMeta) {
      const stateInfo = toStateInfo(valueOf(state));
      this.#fleetvisor = typeof fvVersion === 'string';
      this.#meta = {
        supervisorVersion: stringOrNull(version), identification: stringOrNull(ident),
        fleetvisorVersion: stringOrNull(fvVersion), supervisorState: stateInfo.statename,
      };
    }
    const read = this.#readOf(state, infos, withMeta ? exitcodesOf(configs) : null);
    if (this.#fleetvisor && !(feed instanceof RpcFault) && feed !== undefined) {
      const cs = toChangeSet(feed);
      return { ...read, feed: { epoch: cs.epoch, serial: cs.serial } };
    }
    return read;
  }

  /** The processes of a read, once getState says the node is running (else SHUTDOWN_STATE). */
  #readOf(state: XmlRpcValue | RpcFault | undefined, infos: XmlRpcValue | RpcFault | undefined,
    exitcodes: Map<string, number[]> | null): FullRead {
    const stateInfo = toStateInfo(valueOf(state));
    if (stateInfo.statename !== 'RUNNING') throw new RpcFault(Faults.SHUTDOWN_STATE, `supervisord is ${stateInfo.statename}`);
    const processes = toProcessInfoList(valueOf(infos));
    if (this.#meta === null) throw new WireShapeError('a read before the node was identified', null);
    return { meta: this.#meta, infos: processes, exitcodes, feed: null };
  }

  /** fleetvisord: long polls until a reset (then returns for a full read) or a failure (throws). */
  async #follow(start: { epoch: string; serial: number }): Promise<void> {
    let { epoch, serial } = start;
    const stats = this.#sampleStats();
    try {
      while (this.#running) {
        const raw = await this.client.wait.call('fleetvisor.waitForChanges', [epoch, serial, LONG_POLL_SECONDS], {
          timeoutMs: LONG_POLL_SECONDS * 1000 + this.#settings.callTimeoutMs,
        });
        const cs = toChangeSet(raw);
        if (cs.reset) return;
        epoch = cs.epoch;
        serial = cs.serial;
        if (cs.processes.length > 0) this.#snapshot.applyChanges(this.name, cs.processes);
        else this.#snapshot.touch(this.name);
      }
    } finally {
      stats.stop();
    }
  }

  /** Samples CPU and memory every stats_interval while the long poll runs. */
  #sampleStats(): { stop(): void } {
    let stopped = false;
    const sleeper = new Sleeper();
    const run = async (): Promise<void> => {
      while (!stopped && this.#running) {
        try {
          const list = toProcessStatsList(await this.client.act.call('fleetvisor.getAllProcessStats'));
          if (!stopped) this.#snapshot.stats(this.name, list);
        } catch {
          // A failing node is noticed and reported by the long poll.
        }
        await sleeper.sleep(this.#settings.statsIntervalMs);
      }
    };
    void run();
    return { stop: () => { stopped = true; sleeper.abort(); } };
  }
}
