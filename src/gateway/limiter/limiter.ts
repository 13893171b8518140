import type { PlanRow } from '../../db/schema.js';
import { ApiError } from '../../domain/errors.js';
import {
  DAY_MS,
  planWindows,
  QUOTA_WINDOWS,
  quotaRemaining,
  quotaSignature,
  rollingQuotas,
  windowStart,
  type LimitClass,
  type PlanWindow,
  type QuotaReading,
} from '../../domain/limits/policy.js';
import { effectivePlan, type LimitOverride } from '../../domain/limits/override.js';
import type { KeyQuotas, RateLimitTier } from '../../domain/principal.js';
import type { CounterStore, FixedCounter, KeyHistory, QuotaCheck } from './store.js';

export interface LimiterSeeds {
  /** Points a workspace consumed since a moment (the UTC day's counter after a restart). */
  pointsSince(workspaceId: string, since: number): Promise<number>;
  /** A key's admissions per minute since `since`, and its all-time count when `withTotal`. */
  keyHistory(keyId: string, since: number, withTotal: boolean): Promise<KeyHistory>;
}

/** The key whose quotas are counted or read. */
export interface QuotaSubject {
  keyId: string;
  quotas: KeyQuotas;
}

/** The key a request is admitted for, with its workspace's plan and limit override as the directory holds them. */
export interface LimitSubject extends QuotaSubject {
  workspaceId: string;
  rateLimitTier: RateLimitTier;
  planId: string;
  /** As stored (it may have expired; judged per request). */
  override: LimitOverride | null;
}

export interface Admission {
  /** X-RateLimit-* and the IETF RateLimit-Policy / RateLimit fields. */
  headers: Record<string, string>;
}

/** Whole seconds until `at`, at least 1: a client that waits that long finds room. */
const retryAfter = (at: number, now: number) => String(Math.max(1, Math.ceil((at - now) / 1000)));

