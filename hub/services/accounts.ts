// Logging in and out, own passwords and API tokens, and the user administration of Admins, with
// cesi's rules and ours: bcrypt hashes, a forced change of the seeded admin/admin, sessions of a
// user ended when an Admin resets their password or deletes them, every change and every failed
// login in the activity log. Store refusals become HubErrors with a translatable message.
import { HubError } from '../errors.js';
import type { ActivityInput } from '../db/activity.js';
import { StoreError } from '../db/errors.js';
import type { TokenInfo, TokenStore } from '../db/tokens.js';
import { userTypeLabel, type UserTypeCode } from '../db/user-types.js';
import type { User, UserStore } from '../db/users.js';

export type { User } from '../db/users.js';
export type { TokenInfo } from '../db/tokens.js';
export { isUserTypeCode, parseUserType, userTypeLabel, type UserTypeCode } from '../db/user-types.js';

export interface AccountDeps {
  readonly users: UserStore;
  readonly tokens: TokenStore;
  readonly activity: { record(e: ActivityInput): unknown };
  /** Ends every session of a user but one (its id), after a password reset or a deletion. */
  readonly endSessions: (userId: number, exceptSid?: string) => void;
  /** Environment names of the config in force (per-environment types must name one). */
  readonly environments: () => ReadonlySet<string>;
}

/** The English text of each store refusal: the key of its translations. */
const STORE_MESSAGES: Readonly<Record<StoreError['code'], string>> = {
  user_exists: 'A user with this name exists already',
  user_not_found: 'No user named {name}',
  bad_username: 'A user name is 1 to 32 letters, digits, _ . @ or -',
  too_short: 'The password must have at least 8 characters',
  too_long: 'The password must have at most 72 bytes',
  same_as_username: 'The password must differ from the user name',
  default_password: 'The password must not be admin',
  last_admin: 'The last Admin cannot be deleted or lose the Admin type',
  protected_admin: 'The user admin cannot be deleted',
  bad_user_type: 'Unknown user type',
  unknown_environment: 'No environment named {environment}',
  token_not_found: 'No such token',
  bad_token_name: 'A token name is 1 to 64 printable characters',
  token_name_exists: 'You have a token with this name already',
};

function translate(err: unknown, params: Record<string, string> = {}): never {
  if (err instanceof StoreError) {
    const code = err.code === 'user_not_found' || err.code === 'token_not_found' ? 'not_found' : 'bad_request';
    throw new HubError(code, STORE_MESSAGES[err.code], params, { cause: err });
  }
  throw err;
}

export interface Who { readonly user: User; readonly remote: string | null }

