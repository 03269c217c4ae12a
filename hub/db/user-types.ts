// The four user types (cesi's numbering and labels) and the ways people may write them. Pure; imports
// nothing, so both the web layer and the CLI can use it.

export const UserType = { ADMIN: 0, STANDARD: 1, ONLY_LOG: 2, READ_ONLY: 3 } as const;
export type UserTypeCode = 0 | 1 | 2 | 3;

const LABELS: Readonly<Record<UserTypeCode, string>> = {
  0: 'Admin',
  1: 'Standard',
  2: 'Only Log',
  3: 'Read Only',
};

const NAMES: ReadonlyMap<string, UserTypeCode> = new Map<string, UserTypeCode>([
  ['0', 0], ['1', 1], ['2', 2], ['3', 3],
  ['admin', 0],
  ['standard', 1],
  ['only log', 2], ['log', 2], ['only-log', 2],
  ['read only', 3], ['readonly', 3], ['read-only', 3],
]);

export function isUserTypeCode(v: unknown): v is UserTypeCode {
  return v === 0 || v === 1 || v === 2 || v === 3;
}

/** A type from a number 0-3, a cesi label (any case) or a short name; null when it is none of them. */
export function parseUserType(s: string): UserTypeCode | null {
  return NAMES.get(s.trim().toLowerCase()) ?? null;
}

/** cesi's label: Admin, Standard, Only Log or Read Only. */
export function userTypeLabel(code: UserTypeCode): string {
  return LABELS[code];
}
