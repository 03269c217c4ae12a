// Writes XML-RPC byte for byte as Python 3's xmlrpc.client Marshaller (what supervisord sends).
// Imports only the value model; knows nothing of HTTP or of supervisor methods.
import { XmlRpcDateTime, XmlRpcDouble } from './value.js';

/** A value that cannot be marshalled (Python raises TypeError or OverflowError there). */
export class XmlRpcEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlRpcEncodeError';
  }
}

const HEADER = "<?xml version='1.0'?>\n";
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
/** Far deeper than anything supervisor returns; stops runaway recursion on cyclic values. */
const MAX_DEPTH = 256;

/** Python's xml escape for the marshaller: &, < and > only (quotes are left as they are). */
export function escapeText(s: string): string {
  if (!/[&<>]/.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Python's repr(float): shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const [mantissa, exp] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const e = Number(exp);
  if (e < -4 || e >= 16) {
    const frac = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const absExp = String(Math.abs(e)).padStart(2, '0');
    return `${sign}${frac}e${e < 0 ? '-' : '+'}${absExp}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  if (digits.length <= e + 1) return `${sign}${digits}${'0'.repeat(e + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
}

/** base64.encodebytes: lines of 76 characters, each ending in a newline. */
export function encodeBytesLines(b: Uint8Array): string {
  const all = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
  let out = '';
  for (let i = 0; i < all.length; i += 76) out += `${all.slice(i, i + 76)}\n`;
  return out;
}

function describe(v: unknown): string {
  if (v === null) return 'None';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

function dumpValue(v: unknown, depth: number): string {
  switch (typeof v) {
    case 'number':
      if (Number.isInteger(v)) {
        if (v < INT_MIN || v > INT_MAX) throw new XmlRpcEncodeError(`int exceeds XML-RPC limits: ${v}`);
        return `<value><int>${v}</int></value>\n`;
      }
      return `<value><double>${pythonFloatRepr(v)}</double></value>\n`;
    case 'string':
      return `<value><string>${escapeText(v)}</string></value>\n`;
    case 'boolean':
      return v ? '<value><boolean>1</boolean></value>\n' : '<value><boolean>0</boolean></value>\n';
    case 'object':
      if (v === null) break;
      if (depth >= MAX_DEPTH) throw new XmlRpcEncodeError('cannot marshal values nested this deeply (recursive?)');
      if (Array.isArray(v)) {
        let out = '<value><array><data>\n';
        for (const item of v) out += dumpValue(item, depth + 1);
        return `${out}</data></array></value>\n`;
      }
      if (v instanceof XmlRpcDouble) return `<value><double>${pythonFloatRepr(v.value)}</double></value>\n`;
      if (v instanceof XmlRpcDateTime) return `<value><dateTime.iso8601>${escapeText(v.iso)}</dateTime.iso8601></value>\n`;
      if (v instanceof Uint8Array) return `<value><base64>\n${encodeBytesLines(v)}</base64></value>\n`;
      {
        const proto: unknown = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) break;
      }
      return dumpStruct(v as Record<string, unknown>, depth);
    default:
      break;
  }
  throw new XmlRpcEncodeError(`cannot marshal ${describe(v)} objects`);
}

function dumpStruct(v: Record<string, unknown>, depth: number): string {
  let out = '<value><struct>\n';
  for (const k of Object.keys(v)) {
    out += `<member>\n<name>${escapeText(k)}</name>\n${dumpValue(v[k], depth + 1)}</member>\n`;
  }
  return `${out}</struct></value>\n`;
}

function dumpParams(params: readonly unknown[]): string {
  let out = '<params>\n';
  for (const p of params) out += `<param>\n${dumpValue(p, 0)}</param>\n`;
  return `${out}</params>\n`;
}

/** dumps((value,), methodresponse=True). */
export function encodeResponseText(value: unknown): string {
  return `${HEADER}<methodResponse>\n${dumpParams([value])}</methodResponse>\n`;
}

/** dumps(Fault(code, faultString)). */
export function encodeFaultText(code: number, faultString: string): string {
  const body = dumpStruct({ faultCode: code, faultString }, 0);
  return `${HEADER}<methodResponse>\n<fault>\n${body}</fault>\n</methodResponse>\n`;
}

/** dumps(params, methodName); the name is escaped (Python leaves it raw, which only matters for &<>). */
export function encodeMethodCallText(methodName: string, params: readonly unknown[]): string {
  return `${HEADER}<methodCall>\n<methodName>${escapeText(methodName)}</methodName>\n${dumpParams(params)}</methodCall>\n`;
}
