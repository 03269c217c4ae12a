// The hub's users: adding, checking passwords, changing types and removing them, with cesi's rules kept
// (the user named `admin` cannot be deleted) and the last Admin protected from demotion and deletion.
import type Database from 'better-sqlite3';
import { StoreError } from './errors.js';
import { checkPassword, DEFAULT_PASSWORD, hashPassword, passwordProblem, passwordProblemMessage } from './passwords.js';
import { checked, checkedAll, checkedOptional, countOf, isUniqueViolation } from './rows.js';
import { isEnvironmentTypeRow, isUserRow, prepareUserStatements, toUser, type User, type UserRow, type UserStatements } from './user-rows.js';
import { isUserTypeCode, UserType, type UserTypeCode } from './user-types.js';

export type { User } from './user-rows.js';

const USERNAME = /^[A-Za-z0-9_.@-]{1,32}$/;
const ENVIRONMENT = /^[^\p{C}]{1,100}$/u;
/** The user cesi never lets anyone delete, and the one seeded into an empty database. */
export const PROTECTED_USERNAME = 'admin';

export interface UserStoreOptions {
  /** bcrypt cost factor for new hashes (4..31). */
  readonly bcryptRounds: number;
  readonly now?: () => number;
  /** When given, per-environment types may only be set for these environments. */
  readonly environments?: Iterable<string>;
}

export interface AddUserOptions {
  readonly mustChangePassword?: boolean;
  readonly environmentTypes?: Readonly<Record<string, UserTypeCode>>;
}

export type ImportOutcome = 'imported' | 'replaced' | 'skipped';

/** Whether `username` may be used: 1 to 32 letters, digits, _ . @ or -. */
export function isValidUsername(username: string): boolean {
  return USERNAME.test(username);
}

function checkUsername(username: string): void {
  if (!isValidUsername(username)) {
    throw new StoreError('bad_username', `bad user name ${JSON.stringify(username)}: use 1 to 32 letters, digits, _ . @ or -`);
  }
}

function checkType(type: unknown): asserts type is UserTypeCode {
  if (!isUserTypeCode(type)) throw new StoreError('bad_user_type', `bad user type ${String(type)}: use 0 to 3`);
}

function checkPolicy(password: string, username: string): void {
  const problem = passwordProblem(password, username);
  if (problem !== null) throw new StoreError(problem, passwordProblemMessage(problem));
}

function notFound(username: string): StoreError {
  return new StoreError('user_not_found', `no user named ${JSON.stringify(username)}`);
}

export class UserStore {
  readonly #db: Database.Database;
  readonly #rounds: number;
  readonly #now: () => number;
  readonly #environments: ReadonlySet<string> | null;
  /** A well-formed hash no password matches, at the configured cost, compared against for unknown names. */
  readonly #dummyHash: string;
  readonly #s: UserStatements;

  constructor(db: Database.Database, opts: UserStoreOptions) {
    if (!Number.isInteger(opts.bcryptRounds) || opts.bcryptRounds < 4 || opts.bcryptRounds > 31) {
      throw new RangeError(`bcrypt rounds must be an integer from 4 to 31, not ${opts.bcryptRounds}`);
    }
    this.#db = db;
    this.#rounds = opts.bcryptRounds;
    this.#now = opts.now ?? Date.now;
    this.#environments = opts.environments === undefined ? null : new Set(opts.environments);
    this.#dummyHash = `$2b$${String(opts.bcryptRounds).padStart(2, '0')}$fleetvisorHubDummySaltuNoPasswordMatchesThisHashValue`;
    this.#s = prepareUserStatements(db);
  }

  #row(username: string): UserRow | undefined {
    return checkedOptional(this.#s.byName.get(username), isUserRow, 'users');
  }

