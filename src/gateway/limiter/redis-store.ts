import { ApiError } from '../../domain/errors.js';
import { Redis } from 'ioredis';
import { MINUTE_MS, type QuotaReading, type RollingQuota } from '../../domain/limits/policy.js';
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
 * Lua over a key's quota counters. loadQuota reads the quota arguments from ARGV[a] on ('1',
 * sig, total limit (-1: none), ring count, window count, meta TTL, ring TTL, then per ring its
 * bucket and slots, then per rolling window its span, limit and ring; '0': no quota) and the
 * counters from KEYS[k] on (the meta hash: sig, total, seq and each ring's head h1..h3; then the
 * rings). It returns nil without a quota and false when the counters must be seeded first.
 * inWindow is Ring.count, nextSlot Ring.nextSlotAt (-1: none), tightest policy.ts's
 * tightestQuota: {quota index (0: total), used, next slot}.
 */
const QUOTA_LUA = `${RING_LUA}
local function loadQuota(a, k)
  if ARGV[a] ~= '1' then return nil end
  local q = {sig = ARGV[a + 1], totalLimit = tonumber(ARGV[a + 2]), metaTtl = tonumber(ARGV[a + 5]), ringTtl = tonumber(ARGV[a + 6]), metaK = KEYS[k], rings = {}, wins = {}}
  local nr, nw = tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])
  a = a + 7
  local m = redis.call('HMGET', q.metaK, 'sig', 'total', 'seq', 'h1', 'h2', 'h3')
  if m[1] ~= q.sig then return false end
  q.total, q.seq = tonumber(m[2]), tonumber(m[3])
  for r = 1, nr do
    local g = {key = KEYS[k + r], B = tonumber(ARGV[a]), slots = tonumber(ARGV[a + 1]), head = tonumber(m[3 + r])}
    a = a + 2
    if not g.head or redis.call('STRLEN', g.key) ~= g.slots * 4 then return false end
    q.rings[r] = g
  end
  for j = 1, nw do
    q.wins[j] = {w = tonumber(ARGV[a]), lim = tonumber(ARGV[a + 1]), g = q.rings[tonumber(ARGV[a + 2])]}
    a = a + 3
  end
  return q
end
local function inWindow(x, now, seq)
  local g = x.g
  local t = math.floor((math.max(now, (g.head - 1) * g.B) - x.w) / g.B)
  if t >= g.head then return t, 0, 0 end
  local base = getv(g, t)
  return t, base, (seq - base) % U
end
local function nextSlot(x, t, base, n)
  if n == 0 then return -1 end
  local g, need = x.g, math.max(1, n + 1 - x.lim)
  local lo, hi = t + 1, g.head
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if (getv(g, mid) - base) % U >= need then hi = mid else lo = mid + 1 end
  end
  return lo * g.B + x.w
end
local function tightest(q, now)
  local best, rem, bt, bb, bn
  for j, x in ipairs(q.wins) do
    local t, base, n = inWindow(x, now, q.seq)
    local r = math.max(0, x.lim - n)
    -- Windows come shortest first: a tie goes to the later, longer one.
    if not best or r <= rem then best, rem, bt, bb, bn = j, r, t, base, n end
  end
  if q.totalLimit >= 0 and (not best or math.max(0, q.totalLimit - q.total) <= rem) then return {0, q.total, -1} end
  return {best, bn, nextSlot(q.wins[best], bt, bb, bn)}
end
`;

/**
 * One script checks every counter and consumes from all or none: Redis runs it atomically, so
 * any number of instances sharing this Redis enforce one limit (quotas as precise as their
 * buckets, see rolling.ts).
 *
 * KEYS: the plan-window counters, then (with a quota) the key's meta hash and its rings.
 * ARGV: now, cost, the window count, per window its limit, TTL and whether it is seeded; then
 * the quota's (see QUOTA_LUA). Quotas are checked before plan windows (as in
 * MemoryCounterStore). Returns {1, tightest..., used...} | {-1, index, tightest...,
 * current...} a window is full | {-2, index} a window needs its seed | {-3} the key needs its
 * seed | {-4, quota index (0: total), used, retryAt (-1: never), current...} a quota is
 * reached (bindingQuota: of the full ones, the one that frees last). `tightest` is the key's
 * tightest quota after the outcome, {-1, 0, 0} without one.
 */
