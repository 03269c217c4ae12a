// Health checks of a RUNNING process (healthcheck_http: 2xx or 3xx; healthcheck_tcp; healthcheck_command:
// exit 0): one every healthcheck_interval seconds from the moment it is RUNNING, each within
// healthcheck_timeout; after healthcheck_retries failures in a row the owner is told (and restarts
// the process, or only reports it). Owns its timer; stop() clears it.
import type { HealthCheckConfig } from '../config/types.js';
import { commandProbe, httpProbe, tcpProbe, type ProbeResult } from './probes.js';

export type HealthStatus = 'unknown' | 'healthy' | 'unhealthy';

export interface HealthReport {
  readonly status: HealthStatus;
  /** Failures in a row. */
  readonly failures: number;
  readonly reason: string | null;
}

export class HealthCheck {
  readonly #cfg: HealthCheckConfig;
  /** The child's directory and environment at check time (a command check runs with them). */
  readonly #ctx: () => { readonly cwd: string | null; readonly env: Readonly<Record<string, string>> };
  /** Told when the status changes; `act` is true when the failures reached healthcheck_retries. */
  readonly #onChange: (report: HealthReport, act: boolean) => void;
  #status: HealthStatus = 'unknown';
  #failures = 0;
  #reason: string | null = null;
  #timer: NodeJS.Timeout | null = null;
  #stopped = true;

  constructor(cfg: HealthCheckConfig, ctx: () => { cwd: string | null; env: Readonly<Record<string, string>> },
    onChange: (report: HealthReport, act: boolean) => void) {
    this.#cfg = cfg;
    this.#ctx = ctx;
    this.#onChange = onChange;
  }

  get report(): HealthReport { return { status: this.#status, failures: this.#failures, reason: this.#reason }; }

  /** Begins checking (the process just became RUNNING). */
  start(): void {
    this.stop();
    this.#stopped = false;
    this.#status = 'unknown';
    this.#failures = 0;
    this.#reason = null;
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => { this.#timer = null; void this.#check(); }, this.#cfg.interval * 1000);
  }

  async #check(): Promise<void> {
    const c = this.#cfg;
    const ms = c.timeout * 1000;
    const results: ProbeResult[] = await Promise.all([
      c.http === null ? null : httpProbe(c.http, ms, true),
      c.tcp === null ? null : tcpProbe(c.tcp, ms),
      c.command === null ? null : commandProbe(c.command, { ...this.#ctx(), timeoutMs: ms }),
    ]);
    if (this.#stopped) return;
    const failure = results.find((r) => r !== null) ?? null;
    const before = this.#status;
    if (failure === null) {
      this.#failures = 0;
      this.#reason = null;
      this.#status = 'healthy';
      if (before !== 'healthy') this.#onChange(this.report, false);
    } else {
      this.#failures += 1;
      this.#reason = failure;
      const act = this.#failures === c.retries;
      if (this.#failures >= c.retries) this.#status = 'unhealthy';
      if (act || this.#status !== before) this.#onChange(this.report, act);
    }
    this.#schedule();
  }
}
