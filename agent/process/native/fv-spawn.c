/*
 * fv-spawn: fleetvisord's spawn helper. A small process that forks and execs children for the
 * daemon, so the daemon (a ~60 MB node process) never forks itself: node's spawn blocks the
 * event loop ~3 ms per child (fork of a large address space, then a wait for the exec), this
 * helper answers in well under a millisecond and the exec runs on another core.
 *
 * Channels (set up by agent/process/spawn-helper.ts):
 *   fd 0  requests from the daemon: u32 little-endian length, then NUL-terminated fields
 *         id, file, cwd ("" = stay), umask ("" = keep, else decimal), stdin fd, stdout fd,
 *         stderr fd (numbers of the daemon's own fds, reopened through /proc/<daemon>/fd/N),
 *         argc, argv..., envc, env...
 *         A request "M", id, paths... makes FIFOs (mode 0600) for the daemon's pipe pool.
 *   fd 3  replies, one line per request, in order: "P <id> <pid>\n" or "E <id> <ERRNO>\n"
 *   fd 1  exits, as they are reaped: "X <pid> <wait status>\n"
 * The helper exits when fd 0 reaches EOF (the daemon closed it or died). It ignores the signals
 * a terminal or an admin sends the daemon's group, so children are always reaped and reported.
 * A child gets default signal dispositions, an empty mask, its own session, exactly fds 0-2
 * (descriptors the daemon inherited are closed in the helper at its start),
 * then umask/chdir/execve; a failure there is written to its stderr in supervisord's words and
 * it exits 127, as supervisord's own forked child does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_REQUEST (64u * 1024u * 1024u)

static int sig_pipe[2] = {-1, -1};
static char daemon_pid[32];

static char *in_buf;
static size_t in_len, in_cap;
static char *out_buf;
static size_t out_len, out_cap;

static void on_sigchld(int sig) {
  (void)sig;
  int saved = errno;
  char c = 0;
  if (write(sig_pipe[1], &c, 1) < 0) { /* pipe full: a wake-up is already pending */ }
  errno = saved;
}

static const char *errno_name(int e) {
  const char *n = strerrorname_np(e);
  return n != NULL ? n : "EIO";
}

static void die(const char *what) {
  fprintf(stderr, "fv-spawn: %s: %s\n", what, strerror(errno));
  exit(2);
}

static void *grow(void *p, size_t *cap, size_t need) {
  if (need <= *cap) return p;
  size_t c = *cap == 0 ? 4096 : *cap;
  while (c < need) c *= 2;
  void *q = realloc(p, c);
  if (q == NULL) die("realloc");
  *cap = c;
  return q;
}

static void write_all(int fd, const char *s, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, s, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      exit(0); /* the daemon is gone */
    }
    s += w;
    n -= (size_t)w;
  }
}

static void reply(const char *line) { write_all(3, line, strlen(line)); }

/* Exit reports are queued and written without blocking: the daemon may be waiting on fd 3. */
static void queue_exit(pid_t pid, int status) {
  char line[64];
  int n = snprintf(line, sizeof line, "X %d %d\n", (int)pid, status);
  out_buf = grow(out_buf, &out_cap, out_len + (size_t)n);
  memcpy(out_buf + out_len, line, (size_t)n);
  out_len += (size_t)n;
}

static void flush_exits(void) {
  while (out_len > 0) {
    ssize_t w = write(1, out_buf, out_len);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      exit(0);
    }
    memmove(out_buf, out_buf + w, out_len - (size_t)w);
    out_len -= (size_t)w;
  }
}

static void reap(void) {
  char drain[64];
  while (read(sig_pipe[0], drain, sizeof drain) > 0) { /* emptied */ }
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) break;
    queue_exit(pid, status);
  }
}

static void child_fail(const char *what, const char *arg, int e) {
  char msg[8192];
  int n = snprintf(msg, sizeof msg, "supervisor: couldn't %s%s: %s\nsupervisor: child process was not spawned\n",
                   what, arg, errno_name(e));
  if (n > (int)sizeof msg - 1) n = (int)sizeof msg - 1;
  if (write(2, msg, (size_t)n) < 0) { /* nowhere else to say it */ }
  _exit(127);
}

