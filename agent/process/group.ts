// A process group: its Subprocesses in config order, stop-all with shutdown
// semantics, and the priority orderings used for start-all and stop-all.
import type { GroupConfig } from '../config/types.js';
import { ProcessState as S, STOPPED_STATES } from './states.js';
import type { Subprocess } from './subprocess.js';

/**
 * Ascending priority for starts (ties keep config order: the sort is stable); stops are that list
 * reversed, ties included, as supervisord sorts and then reverses.
 */
export function sortByPriority(processes: readonly Subprocess[], order: 'start' | 'stop' = 'start'): Subprocess[] {
  const ascending = [...processes].sort((a, b) => a.config.priority - b.config.priority);
  return order === 'start' ? ascending : ascending.reverse();
}

export class ProcessGroup {
  readonly config: GroupConfig;
  /** In config order. */
  readonly processes: readonly Subprocess[];

  constructor(config: GroupConfig, processes: readonly Subprocess[]) {
    this.config = config;
    this.processes = processes;
  }

  /** Shutdown / restart semantics: running processes are stopped, BACKOFF ones given up. */
  stopAll(): void {
    for (const proc of sortByPriority(this.processes, 'stop')) {
      if (proc.state === S.RUNNING || proc.state === S.STARTING) {
        // RUNNING/STARTING -> STOPPING
        proc.stop();
      } else if (proc.state === S.BACKOFF) {
        // BACKOFF -> FATAL
        proc.giveUp();
      }
    }
  }

  unstopped(): Subprocess[] {
    return this.processes.filter((p) => !STOPPED_STATES.has(p.state));
  }

  nextDeadline(): number | null {
    let best: number | null = null;
    for (const proc of this.processes) {
      const d = proc.nextDeadline();
      if (d !== null && (best === null || d < best)) best = d;
    }
    return best;
  }
}
