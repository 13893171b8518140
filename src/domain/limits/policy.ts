import type { PlanRow } from '../../db/schema.js';
import type { KeyQuotas, RateLimitTier } from '../principal.js';

/** The `high` tier multiplies every plan limit by this. */
export const HIGH_TIER_MULTIPLIER = 5;

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/**
 * Classes of endpoints with limits of their own. `default`: the plan's per-second, per-minute
 * and per-day windows (seed 002). `ai`: AI generation, held to its own per-minute rate (seed
 * 000) instead of the general second and minute windows, which on Free and Pro are tighter
 * than the AI rate seed 000 promises; every call still counts against the UTC day.
 */
export type LimitClass = 'default' | 'ai';

/** A fixed window: per second and per minute aligned to the epoch, per day to 00:00 UTC (seed 002). */
export interface PlanWindow {
  /** Names the window in headers and messages: second, minute, day, ai_minute. */
  name: string;
  limit: number;
  windowMs: number;
}

/**
 * `plan`: the workspace's limits as they hold now (see override.ts). An unmetered key is held to
 * the standard tier on a plan without that tier: its workspace moved to such a plan after it was
 * minted, and a plan change takes effect for every key at once.
 */
export function planWindows(plan: PlanRow, tier: RateLimitTier, cls: LimitClass): PlanWindow[] {
  if (tier === 'unmetered' && plan.allowsUnmetered) return [];
  const m = tier === 'high' ? HIGH_TIER_MULTIPLIER : 1;
  const day: PlanWindow = { name: 'day', limit: plan.requestsPerDay * m, windowMs: DAY_MS };
  if (cls === 'ai') return [{ name: 'ai_minute', limit: plan.aiRequestsPerMinute * m, windowMs: MINUTE_MS }, day];
  return [
    { name: 'second', limit: plan.requestsPerSecond * m, windowMs: SECOND_MS },
    { name: 'minute', limit: plan.requestsPerMinute * m, windowMs: MINUTE_MS },
    day,
  ];
}

/** Start of the fixed window holding `now`; UTC days start at midnight because the epoch does. */
export function windowStart(now: number, windowMs: number): number {
  return now - (now % windowMs);
}

/**
 * Seed 001's rolling quota windows, each counted in fixed buckets of `bucketMs`. A bucket
 * counts as inside a window until the whole bucket has left it, so no request is ever admitted
 * over a quota, and capacity comes back at most one bucket late: one minute for the daily and
 * weekly windows, ten minutes for the monthly one.
 *
 * Why not one minute for 30 days: exact per-minute counts over 43,200 minutes that may sum to
 * 10^9 carry about 688,000 bits of information (log2 C(10^9 + 43,200, 43,200)), some 84 KiB,
 * more than the 64 KiB a key may hold. With these buckets a key's state is bounded whatever its
 * quotas: one uint32 per bucket of its longest window per bucket size, plus two buckets of
 * slack (see gateway/limiter/rolling.ts). Worst case, all three rolling quotas set:
 * 1-minute ring over 7 days, (10,080 + 2) x 4 B = 40,328 B; 10-minute ring over 30 days,
 * (4,320 + 2) x 4 B = 17,288 B; 57,616 B of counters, about 62,000 B in Redis as MEMORY USAGE
 * reports it (allocator rounding and key overhead included). Under 64 KiB (65,536 B).
 */
export const QUOTA_WINDOWS = [
  { name: 'daily', windowMs: DAY_MS, bucketMs: MINUTE_MS },
  { name: 'weekly', windowMs: 7 * DAY_MS, bucketMs: MINUTE_MS },
  { name: 'monthly', windowMs: 30 * DAY_MS, bucketMs: 10 * MINUTE_MS },
] as const;

export type QuotaName = 'total' | (typeof QUOTA_WINDOWS)[number]['name'];

export interface RollingQuota {
  name: QuotaName;
  limit: number;
  windowMs: number;
  /** Counting granularity: a multiple of a minute that divides `windowMs`. */
  bucketMs: number;
}

export function rollingQuotas(q: KeyQuotas): RollingQuota[] {
  const out: RollingQuota[] = [];
  for (const w of QUOTA_WINDOWS) {
    const limit = q[w.name];
    if (limit != null) out.push({ name: w.name, limit, windowMs: w.windowMs, bucketMs: w.bucketMs });
  }
  return out;
}

/** A signature of a key's quota settings: counters seeded under other settings are re-seeded. */
export function quotaSignature(q: KeyQuotas): string {
  return `${q.total ?? '-'}/${q.daily ?? '-'}/${q.weekly ?? '-'}/${q.monthly ?? '-'}`;
}

/** A key's standing against one of its quotas, as the counters hold it. */
export interface QuotaReading {
  name: QuotaName;
  limit: number;
  /**
   * Admissions the quota counts now: all time for `total`; for a rolling window, those in
   * buckets not yet wholly out of it (at most one bucket's worth more than the exact count).
   * May exceed `limit` after the quota was lowered.
   */
  used: number;
  /**
   * When `remaining` next goes up (ms): the moment enough counted buckets have left the window
   * for one more request to fit, and while there is room, when the oldest counted bucket
   * leaves. Null for `total` (it never frees) and for a window with nothing counted.
   */
  nextSlotAt: number | null;
}

export const quotaRemaining = (r: QuotaReading): number => Math.max(0, r.limit - r.used);

const quotaSpan = (name: QuotaName) => (name === 'total' ? Infinity : QUOTA_WINDOWS.find((w) => w.name === name)!.windowMs);

/**
 * The quota closest to refusing the key: least remaining; on a tie, the longer window (total
 * the longest), which frees later. The Redis store's script picks the same way.
 */
export function tightestQuota(readings: readonly QuotaReading[]): QuotaReading | null {
  let best: QuotaReading | null = null;
  for (const r of readings) {
    if (!best) best = r;
    else {
      const d = quotaRemaining(r) - quotaRemaining(best);
      if (d < 0 || (d === 0 && quotaSpan(r.name) > quotaSpan(best.name))) best = r;
    }
  }
  return best;
}

/**
 * Of the quotas a request would exceed, the one that frees last (`total` never): the request
 * fits again only then, so that is the one a refusal names. Null when none is full.
 */
export function bindingQuota(readings: readonly QuotaReading[]): QuotaReading | null {
  let worst: QuotaReading | null = null;
  for (const r of readings) {
    if (r.used + 1 <= r.limit) continue;
    if (!worst || r.nextSlotAt === null || (worst.nextSlotAt !== null && r.nextSlotAt > worst.nextSlotAt)) worst = r;
  }
  return worst;
}