/** Seed 002 shows whole-second ISO times: "Resets at 2026-02-25T00:00:00Z". */
const isoSeconds = (t: number) => new Date(Math.ceil(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export class Limiter {
  constructor(
    private readonly store: CounterStore,
    private readonly plans: (planId: string) => PlanRow | undefined,
    private readonly seeds: LimiterSeeds,
  ) {}

  get storeKind(): 'memory' | 'redis' {
    return this.store.kind;
  }

  /**
   * Admits the request against the key's quotas (seed 001, rolling) and its workspace's plan
   * windows (seed 002, fixed; lifted for unmetered keys), or throws quota_exceeded / rate_limited.
   */
  async admit(p: LimitSubject, now: number, cls: LimitClass, cost: number): Promise<Admission> {
    const base = this.plans(p.planId);
    const plan = base && effectivePlan(base, p.override, now);
    const windows = plan ? planWindows(plan, p.rateLimitTier, cls) : [];
    const lifted = windows.length > 0 ? (plan?.override ?? null) : null;
    const fixed: FixedCounter[] = windows.map((w) => {
      const start = windowStart(now, w.windowMs);
      return {
        key: `w:${p.workspaceId}:${w.name}:${start}`,
        limit: w.limit,
        resetAt: start + w.windowMs,
        seed: w.windowMs === DAY_MS ? () => this.seeds.pointsSince(p.workspaceId, start) : undefined,
      };
    });
    const outcome = await this.store.admit({ now, cost, fixed, quota: this.quotaCheck(p) });
    if (outcome.ok) return { headers: { ...headersFor(windows, fixed, outcome.used, now, outcome.quota), ...overrideHeaders(lifted) } };

    if (outcome.reason === 'quota') {
      const q = outcome.quota;
      const headers = { ...headersFor(windows, fixed, outcome.current, now, q), ...overrideHeaders(lifted) };
      // A total quota never frees: no Retry-After, as no wait would let a retry succeed.
      if (q.nextSlotAt !== null) headers['Retry-After'] = retryAfter(q.nextSlotAt, now);
      throw new ApiError('quota_exceeded', quotaExceededMessage(q, now), headers);
    }
    const resetAt = outcome.retryAt;
    // Under an override the caller is told the lifted limit it ran into and when the lift ends;
    // a window the override left at the plan's number is the plan's limit, said as usual.
    const window = windows[outcome.index];
    const planWindow = base && window ? planWindows(base, p.rateLimitTier, cls)[outcome.index] : undefined;
    const why =
      lifted && window && window.limit !== planWindow?.limit
        ? `: ${window.limit} ${WINDOW_WORDS[window.name] ?? window.name} under a temporary override until ${isoSeconds(lifted.expiresAt.getTime())}.`
        : '.';
    throw new ApiError('rate_limited', `Rate limit exceeded${why} Resets at ${isoSeconds(resetAt)}`, {
      ...headersFor(windows, fixed, outcome.current, now, outcome.quota),
      ...overrideHeaders(lifted),
      'Retry-After': retryAfter(resetAt, now),
    });
  }

  /**
   * The key's standing against each of its quotas (`total` first, then daily, weekly, monthly;
   * none without quotas), from the counters, seeded from the logs if the store holds none
   * (as admit would). Counts no request.
   */
  async readQuotas(key: QuotaSubject, now: number): Promise<QuotaReading[]> {
    const q = this.quotaCheck(key);
    return q ? this.store.readQuota(q, now) : [];
  }

  private quotaCheck(p: QuotaSubject): QuotaCheck | null {
    const rolling = rollingQuotas(p.quotas);
    if (p.quotas.total === null && rolling.length === 0) return null;
    return {
      keyId: p.keyId,
      signature: quotaSignature(p.quotas),
      total: p.quotas.total,
      rolling,
      seed: (since) => this.seeds.keyHistory(p.keyId, since, p.quotas.total !== null),
    };
  }
}

const windowWords = (windowMs: number) => (windowMs === DAY_MS ? '24 hours' : `${windowMs / DAY_MS} days`);
const requests = (n: number) => `${n} request${n === 1 ? '' : 's'}`;

/**
 * Starts as seed 001's "Rate limit exceeded: quota daily", so callers matching it still do, then
 * says the limit and when a slot frees up (the moment Retry-After names), or that it never does.
 */
function quotaExceededMessage(q: QuotaReading, now: number): string {
  const head = `Rate limit exceeded: quota ${q.name}`;
  if (q.nextSlotAt === null) {
    return `${head} of ${requests(q.limit)} in all. It never frees up: the key stays blocked until its total quota is raised or removed`;
  }
  const w = QUOTA_WINDOWS.find((x) => x.name === q.name)!;
  return `${head} of ${requests(q.limit)} per rolling ${windowWords(w.windowMs)}. A slot frees up at ${isoSeconds(q.nextSlotAt)} (in ${retryAfter(q.nextSlotAt, now)} s)`;
}

const WINDOW_WORDS: Readonly<Record<string, string>> = {
  second: 'requests per second',
  minute: 'requests per minute',
  day: 'requests per UTC day',
  ai_minute: 'AI requests per minute',
};

/** While an override lifts the limits, responses say when the plan's own limits return. */
function overrideHeaders(o: LimitOverride | null): Record<string, string> {
  return o ? { 'X-RateLimit-Override-Expires': isoSeconds(o.expiresAt.getTime()) } : {};
}

/**
 * Seed 002's X-RateLimit-Limit/Remaining/Reset describe the UTC day; RateLimit-Policy and
 * RateLimit (draft-ietf-httpapi-ratelimit-headers) list every plan window and then the key's
 * tightest quota, if it has quotas. A rolling quota's `t` is when more of it comes back (the
 * draft's meaning for sliding windows); `total` has no window and no `t`, nor has a window
 * that counts nothing.
 */
function headersFor(windows: PlanWindow[], fixed: FixedCounter[], used: number[], now: number, quota: QuotaReading | null): Record<string, string> {
  if (windows.length === 0 && !quota) return {};
  const policy: string[] = [];
  const state: string[] = [];
  const h: Record<string, string> = {};
  windows.forEach((w, i) => {
    const remaining = Math.max(0, w.limit - (used[i] ?? 0));
    const resetSeconds = Math.max(0, Math.ceil((fixed[i]!.resetAt - now) / 1000));
    policy.push(`"${w.name}";q=${w.limit};w=${w.windowMs / 1000}`);
    state.push(`"${w.name}";r=${remaining};t=${resetSeconds}`);
    if (w.windowMs === DAY_MS) {
      h['X-RateLimit-Limit'] = String(w.limit);
      h['X-RateLimit-Remaining'] = String(remaining);
      h['X-RateLimit-Reset'] = String(Math.floor(fixed[i]!.resetAt / 1000));
    }
  });
  if (quota) {
    const w = QUOTA_WINDOWS.find((x) => x.name === quota.name);
    policy.push(`"quota_${quota.name}";q=${quota.limit}${w ? `;w=${w.windowMs / 1000}` : ''}`);
    const t = quota.nextSlotAt === null ? '' : `;t=${Math.max(0, Math.ceil((quota.nextSlotAt - now) / 1000))}`;
    state.push(`"quota_${quota.name}";r=${quotaRemaining(quota)}${t}`);
  }
  h['RateLimit-Policy'] = policy.join(', ');
  h.RateLimit = state.join(', ');
  return h;
}
