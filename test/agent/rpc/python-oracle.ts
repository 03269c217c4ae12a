// Runs Debian's python3 as the oracle for the codec: xmlrpc.client.dumps for encoding, and
// supervisord's own request parser (supervisor.xmlrpc ... .loads) for request decoding.
// Values cross as tagged JSON, so types (int vs float, bytes, dates) survive the trip.
import { spawnSync } from 'node:child_process';
import { PYTHON } from '../../helpers/paths.js';
import { XmlRpcDateTime, XmlRpcDouble, type XmlRpcValue } from '../../../agent/rpc/value.js';

export type Tagged =
  | { i: number } | { d: string } | { b: boolean } | { s: string } | { x: string } | { t: string }
  | { n: 1 } | { a: Tagged[] } | { o: [string, Tagged][] };

/** A value as tagged JSON for python (struct members in order). */
export function tagForPython(v: unknown): Tagged {
  if (typeof v === 'number') return Number.isInteger(v) ? { i: v } : { d: String(v) };
  if (v instanceof XmlRpcDouble) return { d: Object.is(v.value, -0) ? '-0.0' : String(v.value) };
  if (typeof v === 'boolean') return { b: v };
  if (typeof v === 'string') return { s: v };
  if (v === null || v === undefined) return { n: 1 };
  if (v instanceof XmlRpcDateTime) return { t: v.iso };
  if (Buffer.isBuffer(v)) return { x: v.toString('base64') };
  if (Array.isArray(v)) return { a: v.map(tagForPython) };
  return { o: Object.keys(v as object).map((k) => [k, tagForPython((v as Record<string, unknown>)[k])]) };
}

const PRELUDE = `
import sys, json, base64, datetime, xmlrpc.client as xc
def untag(t):
    if 'i' in t: return t['i']
    if 'd' in t: return float(t['d'])
    if 'b' in t: return t['b']
    if 's' in t: return t['s']
    if 'x' in t: return base64.b64decode(t['x'])
    if 't' in t: return xc.DateTime(t['t'])
    if 'n' in t: return None
    if 'a' in t: return [untag(x) for x in t['a']]
    return {k: untag(x) for k, x in t['o']}
class NonStrKey(Exception): pass
def tag(v):
    """A decoded value as comparable JSON (see Plain on the TypeScript side)."""
    if isinstance(v, bool) or v is None or isinstance(v, str): return v
    if isinstance(v, (int, float)): return {'num': repr(v) if isinstance(v, float) else str(v)}
    if isinstance(v, (list, tuple)): return [tag(x) for x in v]
    if isinstance(v, datetime.datetime): return {'t': [v.year, v.month, v.day, v.hour, v.minute, v.second]}
    if isinstance(v, xc.DateTime): return {'t': v.value}
    if isinstance(v, xc.Binary): return {'x': base64.b64encode(v.data).decode()}
    if isinstance(v, dict):
        if not all(isinstance(k, str) for k in v): raise NonStrKey()
        return {'o': sorted([k, tag(x)] for k, x in v.items())}
    raise TypeError(repr(v))
`;

