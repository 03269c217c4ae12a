// The interactive shell: `status` first, then `<prompt>> ` until quit/exit/EOF/Ctrl-C (each ends
// with an empty line), with readline history kept in the history file and tab completion.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import type { ProcessInfo } from '../rpc/wire-types.js';
import { complete, currentWord } from './completion.js';
import type { Controller } from './controller.js';
import { EndOfInput, Interrupted } from './errors.js';
import type { StdTerminal } from './terminal.js';

/** A readline history file: one line per entry, oldest first (newest-first in memory). */
export function loadHistory(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').reverse();
  } catch {
    return [];
  }
}

export function saveHistory(file: string, history: readonly string[]): void {
  try {
    writeFileSync(file, [...history].reverse().map((l) => l + '\n').join(''), { mode: 0o600 });
    chmodSync(file, 0o600);
  } catch {
    // readline's write_history_file errors are ignored by supervisorctl too.
  }
}

/** Completion asks the server once per command line (readline may ask many times per Tab). */
function completer(ctl: Controller, cache: { infos: ProcessInfo[] | null }): (line: string) => Promise<[string[], string]> {
  const vocab = ctl.commandNames().filter((n) => n !== 'EOF');
  return async (line) => {
    const infos = async (): Promise<ProcessInfo[]> => {
      cache.infos ??= await ctl.supervisor().getAllProcessInfo();
      return cache.infos;
    };
    const matches = await complete(line, vocab, infos).catch(() => []);
    return [matches, currentWord(line)];
  };
}

/** Runs the shell until it is left; the exit status of interactive mode is always 0. */
export async function runShell(ctl: Controller, term: StdTerminal): Promise<void> {
  const historyFile = ctl.opts.historyFile;
  if (historyFile !== null) term.history = loadHistory(historyFile);
  const cache: { infos: ProcessInfo[] | null } = { infos: null };
  term.completer = completer(ctl, cache);
  const prompt = `${ctl.opts.prompt}> `;
  try {
    let line = 'status';
    for (;;) {
      cache.infos = null;
      if (await ctl.onecmd(line)) break;
      try {
        line = await term.readLine(prompt);
      } catch (err) {
        if (!(err instanceof EndOfInput)) throw err;
        line = 'EOF';
      }
    }
  } catch (err) {
    if (!(err instanceof Interrupted)) throw err;
    ctl.out.line('');
  } finally {
    if (historyFile !== null) saveHistory(historyFile, term.history);
  }
}
