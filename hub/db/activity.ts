// The activity log: every action people take through the hub, kept in SQLite for the searchable page and,
// when configured, also appended to cesi's plain-text activity file.
import type Database from 'better-sqlite3';
import { appendActivityLine } from './activity-file.js';
import { checkedAll, countOf, isInt, isRow, isStringOrNull } from './rows.js';

export const TARGET_KINDS = ['process', 'group', 'environment', 'node', 'user', 'token', 'config', 'webhook', 'session'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];
export type ActivityResult = 'ok' | 'failed' | 'refused';

export interface ActivityInput {
  readonly user: string | null;
  readonly remote: string | null;
  readonly node?: string | null;
  readonly target?: string | null;
  readonly targetKind?: TargetKind | null;
  readonly action: string;
  readonly result: ActivityResult;
  readonly detail?: string | null;
  /** ms since the epoch; now when absent. */
  readonly time?: number;
}

export interface ActivityEntry {
  readonly id: number;
  readonly time: number;
  readonly user: string | null;
  readonly remote: string | null;
  readonly node: string | null;
  readonly target: string | null;
  /** null also for a kind this version does not know. */
  readonly targetKind: TargetKind | null;
  readonly action: string;
  readonly result: ActivityResult;
  readonly detail: string | null;
}

export interface ActivityQuery {
  /** Exact matches; empty or absent means any. */
  readonly user?: string | null;
  readonly node?: string | null;
  readonly action?: string | null;
  /** Part of the target, any case. */
  readonly process?: string | null;
  /** Part of the user, node, target, action or detail, any case. */
  readonly text?: string | null;
  /** Inclusive bounds, ms since the epoch. */
  readonly from?: number | null;
  readonly to?: number | null;
  /** 1-based. */
  readonly page?: number;
  /** Default 50, at most 500. */
  readonly perPage?: number;
}

export interface ActivityPage {
  readonly entries: ActivityEntry[];
  readonly total: number;
  readonly page: number;
  readonly perPage: number;
  /** At least 1. */
  readonly pages: number;
}

export interface ActivityLogOptions {
  /** cesi's plain-text activity log, or null for none. */
  readonly file: string | null;
  readonly now?: () => number;
  /** Told when a line could not be appended to `file` (the database row is kept regardless). */
  readonly onFileError?: (err: unknown, file: string) => void;
}

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 500;

const COLUMNS = 'id, time, user, remote, node, target, target_kind, action, result, detail';
const ORDER = 'ORDER BY time DESC, id DESC';

interface ActivityRow {
  readonly id: number;
  readonly time: number;
  readonly user: string | null;
  readonly remote: string | null;
  readonly node: string | null;
  readonly target: string | null;
  readonly target_kind: string | null;
  readonly action: string;
  readonly result: ActivityResult;
  readonly detail: string | null;
}

function isResult(v: unknown): v is ActivityResult {
  return v === 'ok' || v === 'failed' || v === 'refused';
}

function isTargetKind(v: unknown): v is TargetKind {
  return TARGET_KINDS.some((k) => k === v);
}

function isActivityRow(v: unknown): v is ActivityRow {
  return (
    isRow(v) && isInt(v.id) && isInt(v.time) && isStringOrNull(v.user) && isStringOrNull(v.remote) && isStringOrNull(v.node) &&
    isStringOrNull(v.target) && isStringOrNull(v.target_kind) && typeof v.action === 'string' && isResult(v.result) &&
    isStringOrNull(v.detail)
  );
}

function toEntry(r: ActivityRow): ActivityEntry {
  return {
    id: r.id, time: r.time, user: r.user, remote: r.remote, node: r.node, target: r.target,
    targetKind: isTargetKind(r.target_kind) ? r.target_kind : null,
    action: r.action, result: r.result, detail: r.detail,
  };
}

function isValueRow(v: unknown): v is { v: string } {
  return isRow(v) && typeof v.v === 'string';
}

