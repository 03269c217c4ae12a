// Fake supervisord nodes for the hub benchmark, many in one process (run it as a child with an IPC
// channel, so its CPU stays out of the hub's): each an XML-RPC server on 127.0.0.1, port 0,
// answering like supervisord 4.2.5 (system.multicall with bare results and faults as structs,
// getState, getSupervisorVersion, getIdentification, getAllProcessInfo with `now` advancing and
// RUNNING descriptions with the uptime, getAllConfigInfo, getProcessInfo, start/stopProcess and
// start/stopAllProcesses that answer after the node's delay, UNKNOWN_METHOD for anything else).
// The "fleetvisord" flavour also answers fleetvisor.getVersion, fleetvisor.waitForChanges (a real
// long poll) and fleetvisor.getAllProcessStats. A "blackhole" accepts connections and never answers.
//
// Protocol (process.send / 'message'):
//   parent -> {type:'start', nodes: FakeNodeSpec[]}       child -> {type:'ports', ports: number[]}
//   parent -> {type:'set', id, node, process, state}       child -> {type:'set', id, at: Date.now()}
//   parent -> {type:'cpu', id}                              child -> {type:'cpu', id, seconds}
//   parent -> {type:'counts', id}                           child -> {type:'counts', id, counts: number[]} (requests per node)
//   parent -> {type:'stop'}                                 the child exits
import http from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { decodeMethodCall, encodeFault, encodeResponse } from '../agent/rpc/xmlrpc.js';
import { isStruct, XmlRpcDouble, type XmlRpcStruct, type XmlRpcValue } from '../agent/rpc/value.js';

export type FakeKind = 'stock' | 'fleetvisord' | 'blackhole';

export interface FakeNodeSpec {
  readonly kind: FakeKind;
  readonly processes: number;
  /** How long start/stop(All)Process take before answering (wait=true), in ms. */
  readonly delayMs: number;
}

export type FakeMessage =
  | { type: 'start'; nodes: FakeNodeSpec[] }
  | { type: 'set'; id: number; node: number; process: number; state: 'RUNNING' | 'STOPPED' }
  | { type: 'cpu'; id: number }
  | { type: 'counts'; id: number }
  | { type: 'stop' };

const STATES: Record<string, number> = { STOPPED: 0, STARTING: 10, RUNNING: 20, BACKOFF: 30, STOPPING: 40, EXITED: 100, FATAL: 200 };
const RUNNING_CODES = new Set([10, 20, 30]);
const UNKNOWN_METHOD = 1;
const BAD_NAME = 10;
const ALREADY_STARTED = 60;
const NOT_RUNNING = 70;
const SUCCESS = 80;
const INCORRECT_PARAMETERS = 2;

class Fault extends Error {
  constructor(readonly code: number, readonly text: string) { super(text); }
}

