// `fleetvisor-hub user ...`: adding, changing, listing and deleting hub users from a shell. Passwords are
// read from standard input only, and every change is written to the activity log with remote `cli`.
import type { ActivityInput, ActivityLog } from '../db/activity.js';
import { StoreError } from '../db/errors.js';
import { isValidUsername, type User, type UserStore } from '../db/users.js';
import { parseUserType, userTypeLabel, type UserTypeCode } from '../db/user-types.js';
import { readPassword } from './read-password.js';

export interface CliIo {
  readonly users: UserStore;
  readonly activity: ActivityLog;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Who runs the command (for the activity log), e.g. the login name. */
  readonly actor: string;
  /** When given, `passwd` also ends the user's web sessions. */
  readonly sessions?: { destroyUserSessions(userId: number): number };
}

export const USER_USAGE = `usage: fleetvisor-hub user add NAME [--type TYPE] [--env ENV=TYPE ...] [--must-change]
       fleetvisor-hub user passwd NAME [--must-change]
       fleetvisor-hub user delete NAME
       fleetvisor-hub user type NAME TYPE
       fleetvisor-hub user env NAME ENV TYPE|none
       fleetvisor-hub user list
TYPE is admin, standard, only-log or read-only (or 0 to 3); add's default is standard.
Passwords are read from standard input: typed twice on a terminal, else the first line.
`;

class UsageError extends Error {}

interface Parsed {
  readonly positional: string[];
  readonly values: Map<string, string[]>;
  readonly flags: Set<string>;
}

/** Split `args` into positionals, `--opt VALUE`/`--opt=VALUE` options (repeatable) and `--flag`s. */
function parse(args: readonly string[], valueOpts: readonly string[], flagOpts: readonly string[], count: number): Parsed {
  const parsed: Parsed = { positional: [], values: new Map(), flags: new Set() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      parsed.positional.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      parsed.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (flagOpts.includes(name) && eq < 0) {
      parsed.flags.add(name);
    } else if (valueOpts.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      parsed.values.set(name, [...(parsed.values.get(name) ?? []), value]);
    } else {
      throw new UsageError(`unknown option ${arg}`);
    }
  }
  if (parsed.positional.length !== count) throw new UsageError(`expected ${count} argument${count === 1 ? '' : 's'}`);
  return parsed;
}

function typeArg(s: string): UserTypeCode {
  const t = parseUserType(s);
  if (t === null) throw new UsageError(`unknown user type ${JSON.stringify(s)}`);
  return t;
}

function describeEnvironments(types: ReadonlyMap<string, UserTypeCode>): string {
  return [...types].map(([env, t]) => `${env}=${userTypeLabel(t)}`).join(', ');
}

/** The `list` table: name, type, per-environment types and a note, in aligned columns. */
export function formatUserTable(users: readonly User[]): string {
  if (users.length === 0) return 'no users\n';
  const rows = [['NAME', 'TYPE', 'ENVIRONMENTS', 'NOTE']];
  for (const u of users) {
    rows.push([u.username, userTypeLabel(u.type), describeEnvironments(u.environmentTypes) || '-', u.mustChangePassword ? 'must change password' : '']);
  }
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ').trimEnd() + '\n').join('');
}

type Change = Omit<ActivityInput, 'user' | 'remote' | 'result'>;

class UserCommand {
  constructor(
    private readonly io: CliIo,
    /** `fleetvisor-hub user <sub>`, the start of every error line. */
    private readonly prefix: string,
  ) {}

  /** Print the outcome of a change and log it; a StoreError is a refusal (exit 1), anything else propagates. */
  async change(change: Change, run: () => Promise<string> | string): Promise<number> {
    const base: Omit<ActivityInput, 'result'> = { ...change, user: this.io.actor, remote: 'cli', targetKind: change.targetKind ?? 'user' };
    let message: string;
    try {
      message = await run();
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      this.io.activity.record({ ...base, result: 'failed', detail: [change.detail, err.code].filter(Boolean).join('; ') });
      this.io.stderr.write(`${this.prefix}: ${err.message}\n`);
      return 1;
    }
    this.io.activity.record({ ...base, result: 'ok' });
    this.io.stdout.write(`${message}\n`);
    return 0;
  }

  /** Refuse before asking for a password when the answer cannot help. */
  precheck(name: string, mustExist: boolean): number | null {
    const exists = this.io.users.get(name) !== null;
    let problem: string | null = null;
    if (!isValidUsername(name)) problem = `bad user name ${JSON.stringify(name)}: use 1 to 32 letters, digits, _ . @ or -`;
    else if (mustExist && !exists) problem = `no user named ${JSON.stringify(name)}`;
    else if (!mustExist && exists) problem = `a user named ${JSON.stringify(name)} already exists`;
    if (problem === null) return null;
    this.io.stderr.write(`${this.prefix}: ${problem}\n`);
    return 1;
  }

