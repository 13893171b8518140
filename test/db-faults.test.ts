import { count, eq, inArray } from 'drizzle-orm';
import postgres from 'postgres';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { boundedSocket } from '../src/db/bounded-socket.js';
import { InvalidationBus } from '../src/gateway/invalidation.js';
import { KeyCache } from '../src/gateway/key-cache.js';
import { openPostgres, type Database } from '../src/db/client.js';
import { toCsv } from '../src/db/csv.js';
import { isDatabaseUnavailable } from '../src/db/errors.js';
import { catalogError } from '../src/domain/errors.js';
import { seedPlans } from '../src/db/plans.js';
import { requestLogs } from '../src/db/schema.js';
import { ManualClock } from '../src/domain/clock.js';
import { newId } from '../src/domain/ids.js';
import { LOG_COLUMNS, LOG_FIELDS, RequestLogWriter, type RequestLogEntry } from '../src/domain/logs/writer.js';
import { logEntry } from './support/log-entry.js';
import { bootstrapOn, openTestDatabase, startServer, T0, type TestServer } from './support/harness.js';
import { SURFACES, type Outcome } from './support/surfaces.js';
import { processEnv, realProcesses } from './support/processes.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

const PG_URL = process.env.TEST_DATABASE_URL;
const procs = realProcesses('wsapi-faults-');
/** Connections this file opens carry this name, so terminating them spares the other test files. */
const APP_NAME = `wsapi_faults_${process.pid}`;
const withAppName = (url: string) => {
  const u = new URL(url);
  u.searchParams.set('application_name', APP_NAME);
  return u.toString();
};

function entry(workspaceId: string, keyId: string, i: number): RequestLogEntry {
  return logEntry({ id: newId('requestLog', T0 + i), workspaceId, keyId, requestId: `fault-${i}`, at: new Date(T0) });
}

async function logCount(db: Database, ids: string[]): Promise<number> {
  const [row] = await db.db.select({ n: count() }).from(requestLogs).where(inArray(requestLogs.id, ids));
  return row!.n;
}

describe('database errors', () => {
  it('maps outages (also wrapped by drizzle) to 503 service_unavailable with Retry-After, and nothing else', () => {
    const wrapped = (code: string) => Object.assign(new Error('Failed query: select 1'), { cause: Object.assign(new Error('x'), { code }) });
    for (const code of ['57P01', '57P03', '08006', 'ECONNREFUSED', 'ECONNRESET', 'CONNECTION_ENDED', 'CONNECTION_CLOSED', 'CONNECT_TIMEOUT', 'DB_TIMEOUT']) {
      expect(isDatabaseUnavailable(wrapped(code)), code).toBe(true);
      const mapped = catalogError(wrapped(code))!;
      expect(mapped.code).toBe('service_unavailable');
      expect(mapped.status).toBe(503);
      expect(mapped.headers['Retry-After']).toMatch(/^\d+$/);
    }
    for (const code of ['23505', '22P02', '08P01x']) expect(isDatabaseUnavailable(wrapped(code)), code).toBe(false);
    expect(catalogError(new TypeError('bug'))).toBeUndefined();
  });
});

