import { ApiError } from '../../domain/errors.js';
import { Redis } from 'ioredis';
import { MINUTE_MS, type QuotaName, type RollingQuota } from '../../domain/limits/policy.js';
import { layoutFor, seedRings, seedSince, type QuotaLayout } from './rolling.js';
import { CounterStoreUnavailable, type AdmitInput, type AdmitOutcome, type CounterStore, type QuotaCheck } from './store.js';

const CONNECTION_MESSAGES = [
  'Connection is closed.',
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Command timed out',
  'None of startup nodes is available',
];
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** Replies of a server that is up but cannot serve yet: restarting, failing over, or stuck in a script. */
const UNAVAILABLE_REPLIES = /^(LOADING|BUSY|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN)\b/;

/** An ioredis error that means "Redis cannot be reached", as opposed to a bug (a Lua error, a bad argument). */
export function isConnectionFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  // MaxRetriesPerRequestError extends AbortError: commands dropped with their connection.
  if (err.name === 'MaxRetriesPerRequestError' || err.name === 'AbortError') return true;
  if (err.name === 'ReplyError') return UNAVAILABLE_REPLIES.test(err.message);
  return CONNECTION_MESSAGES.includes(err.message) || err.message.startsWith('Socket timeout') || err.message.startsWith('connect ');
}

/** Rethrows a connection failure as CounterStoreUnavailable, anything else as it came. */
async function reach<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw isConnectionFailure(err) ? new CounterStoreUnavailable(err) : err;
  }
}

/** A ring's counters as the Lua scripts read them: uint32, little-endian. */
function ringBytes(values: Uint32Array): Buffer {
  const b = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) b.writeUInt32LE(values[i]!, i * 4);
  return b;
}

/**
 * Window keys name their window's start, so outliving it changes nothing; the slack keeps a
 * key alive if the caller's clock and Redis's disagree (or a test's clock stands still).
 */
const TTL_SLACK_MS = 60_000;
const ttlFor = (resetAt: number, now: number) => Math.max(1, resetAt - now) + TTL_SLACK_MS;

/** Lua helpers over a ring: a Redis string of uint32 (little-endian), the layout of rolling.ts. */
const RING_LUA = `
local U = 4294967296
local function getv(g, b)
  local o = (b % g.slots) * 4
  return (struct.unpack('<I4', redis.call('GETRANGE', g.key, o, o + 3)))
end
local function fill(g, from, to, v)
  if to < from then return end
  local p = struct.pack('<I4', v)
  local s, n = from % g.slots, to - from + 1
  local first = math.min(n, g.slots - s)
  redis.call('SETRANGE', g.key, s * 4, string.rep(p, first))
  if n > first then redis.call('SETRANGE', g.key, 0, string.rep(p, n - first)) end
end
`;

/**
 * One script checks every counter and consumes from all or none: Redis runs it atomically, so
 * any number of instances sharing this Redis enforce one limit (quotas as precise as their
 * buckets, see rolling.ts).
 *
 * KEYS: the plan-window counters, then (with a quota) the key's meta hash (sig, total, seq and
 * each ring's head h1..h3) and its rings. Quotas are checked before plan windows (as in
 * MemoryCounterStore). Returns {1, used...} | {-1, index, current...} a window is full |
 * {-2, index} a window needs its seed | {-3} the key needs its seed |
 * {-4, quotaIndex, retryAt (-1: never), current...} a quota is reached.
 */
