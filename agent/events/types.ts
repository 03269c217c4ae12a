// supervisord's event type hierarchy (supervisor/events.py EventTypes), subscription matching, and
// the pure payload serializers from bus events to the exact text a listener receives (the payload()
// methods of supervisor/events.py).
// Imports only the bus types, state names and the Python-repr helpers.
import type { BusEvent } from './bus.js';
import { pyBytesRepr } from '../python/repr.js';
import { decodeUtf8Strict } from '../python/utf8.js';
import { ProcessState as S, stateName } from '../process/states.js';

/** Each event type with its parent; EVENT is the root. Abstract types are valid subscriptions only. */
export const EVENT_TYPES = Object.freeze({
  EVENT: null,
  PROCESS_STATE: 'EVENT',
  PROCESS_STATE_STOPPED: 'PROCESS_STATE',
  PROCESS_STATE_EXITED: 'PROCESS_STATE',
  PROCESS_STATE_STARTING: 'PROCESS_STATE',
  PROCESS_STATE_STOPPING: 'PROCESS_STATE',
  PROCESS_STATE_BACKOFF: 'PROCESS_STATE',
  PROCESS_STATE_FATAL: 'PROCESS_STATE',
  PROCESS_STATE_RUNNING: 'PROCESS_STATE',
  PROCESS_STATE_UNKNOWN: 'PROCESS_STATE',
  PROCESS_COMMUNICATION: 'EVENT',
  PROCESS_COMMUNICATION_STDOUT: 'PROCESS_COMMUNICATION',
  PROCESS_COMMUNICATION_STDERR: 'PROCESS_COMMUNICATION',
  PROCESS_LOG: 'EVENT',
  PROCESS_LOG_STDOUT: 'PROCESS_LOG',
  PROCESS_LOG_STDERR: 'PROCESS_LOG',
  REMOTE_COMMUNICATION: 'EVENT',
  SUPERVISOR_STATE_CHANGE: 'EVENT',
  SUPERVISOR_STATE_CHANGE_RUNNING: 'SUPERVISOR_STATE_CHANGE',
  SUPERVISOR_STATE_CHANGE_STOPPING: 'SUPERVISOR_STATE_CHANGE',
  TICK: 'EVENT',
  TICK_5: 'TICK',
  TICK_60: 'TICK',
  TICK_3600: 'TICK',
  PROCESS_GROUP: 'EVENT',
  PROCESS_GROUP_ADDED: 'PROCESS_GROUP',
  PROCESS_GROUP_REMOVED: 'PROCESS_GROUP',
  // fleetvisord's own events, outside EVENT: only a listener that names them (or their
  // FLEETVISOR_PROCESS_HEALTH parent) gets them, so supervisord's listeners see what they would.
  FLEETVISOR_PROCESS_HEALTH: null,
  FLEETVISOR_PROCESS_HEALTH_OK: 'FLEETVISOR_PROCESS_HEALTH',
  FLEETVISOR_PROCESS_HEALTH_FAILED: 'FLEETVISOR_PROCESS_HEALTH',
  FLEETVISOR_PROCESS_MEMORY_LIMIT: null,
} as const);
export type EventTypeName = keyof typeof EVENT_TYPES;

export function isEventTypeName(name: string): name is EventTypeName {
  return Object.hasOwn(EVENT_TYPES, name);
}

/** True when `type` is `subscription` or one of its descendants (subscribing to EVENT gets everything). */
export function matchesSubscription(type: EventTypeName, subscription: string): boolean {
  for (let t: EventTypeName | null = type; t !== null; t = EVENT_TYPES[t]) {
    if (t === subscription) return true;
  }
  return false;
}

