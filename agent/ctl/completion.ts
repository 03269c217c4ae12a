// Tab completion as supervisorctl's Controller.complete: command names first, then group names
// (add, remove, update) or process names `name`, `group:name`, `group:*` (commands taking one).
import type { ProcessInfo } from '../rpc/wire-types.js';
import { pySplit } from './line.js';

/** readline's word delimiters as supervisorctl sets them (without ':', '*' and '-'). */
const DELIMS = " \t\n`~!@#$%^&()=+[{]}\\|;'\",<>/?";

const GROUP_COMMANDS = new Set(['add', 'remove', 'update']);
const PROCESS_COMMANDS = new Set(['clear', 'fg', 'pid', 'restart', 'signal', 'start', 'status', 'stop', 'tail']);

/** The word being completed: what follows the last delimiter. */
export function currentWord(line: string): string {
  let i = line.length;
  while (i > 0 && !DELIMS.includes(line[i - 1] ?? '')) i--;
  return line.slice(i);
}

function groupNames(infos: readonly ProcessInfo[]): string[] {
  return [...new Set(infos.map((i) => i.group))];
}

function processNames(infos: readonly ProcessInfo[], text: string): string[] {
  const out: string[] = [];
  for (const i of infos) {
    if (text.includes(':') || i.name !== i.group) {
      out.push(`${i.group}:${i.name}`);
      if (!out.includes(`${i.group}:*`)) out.push(`${i.group}:*`);
    } else {
      out.push(i.name);
    }
  }
  return out;
}

/**
 * The completions (each with a trailing space) of the last word of `line`.
 * `vocab` is the command names; `infos` is asked only when names are needed.
 */
export async function complete(line: string, vocab: readonly string[], infos: () => Promise<readonly ProcessInfo[]>): Promise<string[]> {
  const text = currentWord(line);
  const starting = (names: readonly string[]): string[] => [...new Set(names)].filter((n) => n.startsWith(text)).map((n) => n + ' ');
  const words = pySplit(line);
  const action = words[0] ?? '';
  if (words.length === 0 || (words.length === 1 && !line.endsWith(' '))) return starting(vocab);
  // supervisorctl tests `action in ('help')`, a substring test: 'he', 'elp' ... complete commands too.
  if ('help'.includes(action)) return starting(vocab);
  if (GROUP_COMMANDS.has(action)) return starting(groupNames(await infos()));
  if (PROCESS_COMMANDS.has(action)) return starting(processNames(await infos(), text));
  return [];
}
