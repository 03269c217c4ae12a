// How supervisord's Python sees and prints a request value: its type name, str() (what
// RPCError's '%s: %s' puts after the fault name) and repr() (how str() shows the items of a list
// or dict). Values are taken as supervisord's request parser (xmlrpc.py supervisor_xmlrpc_handler
// .unmarshallers) hands them to a method: <base64> is already the str of its UTF-8 text, a
// <dateTime.iso8601> is a datetime.datetime, <nil/> is None. str and float reprs are
// agent/python/repr.ts's; this adds datetime and the XML-RPC value model, for the method
// handlers. Pure.
//
// A <double> with an integral value (2.0) reaches the methods as a plain JS number, like an
// <int>: it prints as an int here ('2', where Python prints '2.0'). Numbers that are not safe
// integers print as floats (1e+16), which is what a <double> of that size is in practice.
import { pyFloatRepr, pyStrRepr } from '../python/repr.js';
import { XmlRpcDateTime, XmlRpcDouble, isStruct, type XmlRpcValue } from './value.js';

/** A JS number as the Python object it stands for: an int, or a float (non-integral, huge, -0.0, inf, nan). */
function isPyInt(n: number): boolean {
  return Number.isSafeInteger(n) && !Object.is(n, -0);
}

/** type(v).__name__ (qualified for datetime, as AttributeError messages print it). */
export function pyTypeName(v: XmlRpcValue): string {
  if (typeof v === 'string' || Buffer.isBuffer(v)) return 'str';
  if (typeof v === 'number') return isPyInt(v) ? 'int' : 'float';
  if (typeof v === 'boolean') return 'bool';
  if (v === null) return 'NoneType';
  if (v instanceof XmlRpcDouble) return 'float';
  if (v instanceof XmlRpcDateTime) return 'datetime.datetime';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

function pyNumber(n: number): string {
  return isPyInt(n) ? String(n) : pyFloatRepr(n);
}

const DATETIME = /^(\d\d\d\d)(1[0-2]|0[1-9]|[1-9])(3[01]|[12]\d|0[1-9]|[1-9]| [1-9])t(2[0-3]|[0-1]\d|\d):([0-5]\d|\d):(6[0-1]|[0-5]\d|\d)$/i;

/** The six fields of a <dateTime.iso8601> text as make_datetime (strptime '%Y%m%dT%H:%M:%S') reads them. */
function dateFields(d: XmlRpcDateTime): number[] {
  const m = DATETIME.exec(d.iso);
  if (m === null) return [1, 1, 1, 0, 0, 0]; // the request decoder only lets strptime-valid texts through
  return [1, 2, 3, 4, 5, 6].map((i) => Number((m[i] as string).trim()));
}

/** str(datetime): 'YYYY-MM-DD HH:MM:SS'. */
function dateStr(d: XmlRpcDateTime): string {
  const [y, mo, da, h, mi, s] = dateFields(d).map((n, i) => String(n).padStart(i === 0 ? 4 : 2, '0'));
  return `${y}-${mo}-${da} ${h}:${mi}:${s}`;
}

/** repr(datetime): seconds only when non-zero (a request carries no microseconds). */
function dateRepr(d: XmlRpcDateTime): string {
  const f = dateFields(d);
  return `datetime.datetime(${(f[5] === 0 ? f.slice(0, 5) : f).join(', ')})`;
}

/** repr() of a request value. */
export function pyRepr(v: XmlRpcValue): string {
  if (typeof v === 'string') return pyStrRepr(v);
  if (Buffer.isBuffer(v)) return pyStrRepr(v.toString('utf8'));
  if (typeof v === 'number') return pyNumber(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null) return 'None';
  if (v instanceof XmlRpcDouble) return pyFloatRepr(v.value);
  if (v instanceof XmlRpcDateTime) return dateRepr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (isStruct(v)) return `{${Object.keys(v).map((k) => `${pyStrRepr(k)}: ${pyRepr(v[k] as XmlRpcValue)}`).join(', ')}}`;
  return String(v);
}

/** str() of a request value: a str is itself, a datetime 'YYYY-MM-DD HH:MM:SS', anything else its repr(). */
export function pyStr(v: XmlRpcValue): string {
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (v instanceof XmlRpcDateTime) return dateStr(v);
  return pyRepr(v);
}
