// Argument conversion for the handlers, with supervisord's leniency where Python is lenient
// (any value is a truth value; int() accepts numeric strings) and INCORRECT_PARAMETERS elsewhere.
import { Faults, RpcFault } from './faults.js';
import { XmlRpcDouble, type XmlRpcValue } from './value.js';

export function strArg(v: XmlRpcValue | undefined): string {
  if (typeof v !== 'string') throw new RpcFault(Faults.INCORRECT_PARAMETERS);
  return v;
}

/** Python truthiness of an optional flag; absent means the default. */
export function boolArg(v: XmlRpcValue | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v === null) return false;
  return true;
}

/**
 * Python's int(): integers, integral-looking strings (blanks, sign, underscores between digits),
 * and floats (truncated). supervisord answers anything else with HTTP 500; we answer
 * INCORRECT_PARAMETERS, a fault the client can read.
 */
export function intArg(v: XmlRpcValue | undefined): number {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (v instanceof XmlRpcDouble && Number.isFinite(v.value)) return Math.trunc(v.value);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && /^\s*[+-]?\d+(_\d+)*\s*$/.test(v)) return Number(v.replace(/_/g, '').trim());
  throw new RpcFault(Faults.INCORRECT_PARAMETERS);
}