export class AccountService {
  readonly #d: AccountDeps;
  constructor(deps: AccountDeps) { this.#d = deps; }

  byId(id: number): User | null { return this.#d.users.getById(id); }
  list(): User[] { return this.#d.users.list(); }

  /** The user, or null for a wrong name or password (logged either way). */
  async login(username: string, password: string, remote: string | null): Promise<User | null> {
    const user = await this.#d.users.verify(username, password);
    this.#record({ user: user?.username ?? username, remote, targetKind: 'session', action: user === null ? 'login.failed' : 'login', result: user === null ? 'refused' : 'ok' });
    return user;
  }

  logout(who: Who): void {
    this.#record({ user: who.user.username, remote: who.remote, targetKind: 'session', action: 'logout', result: 'ok' });
  }

  /** Own password: the old one must be right; sessions elsewhere end. */
  async changeOwnPassword(who: Who, oldPassword: string, newPassword: string, sid?: string): Promise<void> {
    const verified = await this.#d.users.verify(who.user.username, oldPassword);
    if (verified === null) {
      this.#record({ user: who.user.username, remote: who.remote, target: who.user.username, targetKind: 'user', action: 'password.change', result: 'refused', detail: 'wrong old password' });
      throw new HubError('bad_request', 'The old password is wrong');
    }
    try {
      await this.#d.users.setPassword(who.user.username, newPassword, { mustChangePassword: false });
    } catch (err) {
      this.#record({ user: who.user.username, remote: who.remote, target: who.user.username, targetKind: 'user', action: 'password.change', result: 'refused', detail: err instanceof StoreError ? err.code : null });
      translate(err);
    }
    this.#d.endSessions(who.user.id, sid);
    this.#record({ user: who.user.username, remote: who.remote, target: who.user.username, targetKind: 'user', action: 'password.change', result: 'ok' });
  }

  async addUser(who: Who, username: string, password: string, type: UserTypeCode, environmentTypes: Record<string, UserTypeCode> = {}): Promise<User> {
    this.#checkEnvironments(environmentTypes);
    try {
      const user = await this.#d.users.add(username, password, type, { environmentTypes, mustChangePassword: false });
      this.#record({ user: who.user.username, remote: who.remote, target: username, targetKind: 'user', action: 'user.add', result: 'ok', detail: userTypeLabel(type) });
      return user;
    } catch (err) {
      this.#record({ user: who.user.username, remote: who.remote, target: username, targetKind: 'user', action: 'user.add', result: 'refused', detail: err instanceof StoreError ? err.code : null });
      return translate(err, { name: username });
    }
  }

  deleteUser(who: Who, username: string): void {
    const target = this.#d.users.get(username);
    try {
      this.#d.users.delete(username);
    } catch (err) {
      this.#record({ user: who.user.username, remote: who.remote, target: username, targetKind: 'user', action: 'user.delete', result: 'refused', detail: err instanceof StoreError ? err.code : null });
      translate(err, { name: username });
    }
    if (target !== null) this.#d.endSessions(target.id);
    this.#record({ user: who.user.username, remote: who.remote, target: username, targetKind: 'user', action: 'user.delete', result: 'ok' });
  }

  /** An Admin changes another user's type, per-environment types or password (which must then be changed). */
  async updateUser(who: Who, username: string, change: { type?: UserTypeCode; environmentTypes?: Record<string, UserTypeCode | null>; password?: string }): Promise<User> {
    const target = this.#d.users.get(username);
    if (target === null) throw new HubError('not_found', STORE_MESSAGES.user_not_found, { name: username });
    const done: string[] = [];
    try {
      if (change.environmentTypes !== undefined) {
        this.#checkEnvironments(change.environmentTypes);
        for (const [env, t] of Object.entries(change.environmentTypes)) {
          this.#d.users.setEnvironmentType(username, env, t);
          done.push(`${env}=${t === null ? 'none' : userTypeLabel(t)}`);
        }
      }
      if (change.type !== undefined && change.type !== target.type) {
        this.#d.users.setType(username, change.type);
        done.push(`type=${userTypeLabel(change.type)}`);
      }
      if (change.password !== undefined) {
        await this.#d.users.setPassword(username, change.password, { mustChangePassword: true });
        this.#d.endSessions(target.id);
        done.push('password reset');
      }
    } catch (err) {
      this.#record({ user: who.user.username, remote: who.remote, target: username, targetKind: 'user', action: 'user.update', result: 'refused', detail: err instanceof StoreError ? err.code : null });
      translate(err, { name: username });
    }
    this.#record({ user: who.user.username, remote: who.remote, target: username, targetKind: 'user', action: 'user.update', result: 'ok', detail: done.join(', ') || 'no change' });
    return this.#d.users.get(username) ?? target;
  }

  // API tokens ---------------------------------------------------------------------------------

  createToken(who: Who, name: string): { id: number; name: string; token: string } {
    try {
      const t = this.#d.tokens.create(who.user.id, name);
      this.#record({ user: who.user.username, remote: who.remote, target: name, targetKind: 'token', action: 'token.create', result: 'ok' });
      return t;
    } catch (err) {
      return translate(err);
    }
  }

  tokens(user: User): TokenInfo[] { return this.#d.tokens.list(user.id); }

  revokeToken(who: Who, id: number): void {
    const name = this.#d.tokens.list(who.user.id).find((t) => t.id === id)?.name ?? String(id);
    if (!this.#d.tokens.revoke(who.user.id, id)) throw new HubError('not_found', STORE_MESSAGES.token_not_found);
    this.#record({ user: who.user.username, remote: who.remote, target: name, targetKind: 'token', action: 'token.revoke', result: 'ok' });
  }

  /** The user an `Authorization: Bearer` token acts for, or null. */
  userOfToken(token: string): User | null {
    const r = this.#d.tokens.resolve(token);
    return r === null ? null : this.#d.users.getById(r.userId);
  }

  #checkEnvironments(types: Readonly<Record<string, UserTypeCode | null>>): void {
    const known = this.#d.environments();
    for (const [env, t] of Object.entries(types)) {
      if (t !== null && !known.has(env)) throw new HubError('bad_request', STORE_MESSAGES.unknown_environment, { environment: env });
    }
  }

  #record(e: ActivityInput): void { this.#d.activity.record(e); }
}
