// help, quit, exit and EOF.
import type { Command, Controller } from '../controller.js';
import { helpIndex, noHelp } from '../format.js';
import { HELP } from '../help-texts.js';

/** The topics `help` lists: every command with a help text except help itself, sorted. */
export function helpTopics(): string[] {
  return Object.keys(HELP).filter((n) => n !== 'help').sort();
}

async function runHelp(ctl: Controller, arg: string): Promise<void> {
  if (arg === '') {
    const topics = helpTopics();
    ctl.out.doc(helpIndex(topics), { commands: topics });
    return;
  }
  const text = Object.hasOwn(HELP, arg) ? HELP[arg] : undefined;
  if (text === undefined) {
    ctl.out.fail(noHelp(arg));
    return;
  }
  ctl.out.doc(text, { command: arg, help: text });
}

async function leave(ctl: Controller): Promise<boolean> {
  ctl.out.doc('', {});
  return true;
}

export const helpCommands: readonly Command[] = [
  { name: 'help', run: runHelp },
  { name: 'quit', run: leave },
  { name: 'exit', run: leave },
  { name: 'EOF', run: leave },
];