/** The concrete (emitted) type of a bus event. */
export function eventTypeOf(event: BusEvent): EventTypeName {
  switch (event.type) {
    case 'PROCESS_STATE': return processStateType(event.to);
    case 'PROCESS_LOG': return event.channel === 'stdout' ? 'PROCESS_LOG_STDOUT' : 'PROCESS_LOG_STDERR';
    case 'PROCESS_COMMUNICATION':
      return event.channel === 'stdout' ? 'PROCESS_COMMUNICATION_STDOUT' : 'PROCESS_COMMUNICATION_STDERR';
    case 'SUPERVISOR_STATE_CHANGE':
      return event.to === 'RUNNING' ? 'SUPERVISOR_STATE_CHANGE_RUNNING' : 'SUPERVISOR_STATE_CHANGE_STOPPING';
    case 'TICK': return `TICK_${event.period}`;
    case 'PROCESS_GROUP_ADDED':
    case 'PROCESS_GROUP_REMOVED':
    case 'REMOTE_COMMUNICATION':
      return event.type;
    case 'PROCESS_HEALTH': return event.healthy ? 'FLEETVISOR_PROCESS_HEALTH_OK' : 'FLEETVISOR_PROCESS_HEALTH_FAILED';
    case 'PROCESS_MEMORY_LIMIT': return 'FLEETVISOR_PROCESS_MEMORY_LIMIT';
  }
}

function processStateType(to: number): EventTypeName {
  const name = `PROCESS_STATE_${stateName(to)}`;
  return isEventTypeName(name) ? name : 'PROCESS_STATE_UNKNOWN';
}

/** Child output as text: UTF-8, or supervisord's `Undecodable: b'...'` when it is not valid UTF-8. */
export function decodeEventData(data: Buffer): string {
  return decodeUtf8Strict(data) ?? `Undecodable: ${pyBytesRepr(data)}`;
}

/** The payload text a listener receives for this event, exactly as supervisord 4.2.5 writes it. */
export function eventPayload(event: BusEvent): string {
  switch (event.type) {
    case 'PROCESS_STATE': {
      const head = `processname:${event.processName} groupname:${event.groupName} from_state:${stateName(event.from)}`;
      return head + processStateExtra(event.to, event.tries, event.expected, event.pid);
    }
    case 'PROCESS_LOG':
      return `processname:${event.processName} groupname:${event.groupName} pid:${event.pid} channel:${event.channel}\n`
        + decodeEventData(event.data);
    case 'PROCESS_COMMUNICATION':
      return `processname:${event.processName} groupname:${event.groupName} pid:${event.pid}\n${decodeEventData(event.data)}`;
    case 'REMOTE_COMMUNICATION': return `type:${event.commType}\n${event.data}`;
    case 'SUPERVISOR_STATE_CHANGE': return '';
    case 'TICK': return `when:${event.when}`;
    case 'PROCESS_GROUP_ADDED':
    case 'PROCESS_GROUP_REMOVED':
      return `groupname:${event.groupName}\n`;
    case 'PROCESS_HEALTH':
      return `processname:${event.processName} groupname:${event.groupName} pid:${event.pid} failures:${event.failures}\n${event.reason}`;
    case 'PROCESS_MEMORY_LIMIT':
      return `processname:${event.processName} groupname:${event.groupName} pid:${event.pid} rss:${event.rssBytes} limit:${event.limitBytes}\n`;
  }
}

/** The fields after from_state, which depend on the new state (no trailing newline). */
function processStateExtra(to: number, tries: number, expected: boolean, pid: number): string {
  switch (to) {
    case S.STARTING:
    case S.BACKOFF:
      return ` tries:${tries}`;
    case S.RUNNING:
    case S.STOPPING:
    case S.STOPPED:
      return ` pid:${pid}`;
    case S.EXITED:
      return ` expected:${expected ? 1 : 0} pid:${pid}`;
    default:
      return '';
  }
}

/**
 * (quirk) The envelope's `len:` is Python's len() of the payload string: code points, not UTF-8
 * bytes and not JavaScript UTF-16 units. `type:t2\nhéllo` is 13 although it is 14 bytes.
 */
export function payloadLength(payload: string): number {
  let n = 0;
  for (let i = 0; i < payload.length; i++) {
    const unit = payload.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < payload.length) {
      const next = payload.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}
