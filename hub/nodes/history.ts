// The states each process went through since the hub started, newest last, bounded per process
// so a flapping program cannot grow the hub without limit.
import type { StateChange } from './types.js';

export const HISTORY_PER_PROCESS = 200;

export class StateHistory {
  readonly #byKey = new Map<string, StateChange[]>();

  add(key: string, change: StateChange): void {
    let list = this.#byKey.get(key);
    if (list === undefined) {
      list = [];
      this.#byKey.set(key, list);
    }
    list.push(change);
    if (list.length > HISTORY_PER_PROCESS) list.splice(0, list.length - HISTORY_PER_PROCESS);
  }

  get(key: string): readonly StateChange[] {
    return this.#byKey.get(key) ?? [];
  }

  /** Forgets every process of a node (the node was removed from the config). */
  dropNode(node: string): void {
    for (const key of this.#byKey.keys()) if (key.startsWith(`${node}\u0000`)) this.#byKey.delete(key);
  }
}

export function historyKey(node: string, namespec: string): string {
  return `${node}\u0000${namespec}`;
}
