// The plain-text activity log cesi v1 kept (`<ctime> - <sentence>` per line), written next to the
// database rows for people and tools that read that file. Each line opens, appends and closes the file,
// so an external logrotate can move it at any time without telling the hub.
import { appendFileSync } from 'node:fs';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** What a line is made from (a subset of an activity entry). */
export interface ActivityLineInput {
  readonly time: number;
  readonly user: string | null;
  readonly remote: string | null;
  readonly node: string | null;
  readonly target: string | null;
  readonly action: string;
  readonly result: string;
  readonly detail: string | null;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** `ms` as Python's time.ctime() writes it, in local time: `Tue Sep  4 12:00:00 2018`. */
export function pyCtime(ms: number): string {
  const d = new Date(ms);
  const day = DAYS[d.getDay()] ?? '???';
  const month = MONTHS[d.getMonth()] ?? '???';
  const date = String(d.getDate()).padStart(2, ' ');
  return `${day} ${month} ${date} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`;
}

/** A field made safe for a one-line log: line breaks and other control characters become spaces. */
function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ');
}

/** The plain-English sentence, e.g. `admin (10.0.0.5): process.start web:web_0 on node local: ok`. */
export function activitySentence(e: ActivityLineInput): string {
  let s = oneLine(e.user ?? '(hub)');
  if (e.remote !== null && e.remote !== '') s += ` (${oneLine(e.remote)})`;
  s += `: ${oneLine(e.action)}`;
  if (e.target !== null && e.target !== '') s += ` ${oneLine(e.target)}`;
  if (e.node !== null && e.node !== '') s += ` on node ${oneLine(e.node)}`;
  s += `: ${oneLine(e.result)}`;
  if (e.detail !== null && e.detail !== '') s += ` (${oneLine(e.detail)})`;
  return s;
}

/** One line of the file, newline included. */
export function activityLine(e: ActivityLineInput): string {
  return `${pyCtime(e.time)} - ${activitySentence(e)}\n`;
}

/** Append one line to `file` (created 0640 when missing); throws what the file system says. */
export function appendActivityLine(file: string, e: ActivityLineInput): void {
  appendFileSync(file, activityLine(e), { encoding: 'utf8', mode: 0o640 });
}