/** `s` as a LIKE pattern matching it anywhere, its own %, _ and \ taken literally (ESCAPE '\'). */
export function likeContains(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function present(s: string | null | undefined): s is string {
  return s !== undefined && s !== null && s !== '';
}

function bound(n: number | null | undefined): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

export class ActivityLog {
  readonly #db: Database.Database;
  readonly #file: string | null;
  readonly #now: () => number;
  readonly #onFileError: ((err: unknown, file: string) => void) | undefined;
  readonly #insert: Database.Statement<unknown[]>;
  readonly #latest: Database.Statement<unknown[]>;
  readonly #distinct: { users: Database.Statement<unknown[]>; nodes: Database.Statement<unknown[]>; actions: Database.Statement<unknown[]> };
  /** Search statements by the set of filters used (at most 2^7 of them), prepared on first use. */
  readonly #searches = new Map<string, { count: Database.Statement<unknown[]>; page: Database.Statement<unknown[]> }>();

  constructor(db: Database.Database, opts: ActivityLogOptions) {
    this.#db = db;
    this.#file = opts.file;
    this.#now = opts.now ?? Date.now;
    this.#onFileError = opts.onFileError;
    this.#insert = db.prepare(
      'INSERT INTO activity (time, user, remote, node, target, target_kind, action, result, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#latest = db.prepare(`SELECT ${COLUMNS} FROM activity ${ORDER} LIMIT ?`);
    this.#distinct = {
      users: db.prepare('SELECT DISTINCT user AS v FROM activity WHERE user IS NOT NULL ORDER BY user'),
      nodes: db.prepare('SELECT DISTINCT node AS v FROM activity WHERE node IS NOT NULL ORDER BY node'),
      actions: db.prepare('SELECT DISTINCT action AS v FROM activity ORDER BY action'),
    };
  }

  /** Store one entry (and append it to the text file when there is one); returns it as stored. */
  record(e: ActivityInput): ActivityEntry {
    const time = Math.round(e.time ?? this.#now());
    const info = this.#insert.run(
      time, e.user, e.remote, e.node ?? null, e.target ?? null, e.targetKind ?? null, e.action, e.result, e.detail ?? null,
    );
    const entry: ActivityEntry = {
      id: Number(info.lastInsertRowid), time, user: e.user, remote: e.remote, node: e.node ?? null, target: e.target ?? null,
      targetKind: e.targetKind ?? null, action: e.action, result: e.result, detail: e.detail ?? null,
    };
    if (this.#file !== null) {
      try {
        appendActivityLine(this.#file, entry);
      } catch (err) {
        this.#onFileError?.(err, this.#file);
      }
    }
    return entry;
  }

  /** The `n` newest entries, newest first. */
  latest(n: number): ActivityEntry[] {
    const limit = Math.max(0, Math.floor(Number.isFinite(n) ? n : 0));
    return checkedAll(this.#latest.all(limit), isActivityRow, 'activity').map(toEntry);
  }

  search(q: ActivityQuery): ActivityPage {
    const where: string[] = [];
    const params: Record<string, string | number> = {};
    if (present(q.user)) { where.push('user = @user'); params.user = q.user; }
    if (present(q.node)) { where.push('node = @node'); params.node = q.node; }
    if (present(q.action)) { where.push('action = @action'); params.action = q.action; }
    if (present(q.process)) { where.push("target LIKE @process ESCAPE '\\'"); params.process = likeContains(q.process); }
    if (present(q.text)) {
      const cols = ['user', 'node', 'target', 'action', 'detail'].map((c) => `${c} LIKE @text ESCAPE '\\'`);
      where.push(`(${cols.join(' OR ')})`);
      params.text = likeContains(q.text);
    }
    if (bound(q.from)) { where.push('time >= @from'); params.from = q.from; }
    if (bound(q.to)) { where.push('time <= @to'); params.to = q.to; }
    const perPage = Math.min(MAX_PER_PAGE, Math.max(1, Math.floor(q.perPage !== undefined && Number.isFinite(q.perPage) ? q.perPage : DEFAULT_PER_PAGE)));
    const page = Math.max(1, Math.floor(q.page !== undefined && Number.isFinite(q.page) ? q.page : 1));
    const s = this.#searchStatements(where);
    const total = countOf(s.count.get(params));
    const rows = s.page.all({ ...params, limit: perPage, offset: (page - 1) * perPage });
    return {
      entries: checkedAll(rows, isActivityRow, 'activity').map(toEntry),
      total,
      page,
      perPage,
      pages: Math.max(1, Math.ceil(total / perPage)),
    };
  }

  #searchStatements(where: readonly string[]): { count: Database.Statement<unknown[]>; page: Database.Statement<unknown[]> } {
    const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
    let s = this.#searches.get(clause);
    if (s === undefined) {
      s = {
        count: this.#db.prepare(`SELECT COUNT(*) AS n FROM activity ${clause}`),
        page: this.#db.prepare(`SELECT ${COLUMNS} FROM activity ${clause} ${ORDER} LIMIT @limit OFFSET @offset`),
      };
      this.#searches.set(clause, s);
    }
    return s;
  }

  /** The users, nodes and actions that occur, sorted, for filter menus. */
  distinct(): { users: string[]; nodes: string[]; actions: string[] } {
    const values = (st: Database.Statement<unknown[]>): string[] => checkedAll(st.all(), isValueRow, 'activity').map((r) => r.v);
    return { users: values(this.#distinct.users), nodes: values(this.#distinct.nodes), actions: values(this.#distinct.actions) };
  }
}
