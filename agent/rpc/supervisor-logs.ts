// supervisor.readLog / clearLog / read*Log / tail*Log / clear*Logs, as supervisor/rpcinterface.py
// SupervisorNamespaceRPCInterface answers them.
// The byte semantics live in agent/logging/read.ts; this file adds names, faults and decoding.
import { existsSync } from 'node:fs';
import { LogReadError, readLogSlice, tailLogSlice } from '../logging/read.js';
import { assertRunning, type RpcContext } from './context.js';
import { Faults, RpcFault } from './faults.js';
import { priorityTargets, resolveProcess } from './lookup.js';
import { PyException, namespecArg, pyIntArg } from './params.js';
import type { RpcMethod } from './registry.js';
import { asWire, forEachProcess } from './results.js';
import { toFault } from './to-fault.js';
import type { XmlRpcValue } from './value.js';

type Channel = 'stdout' | 'stderr';

/**
 * Log bytes as a string. supervisord decodes strictly and answers HTTP 500 when a slice is not
 * valid UTF-8 (binary output, a cut multi-byte character); we substitute U+FFFD so the caller
 * still gets its log.
 */
function asText(bytes: Buffer): string {
  return bytes.toString('utf8');
}

/**
 * `readFile(logfile, int(offset), int(length))` inside supervisord's `try: ... except ValueError as
 * inst: raise RPCError(getattr(Faults, inst.args[0]))`: readFile's own ValueErrors name a fault,
 * while one from int() names none, so getattr raises AttributeError with its message.
 */
function read(path: string, offsetArg: XmlRpcValue, lengthArg: XmlRpcValue): string {
  let offset: number;
  let length: number;
  try {
    offset = pyIntArg(offsetArg);
    length = pyIntArg(lengthArg);
  } catch (err) {
    if (err instanceof PyException && err.pyClass === 'ValueError') {
      throw new PyException('AttributeError', `type object 'Faults' has no attribute '${err.message}'`);
    }
    throw err;
  }
  try {
    return asText(readLogSlice(path, offset, length));
  } catch (err) {
    if (err instanceof LogReadError) throw toFault(err);
    throw err;
  }
}

export class LogMethods {
  readonly #ctx: RpcContext;
  constructor(ctx: RpcContext) { this.#ctx = ctx; }

  #mainLogPath(): string {
    return this.#ctx.mainLog.path;
  }

