// The status page's data (supervisord's StatusView.render): one row per process from
// getAllProcessInfo, its CSS class and the actions its state allows. No HTML here: the
// template escapes every value. Imports the wire types and namespec helper of agent/rpc.
import { makeNamespec } from '../../rpc/names.js';
import { toProcessInfoList } from '../../rpc/wire-types.js';
import type { RpcHandler } from '../types.js';
import type { ProcessAction } from './actions.js';
import { pyQuote } from '../../python/urllib.js';

/** A button of the page's one form: posts `action` for `processname`. */
export interface PostAction { readonly kind: 'post'; readonly label: string; readonly action: ProcessAction; readonly formaction: string }
/** A plain link (the logtail streams), opened in a new window. */
export interface LinkAction { readonly kind: 'link'; readonly label: string; readonly href: string }
/** A placeholder that keeps the columns of the action list aligned. */
export interface NoAction { readonly kind: 'none' }
export type RowAction = PostAction | LinkAction | NoAction;

export interface StatusRow {
  readonly statename: string;
  readonly cssClass: 'statusrunning' | 'statuserror' | 'statusnominal';
  readonly description: string;
  readonly namespec: string;
  readonly tailHref: string;
  readonly actions: readonly RowAction[];
}

const NONE: NoAction = { kind: 'none' };

function cssClass(statename: string): StatusRow['cssClass'] {
  if (statename === 'RUNNING') return 'statusrunning';
  return statename === 'FATAL' || statename === 'BACKOFF' ? 'statuserror' : 'statusnominal';
}

function actionsFor(statename: string, quoted: string): RowAction[] {
  const post = (label: string, action: ProcessAction): PostAction => ({ kind: 'post', label, action, formaction: `index.html?processname=${quoted}` });
  const tails: RowAction[] = [
    post('Clear Log', 'clearlog'),
    { kind: 'link', label: 'Tail -f Stdout', href: `logtail/${quoted}` },
    { kind: 'link', label: 'Tail -f Stderr', href: `logtail/${quoted}/stderr` },
  ];
  if (statename === 'RUNNING') return [post('Restart', 'restart'), post('Stop', 'stop'), ...tails];
  if (statename === 'STOPPED' || statename === 'EXITED' || statename === 'FATAL') return [post('Start', 'start'), NONE, ...tails];
  return [NONE, NONE, ...tails];
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Rows sorted by (group, process name), as supervisord sorts them. */
export async function loadRows(rpc: RpcHandler): Promise<StatusRow[]> {
  const infos = toProcessInfoList(await rpc.call('supervisor.getAllProcessInfo', []));
  infos.sort((a, b) => byCodePoint(a.group, b.group) || byCodePoint(a.name, b.name));
  return infos.map((info) => {
    const namespec = makeNamespec(info.group, info.name);
    const quoted = pyQuote(namespec);
    return {
      statename: info.statename.toLowerCase(),
      cssClass: cssClass(info.statename),
      description: info.description,
      namespec,
      tailHref: `tail.html?processname=${quoted}`,
      actions: actionsFor(info.statename, quoted),
    };
  });
}
