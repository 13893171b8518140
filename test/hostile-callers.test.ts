import type { IncomingMessage } from 'node:http';
import { eq } from 'drizzle-orm';
import { getIntrospectionQuery } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../src/config.js';
import { requestLogs } from '../src/db/schema.js';
import { generateSecret, hashSecret, SECRET_PREFIX } from '../src/domain/keys/secret.js';
import { clientIpResolver, type TrustProxy } from '../src/gateway/client-ip.js';
import { LookupBudget } from '../src/gateway/lookup-budget.js';
import type { ApiError } from '../src/domain/errors.js';
import { serverForFile } from './support/fixture.js';
import { openTestDatabase, startServer, type TestServer } from './support/harness.js';
import * as ops from './support/operations.js';
import { SURFACES } from './support/surfaces.js';

/** A secret with a valid checksum that no database holds: anyone can forge these. */
const unknownKey = () => generateSecret();

async function logRow(t: TestServer, requestId: string) {
  await t.app.logWriter.flush();
  const [row] = await t.database.db.select().from(requestLogs).where(eq(requestLogs.requestId, requestId));
  return row;
}

/** Runs `n` calls, `width` at a time. */
async function inBatches<T>(n: number, width: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += width) out.push(...(await Promise.all(Array.from({ length: Math.min(width, n - i) }, (_, j) => call(i + j)))));
  return out;
}

describe('TRUST_PROXY', () => {
  const req = (remoteAddress: string, xff?: string) =>
    ({ socket: { remoteAddress }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff }, connection: { remoteAddress } }) as unknown as IncomingMessage;
  const ip = (trust: TrustProxy, remote: string, xff?: string) => clientIpResolver(trust)(req(remote, xff));

  it('parses a hop count, a list of addresses, CIDRs and names, or false; refuses true and garbage', () => {
    const trust = (v: string | undefined) => loadEnv({ TRUST_PROXY: v }).TRUST_PROXY;
    expect(trust(undefined)).toBe(false);
    expect(trust('false')).toBe(false);
    expect(trust('0')).toBe(false);
    expect(trust('2')).toBe(2);
    expect(trust('loopback, 10.0.0.0/8,fd00::1')).toEqual(['loopback', '10.0.0.0/8', 'fd00::1']);
    expect(() => trust('true')).toThrow(/TRUST_PROXY.*number of proxy hops/);
    expect(() => trust('loopback,10.0.0.300/8')).toThrow(/TRUST_PROXY entry "10.0.0.300\/8" is not an IP address/);
  });

  it('ignores X-Forwarded-For unless the peer is trusted', () => {
    expect(ip(false, '198.51.100.1', '203.0.113.9')).toBe('198.51.100.1');
    expect(ip(['loopback'], '198.51.100.1', '203.0.113.9')).toBe('198.51.100.1');
    expect(ip(['loopback'], '::ffff:198.51.100.1', '203.0.113.9')).toBe('198.51.100.1');
  });

  it('takes the right-most untrusted address, not what the client wrote on the left', () => {
    // The client wrote 6.6.6.6; our proxy (127.0.0.1) appended the address it saw.
    expect(ip(['loopback'], '127.0.0.1', '6.6.6.6, 198.51.100.7')).toBe('198.51.100.7');
    expect(ip(1, '10.0.0.5', '6.6.6.6, 198.51.100.7')).toBe('198.51.100.7');
    expect(ip(2, '10.0.0.5', '6.6.6.6, 198.51.100.7, 10.0.0.4')).toBe('198.51.100.7');
    expect(ip(['loopback', '10.0.0.0/8'], '127.0.0.1', '6.6.6.6, 198.51.100.7, 10.1.2.3')).toBe('198.51.100.7');
    expect(ip(['uniquelocal'], '10.0.0.5', '2001:db8::1')).toBe('2001:db8::1');
  });

  it('never returns something that is not an IP address: the hop that forwarded it is the caller', () => {
    const script = `<script>${'x'.repeat(3000)}</script>`;
    expect(ip(['loopback'], '127.0.0.1', script)).toBe('127.0.0.1');
    expect(ip(['loopback', '10.0.0.0/8'], '127.0.0.1', `${script}, 10.0.0.9`)).toBe('10.0.0.9');
    expect(ip(3, '10.0.0.5', `198.51.100.7, ${script}, 10.0.0.4`)).toBe('10.0.0.4');
    expect(ip(1, '10.0.0.5', '198.51.100.7:4431')).toBe('10.0.0.5');
    expect(ip(1, '10.0.0.5', `fe80::1%${'a'.repeat(3000)}`)).toBe('10.0.0.5');
  });

  describe('in the server', () => {
    it.each(SURFACES)('logs the right-most untrusted address over %s, never the garbage a client sent', async (_n, makeSurface) => {
      const s = makeSurface(t);
      const tenant = await t.tenant();
      const spoofed = await s.me(tenant.key, { headers: { 'x-forwarded-for': '6.6.6.6, 198.51.100.23' } });
      expect((await logRow(t, spoofed.headers.get('x-request-id')!))?.ip).toBe('198.51.100.23');
      const script = `<script>alert(1)</script>${'A'.repeat(3000)}`;
      const junk = await s.me(tenant.key, { headers: { 'x-forwarded-for': script } });
      expect(junk.status).toBe(200);
      expect((await logRow(t, junk.headers.get('x-request-id')!))?.ip).toBe('127.0.0.1');
    });
  });
});