function runPython(script: string, input: unknown): unknown {
  const r = spawnSync(PYTHON, ['-c', PRELUDE + script], { input: JSON.stringify(input), maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr.toString()}`);
  return JSON.parse(r.stdout.toString());
}

export type DumpJob =
  | { kind: 'response'; value: unknown }
  | { kind: 'fault'; code: number; string: string }
  | { kind: 'call'; method: string; params: unknown[] };

/** Python's bytes for each job, or the name of the exception it raised. */
export function pythonDumps(jobs: readonly DumpJob[]): (Buffer | { error: string })[] {
  const tagged = jobs.map((j) => (j.kind === 'response' ? { kind: j.kind, value: tagForPython(j.value) }
    : j.kind === 'call' ? { kind: j.kind, method: j.method, params: j.params.map(tagForPython) } : j));
  const out = runPython(`
res = []
for job in json.load(sys.stdin):
    try:
        if job['kind'] == 'response': s = xc.dumps((untag(job['value']),), methodresponse=True)
        elif job['kind'] == 'fault': s = xc.dumps(xc.Fault(job['code'], job['string']))
        else: s = xc.dumps(tuple(untag(p) for p in job['params']), job['method'])
        res.append({'ok': base64.b64encode(s.encode('utf-8')).decode()})
    except Exception as e:
        res.append({'error': type(e).__name__})
json.dump(res, sys.stdout)
`, tagged) as ({ ok: string } | { error: string })[];
  return out.map((r) => ('ok' in r ? Buffer.from(r.ok, 'base64') : r));
}

/** A decoded request in comparable form: numbers as numbers, dates as their six fields, members sorted. */
export type Plain = number | boolean | string | null | { t: number[] | string } | { x: string } | Plain[] | { o: [string, Plain][] };
export type LoadResult = { error: 'unmarshallable' | 'no method name' | 'non-string key' } | { method: string; params: Plain[] };

/** supervisord's loads() (and its 400 checks) on each body. */
export function pythonLoads(bodies: readonly Buffer[]): LoadResult[] {
  return (runPython(`
from supervisor.xmlrpc import supervisor_xmlrpc_handler as H
h = object.__new__(H)
res = []
for b in json.load(sys.stdin):
    try:
        params, method = h.loads(base64.b64decode(b).decode('utf-8'))
    except Exception:
        res.append({'error': 'unmarshallable'}); continue
    if not method:
        res.append({'error': 'no method name'}); continue
    try:
        res.append({'method': method, 'params': tag(list(params or ()))})
    except NonStrKey:
        res.append({'error': 'non-string key'})
json.dump(res, sys.stdout)
`, bodies.map((b) => b.toString('base64'))) as unknown[]).map((r) => fromPythonNumbers(r) as LoadResult);
}

export type ResponseResult = { value: Plain } | { fault: [number, string] } | { error: 1 } | { untaggable: 1 };

/** xmlrpc.client.loads (what supervisorctl runs) on each response body. */
export function pythonResponseLoads(bodies: readonly Buffer[]): ResponseResult[] {
  return (runPython(`
res = []
for b in json.load(sys.stdin):
    try:
        r, _ = xc.loads(base64.b64decode(b).decode('utf-8'))
    except xc.Fault as f:
        res.append({'fault': [f.faultCode, f.faultString]} if isinstance(f.faultCode, int) and isinstance(f.faultString, str) else {'untaggable': 1}); continue
    except Exception:
        res.append({'error': 1}); continue
    try:
        res.append({'value': tag(r[0])} if len(r) == 1 else {'untaggable': 1})
    except Exception:
        res.append({'untaggable': 1})
json.dump(res, sys.stdout)
`, bodies.map((b) => b.toString('base64'))) as unknown[]).map((r) => fromPythonNumbers(r) as ResponseResult);
}

/** A decoded response value in the comparable form pythonResponseLoads gives. */
export function plainResponse(v: XmlRpcValue): Plain {
  if (Buffer.isBuffer(v)) return { x: v.toString('base64') };
  if (v instanceof XmlRpcDateTime) return { t: v.iso };
  if (Array.isArray(v)) return v.map(plainResponse);
  if (v !== null && typeof v === 'object' && !(v instanceof XmlRpcDouble)) {
    return { o: Object.keys(v).sort().map((k) => [k, plainResponse((v as Record<string, XmlRpcValue>)[k] as XmlRpcValue)] as [string, Plain]) };
  }
  return plain(v);
}

function fromPythonNumbers(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromPythonNumbers);
  if (v === null || typeof v !== 'object') return v;
  if ('num' in v) {
    const text = v.num as string;
    return text === 'nan' ? NaN : text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text);
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromPythonNumbers(x)]));
}

const DATE = /^(\d\d\d\d)(1[0-2]|0[1-9]|[1-9])(3[01]|[12]\d|0[1-9]|[1-9]| [1-9])t(2[0-3]|[0-1]\d|\d):([0-5]\d|\d):(6[0-1]|[0-5]\d|\d)$/i;

/** Our decoded value in the same comparable form as pythonLoads gives. */
export function plain(v: XmlRpcValue): Plain {
  if (v instanceof XmlRpcDateTime) {
    const m = DATE.exec(v.iso);
    if (m === null) throw new Error(`undecodable date ${v.iso}`);
    return { t: [1, 2, 3, 4, 5, 6].map((i) => Number((m[i] as string).trim())) };
  }
  if (v instanceof XmlRpcDouble) return v.value;
  if (Buffer.isBuffer(v)) throw new Error('requests never decode to bytes');
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') {
    return { o: Object.keys(v).sort().map((k) => [k, plain((v as Record<string, XmlRpcValue>)[k] as XmlRpcValue)] as [string, Plain]) };
  }
  return v;
}
