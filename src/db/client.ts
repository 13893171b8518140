import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { type Logger, type SQL, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { lockDataDir, type DataDirLock, type LockOwner } from './data-dir-lock.js';
import { migratePgliteInstance, migratePostgresUrl } from './migrate.js';
import { pgliteCopyMerge } from './pglite-copy.js';
import { PgliteThread } from './pglite-thread.js';
import type { WorkerInit } from './pglite-worker.js';
import { boundedSocket, type SocketTarget } from './bounded-socket.js';
import { dbTimeout, withTimeout } from './errors.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** Both drivers speak the same drizzle dialect; code never needs to know which one it has. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** The rows of a raw statement, whichever driver ran it (postgres.js answers an array of rows, PGlite `{ rows }`). */
export async function selectRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows?: T[] };
  return Array.isArray(result) ? result : (result.rows ?? []);
}

/**
 * `build`'s result made once per database and key, kept as long as the database is: for drizzle
 * queries prepared once (`.prepare(name)`), whose building costs more than running them.
 */
export function oncePerDatabase<K, Q>(build: (db: Db, key: K) => Q): (db: Db, key: K) => Q {
  const made = new WeakMap<Db, Map<K, Q>>();
  return (db, key) => {
    let byKey = made.get(db);
    if (!byKey) made.set(db, (byKey = new Map()));
    let query = byKey.get(key);
    if (query === undefined) byKey.set(key, (query = build(db, key)));
    return query;
  };
}

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Queries issued through drizzle so far: lets tests prove a path touched no database. */
  readonly stats: { queries: number };
  /**
   * Runs `fn` for every NOTIFY on `channel` (from any process sharing the database), and
   * `onGap` each time the subscription is re-established after its connection broke: messages
   * sent meanwhile may be lost, so a listener that caches must start afresh.
   */
  listen(channel: string, fn: (payload: string) => void, onGap?: () => void): Promise<() => Promise<void>>;
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
  /**
   * Bulk upsert: in one transaction, COPY `csv` into a temporary table named `staging` holding
   * `table`'s `columns` (same types), then run `merge`, which reads it (an INSERT ... SELECT ...
   * ON CONFLICT, say), and return merge's rows. COPY is what makes a large import fast; the
   * merge is what lets it update rows instead of failing on them. `table`, `columns` and `merge`
   * are trusted SQL, never input. Calls run one at a time, in the order they were made (a
   * later batch's rows win), each bounded like copyCsv from when its turn comes.
   */
  copyMerge(table: string, columns: readonly string[], csv: string, merge: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
  /** The embedded database's folder lock (PGlite on a folder only), held until close(). */
  readonly lock?: DataDirLock;
}

/** The statements copyMerge runs before its merge, the same on both drivers. */
export function copyMergeStatements(table: string, columns: readonly string[], source: 'STDIN' | "'/dev/blob'") {
  const cols = columns.join(', ');
  return {
    // Typed as the target's columns, without its constraints, indexes or generated columns; gone at commit.
    prepare: `CREATE TEMP TABLE staging ON COMMIT DROP AS SELECT ${cols} FROM ${table} WITH NO DATA`,
    copy: `COPY staging (${cols}) FROM ${source} WITH (FORMAT csv)`,
  };
}

const countingLogger = (stats: { queries: number }): Logger => ({
  logQuery: () => {
    stats.queries++;
  },
});

export interface PostgresOptions {
  /** Pool size (default 10). */
  max?: number;
  /** Bound on opening a connection (default 5 s). */
  connectTimeoutSeconds?: number;
  /** Server-side bound on each statement (default 10 s); 57014 query_canceled when it runs out. */
  statementTimeoutMs?: number;
  /** Bound on each request-log COPY, from asking for a connection to its commit (default 15 s). */
  copyTimeoutMs?: number;
  /** Silence from the server, while a reply is due, after which a connection is dropped (default: statement bound + 2 s). */
  silenceTimeoutMs?: number;
  /** Run the app's own fixed statements as prepared statements (default true); false sends every statement unnamed. */
  preparedStatements?: boolean;
}