/* Reopens one of the daemon's fds (a pipe end) as a new open file description of ours. */
static int reopen(const char *fdnum, int flags) {
  if (strcmp(fdnum, "-1") == 0) return open("/dev/null", flags | O_CLOEXEC);
  char path[96];
  snprintf(path, sizeof path, "/proc/%s/fd/%s", daemon_pid, fdnum);
  return open(path, flags | O_CLOEXEC);
}

/* Fields of one request; pointers into the request buffer. */
struct request {
  const char *id, *file, *cwd, *umask, *in, *out, *err;
  char **argv, **envp;
};

static int parse(char *p, size_t n, struct request *r) {
  char *end = p + n;
  const char *f[8];
  for (int i = 0; i < 8; i++) {
    char *z = memchr(p, 0, (size_t)(end - p));
    if (z == NULL) return -1;
    f[i] = p;
    p = z + 1;
  }
  r->id = f[0]; r->file = f[1]; r->cwd = f[2]; r->umask = f[3];
  r->in = f[4]; r->out = f[5]; r->err = f[6];
  long argc = strtol(f[7], NULL, 10);
  if (argc < 1 || argc > 1000000) return -1;
  r->argv = calloc((size_t)argc + 1, sizeof(char *));
  if (r->argv == NULL) die("calloc");
  for (long i = 0; i < argc; i++) {
    char *z = memchr(p, 0, (size_t)(end - p));
    if (z == NULL) return -1;
    r->argv[i] = p;
    p = z + 1;
  }
  char *z = memchr(p, 0, (size_t)(end - p));
  if (z == NULL) return -1;
  long envc = strtol(p, NULL, 10);
  p = z + 1;
  if (envc < 0 || envc > 10000000) return -1;
  r->envp = calloc((size_t)envc + 1, sizeof(char *));
  if (r->envp == NULL) die("calloc");
  for (long i = 0; i < envc; i++) {
    z = memchr(p, 0, (size_t)(end - p));
    if (z == NULL) return -1;
    r->envp[i] = p;
    p = z + 1;
  }
  return 0;
}

static void spawn_one(char *payload, size_t n) {
  struct request r = {0};
  char line[128];
  if (parse(payload, n, &r) != 0) {
    fprintf(stderr, "fv-spawn: malformed request\n");
    exit(2);
  }
  int fds[3] = {-1, -1, -1};
  fds[0] = reopen(r.in, O_RDONLY);
  if (fds[0] >= 0) fds[1] = reopen(r.out, O_WRONLY);
  if (fds[1] >= 0) fds[2] = strcmp(r.err, r.out) == 0 ? fds[1] : reopen(r.err, O_WRONLY);
  if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0) {
    snprintf(line, sizeof line, "E %s %s\n", r.id, errno_name(errno));
    for (int i = 0; i < 3; i++) if (fds[i] >= 0 && (i != 2 || fds[2] != fds[1])) close(fds[i]);
    reply(line);
    goto done;
  }
  /*
   * The child waits for `go` to close before it execs: run first, it would take this CPU for the
   * whole exec while the daemon waits for the pid. The reply goes out, then the child may go.
   */
  int go[2];
  if (pipe2(go, O_CLOEXEC) != 0) {
    snprintf(line, sizeof line, "E %s %s\n", r.id, errno_name(errno));
    for (int i = 0; i < 3; i++) if (i != 2 || fds[2] != fds[1]) close(fds[i]);
    reply(line);
    goto done;
  }
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    close(go[1]);
    while (read(go[0], &c, 1) < 0 && errno == EINTR) { /* until the parent closes its end */ }
    for (int s = 1; s < NSIG; s++) signal(s, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    setsid();
    /* The opened fds are all >= 4 (0-3 are ours), so no dup2 overwrites another source. */
    for (int i = 0; i < 3; i++) if (dup2(fds[i], i) < 0) child_fail("set up stdio", "", errno);
    if (r.umask[0] != '\0') umask((mode_t)strtol(r.umask, NULL, 10));
    if (r.cwd[0] != '\0' && chdir(r.cwd) != 0) child_fail("chdir to ", r.cwd, errno);
    execve(r.file, r.argv, r.envp);
    child_fail("exec ", r.argv[0], errno);
  }
  int fork_errno = errno;
  sigprocmask(SIG_SETMASK, &old, NULL);
  close(fds[0]);
  close(fds[1]);
  if (fds[2] != fds[1]) close(fds[2]);
  close(go[0]);
  if (pid < 0) snprintf(line, sizeof line, "E %s %s\n", r.id, errno_name(fork_errno));
  else snprintf(line, sizeof line, "P %s %d\n", r.id, (int)pid);
  reply(line);
  close(go[1]);
