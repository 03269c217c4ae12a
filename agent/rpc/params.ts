// Argument conversion for the handlers, as supervisord's methods treat what they are given: they
// check no types, so a wrong one fails wherever Python first trips on it. A TypeError becomes
// INCORRECT_PARAMETERS (xmlrpc.py traverse() catches it); any other exception (AttributeError,
// ValueError, OverflowError) escapes the method: PyException here, which the registry answers as
// INCORRECT_PARAMETERS at the top level (supervisord: HTTP 500) and system.multicall reports as
// supervisord does, FAILED: <class '...'>:message. Fault details are str() of the argument.
import { intErrorText, parsePyInt } from '../python/numbers.js';
import { Faults, RpcFault } from './faults.js';
import { pyStr, pyTypeName } from './py-format.js';
import { XmlRpcDateTime, XmlRpcDouble, isStruct, type XmlRpcValue } from './value.js';

/** A Python exception other than TypeError raised by a supervisord method on a bad argument. */
export class PyException extends Error {
  /** The Python class name, e.g. AttributeError. */
  readonly pyClass: string;

  constructor(pyClass: string, message: string) {
    super(message);
    this.name = pyClass;
    this.pyClass = pyClass;
  }
}

/** What traverse() makes of a TypeError raised in a method. */
export function typeError(): RpcFault {
  return new RpcFault(Faults.INCORRECT_PARAMETERS);
}

/** `'int' object has no attribute 'split'`: a str method called on another type. */
export function noAttribute(v: XmlRpcValue, attribute: string): PyException {
  return new PyException('AttributeError', `'${pyTypeName(v)}' object has no attribute '${attribute}'`);
}

/** The extra of RPCError(code, extra): str(extra), or none at all for None. */
export function faultDetail(v: XmlRpcValue): string | null {
  return v === null ? null : pyStr(v);
}

/** A namespec as split_namespec (options.py) takes it: name.split(':', 1) needs a str. */
export function namespecArg(v: XmlRpcValue | undefined): string {
  const value = v ?? null;
  if (typeof value !== 'string') throw noAttribute(value, 'split');
  return value;
}

/**
 * A key of supervisord.process_groups (`groups.get(name)`, `name in groups`): a list or dict is
 * unhashable (TypeError); any other non-str is hashable and simply matches no group (null).
 */
export function groupKeyArg(v: XmlRpcValue | undefined): string | null {
  const value = v ?? null;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) || isStruct(value)) throw typeError();
  return null;
}

/** Python's truth value of an optional argument; absent means the default. */
export function truthy(v: XmlRpcValue | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0; // nan is true, as in Python
  if (v instanceof XmlRpcDouble) return v.value !== 0;
  if (typeof v === 'string' || Array.isArray(v) || Buffer.isBuffer(v)) return v.length > 0;
  if (v instanceof XmlRpcDateTime) return true;
  return Object.keys(v).length > 0;
}

/**
 * Python's int(v): ints and bools as they are, floats truncated (inf: OverflowError, nan:
 * ValueError), str parsed as base 10 (ValueError otherwise); anything else is a TypeError.
 */
export function pyIntArg(v: XmlRpcValue | undefined): number {
  const value = v ?? null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const num = typeof value === 'number' ? value : value instanceof XmlRpcDouble ? value.value : null;
  if (num !== null) {
    if (Number.isNaN(num)) throw new PyException('ValueError', 'cannot convert float NaN to integer');
    if (!Number.isFinite(num)) throw new PyException('OverflowError', 'cannot convert float infinity to integer');
    return Math.trunc(num) + 0;
  }
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    const text = typeof value === 'string' ? value : value.toString('utf8');
    const n = parsePyInt(text);
    if (n === undefined) throw new PyException('ValueError', intErrorText(text));
    return n;
  }
  throw typeError();
}

/** A str argument of our own fleetvisor.* methods (no supervisord behaviour to follow). */
export function strArg(v: XmlRpcValue | undefined): string {
  if (typeof v !== 'string') throw new RpcFault(Faults.INCORRECT_PARAMETERS);
  return v;
}

/**
 * An int argument of our own fleetvisor.* methods: int() of ints, floats and numeric strings;
 * anything else is INCORRECT_PARAMETERS.
 */
export function intArg(v: XmlRpcValue | undefined): number {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (v instanceof XmlRpcDouble && Number.isFinite(v.value)) return Math.trunc(v.value);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && /^\s*[+-]?\d+(_\d+)*\s*$/.test(v)) return Number(v.replace(/_/g, '').trim());
  throw new RpcFault(Faults.INCORRECT_PARAMETERS);
}
