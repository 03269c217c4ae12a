// The typed, frozen result of loading a supervisord.conf. Field names keep supervisord's spelling.
// Pure types: no imports beyond the state module, no behaviour.

/** `false` never restarts, `true` always, `'unexpected'` when the exit code is not in exitcodes. */
export type AutoRestart = false | true | 'unexpected';

/** Where one output channel of a process goes. */
export interface LogChannelConfig {
  /** Absolute or as-given path; 'AUTO' = a file in childlogdir chosen at group creation; null = NONE. */
  readonly logfile: string | null;
  /** True when logfile was AUTO (the concrete path is only chosen when the group is created). */
  readonly auto: boolean;
  readonly logfile_maxbytes: number;
  readonly logfile_backups: number;
  readonly capture_maxbytes: number;
  readonly events_enabled: boolean;
  readonly syslog: boolean;
}

export interface UserSpec {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** One process (one element of numprocs) of a [program:x], [eventlistener:x] or [fcgi-program:x]. */
export interface ProcessConfig {
  readonly name: string;
  /** The x of [program:x]. */
  readonly program_name: string;
  readonly process_num: number;
  readonly command: string;
  readonly priority: number;
  readonly autostart: boolean;
  readonly startsecs: number;
  readonly startretries: number;
  readonly autorestart: AutoRestart;
  readonly exitcodes: readonly number[];
  /** Signal number (Linux numbering). */
  readonly stopsignal: number;
  readonly stopwaitsecs: number;
  readonly stopasgroup: boolean;
  readonly killasgroup: boolean;
  readonly user: UserSpec | null;
  readonly redirect_stderr: boolean;
  readonly stdout: LogChannelConfig;
  readonly stderr: LogChannelConfig;
  /** Program environment= entries, in order; null when not set. */
  readonly environment: Readonly<Record<string, string>> | null;
  readonly directory: string | null;
  readonly umask: number | null;
  /** Explicit serverurl, or null for AUTO. */
  readonly serverurl: string | null;
}

export type GroupKind = 'program' | 'group' | 'eventlistener' | 'fcgi-program';

interface GroupConfigBase {
  readonly name: string;
  readonly priority: number;
  /** Processes in config order (numprocs order, then programs= order for [group:x]). */
  readonly processes: readonly ProcessConfig[];
}

export interface ProgramGroupConfig extends GroupConfigBase {
  readonly kind: 'program' | 'group';
}

export interface EventListenerPoolConfig extends GroupConfigBase {
  readonly kind: 'eventlistener';
  /** Upper-cased event type names as written in events=. */
  readonly events: readonly string[];
  readonly buffer_size: number;
  readonly result_handler: string;
}

export interface FcgiGroupConfig extends GroupConfigBase {
  readonly kind: 'fcgi-program';
  /** The socket URL as written (after expansion): unix:///abs/path or tcp://host:port. */
  readonly socket: string;
  readonly socket_backlog: number | null;
  readonly socket_owner: { readonly uid: number; readonly gid: number } | null;
  readonly socket_mode: number | null;
}

export type GroupConfig = ProgramGroupConfig | EventListenerPoolConfig | FcgiGroupConfig;

export interface UnixHttpServerConfig {
  readonly section: string;
  readonly kind: 'unix';
  readonly file: string;
  readonly chmod: number;
  readonly chown: { readonly uid: number; readonly gid: number } | null;
  readonly username: string | null;
  readonly password: string | null;
}

export interface InetHttpServerConfig {
  readonly section: string;
  readonly kind: 'inet';
  /** '' means all interfaces. */
  readonly host: string;
  readonly port: number;
  readonly username: string | null;
  readonly password: string | null;
}

export type HttpServerConfig = UnixHttpServerConfig | InetHttpServerConfig;

export type LogLevelName = 'critical' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'blather';

export interface SupervisordConfig {
  /** Absolute path, or 'syslog'. */
  readonly logfile: string;
  readonly logfile_maxbytes: number;
  readonly logfile_backups: number;
  readonly loglevel: LogLevelName;
  readonly pidfile: string;
  readonly umask: number;
  readonly nodaemon: boolean;
  readonly silent: boolean;
  readonly minfds: number;
  readonly minprocs: number;
  readonly nocleanup: boolean;
  readonly childlogdir: string;
  readonly user: UserSpec | null;
  readonly directory: string | null;
  readonly strip_ansi: boolean;
  readonly environment: Readonly<Record<string, string>> | null;
  readonly identifier: string;
}

export interface RpcInterfaceConfig {
  readonly name: string;
  readonly factory: string;
  readonly options: Readonly<Record<string, string>>;
}

/** A message produced while parsing, logged once the main log exists (supervisord's parse_* buffers). */
export interface ParseMessage {
  readonly level: 'critical' | 'warn' | 'info';
  readonly text: string;
}

export interface LoadedConfig {
  /** Absolute path of the main config file. */
  readonly file: string;
  readonly supervisord: SupervisordConfig;
  readonly httpServers: readonly HttpServerConfig[];
  readonly rpcinterfaces: readonly RpcInterfaceConfig[];
  /** Groups sorted by priority (ties: by name), as supervisord creates them. */
  readonly groups: readonly GroupConfig[];
  readonly messages: readonly ParseMessage[];
}

/** Command-line values that override [supervisord] options (supervisord's -c -n -u ... flags). */
export interface SupervisordOverrides {
  readonly nodaemon?: boolean;
  readonly silent?: boolean;
  readonly user?: string;
  readonly umask?: string;
  readonly directory?: string;
  readonly logfile?: string;
  readonly logfile_maxbytes?: string;
  readonly logfile_backups?: string;
  readonly loglevel?: string;
  readonly pidfile?: string;
  readonly identifier?: string;
  readonly childlogdir?: string;
  readonly nocleanup?: boolean;
  readonly minfds?: string;
  readonly minprocs?: string;
  readonly strip_ansi?: boolean;
}
