// When a process with ready_* options counts as RUNNING: every check it sets must have passed once
// (a TCP connect, an HTTP 2xx, a command exiting 0, a log line matching), tried every half second
// from the spawn on; startsecs still applies too. Subprocess gives up after ready_timeout and
// treats the start as failed. Owns its timer; stop() clears it.
import type { ReadinessConfig } from '../config/types.js';
import { commandProbe, httpProbe, tcpProbe, type ProbeResult } from './probes.js';

export const READY_POLL_MS = 500;
/** A single try of a TCP, HTTP or command check may take this long. */
const TRY_MS = 2000;

type Check = 'tcp' | 'http' | 'command' | 'log';

export class Readiness {
  readonly #cfg: ReadinessConfig;
  readonly #ctx: { readonly cwd: string | null; readonly env: Readonly<Record<string, string>> };
  readonly #onReady: () => void;
  readonly #pending: Set<Check>;
  readonly #regex: RegExp | null;
  #lineTail = '';
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  #lastFailure: string | null = null;

  constructor(cfg: ReadinessConfig, ctx: { cwd: string | null; env: Readonly<Record<string, string>> }, onReady: () => void) {
    this.#cfg = cfg;
    this.#ctx = ctx;
    this.#onReady = onReady;
    this.#regex = cfg.log === null ? null : new RegExp(cfg.log);
    this.#pending = new Set<Check>([
      ...(cfg.tcp !== null ? ['tcp' as const] : []), ...(cfg.http !== null ? ['http' as const] : []),
      ...(cfg.command !== null ? ['command' as const] : []), ...(cfg.log !== null ? ['log' as const] : []),
    ]);
  }

  get ready(): boolean { return this.#pending.size === 0; }
  get timeout(): number { return this.#cfg.timeout; }
  /** Why it is not ready yet (the last failed try), for the log. */
  get lastFailure(): string | null { return this.#lastFailure; }

  /** The checks, in words (for the "entered RUNNING" line). */
  describe(): string {
    const c = this.#cfg;
    const parts: string[] = [];
    if (c.tcp !== null) parts.push(`ready_tcp ${c.tcp.host}:${c.tcp.port}`);
    if (c.http !== null) parts.push(`ready_http ${c.http}`);
    if (c.command !== null) parts.push('ready_command');
    if (c.log !== null) parts.push('ready_log');
    return parts.join(', ');
  }

  start(): void {
    if (this.#pending.size > (this.#regex === null ? 0 : 1)) this.#schedule(0);
  }

  /** Output of the child (both streams), for ready_log. */
  output(chunk: Buffer): void {
    if (this.#regex === null || !this.#pending.has('log')) return;
    const text = this.#lineTail + chunk.toString('utf8');
    const lines = text.split('\n');
    this.#lineTail = (lines.pop() ?? '').slice(-4096);
    if (lines.some((l) => this.#regex?.test(l.replace(/\r$/, '')) === true)) this.#passed('log');
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => { this.#timer = null; void this.#tryAll(); }, ms);
  }

  async #tryAll(): Promise<void> {
    const c = this.#cfg;
    const tries: Promise<[Check, ProbeResult]>[] = [];
    if (this.#pending.has('tcp') && c.tcp !== null) tries.push(tcpProbe(c.tcp, TRY_MS).then((r) => ['tcp', r]));
    if (this.#pending.has('http') && c.http !== null) tries.push(httpProbe(c.http, TRY_MS, false).then((r) => ['http', r]));
    if (this.#pending.has('command') && c.command !== null) {
      tries.push(commandProbe(c.command, { ...this.#ctx, timeoutMs: TRY_MS }).then((r) => ['command', r]));
    }
    for (const [check, result] of await Promise.all(tries)) {
      if (this.#stopped) return;
      if (result === null) this.#passed(check);
      else this.#lastFailure = result;
    }
    if ([...this.#pending].some((p) => p !== 'log')) this.#schedule(READY_POLL_MS);
  }

  #passed(check: Check): void {
    if (!this.#pending.delete(check) || this.#stopped) return;
    if (this.#pending.size === 0) this.#onReady();
  }
}
