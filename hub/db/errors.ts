// The errors the hub's storage layer throws on purpose: a StoreError carries a stable code the web layer
// translates for people (the English message is for the CLI and logs); DatabaseVersionError stops start-up.

/** Stable codes of refused store operations. */
export type StoreErrorCode =
  | 'user_exists'
  | 'user_not_found'
  | 'bad_username'
  | 'too_short'
  | 'too_long'
  | 'same_as_username'
  | 'default_password'
  | 'last_admin'
  | 'protected_admin'
  | 'bad_user_type'
  | 'unknown_environment'
  | 'token_not_found'
  | 'bad_token_name'
  | 'token_name_exists';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
  }
}

/** The database cannot be used by this version of the hub (newer schema, or not a hub database at all). */
export class DatabaseVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseVersionError';
  }
}

/** The database file cannot be created or opened (missing directory, permissions, not SQLite). */
export class DatabaseOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseOpenError';
  }
}
