// The keys of hub/i18n/<lang>.json that the hub builds at run time rather than writes out
// (`t('reason:' + failure.kind)`, `t(job.status)`, `t(ty.label)` ...), so that the catalogues can
// be checked complete (test/hub/i18n.test.ts). Each list is derived from the source's own types
// or constants: the Record<Union, true> tables below stop compiling when a member is added to or
// removed from the union they name, so a new failure kind or status cannot go untranslated.
import type { GroupOutcome } from '../actions/node-ops.js';
import { HUB_FAULTS } from '../actions/results.js';
import type { RollingJob, StepStatus } from '../actions/rolling.js';
import type { ActivityResult } from '../db/activity.js';
import { UserType, userTypeLabel } from '../db/user-types.js';
import type { NodeFailureKind } from '../nodes/types.js';

function members<T extends string>(table: Readonly<Record<T, true>>): readonly T[] {
  return Object.keys(table) as T[];
}

/** NodeFailureKind (hub/nodes/types.ts), shown as t('reason:' + failure.kind). */
export const NODE_FAILURE_KINDS = members<NodeFailureKind>({
  refused: true, timeout: true, auth: true, not_supervisor: true, no_rpcinterface: true, bad_response: true,
  tls: true, dns: true, nofile: true, shutting_down: true, io: true,
});
export const REASON_KEYS: readonly string[] = NODE_FAILURE_KINDS.map((k) => `reason:${k}`);

/** ActivityResult (hub/db/activity.ts), shown as t('result:' + e.result). */
export const ACTIVITY_RESULTS = members<ActivityResult>({ ok: true, failed: true, refused: true });
export const RESULT_KEYS: readonly string[] = ACTIVITY_RESULTS.map((r) => `result:${r}`);

/** StepStatus and RollingJob['status'] (hub/actions/rolling.ts), shown as t(job.status), t(step.status). */
export const ROLLING_STATUSES = members<StepStatus | RollingJob['status']>({
  pending: true, running: true, done: true, failed: true, skipped: true,
});

/** GroupOutcome['change'] (hub/actions/node-ops.ts), shown as t(k) and t(o.change) in views/hub/config-changes.ejs. */
export const CONFIG_CHANGE_KINDS = members<GroupOutcome['change']>({ added: true, changed: true, removed: true });

/** cesi's user type labels (hub/db/user-types.ts), shown as t(ty.label), t(typeLabel), t(e.label). */
export const USER_TYPE_LABELS: readonly string[] = Object.values(UserType).map((code) => userTypeLabel(code));

/** Why the hub did not try an action (hub/actions/results.ts), shown as t(r.fault) (a node's own fault falls back to itself). */
export const HUB_FAULT_TEXTS: readonly string[] = Object.values(HUB_FAULTS);

/** Every key built at run time. */
export const RUNTIME_KEYS: readonly string[] = [
  ...REASON_KEYS, ...RESULT_KEYS, ...ROLLING_STATUSES, ...CONFIG_CHANGE_KINDS, ...USER_TYPE_LABELS, ...HUB_FAULT_TEXTS,
];
