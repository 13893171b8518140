/**
 * Redis: only our own keys are read or deleted (the server prefixes every key with REDIS_PREFIX
 * and names the workspace or key in it); nothing is flushed.
 */
import { Redis } from 'ioredis';
import type { BenchKeys } from './servers.js';

export const REDIS_PREFIX = 'wsapi:';

async function withRedis<T>(url: string, work: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 3_000 });
  r.on('error', () => {
    // Surfaced by the failing command.
  });
  try {
    await r.connect();
    return await work(r);
  } finally {
    r.disconnect();
  }
}

export async function redisPing(url: string): Promise<void> {
  try {
    await withRedis(url, (r) => r.ping());
  } catch (err) {
    throw new Error(
      `Redis at BENCH_REDIS_URL is unreachable (${err instanceof Error ? err.message : String(err)}); correct it, or unset it to skip the redis-* targets`,
    );
  }
}

export function redisKeys(url: string, pattern: string): Promise<string[]> {
  return withRedis(url, async (r) => {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      found.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return found;
  });
}

/** The key's all-time admission count as the Redis quota store holds it; null if absent. */
export function redisQuotaTotal(url: string, keyId: string): Promise<number | null> {
  return withRedis(url, async (r) => {
    // The quota store keeps a key's all-time count in its meta hash (limiter/redis-store.ts).
    const v = await r.hget(`${REDIS_PREFIX}qr:${keyId}:meta`, 'total');
    return v === null ? null : Number(v);
  });
}

/** Deletes the counters of our bench workspace and keys (plan windows, and each key's quota meta and bucket rings). */
export async function redisForget(url: string, keys: BenchKeys): Promise<number> {
  const found = await redisKeys(url, `${REDIS_PREFIX}w:${keys.workspaceId}:*`);
  for (const k of [keys.admin.id, keys.full.id]) found.push(...(await redisKeys(url, `${REDIS_PREFIX}qr:${k}:*`)));
  return withRedis(url, (r) => r.del(...found));
}