  readLog(offset: XmlRpcValue, length: XmlRpcValue): XmlRpcValue {
    assertRunning(this.#ctx);
    const path = this.#mainLogPath();
    if (!existsSync(path)) throw new RpcFault(Faults.NO_FILE, path);
    return read(path, offset, length);
  }

  clearLog(): XmlRpcValue {
    assertRunning(this.#ctx);
    if (!existsSync(this.#mainLogPath())) throw new RpcFault(Faults.NO_FILE);
    try {
      this.#ctx.mainLog.clear();
    } catch (err) {
      throw new RpcFault(Faults.FAILED, null, { cause: err });
    }
    return true;
  }

  /** The log path of a process channel; NO_FILE (without detail) for NONE. */
  #channelPath(name: XmlRpcValue, channel: Channel): string | null {
    const { group, proc } = resolveProcess(this.#ctx.supervisor, namespecArg(name));
    const path = this.#ctx.supervisor.logfileOf(group.config, proc.config, channel);
    return path === 'AUTO' ? null : path;
  }

  /** The log must exist before offset and length are converted, as in supervisord's _readProcessLog. */
  readProcessLog(name: XmlRpcValue, offset: XmlRpcValue, length: XmlRpcValue, channel: Channel): XmlRpcValue {
    assertRunning(this.#ctx);
    const path = this.#channelPath(name, channel);
    if (path === null) throw new RpcFault(Faults.NO_FILE);
    if (!existsSync(path)) throw new RpcFault(Faults.NO_FILE, path);
    return read(path, offset, length);
  }

  /** Without a log, offset and length are never converted (supervisord's _tailProcessLog). */
  tailProcessLog(name: XmlRpcValue, offset: XmlRpcValue, length: XmlRpcValue, channel: Channel): XmlRpcValue {
    assertRunning(this.#ctx);
    const path = this.#channelPath(name, channel);
    if (path === null || !existsSync(path)) return ['', 0, false];
    const slice = tailLogSlice(path, pyIntArg(offset), pyIntArg(length));
    return [asText(slice.bytes), slice.offset, slice.overflow];
  }

  clearProcessLogs(namespec: XmlRpcValue): XmlRpcValue {
    assertRunning(this.#ctx);
    const name = namespecArg(namespec);
    const { group, proc } = resolveProcess(this.#ctx.supervisor, name);
    try {
      this.#ctx.supervisor.clearProcessLogs(group.config.name, proc.config.name);
    } catch (err) {
      throw new RpcFault(Faults.FAILED, name, { cause: err });
    }
    return true;
  }

  async clearAllProcessLogs(): Promise<XmlRpcValue> {
    assertRunning(this.#ctx);
    return asWire(await forEachProcess(priorityTargets(this.#ctx.supervisor), () => true, (n) => this.clearProcessLogs(n)));
  }

  methods(): RpcMethod[] {
    const readDoc = (what: string) => `Read bytes of ${what}.

        @param string name        process name or group:name
        @param int offset         where to start; negative with length 0 reads the last -offset bytes
        @param int length         how many bytes; 0 reads to the end
        @return string result     the bytes read`;
    const tailDoc = (what: string) => `Tail ${what}: up to length bytes ending at the end of the file when more
        than length bytes lie past offset (then overflow is true).

        @param string name         process name or group:name
        @param int offset          the offset the caller has read up to
        @param int length          the most bytes to return
        @return array result       [string bytes, int offset (the file size), bool overflow]`;
    const mainDoc = `Read bytes of the main log.

        @param int offset         where to start; negative with length 0 reads the last -offset bytes
        @param int length         how many bytes; 0 reads to the end
        @return string result     the bytes read`;
    const clearDoc = `Delete and reopen the stdout and stderr logs of a process.

        @param string name   process name or group:name
        @return boolean result      true unless a fault is raised`;
    const rd = (channel: Channel) => ([n, o, l]: readonly XmlRpcValue[]) => this.readProcessLog(n ?? null, o ?? null, l ?? null, channel);
    const tl = (channel: Channel) => ([n, o, l]: readonly XmlRpcValue[]) => this.tailProcessLog(n ?? null, o ?? null, l ?? null, channel);
    const main = ([o, l]: readonly XmlRpcValue[]) => this.readLog(o ?? null, l ?? null);
    const clear = ([n]: readonly XmlRpcValue[]) => this.clearProcessLogs(n ?? null);
    return [
      { name: 'supervisor.readLog', doc: mainDoc, handler: main },
      { name: 'supervisor.readMainLog', doc: mainDoc, handler: main },
      { name: 'supervisor.clearLog', doc: `Delete and reopen the main log.

        @return boolean result always returns True unless error`, handler: () => this.clearLog() },
      { name: 'supervisor.readProcessStdoutLog', doc: readDoc("a process's stdout log"), handler: rd('stdout') },
      { name: 'supervisor.readProcessLog', doc: readDoc("a process's stdout log"), handler: rd('stdout') },
      { name: 'supervisor.readProcessStderrLog', doc: readDoc("a process's stderr log"), handler: rd('stderr') },
      { name: 'supervisor.tailProcessStdoutLog', doc: tailDoc("a process's stdout log"), handler: tl('stdout') },
      { name: 'supervisor.tailProcessLog', doc: tailDoc("a process's stdout log"), handler: tl('stdout') },
      { name: 'supervisor.tailProcessStderrLog', doc: tailDoc("a process's stderr log"), handler: tl('stderr') },
      { name: 'supervisor.clearProcessLogs', doc: clearDoc, handler: clear },
      { name: 'supervisor.clearProcessLog', doc: clearDoc, handler: clear },
      { name: 'supervisor.clearAllProcessLogs', doc: `Delete and reopen the logs of every process.

        @return array result   one status struct per process`, handler: () => this.clearAllProcessLogs() },
    ];
  }
}
