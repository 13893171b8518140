import type { QuotaReading, RollingQuota } from '../../domain/limits/policy.js';
import type { KeyHistory } from '../../domain/logs/history.js';

/** A plan window's counter for one workspace and one window instance. */
export interface FixedCounter {
  key: string;
  limit: number;
  /** End of the window (ms): the counter expires then, and a refusal may retry then. */
  resetAt: number;
  /** Counters that must survive a restart (the UTC day) are seeded from the request logs. */
  seed?: () => Promise<number>;
}

export type { KeyHistory };

export interface QuotaCheck {
  keyId: string;
  /** Counters kept under other quota settings are re-seeded. */
  signature: string;
  total: number | null;
  rolling: RollingQuota[];
  /** The key's history from `since` on (ms); the store asks for as much as its buckets span. */
  seed: (since: number) => Promise<KeyHistory>;
}

export interface AdmitInput {
  now: number;
  /** Points this request consumes in each plan window (capped at the window's limit). */
  cost: number;
  fixed: FixedCounter[];
  quota: QuotaCheck | null;
}

/**
 * `quota`: with a quota check, the key's tightest quota (tightestQuota) after the outcome, for
 * the response's headers; on a quota refusal, the quota that refused it (bindingQuota), its
 * `nextSlotAt` the moment the request would fit. `current`: every plan window's count before
 * this request, for a refusal's headers.
 */
export type AdmitOutcome =
  | { ok: true; used: number[]; quota: QuotaReading | null }
  | { ok: false; reason: 'quota'; quota: QuotaReading; current: number[] }
  | { ok: false; reason: 'limit'; index: number; retryAt: number; current: number[]; quota: QuotaReading | null };

/**
 * Checks every counter and, only when all have room, consumes from all of them: one atomic
 * step, so no request is admitted over a limit however many arrive at once. Quotas are checked
 * before plan windows, so a key over its quota is told so whatever the plan's state.
 */
export interface CounterStore {
  readonly kind: 'memory' | 'redis';
  admit(input: AdmitInput): Promise<AdmitOutcome>;
  /**
   * Every quota's reading (`total` first, then the rolling windows in order) without counting
   * a request; counters the store does not hold are seeded from the logs first, as by admit.
   */
  readQuota(quota: QuotaCheck, now: number): Promise<QuotaReading[]>;
  close(): Promise<void>;
}

export function pointsFor(cost: number, limit: number): number {
  return Math.min(Math.max(1, cost), limit);
}

/**
 * The store's backend could not be reached (connection refused or closed, a timeout, a server
 * still loading): the only failure a fallback store may answer by counting elsewhere. Any other
 * error is a bug and fails the request.
 */
export class CounterStoreUnavailable extends Error {
  constructor(cause: unknown) {
    super(`counter store unreachable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'CounterStoreUnavailable';
  }
}
