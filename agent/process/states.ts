// Process, supervisor and listener state codes exactly as supervisord 4.2.5 puts them on the wire.
// This module imports nothing, so every other module may depend on it without cycles.

export const ProcessState = Object.freeze({
  STOPPED: 0,
  STARTING: 10,
  RUNNING: 20,
  BACKOFF: 30,
  STOPPING: 40,
  EXITED: 100,
  FATAL: 200,
  UNKNOWN: 1000,
} as const);
export type ProcessStateCode = (typeof ProcessState)[keyof typeof ProcessState];
export type ProcessStateName = keyof typeof ProcessState;

const processNames = new Map<number, ProcessStateName>(
  (Object.entries(ProcessState) as [ProcessStateName, ProcessStateCode][]).map(([n, c]) => [c, n]),
);

/** Name of a process state code; supervisord's getProcessStateDescription. */
export function stateName(code: number): ProcessStateName | 'UNKNOWN' {
  return processNames.get(code) ?? 'UNKNOWN';
}

export const STOPPED_STATES: ReadonlySet<ProcessStateCode> = new Set([
  ProcessState.STOPPED, ProcessState.EXITED, ProcessState.FATAL, ProcessState.UNKNOWN,
]);
export const RUNNING_STATES: ReadonlySet<ProcessStateCode> = new Set([
  ProcessState.RUNNING, ProcessState.BACKOFF, ProcessState.STARTING,
]);
export const SIGNALLABLE_STATES: ReadonlySet<ProcessStateCode> = new Set([
  ProcessState.RUNNING, ProcessState.STARTING, ProcessState.STOPPING,
]);

export const SupervisorState = Object.freeze({
  FATAL: 2,
  RUNNING: 1,
  RESTARTING: 0,
  SHUTDOWN: -1,
} as const);
export type SupervisorStateCode = (typeof SupervisorState)[keyof typeof SupervisorState];
export type SupervisorStateName = keyof typeof SupervisorState;

export function supervisorStateName(code: number): SupervisorStateName | 'UNKNOWN' {
  for (const [name, value] of Object.entries(SupervisorState)) {
    if (value === code) return name as SupervisorStateName;
  }
  return 'UNKNOWN';
}

export const ListenerState = Object.freeze({
  READY: 10,
  BUSY: 20,
  ACKNOWLEDGED: 30,
  UNKNOWN: 40,
} as const);
export type ListenerStateCode = (typeof ListenerState)[keyof typeof ListenerState];