const ADMIT = `${RING_LUA}
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
  local sig, totalLimit, nr, nw, metaTtl, ringTtl = ARGV[a + 1], tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4]), tonumber(ARGV[a + 5]), tonumber(ARGV[a + 6])
  a = a + 7
  local metaK = KEYS[nf + 1]
  local m = redis.call('HMGET', metaK, 'sig', 'total', 'seq', 'h1', 'h2', 'h3')
  if m[1] ~= sig then return {-3} end
  local total, seq = tonumber(m[2]), tonumber(m[3])
  local rings = {}
  for r = 1, nr do
    local g = {key = KEYS[nf + 1 + r], B = tonumber(ARGV[a]), slots = tonumber(ARGV[a + 1]), head = tonumber(m[3 + r])}
    a = a + 2
    if not g.head or redis.call('STRLEN', g.key) ~= g.slots * 4 then return {-3} end
    rings[r] = g
  end
  if totalLimit >= 0 and total + 1 > totalLimit then return {-4, 0, -1, unpack(cur)} end
  for j = 1, nw do
    local w, lim, g = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), rings[tonumber(ARGV[a + 2])]
    a = a + 3
    local t = math.floor((math.max(now, (g.head - 1) * g.B) - w) / g.B)
    if t < g.head then
      local base = getv(g, t)
      local n = (seq - base) % U
      if n + 1 > lim then
        local need, lo, hi = n + 1 - lim, t + 1, g.head
        while lo < hi do
          local mid = math.floor((lo + hi) / 2)
          if (getv(g, mid) - base) % U >= need then hi = mid else lo = mid + 1 end
        end
        return {-4, j, lo * g.B + w, unpack(cur)}
      end
    end
  end
  quota = {metaK, total, seq, rings, metaTtl, ringTtl}
end
for i = 1, nf do
  local c = math.max(1, math.min(cost, limits[i]))
  if cur[i] + c > limits[i] then return {-1, i, unpack(cur)} end
  used[i], adds[i] = cur[i] + c, c
end
if quota then
  local metaK, total, before, rings = quota[1], quota[2], quota[3], quota[4]
  local after = (before + 1) % U
  redis.call('HSET', metaK, 'total', string.format('%d', total + 1), 'seq', string.format('%d', after))
  for r, g in ipairs(rings) do
    local b = math.max(math.ceil(now / g.B), g.head)
    if b - g.head >= g.slots then
      redis.call('SET', g.key, string.rep(struct.pack('<I4', before), g.slots))
    else
      fill(g, g.head + 1, b - 1, before)
    end
    fill(g, b, b, after)
    if b ~= g.head then redis.call('HSET', metaK, 'h' .. r, string.format('%d', b)) end
    redis.call('PEXPIRE', g.key, quota[6])
  end
  if quota[5] > 0 then redis.call('PEXPIRE', metaK, quota[5]) else redis.call('PERSIST', metaK) end
end
for i = 1, nf do
  if redis.call('INCRBY', KEYS[i], adds[i]) == adds[i] then redis.call('PEXPIRE', KEYS[i], ttls[i]) end
end
return {1, unpack(used)}
`;

/**
 * Seeds a key's counters unless another instance already did under the same settings (and
 * its rings are whole). ARGV: sig, total, seq, ring count, then per ring its head and bytes,
 * then the meta and ring TTLs. The arguments are bounded by the rings, not by the traffic.
 */
const SEED_KEY = `
local nr = tonumber(ARGV[4])
local m = redis.call('HMGET', KEYS[1], 'sig', 'h1', 'h2', 'h3')
local whole = m[1] == ARGV[1]
for r = 1, nr do
  if not m[1 + r] or redis.call('STRLEN', KEYS[1 + r]) ~= #ARGV[4 + 2 * r] then whole = false end
end
if whole then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'sig', ARGV[1], 'total', ARGV[2], 'seq', ARGV[3])
local metaTtl, ringTtl = tonumber(ARGV[5 + 2 * nr]), tonumber(ARGV[6 + 2 * nr])
for r = 1, nr do
  redis.call('HSET', KEYS[1], 'h' .. r, ARGV[3 + 2 * r])
  redis.call('SET', KEYS[1 + r], ARGV[4 + 2 * r], 'PX', ringTtl)
end
if metaTtl > 0 then redis.call('PEXPIRE', KEYS[1], metaTtl) end
return 1
`;

