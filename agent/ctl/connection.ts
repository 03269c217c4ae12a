// The supervisor.* methods fleetvisorctl calls, typed: each result goes through a guard before a
// command sees it. The RPC client is the only transport; nothing of the daemon is imported.
import { RpcClient, type RpcClientOptions } from '../rpc/client.js';
import type { XmlRpcValue } from '../rpc/value.js';
import { toProcessInfo, toProcessInfoList, toStatusResults, type ProcessInfo, type StatusResult } from '../rpc/wire-types.js';
import { endpointOf } from './url.js';
import { asInt, asString, toConfigChanges, toConfigSummaries, type ConfigChanges, type ConfigSummary } from './wire.js';

/** What a proxy needs from a client (an RpcClient, or a fake in tests). */
export interface Caller {
  call(methodName: string, params?: readonly XmlRpcValue[]): Promise<XmlRpcValue>;
  close(): void;
}

/** supervisorctl has no timeout (start waits for startsecs); ours is only there to be finite. */
export const CALL_TIMEOUT_MS = 2_147_483_647;

export interface Credentials {
  readonly serverurl: string;
  readonly username: string | null;
  readonly password: string | null;
  /** For an https serverurl (ours): what the server is verified with, and a client certificate. */
  readonly tls?: CtlTls | undefined;
}

/** TLS settings of fleetvisorctl (tls_ca, tls_cert, tls_key, tls_insecure), the files already read. */
export interface CtlTls {
  readonly ca: Buffer | null;
  readonly cert: Buffer | null;
  readonly key: Buffer | null;
  readonly insecure: boolean;
}

/** The RPC client's tls option: node's default CAs unless tls_ca is given; no check with tls_insecure. */
export function clientTls(tls: CtlTls | undefined): RpcClientOptions['tls'] {
  if (tls === undefined) return {};
  return {
    ...(tls.ca === null ? {} : { ca: tls.ca }),
    ...(tls.cert === null || tls.key === null ? {} : { cert: tls.cert, key: tls.key }),
    ...(tls.insecure ? { rejectUnauthorized: false } : {}),
  };
}

/** A client for the serverurl (throws supervisorctl's ValueError texts for URLs it refuses). */
export function connect(c: Credentials): Caller {
  const ep = endpointOf(c.serverurl);
  return new RpcClient({ url: ep.url, username: c.username, password: c.password, timeoutMs: CALL_TIMEOUT_MS,
    ...(ep.url.startsWith('https://') ? { tls: clientTls(c.tls) } : {}) });
}

export class SupervisorProxy {
  constructor(private readonly rpc: Caller) {}

  private async call(method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue> {
    return this.rpc.call(`supervisor.${method}`, params);
  }

  async getVersion(): Promise<string> { return asString(await this.call('getVersion'), 'getVersion'); }
  async getSupervisorVersion(): Promise<string> {
    return asString(await this.call('getSupervisorVersion'), 'getSupervisorVersion');
  }
  async getPID(): Promise<number> { return asInt(await this.call('getPID'), 'getPID'); }

  async getAllProcessInfo(): Promise<ProcessInfo[]> { return toProcessInfoList(await this.call('getAllProcessInfo')); }
  async getProcessInfo(name: string): Promise<ProcessInfo> { return toProcessInfo(await this.call('getProcessInfo', name)); }

  /** A single process (wait=true: answers once it is RUNNING or failed); the value is not used. */
  async startProcess(name: string): Promise<void> { await this.call('startProcess', name); }
  async startProcessGroup(group: string): Promise<StatusResult[]> {
    return toStatusResults(await this.call('startProcessGroup', group));
  }
  async startAllProcesses(): Promise<StatusResult[]> { return toStatusResults(await this.call('startAllProcesses')); }

  async stopProcess(name: string): Promise<void> { await this.call('stopProcess', name); }
  async stopProcessGroup(group: string): Promise<StatusResult[]> {
    return toStatusResults(await this.call('stopProcessGroup', group));
  }
  async stopAllProcesses(): Promise<StatusResult[]> { return toStatusResults(await this.call('stopAllProcesses')); }

  async signalProcess(name: string, sig: string): Promise<void> { await this.call('signalProcess', name, sig); }
  async signalProcessGroup(group: string, sig: string): Promise<StatusResult[]> {
    return toStatusResults(await this.call('signalProcessGroup', group, sig));
  }
  async signalAllProcesses(sig: string): Promise<StatusResult[]> {
    return toStatusResults(await this.call('signalAllProcesses', sig));
  }

  async clearProcessLogs(name: string): Promise<void> { await this.call('clearProcessLogs', name); }
  async clearAllProcessLogs(): Promise<StatusResult[]> { return toStatusResults(await this.call('clearAllProcessLogs')); }

  async readProcessLog(name: string, channel: 'stdout' | 'stderr', offset: number, length: number): Promise<string> {
    const method = channel === 'stdout' ? 'readProcessStdoutLog' : 'readProcessStderrLog';
    return asString(await this.call(method, name, offset, length), method);
  }
  async readLog(offset: number, length: number): Promise<string> {
    return asString(await this.call('readLog', offset, length), 'readLog');
  }

  async getAllConfigInfo(): Promise<ConfigSummary[]> {
    return toConfigSummaries(await this.call('getAllConfigInfo'), 'getAllConfigInfo');
  }
  async reloadConfig(): Promise<ConfigChanges> { return toConfigChanges(await this.call('reloadConfig'), 'reloadConfig'); }
  async addProcessGroup(group: string): Promise<void> { await this.call('addProcessGroup', group); }
  async removeProcessGroup(group: string): Promise<void> { await this.call('removeProcessGroup', group); }

  async shutdown(): Promise<void> { await this.call('shutdown'); }
  async restart(): Promise<void> { await this.call('restart'); }
  async sendProcessStdin(name: string, chars: string): Promise<void> { await this.call('sendProcessStdin', name, chars); }
}