describe('request-log writer', () => {
  let database: Database;
  let ws: string;
  let keyId: string;
  beforeAll(async () => {
    database = await openTestDatabase();
    const { workspace, admin } = await bootstrapOn(database, new ManualClock(T0), { name: 'Writer faults', plan: 'enterprise' });
    ws = workspace.id;
    keyId = admin.key.id;
  });
  afterAll(() => database.close());

  it('keeps a batch whose write failed, and writes it once even when the failed write had committed', async () => {
    let mode: 'commit-then-fail' | 'fail' | 'ok' = 'commit-then-fail';
    const flaky: Database = {
      ...database,
      async copyCsv(table, columns, csv) {
        if (mode === 'fail') throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
        await database.copyCsv(table, columns, csv);
        if (mode === 'commit-then-fail') throw Object.assign(new Error('connection reset after commit'), { code: 'ECONNRESET' });
      },
    };
    const writer = new RequestLogWriter(flaky, { flushIntervalMs: 0 });
    const first = Array.from({ length: 50 }, (_, i) => entry(ws, keyId, i));
    first.forEach((e) => writer.enqueue(e));
    await expect(writer.flush()).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(writer.pending).toBe(50);
    mode = 'ok';
    await writer.flush();
    expect(writer.pending).toBe(0);
    expect(
      await logCount(
        database,
        first.map((e) => e.id),
      ),
    ).toBe(50);

    // Failed before anything was written: nothing lost either.
    const second = Array.from({ length: 30 }, (_, i) => entry(ws, keyId, 1_000 + i));
    second.forEach((e) => writer.enqueue(e));
    mode = 'fail';
    await expect(writer.flush()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    mode = 'ok';
    await writer.flush();
    expect(
      await logCount(
        database,
        second.map((e) => e.id),
      ),
    ).toBe(30);
    expect(await writer.close()).toBe(0);
  });

  it('finishes a flush under steady traffic: rows queued after it do not hold it up', async () => {
    // Each write lets another request's row in, as a busy server does: the queue is never empty.
    let n = 3_000;
    const busy: Database = {
      ...database,
      async copyCsv(table, columns, csv) {
        await database.copyCsv(table, columns, csv);
        if (n < 3_100) writer.enqueue(entry(ws, keyId, n++));
      },
    };
    const writer = new RequestLogWriter(busy, { flushIntervalMs: 0, batchSize: 1 });
    const before = Array.from({ length: 3 }, (_, i) => entry(ws, keyId, 2_900 + i));
    before.forEach((e) => writer.enqueue(e));
    await writer.flush();
    expect(
      await logCount(
        database,
        before.map((e) => e.id),
      ),
    ).toBe(3);
    // The flush returned with rows still queued behind it, long before the traffic stopped.
    expect(n).toBeLessThan(3_010);
    expect(writer.pending).toBeGreaterThan(0);
    expect(await writer.close()).toBe(0);
  });

  it('bounds a flush whose write hangs, and close() reports what it could not write', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const stuck: Database = { ...database, copyCsv: () => released };
    const writer = new RequestLogWriter(stuck, { flushIntervalMs: 0 });
    for (let i = 0; i < 7; i++) writer.enqueue(entry(ws, keyId, 2_000 + i));
    const err = await writer.flush({ timeoutMs: 20 }).catch((e: unknown) => e);
    expect(catalogError(err)?.code).toBe('service_unavailable');
    expect(await writer.close({ timeoutMs: 20 })).toBe(7);
    release();
  });
});

describe.each(SURFACES)('a request that needs its logs written, over %s', (_name, makeSurface) => {
  let t: TestServer;
  let release!: () => void;
  beforeAll(async () => {
    const base = await openTestDatabase();
    const released = new Promise<void>((r) => (release = r));
    // The request-log COPY hangs (as it did after a restart) until the test lets it go.
    const database: Database = {
      ...base,
      copyCsv: async (table, columns, csv) => {
        await released;
        await base.copyCsv(table, columns, csv);
      },
    };
    t = await startServer({ database });
  });
  afterAll(() => t.close());

  it('answers 503 service_unavailable with Retry-After instead of hanging, then answers once the writer recovers', async () => {
    const s = makeSurface(t);
    const tenant = await t.tenant();
    await s.me(tenant.key);
    for (const outcome of [await s.logs(tenant.key), await s.usage(tenant.key)] as Outcome<unknown>[]) {
      expect(outcome.status).toBe(503);
      expect(outcome.code).toBe('service_unavailable');
      expect(outcome.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    release();
    // Once the writer has caught up (waited on here, not raced against the request's own bound).
    await t.app.logWriter.flush({ timeoutMs: 30_000 });
    const logs = await s.logs(tenant.key);
    // The whole answer on failure: a 503 here says which bound ran out.
    expect(logs.status, JSON.stringify({ code: logs.code, message: logs.message, pending: t.app.logWriter.pending })).toBe(200);
    // The `me` call and the two refused reads are all logged.
    expect(logs.data!.items.length).toBe(3);
  });
});

describe.skipIf(!PG_URL)('PostgreSQL connection faults', () => {
  let proxy: TcpProxy;
  beforeAll(async () => {
    const u = new URL(PG_URL!);
    proxy = await startTcpProxy({ host: u.hostname, port: Number(u.port || 5432) });
  });
  afterAll(() => proxy.close());

  it('settles a COPY whose connection dies after CopyDone, and the next COPY runs on a fresh connection', async () => {
    const database = openPostgres(withAppName(proxy.urlFor(PG_URL!)), { copyTimeoutMs: 60_000 });
    try {
      const { workspace, admin } = await bootstrapOn(database, new ManualClock(T0), { name: 'Copy cut', plan: 'enterprise' });
      const rows = [entry(workspace.id, admin.key.id, 0)];
      const csv = toCsv(rows, LOG_FIELDS);
      const cols = LOG_COLUMNS;
      proxy.cutOnClientMessage('c');
      const err = await database.copyCsv('request_logs', cols, csv).catch((e: unknown) => e);
      proxy.cutOnClientMessage(null);
      // Settled by the connection's close, long before the 60 s bound.
      expect(isDatabaseUnavailable(err)).toBe(true);
      expect(await logCount(database, [rows[0]!.id])).toBe(0);
      await database.copyCsv('request_logs', cols, csv);
      expect(await logCount(database, [rows[0]!.id])).toBe(1);
    } finally {
      await database.close();
    }
  });

  it('settles a COPY on a connection that went silent within its bound', async () => {
    const silent = await startTcpProxy({ host: new URL(PG_URL!).hostname, port: Number(new URL(PG_URL!).port || 5432) });
    const database = openPostgres(withAppName(silent.urlFor(PG_URL!)), { copyTimeoutMs: 300 });
    try {
      silent.silence();
      const err = await database.copyCsv('request_logs', ['id'], '"x"\n').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'DB_TIMEOUT' });
      expect(catalogError(err)?.code).toBe('service_unavailable');
    } finally {
      await silent.close();
      await database.close();
    }
  });
});

