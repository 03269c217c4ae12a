// One [eventlistener:x] pool (supervisor/process.py EventListenerPool): its bus subscription, the
// FIFO buffer of buffer_size events with overflow dropping the oldest, serials, dispatch to
// RUNNING+READY members in order, and rejected events rebuffered at the head. One member per
// listener process, each with the protocol state of its current spawn. Imports only bus/state
// types, logging types and events/*.
import type { EventListenerPoolConfig } from '../config/types.js';
import type { Logger, OutputSink } from '../logging/types.js';
import { ProcessState, ListenerState, type ListenerStateCode, type ProcessStateCode } from '../process/states.js';
import type { BusEvent, EventBus } from './bus.js';
import { buildEnvelope, DEFAULT_RESULT_HANDLER_SPEC, defaultResultHandler, ListenerProtocol, type ProtocolEffect,
  type ResultHandler } from './listener-protocol.js';
import type { EventSerial } from './sequence.js';
import { eventPayload, eventTypeOf, matchesSubscription, type EventTypeName } from './types.js';

/** The part of a Subprocess the pool uses (structural, so events/ does not import process/). */
export interface ListenerProcess {
  readonly state: ProcessStateCode;
  /** Throws when the data cannot be written (no child, stopping, stdin closed): supervisord's EPIPE. */
  writeStdin(data: Buffer, onError?: (err: Error) => void): void;
}

export interface ListenerPoolDeps {
  readonly config: EventListenerPoolConfig;
  readonly bus: EventBus;
  readonly log: Logger;
  readonly serial: EventSerial;
  /** [supervisord] identifier: the envelope's `server:` (read at each send). */
  identifier(): string;
  /** Ask for a supervisor loop pass soon (coalesced); dispatch() runs in that pass. */
  requestDispatch(): void;
}

/** One buffered event of this pool; redelivery keeps both serials. */
interface Buffered {
  readonly event: BusEvent;
  readonly type: EventTypeName;
  readonly serial: number;
  readonly poolserial: number;
  payload: string | null;
}

/** The states a child's exit moves a process into (from STOPPING, STARTING or RUNNING). */
const EXIT_STATES: ReadonlySet<ProcessStateCode> = new Set([ProcessState.STOPPED, ProcessState.BACKOFF, ProcessState.EXITED]);

/** Only supervisord's own handler can run in Node; the config loader refuses any other spec. */
export function resultHandlerFor(spec: string): ResultHandler {
  if (spec.replace(/\s+/g, '') === DEFAULT_RESULT_HANDLER_SPEC) return defaultResultHandler;
  throw new Error(`result_handler ${spec} cannot run in fleetvisord (only ${DEFAULT_RESULT_HANDLER_SPEC})`);
}

/** A listener process as its pool sees it: the protocol of its current spawn and the event in flight. */
export class PoolMember {
  readonly name: string;
  #proc: ListenerProcess | null = null;
  #protocol: ListenerProtocol;
  #inFlight: Buffered | null = null;
  readonly #pool: EventListenerPool;
  readonly #handler: ResultHandler;

  constructor(pool: EventListenerPool, name: string, handler: ResultHandler) {
    this.#pool = pool;
    this.name = name;
    this.#handler = handler;
    this.#protocol = new ListenerProtocol(name, handler);
  }

