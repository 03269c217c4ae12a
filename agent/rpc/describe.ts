// The `description` of getProcessInfo (supervisor/rpcinterface.py _interpretProcessInfo): uptime like Python's timedelta, stop
// times like strftime('%b %d %I:%M %p') in local time. Pure.
import { ProcessState as S } from '../process/states.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** str(datetime.timedelta(seconds=n)) for whole, non-negative n: `0:01:02`, `1 day, 2:03:04`. */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.trunc(seconds));
  const days = Math.floor(s / 86400);
  const rest = s % 86400;
  const hms = `${Math.floor(rest / 3600)}:${String(Math.floor((rest % 3600) / 60)).padStart(2, '0')}:${String(rest % 60).padStart(2, '0')}`;
  if (days === 0) return hms;
  return `${days} day${days === 1 ? '' : 's'}, ${hms}`;
}

/** `Nov 24 04:24 PM` for an epoch second, in the daemon's local time zone. */
export function formatStopTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const h12 = d.getHours() % 12 === 0 ? 12 : d.getHours() % 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getMonth()]} ${pad(d.getDate())} ${pad(h12)}:${pad(d.getMinutes())} ${d.getHours() < 12 ? 'AM' : 'PM'}`;
}

export interface DescribableInfo {
  readonly state: number;
  readonly start: number;
  readonly stop: number;
  readonly now: number;
  readonly pid: number;
  readonly spawnerr: string;
  readonly name: string;
  /** fleetvisord's healthcheck_* verdict when it is "unhealthy": the last failure's reason. */
  readonly unhealthy?: string | null;
}

/** supervisord's _interpretProcessInfo. start/stop/now are the whole-second values of the struct. */
export function describeProcess(info: DescribableInfo): string {
  switch (info.state) {
    case S.RUNNING:
      // An unhealthy program says so where status, the web page and the hub all read it; a
      // program without healthcheck_* reads exactly as under supervisord.
      return `pid ${info.pid}, uptime ${formatUptime(info.now - info.start)}`
        + (info.unhealthy != null ? `, unhealthy (${info.unhealthy})` : '');
    case S.FATAL:
    case S.BACKOFF:
      return info.spawnerr || `unknown error (try "tail ${info.name}")`;
    case S.STOPPED:
    case S.EXITED:
      // A process never started has a spawnerr only when depends_on held it back (fleetvisord's).
      if (info.start) return formatStopTime(info.stop);
      return info.spawnerr ? `Not started: ${info.spawnerr}` : 'Not started';
    default:
      return '';
  }
}
