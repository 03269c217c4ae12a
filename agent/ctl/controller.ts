// One command line at a time, as supervisorctl's Controller.onecmd: find the command, run it,
// handle a 401 (prompt and retry in interactive mode), turn anything unexpected into the
// `error: <class ...>` line with exit status 1. Also the server check most commands start with.
import { RpcTransportError } from '../rpc/client.js';
import { Faults, RpcFault } from '../rpc/faults.js';
import { connect, SupervisorProxy, type Caller, type Credentials } from './connection.js';
import { Interrupted } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { MSG, unexpectedLine, unknownSyntax } from './format.js';
import { parseLine } from './line.js';
import type { CtlOptions } from './options.js';
import type { Output, Writer } from './output.js';
import { describeError, errnoOf, isAuthRequired, isNoFile, isProtocolError, isRefused } from './unexpected.js';

/** The API version supervisorctl 4.2.5 insists on. */
export const API_VERSION = '3.0';

export interface Terminal {
  readonly out: Output;
  readonly stdout: Writer;
  readonly stderr: Writer;
  /** Shows `prompt` and reads one line; throws EndOfInput (Ctrl-D, end of pipe) or Interrupted. */
  readLine(prompt: string): Promise<string>;
  /** The same without echo when on a terminal. */
  readSecret(prompt: string): Promise<string>;
  /** Ends a pending read with Interrupted; false when none is pending. */
  interruptRead(): boolean;
}

export interface Command {
  readonly name: string;
  /** Runs with the stripped argument; true asks the shell to end (quit, exit, EOF). */
  run(ctl: Controller, arg: string): Promise<boolean | void>;
}

const DEAD_PROGRAM_FAULTS: ReadonlySet<number> = new Set([Faults.SPAWN_ERROR, Faults.ABNORMAL_TERMINATION, Faults.NOT_RUNNING]);

export class Controller {
  exitstatus: number = ExitCode.SUCCESS;
  readonly opts: CtlOptions;
  readonly term: Terminal;
  private readonly commands: ReadonlyMap<string, Command>;
  private readonly makeCaller: (c: Credentials) => Caller;
  private clients: Caller[] = [];
  private onInterrupt: (() => void) | null = null;
  private abortCurrent: ((err: Error) => void) | null = null;

  constructor(opts: CtlOptions, term: Terminal, commands: readonly Command[], makeCaller: (c: Credentials) => Caller = connect) {
    this.opts = opts;
    this.term = term;
    this.commands = new Map(commands.map((c) => [c.name, c]));
    this.makeCaller = makeCaller;
  }

  get out(): Output { return this.term.out; }

  /** The names `help` lists and completion offers, in table order. */
  commandNames(): string[] { return [...this.commands.keys()]; }

  /** A proxy on a new connection with the current URL and credentials (closed after the command). */
  supervisor(): SupervisorProxy {
    const caller = this.makeCaller({ serverurl: this.opts.serverurl, username: this.opts.username, password: this.opts.password,
      tls: this.opts.tls });
    this.clients.push(caller);
    return new SupervisorProxy(caller);
  }

  /** Runs one line; resolves true when the shell should end. Never rejects except Interrupted. */
  async onecmd(input: string): Promise<boolean> {
    const { cmd, arg, line } = parseLine(input);
    if (line === '') return false;
    const command = cmd === null || cmd === '' ? undefined : this.commands.get(cmd);
    if (command === undefined) {
      this.out.fail(unknownSyntax(line));
      this.exitstatus = ExitCode.GENERIC;
      this.out.end();
      return false;
    }
    try {
      return await this.runGuarded(command, arg, line);
    } finally {
      this.closeClients();
      this.out.end();
    }
  }

  private async runGuarded(command: Command, arg: string, line: string): Promise<boolean> {
    try {
      try {
        return (await this.interruptible(command.run(this, arg))) === true;
      } catch (err) {
        if (!isAuthRequired(err)) {
          if (isProtocolError(err)) this.exitstatus = ExitCode.GENERIC;
          throw err;
        }
        this.out.fail(MSG.authRequired);
        if (this.opts.interactive) return await this.retryWithCredentials(line);
        this.exitstatus = ExitCode.GENERIC;
        if (this.out.json) return false;
      }
      // supervisorctl (one-shot) runs the command a second time after a 401; it fails the same way.
      return (await this.interruptible(command.run(this, arg))) === true;
    } catch (err) {
      if (err instanceof Interrupted) throw err;
      const e = describeError(err);
      this.out.fail(unexpectedLine(e.pyClass, e.message, e.file, e.line));
      this.exitstatus = ExitCode.GENERIC;
      return false;
    }
  }

