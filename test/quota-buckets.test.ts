import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { PLAN_CATALOG } from '../src/db/plans.js';
import { ApiError } from '../src/domain/errors.js';
import { DAY_MS, MINUTE_MS, QUOTA_WINDOWS, rollingQuotas } from '../src/domain/limits/policy.js';
import type { KeyHistory } from '../src/domain/logs/history.js';
import type { KeyQuotas } from '../src/domain/principal.js';
import { FallbackCounterStore } from '../src/gateway/limiter/fallback-store.js';
import { Limiter, type LimiterSeeds } from '../src/gateway/limiter/limiter.js';
import { MemoryCounterStore } from '../src/gateway/limiter/memory-store.js';
import { isConnectionFailure, RedisCounterStore } from '../src/gateway/limiter/redis-store.js';
import { CounterStoreUnavailable, type AdmitInput, type CounterStore } from '../src/gateway/limiter/store.js';
import { principal } from './support/principal.js';
import { startServer } from './support/harness.js';
import { SURFACES } from './support/surfaces.js';

const T = Date.parse('2026-11-22T12:00:00Z');
const redisUrl = process.env.TEST_REDIS_URL;
const opened: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
});

/** What the request logs would answer: the same aggregate as keyHistory's SQL (minute m holds ((m-1) min, m min]). */
function historyOf(admitted: number[], since: number): KeyHistory {
  const perMinute = new Map<number, number>();
  for (const t of admitted) if (t >= since) perMinute.set(Math.ceil(t / MINUTE_MS), (perMinute.get(Math.ceil(t / MINUTE_MS)) ?? 0) + 1);
  return { total: admitted.length, perMinute: [...perMinute].sort((a, b) => a[0] - b[0]) };
}

function seedsFrom(admitted: number[]): LimiterSeeds {
  return { pointsSince: async () => 0, keyHistory: async (_k, since) => historyOf(admitted, since) };
}

/** A Redis store on its own prefix, once connected (commands fail fast rather than queue before that). */
async function redisStore(prefix = `test-qb:${randomUUID()}:`): Promise<RedisCounterStore> {
  const s = new RedisCounterStore(redisUrl!, prefix);
  opened.push({ close: async () => (await s.reset(), await s.close()) });
  if (s.client.status !== 'ready') await new Promise((ok) => s.client.once('ready', ok));
  return s;
}

type StoreMaker = () => Promise<CounterStore>;
const makeMemory: StoreMaker = async () => new MemoryCounterStore();
const makeRedis: StoreMaker = () => redisStore();
const STORES: [string, StoreMaker, boolean][] = [
  ['memory', makeMemory, true],
  ['redis', makeRedis, !!redisUrl],
];

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const windowOf = (name: string) => QUOTA_WINDOWS.find((w) => w.name === name)!;

