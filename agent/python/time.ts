// CPython 3.11's time.ctime() (Modules/timemodule.c, asctime format "%s %s%3d %.2d:%.2d:%.2d %d"),
// which supervisord's web UI prints in its messages. Pure; imports nothing.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** time.ctime() in local time: `Tue Dec  1 07:23:05 2026` (the day padded with a space). */
export function pyCtime(when: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const day = String(when.getDate()).padStart(2, ' ');
  const time = `${two(when.getHours())}:${two(when.getMinutes())}:${two(when.getSeconds())}`;
  return `${DAYS[when.getDay()]} ${MONTHS[when.getMonth()]} ${day} ${time} ${when.getFullYear()}`;
}
