// Linux signal names and numbers as supervisord 4.2.5 (CPython's signal module) knows them:
// parsing accepts every SIG* alias; printing uses the name CPython's signame() picks.

/** Every name accepted by stopsignal= and the signal RPCs, without the SIG prefix. */
export const SIGNAL_NUMBERS: Readonly<Record<string, number>> = Object.freeze({
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10,
  SEGV: 11, USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CLD: 17, CONT: 18,
  STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27,
  WINCH: 28, IO: 29, POLL: 29, PWR: 30, SYS: 31, RTMIN: 34, RTMAX: 64,
});

/**
 * The other SIG* attributes of CPython's signal module (handler and sigmask constants), which
 * supervisord's getattr(signal, 'SIG' + name) lookup also finds: `stopsignal=_DFL` is 0.
 */
export const HANDLER_NUMBERS: Readonly<Record<string, number>> = Object.freeze({
  _DFL: 0, _IGN: 1, _BLOCK: 0, _UNBLOCK: 1, _SETMASK: 2,
});

/** The name printed for each number (supervisord's signame()). */
const PRINTED: Readonly<Record<number, string>> = Object.freeze({
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS',
  8: 'SIGFPE', 9: 'SIGKILL', 10: 'SIGUSR1', 11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE',
  14: 'SIGALRM', 15: 'SIGTERM', 16: 'SIGSTKFLT', 17: 'SIGCHLD', 18: 'SIGCONT', 19: 'SIGSTOP',
  20: 'SIGTSTP', 21: 'SIGTTIN', 22: 'SIGTTOU', 23: 'SIGURG', 24: 'SIGXCPU', 25: 'SIGXFSZ',
  26: 'SIGVTALRM', 27: 'SIGPROF', 28: 'SIGWINCH', 29: 'SIGPOLL', 30: 'SIGPWR', 31: 'SIGSYS',
  34: 'SIGRTMIN', 64: 'SIGRTMAX',
});

/**
 * Numbers accepted by stopsignal=: every value of a SIG* constant of CPython's signal module,
 * which includes SIG_DFL/SIG_IGN/SIG_BLOCK... (0, 1, 2), so 0 is accepted.
 */
export const VALID_SIGNAL_NUMBERS: ReadonlySet<number> = new Set([0, ...Object.keys(PRINTED).map(Number)]);

/** 'SIGTERM' for 15; 'signal 40' for a number without a name (supervisord's wording). */
export function signalName(num: number): string {
  return PRINTED[num] ?? `signal ${num}`;
}

/** Node's name for a signal number, for process.kill(); undefined when Node has none. */
export function nodeSignalName(num: number): NodeJS.Signals | undefined {
  const name = PRINTED[num];
  if (name === undefined || name === 'SIGRTMIN' || name === 'SIGRTMAX' || name === 'SIGSTKFLT') return undefined;
  return (name === 'SIGPOLL' ? 'SIGIO' : name) as NodeJS.Signals;
}