/** One server for the limits below: each test uses its own addresses, and moves the clock past what it spent. */
const t = serverForFile({
  ipBlock: { maxFailures: 20, windowMs: 60_000, cooldownMs: 300_000 },
  lookupBudget: { perSecond: 10, burst: 100, addressShare: 0.5 },
  anonymousPerMinute: 60,
});
/** Refills the lookup budget (100 at 10 a second) and the anonymous limit. */
const rest = () => t.clock.advance(60_000);

describe('unknown keys from many addresses', () => {
  it('are bounded by the IP block when only the left of X-Forwarded-For varies (3,000 keys)', async () => {
    rest();
    const s = SURFACES[0][1](t);
    const before = t.database.stats.queries;
    const codes = await inBatches(3000, 50, async (i) => (await s.me(unknownKey(), { ip: `10.${i >> 8}.${i & 255}.1, 198.51.100.50` })).code);
    expect(t.database.stats.queries - before).toBe(20);
    expect(codes.filter((c) => c === 'invalid_key')).toHaveLength(20);
    expect(codes.filter((c) => c === 'ip_blocked')).toHaveLength(2980);
  });

  it.each(SURFACES)(
    'are bounded by the global lookup budget when every request comes from its own address (%s, 3,000 keys); cached keys are unaffected',
    async (name, makeSurface) => {
      rest();
      const s = makeSurface(t);
      const tenant = await t.tenant();
      expect((await s.me(tenant.key)).status).toBe(200);
      const net = name === 'rest' ? 20 : 30;
      const before = t.database.stats.queries;
      const replies = await inBatches(3000, 50, (i) => s.me(unknownKey(), { ip: `${net}.${i >> 8}.${i & 255}.2` }));
      expect(t.database.stats.queries - before).toBe(100);
      expect(replies.filter((r) => r.code === 'invalid_key')).toHaveLength(100);
      const refused = replies.filter((r) => r.code === 'service_unavailable');
      expect(refused).toHaveLength(2900);
      expect(refused[0]).toMatchObject({ status: 503, httpStatus: 503 });
      expect(refused[0]!.message).toMatch(/retry in 1 s/);
      expect(refused[0]!.headers.get('retry-after')).toBe('1');
      const row = await logRow(t, refused[0]!.headers.get('x-request-id')!);
      expect(row).toMatchObject({ status: 503, errorCode: 'service_unavailable', keyPrefix: 'wbk_live' });
      // A cached key is never affected; nor is a key known to exist that fell out of the cache,
      // whether this instance looked it up before or heard of its creation on the bus.
      expect((await s.me(tenant.key, { ip: `${net}.200.0.2` })).status).toBe(200);
      t.app.gateway.cache.invalidate(hashSecret(tenant.key));
      expect((await s.me(tenant.key, { ip: `${net}.200.0.3` })).status).toBe(200);
      const created = (await s.createKey(tenant.key, { name: `announced ${net}`, permissions: ['read:contacts'] })).data!;
      t.app.gateway.cache.invalidate(hashSecret(created.secret));
      expect((await s.me(created.secret, { ip: `${net}.200.0.4` })).status).toBe(200);
      expect(t.database.stats.queries - before).toBeGreaterThan(100);
      // The budget refills with time: a second buys ten lookups.
      t.clock.advance(1_000);
      const after = t.database.stats.queries;
      const next = await inBatches(20, 10, (i) => s.me(unknownKey(), { ip: `${net}.201.${i}.2` }));
      expect(next.filter((r) => r.code === 'invalid_key')).toHaveLength(10);
      expect(t.database.stats.queries - after).toBe(10);
    },
  );

  it('gives one address only its share of the budget', () => {
    const budget = new LookupBudget({ perSecond: 10, burst: 100, addressShare: 0.1 }, 0);
    const take = (ip: string) => {
      try {
        budget.take(ip, 0);
        return 'ok';
      } catch (err) {
        return (err as ApiError).code;
      }
    };
    expect(Array.from({ length: 15 }, () => take('203.0.113.77'))).toEqual([...Array(10).fill('ok'), ...Array(5).fill('service_unavailable')]);
    expect(take('203.0.113.78')).toBe('ok');
  });

  it('knows, from its start, every key in the database: they never spend the budget', async () => {
    const tenant = await t.tenant();
    const shared = process.env.TEST_DATABASE_URL ? await openTestDatabase() : t.database;
    const other = await startServer({ database: shared, clock: t.clock, sharedDatabase: true, lookupBudget: { perSecond: 1, burst: 1, addressShare: 1 } });
    try {
      const s = SURFACES[1][1](other);
      expect((await s.me(unknownKey())).code).toBe('invalid_key');
      expect((await s.me(unknownKey())).code).toBe('service_unavailable');
      expect((await s.me(tenant.key)).status).toBe(200);
    } finally {
      await other.close();
      if (process.env.TEST_DATABASE_URL) await shared.close();
    }
  });

  it('charges nothing for a key that exists: 60 lookups of one from one address all succeed', async () => {
    rest();
    const s = SURFACES[0][1](t);
    const tenant = await t.tenant();
    const before = t.database.stats.queries;
    for (let i = 0; i < 60; i++) {
      t.app.gateway.cache.invalidate(hashSecret(tenant.key));
      expect((await s.me(tenant.key, { ip: '203.0.113.79' })).status).toBe(200);
    }
    expect(t.database.stats.queries - before).toBeGreaterThanOrEqual(60);
  });
});