/**
 * Which statements run as named prepared statements. postgres.js sends an unnamed statement with
 * parameters in two round trips (Parse and Describe, then Bind once the parameter types are
 * back), and the server parses it each time; a prepared one is one round trip and no parse. That
 * halved a paying lead search's cost. But postgres.js keeps every prepared statement for the life
 * of its connection, as does the server, so only the app's own fixed statements are prepared:
 * drizzle queries given a name (`.prepare(name)`), and hand-written SQL marked with
 * `namedStatement`. Every other statement stays unnamed: what drizzle's query builder makes may
 * be shaped by a request's filters, a new text for each combination.
 */
export function preparedStatementPolicy(enabled: boolean): (text: string, asked: boolean | undefined) => boolean {
  return (text, asked) => enabled && (asked === true || text.startsWith(NAMED_MARK));
}

const NAMED_MARK = '/* prepared: ';

/** Hand-written SQL the app runs often, with a fixed text: prepared on each connection (see preparedStatementPolicy). `name` is a constant. */
export function namedStatement(name: string, query: SQL): SQL {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`statement name ${JSON.stringify(name)}: lower-case letters and underscores only`);
  return sql`${sql.raw(`${NAMED_MARK}${name} */ `)}${query}`;
}

type Unsafe = (text: string, params?: unknown[], options?: postgres.UnsafeQueryOptions) => unknown;
type WithCallback = (...args: unknown[]) => unknown;

/**
 * `sql` (the pool, or a transaction or savepoint drizzle was handed) deciding per statement
 * whether it is prepared (preparedStatementPolicy): drizzle's query builder asks for unnamed
 * statements, `.prepare(name)` for named ones, and `db.execute` asks nothing; its transactions
 * run on the `sql` postgres.js passes to their callbacks, so those are wrapped too. Tagged
 * template queries on the pool itself (only NOTIFY's) are prepared by postgres.js as always.
 */
function withPreparePolicy<T extends object>(sql: T, prepare: (text: string, asked: boolean | undefined) => boolean): T {
  return new Proxy(sql, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (prop === 'unsafe' && typeof value === 'function') {
        const unsafe = value as Unsafe;
        return (text: string, params?: unknown[] | postgres.UnsafeQueryOptions, options?: postgres.UnsafeQueryOptions) => {
          // unsafe(text, options) is postgres.js's form without parameters.
          if (params !== undefined && !Array.isArray(params)) return unsafe.call(target, text, [], { ...params, prepare: false });
          return unsafe.call(target, text, params, { ...options, prepare: !!params?.length && prepare(text, options?.prepare) });
        };
      }
      if ((prop === 'begin' || prop === 'savepoint') && typeof value === 'function') {
        const withCallback = value as WithCallback;
        return (...args: unknown[]) => {
          const fn = args.pop() as (inner: object) => unknown;
          return withCallback.call(target, ...args, (inner: object) => fn(withPreparePolicy(inner, prepare)));
        };
      }
      return value;
    },
  });
}

/**
 * A fault on PostgreSQL (a restart, a killed backend, a silent network) must cost at most the
 * requests in flight, answered 503, and never run a statement with another one's parameters.
 * What went wrong with postgres.js 3.4.9, reproduced by killing backends under load (about ten
 * `bind message supplies 1 parameters, but prepared statement "" requires 2` per 15 kills, and
 * COPYs that never settled):
 * - the request-log COPY ran on `reserve()`, and `release()` puts the connection back in the
 *   idle queue unconditionally, even after its socket died and the pool had moved it to the
 *   closed queue or begun reconnecting it. Queries handed to it then can sit in its pipeline
 *   list, which its close handler had already drained, and after the reconnect they are paired
 *   with later replies. A query with parameters sends Parse/Describe first and its Bind when the
 *   ParameterDescription arrives, for whichever query the connection believes is current: one
 *   statement bound with another's parameters. (Upstream, porsager/postgres#1195 and #1186
 *   describe the same stranding for `reserve()` and for transactions.)
 * - a COPY whose socket closes after CopyDone never settles: its final callback waits for a
 *   CommandComplete that never comes. The writer waited on it for good.
 * Hence: no `reserve()`; COPY on a client of its own, bounded and destroyed after any failure;
 * a failed connection retires its whole pool, so nothing stays queued on a broken connection.
 * Prepared statements (preparedStatementPolicy) live on the pool's connections only; postgres.js
 * forgets a connection's statements when it reconnects, and a replaced pool starts with none.
 */
function singleTcpHost(url: string): boolean {
  try {
    const u = new URL(url);
    return !!u.hostname && !u.hostname.includes(',') && !u.searchParams.has('host');
  } catch {
    return false;
  }
}

