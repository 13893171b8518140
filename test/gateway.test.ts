import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { requestLogs } from '../src/db/schema.js';
import { generateSecret } from '../src/domain/keys/secret.js';
import { serverForFile } from './support/fixture.js';
import { openTestDatabase, startServer, type Tenant, type TestServer } from './support/harness.js';
import * as ops from './support/operations.js';
import { SURFACES, type Surface } from './support/surfaces.js';

const t = serverForFile();

/** A secret with a valid checksum that no database holds. */
const unknownKey = () => generateSecret();
/** A secret whose checksum is wrong: refused without a lookup. */
const mistyped = () => {
  const s = generateSecret();
  return s.slice(0, 20) + (s[20] === 'a' ? 'b' : 'a') + s.slice(21);
};

describe.each(SURFACES)('authentication over %s', (_name, makeSurface) => {
  let s: Surface;
  let tenant: Tenant;
  beforeEach(async () => {
    s = makeSurface(t);
    tenant = await t.tenant();
  });

  it.each([
    ['no Authorization header', {}],
    ['a Basic scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ])('answers 401 missing_auth for %s', async (_case, headers) => {
    const r = await s.me(undefined, { headers });
    expect(r).toMatchObject({ status: 401, httpStatus: 401, code: 'missing_auth', message: 'Missing or invalid Authorization header' });
  });

  it('answers 401 invalid_key for a mistyped key without touching the database', async () => {
    const before = t.database.stats.queries;
    const r = await s.me(mistyped());
    expect(r).toMatchObject({ status: 401, httpStatus: 401, code: 'invalid_key', message: 'Invalid API key' });
    expect(t.database.stats.queries).toBe(before);
  });

  it('looks an unknown well-formed key up once, then answers from the cache', async () => {
    const key = unknownKey();
    const before = t.database.stats.queries;
    expect(await s.me(key)).toMatchObject({ status: 401, code: 'invalid_key' });
    expect(t.database.stats.queries).toBe(before + 1);
    expect(await s.me(key)).toMatchObject({ status: 401, code: 'invalid_key' });
    expect(t.database.stats.queries).toBe(before + 1);
  });

  it('echoes a well-formed X-Request-ID and replaces a malformed one, on success and failure', async () => {
    const ok = await s.me(tenant.key, { headers: { 'x-request-id': 'client-trace.42' } });
    expect(ok.headers.get('x-request-id')).toBe('client-trace.42');
    const bad = await s.me(tenant.key, { headers: { 'x-request-id': 'has spaces and <tags>' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^req_[0-9A-Z]{26}$/);
    const failed = await s.me(mistyped());
    expect(failed.headers.get('x-request-id')).toMatch(/^req_/);
  });
});

describe('the gateway cache', () => {
  it('verifies a known key without a database query', async () => {
    const tenant = await t.tenant();
    await t.gql(ops.ViewerId, {}, { key: tenant.key });
    const before = t.database.stats.queries;
    for (let i = 0; i < 5; i++) {
      const r = await t.gql(ops.ViewerId, {}, { key: tenant.key });
      expect(r.body.data?.viewer.id).toBe(tenant.keyId);
    }
    expect(t.database.stats.queries).toBe(before);
  });

  it('lets introspection through without a key, and nothing else', async () => {
    const intro = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
    });
    expect(intro.status).toBe(200);
    expect(((await intro.json()) as { data: unknown }).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const viewer = await t.gql(ops.ViewerId, {});
    expect(viewer.status).toBe(401);
    expect(viewer.body.errors?.[0]?.extensions?.code).toBe('missing_auth');
  });
});

describe('request logs of failed authentications', () => {
  it('name the key by its prefix only, never its secret', async () => {
    const tenant = await t.tenant();
    const s = SURFACES[0][1](t);
    const victim = (await s.createKey(tenant.key, { name: 'victim', permissions: ['read:contacts'] })).data!;
    await s.revokeKey(tenant.key, victim.id);
    const secrets = [victim.secret, mistyped(), unknownKey()];
    const ids: string[] = [];
    for (const secret of secrets) {
      const r = await s.me(secret, { headers: { 'x-request-id': `leak-check-${secrets.indexOf(secret)}-${tenant.workspaceId}` } });
      expect(r.status).toBe(401);
      expect(r.message).not.toContain(secret);
      ids.push(r.headers.get('x-request-id')!);
    }
    await t.app.logWriter.flush();
    for (const [i, id] of ids.entries()) {
      const [row] = await t.database.db.select().from(requestLogs).where(eq(requestLogs.requestId, id));
      expect(row).toBeDefined();
      expect(row!.keyPrefix).toBe('wbk_live');
      expect(row!.status).toBe(401);
      expect(JSON.stringify(row)).not.toContain(secrets[i]!.slice(9));
    }
  });
});

describe('IP blocking after repeated failures', () => {
  let blockT: TestServer;
  beforeAll(async () => {
    blockT = await startServer({ ipBlock: { maxFailures: 5, windowMs: 60_000, cooldownMs: 300_000 } });
  });
  afterAll(() => blockT.close());

  it.each(SURFACES)('blocks the address over %s, before any key lookup, for the cool-down', async (_n, makeSurface) => {
    const s = makeSurface(blockT);
    const tenant = await blockT.tenant();
    const ip = `203.0.113.${s.name === 'rest' ? 10 : 11}`;
    for (let i = 0; i < 5; i++) expect((await s.me(mistyped(), { ip })).code).toBe('invalid_key');
    const before = blockT.database.stats.queries;
    const blocked = await s.me(tenant.key, { ip });
    expect(blocked).toMatchObject({ status: 403, httpStatus: 403, code: 'ip_blocked', message: 'IP temporarily blocked' });
    expect(Number(blocked.headers.get('retry-after'))).toBe(300);
    expect(blockT.database.stats.queries).toBe(before);
    // Another address is unaffected.
    expect((await s.me(tenant.key, { ip: '198.51.100.7' })).status).toBe(200);
    blockT.clock.advance(300_000);
    expect((await s.me(tenant.key, { ip })).status).toBe(200);
  });

  it('counts failures in a sliding window only', async () => {
    const s = SURFACES[0][1](blockT);
    const tenant = await blockT.tenant();
    const ip = '203.0.113.20';
    for (let i = 0; i < 4; i++) await s.me(mistyped(), { ip });
    blockT.clock.advance(61_000);
    for (let i = 0; i < 4; i++) await s.me(mistyped(), { ip });
    expect((await s.me(tenant.key, { ip })).status).toBe(200);
  });
});

describe('revocation across instances sharing the database', () => {
  it('takes effect at once here and within a second on the other instance', async () => {
    const shared = process.env.TEST_DATABASE_URL ? await openTestDatabase() : t.database;
    const other = await startServer({ database: shared, clock: t.clock, sharedDatabase: true });
    try {
      const tenant = await t.tenant();
      const here = SURFACES[0][1](t);
      const there = SURFACES[1][1](other);
      const k = (await here.createKey(tenant.key, { name: 'shared', permissions: ['read:contacts'] })).data!;
      const k2 = (await here.createKey(tenant.key, { name: 'shared 2', permissions: ['read:contacts'] })).data!;
      const k3 = (await here.createKey(tenant.key, { name: 'shared 3', permissions: ['read:contacts'] })).data!;
      // Warm both caches.
      for (const key of [k, k2, k3]) {
        expect((await here.me(key.secret)).status).toBe(200);
        expect((await there.me(key.secret)).status).toBe(200);
      }
      await here.revokeKey(tenant.key, k.id);
      await here.deactivateKey(tenant.key, k2.id);
      const rotated = await here.rotateKey(tenant.key, k3.id);
      expect((await here.me(k.secret)).code).toBe('revoked_key');
      expect((await here.me(k2.secret)).code).toBe('inactive_key');
      expect((await here.me(k3.secret)).code).toBe('revoked_key');
      const started = Date.now();
      await vi.waitFor(
        async () => {
          expect((await there.me(k.secret)).code).toBe('revoked_key');
          expect((await there.me(k2.secret)).code).toBe('inactive_key');
          expect((await there.me(k3.secret)).code).toBe('revoked_key');
        },
        { timeout: 1000, interval: 10 },
      );
      expect(Date.now() - started).toBeLessThan(1000);
      expect((await there.me(rotated.data!.secret)).status).toBe(200);
    } finally {
      await other.close();
      if (process.env.TEST_DATABASE_URL) await shared.close();
    }
  });
});
