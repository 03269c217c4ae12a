// The tail page's data (supervisord's TailView): the last max(1024, limit) bytes of a process's
// stdout log, read through the API, or supervisord's error text in their place.
import { Faults, isRpcFault } from '../../rpc/faults.js';
import type { RpcHandler } from '../types.js';
import { pyQuote } from '../../python/urllib.js';

export interface TailPage {
  /** What follows "Supervisor tail of process " in the title: the name, or Python's `None`. */
  readonly titleName: string;
  /** The log text, shown in a <pre> (escaped by the template). */
  readonly tail: string;
  readonly refreshHref: string | null;
}

const MIN_BYTES = 1024n;

/** `limit` when it is all digits and above 1024, else 1024 (supervisord: min(-1024, -int(limit))). */
function byteLimit(limit: string | undefined): bigint {
  if (limit === undefined || !/^[0-9]+$/.test(limit)) return MIN_BYTES;
  const n = BigInt(limit);
  return n > MIN_BYTES ? n : MIN_BYTES;
}

export async function loadTail(rpc: RpcHandler, processname: string | undefined, limitText: string | undefined): Promise<TailPage> {
  // parse_qs drops empty values, so `processname=` is no process name either.
  if (processname === undefined) return { titleName: 'None', tail: 'No process name found', refreshHref: null };
  const limit = byteLimit(limitText);
  const refreshHref = `tail.html?processname=${pyQuote(processname)}&limit=${limit}`;
  // A read of the last -offset bytes; beyond 2**53 there is no file that size anyway.
  const offset = -Number(limit > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : limit);
  let tail: string;
  try {
    const value = await rpc.call('supervisor.readProcessStdoutLog', [processname, offset, 0]);
    tail = typeof value === 'string' ? value : '';
  } catch (err) {
    if (!isRpcFault(err)) throw err;
    tail = err.code === Faults.NO_FILE ? `No file for ${processname}` : `ERROR: unexpected rpc fault [${err.code}] ${err.faultString}`;
  }
  return { titleName: processname, tail, refreshHref };
}
