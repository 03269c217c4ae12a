// supervisor.getProcessInfo / getAllProcessInfo / getAllConfigInfo: the structs of
// supervisor/rpcinterface.py, keys in supervisord's order (the XML is byte-compared with
// supervisord's in the tests).
import type { GroupConfig, ProcessConfig } from '../config/types.js';
import { stateName } from '../process/states.js';
import { assertRunning, type RpcContext } from './context.js';
import { describeProcess } from './describe.js';
import { lexicalTargets, resolveProcess, type Target } from './lookup.js';
import { namespecArg } from './params.js';
import type { RpcMethod } from './registry.js';
import type { XmlRpcStruct, XmlRpcValue } from './value.js';

const MAXINT = 2 ** 31 - 1;
const MININT = -(2 ** 31);

/** supervisord's capped_int: timestamps truncated and clamped to a signed 32-bit int. */
export function cappedInt(v: number): number {
  return Math.min(MAXINT, Math.max(MININT, Math.trunc(v)));
}

export class InfoMethods {
  readonly #ctx: RpcContext;
  constructor(ctx: RpcContext) { this.#ctx = ctx; }

  processInfo(t: Target, nowSeconds: number): XmlRpcStruct {
    const { proc, group } = t;
    const sup = this.#ctx.supervisor;
    const logOf = (channel: 'stdout' | 'stderr') => {
      const path = sup.logfileOf(group.config, proc.config, channel);
      return path === null || path === 'AUTO' ? '' : path;
    };
    const stdout = logOf('stdout');
    const info = {
      name: proc.config.name,
      group: group.config.name,
      start: cappedInt(proc.laststart),
      stop: cappedInt(proc.laststop),
      now: cappedInt(nowSeconds),
      state: proc.state,
      statename: stateName(proc.state),
      spawnerr: proc.spawnerr,
      exitstatus: proc.exitstatus ?? 0,
      logfile: stdout,
      stdout_logfile: stdout,
      stderr_logfile: logOf('stderr'),
      pid: proc.pid,
    };
    const health = proc.extrasState.health;
    const unhealthy = health?.status === 'unhealthy' ? (health.reason ?? 'check failed') : null;
    return { ...info, description: describeProcess({ ...info, unhealthy }) };
  }

  getProcessInfo(name: XmlRpcValue): XmlRpcValue {
    assertRunning(this.#ctx);
    return this.processInfo(resolveProcess(this.#ctx.supervisor, namespecArg(name)), Date.now() / 1000);
  }

  getAllProcessInfo(): XmlRpcValue {
    assertRunning(this.#ctx);
    const now = Date.now() / 1000;
    return lexicalTargets(this.#ctx.supervisor).map((t) => this.processInfo(t, now));
  }

  getAllConfigInfo(): XmlRpcValue {
    assertRunning(this.#ctx);
    const sup = this.#ctx.supervisor;
    const out: { name: string; struct: XmlRpcStruct }[] = [];
    for (const g of sup.config.groups) {
      const inuse = sup.group(g.name) !== undefined;
      for (const p of g.processes) out.push({ name: p.name, struct: this.#configInfo(g, p, inuse) });
    }
    // A stable sort by process name only, as supervisord's configinfo.sort(key=name).
    out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return out.map((o) => o.struct);
  }

  #configInfo(g: GroupConfig, p: ProcessConfig, inuse: boolean): XmlRpcStruct {
    const sup = this.#ctx.supervisor;
    const log = (channel: 'stdout' | 'stderr') => {
      const path = sup.logfileOf(g, p, channel);
      return path === null ? 'none' : path === 'AUTO' ? 'auto' : path;
    };
    return {
      autostart: p.autostart,
      directory: p.directory ?? 'none',
      uid: p.user === null ? 'none' : p.user.uid,
      command: p.command,
      exitcodes: [...p.exitcodes],
      group: g.name,
      group_prio: g.priority,
      inuse,
      killasgroup: p.killasgroup,
      name: p.name,
      process_prio: p.priority,
      redirect_stderr: p.redirect_stderr,
      startretries: p.startretries,
      startsecs: p.startsecs,
      stdout_capture_maxbytes: p.stdout.capture_maxbytes,
      stdout_events_enabled: p.stdout.events_enabled,
      stdout_logfile: log('stdout'),
      stdout_logfile_backups: p.stdout.logfile_backups,
      stdout_logfile_maxbytes: p.stdout.logfile_maxbytes,
      stdout_syslog: p.stdout.syslog,
      stopsignal: p.stopsignal,
      stopwaitsecs: p.stopwaitsecs,
      stderr_capture_maxbytes: p.stderr.capture_maxbytes,
      stderr_events_enabled: p.stderr.events_enabled,
      stderr_logfile: log('stderr'),
      stderr_logfile_backups: p.stderr.logfile_backups,
      stderr_logfile_maxbytes: p.stderr.logfile_maxbytes,
      stderr_syslog: p.stderr.syslog,
      serverurl: p.serverurl ?? 'none',
    };
  }

  methods(): RpcMethod[] {
    return [
      { name: 'supervisor.getProcessInfo', doc: `Information about one process.

        @param string name      process name or group:name
        @return struct result   the process status struct`, handler: ([n]) => this.getProcessInfo(n ?? null) },
      { name: 'supervisor.getAllProcessInfo', doc: `Information about every process, by group then process name.

        @return array result    one process status struct per process`, handler: () => this.getAllProcessInfo() },
      { name: 'supervisor.getAllConfigInfo', doc: `The configuration of every process of the last config read, by process name.

        @return array result    one process config struct per process`, handler: () => this.getAllConfigInfo() },
    ];
  }
}
