// Micro-benchmark of the XML-RPC codec on a 1000-process getAllProcessInfo (run: node dist/bench/codec.js
// [processes] [runs]): the xmlrpc package, a saxes-based reader, and our template encoder and scanner.
import { createRequire } from 'node:module';
import { isUtf8 } from 'node:buffer';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { deepStrictEqual } from 'node:assert/strict';
import { SaxesParser } from 'saxes';
import { decodeMethodCall, decodeResponse, encodeMethodCall, encodeResponse } from '../agent/rpc/xmlrpc.js';
import type { XmlRpcStruct, XmlRpcValue } from '../agent/rpc/value.js';

const require = createRequire(import.meta.url);
interface XmlRpcSerializer { serializeMethodResponse(v: unknown): string }
type XmlRpcDeserializerClass = new () => { deserializeMethodResponse(s: NodeJS.ReadableStream, cb: (err: unknown, v: unknown) => void): void };
const serializer = require('xmlrpc/lib/serializer.js') as XmlRpcSerializer;
const Deserializer = require('xmlrpc/lib/deserializer.js') as XmlRpcDeserializerClass;

/** A getAllProcessInfo result shaped like supervisor/rpcinterface.py's, `n` processes in 10 groups. */
export function processInfos(n: number): XmlRpcStruct[] {
  const now = 1_700_000_000;
  const out: XmlRpcStruct[] = [];
  for (let i = 0; i < n; i++) {
    const group = `group${String(i % 10).padStart(2, '0')}`;
    const name = `worker_${String(i).padStart(4, '0')}`;
    const running = i % 7 !== 0;
    out.push({
      name, group,
      start: now - 3600 - i, stop: running ? 0 : now - 60, now,
      state: running ? 20 : 100, statename: running ? 'RUNNING' : 'EXITED',
      spawnerr: '', exitstatus: running ? 0 : 1,
      logfile: `/var/log/supervisor/${name}-stdout---supervisor-abc${i}.log`,
      stdout_logfile: `/var/log/supervisor/${name}-stdout---supervisor-abc${i}.log`,
      stderr_logfile: `/var/log/supervisor/${name}-stderr---supervisor-def${i}.log`,
      pid: running ? 10_000 + i : 0,
      description: running ? `pid ${10_000 + i}, uptime 1:00:${String(i % 60).padStart(2, '0')}` : 'Nov 24 04:24 PM',
    });
  }
  return out;
}

/** A response reader on saxes events, with the stack-and-marks scheme of xmlrpc.client's Unmarshaller. */
export function saxesDecodeResponse(body: Buffer): XmlRpcValue {
  const parser = new SaxesParser({ position: false });
  const stack: unknown[] = [];
  const marks: number[] = [];
  let data = '';
  let inValue = false;
  let failure: Error | null = null;
  parser.on('error', (e) => { failure ??= e; });
  parser.on('opentag', (t) => {
    if (t.name === 'array' || t.name === 'struct') marks.push(stack.length);
    data = '';
    inValue = t.name === 'value';
  });
  parser.on('text', (t) => { data += t; });
  parser.on('cdata', (t) => { data += t; });
  parser.on('doctype', () => { failure ??= new Error('DOCTYPE'); });
  parser.on('closetag', (t) => {
    switch (t.name) {
      case 'int': case 'i4': case 'i8': stack.push(Number.parseInt(data, 10)); break;
      case 'double': stack.push(Number(data)); break;
      case 'boolean': stack.push(data === '1'); break;
      case 'string': case 'name': stack.push(data); break;
      case 'base64': stack.push(Buffer.from(data, 'base64')); break;
      case 'nil': stack.push(null); break;
      case 'value': if (inValue) stack.push(data); break;
      case 'array': { const m = marks.pop() as number; stack.push(stack.splice(m)); break; }
      case 'struct': {
        const m = marks.pop() as number;
        const items = stack.splice(m);
        const obj: Record<string, unknown> = {};
        for (let i = 0; i < items.length; i += 2) obj[items[i] as string] = items[i + 1];
        stack.push(obj);
        break;
      }
      default: break;
    }
    inValue = false;
    data = '';
  });
  parser.write(body.toString('utf8')).close();
  if (failure !== null) throw failure;
  return stack[0] as XmlRpcValue;
}

function xmlrpcDecode(body: Buffer): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const s = new PassThrough();
    new Deserializer().deserializeMethodResponse(s, (err, v) => (err ? reject(err) : resolve(v)));
    s.end(body);
  });
}

/** Median and minimum wall time in ms of `runs` calls, after a warm-up. */
async function measure(runs: number, fn: () => unknown): Promise<[number, number]> {
  for (let i = 0; i < Math.max(3, runs / 5); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return [times[Math.floor(times.length / 2)] as number, times[0] as number];
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 1000);
  const runs = Number(process.argv[3] ?? 30);
  const value = processInfos(n);
  const body = encodeResponse(value);
  const fromPackage = Buffer.from(serializer.serializeMethodResponse(value));
  // Every reader must agree before any is timed.
  deepStrictEqual(decodeResponse(body), value);
  deepStrictEqual(saxesDecodeResponse(body), value);
  deepStrictEqual(await xmlrpcDecode(body), value);
  deepStrictEqual(decodeResponse(fromPackage), value);
  const request = encodeMethodCall('supervisor.fake', [value]);
  deepStrictEqual(decodeMethodCall(request).params, [value]);

  const rows: [string, [number, number]][] = [
    ['encode  xmlrpc package serializeMethodResponse', await measure(runs, () => Buffer.from(serializer.serializeMethodResponse(value)))],
    ['encode  template strings (encodeResponse)', await measure(runs, () => encodeResponse(value))],
    ['decode  xmlrpc package Deserializer (sax)', await measure(runs, () => xmlrpcDecode(body))],
    ['decode  saxes-based reader', await measure(runs, () => saxesDecodeResponse(body))],
    ['decode  strict scanner (decodeResponse)', await measure(runs, () => decodeResponse(body))],
    ['decode  strict scanner, request rules (decodeMethodCall)', await measure(runs, () => decodeMethodCall(request))],
    ['utf-8   TextDecoder fatal', await measure(runs, () => new TextDecoder('utf-8', { fatal: true }).decode(body))],
    ['utf-8   isUtf8 + toString', await measure(runs, () => isUtf8(body) && body.toString('utf8'))],
  ];
  console.log(`getAllProcessInfo of ${n} processes: ${body.length} bytes; ${runs} runs after warm-up`);
  console.log(`${''.padEnd(58)}   median      min`);
  for (const [label, [med, min]] of rows) console.log(`${label.padEnd(58)} ${med.toFixed(2).padStart(8)} ${min.toFixed(2).padStart(8)} ms`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