export function openPostgres(url: string, opts: PostgresOptions = {}): Database {
  const connectTimeout = opts.connectTimeoutSeconds ?? 5;
  const statementTimeoutMs = opts.statementTimeoutMs ?? 10_000;
  const copyTimeoutMs = opts.copyTimeoutMs ?? 15_000;
  const silenceTimeoutMs = opts.silenceTimeoutMs ?? statementTimeoutMs + 2_000;
  const base = {
    // Off for every connection but the pool's, whose statements withPreparePolicy chooses.
    prepare: false,
    connect_timeout: connectTimeout,
    // One host over TCP (the usual URL): watch each connection for a silent server (bounded-socket.ts).
    ...(singleTcpHost(url) ? { socket: (o: SocketTarget) => boundedSocket(o, silenceTimeoutMs) } : {}),
    // Dead peers that never send a reset are found by TCP keepalive within seconds, not hours.
    keep_alive: 5,
    // Its array-type query at connect is awaited by no one: a connection killed during it is an
    // unhandled rejection, which ends the process. drizzle parses arrays itself.
    fetch_types: false,
    // Replaced only when one fails, never on a timer: a replacement fails what is in flight.
    max_lifetime: null,
    onnotice: () => {},
  } as const;
  // A connection that fails poisons its pool: postgres.js 3.4.9 can strand or misalign the
  // queries it had queued on it (see the note above), so new work goes to a fresh pool at once
  // and the old one is destroyed, which fails (never strands) whatever it still held.
  let closing = false;
  const preparing = opts.preparedStatements ?? true;
  const prepare = preparedStatementPolicy(preparing);
  const openPool = (): postgres.Sql => {
    const p: postgres.Sql = postgres(url, {
      ...base,
      prepare: preparing,
      max: opts.max ?? 10,
      connection: { statement_timeout: statementTimeoutMs, idle_in_transaction_session_timeout: statementTimeoutMs },
      onclose: () => {
        if (p === pool && !closing) replacePool();
      },
    });
    return p;
  };
  let pool = openPool();
  interface Subscription {
    channel: string;
    fn: (payload: string) => void;
    onGap?: () => void;
    meta: Promise<postgres.ListenMeta | null>;
  }
  const subscriptions = new Set<Subscription>();
  // postgres.js calls `onlisten` whenever the LISTEN is (re)established, after its own reconnects
  // too; every time but a new subscription's first follows a break.
  const subscribe = (sub: Omit<Subscription, 'meta'>, afterBreak: boolean) => {
    let broken = afterBreak;
    return pool.listen(sub.channel, sub.fn, () => {
      if (broken) sub.onGap?.();
      broken = true;
    }) as Promise<postgres.ListenMeta | null>;
  };
  const replacePool = () => {
    const old = pool;
    pool = openPool();
    // drizzle set its parsers on the first pool's options; every pool needs the same.
    Object.assign(pool.options.parsers, old.options.parsers);
    Object.assign(pool.options.serializers, old.options.serializers);
    // Healthy connections finish what they run (within the statement bound); whatever is stranded
    // on the broken one is destroyed then, failing instead of hanging.
    old.end({ timeout: Math.ceil(statementTimeoutMs / 1000) }).catch(() => {});
    // postgres.js keeps retrying a LISTEN whose connection closes; a failed first try is its business.
    for (const sub of subscriptions) sub.meta = subscribe(sub, true).catch(() => null);
  };
  /** What drizzle holds: always the current pool. */
  let wrapped: { pool: postgres.Sql; sql: postgres.Sql } | null = null;
  const current = (): postgres.Sql => {
    if (!preparing) return pool;
    if (wrapped?.pool !== pool) wrapped = { pool, sql: withPreparePolicy(pool, prepare) };
    return wrapped.sql;
  };
  const client = new Proxy({} as postgres.Sql, { get: (_target, prop) => Reflect.get(current(), prop) as unknown });
  const stats = { queries: 0 };
  const db = drizzlePostgres(client, { schema, logger: countingLogger(stats) }) as unknown as Db;

  // One connection for COPY, created on demand and replaced after any failure: postgres.js
  // never settles a COPY whose socket closes after CopyDone (its final callback waits for a
  // CommandComplete that never comes), so its close is watched here as well as the clock.
  interface Copier {
    sql: postgres.Sql;
    /** Fail the COPYs in flight. */
    aborts: Set<(err: Error) => void>;
  }
  let copier: Copier | null = null;
  const dropCopier = (c: Copier) => {
    if (copier === c) copier = null;
    // timeout 0: end at once, even mid-COPY (the server aborts the COPY and rolls it back).
    c.sql.end({ timeout: 0 }).catch(() => {});
  };
  const openCopier = (): Copier => {
    const c: Copier = {
      aborts: new Set(),
      sql: postgres(url, {
        ...base,
        max: 1,
        connection: { statement_timeout: copyTimeoutMs },
        onclose: () => {
          const err = Object.assign(new Error('request-log COPY connection closed'), { code: 'CONNECTION_CLOSED' });
          c.aborts.forEach((abort) => abort(err));
          dropCopier(c);
        },
      }),
    };
    return c;
  };

  /**
   * Runs `work` on the COPY connection within copyTimeoutMs, failing at once if that connection
   * closes; after any failure the connection is dropped (which also ends a transaction left open).
   */
  const onCopier = async <T>(what: string, work: (sql: postgres.Sql) => Promise<T>): Promise<T> => {
    const c = (copier ??= openCopier());
    let abort!: (err: Error) => void;
    const closed = new Promise<never>((_, reject) => c.aborts.add((abort = reject)));
    const running = work(c.sql);
    try {
      return await withTimeout(Promise.race([running, closed]), copyTimeoutMs, () => dbTimeout(`${what} did not finish within ${copyTimeoutMs} ms`));
    } catch (err) {
      running.catch(() => {});
      dropCopier(c);
      throw err;
    } finally {
      c.aborts.delete(abort);
      closed.catch(() => {});
    }
  };
  // On the COPY connection: the temporary table lives in its session.
  const copyMergeNow = (table: string, columns: readonly string[], csv: string, merge: string) =>
    onCopier(`COPY and merge into ${table}`, (sql) =>
      sql.begin(async (tx) => {
        const { prepare, copy } = copyMergeStatements(table, columns, 'STDIN');
        await tx.unsafe(prepare);
        await pipeline(Readable.from([csv]), await tx.unsafe(copy).writable());
        return [...(await tx.unsafe(merge))] as Record<string, unknown>[];
      }),
    );
  /** The copyMerge calls waiting their turn: one at a time, in call order. */
  let merges: Promise<unknown> = Promise.resolve();

  return {
    db,
    kind: 'postgres',
    stats,
    async listen(channel, fn, onGap) {
      const sub: Subscription = { channel, fn, onGap, meta: Promise.resolve(null) };
      sub.meta = subscribe(sub, false);
      await withTimeout(sub.meta, connectTimeout * 1000 + statementTimeoutMs, () => dbTimeout(`LISTEN ${channel} timed out`));
      subscriptions.add(sub);
      return async () => {
        subscriptions.delete(sub);
        await (await sub.meta)?.unlisten();
      };
    },
    async notify(channel, payload) {
      await pool.notify(channel, payload);
    },
    async exec(sqlText) {
      await pool.unsafe(sqlText);
    },
    migrate: () => migratePostgresUrl(url),
    async copyCsv(table, columns, csv) {
      await onCopier(`COPY into ${table}`, async (sql) => {
        const sink = await sql.unsafe(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`).writable();
        await pipeline(Readable.from([csv]), sink);
      });
    },
    copyMerge(table, columns, csv, merge) {
      const run = merges.then(() => copyMergeNow(table, columns, csv, merge));
      merges = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    },
    async close() {
      closing = true;
      if (copier) dropCopier(copier);
      await pool.end({ timeout: 5 });
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
    copyMerge: (table, columns, csv, merge) => pgliteCopyMerge(pg, { ...copyMergeStatements(table, columns, "'/dev/blob'"), csv, merge }),
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
    async copyMerge(table, columns, csv, merge) {
      return (await thread.call({ kind: 'copyMerge', ...copyMergeStatements(table, columns, "'/dev/blob'"), csv, merge })) as Record<string, unknown>[];
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

export async function openDatabase(cfg: { databaseUrl?: string; dataDir?: string; owner?: LockOwner; preparedStatements?: boolean }): Promise<Database> {
  return cfg.databaseUrl
    ? openPostgres(cfg.databaseUrl, { preparedStatements: cfg.preparedStatements })
    : openPgliteThread({ dataDir: cfg.dataDir }, cfg.owner);
}
