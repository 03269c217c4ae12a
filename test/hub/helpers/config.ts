// HubConfig objects for tests that need no cesi.conf file: defaults as the loader gives them,
// fast polls, short timeouts, and the nodes and environments given.
import type { HubConfig, HubEnvironmentConfig, HubNodeConfig, HubSettings, WebhookConfig } from '../../../hub/config/types.js';

export const TEST_SETTINGS: HubSettings = {
  database: ':memory:', activityLog: null, host: '127.0.0.1', port: 0, name: 'Test hub', theme: 'light',
  tlsCert: null, tlsKey: null, pollIntervalMs: 300, statsIntervalMs: 1000, connectTimeoutMs: 1000, callTimeoutMs: 2000,
  bcryptRounds: 4,
};

export function hubConfig(nodes: readonly HubNodeConfig[], envs: Record<string, readonly string[]> = {},
  opts: { settings?: Partial<HubSettings>; webhooks?: readonly WebhookConfig[] } = {}): HubConfig {
  const environments = new Map<string, HubEnvironmentConfig>(Object.entries(envs).map(([name, members]) => [name, { name, members }]));
  const withEnvs = nodes.map((n) => ({
    ...n, environments: Object.entries(envs).filter(([, members]) => members.includes(n.name)).map(([name]) => name),
  }));
  return {
    file: '(test)', format: 'ini', cesi: { ...TEST_SETTINGS, ...opts.settings },
    nodes: new Map(withEnvs.map((n) => [n.name, n])), environments, webhooks: opts.webhooks ?? [], warnings: [],
  };
}
