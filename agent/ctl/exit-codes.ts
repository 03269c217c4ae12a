// fleetvisorctl's exit statuses: supervisorctl's LSB-style values (LSBInitExitStatuses and
// LSBStatusExitStatuses), named once here. Imports nothing. Kept in step with EXIT-CODES.md.
//
// | status | name                    | when (one-shot mode; the interactive shell always exits 0)    |
// |--------|-------------------------|---------------------------------------------------------------|
// | 0      | SUCCESS                 | the command did what was asked; also `stop` of a stopped      |
// |        |                         | process, `start` of a running one, help, quit                 |
// | 1      | GENERIC                 | any other failure: bad name, bad arguments of most commands,  |
// |        |                         | `*** Unknown syntax`, authentication, unexpected errors       |
// | 2      | INVALID_ARGS            | option/config usage errors (`Error: ...` on stderr), `start`  |
// |        |                         | without a name, `start g:*` of an unknown group               |
// | 3      | UNIMPLEMENTED_FEATURE   | the server lacks the supervisor namespace (rpcinterface)      |
// | 3      | STATUS_NOT_RUNNING      | `status`: a shown process is STOPPED/EXITED/FATAL/UNKNOWN     |
// | 4      | INSUFFICIENT_PRIVILEGES | connection refused by the server URL                          |
// | 4      | STATUS_UNKNOWN          | `status`: a bad name, or the server cannot be checked         |
// | 5      | NOT_INSTALLED           | the server speaks an API version other than 3.0               |
// | 7      | NOT_RUNNING             | spawn error / abnormal termination on start, signal or pid of |
// |        |                         | a process that is not running, unix socket file missing       |

/** supervisorctl's LSBInitExitStatuses. */
export const ExitCode = Object.freeze({
  SUCCESS: 0,
  GENERIC: 1,
  INVALID_ARGS: 2,
  UNIMPLEMENTED_FEATURE: 3,
  INSUFFICIENT_PRIVILEGES: 4,
  NOT_INSTALLED: 5,
  NOT_RUNNING: 7,
} as const);

/** supervisorctl's LSBStatusExitStatuses: what `status` answers instead. */
export const StatusExitCode = Object.freeze({
  NOT_RUNNING: 3,
  UNKNOWN: 4,
} as const);

export type ExitStatus =
  | (typeof ExitCode)[keyof typeof ExitCode]
  | (typeof StatusExitCode)[keyof typeof StatusExitCode];
