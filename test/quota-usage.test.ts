import { beforeEach, describe, expect, it } from 'vitest';
import { serverForFile } from './support/fixture.js';
import { moveToTomorrow, startServer, type Tenant } from './support/harness.js';
import * as ops from './support/operations.js';
import { SURFACES, type Surface } from './support/surfaces.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const t = serverForFile();

const moveTo = (hhmmss: string) => moveToTomorrow(t.clock, hhmmss);
const iso = (ms: number) => new Date(ms).toISOString();
const isoSeconds = (ms: number) => iso(ms).replace('.000Z', 'Z');
const quota = (limit: number, used: number, nextSlotAt: number | null) => ({
  limit,
  used,
  remaining: Math.max(0, limit - used),
  nextSlotAt: nextSlotAt === null ? null : iso(nextSlotAt),
});
/** The last item of a RateLimit or RateLimit-Policy field: the key's tightest quota, when it has quotas. */
const lastItem = (field: string | null) => field?.split(', ').at(-1);

describe.each(SURFACES)('what a key shows of its quotas over %s', (_name, makeSurface) => {
  let s: Surface;
  let ent: Tenant;
  beforeEach(async () => {
    s = makeSurface(t);
    ent = await t.tenant({ plan: 'enterprise' });
  });
  const withQuotas = async (quotas: Record<string, number>, opts: { tier?: string; tenant?: Tenant } = {}) =>
    (
      await s.createKey((opts.tenant ?? ent).key, {
        name: `q ${JSON.stringify(quotas)} ${opts.tier ?? ''}`,
        permissions: ['read:contacts'],
        quotas,
        rateLimitTier: opts.tier,
      })
    ).data!;

  it('shows used, remaining and the next slot per quota: moving with calls, freeing with time, never counting a read', async () => {
    const k = await withQuotas({ total: 10, daily: 3, weekly: 5 });
    const t0 = moveTo('10:00:00');
    expect((await s.quotaUsage(ent.key, k.id)).data).toEqual({ total: quota(10, 0, null), daily: quota(3, 0, null), weekly: quota(5, 0, null) });

    expect((await s.me(k.secret)).status).toBe(200);
    t.clock.set(t0 + 30 * MIN + 15_000);
    expect((await s.me(k.secret)).status).toBe(200);
    // The 10:00:00.000 call closes its minute, so it leaves each window exactly one window later.
    const afterTwo = { total: quota(10, 2, null), daily: quota(3, 2, t0 + DAY), weekly: quota(5, 2, t0 + 7 * DAY) };
    expect((await s.quotaUsage(ent.key, k.id)).data).toEqual(afterTwo);
    // Reading is no request of the key's: reading again finds the same.
    expect((await s.quotaUsage(ent.key, k.id)).data).toEqual(afterTwo);

    // The key sees its own, this very request (admitted first) counted.
    const own = await s.ownQuotaUsage(k.secret);
    expect(own.data).toEqual({ total: quota(10, 3, null), daily: quota(3, 3, t0 + DAY), weekly: quota(5, 3, t0 + 7 * DAY) });
    const refused = await s.me(k.secret);
    expect(refused.code).toBe('quota_exceeded');
    expect(t.clock.now() + Number(refused.headers.get('retry-after')) * 1000).toBe(t0 + DAY);

    // The first call leaves the daily window; the two of 10:30:15 leave with their minute, at 10:31.
    t.clock.set(t0 + DAY);
    const nextDay = { total: quota(10, 3, null), daily: quota(3, 2, t0 + 31 * MIN + DAY), weekly: quota(5, 3, t0 + 7 * DAY) };
    expect((await s.quotaUsage(ent.key, k.id)).data).toEqual(nextDay);

    // Another instance holding no counters seeds them from the request logs, as an admission would.
    const fresh = await startServer({ database: t.database, clock: t.clock, sharedDatabase: true, redisUrl: '' });
    try {
      expect((await makeSurface(fresh).quotaUsage(ent.key, k.id)).data).toEqual(nextDay);
    } finally {
      await fresh.close();
    }
    expect((await s.me(k.secret)).status).toBe(200);
  });

  it("shows nothing for a key without quotas, and no other workspace's key", async () => {
    const plain = (await s.createKey(ent.key, { name: 'no quotas', permissions: ['read:contacts'] })).data!;
    expect((await s.quotaUsage(ent.key, plain.id)).data).toEqual({});
    expect((await s.ownQuotaUsage(plain.secret)).data).toEqual({});
    const other = await t.tenant();
    const theirs = await withQuotas({ daily: 5 }, { tenant: other });
    expect(await s.quotaUsage(ent.key, theirs.id)).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('adds the tightest quota to RateLimit-Policy and RateLimit, next to the plan windows', async () => {
    const k = await withQuotas({ daily: 3, weekly: 10, total: 100 });
    const t0 = moveTo('11:00:00');
    let r = await s.me(k.secret);
    const policy = r.headers.get('ratelimit-policy')!;
    expect(policy.startsWith('"second";')).toBe(true);
    expect(lastItem(policy)).toBe('"quota_daily";q=3;w=86400');
    // `t`: seconds until more of the quota comes back (the call just made leaves in 24 h).
    expect(lastItem(r.headers.get('ratelimit'))).toBe('"quota_daily";r=2;t=86400');
    t.clock.set(t0 + 10 * MIN);
    r = await s.me(k.secret);
    expect(lastItem(r.headers.get('ratelimit'))).toBe(`"quota_daily";r=1;t=${86_400 - 600}`);
    // The plan's own headers are unchanged by it.
    expect(r.headers.get('x-ratelimit-limit')).toBe('200000');

    // Total has no window and never comes back: no w, no t.
    const total = await withQuotas({ total: 2, daily: 5 });
    r = await s.me(total.secret);
    expect(lastItem(r.headers.get('ratelimit-policy'))).toBe('"quota_total";q=2');
    expect(lastItem(r.headers.get('ratelimit'))).toBe('"quota_total";r=1');

    // A tie goes to the longer window, which frees later.
    const tie = await withQuotas({ daily: 5, weekly: 5 });
    r = await s.me(tie.secret);
    expect(lastItem(r.headers.get('ratelimit'))).toBe('"quota_weekly";r=4;t=604800');

    // A refusal carries the quota that refused it, with nothing left.
    await s.me(k.secret);
    const refused = await s.me(k.secret);
    expect(refused.code).toBe('quota_exceeded');
    expect(lastItem(refused.headers.get('ratelimit'))).toBe(`"quota_daily";r=0;t=${refused.headers.get('retry-after')}`);

    // Keys without quotas carry the plan windows alone.
    r = await s.me(ent.key);
    expect(r.headers.get('ratelimit-policy')).not.toContain('quota_');
  });

  it('gives unmetered keys with quotas the quota headers alone', async () => {
    ent = await t.tenant({ plan: 'enterprise', tier: 'unmetered' });
    const k = await withQuotas({ weekly: 4 }, { tier: 'unmetered' });
    moveTo('12:00:00');
    const r = await s.me(k.secret);
    expect(r.headers.get('ratelimit-policy')).toBe('"quota_weekly";q=4;w=604800');
    expect(r.headers.get('ratelimit')).toBe('"quota_weekly";r=3;t=604800');
    expect(r.headers.get('x-ratelimit-limit')).toBeNull();
  });

  it('names, when several quotas are full, the one that frees last: Retry-After and the message agree', async () => {
    const k = await withQuotas({ daily: 2, weekly: 3 });
    const t0 = moveTo('13:00:00');
    expect((await s.me(k.secret)).status).toBe(200);
    t.clock.set(t0 + HOUR);
    expect((await s.me(k.secret)).status).toBe(200);
    t.clock.set(t0 + DAY + MIN);
    expect((await s.me(k.secret)).status).toBe(200);
    // Daily frees at 14:00 today, weekly not before the 13:00 call is a week old.
    const refused = await s.me(k.secret);
    expect(refused).toMatchObject({
      status: 429,
      code: 'quota_exceeded',
      message: `Rate limit exceeded: quota weekly of 3 requests per rolling 7 days. A slot frees up at ${isoSeconds(t0 + 7 * DAY)} (in ${(7 * DAY - DAY - MIN) / 1000} s)`,
    });
    expect(refused.headers.get('retry-after')).toBe(String((7 * DAY - DAY - MIN) / 1000));
  });
});

describe('quota usage in lists', () => {
  it('is left out of REST lists, and priced on GraphQL at a point per key', async () => {
    const ent = await t.tenant({ plan: 'enterprise' });
    const rest = SURFACES[0][1](t);
    for (let i = 0; i < 3; i++) await rest.createKey(ent.key, { name: `listed ${i}`, permissions: ['read:contacts'], quotas: { daily: 10 } });
    const list = await t.rest('GET', '/v1/api-keys?limit=10', { key: ent.key });
    expect(list.body.data.every((k: Record<string, unknown>) => !('quota_usage' in k))).toBe(true);
    const one = await t.gql(ops.KeyQuotaUsage, { id: list.body.data[0].id }, { key: ent.key });
    expect(one.body.extensions?.cost).toMatchObject({ points: 1 });
    const page = await t.gql(ops.ListKeysQuotaUsage, { first: 10 }, { key: ent.key });
    expect(page.body.data!.apiKeys.edges.filter((e) => e.node.quotaUsage.length === 1)).toHaveLength(3);
    // Ten nodes, and ten quotaUsage fields at 100 nodes each: 1,010 nodes, 11 points.
    expect(page.body.extensions?.cost).toMatchObject({ points: 11 });
  });
});