describe.each(STORES)('rolling quotas in buckets (%s store)', (_name, makeStore, enabled) => {
  it.skipIf(!enabled)(
    'never admits over a quota, and gives capacity back at most one bucket late, with Retry-After to match',
    async () => {
      const quotas: KeyQuotas = { total: null, daily: 4, weekly: 9, monthly: 20 };
      const p = principal('none', { keyId: `key_${randomUUID()}`, quotas });
      const admitted: number[] = [];
      let limiter = new Limiter(await makeStore(), () => undefined, seedsFrom(admitted));
      const countIn = (from: number, to: number) => admitted.filter((t) => t > from && t <= to).length;
      const random = rng(6);
      let now = T + 12_345;
      let refusals = 0;
      for (let step = 0; step < 1500; step++) {
        const r = random();
        if (r < 0.3) now += Math.floor(random() * 5_000);
        else if (r < 0.5) now += MINUTE_MS * Math.ceil(random() * 30);
        else if (r < 0.7) now += Math.floor(random() * 30 * 3_600_000);
        else {
          // Aim at a boundary: an admission's exact leaving time, or just before or after it.
          const w = windowOf(['daily', 'weekly', 'monthly'][Math.floor(random() * 3)]!);
          const a = admitted[admitted.length - 1 - Math.floor(random() * Math.min(admitted.length, 25))];
          const target = a === undefined ? now : a + w.windowMs + [-1, 0, 1, w.bucketMs - 1, w.bucketMs][Math.floor(random() * 5)]!;
          if (target > now) now = target;
        }
        if (step % 500 === 499) limiter = new Limiter(await makeStore(), () => undefined, seedsFrom(admitted)); // a restart: seeded from the logs
        const outcome = await limiter.admit(p, now, 'default', 1).catch((e: unknown) => e);
        if (outcome instanceof ApiError) {
          expect(outcome.code).toBe('quota_exceeded');
          refusals++;
          // Refused: some window was full counting every admission up to one bucket older than its window.
          const late = rollingQuotas(quotas).some((q) => countIn(now - q.windowMs - q.bucketMs, now) + 1 > q.limit);
          expect(late, `refused at step ${step} though every window had room a bucket ago`).toBe(true);
          const name = /^Rate limit exceeded: quota (\w+) /.exec(outcome.message)![1];
          expect(outcome.message).toMatch(new RegExp(`\\(in ${outcome.headers['Retry-After']} s\\)$`));
          const q = rollingQuotas(quotas).find((x) => x.name === name)!;
          const inside = admitted.filter((t) => t > now - q.windowMs && t <= now);
          const exactFree = inside.length + 1 > q.limit ? inside[inside.length - q.limit]! + q.windowMs : now;
          const retryAt = now + Number(outcome.headers['Retry-After']) * 1000;
          expect(retryAt).toBeGreaterThanOrEqual(exactFree);
          expect(retryAt).toBeLessThanOrEqual(Math.max(exactFree + q.bucketMs, now + 1000) + 999);
        } else {
          if (outcome instanceof Error) throw outcome;
          for (const q of rollingQuotas(quotas)) {
            expect(countIn(now - q.windowMs, now) + 1, `admitted over the ${q.name} quota at step ${step}`).toBeLessThanOrEqual(q.limit);
          }
          admitted.push(now);
        }
      }
      expect(admitted.length).toBeGreaterThan(300);
      expect(refusals).toBeGreaterThan(300);
    },
    120_000,
  );

  it.skipIf(!enabled)(
    'reads used, remaining and the next slot without counting, and a store seeded from the logs reads the same',
    async () => {
      const quotas: KeyQuotas = { total: 60, daily: 4, weekly: 9, monthly: 20 };
      const p = principal('none', { keyId: `key_${randomUUID()}`, quotas });
      const admitted: number[] = [];
      const limiter = new Limiter(await makeStore(), () => undefined, seedsFrom(admitted));
      const countIn = (from: number, to: number) => admitted.filter((t) => t > from && t <= to).length;
      const random = rng(11);
      let now = T + 7_777;
      for (let step = 0; step < 400; step++) {
        now += [() => Math.floor(random() * 5_000), () => MINUTE_MS * Math.ceil(random() * 30), () => Math.floor(random() * 30 * 3_600_000)][
          Math.floor(random() * 3)
        ]!();
        const outcome = await limiter.admit(p, now, 'default', 1).catch((e: unknown) => e);
        if (!(outcome instanceof ApiError)) admitted.push(now);
        if (step % 20 !== 19) continue;

        const read = await limiter.readQuotas(p, now);
        expect(read.map((r) => r.name)).toEqual(['total', 'daily', 'weekly', 'monthly']);
        expect(read[0]).toEqual({ name: 'total', limit: 60, used: admitted.length, nextSlotAt: null });
        for (const r of read.slice(1)) {
          const q = rollingQuotas(quotas).find((x) => x.name === r.name)!;
          // The exact count, or up to one bucket's more: what admission checks against.
          expect(r.used).toBeGreaterThanOrEqual(countIn(now - q.windowMs, now));
          expect(r.used).toBeLessThanOrEqual(countIn(now - q.windowMs - q.bucketMs, now));
          if (r.used === 0) {
            expect(r.nextSlotAt).toBeNull();
            continue;
          }
          // Remaining goes up at nextSlotAt, not a millisecond before.
          const at = async (time: number) => (await limiter.readQuotas(p, time)).find((x) => x.name === r.name)!;
          const remaining = (x: { limit: number; used: number }) => Math.max(0, x.limit - x.used);
          expect(r.nextSlotAt!).toBeGreaterThan(now);
          expect(remaining(await at(r.nextSlotAt! - 1))).toBe(remaining(r));
          expect(remaining(await at(r.nextSlotAt!))).toBeGreaterThan(remaining(r));
        }
        // Reads count nothing, and a restarted store, seeded from the logs, reads the same.
        expect(await limiter.readQuotas(p, now)).toEqual(read);
        const restarted = new Limiter(await makeStore(), () => undefined, seedsFrom(admitted));
        expect(await restarted.readQuotas(p, now)).toEqual(read);
      }
      expect(admitted.length).toBeGreaterThan(40);
    },
    120_000,
  );

  it.skipIf(!enabled)(
    'keeps a key with quotas of 10^9 under 64 KiB however many admissions 30 days hold',
    async () => {
      const store = await makeStore();
      const quotas: KeyQuotas = { total: 1_000_000_000, daily: 1_000_000_000, weekly: 1_000_000_000, monthly: 1_000_000_000 };
      const p = principal('none', { keyId: `key_${randomUUID()}`, quotas });
      const limiter = new Limiter(store, () => undefined, seedsFrom([]));
      // One every 7 minutes for 31 days, and a burst of 100 in one minute each day.
      let n = 0;
      for (let t = T; t < T + 31 * DAY_MS; t += 7 * MINUTE_MS) {
        await limiter.admit(p, t, 'default', 1);
        n++;
        if ((t - T) % DAY_MS < 7 * MINUTE_MS) for (let i = 0; i < 100; i++, n++) await limiter.admit(p, t + i, 'default', 1);
      }
      expect(n).toBeGreaterThan(9_000);
      let bytes: number;
      if (store instanceof RedisCounterStore) {
        const keys = store.quotaKeys(p.keyId, rollingQuotas(quotas));
        expect(keys).toHaveLength(3);
        const usage = await Promise.all(keys.map((k) => store.client.memory('USAGE', k, 'SAMPLES', 0)));
        bytes = usage.reduce<number>((a, b) => a + Number(b ?? 0), 0);
      } else bytes = (store as MemoryCounterStore).stateBytes(p.keyId);
      expect(bytes).toBeGreaterThan(57_616);
      expect(bytes).toBeLessThanOrEqual(64 * 1024);
    },
    120_000,
  );
});

