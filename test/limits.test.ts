import { beforeEach, describe, expect, it } from 'vitest';
import { serverForFile } from './support/fixture.js';
import { moveToTomorrow, startServer, type Tenant } from './support/harness.js';
import { SURFACES, type Surface } from './support/surfaces.js';

const t = serverForFile();

const moveTo = (hhmmss: string) => moveToTomorrow(t.clock, hhmmss);
const unix = (ms: number) => String(Math.floor(ms / 1000));
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const nextMidnight = (ms: number) => Math.floor(ms / 86_400_000) * 86_400_000 + 86_400_000;

describe.each(SURFACES)('plan limits over %s', (_name, makeSurface) => {
  let s: Surface;
  let starter: Tenant;
  beforeEach(async () => {
    s = makeSurface(t);
    starter = await t.tenant({ plan: 'starter' });
  });

  it('allows 5 a second, then 429 rate_limited until the next second, with headers on every response', async () => {
    const start = moveTo('10:00:00');
    for (let i = 1; i <= 5; i++) {
      const r = await s.me(starter.key);
      expect(r.status).toBe(200);
      expect(r.headers.get('x-ratelimit-limit')).toBe('100');
      expect(r.headers.get('x-ratelimit-remaining')).toBe(String(100 - i));
      expect(r.headers.get('x-ratelimit-reset')).toBe(unix(nextMidnight(start)));
      expect(r.headers.get('ratelimit-policy')).toBe('"second";q=5;w=1, "minute";q=10;w=60, "day";q=100;w=86400');
      expect(r.headers.get('ratelimit')).toBe(`"second";r=${5 - i};t=1, "minute";r=${10 - i};t=60, "day";r=${100 - i};t=50400`);
    }
    const refused = await s.me(starter.key);
    expect(refused).toMatchObject({ status: 429, httpStatus: 429, code: 'rate_limited' });
    expect(refused.message).toBe(`Rate limit exceeded. Resets at ${new Date(start + 1000).toISOString().replace('.000Z', 'Z')}`);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('95');
    t.clock.advance(1000);
    expect((await s.me(starter.key)).status).toBe(200);
  });

  it('allows 10 a minute, then refuses until the next minute', async () => {
    const start = moveTo('11:00:00');
    for (let i = 0; i < 10; i++) {
      expect((await s.me(starter.key)).status).toBe(200);
      t.clock.advance(1000);
    }
    const refused = await s.me(starter.key);
    expect(refused).toMatchObject({
      status: 429,
      code: 'rate_limited',
      message: `Rate limit exceeded. Resets at ${new Date(start + 60_000).toISOString().replace('.000Z', 'Z')}`,
    });
    expect(refused.headers.get('retry-after')).toBe('50');
    t.clock.set(start + 60_000);
    expect((await s.me(starter.key)).status).toBe(200);
  });

  it('allows 100 a UTC day, resetting at 00:00 UTC exactly, not on a rolling window', async () => {
    moveTo('23:49:00');
    for (let i = 0; i < 100; i++) {
      expect((await s.me(starter.key)).status).toBe(200);
      t.clock.advance(6000);
    }
    const midnight = nextMidnight(t.clock.now());
    const refused = await s.me(starter.key);
    expect(refused).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(refused.message).toBe(`Rate limit exceeded. Resets at ${new Date(midnight).toISOString().replace('.000Z', 'Z')}`);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    t.clock.set(midnight - 1);
    expect((await s.me(starter.key)).code).toBe('rate_limited');
    t.clock.set(midnight);
    const fresh = await s.me(starter.key);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('x-ratelimit-remaining')).toBe('99');
  });

  it('counts every key of the workspace against one limit', async () => {
    const other = (await s.createKey(starter.key, { name: 'second key', permissions: ['read:contacts'] })).data!;
    moveTo('12:00:00');
    for (let i = 0; i < 3; i++) expect((await s.me(starter.key)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await s.me(other.secret)).status).toBe(200);
    expect((await s.me(starter.key)).code).toBe('rate_limited');
    expect((await s.me(other.secret)).code).toBe('rate_limited');
  });

  it('gives the high tier five times the plan and lifts plan limits for unmetered keys', async () => {
    // A key mints keys up to its own tier.
    const starterHigh = await t.tenant({ plan: 'starter', tier: 'high' });
    const high = (await s.createKey(starterHigh.key, { name: 'high', permissions: ['read:contacts'], rateLimitTier: 'high' })).data!;
    moveTo('13:00:00');
    for (let i = 0; i < 25; i++) expect((await s.me(high.secret)).status).toBe(200);
    const r = await s.me(high.secret);
    expect(r.code).toBe('rate_limited');
    expect(r.headers.get('x-ratelimit-limit')).toBe('500');

    const ent = await t.tenant({ plan: 'enterprise', tier: 'unmetered' });
    const free = (await s.createKey(ent.key, { name: 'unmetered', permissions: ['read:contacts'], rateLimitTier: 'unmetered' })).data!;
    moveTo('14:00:00');
    const results = await Promise.all(Array.from({ length: 250 }, () => s.me(free.secret)));
    expect(results.every((x) => x.status === 200)).toBe(true);
    expect(results[0]!.headers.get('x-ratelimit-limit')).toBeNull();
  });

  it('never admits over the per-second limit when 100 requests arrive at once', async () => {
    moveTo('15:00:00');
    const results = await Promise.all(Array.from({ length: 100 }, () => s.me(starter.key)));
    expect(results.filter((x) => x.status === 200)).toHaveLength(5);
    expect(results.filter((x) => x.code === 'rate_limited')).toHaveLength(95);
  });
});

