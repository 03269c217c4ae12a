// Python text helpers whose exact output the web UI's URLs and messages depend on: urllib's
// quote() and time.ctime(). Pure; imports nothing.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** urllib.parse.quote(text) with its default safe='/': UTF-8 bytes, %XX upper case, `A-Za-z0-9_.-~/` kept. */
export function pyQuote(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.\-~/]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** time.ctime() in local time: `Tue Dec  1 07:23:05 2026` (the day padded with a space). */
export function pyCtime(when: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const day = String(when.getDate()).padStart(2, ' ');
  const time = `${two(when.getHours())}:${two(when.getMinutes())}:${two(when.getSeconds())}`;
  return `${DAYS[when.getDay()]} ${MONTHS[when.getMonth()]} ${day} ${time} ${when.getFullYear()}`;
}
