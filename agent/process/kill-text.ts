// Python's str(OSError) for a failed kill(), e.g. "[Errno 3] No such process", used verbatim
// in supervisord's "unable to signal" debug message.
import { constants } from 'node:os';

const STRERROR: Readonly<Record<string, string>> = {
  ESRCH: 'No such process',
  EPERM: 'Operation not permitted',
  EINVAL: 'Invalid argument',
};

export function killFailureText(err: NodeJS.ErrnoException): string {
  const code = err.code ?? '';
  const num = (constants.errno as Record<string, number | undefined>)[code];
  const text = STRERROR[code];
  if (num === undefined || text === undefined) return err.message;
  return `[Errno ${num}] ${text}`;
}