done:
  free(r.argv);
  free(r.envp);
}

/* "M", id, then FIFO paths: each made with mode 0600. One reply for the batch. */
static void make_fifos(char *p, size_t n) {
  char *end = p + n;
  char line[128];
  const char *id = NULL;
  int field = 0, failed = 0;
  while (p < end) {
    char *z = memchr(p, 0, (size_t)(end - p));
    if (z == NULL) break;
    if (field == 1) id = p;
    else if (field >= 2 && !failed && mkfifo(p, 0600) != 0) failed = errno;
    field++;
    p = z + 1;
  }
  if (id == NULL) {
    fprintf(stderr, "fv-spawn: malformed request\n");
    exit(2);
  }
  if (failed) snprintf(line, sizeof line, "E %s %s\n", id, errno_name(failed));
  else snprintf(line, sizeof line, "P %s 0\n", id);
  reply(line);
}

static void handle_input(void) {
  size_t off = 0;
  while (in_len - off >= 4) {
    uint32_t len;
    memcpy(&len, in_buf + off, 4);
    if (len > MAX_REQUEST) {
      fprintf(stderr, "fv-spawn: request too large\n");
      exit(2);
    }
    if (in_len - off - 4 < len) break;
    char *payload = in_buf + off + 4;
    if (len >= 2 && payload[0] == 'M' && payload[1] == '\0') make_fifos(payload, len);
    else spawn_one(payload, len);
    off += 4 + (size_t)len;
  }
  memmove(in_buf, in_buf + off, in_len - off);
  in_len -= off;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: fv-spawn DAEMON-PID (started by fleetvisord)\n");
    return 2;
  }
  snprintf(daemon_pid, sizeof daemon_pid, "%s", argv[1]);
  /* Whatever the daemon inherited without close-on-exec (node keeps it) ends here. */
  close_range(4, ~0U, 0);
  int ignored[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU};
  for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++) signal(ignored[i], SIG_IGN);
  if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0) die("pipe2");
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigchld;
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGCHLD, &sa, NULL) != 0) die("sigaction");
  fcntl(3, F_SETFD, FD_CLOEXEC);
  fcntl(3, F_SETFL, fcntl(3, F_GETFL) & ~O_NONBLOCK);
  fcntl(1, F_SETFD, FD_CLOEXEC);
  fcntl(1, F_SETFL, fcntl(1, F_GETFL) | O_NONBLOCK);
  fcntl(0, F_SETFD, FD_CLOEXEC);
  for (;;) {
    struct pollfd q[3] = {{0, POLLIN, 0}, {sig_pipe[0], POLLIN, 0}, {1, POLLOUT, 0}};
    int rc = poll(q, out_len > 0 ? 3 : 2, -1);
    if (rc < 0) {
      if (errno == EINTR) continue;
      die("poll");
    }
    if (q[1].revents & POLLIN) reap();
    if (q[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      in_buf = grow(in_buf, &in_cap, in_len + 65536);
      ssize_t got = read(0, in_buf + in_len, 65536);
      if (got == 0) { reap(); flush_exits(); return 0; }
      if (got < 0 && errno != EINTR && errno != EAGAIN) die("read");
      if (got > 0) { in_len += (size_t)got; handle_input(); }
    }
    reap();
    flush_exits();
  }
}
