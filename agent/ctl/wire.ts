// Type guards for the XML-RPC answers fleetvisorctl reads beyond those of rpc/wire-types.ts
// (process infos, result arrays): each turns an untrusted value into a typed record or throws
// MalformedResponse naming the method and what was wrong.
import { isArray, isBool, isInt, isString, isStruct, type XmlRpcStruct, type XmlRpcValue } from '../rpc/value.js';
import { MalformedResponse } from './errors.js';

/** One getAllConfigSummary entry: the fields avail shows, plus every other scalar as sent. */
export interface ConfigSummary {
  readonly name: string;
  readonly group: string;
  readonly inuse: boolean;
  readonly autostart: boolean;
  readonly group_prio: number;
  readonly process_prio: number;
  readonly extra: Readonly<Record<string, string | number | boolean>>;
}

export interface ConfigChanges {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
}

function struct(v: XmlRpcValue, method: string, what: string): XmlRpcStruct {
  if (!isStruct(v)) throw new MalformedResponse(method, `${what} is not a struct`);
  return v;
}

function field<T>(s: XmlRpcStruct, key: string, guard: (v: unknown) => v is T, method: string, kind: string): T {
  const v = s[key];
  if (!guard(v)) throw new MalformedResponse(method, `'${key}' is ${v === undefined ? 'missing' : `not ${kind}`}`);
  return v;
}

export function asArray(v: XmlRpcValue, method: string): XmlRpcValue[] {
  if (!isArray(v)) throw new MalformedResponse(method, 'the result is not an array');
  return v;
}

export function asString(v: XmlRpcValue, method: string): string {
  if (!isString(v)) throw new MalformedResponse(method, 'the result is not a string');
  return v;
}

export function asInt(v: XmlRpcValue, method: string): number {
  if (!isInt(v)) throw new MalformedResponse(method, 'the result is not an integer');
  return v;
}

function isScalar(v: unknown): v is string | number | boolean {
  return isString(v) || isInt(v) || isBool(v);
}

export function toConfigSummary(v: XmlRpcValue, method: string): ConfigSummary {
  const s = struct(v, method, 'a config info');
  const extra: Record<string, string | number | boolean> = {};
  for (const [k, val] of Object.entries(s)) if (isScalar(val)) extra[k] = val;
  return {
    name: field(s, 'name', isString, method, 'a string'),
    group: field(s, 'group', isString, method, 'a string'),
    inuse: field(s, 'inuse', isBool, method, 'a boolean'),
    autostart: field(s, 'autostart', isBool, method, 'a boolean'),
    group_prio: field(s, 'group_prio', isInt, method, 'an integer'),
    process_prio: field(s, 'process_prio', isInt, method, 'an integer'),
    extra,
  };
}

function stringList(v: XmlRpcValue | undefined, method: string, what: string): string[] {
  if (v === undefined || !isArray(v) || !v.every(isString)) throw new MalformedResponse(method, `${what} is not a list of names`);
  return v.filter(isString);
}

/** reloadConfig answers [[added, changed, removed]]. */
export function toConfigChanges(v: XmlRpcValue, method: string): ConfigChanges {
  const outer = asArray(v, method)[0];
  if (outer === undefined || !isArray(outer) || outer.length < 3) {
    throw new MalformedResponse(method, 'the result is not [[added, changed, removed]]');
  }
  return {
    added: stringList(outer[0], method, 'added'),
    changed: stringList(outer[1], method, 'changed'),
    removed: stringList(outer[2], method, 'removed'),
  };
}

export function toConfigSummaries(v: XmlRpcValue, method: string): ConfigSummary[] {
  return asArray(v, method).map((e) => toConfigSummary(e, method));
}
