// supervisord's description of a RUNNING process, `pid 123, uptime 1 day, 2:03:04` (Python's
// str(timedelta) for the uptime). The snapshot writes it from the uptime at the moment it is read,
// so a description never shows the uptime of the last poll or state change.
export function timedeltaText(seconds: number): string {
  const s = Math.max(0, Math.trunc(seconds));
  const days = Math.floor(s / 86400);
  const rest = s % 86400;
  const hms = `${Math.floor(rest / 3600)}:${String(Math.floor((rest % 3600) / 60)).padStart(2, '0')}:${String(rest % 60).padStart(2, '0')}`;
  return days === 0 ? hms : `${days} day${days === 1 ? '' : 's'}, ${hms}`;
}

export function runningDescription(pid: number, uptimeSeconds: number): string {
  return `pid ${pid}, uptime ${timedeltaText(uptimeSeconds)}`;
}
