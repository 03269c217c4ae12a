// How a child's end is described and judged: supervisord's decode_wait_status texts and the
// expected / autorestart rules that depend on exitcodes.
import { signalName } from '../config/signals.js';
import type { AutoRestart } from '../config/types.js';

export interface ExitDescription {
  /** The exit code, or -1 for a death by signal (or an unknown cause). */
  readonly exitstatus: number;
  /** "exit status 1", "terminated by SIGTERM", "terminated by SIGSEGV (core dumped)". */
  readonly text: string;
}

export function describeExit(code: number | null, signal: number | null, coreDumped = false): ExitDescription {
  if (code !== null) {
    const es = code & 0xffff;
    return { exitstatus: es, text: `exit status ${es}` };
  }
  if (signal !== null) {
    return { exitstatus: -1, text: `terminated by ${signalName(signal)}${coreDumped ? ' (core dumped)' : ''}` };
  }
  return { exitstatus: -1, text: 'unknown termination cause 0x0000' };
}

export function isExpectedExit(exitstatus: number | null, exitcodes: readonly number[]): boolean {
  return exitstatus !== null && exitcodes.includes(exitstatus);
}

/** Whether an EXITED process restarts: `unexpected` restarts unless the status is in exitcodes. */
export function shouldAutoRestart(autorestart: AutoRestart, exitstatus: number | null, exitcodes: readonly number[]): boolean {
  if (autorestart === true) return true;
  if (autorestart === 'unexpected') return !isExpectedExit(exitstatus, exitcodes);
  return false;
}
