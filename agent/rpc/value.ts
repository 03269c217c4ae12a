// The XML-RPC value model shared by the codec, the server methods, the client, ctl and the hub.
// Pure types and guards; imports nothing.

/** A <double>: plain JS numbers that are integers go out as <int>, so a float needs a marker. */
export class XmlRpcDouble {
  constructor(readonly value: number) {}
}

/** A <dateTime.iso8601> value kept as its text (supervisord never sends one; clients may). */
export class XmlRpcDateTime {
  constructor(readonly iso: string) {}
}

export type XmlRpcValue =
  | number          // <int> (integral) or <double> (non-integral) when encoded
  | boolean         // <boolean>
  | string          // <string>
  | null            // <nil/>
  | Buffer          // <base64>
  | XmlRpcDouble
  | XmlRpcDateTime
  | XmlRpcValue[]   // <array>
  | XmlRpcStruct;   // <struct>

export interface XmlRpcStruct { [key: string]: XmlRpcValue }

export function isStruct(v: unknown): v is XmlRpcStruct {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v)
    && !(v instanceof XmlRpcDouble) && !(v instanceof XmlRpcDateTime);
}

export function isString(v: unknown): v is string { return typeof v === 'string'; }
export function isInt(v: unknown): v is number { return typeof v === 'number' && Number.isInteger(v); }
export function isBool(v: unknown): v is boolean { return typeof v === 'boolean'; }
export function isArray(v: unknown): v is XmlRpcValue[] { return Array.isArray(v); }
