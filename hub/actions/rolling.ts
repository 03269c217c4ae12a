// Rolling restarts: an environment, or a group across the nodes that run it, restarted one node
// at a time; each node's processes are stopped and started with wait=true (so a node is done
// only when they are RUNNING), and the first node with a failure stops the run, the rest left
// untouched. A job's progress is readable while it runs and told to subscribers at each step.
import { randomUUID } from 'node:crypto';
import { mayOnNode } from '../auth/permissions.js';
import type { Actor, ActionDeps } from './context.js';
import { wideAction } from './node-ops.js';
import { failed, HUB_FAULTS, type ProcessResult } from './results.js';

export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface RollingStep {
  readonly node: string;
  status: StepStatus;
  results: ProcessResult[];
  startedAt: number | null;
  endedAt: number | null;
}

export interface RollingJob {
  readonly id: string;
  readonly kind: 'environment' | 'group';
  readonly target: string;
  readonly user: string;
  readonly startedAt: number;
  endedAt: number | null;
  status: 'running' | 'done' | 'failed';
  /** The node the run stopped at, when it failed. */
  stoppedAt: string | null;
  readonly steps: RollingStep[];
}

/** Jobs kept for reading after they end. */
const KEEP_JOBS = 50;

export class RollingRestarts {
  readonly #deps: ActionDeps;
  readonly #jobs = new Map<string, RollingJob>();
  readonly #listeners = new Set<(job: RollingJob) => void>();
  readonly #now: () => number;

  constructor(deps: ActionDeps, now: () => number = Date.now) {
    this.#deps = deps;
    this.#now = now;
  }

  subscribe(listener: (job: RollingJob) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get(id: string): RollingJob | undefined { return this.#jobs.get(id); }

  list(): RollingJob[] { return [...this.#jobs.values()].reverse(); }

  /**
   * Starts a run over `nodes` (in that order) and returns the job at once; `done` settles when
   * it ends. The caller has checked that every node exists and that the actor may control it.
   */
  start(actor: Actor, kind: RollingJob['kind'], target: string, nodes: readonly string[]): { job: RollingJob; done: Promise<RollingJob> } {
    const job: RollingJob = {
      id: randomUUID(), kind, target, user: actor.user.username, startedAt: this.#now(), endedAt: null,
      status: 'running', stoppedAt: null,
      steps: nodes.map((node) => ({ node, status: 'pending', results: [], startedAt: null, endedAt: null })),
    };
    this.#jobs.set(job.id, job);
    while (this.#jobs.size > KEEP_JOBS) {
      const oldest = [...this.#jobs.values()].find((j) => j.status !== 'running');
      if (oldest === undefined) break;
      this.#jobs.delete(oldest.id);
    }
    this.#deps.activity.record({
      user: actor.user.username, remote: actor.remote, target, targetKind: kind, action: `${kind}.rolling_restart`,
      result: 'ok', detail: `started ${job.id} over ${nodes.join(', ')}`,
    });
    this.#tell(job);
    return { job, done: this.#run(actor, job) };
  }

  async #run(actor: Actor, job: RollingJob): Promise<RollingJob> {
    const group = job.kind === 'group' ? job.target : null;
    for (const step of job.steps) {
      if (job.status !== 'running') {
        step.status = 'skipped';
        continue;
      }
      step.status = 'running';
      step.startedAt = this.#now();
      this.#tell(job);
      step.results = await this.#restartNode(actor, step.node, group);
      step.endedAt = this.#now();
      step.status = step.results.every((r) => r.ok) ? 'done' : 'failed';
      if (step.status === 'failed') {
        job.status = 'failed';
        job.stoppedAt = step.node;
      }
      this.#tell(job);
    }
    if (job.status === 'running') job.status = 'done';
    job.endedAt = this.#now();
    const bad = job.steps.flatMap((s) => s.results.filter((r) => !r.ok));
    this.#deps.activity.record({
      user: actor.user.username, remote: actor.remote, node: job.stoppedAt, target: job.target, targetKind: job.kind,
      action: `${job.kind}.rolling_restart`, result: job.status === 'done' ? 'ok' : 'failed',
      detail: job.status === 'done' ? `${job.id} done on ${job.steps.length} nodes`
        : `${job.id} stopped at ${job.stoppedAt ?? '?'}: ${bad.map((r) => `${r.process}: ${r.fault ?? ''}`).join('; ')}`,
    });
    this.#tell(job);
    return job;
  }

  /** One node's turn: checked again now (the node may have gone down or the config changed). */
  async #restartNode(actor: Actor, node: string, group: string | null): Promise<ProcessResult[]> {
    const view = this.#deps.snapshot.node(node);
    const target = group === null ? '*' : `${group}:*`;
    if (view === null) return [failed(node, target, HUB_FAULTS.noSuchNode)];
    if (!mayOnNode(actor.user, view.environments, 'control')) return [failed(node, target, HUB_FAULTS.notAuthorized)];
    if (!view.connected) return [failed(node, target, HUB_FAULTS.notConnected)];
    const watcher = this.#deps.registry.get(node);
    if (watcher === undefined) return [failed(node, target, HUB_FAULTS.noSuchNode)];
    const results = await wideAction(watcher.client.act, node, 'restart', group);
    watcher.kick();
    return results;
  }

  #tell(job: RollingJob): void {
    for (const l of [...this.#listeners]) l(job);
  }
}
