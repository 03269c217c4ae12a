// Waiting RPCs subscribe to state events instead of polling: `decide` runs now and
// after every state change of the process, until it returns a value or throws.
import type { EventBus } from '../events/bus.js';
import type { XmlRpcValue } from './value.js';
import type { Target } from './lookup.js';

export const NOT_DONE = Symbol('not done');
export type Decision = XmlRpcValue | typeof NOT_DONE;

export function waitForProcess(bus: EventBus, target: Target, decide: () => Decision): Promise<XmlRpcValue> {
  return new Promise((resolve, reject) => {
    let unsubscribe: (() => void) | null = null;
    const evaluate = (): boolean => {
      let value: Decision;
      try {
        value = decide();
      } catch (err) {
        unsubscribe?.();
        reject(err);
        return true;
      }
      if (value === NOT_DONE) return false;
      unsubscribe?.();
      resolve(value);
      return true;
    };
    if (evaluate()) return;
    const { proc, group } = target;
    unsubscribe = bus.subscribe((event) => {
      if (event.type === 'PROCESS_STATE' && event.processName === proc.config.name && event.groupName === group.config.name) {
        evaluate();
      }
    });
  });
}