  #existing(username: string): UserRow {
    const row = this.#row(username);
    if (row === undefined) throw notFound(username);
    return row;
  }

  #user(row: UserRow): User {
    return toUser(row, checkedAll(this.#s.envOf.all(row.id), isEnvironmentTypeRow, 'user_environment_types'));
  }

  #adminCount(): number {
    return countOf(this.#s.countAdmins.get());
  }

  /** Refuse a change that would leave no user of type Admin. */
  #keepAnAdmin(row: UserRow, newType: UserTypeCode | null): void {
    if (row.type === UserType.ADMIN && newType !== UserType.ADMIN && this.#adminCount() <= 1) {
      throw new StoreError('last_admin', `${row.username} is the last Admin user: make another user Admin first`);
    }
  }

  #checkEnvironment(environment: string, setting: boolean): void {
    if (!ENVIRONMENT.test(environment) || (setting && this.#environments !== null && !this.#environments.has(environment))) {
      throw new StoreError('unknown_environment', `unknown environment ${JSON.stringify(environment)}`);
    }
  }

  /** Run `fn` in a write transaction taken at once, so checks and writes see the same data. */
  #write<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate();
  }

  /** When there are no users at all: add `admin` with password `admin`, to be changed at first login. */
  async seedAdmin(): Promise<boolean> {
    if (countOf(this.#s.count.get()) > 0) return false;
    const hash = await hashPassword(DEFAULT_PASSWORD, this.#rounds);
    return this.#write(() => {
      if (countOf(this.#s.count.get()) > 0) return false;
      const t = this.#now();
      this.#s.insert.run(PROTECTED_USERNAME, hash, UserType.ADMIN, 1, t, t);
      return true;
    });
  }

  /** Every user, by name. */
  list(): User[] {
    const envRows = checkedAll(this.#s.allEnv.all(), isEnvironmentTypeRow, 'user_environment_types');
    return checkedAll(this.#s.all.all(), isUserRow, 'users').map((row) => toUser(row, envRows));
  }

  get(username: string): User | null {
    const row = this.#row(username);
    return row === undefined ? null : this.#user(row);
  }

  getById(id: number): User | null {
    const row = checkedOptional(this.#s.byId.get(id), isUserRow, 'users');
    return row === undefined ? null : this.#user(row);
  }

  /**
   * The user when the password is right, else null. Exactly one bcrypt comparison runs whether or not the
   * name exists, so the time taken does not tell which names do.
   */
  async verify(username: string, password: string): Promise<User | null> {
    const row = this.#row(username);
    const ok = await checkPassword(password, row?.password_hash ?? this.#dummyHash);
    return ok && row !== undefined ? this.getById(row.id) : null;
  }

  async add(username: string, password: string, type: UserTypeCode, opts: AddUserOptions = {}): Promise<User> {
    checkUsername(username);
    checkType(type);
    const envTypes = Object.entries(opts.environmentTypes ?? {});
    for (const [env, t] of envTypes) {
      this.#checkEnvironment(env, true);
      checkType(t);
    }
    checkPolicy(password, username);
    const exists = (): StoreError => new StoreError('user_exists', `a user named ${JSON.stringify(username)} already exists`);
    if (this.#row(username) !== undefined) throw exists();
    const hash = await hashPassword(password, this.#rounds);
    const id = this.#write(() => {
      const t = this.#now();
      let info: Database.RunResult;
      try {
        info = this.#s.insert.run(username, hash, type, opts.mustChangePassword === true ? 1 : 0, t, t);
      } catch (err) {
        throw isUniqueViolation(err) ? exists() : err;
      }
      for (const [env, envType] of envTypes) this.#s.setEnv.run(info.lastInsertRowid, env, envType);
      return Number(info.lastInsertRowid);
    });
    return this.#user(checked(this.#s.byId.get(id), isUserRow, 'users'));
  }

  async setPassword(username: string, password: string, opts: { mustChangePassword: boolean }): Promise<void> {
    this.#existing(username);
    checkPolicy(password, username);
    const hash = await hashPassword(password, this.#rounds);
    this.#write(() => {
      const row = this.#existing(username);
      this.#s.setPassword.run(hash, opts.mustChangePassword ? 1 : 0, this.#now(), row.id);
    });
  }

  setType(username: string, type: UserTypeCode): void {
    checkType(type);
    this.#write(() => {
      const row = this.#existing(username);
      this.#keepAnAdmin(row, type);
      this.#s.setType.run(type, this.#now(), row.id);
    });
  }

  /** Override the user's type in one environment; null removes the override. */
  setEnvironmentType(username: string, environment: string, type: UserTypeCode | null): void {
    if (type !== null) checkType(type);
    this.#checkEnvironment(environment, type !== null);
    this.#write(() => {
      const row = this.#existing(username);
      if (type === null) this.#s.removeEnv.run(row.id, environment);
      else this.#s.setEnv.run(row.id, environment, type);
      this.#s.touch.run(this.#now(), row.id);
    });
  }

  delete(username: string): void {
    this.#write(() => {
      const row = this.#existing(username);
      if (row.username === PROTECTED_USERNAME) {
        throw new StoreError('protected_admin', `the user ${PROTECTED_USERNAME} cannot be deleted`);
      }
      this.#keepAnAdmin(row, null);
      this.#s.delete.run(row.id);
    });
  }

  /**
   * Add a user brought over from another system with the password it already has: the policy for new
   * passwords is NOT applied (the caller decides mustChangePassword). An existing user is left alone
   * unless `replace`, which sets its password, type and flag and drops its per-environment types.
   */
  async importUser(
    username: string,
    password: string,
    type: UserTypeCode,
    opts: { mustChangePassword: boolean; replace: boolean },
  ): Promise<ImportOutcome> {
    checkUsername(username);
    checkType(type);
    if (!opts.replace && this.#row(username) !== undefined) return 'skipped';
    const hash = await hashPassword(password, this.#rounds);
    const must = opts.mustChangePassword ? 1 : 0;
    return this.#write((): ImportOutcome => {
      const t = this.#now();
      const row = this.#row(username);
      if (row === undefined) {
        this.#s.insert.run(username, hash, type, must, t, t);
        return 'imported';
      }
      if (!opts.replace) return 'skipped';
      this.#keepAnAdmin(row, type);
      this.#s.replace.run(hash, type, must, t, row.id);
      this.#s.clearEnv.run(row.id);
      return 'replaced';
    });
  }
}