  /** The process this member stands for (set once, right after the Subprocess is built). */
  attach(proc: ListenerProcess): void { this.#proc = proc; }

  get listenerState(): ListenerStateCode { return this.#protocol.state; }
  get canReceive(): boolean {
    return this.#proc?.state === ProcessState.RUNNING && this.#protocol.state === ListenerState.READY;
  }

  /**
   * A new spawn opened its stdout: the protocol starts over in ACKNOWLEDGED, and the returned sink
   * writes each chunk to the log sink first, then feeds it to the protocol.
   */
  spawned(logSink: OutputSink): OutputSink {
    this.#dropInFlight();
    this.#protocol = new ListenerProtocol(this.name, this.#handler);
    const protocol = this.#protocol;
    return {
      write: (chunk) => {
        logSink.write(chunk);
        // Output of an older spawn never reaches the protocol of a newer one.
        if (protocol === this.#protocol) this.#apply(protocol.feed(chunk));
      },
      close: () => logSink.close(),
    };
  }

  /** Writes the envelope; false (and the state unchanged) when the pipe is broken. */
  send(entry: Buffered, envelope: Buffer): boolean {
    const proc = this.#proc;
    if (proc === null) return false;
    try {
      proc.writeStdin(envelope, () => this.#lateBrokenPipe(entry));
    } catch {
      return false;
    }
    this.#protocol.sent();
    this.#inFlight = entry;
    return true;
  }

  /** The child is gone: an event it had not answered is rejected. */
  exited(): void { this.#dropInFlight(); }

  #dropInFlight(): void {
    const entry = this.#inFlight;
    this.#inFlight = null;
    if (entry !== null) this.#pool.rejected(entry);
  }

  #apply(effects: readonly ProtocolEffect[]): void {
    for (const e of effects) {
      if (e.kind === 'log') this.#pool.logAt(e.level, e.text);
      else if (e.kind === 'ready') this.#pool.memberReady();
      else {
        const entry = this.#inFlight;
        this.#inFlight = null;
        if (entry !== null && !e.accepted) this.#pool.rejected(entry);
      }
    }
  }

  /**
   * Node reports a broken stdin pipe after write() returned. The listener never read the event, so
   * it goes back as if the write had failed at once: member READY again, event at the head.
   */
  #lateBrokenPipe(entry: Buffered): void {
    if (this.#inFlight !== entry || !this.#protocol.unsent()) return;
    this.#inFlight = null;
    this.#pool.logAt('debug', `epipe occurred while sending event ${entry.serial} to listener ${this.name}, listener state unchanged`);
    this.#pool.rejected(entry);
  }
}

export class EventListenerPool {
  readonly config: EventListenerPoolConfig;
  readonly #deps: ListenerPoolDeps;
  readonly #members: PoolMember[] = [];
  readonly #byName = new Map<string, PoolMember>();
  readonly #handler: ResultHandler;
  #buffer: Buffered[] = [];
  #poolSerial = -1;
  #unsubscribe: (() => void) | null;

  /** Subscribes at once: the pool sees the PROCESS_GROUP_ADDED of its own group and of every later one. */
  constructor(deps: ListenerPoolDeps) {
    this.#deps = deps;
    this.config = deps.config;
    this.#handler = resultHandlerFor(deps.config.result_handler);
    this.#unsubscribe = deps.bus.subscribe((event) => this.#onEvent(event));
  }

  get name(): string { return this.config.name; }
  /** Serials of the buffered events, oldest first (for tests and diagnostics). */
  get bufferedSerials(): number[] { return this.#buffer.map((b) => b.serial); }
  get members(): readonly PoolMember[] { return this.#members; }

  /** Whether events of this type would be buffered here. */
  wants(type: EventTypeName): boolean {
    return this.config.events.some((subscription) => matchesSubscription(type, subscription));
  }

  /** A member per listener process, in config order (the dispatch order). */
  addMember(processName: string): PoolMember {
    const member = new PoolMember(this, processName, this.#handler);
    this.#members.push(member);
    this.#byName.set(processName, member);
    return member;
  }

  /** removeProcessGroup: no more events, and the buffer is dropped. */
  close(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#buffer = [];
  }

  /**
   * One loop pass: while events are buffered, send the oldest to the first member that is RUNNING
   * and READY; when none takes it, it goes back to the head and dispatch stops until next time.
   */
  dispatch(): void {
    if (this.#unsubscribe === null || !this.#members.some((m) => m.canReceive)) return;
    while (this.#buffer.length > 0) {
      const entry = this.#buffer.shift() as Buffered;
      if (!this.#dispatchOne(entry)) {
        // No wake-up: nobody could take it now, so another pass would only spin.
        this.#accept(entry, true, true, false);
        break;
      }
    }
  }

  #dispatchOne(entry: Buffered): boolean {
    for (const member of this.#members) {
      if (!member.canReceive) continue;
      entry.payload ??= eventPayload(entry.event);
      const envelope = buildEnvelope({
        server: this.#deps.identifier(), serial: entry.serial, pool: this.name, poolserial: entry.poolserial,
        eventname: entry.type, payload: entry.payload,
      });
      if (!member.send(entry, envelope)) {
        this.#deps.log.debug(`epipe occurred while sending event ${entry.serial} to listener ${member.name}, listener state unchanged`);
        continue;
      }
      this.#deps.log.debug(`event ${entry.serial} sent to listener ${member.name}`);
      return true;
    }
    return false;
  }

  #onEvent(event: BusEvent): void {
    const type = eventTypeOf(event);
    let entry: Buffered | null = null;
    // (quirk) supervisord subscribes once per events= name, so an event matching two of them
    // (PROCESS_STATE and PROCESS_STATE_RUNNING) is buffered twice, the second time as a rebuffer.
    for (const subscription of this.config.events) {
      if (!matchesSubscription(type, subscription)) continue;
      const again = entry !== null;
      entry ??= { event, type, serial: this.#deps.serial.of(event), poolserial: this.#nextPoolSerial(), payload: null };
      this.#accept(entry, false, again);
    }
    if (event.type === 'PROCESS_STATE' && event.groupName === this.name && EXIT_STATES.has(event.to)) {
      // After the exit's own state event, as supervisord's finish() notifies the rejection last.
      this.#byName.get(event.processName)?.exited();
    }
  }

  #nextPoolSerial(): number {
    this.#poolSerial = this.#poolSerial === Number.MAX_SAFE_INTEGER ? 0 : this.#poolSerial + 1;
    return this.#poolSerial;
  }

  /** supervisord's _acceptEvent: overflow drops the oldest; a known event is a rebuffer (logged). */
  #accept(entry: Buffered, head: boolean, again = true, wake = true): void {
    if (again) {
      this.#deps.log.debug(`rebuffering event ${entry.serial} for pool ${this.name} (buf size=${this.#buffer.length}, max=${this.config.buffer_size})`);
    }
    if (this.#buffer.length >= this.config.buffer_size) {
      const discarded = this.#buffer.shift() as Buffered;
      this.#deps.log.error(`pool ${this.name} event buffer overflowed, discarding event ${discarded.serial}`);
    }
    if (head) this.#buffer.unshift(entry);
    else this.#buffer.push(entry);
    if (wake && this.#members.some((m) => m.canReceive)) this.#deps.requestDispatch();
  }

  /** A member's in-flight event was rejected (FAIL, protocol violation, exit, late EPIPE). */
  rejected(entry: Buffered): void {
    if (this.#unsubscribe === null) return;
    this.#accept(entry, true);
  }

  memberReady(): void {
    if (this.#members.some((m) => m.canReceive)) this.#deps.requestDispatch();
  }

  logAt(level: 'debug' | 'warn', text: string): void {
    this.#deps.log[level](text);
  }
}
