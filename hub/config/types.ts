// The hub's configuration as the rest of the hub sees it: read once from cesi.conf (INI, cesi v1
// and v2.0-2.5) or cesi.conf.toml (cesi v2.6+), checked, then frozen. Pure types; imports nothing.

/** The themes the pages know; cesi's Bootswatch theme names map onto them. */
export type Theme = 'light' | 'dark';

/** What a webhook can be told about. */
export type WebhookEvent = 'process_fatal' | 'process_exited_unexpected' | 'node_down' | 'node_up';

export interface HubSettings {
  /** Absolute path of the SQLite file (relative paths are resolved against the config file's directory). */
  readonly database: string;
  /** Absolute path of cesi's plain-text activity log, or null when the key is absent or empty. */
  readonly activityLog: string | null;
  /** Address to listen on (default 127.0.0.1). */
  readonly host: string;
  /** TCP port (default 5000). */
  readonly port: number;
  /** Shown in the page header and on the login page (default "Fleetvisor"). */
  readonly name: string;
  /** The default theme of the pages (from cesi's `theme`; default light). */
  readonly theme: Theme;
  /** PEM certificate and key files for HTTPS, both or neither (absolute paths). */
  readonly tlsCert: string | null;
  readonly tlsKey: string | null;
  /** How often a stock supervisord node is polled (ms; default 1000). */
  readonly pollIntervalMs: number;
  /** How often fleetvisord nodes' CPU and memory are sampled (ms; default 10000). */
  readonly statsIntervalMs: number;
  /** Limit for connecting to a node (ms; default 3000). */
  readonly connectTimeoutMs: number;
  /** Limit for one XML-RPC call that should answer at once (ms; default 10000). */
  readonly callTimeoutMs: number;
  /** bcrypt cost factor for new password hashes (default 12; 4..15). */
  readonly bcryptRounds: number;
}

export interface HubNodeConfig {
  readonly name: string;
  /**
   * Where the node's XML-RPC server is, without credentials: `http://host:port`,
   * `https://host:port[/prefix]` (RPC at prefix + /RPC2) or `unix:///path/to.sock`.
   */
  readonly url: string;
  /** HTTP basic-auth credentials, null when not set (or set empty, as cesi allows). */
  readonly username: string | null;
  readonly password: string | null;
  /** Absolute path of a PEM CA bundle to verify an https node with, or null for the system's. */
  readonly tlsCa: string | null;
  /** The environments this node is a member of, in config order. */
  readonly environments: readonly string[];
}

export interface HubEnvironmentConfig {
  readonly name: string;
  /** Node names, in the order written. Every one is a configured node. */
  readonly members: readonly string[];
}

export interface WebhookConfig {
  readonly name: string;
  /** http:// or https:// URL the JSON is POSTed to. */
  readonly url: string;
  readonly events: readonly WebhookEvent[];
  /** Only events of nodes in these environments; null for every node. */
  readonly environments: readonly string[] | null;
  /** When set, each delivery carries X-Fleetvisor-Signature: sha256=<HMAC of the body>. */
  readonly secret: string | null;
}

export interface HubConfig {
  /** The file it was read from, as given. */
  readonly file: string;
  readonly format: 'ini' | 'toml';
  readonly cesi: HubSettings;
  /** In config order. */
  readonly nodes: ReadonlyMap<string, HubNodeConfig>;
  readonly environments: ReadonlyMap<string, HubEnvironmentConfig>;
  readonly webhooks: readonly WebhookConfig[];
  /** Things that loaded but deserve a word at start (ignored historic keys ...); never contain secrets. */
  readonly warnings: readonly string[];
}