describe('the Redis script and the in-process store', () => {
  it.skipIf(!redisUrl)(
    'agree on every admission, refusal, message and header, tightest and refusing quota included',
    async () => {
      const quotas: KeyQuotas = { total: 150, daily: 12, weekly: 30, monthly: 60 };
      // On the Free plan, so plan-window refusals (which carry the tightest quota too) come up as well.
      const p = principal('plan_free', { keyId: `key_${randomUUID()}`, quotas });
      const plans = (id: string) => PLAN_CATALOG.find((x) => x.id === id);
      const admitted: number[] = [];
      const memory = new Limiter(new MemoryCounterStore(), plans, seedsFrom(admitted));
      const redis = new Limiter(await redisStore(), plans, seedsFrom(admitted));
      const answer = (o: unknown) => (o instanceof ApiError ? { code: o.code, message: o.message, headers: o.headers } : o);
      const random = rng(23);
      let now = T + 4_321;
      let refusals = 0;
      let planRefusals = 0;
      for (let step = 0; step < 900; step++) {
        const steps = [
          () => 0,
          () => Math.floor(random() * 700),
          () => Math.floor(random() * 5_000),
          () => MINUTE_MS * Math.ceil(random() * 60),
          () => Math.floor(random() * 40 * 3_600_000),
        ];
        now += steps[Math.floor(random() * steps.length)]!();
        const [m, r] = await Promise.all([
          memory.admit(p, now, 'default', 1).catch((e: unknown) => e),
          redis.admit(p, now, 'default', 1).catch((e: unknown) => e),
        ]);
        expect(answer(r), `step ${step}`).toEqual(answer(m));
        if (m instanceof ApiError) refusals++;
        else admitted.push(now);
        if (m instanceof ApiError && m.code === 'rate_limited') planRefusals++;
      }
      expect(refusals).toBeGreaterThan(50);
      expect(planRefusals).toBeGreaterThan(10);
      // The total quota is reached too: its refusals (never freeing) are compared as well.
      expect(admitted.length).toBe(150);
    },
    120_000,
  );
});

