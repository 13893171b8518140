import { describe, expect, it } from 'vitest';
import { PLAN_CATALOG } from '../src/db/plans.js';
import { ApiError } from '../src/domain/errors.js';
import { effectivePlan, MAX_LIMIT, type LimitOverride } from '../src/domain/limits/override.js';
import { Limiter } from '../src/gateway/limiter/limiter.js';
import { MemoryCounterStore } from '../src/gateway/limiter/memory-store.js';
import { principal } from './support/principal.js';

const plan = (id: string) => PLAN_CATALOG.find((p) => p.id === id);
const T = Date.parse('2026-11-22T12:00:00Z');

const noHistory = { pointsSince: async () => 0, keyHistory: async () => ({ total: 0, perMinute: [] }) };

describe('limit classes', () => {
  it.each([
    ['plan_free', 10],
    ['plan_pro', 60],
    ['plan_scale', 60],
    ['plan_enterprise', 60],
    ['plan_admin', 120],
  ])('holds AI generation on %s to %i a minute (seed 000), apart from the general windows', async (planId, perMinute) => {
    const limiter = new Limiter(new MemoryCounterStore(), plan, noHistory);
    for (let i = 0; i < perMinute; i++) {
      const { headers } = await limiter.admit(principal(planId), T + i * 10, 'ai', 1);
      expect(headers['RateLimit-Policy']).toBe(`"ai_minute";q=${perMinute};w=60, "day";q=${plan(planId)!.requestsPerDay};w=86400`);
    }
    const refused = await limiter.admit(principal(planId), T + 59_500, 'ai', 1).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ code: 'rate_limited', message: 'Rate limit exceeded. Resets at 2026-11-22T12:01:00Z' });
    // Other endpoints are not held by the AI class.
    await expect(limiter.admit(principal(planId), T + 59_600, 'default', 1)).resolves.toBeDefined();
    // And the class resets with the minute.
    await expect(limiter.admit(principal(planId), T + 60_000, 'ai', 1)).resolves.toBeDefined();
  });

  it('charges a costly request its points in every window, capped at each window so it can run once the window is fresh', async () => {
    const limiter = new Limiter(new MemoryCounterStore(), plan, noHistory);
    const { headers } = await limiter.admit(principal('plan_free'), T, 'default', 50);
    expect(headers.RateLimit).toBe('"second";r=0;t=1, "minute";r=0;t=60, "day";r=0;t=43200');
    const refused = await limiter.admit(principal('plan_free'), T + 60_000, 'default', 1).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'rate_limited', message: 'Rate limit exceeded. Resets at 2026-11-23T00:00:00Z' });
  });
});

describe('limit overrides', () => {
  const override = (o: Partial<LimitOverride>): LimitOverride => ({
    multiplier: null,
    requestsPerSecond: null,
    requestsPerMinute: null,
    requestsPerDay: null,
    aiRequestsPerMinute: null,
    expiresAt: new Date(T + 60_000),
    reason: null,
    ...o,
  });

  it('lift every limit by a multiplier (rounded down, capped at 32 bits) or set explicit ones, only until they expire', () => {
    const starter = plan('plan_starter')!;
    const x = effectivePlan(starter, override({ multiplier: 1.5 }), T);
    expect([x.requestsPerSecond, x.requestsPerMinute, x.requestsPerDay, x.aiRequestsPerMinute]).toEqual([7, 15, 150, 45]);
    expect(effectivePlan(plan('plan_admin')!, override({ multiplier: 1000 }), T).requestsPerDay).toBe(MAX_LIMIT);
    // Exact where binary floating point is not: 200 × 1.15 is 230, not 229.99999999999997 rounded down.
    const ent = effectivePlan(plan('plan_enterprise')!, override({ multiplier: 1.15 }), T);
    expect([ent.requestsPerSecond, ent.requestsPerDay]).toEqual([230, 230_000]);
    expect(effectivePlan(plan('plan_org')!, override({ multiplier: 2.3 }), T).requestsPerSecond).toBe(115);
    const e = effectivePlan(starter, override({ requestsPerMinute: 40 }), T);
    expect([e.requestsPerSecond, e.requestsPerMinute, e.requestsPerDay, e.aiRequestsPerMinute]).toEqual([5, 40, 100, 30]);
    expect(e.override).not.toBeNull();
    // At its expiry and after, the plan's own numbers, as if it had never been set.
    expect(effectivePlan(starter, override({ multiplier: 3 }), T + 60_000)).toEqual({ ...starter, override: null });
    expect(effectivePlan(starter, null, T)).toEqual({ ...starter, override: null });
  });

  it('apply under the key tiers: a high key gets five times the lifted numbers', async () => {
    const limiter = new Limiter(new MemoryCounterStore(), plan, noHistory);
    const p = principal('plan_starter', { rateLimitTier: 'high', override: override({ requestsPerDay: 1000 }) });
    const { headers } = await limiter.admit(p, T, 'default', 1);
    expect(headers['RateLimit-Policy']).toBe('"second";q=25;w=1, "minute";q=50;w=60, "day";q=5000;w=86400');
    expect(headers['X-RateLimit-Override-Expires']).toBe('2026-11-22T12:01:00Z');
  });
});
