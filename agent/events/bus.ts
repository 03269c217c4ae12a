// The event bus: one instance per daemon, passed to whoever emits or listens. No module globals,
// so tests never need to reset anything. Event payload formats live in events/types.ts.
import type { ProcessStateCode } from '../process/states.js';

/** A state change of one process, emitted exactly once per changeState(). */
export interface ProcessStateEvent {
  readonly type: 'PROCESS_STATE';
  readonly processName: string;
  readonly groupName: string;
  readonly from: ProcessStateCode;
  readonly to: ProcessStateCode;
  /** The backoff counter after the change (supervisord's `tries`). */
  readonly tries: number;
  /** For EXITED: whether the exit code was expected. */
  readonly expected: boolean;
  /** pid at the time of the change (0 when none). */
  readonly pid: number;
}

/** A chunk a child wrote, for PROCESS_LOG_* (events_enabled) and PROCESS_COMMUNICATION_* (capture). */
export interface ProcessOutputEvent {
  readonly type: 'PROCESS_LOG' | 'PROCESS_COMMUNICATION';
  readonly channel: 'stdout' | 'stderr';
  readonly processName: string;
  readonly groupName: string;
  readonly pid: number;
  readonly data: Buffer;
}

export interface SupervisorStateEvent {
  readonly type: 'SUPERVISOR_STATE_CHANGE';
  readonly to: 'RUNNING' | 'STOPPING';
}

export interface GroupEvent {
  readonly type: 'PROCESS_GROUP_ADDED' | 'PROCESS_GROUP_REMOVED';
  readonly groupName: string;
}

/** supervisor.sendRemoteCommEvent: REMOTE_COMMUNICATION with `type:<type>\n<data>`. */
export interface RemoteCommunicationEvent {
  readonly type: 'REMOTE_COMMUNICATION';
  readonly commType: string;
  readonly data: string;
}

/** TICK_5 / TICK_60 / TICK_3600 from the supervisor loop; `when` is the start of the new period. */
export interface TickEvent {
  readonly type: 'TICK';
  readonly period: 5 | 60 | 3600;
  readonly when: number;
}

/** fleetvisord's: a health check's verdict changed (healthcheck_*). */
export interface ProcessHealthEvent {
  readonly type: 'PROCESS_HEALTH';
  readonly processName: string;
  readonly groupName: string;
  readonly pid: number;
  readonly healthy: boolean;
  /** Failures in a row (0 when healthy). */
  readonly failures: number;
  readonly reason: string;
}

/** fleetvisord's: memory_limit was passed; the process is restarted. */
export interface ProcessMemoryLimitEvent {
  readonly type: 'PROCESS_MEMORY_LIMIT';
  readonly processName: string;
  readonly groupName: string;
  readonly pid: number;
  readonly rssBytes: number;
  readonly limitBytes: number;
}

export type BusEvent = ProcessStateEvent | ProcessOutputEvent | SupervisorStateEvent | GroupEvent | RemoteCommunicationEvent
  | TickEvent | ProcessHealthEvent | ProcessMemoryLimitEvent;
export type BusListener = (event: BusEvent) => void;

export class EventBus {
  readonly #listeners = new Set<BusListener>();

  /** Returns the function that unsubscribes. */
  subscribe(listener: BusListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  notify(event: BusEvent): void {
    for (const listener of [...this.#listeners]) listener(event);
  }
}
