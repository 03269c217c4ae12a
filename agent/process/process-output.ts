// A process's output: the sinks each spawn writes to (log files, capture buffers, events), opened
// before the fork and closed when the child is gone, and the bytes its pipes delivered over all
// spawns (counted before any sink, so NONE logs count too: /metrics and the hub report them).
import type { OutputSink } from '../logging/types.js';
import type { SpawnedChild } from './spawner.js';

export class ProcessOutput {
  readonly #open: (channel: 'stdout' | 'stderr') => OutputSink | null;
  readonly #redirectStderr: boolean;
  #stdout: OutputSink | null = null;
  #stderr: OutputSink | null = null;
  readonly #received = { stdout: 0, stderr: 0 };

  constructor(open: (channel: 'stdout' | 'stderr') => OutputSink | null, redirectStderr: boolean) {
    this.#open = open;
    this.#redirectStderr = redirectStderr;
  }

  /** Bytes read from the children's stdout and stderr pipes (redirect_stderr: all on stdout). */
  get bytes(): { readonly stdout: number; readonly stderr: number } { return { ...this.#received }; }

  /** Opens the sinks of the next spawn; throws the errno error that stopped it (EMFILE ...). */
  open(): void {
    this.#stdout = this.#open('stdout');
    this.#stderr = this.#redirectStderr ? null : this.#open('stderr');
  }

  /** Sends the child's pipes to the sinks, and to `tap` too when given (ready_log watches them). */
  wire(child: SpawnedChild, tap?: (chunk: Buffer) => void): void {
    const out = this.#stdout;
    const err = this.#stderr;
    const received = this.#received;
    child.stdout.on('data', (chunk: Buffer) => { received.stdout += chunk.length; out?.write(chunk); tap?.(chunk); });
    child.stderr?.on('data', (chunk: Buffer) => { received.stderr += chunk.length; (err ?? out)?.write(chunk); tap?.(chunk); });
  }

  /** Closes the sinks (the spawn failed, or the child is gone and its pipes drained). */
  close(): void {
    this.#stdout?.close();
    this.#stderr?.close();
    this.#stdout = null;
    this.#stderr = null;
  }
}