describe.skipIf(!PG_URL)('PostgreSQL backends terminated under load', () => {
  /** This test's requests are logged at this instant (the clock stands still), refused ones included. */
  const AT = T0 + 3_600_000 + (process.pid % 100_000);
  let t: TestServer;
  let killer: postgres.Sql;
  beforeAll(async () => {
    const database = openPostgres(withAppName(PG_URL!), { max: 10 });
    await seedPlans(database.db);
    t = await startServer({ database, clock: new ManualClock(AT) });
    killer = postgres(PG_URL!, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await killer.end();
    await t.close();
  });

  it('answers every request 2xx or 503 service_unavailable, keeps writing logs, and logs every answer', async () => {
    // The Admin plan: its limits stay out of the way of a load on a standing clock.
    const tenant = await t.tenant({ plan: 'admin' });
    const rest = SURFACES[0][1](t);
    const gql = SURFACES[1][1](t);
    const created = await rest.createKey(tenant.key, { name: 'loaded', permissions: ['read:contacts'], quotas: { daily: 1_000_000 } });
    expect(created.status).toBe(201);
    const key = created.data!.secret;
    let answered = 1;
    const outcomes: { what: string; status: number; code?: string }[] = [];
    let round = 0;
    const record = async (what: string, call: Promise<Outcome<unknown>>) => {
      const o = await call;
      answered++;
      outcomes.push({ what: `${round} ${what}`, status: o.status, code: o.code });
    };
    const terminate = () =>
      killer`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = ${APP_NAME} and pid <> pg_backend_pid()`;
    for (; round < 12; round++) {
      const calls: Promise<void>[] = [];
      for (let i = 0; i < 8; i++) {
        calls.push(record('rest me', rest.me(key)), record('graphql me', gql.me(key)));
        calls.push(record('rest balance', rest.creditBalance(tenant.key)), record('graphql balance', gql.creditBalance(tenant.key)));
      }
      calls.push(record('rest usage', rest.usage(tenant.key)), record('graphql logs', gql.logs(tenant.key)));
      calls.push(t.app.logWriter.flush().catch(() => undefined));
      if (round % 3 === 1) {
        await new Promise((r) => setImmediate(r));
        calls.push(terminate().then(() => undefined));
      }
      await Promise.all(calls);
    }
    const bad = outcomes.filter((o) => !(o.status === 200 || (o.status === 503 && o.code === 'service_unavailable')));
    expect(bad).toEqual([]);
    expect(outcomes.filter((o) => o.status === 200).length).toBeGreaterThan(outcomes.length / 2);

    // The writer recovers: its next attempt runs on a fresh connection.
    await t.app.logWriter.flush().catch(() => t.app.logWriter.flush());
    expect(t.app.logWriter.pending).toBe(0);
    const [logged] = await t.database.db
      .select({ n: count() })
      .from(requestLogs)
      .where(eq(requestLogs.at, new Date(AT)));
    expect(logged!.n).toBe(answered);
    for (const s of [rest, gql]) {
      expect((await s.logs(tenant.key)).status).toBe(200);
      expect((await s.usage(tenant.key)).status).toBe(200);
    }
  }, 120_000);
});

describe.skipIf(!PG_URL)('SIGTERM while the database is unreachable', () => {
  it('exits within its bound and reports how many request logs it could not write', async () => {
    const u = new URL(PG_URL!);
    const proxy = await startTcpProxy({ host: u.hostname, port: Number(u.port || 5432) });
    const direct = openPostgres(PG_URL!, { max: 2 });
    const { workspace, admin } = await bootstrapOn(direct, new ManualClock(Date.now()), { name: 'Unreachable', plan: 'enterprise' });
    const env = processEnv(procs.tempDir(), { extra: { DATABASE_URL: withAppName(proxy.urlFor(PG_URL!)), SHUTDOWN_TIMEOUT_SECONDS: '3' } });
    try {
      const server = await procs.start(env, { direct: true });
      const url = server.url;
      const call = () => fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${admin.secret}` } });
      const before = await Promise.all(Array.from({ length: 20 }, call));
      expect(before.map((r) => r.status)).toEqual(Array(20).fill(200));
      // The database goes silent: connections stay open but nothing comes back (a partition).
      proxy.silence();
      const after = await Promise.all(Array.from({ length: 10 }, call));
      expect(after.every((r) => r.status === 200 || r.status === 503)).toBe(true);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(1);
      const m = /"unwrittenLogs":(\d+)/.exec(server.out());
      expect(m, server.out()).not.toBeNull();
      const unwritten = Number(m![1]);
      expect(unwritten).toBeGreaterThanOrEqual(10);
      // Nothing is unaccounted for: what was written plus what was reported is every answer.
      const [written] = await direct.db.select({ n: count() }).from(requestLogs).where(eq(requestLogs.workspaceId, workspace.id));
      expect(written!.n + unwritten).toBe(30);
    } finally {
      await proxy.close();
      await direct.close();
    }
  }, 60_000);
});

describe('the bound on a silent server', () => {
  /** A startup packet (length, protocol 3.0) and a Sync: each owes us a ReadyForQuery. */
  const startup = () => {
    const b = Buffer.alloc(8);
    b.writeUInt32BE(8, 0);
    b.writeUInt32BE(196608, 4);
    return b;
  };
  const sync = () => Buffer.from([0x53, 0, 0, 0, 4]);

  it('drops a connection whose server stays silent even while the client keeps writing to it', async () => {
    // A server that accepts and reads, and never answers.
    const server = createNetServer((s) => s.on('data', () => {}));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const socket = boundedSocket({ host: ['127.0.0.1'], port: [port] }, 200);
      // postgres.js listens for the error; here the test does.
      const failed = new Promise<Error>((r) => socket.once('error', r));
      await new Promise<void>((r) => socket.once('connect', () => r()));
      socket.write(startup());
      // Pipelined queries keep going out every 100 ms; none is answered.
      for (let i = 0; i < 3 && !socket.destroyed; i++) {
        socket.write(sync());
        await vi.advanceTimersByTimeAsync(100);
      }
      expect(socket.destroyed).toBe(true);
      expect(await failed).toMatchObject({ code: 'DB_TIMEOUT' });
    } finally {
      vi.useRealTimers();
      await new Promise((r) => server.close(r));
    }
  });
});

describe.skipIf(!PG_URL)('LISTEN across a broken connection', () => {
  it('reports the gap once the subscription is back, and delivers again', async () => {
    const name = `wsapi_gap_${process.pid}`;
    const url = new URL(PG_URL!);
    url.searchParams.set('application_name', name);
    const database = openPostgres(url.toString());
    const killer = postgres(PG_URL!, { max: 1, onnotice: () => {} });
    try {
      const got: string[] = [];
      let gaps = 0;
      await database.listen(
        'wsapi_gap_test',
        (p) => got.push(p),
        () => gaps++,
      );
      // Polls a condition the database settles, within a bound.
      const until = async (done: () => boolean) => {
        for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 25));
        return done();
      };
      await killer`select pg_notify('wsapi_gap_test', 'before')`;
      expect(await until(() => got.includes('before'))).toBe(true);
      expect(gaps).toBe(0);
      await killer`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${name}`;
      expect(await until(() => gaps > 0)).toBe(true);
      await killer`select pg_notify('wsapi_gap_test', 'after')`;
      expect(await until(() => got.includes('after'))).toBe(true);
    } finally {
      await killer.end();
      await database.close();
    }
  });
});

describe('the key cache after an invalidation gap', () => {
  it('is emptied, so a key revoked while notifications were lost is looked up again', async () => {
    let onGap: (() => void) | undefined;
    const fake = { listen: async (_c: string, _fn: (p: string) => void, gap?: () => void) => ((onGap = gap), async () => {}) } as unknown as Database;
    const cache = new KeyCache();
    const bus = new InvalidationBus(fake);
    await bus.start(
      () => {},
      () => cache.clear(),
    );
    cache.setUnknown('h1');
    expect(cache.get('h1')).toBeNull();
    onGap!();
    expect(cache.get('h1')).toBeUndefined();
  });
});