type AdmitReply = [number, ...(number | string)[]];

interface ScriptedRedis extends Redis {
  wsAdmit(numKeys: number, ...args: (string | number)[]): Promise<AdmitReply>;
  wsSeedKey(numKeys: number, ...args: (string | number | Buffer)[]): Promise<number>;
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
      const reply = await reach(this.run(input));
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
        const retryAt = Number(reply[2]);
        return { ok: false, reason: 'quota', quota: q.rolling[j - 1]!.name as QuotaName, retryAt: retryAt < 0 ? null : retryAt, current };
      }
      if (code === -2) {
        const f = input.fixed[Number(reply[1]) - 1]!;
        const count = await f.seed!();
        await reach(this.redis.set(this.prefix + f.key, count, 'PX', ttlFor(f.resetAt, input.now), 'NX'));
      } else if (code === -3) {
        await this.seedKey(input.quota!, input.now);
      }
    }
    // Instances disagreeing on a key's quota settings (one has not heard of a change yet) re-seed
    // in turn; the change reaches every instance within the notification latency, so: retry.
    throw new ApiError('service_unavailable', "This key's rate-limit counters are being re-seeded; retry in a second", { 'Retry-After': '1' });
  }

  /** The key's meta hash, then one string per ring of its layout. */
  private keyKeys(keyId: string, layout: QuotaLayout): string[] {
    return [`${this.prefix}qr:${keyId}:meta`, ...layout.rings.map((r) => `${this.prefix}qr:${keyId}:r${r.bucketMs / MINUTE_MS}m`)];
  }

  /** Rings outlive their span by the slack; the meta hash lives for good when it holds a total quota's count. */
  private ttls(q: QuotaCheck, layout: QuotaLayout): [meta: number, rings: number] {
    const span = Math.max(0, ...layout.rings.map((r) => r.slots * r.bucketMs)) + TTL_SLACK_MS;
    return [q.total === null ? span : -1, span];
  }

  private run(input: AdmitInput): Promise<AdmitReply> {
    const keys = input.fixed.map((f) => this.prefix + f.key);
    const args: (string | number)[] = [input.now, input.cost, input.fixed.length];
    for (const f of input.fixed) args.push(f.limit, ttlFor(f.resetAt, input.now), f.seed ? '1' : '0');
    const q = input.quota;
    if (q) {
      const layout = layoutFor(q.rolling);
      keys.push(...this.keyKeys(q.keyId, layout));
      args.push('1', q.signature, q.total ?? -1, layout.rings.length, q.rolling.length, ...this.ttls(q, layout));
      for (const r of layout.rings) args.push(r.bucketMs, r.slots);
      q.rolling.forEach((r, j) => args.push(r.windowMs, r.limit, layout.ringOf[j]! + 1));
    } else args.push('0');
    return this.redis.wsAdmit(keys.length, ...keys, ...args);
  }

  private async seedKey(q: QuotaCheck, now: number): Promise<void> {
    const layout = layoutFor(q.rolling);
    const h = await q.seed(seedSince(layout, now));
    const { seq, rings } = seedRings(layout, h, now);
    const keys = this.keyKeys(q.keyId, layout);
    const args: (string | number | Buffer)[] = [q.signature, h.total, seq, rings.length];
    for (const r of rings) args.push(r.head, ringBytes(r.values));
    args.push(...this.ttls(q, layout));
    await reach(this.redis.wsSeedKey(keys.length, ...keys, ...args));
  }

  /** Every Redis key holding this key's quota counters (tests measure their MEMORY USAGE). */
  quotaKeys(keyId: string, rolling: RollingQuota[]): string[] {
    return this.keyKeys(keyId, layoutFor(rolling));
  }

  /** The connection, for tests that inspect what the counters cost. */
  get client(): Redis {
    return this.redis;
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
