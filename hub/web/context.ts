// What the web layer is given by the composition root (services only: routes never reach the
// database or a node directly), and what each request carries once it is authenticated.
import type { Store } from 'express-session';
import type { HubConfig } from '../config/types.js';
import type { LogService } from '../actions/logs.js';
import type { NodeAdmin } from '../actions/node-admin.js';
import type { ProcessActions } from '../actions/process-actions.js';
import type { RollingRestarts } from '../actions/rolling.js';
import type { EventStream } from '../events/event-stream.js';
import type { Catalog, Lang } from '../i18n/catalog.js';
import type { AccountService, User } from '../services/accounts.js';
import type { ActivityService } from '../services/activity.js';
import type { FleetQueries } from '../services/fleet.js';
import type { FleetSnapshot } from '../nodes/snapshot.js';

export interface LoginLimits {
  /** Failed logins allowed per window from one address, and for one user name. */
  readonly perAddress: number;
  readonly perUser: number;
  readonly windowMs: number;
}

export interface HubServices {
  readonly config: () => HubConfig;
  readonly accounts: AccountService;
  readonly fleet: FleetQueries;
  readonly snapshot: FleetSnapshot;
  readonly actions: ProcessActions;
  readonly rolling: RollingRestarts;
  readonly logs: LogService;
  readonly nodeAdmin: NodeAdmin;
  readonly activity: ActivityService;
  readonly events: EventStream;
  readonly catalog: Catalog;
  readonly sessionStore: Store;
  readonly sessionSecret: string;
  /** Served over TLS: cookies are Secure. */
  readonly secure: boolean;
  readonly version: string;
  readonly loginLimits: LoginLimits;
  /** The hub's own log (stdout, for journald). */
  readonly log: (line: string) => void;
}

export interface Principal {
  readonly user: User;
  readonly via: 'session' | 'token';
  readonly remote: string | null;
}

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    /** The secret the page forms' CSRF tokens are made from (never sent to the browser). */
    csrfSecret?: string;
    /** A message for the next page (after a redirect), kept as data and escaped when shown. */
    flash?: { kind: 'ok' | 'error'; key: string; params?: Record<string, string | number> };
  }
}

declare global {
  namespace Express {
    interface Request {
      principal?: Principal;
      lang?: Lang;
    }
  }
}
