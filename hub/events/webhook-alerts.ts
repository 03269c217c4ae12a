// Which fleet events are worth telling a webhook about (a process FATAL or exited unexpectedly, a
// node gone down or back), and the JSON body every webhook of one such alert receives.
import type { WebhookEvent } from '../config/types.js';
import type { FleetEvent, NodeFailure, ProcessView } from '../nodes/types.js';

export interface Alert {
  readonly event: WebhookEvent;
  readonly node: string;
  /** What it is about, in words for the activity log: the process's namespec or the node's name. */
  readonly subject: string;
  readonly process: ProcessView | null;
  readonly failure: NodeFailure | null;
}

/** An EXITED process whose exit status is not one of its exitcodes (or, when those are unknown, not 0). */
function exitedUnexpectedly(p: ProcessView, expected: boolean | null): boolean {
  return p.statename === 'EXITED' && (expected === false || (expected === null && p.exitstatus !== 0));
}

/**
 * Turns fleet events into alerts. Remembers the nodes it saw go down, so that only a node coming
 * back is "up" (the first connection of each node after the hub starts is not).
 */
export class AlertDetector {
  readonly #down = new Set<string>();

  detect(e: FleetEvent): Alert | null {
    if (e.type === 'process') {
      // First sight of a process (the hub starting, a group added) is no change: a process that is
      // already FATAL when the hub starts does not alert again at every restart.
      if (e.from === null) return null;
      const p = e.process;
      const base = { node: e.node, subject: p.namespec, process: p, failure: null };
      if (p.statename === 'FATAL' && e.from !== 'FATAL') return { event: 'process_fatal', ...base };
      if (exitedUnexpectedly(p, e.expected)) return { event: 'process_exited_unexpected', ...base };
      return null;
    }
    if (e.type !== 'node' || !e.changedConnection) return null;
    const base = { node: e.node, subject: e.node, process: null };
    if (!e.connected) {
      this.#down.add(e.node);
      return { event: 'node_down', ...base, failure: e.failure };
    }
    if (!this.#down.delete(e.node)) return null;
    return { event: 'node_up', ...base, failure: null };
  }
}

/** The JSON body of an alert (UTF-8 once encoded); `time` is ms since the epoch. */
export function alertBody(alert: Alert, hub: string, environments: readonly string[], time: number): string {
  const p = alert.process;
  const f = alert.failure;
  return JSON.stringify({
    event: alert.event,
    time: new Date(time).toISOString(),
    hub,
    node: alert.node,
    environments,
    ...(p === null ? {} : {
      process: {
        namespec: p.namespec, group: p.group, name: p.name, statename: p.statename, pid: p.pid,
        exitstatus: p.exitstatus, spawnerr: p.spawnerr, description: p.description,
      },
    }),
    ...(f === null ? {} : { failure: { kind: f.kind, message: f.message } }),
  });
}
