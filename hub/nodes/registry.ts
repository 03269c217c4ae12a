// The configured nodes and their watchers, by name (one per [node:x]), built from the config and
// changed in place by a reload: removed nodes are stopped, added ones started, a node whose
// address or credentials changed gets a new watcher; the others keep theirs and their state.
import type { HubConfig, HubNodeConfig } from '../config/types.js';
import type { FleetSnapshot } from './snapshot.js';
import { NodeWatcher, type WatcherSettings } from './watcher.js';

function settingsOf(config: HubConfig): WatcherSettings {
  const c = config.cesi;
  return {
    pollIntervalMs: c.pollIntervalMs, statsIntervalMs: c.statsIntervalMs,
    connectTimeoutMs: c.connectTimeoutMs, callTimeoutMs: c.callTimeoutMs,
  };
}

function sameEndpoint(a: HubNodeConfig, b: HubNodeConfig): boolean {
  return a.url === b.url && a.username === b.username && a.password === b.password && a.tlsCa === b.tlsCa;
}

export class NodeRegistry {
  readonly #snapshot: FleetSnapshot;
  #watchers = new Map<string, { cfg: HubNodeConfig; watcher: NodeWatcher }>();
  #settings: WatcherSettings;

  constructor(config: HubConfig, snapshot: FleetSnapshot) {
    this.#snapshot = snapshot;
    this.#settings = settingsOf(config);
    this.#apply(config);
  }

  get(name: string): NodeWatcher | undefined { return this.#watchers.get(name)?.watcher; }

  /** Starts every watcher (the first reads go out at once, in parallel). */
  start(): void {
    for (const { watcher } of this.#watchers.values()) watcher.start();
  }

  /** Moves to a new config; returns the names added, removed and reconnected. */
  async reload(config: HubConfig): Promise<{ added: string[]; removed: string[]; changed: string[] }> {
    const before = this.#watchers;
    const settingsChanged = JSON.stringify(settingsOf(config)) !== JSON.stringify(this.#settings);
    this.#settings = settingsOf(config);
    const stopping: Promise<void>[] = [];
    const result = { added: [] as string[], removed: [] as string[], changed: [] as string[] };
    for (const [name, entry] of before) {
      const next = config.nodes.get(name);
      if (next === undefined) result.removed.push(name);
      else if (settingsChanged || !sameEndpoint(entry.cfg, next)) result.changed.push(name);
      else continue;
      stopping.push(entry.watcher.stop());
    }
    for (const name of config.nodes.keys()) if (!before.has(name)) result.added.push(name);
    await Promise.all(stopping);
    const keep = new Map([...before].filter(([name]) => config.nodes.has(name) && !result.changed.includes(name)));
    this.#apply(config, keep);
    this.start();
    for (const { watcher } of this.#watchers.values()) watcher.kick();
    return result;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#watchers.values()].map(({ watcher }) => watcher.stop()));
  }

  /** Watchers for the config's nodes: those in `keep` are reused, the others made anew. */
  #apply(config: HubConfig, keep = new Map<string, { cfg: HubNodeConfig; watcher: NodeWatcher }>()): void {
    this.#snapshot.setNodes([...config.nodes.values()].map((n) => ({ name: n.name, url: n.url, environments: n.environments })));
    const next = new Map<string, { cfg: HubNodeConfig; watcher: NodeWatcher }>();
    for (const cfg of config.nodes.values()) {
      const kept = keep.get(cfg.name);
      next.set(cfg.name, { cfg, watcher: kept?.watcher ?? new NodeWatcher(cfg, this.#settings, this.#snapshot) });
    }
    this.#watchers = next;
  }
}