describe.each(SURFACES)('per-key quotas over %s', (_name, makeSurface) => {
  let s: Surface;
  let ent: Tenant;
  beforeEach(async () => {
    s = makeSurface(t);
    ent = await t.tenant({ plan: 'enterprise' });
  });
  const withQuotas = async (quotas: Record<string, number>, tier?: string) =>
    (await s.createKey(ent.key, { name: `q ${JSON.stringify(quotas)} ${tier ?? ''}`, permissions: ['read:contacts'], quotas, rateLimitTier: tier })).data!;

  it('enforces the daily quota on a rolling 24 h window that ignores midnight', async () => {
    const k = await withQuotas({ daily: 3 });
    const first = moveTo('22:00:00');
    for (let h = 0; h < 3; h++) {
      t.clock.set(first + h * 3_600_000);
      expect((await s.me(k.secret)).status).toBe(200);
    }
    t.clock.set(first + 3 * 3_600_000); // 01:00, past midnight: still the same rolling day
    const refused = await s.me(k.secret);
    // The first call (22:00) leaves the window at 22:00 tomorrow: seed 001's words, then the limit and that moment.
    expect(refused).toMatchObject({
      status: 429,
      httpStatus: 429,
      code: 'quota_exceeded',
      message: `Rate limit exceeded: quota daily of 3 requests per rolling 24 hours. A slot frees up at ${iso(first + 86_400_000)} (in 75600 s)`,
    });
    expect(refused.headers.get('retry-after')).toBe(String(21 * 3600));
    // The plan's headers come with every authenticated response, refusals included.
    expect(refused.headers.get('x-ratelimit-limit')).toBe('200000');
    t.clock.set(first + 86_400_000 - 1);
    expect((await s.me(k.secret)).code).toBe('quota_exceeded');
    t.clock.set(first + 86_400_000);
    expect((await s.me(k.secret)).status).toBe(200);
    expect((await s.me(k.secret)).code).toBe('quota_exceeded');
  });

  it('enforces weekly and monthly quotas on rolling windows', async () => {
    const weekly = await withQuotas({ weekly: 2 });
    const start = moveTo('09:00:00');
    expect((await s.me(weekly.secret)).status).toBe(200);
    t.clock.advance(3 * 86_400_000);
    expect((await s.me(weekly.secret)).status).toBe(200);
    const weeklyRefusal = await s.me(weekly.secret);
    expect(weeklyRefusal.message).toBe(
      `Rate limit exceeded: quota weekly of 2 requests per rolling 7 days. A slot frees up at ${iso(start + 7 * 86_400_000)} (in 345600 s)`,
    );
    expect(weeklyRefusal.headers.get('retry-after')).toBe('345600');
    t.clock.set(start + 7 * 86_400_000);
    expect((await s.me(weekly.secret)).status).toBe(200);

    const monthly = await withQuotas({ monthly: 1, daily: 5 });
    const m0 = t.clock.now();
    expect((await s.me(monthly.secret)).status).toBe(200);
    t.clock.advance(29 * 86_400_000);
    expect((await s.me(monthly.secret)).message).toBe(
      `Rate limit exceeded: quota monthly of 1 request per rolling 30 days. A slot frees up at ${iso(m0 + 30 * 86_400_000)} (in 86400 s)`,
    );
    t.clock.set(m0 + 30 * 86_400_000);
    expect((await s.me(monthly.secret)).status).toBe(200);
  });

  it('blocks a key for good once its total quota is reached', async () => {
    const k = await withQuotas({ total: 2 });
    expect((await s.me(k.secret)).status).toBe(200);
    expect((await s.me(k.secret)).status).toBe(200);
    const refused = await s.me(k.secret);
    expect(refused).toMatchObject({
      status: 429,
      code: 'quota_exceeded',
      message: 'Rate limit exceeded: quota total of 2 requests in all. It never frees up: the key stays blocked until its total quota is raised or removed',
    });
    // No wait would let a retry succeed, so there is no Retry-After to honour.
    expect(refused.headers.get('retry-after')).toBeNull();
    t.clock.advance(400 * 86_400_000);
    expect((await s.me(k.secret)).code).toBe('quota_exceeded');
  });

  it('applies quotas to unmetered keys too', async () => {
    ent = await t.tenant({ plan: 'enterprise', tier: 'unmetered' });
    const k = await withQuotas({ daily: 2 }, 'unmetered');
    expect((await s.me(k.secret)).status).toBe(200);
    expect((await s.me(k.secret)).status).toBe(200);
    expect((await s.me(k.secret)).code).toBe('quota_exceeded');
  });

  it('admits exactly the quota when 100 requests arrive at once', async () => {
    const k = await withQuotas({ daily: 37 });
    const results = await Promise.all(Array.from({ length: 100 }, () => s.me(k.secret)));
    expect(results.filter((x) => x.status === 200)).toHaveLength(37);
    expect(results.filter((x) => x.code === 'quota_exceeded')).toHaveLength(63);
  });
});

