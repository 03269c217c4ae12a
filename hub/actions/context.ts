// What the action services are given by the composition root, and who asks: the user (with their
// type and per-environment types) and the address the request came from, for checks and the log.
import type { HubConfig } from '../config/types.js';
import type { ActivityInput } from '../db/activity.js';
import type { User } from '../db/users.js';
import type { NodeRegistry } from '../nodes/registry.js';
import type { FleetSnapshot } from '../nodes/snapshot.js';

export interface Actor {
  readonly user: User;
  readonly remote: string | null;
}

export interface ActionDeps {
  readonly registry: NodeRegistry;
  readonly snapshot: FleetSnapshot;
  readonly activity: { record(e: ActivityInput): unknown };
  /** The config in force (it changes on SIGHUP). */
  readonly config: () => HubConfig;
}
