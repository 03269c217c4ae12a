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
  /** fleetvisord's own options, which supervisord ignores (see schema-extensions.ts). */
  readonly extra: ProcessExtras;
}

/** A host and port to connect to (a readiness or health check). */
export interface TcpTarget { readonly host: string; readonly port: number }

/** What makes a process ready (any set; all set must pass), and for how long it may try. */
export interface ReadinessConfig {
  readonly tcp: TcpTarget | null;
  readonly http: string | null;
  readonly command: string | null;
  /** A RegExp source matched against each line of stdout and stderr. */
  readonly log: string | null;
  readonly timeout: number;
}

export interface HealthCheckConfig {
  readonly http: string | null;
  readonly tcp: TcpTarget | null;
  readonly command: string | null;
  readonly interval: number;
  readonly timeout: number;
  readonly retries: number;
  readonly action: 'restart' | 'report';
}

export interface ProcessExtras {
  /** Program or group names that must be RUNNING (ready) before this one starts. */
  readonly depends_on: readonly string[];
  readonly ready: ReadinessConfig | null;
  /** Cap of the backoff delay in seconds; 0 for none (supervisord's delay grows by 1 s a try). */
  readonly backoff_max_secs: number;
  /** Retry a FATAL process after this many seconds; 0 for never. */
  readonly fatal_retry_secs: number;
  readonly healthcheck: HealthCheckConfig | null;
  /** RSS of the process and its descendants, bytes; 0 for no limit. */
  readonly memory_limit: number;
  /** systemd EnvironmentFile= style file read at each spawn, before environment=. */
  readonly environment_file: { readonly path: string; readonly optional: boolean } | null;
}

/** ProcessExtras of a program that sets none of them (everything behaves as supervisord's). */
export const NO_EXTRAS: ProcessExtras = Object.freeze({
  depends_on: Object.freeze([]), ready: null, backoff_max_secs: 0, fatal_retry_secs: 0, healthcheck: null,
  memory_limit: 0, environment_file: null,
});

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
  /** HTTPS (ours: tls_cert/tls_key/tls_client_ca, which supervisord ignores); null serves plain HTTP. */
  readonly tls?: InetTlsConfig | null;
}

/** The PEM texts read and checked at load, with the absolute paths they came from. */
export interface InetTlsConfig {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: string;
  readonly key: string;
  /** tls_client_ca: clients must present a certificate signed by one of these CAs; null asks for none. */
  readonly clientCaFile: string | null;
  readonly clientCa: string | null;
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