const ADMIT = `${QUOTA_LUA}
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local nf = tonumber(ARGV[3])
local a = 4
local used, adds, ttls, cur, limits = {}, {}, {}, {}, {}
for i = 1, nf do
  local limit, ttl, seeded = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), ARGV[a + 2]
  a = a + 3
  local v = redis.call('GET', KEYS[i])
  if not v and seeded == '1' then return {-2, i} end
  cur[i], limits[i], ttls[i] = tonumber(v or '0'), limit, ttl
end
local q = loadQuota(a, nf + 1)
if q == false then return {-3} end
if q then
  if q.totalLimit >= 0 and q.total + 1 > q.totalLimit then return {-4, 0, q.total, -1, unpack(cur)} end
  local worst, wn, ws
  for j, x in ipairs(q.wins) do
    local t, base, n = inWindow(x, now, q.seq)
    if n + 1 > x.lim then
      local s = nextSlot(x, t, base, n)
      if not worst or s > ws then worst, wn, ws = j, n, s end
    end
  end
  if worst then return {-4, worst, wn, ws, unpack(cur)} end
end
for i = 1, nf do
  local c = math.max(1, math.min(cost, limits[i]))
  if cur[i] + c > limits[i] then
    local t = q and tightest(q, now) or {-1, 0, 0}
    return {-1, i, t[1], t[2], t[3], unpack(cur)}
  end
  used[i], adds[i] = cur[i] + c, c
end
local tq = {-1, 0, 0}
if q then
  local before = q.seq
  q.seq, q.total = (before + 1) % U, q.total + 1
  redis.call('HSET', q.metaK, 'total', string.format('%d', q.total), 'seq', string.format('%d', q.seq))
  for r, g in ipairs(q.rings) do
    local b = math.max(math.ceil(now / g.B), g.head)
    if b - g.head >= g.slots then
      redis.call('SET', g.key, string.rep(struct.pack('<I4', before), g.slots))
    else
      fill(g, g.head + 1, b - 1, before)
    end
    fill(g, b, b, q.seq)
    if b ~= g.head then redis.call('HSET', q.metaK, 'h' .. r, string.format('%d', b)) end
    g.head = b
    redis.call('PEXPIRE', g.key, q.ringTtl)
  end
  if q.metaTtl > 0 then redis.call('PEXPIRE', q.metaK, q.metaTtl) else redis.call('PERSIST', q.metaK) end
  tq = tightest(q, now)
end
for i = 1, nf do
  if redis.call('INCRBY', KEYS[i], adds[i]) == adds[i] then redis.call('PEXPIRE', KEYS[i], ttls[i]) end
end
return {1, tq[1], tq[2], tq[3], unpack(used)}
`;

/**
 * Reads a key's quota counters without counting: KEYS the meta hash and rings, ARGV now and
 * the quota's (see QUOTA_LUA). Returns {-3} the key needs its seed | {1, total, then per
 * rolling window its count and next slot (-1: none)}.
 */
