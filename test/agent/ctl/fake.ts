// A scripted server and terminal for Controller tests: methods answer from a table, lines are read
// from a list, output is collected.
import type { Caller } from '../../../agent/ctl/connection.js';
import { Controller, type Terminal } from '../../../agent/ctl/controller.js';
import { COMMANDS } from '../../../agent/ctl/commands/table.js';
import { EndOfInput } from '../../../agent/ctl/errors.js';
import type { CtlOptions } from '../../../agent/ctl/options.js';
import { Output } from '../../../agent/ctl/output.js';
import type { XmlRpcValue } from '../../../agent/rpc/value.js';

export type Handler = (params: readonly XmlRpcValue[]) => XmlRpcValue | Promise<XmlRpcValue>;

export class FakeServer {
  readonly calls: string[] = [];
  constructor(readonly methods: Record<string, Handler>) {}

  caller(): Caller {
    return {
      call: async (method, params = []) => {
        this.calls.push(method);
        const h = this.methods[method.replace(/^supervisor\./, '')];
        if (h === undefined) throw new Error(`fake server: no ${method}`);
        return h(params);
      },
      close: () => {},
    };
  }
}

export class FakeTerminal implements Terminal {
  stdoutText = '';
  stderrText = '';
  readonly out: Output;
  readonly stdout = { write: (t: string) => { this.stdoutText += t; } };
  readonly stderr = { write: (t: string) => { this.stderrText += t; } };
  constructor(json: boolean, private readonly input: string[] = []) { this.out = new Output(this.stdout, json); }

  async readLine(prompt: string): Promise<string> {
    this.stdoutText += prompt;
    const l = this.input.shift();
    if (l === undefined) throw new EndOfInput('EOF when reading a line');
    return l;
  }

  async readSecret(prompt: string): Promise<string> {
    this.stderrText += prompt;
    return this.readLine('');
  }

  interruptRead(): boolean { return false; }
}

export function options(over: Partial<CtlOptions> = {}): CtlOptions {
  return { configfile: null, serverurl: 'unix:///fake.sock', username: null, password: null, prompt: 'supervisor',
    historyFile: null, interactive: false, json: false, args: ['x'], ...over };
}

/** A controller over the fake server; `run` gives what one command line printed and its status. */
export function controller(server: FakeServer, over: Partial<CtlOptions> = {}, input: string[] = []) {
  const opts = options(over);
  const term = new FakeTerminal(opts.json, input);
  const ctl = new Controller(opts, term, COMMANDS, () => server.caller());
  return {
    ctl, term,
    run: async (line: string): Promise<{ stdout: string; stderr: string; code: number }> => {
      term.stdoutText = '';
      term.stderrText = '';
      ctl.exitstatus = 0;
      await ctl.onecmd(line);
      return { stdout: term.stdoutText, stderr: term.stderrText, code: ctl.exitstatus };
    },
  };
}

export function proc(group: string, name: string, state: number, statename: string, pid = 0): XmlRpcValue {
  return { name, group, state, statename, pid, description: pid ? `pid ${pid}, uptime 0:00:01` : 'Not started',
    start: 0, stop: 0, now: 0, spawnerr: '', exitstatus: 0, logfile: '', stdout_logfile: '', stderr_logfile: '' };
}
