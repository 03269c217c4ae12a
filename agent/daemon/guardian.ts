// Layer 1 of the orphan protection (README "Orphan protection"): one guardian per daemon process,
// a tiny /bin/sh in its own session, blocked reading a pipe from the daemon. Only the
// daemon holds the pipe's write end (O_CLOEXEC: no child inherits it), so when the daemon dies, for
// any reason, the read returns EOF; the guardian then ends every process group listed in the
// daemon's plain-text ledger (SIGTERM, a short wait, SIGKILL) and removes the daemon's FIFO
// directory. An orderly shutdown writes `exit` after every process stopped: it ends quietly.
// The daemon tells it which ledger to read (`list <path>`) at every life, as the pidfile may change.
// Its command line is short, for `ps`: `fleetvisord-guardian -s <FIFO directory prefix>`; the
// shell reads its script from its stdin (a pipe holding just the script), then swaps the daemon's
// pipe in as its stdin.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeFds, fifoPool, pipeDirPrefix } from '../process/fifo-pool.js';
import { feedAndClose } from '../process/child-pipes.js';
import { writeSync } from 'node:fs';

/** Tenths of a second the groups get between SIGTERM and SIGKILL. */
export const GUARDIAN_GRACE_TENTHS = 20;

/** argv[0] of the guardian, so `ps` shows what it is. */
export const GUARDIAN_NAME = 'fleetvisord-guardian';

// $1 = the daemon's FIFO directory prefix. The script arrives on fd 0 and the daemon's pipe on fd
// 3; it is one { } group, which the shell parses whole before running it, so it can make the
// daemon's pipe its stdin and never reads its script's fd again (it ends with `exit`). Fds 3-9 a
// launcher let the daemon inherit are closed (dash cannot name higher ones; the daemon's own fds
// are all O_CLOEXEC). Only a list file owned by our own uid is trusted; a group is signalled
// unless its leader pid now belongs to a process with another start time.
const SCRIPT = `{
exec 0<&3 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
trap '' HUP INT QUIT
dirs=\${1:-}
list=
while IFS= read -r line; do
  case $line in
    exit) exit 0 ;;
    "list "*) list=\${line#list } ;;
  esac
done
groups=
if [ -n "$list" ] && [ -f "$list" ] && [ -O "$list" ]; then
  while read -r pg st name; do
    case $pg in ''|*[!0-9]*) continue ;; esac
    if [ -r "/proc/$pg/stat" ]; then
      IFS= read -r stat < "/proc/$pg/stat" || stat=
      set -- \${stat##*) }
      [ "\${20}" = "$st" ] || continue
    fi
    if kill -s TERM -- "-$pg" 2>/dev/null; then
      kill -s CONT -- "-$pg" 2>/dev/null
      groups="$groups $pg"
    fi
  done < "$list"
fi
n=0
while [ -n "$groups" ] && [ $n -lt ${GUARDIAN_GRACE_TENTHS} ]; do
  sleep 0.1 2>/dev/null || n=${GUARDIAN_GRACE_TENTHS}
  n=$((n + 1))
  left=
  for pg in $groups; do
    if kill -s 0 -- "-$pg" 2>/dev/null; then left="$left $pg"; fi
  done
  groups=$left
done
for pg in $groups; do kill -s KILL -- "-$pg" 2>/dev/null; done
case $dirs in /*-) rm -rf -- "$dirs"* ;; esac
exit
}
`;

export class Guardian {
  readonly pid: number;
  #fd: number;
  #released = false;
  /** Told (once) when the guardian ends while the daemon still relies on it. */
  onLost: ((text: string) => void) | null = null;

  private constructor(proc: ChildProcess, pid: number, fd: number) {
    this.pid = pid;
    this.#fd = fd;
    proc.once('exit', (code, signal) => {
      if (this.#released) return;
      closeFds(this.#fd);
      this.#fd = -1;
      const how = signal ?? `exit status ${code}`;
      this.onLost?.(`orphan guardian (pid ${pid}) ended (${how}): if the daemon dies now, only the next daemon ends its children`);
    });
  }

  /** Starts one (throws the spawn error). `dirPrefix`: what it removes when the daemon died. */
  static start(dirPrefix: string = pipeDirPrefix()): Guardian {
    const pipe = fifoPool.pipe();
    let script: { readFd: number; writeFd: number } | null = null;
    let proc: ChildProcess;
    try {
      script = fifoPool.pipe();
      // Far below PIPE_BUF: one write into the empty pipe takes all of it.
      const written = writeSync(script.writeFd, SCRIPT);
      closeFds(script.writeFd);
      script.writeFd = -1;
      if (written !== Buffer.byteLength(SCRIPT)) throw new Error('could not hand the orphan guardian its script');
      proc = spawn('/bin/sh', ['-s', dirPrefix], {
        argv0: GUARDIAN_NAME,
        cwd: '/',
        detached: true,
        stdio: [script.readFd, 'ignore', 'ignore', pipe.readFd],
      });
    } catch (err) {
      closeFds(pipe.writeFd);
      throw err;
    } finally {
      closeFds(pipe.readFd, script?.readFd, script?.writeFd);
    }
    proc.on('error', () => { /* reported below, or as the exit */ });
    if (proc.pid === undefined) {
      closeFds(pipe.writeFd);
      throw new Error('could not start the orphan guardian (/bin/sh)');
    }
    proc.unref();
    return new Guardian(proc, proc.pid, pipe.writeFd);
  }

  /** Still there and watching. */
  get alive(): boolean { return this.#fd >= 0 && !this.#released; }

  /** The plain-text ledger (`pgid starttime` lines) to read when the daemon dies. */
  watch(listFile: string): void {
    this.#send(`list ${listFile}\n`);
  }

  /** Orderly end (every process stopped): it exits without killing anything. Idempotent. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    const fd = this.#fd;
    this.#fd = -1;
    if (fd >= 0) feedAndClose(fd, 'exit\n');
  }

  #send(line: string): void {
    if (!this.alive) return;
    try { writeSync(this.#fd, line); } catch { /* it is gone: its exit is reported */ }
  }
}

let current: Guardian | null = null;

/**
 * The daemon's guardian: started on first use, kept across SIGHUP restarts (one per daemon
 * process); a new one is started when the previous one was lost or released.
 */
export function daemonGuardian(): Guardian {
  if (current === null || !current.alive) current = Guardian.start();
  return current;
}
