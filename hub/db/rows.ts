// Small helpers for reading SQLite safely: rows are plain objects of unknown shape until a type guard says
// otherwise, and a row that fails its guard means a corrupt or foreign database, reported as such.
import Database from 'better-sqlite3';

export type Row = Readonly<Record<string, unknown>>;

export function isRow(v: unknown): v is Row {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

export function isIntOrNull(v: unknown): v is number | null {
  return v === null || isInt(v);
}

export function isStringOrNull(v: unknown): v is string | null {
  return v === null || typeof v === 'string';
}

/** `v` when the guard accepts it; otherwise an error naming what was expected. */
export function checked<T>(v: unknown, guard: (v: unknown) => v is T, what: string): T {
  if (!guard(v)) throw new Error(`unexpected ${what} row in the database`);
  return v;
}

/** `v` when it is undefined (no row) or accepted by the guard. */
export function checkedOptional<T>(v: unknown, guard: (v: unknown) => v is T, what: string): T | undefined {
  return v === undefined ? undefined : checked(v, guard, what);
}

export function checkedAll<T>(vs: readonly unknown[], guard: (v: unknown) => v is T, what: string): T[] {
  return vs.map((v) => checked(v, guard, what));
}

/** The `n` of a `SELECT COUNT(*) AS n` row. */
export function countOf(v: unknown): number {
  return checked(v, (r: unknown): r is { n: number } => isRow(r) && isInt(r.n), 'count').n;
}

export function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Whether `err` is SQLite refusing a UNIQUE or PRIMARY KEY constraint. */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Database.SqliteError && (err.code === 'SQLITE_CONSTRAINT_UNIQUE' || err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY');
}