  async add(args: readonly string[]): Promise<number> {
    const p = parse(args, ['--type', '--env'], ['--must-change'], 1);
    const name = p.positional[0] ?? '';
    const type = typeArg(p.values.get('--type')?.at(-1) ?? 'standard');
    const environmentTypes: Record<string, UserTypeCode> = {};
    for (const pair of p.values.get('--env') ?? []) {
      const eq = pair.lastIndexOf('=');
      if (eq <= 0) throw new UsageError(`--env wants ENV=TYPE, not ${JSON.stringify(pair)}`);
      environmentTypes[pair.slice(0, eq)] = typeArg(pair.slice(eq + 1));
    }
    const mustChangePassword = p.flags.has('--must-change');
    const early = this.precheck(name, false);
    if (early !== null) return early;
    const password = await readPassword(this.io, { confirm: true });
    const envText = describeEnvironments(new Map(Object.entries(environmentTypes)));
    const detail = [userTypeLabel(type), envText, mustChangePassword ? 'must change password' : ''].filter(Boolean).join('; ');
    return this.change({ action: 'user.add', target: name, detail }, async () => {
      await this.io.users.add(name, password, type, { mustChangePassword, environmentTypes });
      return `added user ${name} (${detail})`;
    });
  }

  async passwd(args: readonly string[]): Promise<number> {
    const p = parse(args, [], ['--must-change'], 1);
    const name = p.positional[0] ?? '';
    const mustChangePassword = p.flags.has('--must-change');
    const early = this.precheck(name, true);
    if (early !== null) return early;
    const password = await readPassword(this.io, { confirm: true });
    const detail = mustChangePassword ? 'must change password' : null;
    return this.change({ action: 'user.password.reset', target: name, detail }, async () => {
      await this.io.users.setPassword(name, password, { mustChangePassword });
      const user = this.io.users.get(name);
      const ended = user !== null && this.io.sessions !== undefined ? this.io.sessions.destroyUserSessions(user.id) : 0;
      return `changed the password of ${name}${mustChangePassword ? ' (to be changed at next login)' : ''}` +
        (ended > 0 ? `; ended ${ended} web session${ended === 1 ? '' : 's'}` : '');
    });
  }

  delete(args: readonly string[]): Promise<number> {
    const name = parse(args, [], [], 1).positional[0] ?? '';
    return this.change({ action: 'user.delete', target: name }, () => {
      this.io.users.delete(name);
      return `deleted user ${name}`;
    });
  }

  type(args: readonly string[]): Promise<number> {
    const [name = '', typeText = ''] = parse(args, [], [], 2).positional;
    const type = typeArg(typeText);
    return this.change({ action: 'user.type', target: name, detail: userTypeLabel(type) }, () => {
      this.io.users.setType(name, type);
      return `${name} is now ${userTypeLabel(type)}`;
    });
  }

  env(args: readonly string[]): Promise<number> {
    const [name = '', env = '', typeText = ''] = parse(args, [], [], 3).positional;
    const type = typeText.toLowerCase() === 'none' ? null : typeArg(typeText);
    const label = type === null ? 'none' : userTypeLabel(type);
    return this.change({ action: 'user.type', target: name, detail: `environment ${env}: ${label}` }, () => {
      this.io.users.setEnvironmentType(name, env, type);
      return type === null ? `${name} has no type of its own in ${env} any more` : `${name} is ${label} in ${env}`;
    });
  }

  list(args: readonly string[]): number {
    parse(args, [], [], 0);
    this.io.stdout.write(formatUserTable(this.io.users.list()));
    return 0;
  }
}

/** Run `fleetvisor-hub user <args>`; returns the exit status (0 done, 1 refused or failed, 2 usage error). */
export async function runUserCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const prefix = sub === undefined ? 'fleetvisor-hub user' : `fleetvisor-hub user ${sub}`;
  const cmd = new UserCommand(io, prefix);
  try {
    switch (sub) {
      case 'add': return await cmd.add(rest);
      case 'passwd': return await cmd.passwd(rest);
      case 'delete': return await cmd.delete(rest);
      case 'type': return await cmd.type(rest);
      case 'env': return await cmd.env(rest);
      case 'list': return cmd.list(rest);
      case 'help': case '--help': case '-h':
        io.stdout.write(USER_USAGE);
        return 0;
      default:
        throw new UsageError(sub === undefined ? 'missing command' : `unknown command ${JSON.stringify(sub)}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`${prefix}: ${err.message}\n${USER_USAGE}`);
      return 2;
    }
    // PasswordInputError and database trouble: the message is safe to show (it never holds a password).
    io.stderr.write(`${prefix}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
