// What each user type may do, and which type applies on a node: cesi's four types (Admin,
// Standard, Only Log, Read Only) with per-environment overrides. When any of a node's
// environments has an override for the user, the most restrictive of those overrides applies
// there; otherwise the user's own type does. Pure: the server checks every request with it.
import type { UserTypeCode } from '../db/user-types.js';

export type Capability =
  | 'view'        // pages, process lists, activity
  | 'log'         // read and tail logs, download them
  | 'control'     // start, stop, restart (single, bulk, rolling)
  | 'clear_log'   // clear a process's logs
  | 'node_admin'; // reread and update a node's config

/** Lower number, more rights: the four types nest, so "most restrictive" is the highest code. */
const ALLOWED: Readonly<Record<Capability, UserTypeCode>> = {
  view: 3,
  log: 2,
  control: 1,
  clear_log: 1,
  node_admin: 0,
};

export interface Subject {
  readonly type: UserTypeCode;
  readonly environmentTypes: ReadonlyMap<string, UserTypeCode>;
}

export function typeOnNode(user: Subject, nodeEnvironments: readonly string[]): UserTypeCode {
  let type: UserTypeCode | null = null;
  for (const env of nodeEnvironments) {
    const override = user.environmentTypes.get(env);
    if (override !== undefined && (type === null || override > type)) type = override;
  }
  return type ?? user.type;
}

export function typeAllows(type: UserTypeCode, cap: Capability): boolean {
  return type <= ALLOWED[cap];
}

export function mayOnNode(user: Subject, nodeEnvironments: readonly string[], cap: Capability): boolean {
  return typeAllows(typeOnNode(user, nodeEnvironments), cap);
}

/** Managing users, tokens of others and the webhooks: the user's own type must be Admin. */
export function isAdmin(user: Subject): boolean {
  return user.type === 0;
}