  private async retryWithCredentials(line: string): Promise<boolean> {
    const username = await this.term.readLine(MSG.username);
    const password = await this.term.readSecret(MSG.password);
    this.out.line('');
    this.opts.username = username;
    this.opts.password = password;
    this.closeClients();
    this.out.reset();
    return this.runGuarded(this.commandFor(line), parseLine(line).arg, line);
  }

  private commandFor(line: string): Command {
    const c = this.commands.get(parseLine(line).cmd ?? '');
    if (c === undefined) throw new Error(`no command for ${line}`);
    return c;
  }

  /** Rejects with Interrupted on Ctrl-C unless the command took Ctrl-C for itself. */
  private interruptible<T>(p: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const abort = (err: Error): void => { done(); reject(err); };
      const done = (): void => {
        // Only our own handlers: an abandoned command may settle while a later one runs.
        if (this.abortCurrent === abort) { this.abortCurrent = null; this.onInterrupt = null; }
      };
      this.abortCurrent = abort;
      p.then((v) => { done(); resolve(v); }, (err: unknown) => { done(); reject(err); });
    });
  }

  /** A command that handles Ctrl-C itself (tail -f, fg) registers here; null gives it back. */
  handleInterrupt(handler: (() => void) | null): void {
    this.onInterrupt = handler;
  }

  /** SIGINT: a pending read, else the command's own handler, else the command is abandoned. */
  interrupt(): boolean {
    if (this.term.interruptRead()) return true;
    if (this.onInterrupt !== null) { this.onInterrupt(); return true; }
    if (this.abortCurrent !== null) { this.abortCurrent(new Interrupted()); return true; }
    return false;
  }

  private closeClients(): void {
    for (const c of this.clients) c.close();
    this.clients = [];
  }

  /** supervisorctl's set_exitstatus_from_xmlrpc_fault. */
  setExitFromFault(code: number, ignored?: number): void {
    if (code === ignored || code === Faults.SUCCESS) return;
    this.exitstatus = DEAD_PROGRAM_FAULTS.has(code) ? ExitCode.NOT_RUNNING : ExitCode.GENERIC;
  }

  /** supervisorctl's upcheck: API version 3.0 and a supervisor namespace; false after a message. */
  async upcheck(): Promise<boolean> {
    try {
      const api = await this.supervisor().getVersion();
      if (api !== API_VERSION) {
        this.out.fail(MSG.apiVersion(API_VERSION, api));
        this.exitstatus = ExitCode.NOT_INSTALLED;
        return false;
      }
    } catch (err) {
      if (err instanceof RpcFault && err.code === Faults.UNKNOWN_METHOD) {
        this.out.fail(MSG.noNamespace);
        this.exitstatus = ExitCode.UNIMPLEMENTED_FEATURE;
        return false;
      }
      if (isRefused(err)) {
        this.out.fail(MSG.refused(this.opts.serverurl));
        this.exitstatus = ExitCode.INSUFFICIENT_PRIVILEGES;
        return false;
      }
      if (isNoFile(err)) {
        this.out.fail(MSG.noSuchFile(this.opts.serverurl));
        this.exitstatus = ExitCode.NOT_RUNNING;
        return false;
      }
      // https only (ours): a certificate that does not verify, or a client certificate refused
      // (which TLS 1.3 reports after the handshake: an alert, or the connection reset).
      if (err instanceof RpcTransportError && (err.kind === 'tls' || (this.opts.serverurl.startsWith('https://') && errnoOf(err) === 'ECONNRESET'))) {
        this.out.fail(err.kind === 'tls' ? MSG.tlsError(err.message) : MSG.tlsReset(this.opts.serverurl));
        this.exitstatus = ExitCode.GENERIC;
        return false;
      }
      // Faults and socket errors; an HTTP error (a 401 before credentials are asked for) is not.
      if (!isProtocolError(err)) this.exitstatus = ExitCode.GENERIC;
      throw err;
    }
    return true;
  }
}

