import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import type { Logger } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { lockDataDir, type DataDirLock, type LockOwner } from './data-dir-lock.js';
import { migratePgliteInstance, migratePostgresUrl } from './migrate.js';
import { PgliteThread } from './pglite-thread.js';
import type { WorkerInit } from './pglite-worker.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** Both drivers speak the same drizzle dialect; code never needs to know which one it has. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Queries issued through drizzle so far: lets tests prove a path touched no database. */
  readonly stats: { queries: number };
  /** Runs `fn` for every NOTIFY on `channel` (from any process sharing the database). */
  listen(channel: string, fn: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  /** Raw SQL for the migration runner and bulk paths. */
  exec(sqlText: string): Promise<void>;
  /** Applies drizzle/ migrations; safe to run from several processes at once. */
  migrate(): Promise<void>;
  /**
   * Bulk insert with COPY ... FROM (CSV): an order of magnitude cheaper than a multi-row
   * INSERT for request logs. `table` and `columns` are trusted identifiers, never input.
   */
  copyCsv(table: string, columns: readonly string[], csv: string): Promise<void>;
  close(): Promise<void>;
  /** The embedded database's folder lock (PGlite on a folder only), held until close(). */
  readonly lock?: DataDirLock;
}

const countingLogger = (stats: { queries: number }): Logger => ({
  logQuery: () => {
    stats.queries++;
  },
});

export function openPostgres(url: string, opts: { max?: number } = {}): Database {
  const client = postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => {},
  });
  const stats = { queries: 0 };
  const db = drizzlePostgres(client, { schema, logger: countingLogger(stats) }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    stats,
    async listen(channel, fn) {
      const sub = await client.listen(channel, fn);
      return () => sub.unlisten();
    },
    async notify(channel, payload) {
      await client.notify(channel, payload);
    },
    async exec(sqlText) {
      await client.unsafe(sqlText);
    },
    migrate: () => migratePostgresUrl(url),
    async copyCsv(table, columns, csv) {
      // A connection of its own: while COPY streams, the pool must not send other queries on it.
      const reserved = await client.reserve();
      try {
        const sink = await reserved.unsafe(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`).writable();
        await pipeline(Readable.from([csv]), sink);
      } finally {
        reserved.release();
      }
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

export function wrapPglite(pg: PGlite): Database {
  const stats = { queries: 0 };
  const db = drizzlePglite(pg, { schema, logger: countingLogger(stats) }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    stats,
    async listen(channel, fn) {
      const unsub = await pg.listen(channel, fn);
      return unsub;
    },
    async notify(channel, payload) {
      await pg.query('select pg_notify($1, $2)', [channel, payload]);
    },
    async exec(sqlText) {
      await pg.exec(sqlText);
    },
    migrate: () => migratePgliteInstance(pg),
    async copyCsv(table, columns, csv) {
      // PGlite shares the request thread: skip the WAL flush wait on this commit (a crash
      // loses at most the rows buffered in memory anyway, which the caller already accepts).
      await pg.transaction(async (tx) => {
        await tx.exec('SET LOCAL synchronous_commit = off');
        await tx.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob: new Blob([csv]) });
      });
    },
    async close() {
      if (!pg.closed) await pg.close();
    },
  };
}

/**
 * The embedded database on a thread of its own (see pglite-worker.ts): same PGlite, same
 * drizzle driver, but its work no longer pauses the request thread. A folder is opened only
 * under its lock (data-dir-lock.ts), which throws DataDirLockedError while another process has it.
 */
export async function openPgliteThread(init: WorkerInit, owner: LockOwner = { kind: 'server' }): Promise<Database> {
  const lock = init.dataDir ? await lockDataDir(init.dataDir, owner) : undefined;
  let thread: PgliteThread;
  try {
    thread = new PgliteThread(init);
    await thread.ready;
    lock?.tighten();
  } catch (err) {
    lock?.release();
    throw err;
  }
  const stats = { queries: 0 };
  const db = drizzlePglite({ client: thread.client(), schema, logger: countingLogger(stats) }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    stats,
    lock,
    listen: (channel, fn) => thread.listen(channel, fn),
    async notify(channel, payload) {
      await thread.call({ kind: 'query', sql: 'select pg_notify($1, $2)', params: [channel, payload], rowMode: 'object', rawDates: false });
    },
    async exec(sqlText) {
      await thread.call({ kind: 'exec', sql: sqlText });
    },
    async migrate() {
      await thread.call({ kind: 'migrate' });
    },
    async copyCsv(table, columns, csv) {
      await thread.call({ kind: 'copy', sql: `COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`, csv });
    },
    async close() {
      try {
        await thread.close();
        lock?.tighten();
      } finally {
        lock?.release();
      }
    },
  };
}

export async function openDatabase(cfg: { databaseUrl?: string; dataDir?: string; owner?: LockOwner }): Promise<Database> {
  return cfg.databaseUrl ? openPostgres(cfg.databaseUrl) : openPgliteThread({ dataDir: cfg.dataDir }, cfg.owner);
}
