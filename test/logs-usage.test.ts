import { connect } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { wrapPglite } from '../src/db/client.js';
import { apiKeys, requestLogs } from '../src/db/schema.js';
import { purgeRequestLogs } from '../src/domain/logs/query.js';
import { serverForFile } from './support/fixture.js';
import { startServer, type Tenant } from './support/harness.js';
import { logEntry } from './support/log-entry.js';
import { processEnv, realProcesses } from './support/processes.js';
import { SURFACES, type Surface } from './support/surfaces.js';

const t = serverForFile();
const procs = realProcesses('wsapi-sigterm-');

describe.each(SURFACES)('request logs over %s', (_name, makeSurface) => {
  let s: Surface;
  let tenant: Tenant;
  beforeEach(async () => {
    s = makeSurface(t);
    tenant = await t.tenant();
  });

  it('records endpoint, status, time to first byte, IP, credits, request id and key for every request', async () => {
    const k = (await s.createKey(tenant.key, { name: 'logged', permissions: ['read:contacts'] })).data!;
    const ok = await s.me(k.secret, { ip: '198.51.100.23', headers: { 'x-request-id': `trace-${k.id}` } });
    const denied = await s.getKey(k.secret, k.id, { ip: '198.51.100.23' });
    expect(denied.code).toBe('insufficient_permissions');

    const logs = await s.logs(tenant.key, { apiKeyId: k.id });
    expect(logs.status).toBe(200);
    const [deniedLog, okLog] = logs.data!.items;
    expect(okLog).toMatchObject({
      requestId: `trace-${k.id}`,
      endpoint: s.meEndpoint,
      status: 200,
      ip: '198.51.100.23',
      credits: 0,
      cost: 1,
      keyPrefix: 'wbk_live',
      apiKeyId: k.id,
      errorCode: null,
      at: new Date(t.clock.now()).toISOString(),
    });
    expect(okLog!.durationMs).toBeGreaterThan(0);
    expect(okLog!.requestId).toBe(ok.headers.get('x-request-id'));
    expect(deniedLog).toMatchObject({ status: s.name === 'rest' ? 403 : 200, errorCode: 'insufficient_permissions', apiKeyId: k.id });
  });

  it('filters by key, status, status class, endpoint and time range, and paginates', async () => {
    const k = (await s.createKey(tenant.key, { name: 'filtered', permissions: ['read:contacts'] })).data!;
    const t0 = t.clock.now();
    await s.me(k.secret);
    t.clock.advance(60_000);
    await s.me(k.secret);
    await s.me('wbk_live_' + 'x'.repeat(38));
    await s.createKey(tenant.key, { name: '', permissions: [] });
    t.clock.advance(60_000);
    await s.me(k.secret);

    const byKey = await s.logs(tenant.key, { apiKeyId: k.id });
    expect(byKey.data!.items).toHaveLength(3);
    const inRange = await s.logs(tenant.key, { apiKeyId: k.id, from: new Date(t0 + 60_000).toISOString(), to: new Date(t0 + 120_000).toISOString() });
    expect(inRange.data!.items).toHaveLength(1);
    const errorsOnly = await s.logs(tenant.key, { statusClass: '4xx' });
    if (s.name === 'rest') {
      expect(errorsOnly.data!.items.map((l) => l.status)).toEqual([400]);
      expect((await s.logs(tenant.key, { status: 400 })).data!.items).toHaveLength(1);
    }
    const byEndpoint = await s.logs(tenant.key, { endpoint: s.meEndpoint });
    expect(byEndpoint.data!.items.every((l) => l.endpoint === s.meEndpoint)).toBe(true);
    expect(byEndpoint.data!.items).toHaveLength(3);

    const seen: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await s.logs(tenant.key, { first: 2, after });
      seen.push(...page.data!.items.map((l) => l.id));
      if (!page.data!.next) break;
      after = page.data!.next;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort().reverse());
    expect(seen.length).toBeGreaterThanOrEqual(6);
  });

  it("shows one key's logs through the key, and never another workspace's", async () => {
    const other = await t.tenant();
    const theirs = (await s.createKey(other.key, { name: 'theirs', permissions: ['read:contacts'] })).data!;
    await s.me(theirs.secret);
    const mine = (await s.createKey(tenant.key, { name: 'mine', permissions: ['read:contacts'] })).data!;
    await s.me(mine.secret);

    const viaKey = await s.logs(tenant.key, {}, mine.id);
    expect(viaKey.data!.items.map((l) => l.apiKeyId)).toEqual([mine.id]);
    expect(await s.logs(tenant.key, {}, theirs.id)).toMatchObject({ status: 404, code: 'not_found' });
    expect(await s.logs(tenant.key, { apiKeyId: theirs.id })).toMatchObject({ status: 404, code: 'not_found' });
    const all = await s.logs(tenant.key, { first: 100 });
    expect(all.data!.items.some((l) => l.apiKeyId === theirs.id)).toBe(false);
    expect(await s.usage(tenant.key, theirs.id)).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('needs read:logs', async () => {
    const k = (await s.createKey(tenant.key, { name: 'no logs', permissions: ['read:contacts'] })).data!;
    expect(await s.logs(k.secret)).toMatchObject({ status: 403, code: 'insufficient_permissions', message: 'Missing required permission: read:logs' });
    expect(await s.usage(k.secret)).toMatchObject({ status: 403, code: 'insufficient_permissions' });
  });
});

describe("a key's logs over REST", () => {
  it('names the key id in errors as the caller sent it: the path id on the key, key_id on the workspace', async () => {
    const tenant = await t.tenant();
    const long = `key_${'x'.repeat(61)}`;
    expect((await t.rest('GET', `/v1/api-keys/${long}/logs`, { key: tenant.key })).body.error).toEqual({
      code: 'validation_error',
      message: 'id must be at most 64 characters',
    });
    expect((await t.rest('GET', `/v1/logs?key_id=${long}`, { key: tenant.key })).body.error).toEqual({
      code: 'validation_error',
      message: 'key_id must be at most 64 characters',
    });
  });
});

describe.each(SURFACES)('usage over %s', (_name, makeSurface) => {
  it('reports calls today, calls per endpoint, error rate and last used, per key and per workspace', async () => {
    const s = makeSurface(t);
    const tenant = await t.tenant();
    const k = (await s.createKey(tenant.key, { name: 'measured', permissions: ['read:contacts'] })).data!;
    // Yesterday's call is not today's.
    await s.me(k.secret);
    const midnight = Math.floor(t.clock.now() / 86_400_000) * 86_400_000 + 86_400_000;
    t.clock.set(midnight + 3_600_000);
    for (let i = 0; i < 3; i++) await s.me(k.secret);
    await s.getKey(k.secret, k.id); // 403 (REST) / error (GraphQL)
    const u = await s.usage(tenant.key, k.id);
    expect(u.status).toBe(200);
    expect(u.data).toMatchObject({ calls: 4, errors: s.name === 'rest' ? 1 : 0, lastUsedAt: new Date(t.clock.now()).toISOString() });
    expect(u.data!.endpoints.find((e) => e.endpoint === s.meEndpoint)).toEqual({ endpoint: s.meEndpoint, calls: 3, errors: 0, errorRate: 0 });
    if (s.name === 'rest') expect(u.data!.errorRate).toBe(0.25);

    const ws = await s.usage(tenant.key);
    // The workspace adds the admin key's own calls today: this usage query itself is being served.
    expect(ws.data!.calls).toBeGreaterThanOrEqual(5);
    expect(ws.data!.lastUsedAt).toBe(new Date(t.clock.now()).toISOString());
  });
});

describe('request-log durability', () => {
  it('flushes queued logs when the app closes', async () => {
    const own = await startServer({ database: t.database, clock: t.clock, sharedDatabase: true });
    const tenant = await own.tenant();
    for (let i = 0; i < 25; i++) await own.rest('GET', '/v1/me', { key: tenant.key });
    expect(own.app.logWriter.pending).toBe(25);
    await own.close();
    const rows = await t.database.db.select().from(requestLogs).where(eq(requestLogs.workspaceId, tenant.workspaceId));
    expect(rows).toHaveLength(25);
  });

  it('purges logs past the retention period', async () => {
    const tenant = await t.tenant();
    await t.rest('GET', '/v1/me', { key: tenant.key });
    t.clock.advance(10 * 86_400_000);
    await t.rest('GET', '/v1/me', { key: tenant.key });
    await t.app.logWriter.flush();
    expect(await purgeRequestLogs(t.database.db, t.clock.now(), 5)).toBeGreaterThanOrEqual(1);
    const left = await t.database.db.select().from(requestLogs).where(eq(requestLogs.workspaceId, tenant.workspaceId));
    expect(left).toHaveLength(1);
  });

  it.skipIf(!!process.env.TEST_DATABASE_URL)(
    'loses none on SIGTERM of a real server process',
    async () => {
      const dataDir = procs.tempDir();
      const server = await procs.start(processEnv(dataDir, { database: 'embedded', extra: { DEFAULT_PLAN: 'admin' } }), { direct: true });
      const { url, key } = server;
      const n = 300;
      const results = await Promise.all(Array.from({ length: n }, () => fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${key}` } })));
      expect(results.every((r) => r.status === 200)).toBe(true);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      const pg = await PGlite.create(dataDir);
      const db = wrapPglite(pg);
      const rows = await db.db.select({ id: requestLogs.id }).from(requestLogs).where(eq(requestLogs.endpoint, 'GET /v1/me'));
      await db.close();
      expect(rows).toHaveLength(n);
    },
    90_000,
  );
});

describe('request-log COPY under load', () => {
  it('does not disturb queries running at the same time on the same pool', async () => {
    const tenant = await t.tenant();
    for (let i = 0; i < 40_000; i++) {
      t.app.logWriter.enqueue(
        logEntry({
          id: `log_copyload${String(i).padStart(8, '0')}${tenant.workspaceId.slice(-10)}`,
          workspaceId: tenant.workspaceId,
          keyId: tenant.keyId,
          requestId: `copy-${i}`,
          at: new Date(t.clock.now()),
        }),
      );
    }
    const flushing = t.app.logWriter.flush();
    // Reads keep arriving while the COPY streams.
    const reads: { status: number }[] = [];
    let done = false;
    void flushing.finally(() => (done = true));
    // More at once than the pool has connections, as under a flood of key lookups.
    const lookup = () =>
      t.database.db
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(eq(apiKeys.id, tenant.keyId))
        .then(
          () => ({ status: 200 }),
          () => ({ status: 500 }),
        );
    while (!done) reads.push(...(await Promise.all(Array.from({ length: 200 }, lookup))));
    await flushing;
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((r) => r.status !== 200)).toEqual([]);
    const rows = await t.database.db.select({ id: requestLogs.id }).from(requestLogs).where(eq(requestLogs.endpoint, 'GET /v1/me'));
    expect(rows.filter((r) => r.id.startsWith('log_copyload')).length).toBeGreaterThanOrEqual(40_000);
  });
});

describe('a client that goes away mid-request', () => {
  it('is logged (499) once admitted, so its admission is never forgiven by a re-seed from the logs', async () => {
    const tenant = await t.tenant();
    const port = Number(new URL(t.url).port);
    const requestId = `abort-${Date.now()}`;
    // Headers and part of a declared 100-byte body, then the client hangs up.
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write(
      `POST /v1/api-keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${tenant.key}\r\nContent-Type: application/json\r\n` +
        `Content-Length: 100\r\nX-Request-ID: ${requestId}\r\n\r\n{"name":`,
    );
    // Bounded wait for the server to have admitted the request (it counts it before reading the body).
    for (let i = 0; i < 200 && (await t.database.db.select().from(requestLogs).where(eq(requestLogs.requestId, requestId))).length === 0; i++) {
      if (i === 5) socket.destroy();
      await new Promise((r) => setTimeout(r, 20));
      await t.app.logWriter.flush();
    }
    const [row] = await t.database.db.select().from(requestLogs).where(eq(requestLogs.requestId, requestId));
    expect(row).toMatchObject({ status: 499, keyId: tenant.keyId, counted: true });
  });
});

describe("the hosted product's base URL", () => {
  it('serves every /v1 route under /functions/v1/api-gateway too, with the same rules, logged under the canonical path', async () => {
    const tenant = await t.tenant();
    const other = await t.tenant();
    const base = '/functions/v1/api-gateway';
    const me = await t.rest('GET', `${base}/v1/me`, { key: tenant.key, headers: { 'x-request-id': `compat-${tenant.keyId}` } });
    expect(me.status).toBe(200);
    expect(me.body.data.id).toBe(tenant.keyId);
    const created = await t.rest('POST', `${base}/v1/api-keys`, { key: tenant.key, body: { name: 'via compat', permissions: ['read:contacts'] } });
    expect(created.status).toBe(201);
    // Another workspace's id is not_found here as on /v1; so is an unknown route; no key is missing_auth.
    expect((await t.rest('GET', `${base}/v1/api-keys/${other.keyId}`, { key: tenant.key })).body.error.code).toBe('not_found');
    expect((await t.rest('GET', `${base}/v1/nope`, { key: tenant.key })).status).toBe(404);
    expect((await t.rest('GET', `${base}/v1/me`)).body.error.code).toBe('missing_auth');
    await t.app.logWriter.flush();
    const [row] = await t.database.db
      .select()
      .from(requestLogs)
      .where(eq(requestLogs.requestId, `compat-${tenant.keyId}`));
    expect(row).toMatchObject({ endpoint: 'GET /v1/me', status: 200, keyId: tenant.keyId });
  });
});
