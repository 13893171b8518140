import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../src/domain/clock.js';
import { RedisCounterStore } from '../src/gateway/limiter/redis-store.js';
import { bootstrapOn, openTestDatabase, startServer } from './support/harness.js';
import { processEnv, realProcesses } from './support/processes.js';
import { SURFACES } from './support/surfaces.js';

const procs = realProcesses('wsapi-redis-');
/** A server process on the suite's database, counting in the suite's Redis. */
const serverProcess = async () => (await procs.start(processEnv(procs.tempDir(), { extra: { REDIS_URL: process.env.TEST_REDIS_URL } }))).url;

describe('counters in Redis', () => {
  const shared = process.env.TEST_DATABASE_URL && process.env.TEST_REDIS_URL;

  it.skipIf(!shared)(
    'let two server processes on one Redis enforce one quota exactly',
    async () => {
      const database = await openTestDatabase();
      const { admin } = await bootstrapOn(database, systemClock, { name: 'Two processes', plan: 'admin' });
      await database.close();
      const [a, b] = await Promise.all([serverProcess(), serverProcess()]);

      const created = await fetch(`${a}/v1/api-keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'shared quota', permissions: ['read:contacts'], quotas: { daily: 25 } }),
      });
      const key = ((await created.json()) as { data: { key: string } }).data.key;

      const results = await Promise.all(
        Array.from({ length: 80 }, (_, i) =>
          fetch(`${i % 2 ? a : b}/v1/me`, { headers: { authorization: `Bearer ${key}` } }).then(async (r) => ({
            status: r.status,
            code: r.status === 200 ? null : ((await r.json()) as { error: { code: string } }).error.code,
          })),
        ),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(25);
      expect(results.filter((r) => r.code === 'quota_exceeded')).toHaveLength(55);
    },
    120_000,
  );

  it.each(SURFACES)('fall back to this process while Redis is unreachable (%s)', async (_n, makeSurface) => {
    // Nothing listens on port 1: every Redis command fails at once.
    const t = await startServer({ redisUrl: 'redis://127.0.0.1:1' });
    try {
      const s = makeSurface(t);
      const tenant = await t.tenant();
      const k = (await s.createKey(tenant.key, { name: 'limited', permissions: ['read:contacts'], quotas: { daily: 2 } })).data!;
      expect((await s.me(k.secret)).status).toBe(200);
      expect((await s.me(k.secret)).status).toBe(200);
      expect(await s.me(k.secret)).toMatchObject({ status: 429, code: 'quota_exceeded' });
      expect((await s.me(tenant.key)).headers.get('x-ratelimit-limit')).toBe('200000');
      expect(t.app.gateway.limiter.storeKind).toBe('memory');
    } finally {
      await t.close();
    }
  });
});

describe('RedisCounterStore.reset', () => {
  const url = process.env.TEST_REDIS_URL;

  it.skipIf(!url)("forgets every counter under its prefix, over many SCAN batches, and none of another prefix's", async () => {
    const id = randomUUID();
    // A glob character in the prefix matches itself only: `…:a*` must not reach `…:ab:`.
    const mine = new RedisCounterStore(url!, `test-reset:${id}:a*`);
    const theirs = new RedisCounterStore(url!, `test-reset:${id}:ab:`);
    try {
      const r = mine.client;
      // Commands fail fast rather than queue before the connection is up.
      for (const s of [mine, theirs]) if (s.client.status !== 'ready') await new Promise((ok) => s.client.once('ready', ok));
      const write = r.pipeline();
      for (let i = 0; i < 2500; i++) write.set(`test-reset:${id}:a*${i}`, 1);
      for (let i = 0; i < 3; i++) write.set(`test-reset:${id}:ab:${i}`, 1);
      await write.exec();

      await mine.reset();

      expect(await r.exists(...Array.from({ length: 2500 }, (_, i) => `test-reset:${id}:a*${i}`))).toBe(0);
      expect(await r.exists(...[0, 1, 2].map((i) => `test-reset:${id}:ab:${i}`))).toBe(3);
      await theirs.reset();
      expect(await r.exists(...[0, 1, 2].map((i) => `test-reset:${id}:ab:${i}`))).toBe(0);
    } finally {
      await mine.close();
      await theirs.close();
    }
  });
});
