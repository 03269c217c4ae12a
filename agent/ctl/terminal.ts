// Reading lines from the user as Python's input()/getpass do: on a terminal through node:readline
// (line editing, history, completion; active only while a line is read, so Ctrl-C during a command
// is a plain SIGINT), otherwise from stdin without echo, the prompt written to stdout.
import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Terminal } from './controller.js';
import { EndOfInput, Interrupted } from './errors.js';
import { MSG } from './format.js';
import { Output, type Writer } from './output.js';

export type Completer = (line: string) => Promise<[string[], string]>;

export interface TerminalStreams {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: Writer;
}

/** Lines of a non-terminal stdin, handed out one read at a time. */
class LineQueue {
  private readonly lines: string[] = [];
  private ended = false;
  private waiter: { resolve: (l: string | null) => void } | null = null;

  constructor(input: NodeJS.ReadableStream) {
    const rl = createInterface({ input, terminal: false, crlfDelay: Infinity });
    rl.on('line', (l) => {
      if (this.waiter !== null) { const w = this.waiter; this.waiter = null; w.resolve(l); } else this.lines.push(l);
    });
    rl.on('close', () => {
      this.ended = true;
      if (this.waiter !== null) { const w = this.waiter; this.waiter = null; w.resolve(null); }
    });
  }

  next(): Promise<string | null> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => { this.waiter = { resolve }; });
  }
}

export const HISTORY_SIZE = 100_000;
const INPUT_EOF = 'EOF when reading a line';

export class StdTerminal implements Terminal {
  readonly out: Output;
  readonly stdout: Writer;
  readonly stderr: Writer;
  /** Newest first, as node:readline keeps it. */
  history: string[] = [];
  completer: Completer | null = null;
  private readonly streams: TerminalStreams;
  private queue: LineQueue | null = null;
  private pending: { reject: (err: Error) => void } | null = null;

  constructor(streams: TerminalStreams, json: boolean) {
    this.streams = streams;
    this.stdout = { write: (t) => { streams.stdout.write(t); } };
    this.stderr = streams.stderr;
    this.out = new Output(this.stdout, json);
  }

  get isTTY(): boolean { return this.streams.stdin.isTTY === true; }

  readLine(prompt: string): Promise<string> {
    // With --json, stdout carries only the documents: prompts for a piped stdin go to stderr.
    return this.isTTY ? this.readTty(prompt, false) : this.readPipe(prompt, this.out.json ? this.stderr : this.stdout, INPUT_EOF);
  }

  /** getpass: no echo on a terminal; otherwise (as getpass's fallback) the prompt goes to stderr. */
  async readSecret(prompt: string): Promise<string> {
    if (this.isTTY) return this.readTty(prompt, true);
    this.stderr.write(MSG.passwordEchoed + '\n');
    const secret = await this.readPipe(prompt, this.stderr, '');
    this.stderr.write('\n');
    return secret;
  }

  interruptRead(): boolean {
    const p = this.pending;
    if (p === null) return false;
    this.pending = null;
    p.reject(new Interrupted());
    return true;
  }

  private async readPipe(prompt: string, promptTo: Writer, eofMessage: string): Promise<string> {
    if (prompt !== '') promptTo.write(prompt);
    this.queue ??= new LineQueue(this.streams.stdin);
    const line = await new Promise<string | null>((resolve, reject) => {
      this.pending = { reject };
      this.queue?.next().then(resolve, reject);
    }).finally(() => { this.pending = null; });
    if (line === null) throw new EndOfInput(eofMessage);
    return line;
  }

  private readTty(prompt: string, secret: boolean): Promise<string> {
    let muted = false;
    const out = this.streams.stdout;
    const output = secret
      ? new Writable({ write: (chunk: Buffer, _enc, cb) => { if (!muted) out.write(chunk); cb(); } })
      : out;
    const rl: Interface = createInterface({
      input: this.streams.stdin, output, terminal: true, historySize: secret ? 0 : HISTORY_SIZE,
      history: secret ? [] : [...this.history],
      ...(this.completer !== null && !secret ? { completer: this.nodeCompleter(this.completer) } : {}),
    });
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const settle = (f: () => void): void => {
        if (settled) return;
        settled = true;
        this.pending = null;
        f();
        rl.close();
      };
      this.pending = { reject: (err) => settle(() => reject(err)) };
      if (!secret) rl.on('history', (h) => { this.history = [...h]; });
      rl.on('line', (l) => settle(() => {
        if (secret) out.write('\n');
        resolve(l);
      }));
      rl.on('SIGINT', () => settle(() => reject(new Interrupted())));
      rl.on('close', () => settle(() => reject(new EndOfInput(secret ? '' : INPUT_EOF))));
      rl.setPrompt(prompt);
      rl.prompt();
      muted = secret;
    });
  }

  private nodeCompleter(c: Completer): (line: string, cb: (err: Error | null, result: [string[], string]) => void) => void {
    return (line, cb) => { c(line).then((r) => cb(null, r), () => cb(null, [[], line])); };
  }
}