describe('the IP block under concurrency', () => {
  it.each(SURFACES)('admits exactly maxFailures failures of 50 concurrent bad requests over %s', async (name, makeSurface) => {
    rest();
    const s = makeSurface(t);
    const tenant = await t.tenant();
    const ip = name === 'rest' ? '203.0.113.50' : '203.0.113.51';
    const before = t.database.stats.queries;
    const replies = await Promise.all(Array.from({ length: 50 }, () => s.me(unknownKey(), { ip })));
    expect(replies.filter((r) => r.code === 'invalid_key')).toHaveLength(20);
    expect(replies.filter((r) => r.code === 'ip_blocked')).toHaveLength(30);
    expect(t.database.stats.queries - before).toBe(20);
    expect((await s.me(tenant.key, { ip })).code).toBe('ip_blocked');
  });

  it('does not refuse concurrent good requests from an address near its limit', async () => {
    rest();
    const s = SURFACES[0][1](t);
    const tenant = await t.tenant();
    const ip = '203.0.113.52';
    for (let i = 0; i < 19; i++) expect((await s.me(unknownKey(), { ip })).code).toBe('invalid_key');
    t.app.gateway.cache.invalidate(hashSecret(tenant.key));
    const replies = await Promise.all(Array.from({ length: 20 }, () => s.me(tenant.key, { ip })));
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
  });
});

describe('X-Request-ID shaped like an API key', () => {
  const secret = generateSecret();
  const body = secret.slice(SECRET_PREFIX.length);

  it.each(SURFACES)('is replaced by a fresh id over %s, never echoed nor stored', async (_n, makeSurface) => {
    const s = makeSurface(t);
    const tenant = await t.tenant();
    for (const sent of [secret, body, `trace-${body}`, `wbk-live-${body}`, 'WBK.LIVE.abc']) {
      for (const key of [tenant.key, undefined]) {
        const r = await s.me(key, { headers: { 'x-request-id': sent } });
        const id = r.headers.get('x-request-id')!;
        expect(id).toMatch(/^req_[0-9A-Z]{26}$/);
        const row = await logRow(t, id);
        expect(row).toBeDefined();
        expect(JSON.stringify(row)).not.toContain(body.slice(0, 20));
      }
    }
    // Ordinary trace ids are still echoed.
    const traced = await s.me(tenant.key, { headers: { 'x-request-id': '4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7' } });
    expect(traced.headers.get('x-request-id')).toBe('4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7');
  });
});