describe('counters after a restart', () => {
  it('are re-seeded from the request logs: quotas and the UTC day hold across restarts', async () => {
    const s = SURFACES[0][1](t);
    const starter = await t.tenant({ plan: 'starter' });
    const k = (await s.createKey(starter.key, { name: 'persistent', permissions: ['read:contacts'], quotas: { daily: 3, total: 5 } })).data!;
    moveTo('08:00:00');
    for (let i = 0; i < 3; i++) {
      expect((await s.me(k.secret)).status).toBe(200);
      t.clock.advance(10_000);
    }
    await t.app.logWriter.flush();
    // A second instance with fresh in-process counters on the same database.
    const fresh = await startServer({ database: t.database, clock: t.clock, sharedDatabase: true, redisUrl: '' });
    try {
      const s2 = SURFACES[1][1](fresh);
      expect(await s2.me(k.secret)).toMatchObject({
        status: 429,
        code: 'quota_exceeded',
        message: expect.stringMatching(/^Rate limit exceeded: quota daily of 3 requests .* \(in 86370 s\)$/),
      });
      const day = await s2.me(starter.key);
      // Today's 3 calls (the setup was yesterday) and this one count against the day's 100.
      expect(day.headers.get('x-ratelimit-remaining')).toBe(String(100 - 3 - 1));
      // The call at 08:00:00 has left; those at 08:00:10 and 08:00:20 share the minute that ends
      // at 08:01 and leave with it (capacity comes back at most a minute late).
      t.clock.advance(86_400_000);
      expect((await s2.me(k.secret)).status).toBe(200);
      expect((await s2.me(k.secret)).code).toBe('quota_exceeded');
      t.clock.set(Math.ceil(t.clock.now() / 60_000) * 60_000);
      expect((await s2.me(k.secret)).status).toBe(200);
      expect((await s2.me(k.secret)).message).toMatch(/^Rate limit exceeded: quota total of 5 requests in all\. It never frees up/);
    } finally {
      await fresh.close();
    }
  });
});
