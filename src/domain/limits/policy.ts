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

export function planWindows(plan: PlanRow, tier: RateLimitTier, cls: LimitClass): PlanWindow[] {
  if (tier === 'unmetered') return [];
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

/** Seed 001's rolling quota windows. */
export const QUOTA_WINDOWS = [
  { name: 'daily', windowMs: DAY_MS },
  { name: 'weekly', windowMs: 7 * DAY_MS },
  { name: 'monthly', windowMs: 30 * DAY_MS },
] as const;

export type QuotaName = 'total' | (typeof QUOTA_WINDOWS)[number]['name'];

export interface RollingQuota {
  name: QuotaName;
  limit: number;
  windowMs: number;
}

export function rollingQuotas(q: KeyQuotas): RollingQuota[] {
  const out: RollingQuota[] = [];
  for (const w of QUOTA_WINDOWS) {
    const limit = q[w.name];
    if (limit != null) out.push({ name: w.name, limit, windowMs: w.windowMs });
  }
  return out;
}

/** A signature of a key's quota settings: counters seeded under other settings are re-seeded. */
export function quotaSignature(q: KeyQuotas): string {
  return `${q.total ?? '-'}/${q.daily ?? '-'}/${q.weekly ?? '-'}/${q.monthly ?? '-'}`;
}
