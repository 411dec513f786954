import type { Db } from './database.ts';

/** Rows per multi-row statement: SQLite binds at most 32,766 parameters; this stays far below for any table here. */
const ROWS_PER_STATEMENT = 200;

export interface BulkInsertSql {
  /** `INSERT INTO t (a, b, c) VALUES` */
  head: string;
  /** One row's placeholders, constants allowed: `(?, 'server', ?)`; `columns` says how many `?` it has. */
  row: string;
  columns: number;
  /** Anything after the rows: `ON CONFLICT … DO UPDATE …`, `RETURNING id`. */
  tail?: string;
}

export interface BulkInsert {
  /** Queues one row (exactly `columns` values); runs a statement whenever ROWS_PER_STATEMENT rows are queued. */
  add(...values: unknown[]): void;
  /** Runs what is still queued and returns every row a RETURNING tail yielded since the last finish(). */
  finish(): unknown[];
}

/**
 * Inserts many rows with one multi-row `VALUES (…), (…)` statement per ROWS_PER_STATEMENT rows, so a 100,000-row
 * import runs 500 statements instead of 100,000 (measured with better-sqlite3: about half the time of a one-row
 * statement per row, and faster than json_each, which parses every value out of JSON text again). Rows go
 * straight into one reused parameter array: building an array per row first made the garbage collector the
 * biggest cost of a large import. Must run inside the caller's transaction.
 */
export function createBulkInsert(db: Db, sql: BulkInsertSql): () => BulkInsert {
  const statement = (count: number) => {
    const prepared = db.prepare(`${sql.head} ${Array.from({ length: count }, () => sql.row).join(', ')} ${sql.tail ?? ''}`);
    if (prepared.reader) return (params: unknown[]): unknown[] => prepared.all(params);
    return (params: unknown[]): unknown[] => {
      prepared.run(params);
      return [];
    };
  };
  const many = statement(ROWS_PER_STATEMENT);
  const one = statement(1);
  return () => {
    const params: unknown[] = new Array(ROWS_PER_STATEMENT * sql.columns);
    let queued = 0;
    let out: unknown[] = [];
    return {
      add(...values) {
        const base = queued * sql.columns;
        for (let i = 0; i < sql.columns; i++) params[base + i] = values[i];
        if (++queued === ROWS_PER_STATEMENT) {
          for (const r of many(params)) out.push(r);
          queued = 0;
        }
      },
      finish() {
        for (let row = 0; row < queued; row++) for (const r of one(params.slice(row * sql.columns, (row + 1) * sql.columns))) out.push(r);
        queued = 0;
        const done = out;
        out = [];
        return done;
      },
    };
  };
}