describe('falling back to in-process counters', () => {
  const input: AdmitInput = { now: T, cost: 1, fixed: [], quota: null };
  const failing = (err: unknown): CounterStore => ({
    kind: 'redis',
    admit: () => Promise.reject(err),
    readQuota: () => Promise.reject(err),
    close: async () => {},
  });

  it('happens only when the primary store is unreachable', async () => {
    const fallback = new FallbackCounterStore(failing(new CounterStoreUnavailable(new Error('Connection is closed.'))), new MemoryCounterStore(), {
      retryMs: 5_000,
      now: () => T,
    });
    await expect(fallback.admit(input)).resolves.toMatchObject({ ok: true });
    expect(fallback.kind).toBe('memory');
  });

  it('never for any other error: a bug fails the request instead of splitting a shared limit', async () => {
    const failovers: unknown[] = [];
    const bug = new RangeError('Maximum call stack size exceeded');
    const fallback = new FallbackCounterStore(failing(bug), new MemoryCounterStore(), { retryMs: 5_000, now: () => T, onFailover: (e) => failovers.push(e) });
    await expect(fallback.admit(input)).rejects.toBe(bug);
    expect(fallback.kind).toBe('redis');
    expect(failovers).toEqual([]);
  });

  it('tells connection failures of ioredis from other errors', () => {
    const reply = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });
    for (const e of [
      new Error('Connection is closed.'),
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      new Error('Command timed out'),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' }),
      reply('LOADING Redis is loading the dataset in memory'),
    ])
      expect(isConnectionFailure(e), e.message).toBe(true);
    for (const e of [
      reply('ERR user_script:12: attempt to compare nil with number'),
      new RangeError('Maximum call stack size exceeded'),
      new TypeError("Cannot read properties of undefined (reading 'head')"),
    ])
      expect(isConnectionFailure(e), e.message).toBe(false);
  });

  it.skipIf(!redisUrl)('reports an error from inside the Redis script as itself, not as Redis unreachable', async () => {
    const prefix = `test-qb:${randomUUID()}:`;
    const store = await redisStore(prefix);
    const key = 'w:broken';
    // A counter key of the wrong type: the script's GET fails with WRONGTYPE, with Redis up and well.
    await store.client.hset(prefix + key, 'a', '1');
    const err = await store.admit({ now: T, cost: 1, fixed: [{ key, limit: 5, resetAt: T + 1000 }], quota: null }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(CounterStoreUnavailable);
    expect((err as Error).message).toMatch(/WRONGTYPE/);
    expect(isConnectionFailure(err)).toBe(false);
  });
});

describe('seeding a key with 300,000 admissions in its last 24 hours', () => {
  it('seeds from an aggregate: the next request is counted as the 300,001st, on both surfaces and across restarts', async () => {
    const big = !!process.env.TEST_DATABASE_URL;
    // PGlite (WASM) inserts and aggregates a few times slower: the full volume runs on PostgreSQL.
    const rows = big ? 300_000 : 30_000;
    let t = await startServer();
    try {
      const tenant = await t.tenant();
      const s = SURFACES[0][1](t);
      const k = (await s.createKey(tenant.key, { name: 'busy', permissions: ['read:contacts'], quotas: { daily: rows + 1, total: rows + 5 } })).data!;
      const now = t.clock.now();
      // One statement, spread over the last 24 hours (the oldest one minute inside the window).
      const step = Math.floor((DAY_MS - 2 * MINUTE_MS) / rows);
      await t.database.exec(`
        insert into request_logs (id, workspace_id, key_id, key_prefix, request_id, method, endpoint, status, duration_ms, ip, counted, cost, at)
        select 'seedlog_${k.id}_' || g, '${tenant.workspaceId}', '${k.id}', 'wbk_live', 'req_seed_${k.id}_' || g, 'GET', 'GET /v1/me', 200, 1, '127.0.0.1', true, 1,
               to_timestamp((${now - DAY_MS + MINUTE_MS} + g * ${step}) / 1000.0)
        from generate_series(0, ${rows - 1}) as g`);

      expect((await s.me(k.secret)).status).toBe(200);
      expect(await s.me(k.secret)).toMatchObject({ status: 429, code: 'quota_exceeded', message: expect.stringMatching(/^Rate limit exceeded: quota daily /) });
      expect(t.app.gateway.limiter.storeKind).toBe(redisUrl ? 'redis' : 'memory');
      await t.app.logWriter.flush();

      // A restart: fresh counters (and, with Redis, none left there either) seeded from the logs.
      if (redisUrl) {
        const redis = new Redis(redisUrl);
        const keys = await redis.keys(`wsapi:qr:${k.id}:*`);
        expect(keys.length).toBeGreaterThan(0);
        await redis.del(...keys);
        redis.disconnect();
      }
      const database = t.database;
      await t.app.close({ keepDatabase: true });
      t = await startServer({ database, clock: t.clock });
      const g = SURFACES[1][1](t);
      expect(await g.me(k.secret)).toMatchObject({ status: 429, code: 'quota_exceeded', message: expect.stringMatching(/^Rate limit exceeded: quota daily /) });
      expect(t.app.gateway.limiter.storeKind).toBe(redisUrl ? 'redis' : 'memory');
      // The oldest logged admission leaves at its minute's end, 24 h later: then one more fits.
      t.clock.advance(MINUTE_MS);
      expect((await g.me(k.secret)).status).toBe(200);
    } finally {
      await t.close();
    }
  }, 180_000);
});