describe('GraphQL without a key', () => {
  const introspect = (query: string, opts: { ip?: string; key?: string; get?: boolean; authorization?: string } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (opts.ip) headers['x-forwarded-for'] = opts.ip;
    if (opts.key) headers.authorization = `Bearer ${opts.key}`;
    if (opts.authorization !== undefined) headers.authorization = opts.authorization;
    return opts.get
      ? fetch(`${t.url}/graphql?query=${encodeURIComponent(query)}`, { headers: { accept: 'application/graphql-response+json', ...headers } })
      : fetch(`${t.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query }) });
  };

  it('serves introspection from a cache: the cached answer equals the executed one', async () => {
    rest();
    const ip = '198.51.100.70';
    const query = getIntrospectionQuery();
    const hits = t.app.introspection.hits;
    const first = await introspect(query, { ip });
    expect(first.status).toBe(200);
    const executed = await first.text();
    expect(t.app.introspection.hits).toBe(hits);
    const second = await introspect(query, { ip });
    expect(await second.text()).toBe(executed);
    expect(t.app.introspection.hits).toBe(hits + 1);
    // Yoga's full handler (GET) shares the cache.
    const viaGet = await introspect(query, { get: true, ip });
    expect(viaGet.status).toBe(200);
    expect(JSON.parse(await viaGet.text())).toEqual(JSON.parse(executed));
    expect(t.app.introspection.hits).toBe(hits + 2);
    // With a key, introspection executes as before, with its price.
    const tenant = await t.tenant();
    const authed = (await (await introspect(query, { key: tenant.key, ip })).json()) as { data: unknown; extensions: unknown };
    expect(authed.data).toEqual(JSON.parse(executed).data);
    expect(authed.extensions).toMatchObject({ cost: {} });
    expect(t.app.introspection.hits).toBe(hits + 2);
    // Anything else without a key is still refused, and never cached.
    expect((await introspect('{ viewer { id } }', { ip })).status).toBe(401);
    expect((await introspect('{ viewer { id } }', { ip })).status).toBe(401);
    expect(t.app.introspection.hits).toBe(hits + 2);
  });

  it("treats GraphiQL's empty `Bearer ` header as no key: introspection works before a key is pasted", async () => {
    rest();
    const ip = '198.51.100.71';
    const query = '{ __schema { queryType { name } } }';
    for (const authorization of ['Bearer ', 'Bearer', '']) {
      const reply = await introspect(query, { ip, authorization });
      expect(reply.status).toBe(200);
      expect(((await reply.json()) as { data: unknown }).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    }
    // Anything but introspection still needs a key, and a malformed one is still refused.
    expect((await introspect('{ viewer { id } }', { ip, authorization: 'Bearer ' })).status).toBe(401);
    expect((await introspect(query, { ip, authorization: 'Basic abc' })).status).toBe(401);
  });

  it('does not count CORS preflights against the limit without a key', async () => {
    rest();
    const ip = '198.51.100.72';
    const preflight = () =>
      fetch(`${t.url}/graphql`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://app.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
          'x-forwarded-for': ip,
        },
      });
    for (let i = 0; i < 61; i++) expect((await preflight()).status).toBeLessThan(300);
    expect((await introspect('{ __schema { queryType { name } } }', { ip })).status).toBe(200);
  });

  it("is limited per address on the fast path and Yoga's handler; logged; keys and other addresses unaffected", async () => {
    rest();
    const tenant = await t.tenant();
    const query = '{ __schema { queryType { name } } }';
    const ip = '198.51.100.60';
    for (let i = 0; i < 59; i++) expect((await introspect(query, { ip })).status).toBe(200);
    expect((await introspect(query, { ip, get: true })).status).toBe(200);
    for (const get of [false, true]) {
      const over = await introspect(query, { ip, get });
      expect(over.status).toBe(429);
      expect(over.headers.get('retry-after')).toBe('1');
      const body = (await over.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]!.extensions.code).toBe('rate_limited');
      expect(body.errors[0]!.message).toMatch(/at most 60 requests a minute without an API key/);
      const row = await logRow(t, over.headers.get('x-request-id')!);
      expect(row).toMatchObject({ status: 429, errorCode: 'rate_limited', ip, keyId: null });
    }
    // Requests with a key, and other addresses, are unaffected.
    const authed = await t.gql(ops.ViewerId, {}, { key: tenant.key, ip });
    expect(authed.status).toBe(200);
    expect((await introspect(query, { ip: '198.51.100.61' })).status).toBe(200);
    // The window moves: a second later one more request is admitted, a minute later all of them.
    t.clock.advance(1_000);
    expect((await introspect(query, { ip })).status).toBe(200);
    expect((await introspect(query, { ip })).status).toBe(429);
    t.clock.advance(60_000);
    for (let i = 0; i < 60; i++) expect((await introspect(query, { ip })).status).toBe(200);
  });
});
