// supervisord's make_allfunc: run one single-process operation over many processes and collect
// one status struct each, failures included; never fails as a whole.
import { Faults, RpcFault } from './faults.js';
import type { Target } from './lookup.js';
import { makeNamespec } from './names.js';
import type { XmlRpcValue } from './value.js';
import type { StatusResult } from './wire-types.js';

export type SingleOp = (namespec: string) => XmlRpcValue | Promise<XmlRpcValue>;

function entry(t: Target, status: number, description: string): StatusResult {
  return { name: t.proc.config.name, group: t.group.config.name, status, description };
}

function failure(t: Target, err: unknown): StatusResult {
  if (err instanceof RpcFault) return entry(t, err.code, err.faultString);
  throw err;
}

/**
 * Calls `op` for every target passing `predicate` (evaluated before each call, in order). The
 * immediate outcomes come first, then the deferred ones in call order: supervisord polls its
 * pending calls in that order about once a second, so operations finishing close together are
 * reported in call order there too, and the result stays deterministic here.
 */
export async function forEachProcess(targets: readonly Target[], predicate: (t: Target) => boolean, op: SingleOp): Promise<StatusResult[]> {
  const results: StatusResult[] = [];
  const pending: Promise<StatusResult>[] = [];
  for (const t of targets) {
    if (!predicate(t)) continue;
    let outcome: XmlRpcValue | Promise<XmlRpcValue>;
    try {
      outcome = op(makeNamespec(t.group.config.name, t.proc.config.name));
    } catch (err) {
      results.push(failure(t, err));
      continue;
    }
    if (outcome instanceof Promise) {
      pending.push(outcome.then(() => entry(t, Faults.SUCCESS, 'OK'), (err: unknown) => failure(t, err)));
    } else {
      results.push(entry(t, Faults.SUCCESS, 'OK'));
    }
  }
  return [...results, ...await Promise.all(pending)];
}

export function asWire(results: readonly StatusResult[]): XmlRpcValue {
  return results.map((r) => ({ ...r }));
}