interface Proc {
  readonly name: string;
  readonly group: string;
  state: number;
  start: number;
  stop: number;
  pid: number;
  exitstatus: number;
  cpu: number;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const pad2 = (n: number): string => String(n).padStart(2, '0');

/** str(datetime.timedelta(seconds=s)), as supervisord writes the uptime. */
function timedelta(s: number): string {
  const days = Math.floor(s / 86400);
  const rest = s % 86400;
  const hms = `${Math.floor(rest / 3600)}:${pad2(Math.floor((rest % 3600) / 60))}:${pad2(rest % 60)}`;
  return days === 0 ? hms : `${days} day${days === 1 ? '' : 's'}, ${hms}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** time.strftime('%b %d %I:%M %p') of a stop time. */
function stopText(t: number): string {
  const d = new Date(t * 1000);
  const h = d.getHours() % 12 === 0 ? 12 : d.getHours() % 12;
  return `${MONTHS[d.getMonth()]} ${pad2(d.getDate())} ${pad2(h)}:${pad2(d.getMinutes())} ${d.getHours() < 12 ? 'AM' : 'PM'}`;
}

let nextPid = 20_000;

class FakeNode {
  readonly procs: Proc[] = [];
  readonly byName = new Map<string, Proc>();
  readonly epoch = randomBytes(8).toString('hex');
  serial = 0;
  readonly changedAt = new Map<Proc, number>();
  readonly waiters = new Set<{ since: number; wake: () => void }>();
  readonly ident: string;
  /** HTTP requests answered (a poll is one: a multicall). */
  requests = 0;

  constructor(readonly index: number, readonly spec: FakeNodeSpec) {
    this.ident = `fake-${index}`;
    const now = nowSeconds();
    for (let i = 0; i < spec.processes; i++) {
      const group = `group${pad2(i % 10)}`;
      const name = `worker_${String(i).padStart(4, '0')}`;
      const running = i % 7 !== 0;
      const p: Proc = {
        name, group, state: running ? STATES.RUNNING as number : STATES.EXITED as number,
        start: now - 3600 - i * 37, stop: running ? 0 : now - 60, pid: running ? nextPid++ : 0, exitstatus: running ? 0 : 1, cpu: i / 10,
      };
      this.procs.push(p);
      this.byName.set(`${group}:${name}`, p);
    }
  }

  get fleetvisor(): boolean { return this.spec.kind === 'fleetvisord'; }

  info(p: Proc, now: number): XmlRpcStruct {
    const statename = Object.keys(STATES).find((k) => STATES[k] === p.state) ?? 'UNKNOWN';
    let description = '';
    if (p.state === STATES.RUNNING) description = `pid ${p.pid}, uptime ${timedelta(Math.max(0, now - p.start))}`;
    else if (p.stop > 0 && (p.state === STATES.STOPPED || p.state === STATES.EXITED)) description = stopText(p.stop);
    else if (p.state === STATES.STOPPED) description = 'Not started';
    const log = `/var/log/supervisor/${p.name}-stdout---supervisor-${this.index}.log`;
    return {
      name: p.name, group: p.group, start: p.start, stop: p.stop, now, state: p.state, statename,
      spawnerr: '', exitstatus: p.exitstatus, logfile: log, stdout_logfile: log,
      stderr_logfile: `/var/log/supervisor/${p.name}-stderr---supervisor-${this.index}.log`, pid: p.pid, description,
    };
  }

  config(p: Proc): XmlRpcStruct {
    return {
      autostart: true, directory: '/srv/app', uid: 'none', command: `/srv/app/bin/${p.name} --serve`, exitcodes: [0],
      group: p.group, group_prio: 999, inuse: true, killasgroup: false, name: p.name, process_prio: 999,
      redirect_stderr: false, startretries: 3, startsecs: 1, stdout_capture_maxbytes: 0, stdout_events_enabled: false,
      stdout_logfile: `/var/log/supervisor/${p.name}.log`, stdout_logfile_backups: 10, stdout_logfile_maxbytes: 52428800,
      stdout_syslog: false, stopsignal: 15, stopwaitsecs: 10, stderr_capture_maxbytes: 0, stderr_events_enabled: false,
      stderr_logfile: `/var/log/supervisor/${p.name}.err`, stderr_logfile_backups: 10, stderr_logfile_maxbytes: 52428800,
      stderr_syslog: false, serverurl: 'AUTO',
    };
  }

  lookup(spec: XmlRpcValue | undefined): Proc {
    if (typeof spec !== 'string') throw new Fault(INCORRECT_PARAMETERS, 'INCORRECT_PARAMETERS');
    const p = this.byName.get(spec) ?? this.byName.get(`${spec}:${spec}`);
    if (p === undefined) throw new Fault(BAD_NAME, `BAD_NAME: ${spec}`);
    return p;
  }

  setState(p: Proc, state: 'RUNNING' | 'STOPPED'): void {
    const now = nowSeconds();
    if (state === 'RUNNING') {
      p.state = STATES.RUNNING as number;
      p.start = now;
      p.pid = nextPid++;
      p.exitstatus = 0;
    } else {
      p.state = STATES.STOPPED as number;
      p.stop = now;
      p.pid = 0;
    }
    this.serial += 1;
    this.changedAt.set(p, this.serial);
    // Like fleetvisord's feed: waiters are answered on the next turn, so one pass's changes go together.
    if (this.waiters.size > 0) setImmediate(() => { for (const w of [...this.waiters]) if (w.since < this.serial) w.wake(); });
  }

  changesSince(since: number, now: number): XmlRpcStruct {
    const processes: XmlRpcStruct[] = [];
    for (const [p, at] of this.changedAt) if (at > since) processes.push(this.info(p, now));
    return { epoch: this.epoch, serial: this.serial, reset: false, processes };
  }

  async waitForChanges(params: XmlRpcValue[]): Promise<XmlRpcValue> {
    const [epoch, serial, timeout] = params;
    if (typeof epoch !== 'string' || typeof serial !== 'number' || typeof timeout !== 'number') throw new Fault(INCORRECT_PARAMETERS, 'INCORRECT_PARAMETERS');
    if (epoch !== this.epoch || serial > this.serial || serial < 0) return { epoch: this.epoch, serial: this.serial, reset: true, processes: [] };
    if (serial < this.serial || timeout <= 0) return this.changesSince(serial, nowSeconds());
    await new Promise<void>((resolve) => {
      const w = {
        since: serial,
        wake: () => { clearTimeout(timer); this.waiters.delete(w); resolve(); },
      };
      const timer = setTimeout(w.wake, Math.min(timeout, 300) * 1000);
      this.waiters.add(w);
    });
    return this.changesSince(serial, nowSeconds());
  }

  async delay(): Promise<void> {
    if (this.spec.delayMs > 0) await new Promise((r) => setTimeout(r, this.spec.delayMs));
  }

  async call(method: string, params: XmlRpcValue[]): Promise<XmlRpcValue> {
    const now = nowSeconds();
    switch (method) {
      case 'system.multicall': {
        const calls = params[0];
        if (!Array.isArray(calls)) throw new Fault(INCORRECT_PARAMETERS, 'INCORRECT_PARAMETERS');
        const out: XmlRpcValue[] = [];
        for (const c of calls) {
          if (!isStruct(c) || typeof c.methodName !== 'string') { out.push({ faultCode: INCORRECT_PARAMETERS, faultString: 'INCORRECT_PARAMETERS' }); continue; }
          if (c.methodName === 'system.multicall') { out.push({ faultCode: INCORRECT_PARAMETERS, faultString: 'INCORRECT_PARAMETERS' }); continue; }
          try {
            out.push(await this.call(c.methodName, Array.isArray(c.params) ? c.params : []));
          } catch (err) {
            if (!(err instanceof Fault)) throw err;
            out.push({ faultCode: err.code, faultString: err.text });
          }
        }
        return out;
      }
      case 'supervisor.getState': return { statecode: 1, statename: 'RUNNING' };
      case 'supervisor.getSupervisorVersion': return '4.2.5';
      case 'supervisor.getAPIVersion': return '3.0';
      case 'supervisor.getIdentification': return this.ident;
      case 'supervisor.getPID': return 4242;
      case 'supervisor.getAllProcessInfo': return this.procs.map((p) => this.info(p, now));
      case 'supervisor.getProcessInfo': return this.info(this.lookup(params[0]), now);
      case 'supervisor.getAllConfigInfo': return this.procs.map((p) => this.config(p));
      case 'supervisor.startProcess': {
        const p = this.lookup(params[0]);
        if (RUNNING_CODES.has(p.state)) throw new Fault(ALREADY_STARTED, `ALREADY_STARTED: ${p.group}:${p.name}`);
        if (params[1] !== false) await this.delay();
        this.setState(p, 'RUNNING');
        return true;
      }
      case 'supervisor.stopProcess': {
        const p = this.lookup(params[0]);
        if (!RUNNING_CODES.has(p.state)) throw new Fault(NOT_RUNNING, `NOT_RUNNING: ${p.group}:${p.name}`);
        if (params[1] !== false) await this.delay();
        this.setState(p, 'STOPPED');
        return true;
      }
      case 'supervisor.startAllProcesses':
      case 'supervisor.stopAllProcesses': {
        const starting = method === 'supervisor.startAllProcesses';
        const which = this.procs.filter((p) => RUNNING_CODES.has(p.state) !== starting);
        if (params[0] !== false) await this.delay();
        for (const p of which) this.setState(p, starting ? 'RUNNING' : 'STOPPED');
        return which.map((p) => ({ name: p.name, group: p.group, status: SUCCESS, description: 'OK' }));
      }
      default: break;
    }
    if (this.fleetvisor) {
      switch (method) {
        case 'fleetvisor.getVersion': return '0.1.0';
        case 'fleetvisor.waitForChanges': return this.waitForChanges(params);
        case 'fleetvisor.getAllProcessStats':
          return this.procs.map((p) => {
            const running = p.state === STATES.RUNNING;
            if (running) p.cpu += 0.01;
            return {
              name: p.name, group: p.group, pid: p.pid, cpu_seconds: new XmlRpcDouble(running ? p.cpu + 0.5 : 0),
              rss_bytes: new XmlRpcDouble(running ? 48_000_000 + 4096 * p.pid % 1_000_000 : 0), restarts: 0,
              stdout_bytes: new XmlRpcDouble(1024.5), stderr_bytes: new XmlRpcDouble(0.5),
            };
          });
        default: break;
      }
    }
    throw new Fault(UNKNOWN_METHOD, 'UNKNOWN_METHOD');
  }
}

const servers: (http.Server | Server)[] = [];
const sockets = new Set<Socket>();
const nodes: FakeNode[] = [];

function listen(srv: http.Server | Server): Promise<number> {
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve((srv.address() as AddressInfo).port));
  });
}

async function startNode(index: number, spec: FakeNodeSpec): Promise<number> {
  if (spec.kind === 'blackhole') {
    const srv = createServer((s) => { sockets.add(s); s.on('error', () => undefined); s.on('close', () => sockets.delete(s)); });
    servers.push(srv);
    return listen(srv);
  }
  const node = new FakeNode(index, spec);
  nodes[index] = node;
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/RPC2') {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found');
        return;
      }
      node.requests += 1;
      const answer = async (): Promise<Buffer> => {
        let call: { methodName: string; params: XmlRpcValue[] };
        try { call = decodeMethodCall(Buffer.concat(chunks)); } catch { return encodeFault(INCORRECT_PARAMETERS, 'unmarshallable'); }
        try {
          return encodeResponse(await node.call(call.methodName, call.params));
        } catch (err) {
          if (err instanceof Fault) return encodeFault(err.code, err.text);
          throw err;
        }
      };
      answer().then((body) => {
        res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': String(body.length) }).end(body);
      }, (err: unknown) => {
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(err));
      });
    });
  });
  // supervisord keeps an HTTP/1.1 connection as long as the client does.
  srv.keepAliveTimeout = 0;
  srv.requestTimeout = 0;
  srv.headersTimeout = 0;
  srv.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  servers.push(srv);
  return listen(srv);
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function send(m: unknown): void { process.send?.(m); }

if (process.send !== undefined) {
  process.on('message', (m: FakeMessage) => {
    switch (m.type) {
      case 'start':
        void Promise.all(m.nodes.map((spec, i) => startNode(i, spec))).then((ports) => send({ type: 'ports', ports }));
        return;
      case 'set': {
        const node = nodes[m.node];
        const p = node?.procs[m.process];
        if (node !== undefined && p !== undefined) node.setState(p, m.state);
        send({ type: 'set', id: m.id, at: Date.now() });
        return;
      }
      case 'cpu':
        send({ type: 'cpu', id: m.id, seconds: cpuSeconds() });
        return;
      case 'counts':
        send({ type: 'counts', id: m.id, counts: Array.from({ length: nodes.length }, (_, i) => nodes[i]?.requests ?? 0) });
        return;
      case 'stop':
        for (const s of sockets) s.destroy();
        for (const s of servers) s.close();
        process.exit(0);
    }
  });
  // The parent died: do not outlive it.
  process.on('disconnect', () => process.exit(0));
}
