// Process logs through the node's API, for users whose type allows reading them: the last N bytes
// of stdout or stderr, the whole file for download, and live follows. A follow polls the node
// once a second from its last offset (tailProcess*Log) and stops when its viewer leaves; opening
// a log is written to the activity log, the polls are not.
import type { RpcClient } from '../../agent/rpc/client.js';
import { RpcFault } from '../../agent/rpc/faults.js';
import { HubError } from '../errors.js';
import { mayOnNode } from '../auth/permissions.js';
import type { Actor, ActionDeps } from './context.js';
import { faultText } from './results.js';

export type Channel = 'stdout' | 'stderr';

export const DEFAULT_TAIL_BYTES = 500;
export const MAX_TAIL_BYTES = 1024 * 1024;
export const FOLLOW_POLL_MS = 1000;
/** Most bytes one follow poll reads; more new output than this shows as a gap (overflow). */
export const FOLLOW_CHUNK_BYTES = 64 * 1024;

export interface LogTail {
  readonly text: string;
  /** The byte offset of the end of the log, where a follow continues. */
  readonly offset: number;
  /** True when the log held more than was returned before `text`. */
  readonly overflow: boolean;
}

function method(verb: 'tail' | 'read', channel: Channel): string {
  const ch = channel === 'stdout' ? 'Stdout' : 'Stderr';
  return verb === 'tail' ? `supervisor.tailProcess${ch}Log` : `supervisor.readProcess${ch}Log`;
}

function toTail(v: unknown): LogTail {
  if (!Array.isArray(v) || typeof v[0] !== 'string' || typeof v[1] !== 'number' || typeof v[2] !== 'boolean') {
    throw new HubError('internal', 'The node answered a log read with an unexpected shape');
  }
  return { text: v[0], offset: v[1], overflow: v[2] };
}

/** A failed log read as the user sees it: the node's fault, or why the node did not answer. */
function readFailure(node: string, err: unknown): HubError {
  if (err instanceof RpcFault) return new HubError('bad_request', 'Node {node} answered with a fault: {fault}', { node, fault: err.faultString });
  return new HubError('node_down', 'Node {node} did not answer: {reason}', { node, reason: faultText(err) }, { cause: err });
}

export interface FollowChunk { readonly text: string; readonly offset: number; readonly overflow: boolean }

interface Follow {
  offset: number;
  timer: NodeJS.Timeout | null;
}

export class LogService {
  readonly #deps: ActionDeps;
  readonly #follows = new Map<symbol, Follow>();

  constructor(deps: ActionDeps) { this.#deps = deps; }

  /** Checks the actor may read this process's logs and returns the client of its node. */
  #client(actor: Actor, node: string, process: string): RpcClient {
    const view = this.#deps.snapshot.node(node);
    if (view === null) throw new HubError('not_found', 'No node named {node}', { node });
    if (!view.processes.some((p) => p.namespec === process)) {
      throw new HubError('not_found', 'No process named {process} on node {node}', { node, process });
    }
    if (!mayOnNode(actor.user, view.environments, 'log')) throw new HubError('forbidden', 'You may not do this');
    const watcher = this.#deps.registry.get(node);
    if (!view.connected || watcher === undefined) throw new HubError('node_down', 'Node {node} is not connected', { node });
    return watcher.client.act;
  }

  #log(actor: Actor, node: string, process: string, action: string, result: 'ok' | 'failed' | 'refused', detail: string | null): void {
    this.#deps.activity.record({ user: actor.user.username, remote: actor.remote, node, target: process, targetKind: 'process', action, result, detail });
  }

  #guard<T>(actor: Actor, node: string, process: string, action: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof HubError && err.code === 'forbidden') this.#log(actor, node, process, action, 'refused', null);
      throw err;
    }
  }

  /** The last `bytes` of a log (cesi's 500 by default). */
  async tail(actor: Actor, node: string, process: string, channel: Channel, bytes = DEFAULT_TAIL_BYTES): Promise<LogTail> {
    const client = this.#guard(actor, node, process, 'process.log', () => this.#client(actor, node, process));
    const n = Math.max(1, Math.min(MAX_TAIL_BYTES, Math.trunc(bytes)));
    try {
      const tail = toTail(await client.call(method('tail', channel), [process, 0, n]));
      this.#log(actor, node, process, 'process.log', 'ok', `${channel}, ${n} bytes`);
      return tail;
    } catch (err) {
      if (err instanceof HubError) throw err;
      this.#log(actor, node, process, 'process.log', 'failed', faultText(err));
      throw readFailure(node, err);
    }
  }

  /** The whole log file as the node has it (bounded by its logfile_maxbytes). */
  async download(actor: Actor, node: string, process: string, channel: Channel): Promise<string> {
    const client = this.#guard(actor, node, process, 'process.log_download', () => this.#client(actor, node, process));
    try {
      const text = await client.call(method('read', channel), [process, 0, 0], { timeoutMs: 120_000 });
      if (typeof text !== 'string') throw new HubError('internal', 'The node answered a log read with an unexpected shape');
      this.#log(actor, node, process, 'process.log_download', 'ok', channel);
      return text;
    } catch (err) {
      if (err instanceof HubError) throw err;
      this.#log(actor, node, process, 'process.log_download', 'failed', faultText(err));
      throw readFailure(node, err);
    }
  }

  /**
   * Follows a log: the callback gets the text that arrives after `offset` (or after the current
   * end when null), about once a second. Returns the function that stops following.
   */
  follow(actor: Actor, node: string, process: string, channel: Channel, offset: number | null,
    onChunk: (c: FollowChunk | { error: string }) => void): () => void {
    this.#guard(actor, node, process, 'process.log_follow', () => this.#client(actor, node, process));
    this.#log(actor, node, process, 'process.log_follow', 'ok', channel);
    const key = Symbol(`${node} ${process} ${channel}`);
    const follow: Follow = { offset: offset ?? -1, timer: null };
    this.#follows.set(key, follow);
    const poll = async (): Promise<void> => {
      if (!this.#follows.has(key)) return;
      const watcher = this.#deps.registry.get(node);
      try {
        if (watcher === undefined) throw new Error('node removed');
        if (follow.offset < 0) {
          follow.offset = toTail(await watcher.client.act.call(method('tail', channel), [process, 0, 0])).offset;
        } else {
          const t = toTail(await watcher.client.act.call(method('tail', channel), [process, follow.offset, FOLLOW_CHUNK_BYTES]));
          const shrank = t.offset < follow.offset;
          if (t.text !== '' || shrank) {
            onChunk({ text: t.text, offset: t.offset, overflow: t.overflow || shrank });
          }
          follow.offset = t.offset;
        }
      } catch (err) {
        onChunk({ error: err instanceof Error ? err.message : String(err) });
      }
      if (this.#follows.has(key)) follow.timer = setTimeout(() => { void poll(); }, FOLLOW_POLL_MS);
    };
    void poll();
    return () => {
      if (follow.timer !== null) clearTimeout(follow.timer);
      this.#follows.delete(key);
    };
  }

  /** Ends every follow (shutdown). */
  close(): void {
    for (const f of this.#follows.values()) if (f.timer !== null) clearTimeout(f.timer);
    this.#follows.clear();
  }
}
