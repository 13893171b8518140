import { Redis } from 'ioredis';
import type { AdmitInput, AdmitOutcome, CounterStore, QuotaCheck } from './store.js';
import type { QuotaName } from '../../domain/limits/policy.js';

/**
 * Window keys name their window's start, so outliving it changes nothing; the slack keeps a
 * key alive if the caller's clock and Redis's disagree (or a test's clock stands still).
 */
const TTL_SLACK_MS = 60_000;
const ttlFor = (resetAt: number, now: number) => Math.max(1, resetAt - now) + TTL_SLACK_MS;

/**
 * One script checks every counter and consumes from all or none: Redis runs it atomically, so
 * any number of instances sharing this Redis enforce one exact limit.
 *
 * KEYS: the plan-window counters, then (with a quota) the key's admission log (sorted set),
 * its all-time count and the signature of the settings its counters were seeded under.
 * Quotas are checked before plan windows (as in MemoryCounterStore).
 * Returns {1, used...} | {-1, index, current...} a window is full | {-2, index} a window needs its seed |
 * {-3} the key needs its seed | {-4, quotaIndex, oldestScore, current...} a quota is reached.
 */
const ADMIT = `
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local nf = tonumber(ARGV[3])
local a = 4
local used, adds, ttls, cur, limits, quota = {}, {}, {}, {}, {}, nil
for i = 1, nf do
  local limit, ttl, seeded = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), ARGV[a + 2]
  a = a + 3
  local v = redis.call('GET', KEYS[i])
  if not v and seeded == '1' then return {-2, i} end
  cur[i], limits[i], ttls[i] = tonumber(v or '0'), limit, ttl
end
if ARGV[a] == '1' then
  local sig, totalLimit, nr = ARGV[a + 1], tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
  a = a + 4
  local logK, totK, sigK = KEYS[nf + 1], KEYS[nf + 2], KEYS[nf + 3]
  if redis.call('GET', sigK) ~= sig then return {-3} end
  local total = tonumber(redis.call('GET', totK) or '0')
  if totalLimit >= 0 and total + 1 > totalLimit then return {-4, 0, 0, unpack(cur)} end
  local maxW = 0
  for j = 1, nr do
    local w, lim = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
    a = a + 2
    if w > maxW then maxW = w end
    local n = redis.call('ZCOUNT', logK, '(' .. (now - w), '+inf')
    if n + 1 > lim then
      local e = redis.call('ZRANGEBYSCORE', logK, '(' .. (now - w), '+inf', 'WITHSCORES', 'LIMIT', n - lim, 1)
      return {-4, j, e[2], unpack(cur)}
    end
  end
  quota = {logK, totK, nr, maxW}
end
for i = 1, nf do
  local c = math.max(1, math.min(cost, limits[i]))
  if cur[i] + c > limits[i] then return {-1, i, unpack(cur)} end
  used[i], adds[i] = cur[i] + c, c
end
if quota then
  local seq = redis.call('INCR', quota[2])
  if quota[3] > 0 then
    redis.call('ZADD', quota[1], now, now .. ':' .. seq)
    redis.call('ZREMRANGEBYSCORE', quota[1], '-inf', now - quota[4])
    redis.call('PEXPIRE', quota[1], quota[4] + ${TTL_SLACK_MS})
  end
end
for i = 1, nf do
  if redis.call('INCRBY', KEYS[i], adds[i]) == adds[i] then redis.call('PEXPIRE', KEYS[i], ttls[i]) end
end
return {1, unpack(used)}
`;

/** Seeds a key's counters unless another instance already did under the same settings. */
const SEED_KEY = `
if redis.call('GET', KEYS[3]) == ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], ARGV[2])
local n = tonumber(ARGV[3])
for i = 1, n do redis.call('ZADD', KEYS[1], ARGV[3 + i], ARGV[3 + i] .. ':seed' .. i) end
if n > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[4 + n]) end
redis.call('SET', KEYS[3], ARGV[1])
return 1
`;

type AdmitReply = [number, ...(number | string)[]];

interface ScriptedRedis extends Redis {
  wsAdmit(numKeys: number, ...args: (string | number)[]): Promise<AdmitReply>;
  wsSeedKey(numKeys: number, ...args: (string | number)[]): Promise<number>;
}

export class RedisCounterStore implements CounterStore {
  readonly kind = 'redis' as const;
  private readonly redis: ScriptedRedis;

  constructor(url: string, private readonly prefix = 'wsapi:') {
    const redis = new Redis(url, {
      // Fail fast instead of queueing while Redis is away: the caller falls back (see FallbackCounterStore).
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 500,
      lazyConnect: false,
    });
    redis.on('error', () => {
      // Reported through failed commands; ioredis keeps reconnecting in the background.
    });
    redis.defineCommand('wsAdmit', { lua: ADMIT });
    redis.defineCommand('wsSeedKey', { lua: SEED_KEY });
    this.redis = redis as ScriptedRedis;
  }

  async admit(input: AdmitInput): Promise<AdmitOutcome> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const reply = await this.run(input);
      const code = Number(reply[0]);
      if (code === 1) return { ok: true, used: reply.slice(1).map(Number) };
      if (code === -1) {
        const index = Number(reply[1]) - 1;
        return { ok: false, reason: 'limit', index, retryAt: input.fixed[index]!.resetAt, current: reply.slice(2).map(Number) };
      }
      if (code === -4) {
        const j = Number(reply[1]);
        const q = input.quota!;
        const current = reply.slice(3).map(Number);
        if (j === 0) return { ok: false, reason: 'quota', quota: 'total', retryAt: null, current };
        const r = q.rolling[j - 1]!;
        return { ok: false, reason: 'quota', quota: r.name as QuotaName, retryAt: Number(reply[2]) + r.windowMs, current };
      }
      if (code === -2) {
        const f = input.fixed[Number(reply[1]) - 1]!;
        const count = await f.seed!();
        await this.redis.set(this.prefix + f.key, count, 'PX', ttlFor(f.resetAt, input.now), 'NX');
      } else if (code === -3) {
        await this.seedKey(input.quota!);
      }
    }
    throw new Error('rate-limit counters could not be seeded');
  }

  private keyKeys(keyId: string): [string, string, string] {
    return [`${this.prefix}q:${keyId}:log`, `${this.prefix}q:${keyId}:total`, `${this.prefix}q:${keyId}:sig`];
  }

  private run(input: AdmitInput): Promise<AdmitReply> {
    const keys = input.fixed.map((f) => this.prefix + f.key);
    const args: (string | number)[] = [input.now, input.cost, input.fixed.length];
    for (const f of input.fixed) args.push(f.limit, ttlFor(f.resetAt, input.now), f.seed ? '1' : '0');
    const q = input.quota;
    if (q) {
      keys.push(...this.keyKeys(q.keyId));
      args.push('1', q.signature, q.total ?? -1, q.rolling.length);
      for (const r of q.rolling) args.push(r.windowMs, r.limit);
    } else args.push('0');
    return this.redis.wsAdmit(keys.length, ...keys, ...args);
  }

  private async seedKey(q: QuotaCheck): Promise<void> {
    const h = await q.seed();
    const maxW = Math.max(1, ...q.rolling.map((r) => r.windowMs)) + TTL_SLACK_MS;
    await this.redis.wsSeedKey(3, ...this.keyKeys(q.keyId), q.signature, h.total, h.recent.length, ...h.recent, maxW);
  }

  /** For tests and operators: forget every counter of this deployment. */
  async reset(): Promise<void> {
    const keys = await this.redis.keys(`${this.prefix}*`);
    if (keys.length) await this.redis.del(...keys);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