const READ_QUOTA = `${QUOTA_LUA}
local now = tonumber(ARGV[1])
local q = loadQuota(2, 1)
if not q then return {-3} end
local out = {1, q.total}
for _, x in ipairs(q.wins) do
  local t, base, n = inWindow(x, now, q.seq)
  out[#out + 1] = n
  out[#out + 1] = nextSlot(x, t, base, n)
end
return out
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

type ScriptReply = [number, ...(number | string)[]];

interface ScriptedRedis extends Redis {
  wsAdmit(numKeys: number, ...args: (string | number)[]): Promise<ScriptReply>;
  wsReadQuota(numKeys: number, ...args: (string | number)[]): Promise<ScriptReply>;
  wsSeedKey(numKeys: number, ...args: (string | number | Buffer)[]): Promise<number>;
}

/** A quota as the scripts report it: its index (0: total, then the rolling windows from 1; -1: none), count and next slot (-1: none). */
function reading(q: QuotaCheck | null, index: number, used: number, slot: number): QuotaReading | null {
  if (!q || index < 0) return null;
  if (index === 0) return { name: 'total', limit: q.total!, used, nextSlotAt: null };
  const r = q.rolling[index - 1]!;
  return { name: r.name, limit: r.limit, used, nextSlotAt: slot < 0 ? null : slot };
}

/**
 * Instances disagreeing on a key's quota settings (one has not heard of a change yet) re-seed
 * in turn; the change reaches every instance within the notification latency, so: retry.
 */
const reseeding = () => new ApiError('service_unavailable', "This key's rate-limit counters are being re-seeded; retry in a second", { 'Retry-After': '1' });

export class RedisCounterStore implements CounterStore {
  readonly kind = 'redis' as const;
  private readonly redis: ScriptedRedis;

  constructor(
    url: string,
    private readonly prefix = 'wsapi:',
  ) {
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
    redis.defineCommand('wsReadQuota', { lua: READ_QUOTA });
    this.redis = redis as ScriptedRedis;
  }

  async admit(input: AdmitInput): Promise<AdmitOutcome> {
    const q = input.quota;
    for (let attempt = 0; attempt < 4; attempt++) {
      const reply = (await reach(this.run(input))).map(Number);
      const code = reply[0];
      if (code === 1) return { ok: true, quota: reading(q, reply[1]!, reply[2]!, reply[3]!), used: reply.slice(4) };
      if (code === -1) {
        const index = reply[1]! - 1;
        return {
          ok: false,
          reason: 'limit',
          index,
          retryAt: input.fixed[index]!.resetAt,
          quota: reading(q, reply[2]!, reply[3]!, reply[4]!),
          current: reply.slice(5),
        };
      }
      if (code === -4) return { ok: false, reason: 'quota', quota: reading(q, reply[1]!, reply[2]!, reply[3]!)!, current: reply.slice(4) };
      if (code === -2) {
        const f = input.fixed[reply[1]! - 1]!;
        const count = await f.seed!();
        await reach(this.redis.set(this.prefix + f.key, count, 'PX', ttlFor(f.resetAt, input.now), 'NX'));
      } else if (code === -3) {
        await this.seedKey(q!, input.now);
      }
    }
    throw reseeding();
  }

  async readQuota(q: QuotaCheck, now: number): Promise<QuotaReading[]> {
    const layout = layoutFor(q.rolling);
    const keys = this.keyKeys(q.keyId, layout);
    for (let attempt = 0; attempt < 4; attempt++) {
      const reply = (await reach(this.redis.wsReadQuota(keys.length, ...keys, now, ...this.quotaArgs(q, layout)))).map(Number);
      if (reply[0] === -3) {
        await this.seedKey(q, now);
        continue;
      }
      const out: QuotaReading[] = [];
      if (q.total !== null) out.push(reading(q, 0, reply[1]!, -1)!);
      q.rolling.forEach((_r, j) => out.push(reading(q, j + 1, reply[2 + 2 * j]!, reply[3 + 2 * j]!)!));
      return out;
    }
    throw reseeding();
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

  private run(input: AdmitInput): Promise<ScriptReply> {
    const keys = input.fixed.map((f) => this.prefix + f.key);
    const args: (string | number)[] = [input.now, input.cost, input.fixed.length];
    for (const f of input.fixed) args.push(f.limit, ttlFor(f.resetAt, input.now), f.seed ? '1' : '0');
    const q = input.quota;
    if (q) {
      const layout = layoutFor(q.rolling);
      keys.push(...this.keyKeys(q.keyId, layout));
      args.push(...this.quotaArgs(q, layout));
    } else args.push('0');
    return this.redis.wsAdmit(keys.length, ...keys, ...args);
  }

  /** The quota's arguments as QUOTA_LUA's loadQuota reads them. */
  private quotaArgs(q: QuotaCheck, layout: QuotaLayout): (string | number)[] {
    const args: (string | number)[] = ['1', q.signature, q.total ?? -1, layout.rings.length, q.rolling.length, ...this.ttls(q, layout)];
    for (const r of layout.rings) args.push(r.bucketMs, r.slots);
    q.rolling.forEach((r, j) => args.push(r.windowMs, r.limit, layout.ringOf[j]! + 1));
    return args;
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

  /**
   * For tests and operators: forget every counter of this deployment. SCAN in batches, not KEYS:
   * KEYS walks the whole keyspace in one command and stalls every other client of that Redis.
   */
  async reset(): Promise<void> {
    const batches = this.redis.scanStream({ match: `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, count: 1000 });
    for await (const keys of batches as AsyncIterable<string[]>) if (keys.length) await this.redis.unlink(...keys);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
