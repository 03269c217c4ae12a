// Which process actions a page offers in each state (the server refuses anything the user's type
// does not allow anyway): start what is stopped, exited or fatal (cesi v1 offered nothing for the
// last two), stop and restart what runs or is starting or backing off. The same table goes to
// the browser so live updates show the right buttons.
export const ACTIONS_BY_STATE: Readonly<Record<string, readonly ('start' | 'stop' | 'restart')[]>> = {
  STOPPED: ['start'],
  EXITED: ['start'],
  FATAL: ['start'],
  UNKNOWN: ['start'],
  STARTING: ['stop', 'restart'],
  RUNNING: ['stop', 'restart'],
  BACKOFF: ['stop', 'restart'],
  STOPPING: [],
};

export function actionsFor(statename: string): readonly ('start' | 'stop' | 'restart')[] {
  return ACTIONS_BY_STATE[statename] ?? [];
}
